import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { runAccess } from '../execution/run-access.ts';
import { runErasure } from '../execution/run-erasure.ts';
import { datasetSchema } from '../program/dataset.ts';
import { defaultTaxonomy } from '../program/taxonomy.ts';
import { sqliteConnector } from './sqlite-connector.ts';

test('SQLite: access with nested JSON and composite keys, erasure in place', async () => {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'custodian-sqlite-')), 'app.db');
  const db = new DatabaseSync(file);
  db.exec(`
    CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, settings TEXT, trap TEXT);
    CREATE TABLE devices (user_id INTEGER NOT NULL REFERENCES users(id), slot INTEGER NOT NULL, label TEXT, PRIMARY KEY (user_id, slot));
    INSERT INTO users VALUES (1, 'alice@example.com', '{"theme":"dark","phone":"+1 555","token":"TRAP"}', 'TRAP');
    INSERT INTO users VALUES (2, 'bob@example.com', '{"theme":"light"}', 'TRAP');
    INSERT INTO devices VALUES (1, 1, 'Alice phone'), (1, 2, 'Alice laptop'), (2, 1, 'Bob phone');
  `);
  const dataset = datasetSchema.parse({
    fides_key: 'app',
    collections: [
      {
        name: 'users',
        fields: [
          { name: 'id', data_categories: ['user.unique_id'], fides_meta: { primary_key: true } },
          { name: 'email', data_categories: ['user.contact.email'], fides_meta: { identity: 'email' } },
          {
            name: 'settings',
            fields: [
              { name: 'theme', data_categories: ['user.account.settings'] },
              { name: 'phone', data_categories: ['user.contact.phone_number'] },
            ],
          },
        ],
      },
      {
        name: 'devices',
        fields: [
          {
            name: 'user_id',
            data_categories: ['system.operations'],
            fides_meta: { primary_key: true, references: [{ dataset: 'app', field: 'users.id' }] },
          },
          { name: 'slot', data_categories: ['system.operations'], fides_meta: { primary_key: true } },
          { name: 'label', data_categories: ['user.device'] },
        ],
      },
    ],
  });
  const queries: string[] = [];
  const connector = sqliteConnector({ path: file, onQuery: (sql) => queries.push(sql) });
  const program = { datasets: [dataset], taxonomy: defaultTaxonomy() };
  const access = await runAccess(program, {
    identities: { email: 'alice@example.com' },
    connectors: { overrides: { app: connector } },
  });
  assert.equal(access.ok, true, JSON.stringify(access.results));
  assert.deepEqual(access.data['app:users'], [
    { id: 1, email: 'alice@example.com', settings: { theme: 'dark', phone: '+1 555' } },
  ]);
  assert.equal(access.data['app:devices']!.length, 2);
  assert.ok(!JSON.stringify(access.data).includes('TRAP'));
  assert.ok(queries.every((q) => !q.includes('trap')));

  const erase = await runErasure(program, {
    identities: { email: 'alice@example.com' },
    policy: {
      rules: [
        { target: 'user.contact.phone_number', strategy: { type: 'null' } },
        { target: 'user.device', strategy: { type: 'delete_row' } },
      ],
    },
    connectors: { overrides: { app: connector } },
  });
  assert.equal(erase.ok, true, JSON.stringify(erase.results));
  const alice = db.prepare('SELECT settings, trap FROM users WHERE id = 1').get() as {
    settings: string;
    trap: string;
  };
  assert.deepEqual(JSON.parse(alice.settings), { theme: 'dark', phone: null, token: 'TRAP' });
  assert.equal(alice.trap, 'TRAP');
  assert.deepEqual(
    db
      .prepare('SELECT user_id, slot FROM devices')
      .all()
      .map((r) => ({ ...r })),
    [{ user_id: 2, slot: 1 }],
  );
  await connector.close();
  db.close();
});
