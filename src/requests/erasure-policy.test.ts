import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { memoryJournal } from '../execution/run-journal.ts';
import { loadProgramFromDisk } from '../program/load-program.ts';
import { executionEngine } from './engine-adapter.ts';

const programYaml = (dbPath: string, target: string) => `
organization:
  name: Example Ltd
  contacts: { privacy: { email: privacy@example.test } }
  supervisory_authority: { name: ICO, country: GB }
jurisdictions: [{ code: uk_gdpr }]
datasets: [app.yml]
systems:
  - key: app
    name: App
    datasets: [app]
    connection: { type: sqlite, path: ${dbPath} }
erasure_policy:
  rules:
    - target: ${target}
      strategy: hash
    - target: user.name
      strategy: { type: fixed, value: REDACTED }
rights: { offered: [erasure] }
`;

const datasetYaml = `
dataset:
  - fides_key: app
    collections:
      - name: users
        fields:
          - { name: id, data_categories: [user.unique_id], fides_meta: { primary_key: true } }
          - { name: email, data_categories: [user.contact.email], fides_meta: { identity: email } }
          - { name: name, data_categories: [user.name] }
          - { name: plan, data_categories: [system.operations] }
`;

async function setUp(target: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'custodian-policy-'));
  const dbPath = path.join(dir, 'app.db');
  const db = new DatabaseSync(dbPath);
  db.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT, plan TEXT);
    INSERT INTO users VALUES (1, 'ada@example.com', 'Ada Lovelace', 'pro'), (2, 'bob@example.com', 'Bob', 'free');`);
  await writeFile(path.join(dir, 'custodian.yaml'), programYaml(dbPath, target));
  await writeFile(path.join(dir, 'app.yml'), datasetYaml);
  return { dir, db };
}

test("an erasure request anonymises as the program's erasure_policy says", async () => {
  const { dir, db } = await setUp('user.contact.email');
  const loaded = await loadProgramFromDisk(dir);
  assert.ok(loaded.ok, loaded.ok ? '' : JSON.stringify(loaded.issues));
  const out = await executionEngine().run({
    requestId: 'r1',
    type: 'erasure',
    program: loaded.program,
    identities: { email: ['ada@example.com'] },
    dryRun: false,
    journal: memoryJournal(),
  });
  assert.ok(
    out.results.every((r) => r.status === 'succeeded'),
    JSON.stringify(out.results),
  );
  const ada = db.prepare('SELECT email, name, plan FROM users WHERE id = 1').get() as Record<string, string>;
  assert.notEqual(ada.email, 'ada@example.com');
  assert.match(ada.email!, /^[0-9a-f]{16,}$/);
  assert.equal(ada.name, 'REDACTED');
  assert.equal(ada.plan, 'pro', 'fields the policy does not target are kept');
  const bob = db.prepare('SELECT email, name FROM users WHERE id = 2').get() as Record<string, string>;
  assert.deepEqual({ ...bob }, { email: 'bob@example.com', name: 'Bob' });
});

test('an erasure policy naming an unknown category is a located validation error', async () => {
  const { dir } = await setUp('user.contact.emial');
  const loaded = await loadProgramFromDisk(dir);
  assert.equal(loaded.ok, false);
  const issue = loaded.ok ? undefined : loaded.issues[0];
  assert.equal(issue?.path, 'erasure_policy.rules[0].target');
  assert.match(issue?.message ?? '', /did you mean "user.contact.email"/);
  assert.ok((issue?.line ?? 0) > 1);
});
