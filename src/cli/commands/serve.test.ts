import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';

const main = new URL('../main.ts', import.meta.url).pathname;

/** Starts `custodian serve` as a user would, on a free port, and waits for its URL. */
async function serve(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [main, 'serve', '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    // A server that does not come up is stopped, so it cannot outlive the test.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within 2 minutes:\n${out}`));
    }, 120_000);
    const check = () => {
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', () => reject(new Error(`server exited:\n${out}`)));
  });
  return { child, url, output: () => out };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

describe('custodian serve on the embedded store', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  test('first start creates the store and an owner key file; a restart keeps both', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'custodian-serve-'));
    dirs.push(dir);
    const first = await serve({ CUSTODIAN_DATA_DIR: dir });
    try {
      assert.match(first.output(), /owner API key/);
      const keyFile = path.join(dir, 'owner-key');
      assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
      const key = (await readFile(keyFile, 'utf8')).trim();
      const health = await fetch(`${first.url}/health`);
      assert.deepEqual(await health.json(), { status: 'ok', store: 'pglite' });
      const ws = await fetch(`${first.url}/api/workspace`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(ws.status, 200);
      await stop(first.child);

      const second = await serve({ CUSTODIAN_DATA_DIR: dir });
      assert.doesNotMatch(second.output(), /owner API key/);
      const again = await fetch(`${second.url}/api/workspace`, {
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(again.status, 200);
      await stop(second.child);
    } finally {
      await stop(first.child);
    }
  });

  test('CUSTODIAN_OWNER_KEY sets the owner key for automated set-ups', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'custodian-serve-'));
    dirs.push(dir);
    const key = 'cus_automated-setup-key-for-tests-0001';
    const server = await serve({ CUSTODIAN_DATA_DIR: dir, CUSTODIAN_OWNER_KEY: key });
    try {
      const res = await fetch(`${server.url}/api/keys`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(res.status, 200);
    } finally {
      await stop(server.child);
    }
  });

  test('a DATABASE_URL that is not PostgreSQL is refused with a clear message', async () => {
    const child = spawn(process.execPath, [main, 'serve'], {
      env: { ...process.env, DATABASE_URL: 'mysql://root@localhost/x' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(err, /DATABASE_URL must be a postgres:\/\/ URL/);
    assert.doesNotMatch(err, /at .*\.ts:\d+/);
  });
});
