import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { maskValue } from '../execution/masking.ts';
import { lintProgram } from '../program/lint/lint-program.ts';
import type { RetentionRule } from '../program/retention-rule.ts';
import { listRetentionRuns } from './list-retention-runs.ts';
import { fixedClock } from './period.ts';
import { engines, openWorld, type World } from './retention-test-kit.ts';
import { runRetention } from './run-retention.ts';
import { appDataset, seedRules } from './testing/seed-world.ts';

const now = '2027-01-01T00:00:00.000Z';
const old = new Date('2025-06-01T00:00:00Z');
const recent = new Date('2026-12-01T00:00:00Z');
const ordersRule = seedRules.find((r) => r.key === 'tenant-orders') as RetentionRule;
const anonymiseOrders: RetentionRule = { ...ordersRule, key: 'anonymise-orders', action: 'anonymise' };

/** Order ids repeat across accounts: only (account_id, id) tells a row apart. */
async function seedOrders(w: World) {
  await w.db.insert('tenant_orders', [
    { account_id: 1, id: 1, placed_at: old, buyer_email: 'ann@example.com', buyer_name: 'Ann', total: 10 },
    { account_id: 1, id: 2, placed_at: recent, buyer_email: 'ann@example.com', buyer_name: 'Ann', total: 20 },
    { account_id: 2, id: 1, placed_at: recent, buyer_email: 'bob@example.com', buyer_name: 'Bob', total: 30 },
    { account_id: 2, id: 2, placed_at: old, buyer_email: null, buyer_name: 'Bob', total: 40 },
    { account_id: 3, id: 1, placed_at: old, buyer_email: 'cy@example.com', buyer_name: 'Cy', total: 50 },
  ]);
  await w.db.insert('tenant_order_lines', [
    { account_id: 1, order_id: 1, line_no: 1, sku: 'a' },
    { account_id: 1, order_id: 1, line_no: 2, sku: 'b' },
    { account_id: 1, order_id: 2, line_no: 1, sku: 'c' },
    { account_id: 2, order_id: 1, line_no: 1, sku: 'd' },
    { account_id: 2, order_id: 2, line_no: 1, sku: 'e' },
    { account_id: 3, order_id: 1, line_no: 1, sku: 'f' },
  ]);
}

const keysOf = async (w: World, table: string, cols: string) =>
  (await w.db.exec(`SELECT ${cols} FROM ${table} ORDER BY ${cols}`)).map((r) =>
    Object.values(r).map(Number).join('/'),
  );

/** The dataset with `tenant_orders` keyed by `id` alone (wrong: ids repeat per account). */
function idOnlyDataset() {
  const dataset = structuredClone(appDataset) as typeof appDataset;
  const orders = dataset.collections.find((c) => c.name === 'tenant_orders');
  const account = orders?.fields.find((f) => f.name === 'account_id') as { fides_meta?: unknown };
  delete account.fides_meta;
  return dataset;
}

/** The dataset with order lines referencing `tenant_orders.id` only, not the account. */
function partialReferenceDataset() {
  const dataset = structuredClone(appDataset) as typeof appDataset;
  const lines = dataset.collections.find((c) => c.name === 'tenant_order_lines');
  const account = lines?.fields.find((f) => f.name === 'account_id') as { fides_meta?: unknown };
  account.fides_meta = { primary_key: true };
  return dataset;
}

