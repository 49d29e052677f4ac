import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPostgresDatabase, postgresUnavailable, type TestDatabase } from '../testing/databases.ts';
import { ddl, seedRules, type WorldClient, worldClient, writeWorldProgram } from './testing/seed-world.ts';

const skip = await postgresUnavailable();
const cli = path.resolve(import.meta.dirname, '../cli/main.ts');
const now = new Date('2027-01-01T00:00:00Z');
const OLD_RECORDINGS = 3000;
const OLD_SUBSCRIBERS = 400;

/** A target database with recordings and newsletter subscribers (with deliveries) past retention. */
async function arrange(t: { after(fn: () => Promise<void>): void }) {
  const target = await createPostgresDatabase('retention_kill');
  const store = await createPostgresDatabase('retention_kill_store');
  const db = await worldClient('postgres', target.url);
  t.after(async () => {
    await db.close();
    await target.drop();
    await store.drop();
  });
  for (const s of ddl('postgres')) await db.exec(s);
  await db.exec(
    `INSERT INTO recordings (id, created_at, duration_s) SELECT g, $1::timestamp - (g % 400 || ' days')::interval, 1 FROM generate_series(1, ${OLD_RECORDINGS + 1000}) g`,
    [now],
  );
  await db.exec(
    `INSERT INTO subscribers (id, email, signed_up_at) SELECT g, 's' || g || '@example.com', $1::timestamp - interval '6 years' FROM generate_series(1, ${OLD_SUBSCRIBERS}) g`,
    [now],
  );
  await db.exec(
    `INSERT INTO campaign_deliveries (id, subscriber_id, sent_at, opened_at) SELECT g, (g % ${OLD_SUBSCRIBERS}) + 1, $1::timestamp - (g % 7 || ' days')::interval, CASE WHEN g % 5 = 0 AND g % 2 = 0 THEN $1::timestamp ELSE NULL END FROM generate_series(1, ${OLD_SUBSCRIBERS * 6}) g`,
    [now],
  );
  return { target, store, db };
}

function runCli(dir: string, target: TestDatabase, store: TestDatabase) {
  return spawn(
    process.execPath,
    [
      cli,
      'retention',
      'run',
      '--program',
      dir,
      '--rule',
      'iris-recordings',
      '--rule',
      'lapsed-subscribers',
      '--now',
      now.toISOString(),
      '--format',
      'json',
    ],
    {
      env: { ...process.env, APP_DB_URL: target.url, DATABASE_URL: store.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

async function finish(
  child: ReturnType<typeof runCli>,
): Promise<{ code: number | null; out: string; err: string }> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, out, err };
}

async function state(db: WorldClient) {
  return {
    recordings: await db.ids('recordings'),
    subscribers: await db.ids('subscribers'),
    deliveries: await db.ids('campaign_deliveries'),
  };
}

test('kill -9 mid-run, then re-run: same end state and counts as an uninterrupted run', {
  skip,
  timeout: 240_000,
}, async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'custodian-retention-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // Small batches make the run long enough to be killed in the middle.
  await writeWorldProgram(
    dir,
    'postgres',
    seedRules.map((r) => ({ ...r, batch_size: 10 })),
  );

  const reference = await arrange(t);
  const clean = await finish(runCli(dir, reference.target, reference.store));
  assert.equal(clean.code, 0, clean.out + clean.err);
  const expected = await state(reference.db);
  const cleanCounts = JSON.parse(clean.out).results.map((r: { affected: number }) => r.affected);
  assert.equal(cleanCounts[0], OLD_RECORDINGS + 1000 - expected.recordings.length);
  assert.ok(cleanCounts[1] > 0, 'some subscribers are purged');

  const crashed = await arrange(t);
  const child = runCli(dir, crashed.target, crashed.store);
  const exited = finish(child);
  let killedAt = -1;
  for (let i = 0; i < 2000; i++) {
    const [row] = await crashed.db.exec('SELECT COUNT(*) AS n FROM recordings');
    const left = Number(row?.n);
    if (left < OLD_RECORDINGS + 1000 - 300) {
      child.kill('SIGKILL');
      killedAt = left;
      break;
    }
    await sleep(5);
  }
  const killed = await exited;
  assert.equal(killed.code, null, 'the first run was killed, not finished');
  assert.ok(killedAt > expected.recordings.length, `killed mid-run (rows left ${killedAt})`);

  const resumed = await finish(runCli(dir, crashed.target, crashed.store));
  assert.equal(resumed.code, 0, resumed.out + resumed.err);
  const results = JSON.parse(resumed.out).results as { rule: string; affected: number; resumed: boolean }[];
  assert.equal(results[0]?.resumed, true);
  assert.deepEqual(
    results.map((r) => r.affected),
    cleanCounts,
    'every row is counted once across the crash',
  );
  assert.deepEqual(await state(crashed.db), expected);
});
