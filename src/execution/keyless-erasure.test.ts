import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Connector } from '../connectors/connector.ts';
import { type Store, stores } from '../connectors/testing/sql-stores.ts';
import { datasetSchema } from '../program/dataset.ts';
import { defaultTaxonomy } from '../program/taxonomy.ts';
import type { ErasurePolicy } from './masking.ts';
import { runAccess } from './run-access.ts';
import { runErasure } from './run-erasure.ts';
import { memoryJournal } from './run-journal.ts';
import { runRectification } from './run-rectification.ts';

/**
 * Tables without a primary key: a log reached by the person's email (two of Alice's lines
 * are identical) and a tag table reached through a reference to `people.id`. Bob's rows
 * sit beside Alice's in both and must come out untouched.
 */
const schema = [
  'CREATE TABLE people (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL)',
  'CREATE TABLE email_log (email VARCHAR(100), event VARCHAR(100), ip VARCHAR(100))',
  'CREATE TABLE order_tags (person_id INTEGER NOT NULL, tag VARCHAR(100), note VARCHAR(100))',
  "INSERT INTO people VALUES (1, 'alice@example.com'), (2, 'bob@example.com')",
  `INSERT INTO email_log VALUES ('alice@example.com', 'opened', '10.0.0.1'),
    ('alice@example.com', 'opened', '10.0.0.1'), ('alice@example.com', 'clicked', '10.0.0.2'),
    ('bob@example.com', 'opened', '10.0.0.9')`,
  `INSERT INTO order_tags VALUES (1, 'gift', 'for mum'), (1, 'gift', 'for mum'), (1, 'vip', 'late'),
    (2, 'gift', 'for dad')`,
];

const dataset = datasetSchema.parse({
  fides_key: 'app',
  collections: [
    {
      name: 'people',
      fields: [
        { name: 'id', data_categories: ['system.operations'], fides_meta: { primary_key: true } },
        { name: 'email', data_categories: ['user.contact.email'], fides_meta: { identity: 'email' } },
      ],
    },
    {
      name: 'email_log',
      fields: [
        { name: 'email', data_categories: ['user.contact.email'], fides_meta: { identity: 'email' } },
        { name: 'event', data_categories: ['user.behavior'] },
        { name: 'ip', data_categories: ['user.device.ip_address'] },
      ],
    },
    {
      name: 'order_tags',
      fields: [
        {
          name: 'person_id',
          data_categories: ['system.operations'],
          fides_meta: { references: [{ dataset: 'app', field: 'people.id', direction: 'from' }] },
        },
        { name: 'tag', data_categories: ['user.content'] },
        { name: 'note', data_categories: ['user.behavior'] },
      ],
    },
  ],
});
const program = { datasets: [dataset], taxonomy: defaultTaxonomy() };

/** Email hashed (the log's own lookup field), tags hashed, behaviour fixed, addresses nulled. */
const maskPolicy: ErasurePolicy = {
  rules: [
    { target: 'user.contact.email', strategy: { type: 'hash' } },
    { target: 'user.content', strategy: { type: 'hash' } },
    { target: 'user.behavior', strategy: { type: 'fixed', value: 'REDACTED' } },
    { target: 'user.device', strategy: { type: 'null' } },
  ],
};
const deletePolicy: ErasurePolicy = {
  rules: [
    { target: 'user.behavior', strategy: { type: 'delete_row' } },
    { target: 'user.contact.email', strategy: { type: 'hash' } },
  ],
};

const sorted = (rows: Record<string, unknown>[]) =>
  rows
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

