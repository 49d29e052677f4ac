import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { manualConnector } from '../connectors/manual-connector.ts';
import { sqliteConnector } from '../connectors/sqlite-connector.ts';
import { datasetSchema } from '../program/dataset.ts';
import { defaultTaxonomy } from '../program/taxonomy.ts';
import { buildGraph } from './build-graph.ts';
import { runAccess } from './run-access.ts';
import { runErasure } from './run-erasure.ts';

const ds = (fides_key: string, collections: unknown[]) => datasetSchema.parse({ fides_key, collections });
const field = (name: string, meta?: Record<string, unknown>) => ({
  name,
  data_categories: ['user.contact.email'],
  ...(meta ? { fides_meta: meta } : {}),
});

test('unreachable collections and cycles are findings, and a cycle stops the run before any query', async () => {
  const datasets = [
    ds('app', [
      {
        name: 'a',
        fields: [
          field('id', { primary_key: true, identity: 'email' }),
          field('b_id', { references: [{ dataset: 'app', field: 'b.id', direction: 'to' }] }),
        ],
      },
      {
        name: 'b',
        fields: [
          field('id', { primary_key: true }),
          field('c_id', { references: [{ dataset: 'app', field: 'c.id', direction: 'to' }] }),
        ],
      },
      {
        name: 'c',
        fields: [
          field('id', { primary_key: true }),
          field('b_ref', { references: [{ dataset: 'app', field: 'b.c_id', direction: 'to' }] }),
        ],
      },
      { name: 'island', fields: [field('id', { primary_key: true })] },
      { name: 'phones', fields: [field('phone', { identity: 'phone_number' })] },
    ]),
  ];
  const graph = buildGraph(datasets, ['email']);
  const codes = graph.findings.map((f) => `${f.severity}:${f.code}:${f.collection ?? ''}`).sort();
  assert.deepEqual(codes, [
    'error:cycle:',
    'warning:unreachable:app:island',
    'warning:unreachable:app:phones',
  ]);
  assert.match(graph.findings.find((f) => f.code === 'cycle')!.message, /app:b.*app:c|app:c.*app:b/);
  let reads = 0;
  await assert.rejects(
    runAccess(
      { datasets, taxonomy: defaultTaxonomy() },
      {
        identities: { email: 'x@example.com' },
        connectors: {
          overrides: {
            app: {
              ...manualConnector({}),
              async read() {
                reads++;
                return [];
              },
            },
          },
        },
      },
    ),
    (err: Error & { code?: string }) => err.code === 'validation_failed' && /cycle/.test(err.message),
  );
  assert.equal(reads, 0);
});

test('a manual system makes the run pending until a person reports back', async () => {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'custodian-manual-')), 'db.sqlite');
  const db = new DatabaseSync(file);
  db.exec(
    `CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT); INSERT INTO users VALUES (7, 'p@example.com');`,
  );
  db.close();
  const datasets = [
    ds('app', [
      { name: 'users', fields: [field('id', { primary_key: true }), field('email', { identity: 'email' })] },
    ]),
    ds('paper', [
      {
        name: 'archive',
        fields: [field('id', { primary_key: true }), field('email', { identity: 'email' })],
      },
    ]),
  ];
  const program = { datasets, taxonomy: defaultTaxonomy() };
  const app = sqliteConnector({ path: file });
  const before = await runAccess(program, {
    identities: { email: 'p@example.com' },
    connectors: {
      overrides: {
        app,
        paper: manualConnector({ assignee: 'records office', instructions: 'search the paper archive' }),
      },
    },
  });
  assert.equal(before.ok, false);
  const pending = before.results.find((r) => r.collection === 'paper:archive')!;
  assert.equal(pending.status, 'pending');
  assert.equal(pending.task?.assignee, 'records office');
  assert.deepEqual(pending.task?.lookup, { email: ['p@example.com'] });
  const after = await runAccess(program, {
    identities: { email: 'p@example.com' },
    connectors: {
      overrides: {
        app,
        paper: manualConnector({
          results: { 'paper:archive': { rows: [{ id: 1, email: 'p@example.com' }] } },
        }),
      },
    },
  });
  assert.equal(after.ok, true);
  assert.equal(after.data['paper:archive']!.length, 1);
  const erase = await runErasure(program, {
    identities: { email: 'p@example.com' },
    policy: { rules: [{ target: 'user', strategy: { type: 'delete_row' } }] },
    connectors: {
      overrides: {
        app,
        paper: manualConnector({
          results: { 'paper:archive': { rows: [{ id: 1, email: 'p@example.com' }] } },
        }),
      },
    },
  });
  assert.equal(erase.results.find((r) => r.collection === 'paper:archive')!.status, 'pending');
  assert.equal(erase.results.find((r) => r.collection === 'app:users')!.status, 'succeeded');
  await app.close();
});
