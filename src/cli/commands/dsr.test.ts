import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { CliContext } from '../cli-context.ts';
import { run } from './dsr.ts';

async function cli(argv: string[], cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const ctx: CliContext = { argv, stdout, stderr, env: {}, cwd };
  const code = await run(ctx);
  return { code, out, err };
}

test('custodian dsr run: access, dry-run erasure, erasure and rectify on a SQLite store', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'custodian-dsr-cli-'));
  const dbFile = path.join(dir, 'app.db');
  const db = new DatabaseSync(dbFile);
  db.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT);
    INSERT INTO users VALUES (1, 'a@example.com', 'Ann'), (2, 'b@example.com', 'Ben');`);
  await writeFile(
    path.join(dir, 'app.yml'),
    `dataset:
  - fides_key: app
    collections:
      - name: users
        fields:
          - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
          - { name: email, data_categories: [user.contact.email], fides_meta: { identity: email } }
          - { name: name, data_categories: [user.name] }
`,
  );
  const base = [
    'run',
    '--identity',
    'email=a@example.com',
    '--dataset',
    'app.yml',
    '--connection',
    `app=sqlite:${dbFile}`,
  ];
  const access = await cli([...base, '--type', 'access', '--out', 'out'], dir);
  assert.equal(access.code, 0, access.err);
  assert.match(access.out, /app:users\s+✔ succeeded\s+1/);
  const result = JSON.parse(await readFile(path.join(dir, 'out', 'result.json'), 'utf8'));
  assert.equal(result.results[0].rows, 1);
  assert.ok((await readFile(path.join(dir, 'out', 'access-package.zip'))).length > 100);

  const dry = await cli(
    [
      ...base,
      '--type',
      'erasure',
      '--target',
      'user.name',
      '--strategy',
      'fixed:gone',
      '--dry-run',
      '--out',
      'out2',
    ],
    dir,
  );
  assert.equal(dry.code, 0, dry.err);
  assert.match(dry.out, /nothing was written/);
  assert.equal((db.prepare('SELECT name FROM users WHERE id = 1').get() as { name: string }).name, 'Ann');

  const erase = await cli(
    [...base, '--type', 'erasure', '--target', 'user.name', '--strategy', 'fixed:gone', '--out', 'out2'],
    dir,
  );
  assert.equal(erase.code, 0, erase.err);
  assert.equal((db.prepare('SELECT name FROM users WHERE id = 1').get() as { name: string }).name, 'gone');
  assert.equal((db.prepare('SELECT name FROM users WHERE id = 2').get() as { name: string }).name, 'Ben');

  const rectify = await cli(
    [...base, '--type', 'rectify', '--set', 'users.name=Annie', '--out', 'out3'],
    dir,
  );
  assert.equal(rectify.code, 0, rectify.err);
  assert.equal((db.prepare('SELECT name FROM users WHERE id = 1').get() as { name: string }).name, 'Annie');
  const journal = JSON.parse(await readFile(path.join(dir, 'out3', 'rectification-journal.json'), 'utf8'));
  assert.deepEqual(journal.steps[0].previous, [{ key: [1], values: { name: 'gone' } }]);

  const bad = await cli(
    ['run', '--type', 'access', '--identity', 'email=a@example.com', '--dataset', 'app.yml', '--out', 'o'],
    dir,
  );
  assert.equal(bad.code, 1);
  assert.match(bad.out, /no connection for dataset app/);
  db.close();
});