for (const { name, skip, open } of stores) {
  describe(`${name}: erasure of collections without a primary key`, { skip: await skip }, () => {
    let store: Store;
    let connector: Connector;
    let queries: string[];
    beforeEach(async () => {
      store = await open('keyless');
      for (const sql of schema) await store.exec(sql);
      queries = [];
      connector = store.connector((sql) => queries.push(sql));
    });
    afterEach(async () => {
      await store?.close();
    });
    const run = (policy: ErasurePolicy, extra: { journal?: ReturnType<typeof memoryJournal> } = {}) =>
      runErasure(program, {
        identities: { email: 'alice@example.com' },
        policy,
        connectors: { overrides: { app: connector } },
        ...extra,
      });
    const log = async () => sorted(await store.select('SELECT email, event, ip FROM email_log'));
    const tags = async () => sorted(await store.select('SELECT person_id, tag, note FROM order_tags'));

    test('access returns every row, identical ones included', async () => {
      const access = await runAccess(program, {
        identities: { email: 'alice@example.com' },
        connectors: { overrides: { app: connector } },
      });
      assert.equal(access.ok, true, JSON.stringify(access.results));
      assert.equal(access.data['app:email_log']!.length, 3);
      assert.equal(access.data['app:order_tags']!.length, 3);
      assert.ok(!JSON.stringify(access.data).includes('bob'));
    });

    test('delete_row deletes the rows matching the lookup condition, by identity and by reference', async () => {
      const erased = await run(deletePolicy);
      assert.equal(erased.ok, true, JSON.stringify(erased.results));
      const result = new Map(erased.results.map((r) => [r.collection, r]));
      assert.equal(result.get('app:email_log')!.action, 'delete');
      assert.equal(result.get('app:email_log')!.rows, 3);
      assert.equal(result.get('app:order_tags')!.rows, 3);
      assert.match(
        result.get('app:order_tags')!.reason!,
        /^no primary key: rows are matched by the condition they were found with, person_id \(1 value\), not by key$/,
      );
      assert.deepEqual(await log(), [{ email: 'bob@example.com', event: 'opened', ip: '10.0.0.9' }]);
      assert.deepEqual(await tags(), [{ person_id: '2', tag: 'gift', note: 'for dad' }]);
      assert.ok(queries.some((q) => /^DELETE FROM ["`]email_log["`] WHERE/.test(q)));
    });

    test('a dry run says the rows are matched by condition and writes nothing', async () => {
      const before = [await log(), await tags()];
      const dry = await runErasure(program, {
        identities: { email: 'alice@example.com' },
        policy: maskPolicy,
        connectors: { overrides: { app: connector } },
        dryRun: true,
      });
      assert.equal(dry.ok, true, JSON.stringify(dry.results));
      const logStep = dry.results.find((r) => r.collection === 'app:email_log')!;
      assert.equal(logStep.rows, 3);
      assert.match(
        logStep.reason!,
        /no primary key: rows are matched by the condition they were found with, email \(1 value\)/,
      );
      assert.ok(queries.every((q) => q.startsWith('SELECT')));
      assert.deepEqual([await log(), await tags()], before);
    });

    test('null, fixed and hash mask every matching row, the lookup field too, once; a resumed run changes nothing', async () => {
      const journal = memoryJournal();
      const result = await run(maskPolicy, { journal });
      assert.equal(result.ok, true, JSON.stringify(result.results));
      const [alice] = await store.select('SELECT email FROM people WHERE id = 1');
      const hashed = String(alice!.email);
      assert.match(hashed, /^[0-9a-f]{64}$/);
      // The log was found by `email = alice`: email hashed with the same value as in people,
      // and the other fields masked too (they were set before the email changed).
      const rows = await log();
      assert.deepEqual(
        rows.filter((r) => r.email !== 'bob@example.com'),
        [
          { email: hashed, event: 'REDACTED', ip: null },
          { email: hashed, event: 'REDACTED', ip: null },
          { email: hashed, event: 'REDACTED', ip: null },
        ],
      );
      assert.deepEqual(
        rows.filter((r) => r.email === 'bob@example.com'),
        [{ email: 'bob@example.com', event: 'opened', ip: '10.0.0.9' }],
      );
      // Tags: a hash per value (the two gift rows share one), notes fixed; Bob's row as it was.
      const mine = (await tags()).filter((t) => t.person_id === '1');
      assert.equal(mine.length, 3);
      assert.ok(mine.every((t) => /^[0-9a-f]{64}$/.test(String(t.tag)) && t.note === 'REDACTED'));
      assert.equal(new Set(mine.map((t) => t.tag)).size, 2);
      assert.deepEqual(
        (await tags()).filter((t) => t.person_id === '2'),
        [{ person_id: '2', tag: 'gift', note: 'for dad' }],
      );
      const logStep = result.results.find((r) => r.collection === 'app:email_log')!;
      assert.equal(logStep.rows, 3);
      assert.deepEqual(logStep.maskedFields, ['email', 'event', 'ip']);

      // Killed after the writes committed but before the journal recorded them: every step
      // is pending again. The re-run finds the lookup value gone (log) or no old value left
      // to hash (tags): nothing is hashed twice, nothing of Bob's is touched.
      const snapshot = [await log(), await tags()];
      for (const step of journal.state!.steps) if (step.status === 'succeeded') step.status = 'pending';
      const again = await run(maskPolicy, { journal });
      assert.equal(again.resumed, true);
      assert.equal(again.ok, true, JSON.stringify(again.results));
      assert.deepEqual([await log(), await tags()], snapshot);
      assert.equal(again.results.find((r) => r.collection === 'app:email_log')!.rows, 0);
    });

    test('a delete re-run after a crash deletes nothing more and succeeds', async () => {
      const journal = memoryJournal();
      assert.equal((await run(deletePolicy, { journal })).ok, true);
      for (const step of journal.state!.steps) if (step.status === 'succeeded') step.status = 'pending';
      await store.exec("INSERT INTO order_tags VALUES (2, 'new', 'for dad again')");
      const again = await run(deletePolicy, { journal });
      assert.equal(again.ok, true, JSON.stringify(again.results));
      assert.equal(again.results.find((r) => r.collection === 'app:order_tags')!.rows, 0);
      assert.equal((await tags()).length, 2);
    });

    test('random masking is refused on a keyless collection, naming the field and why', async () => {
      const before = await tags();
      const result = await run({
        rules: [
          { target: 'user.content', strategy: { type: 'random', length: 12 } },
          { target: 'user.device', strategy: { type: 'null' } },
        ],
      });
      assert.equal(result.ok, false);
      const step = result.results.find((r) => r.collection === 'app:order_tags')!;
      assert.equal(step.status, 'failed');
      assert.equal(step.error!.code, 'validation_failed');
      assert.match(
        step.error!.message,
        /^app:order_tags\.tag: random masking gives every row a value of its own, and app:order_tags declares no primary key/,
      );
      assert.deepEqual(await tags(), before);
      // The rest of the request still runs.
      assert.equal(result.results.find((r) => r.collection === 'app:email_log')!.status, 'succeeded');
      assert.ok((await log()).filter((r) => r.email === 'alice@example.com').every((r) => r.ip === null));
    });

    test('rectification corrects every matching row', async () => {
      const result = await runRectification(program, {
        identities: { email: 'alice@example.com' },
        corrections: [{ field: 'app:email_log.event', value: 'unsubscribed' }],
        connectors: { overrides: { app: connector } },
      });
      assert.equal(result.ok, true, JSON.stringify(result.results));
      const rows = await log();
      assert.equal(rows.filter((r) => r.event === 'unsubscribed').length, 3);
      assert.equal(rows.find((r) => r.email === 'bob@example.com')!.event, 'opened');
    });
  });
}