for (const { engine, skip } of engines) {
  describe(`retention on composite and missing keys (${engine})`, { skip }, () => {
    test('delete by (account_id, id): batches by key tuple, cascades by the composite reference', async (t) => {
      const w = await openWorld(t, engine);
      await seedOrders(w);
      const [plan] = await w.plan(now, ['tenant-orders']);
      assert.equal(plan?.status, 'ready', plan?.error);
      assert.deepEqual(plan?.key, ['account_id', 'id']);
      assert.deepEqual(plan?.examples, ['(1, 1)', '(2, 2)', '(3, 1)']);
      assert.deepEqual(plan?.cascade, ['app.tenant_order_lines']);

      const [r] = await w.sweep(now, ['tenant-orders']);
      assert.equal(r?.status, 'succeeded', r?.reason);
      assert.equal(r?.affected, 3);
      assert.equal(r?.batches, 2, 'batch_size 2: two batches walk the key tuples');
      assert.deepEqual(r?.cascaded, { 'app.tenant_order_lines': 4 });
      // Order 1 of account 2 and order 2 of account 1 share ids with deleted orders, and stay.
      assert.deepEqual(await keysOf(w, 'tenant_orders', 'account_id, id'), ['1/2', '2/1']);
      assert.deepEqual(await keysOf(w, 'tenant_order_lines', 'account_id, order_id, line_no'), [
        '1/2/1',
        '2/1/1',
      ]);
      const [evidence] = await listRetentionRuns(w.scope, { rule: 'tenant-orders' });
      assert.deepEqual(evidence?.keyColumns, ['account_id', 'id']);
    });

    test('anonymise applies the erasure policy with the request engine’s masking', async (t) => {
      const w = await openWorld(t, engine);
      await seedOrders(w);
      const program = w.program([anonymiseOrders], {
        erasure_policy: {
          rules: [
            { target: 'user', strategy: 'null' },
            { target: 'user.contact.email', strategy: 'hash' },
            { target: 'user.name', strategy: { type: 'fixed', value: 'REDACTED' } },
          ],
        },
      });
      const [plan] = await w.plan(now, undefined, program);
      assert.equal(plan?.status, 'ready', plan?.error);
      assert.equal(plan?.rows, 3);
      assert.deepEqual(plan?.mask, [
        { field: 'buyer_email', strategy: 'hash', source: 'erasure_policy user.contact.email' },
        { field: 'buyer_name', strategy: 'fixed "REDACTED"', source: 'erasure_policy user.name' },
      ]);

      const env = { ...w.env, CUSTODIAN_ANONYMISE_SALT: 'pepper' };
      const sweep = (at: string) =>
        runRetention({ program, scope: w.scope, clock: fixedClock(at), env, rules: ['anonymise-orders'] });
      const [r] = await sweep(now);
      assert.equal(r?.status, 'succeeded', r?.reason);
      assert.equal(r?.affected, 3);
      const rows = await w.db.exec(
        'SELECT account_id, id, buyer_email, buyer_name, total FROM tenant_orders ORDER BY account_id, id',
      );
      // The value an erasure request computes for the same field with the same secret.
      const hashed = (value: string) =>
        maskValue(
          { type: 'hash' },
          value,
          {
            path: 'buyer_email',
            column: 'buyer_email',
            member: [],
            categories: ['user.contact.email'],
            isLeaf: true,
          },
          Buffer.from('pepper'),
        );
      assert.deepEqual(
        rows.map((x) => [Number(x.account_id), Number(x.id), x.buyer_email, x.buyer_name, Number(x.total)]),
        [
          [1, 1, hashed('ann@example.com'), 'REDACTED', 10],
          [1, 2, 'ann@example.com', 'Ann', 20],
          [2, 1, 'bob@example.com', 'Bob', 30],
          [2, 2, null, 'REDACTED', 40],
          [3, 1, hashed('cy@example.com'), 'REDACTED', 50],
        ],
      );
      const [again] = await sweep('2027-06-01T00:00:00.000Z');
      assert.equal(again?.affected, 0, 'masked rows are not masked twice');
      const [first] = await w.db.exec(
        'SELECT buyer_email FROM tenant_orders WHERE account_id = 1 AND id = 1',
      );
      assert.equal(first?.buyer_email, hashed('ann@example.com'));
      const [evidence] = await listRetentionRuns(w.scope, { rule: 'anonymise-orders' });
      assert.deepEqual(
        evidence?.masking.map((m) => [m.field, m.strategy]),
        [
          ['buyer_email', 'hash'],
          ['buyer_name', 'fixed "REDACTED"'],
        ],
      );
    });

    test('a delete strategy in the erasure policy deletes the rows; random is refused with the reason', async (t) => {
      const w = await openWorld(t, engine);
      await seedOrders(w);
      const deleting = w.program([anonymiseOrders], {
        erasure_policy: { rules: [{ target: 'user.contact.email', strategy: 'delete' }] },
      });
      const [plan] = await w.plan(now, undefined, deleting);
      assert.equal(plan?.deletesRows, true);
      const [r] = await w.sweep(now, undefined, deleting);
      assert.equal(r?.status, 'succeeded', r?.reason);
      assert.deepEqual(await keysOf(w, 'tenant_orders', 'account_id, id'), ['1/2', '2/1']);
      assert.deepEqual(r?.cascaded, { 'app.tenant_order_lines': 4 });

      const random = w.program([anonymiseOrders], {
        erasure_policy: { rules: [{ target: 'user.name', strategy: 'random' }] },
      });
      const [refused] = await w.plan(now, undefined, random);
      assert.equal(refused?.status, 'error');
      assert.match(
        refused?.error ?? '',
        /"buyer_name" would be masked with random \(erasure_policy user\.name\).*cannot be told from an original one/,
      );
      assert.match(refused?.error ?? '', /mask: \{ buyer_name: hash \}/);
    });

    test('a declared key the database does not keep unique is refused before any row changes', async (t) => {
      const w = await openWorld(t, engine);
      await seedOrders(w);
      const program = w.program([ordersRule], {}, idOnlyDataset());
      const [plan] = await w.plan(now, undefined, program);
      assert.equal(plan?.status, 'error');
      assert.match(
        plan?.error ?? '',
        /declared key \(id\) is not unique in the database, whose unique keys are \(account_id, id\)/,
      );
      const [r] = await w.sweep(now, undefined, program);
      assert.equal(r?.status, 'failed');
      assert.equal((await keysOf(w, 'tenant_orders', 'account_id, id')).length, 5);
    });

    test('a cascade through part of a composite key is refused: it would reach other tenants', async (t) => {
      const w = await openWorld(t, engine);
      await seedOrders(w);
      const [plan] = await w.plan(now, undefined, w.program([ordersRule], {}, partialReferenceDataset()));
      assert.equal(plan?.status, 'error');
      assert.match(
        plan?.error ?? '',
        /app\.tenant_order_lines references app\.tenant_orders by \(order_id\) → \(id\), only part of its primary key \(account_id, id\).*Add fides_meta\.references for tenant_orders\.account_id on tenant_order_lines/,
      );
      assert.equal((await keysOf(w, 'tenant_order_lines', 'account_id, order_id, line_no')).length, 6);
    });

    test('a collection without a key: lint and plan say the sweep refuses it; manual_task still counts', async (t) => {
      const w = await openWorld(t, engine);
      await w.db.insert('audit_trail', [
        { actor_email: 'a@example.com', happened_at: old },
        { actor_email: 'b@example.com', happened_at: recent },
      ]);
      const purge: RetentionRule = {
        ...ordersRule,
        key: 'audit-purge',
        target: { dataset: 'app', collection: 'audit_trail' },
        when: { older_than: { field: 'happened_at', period: 'P1Y' } },
      };
      const review: RetentionRule = { ...purge, key: 'audit-review', action: 'manual_task' };
      const program = w.program([purge, review]);
      const findings = lintProgram(program).findings.filter(
        (f) => f.code === 'retention-rule-target-without-key',
      );
      assert.deepEqual(
        findings.map((f) => f.path),
        ['retention_rules[0].target.collection'],
      );
      const [plan, task] = await w.plan(now, undefined, program);
      assert.equal(plan?.status, 'error');
      assert.match(plan?.error ?? '', /app\.audit_trail" declares no primary key, so the sweep refuses it/);
      assert.match(plan?.error ?? '', /unique index whose columns are all NOT NULL/);
      assert.equal(task?.status, 'ready');
      assert.equal(task?.rows, 1);
      assert.deepEqual(task?.examples, []);
      const results = await w.sweep(now, undefined, program);
      assert.deepEqual(
        results.map((r) => [r.rule, r.status, r.affected]),
        [
          ['audit-purge', 'failed', 0],
          ['audit-review', 'succeeded', 1],
        ],
      );
      assert.equal((await w.db.exec('SELECT actor_email FROM audit_trail')).length, 2);
    });
  });
}
