import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RetentionRule } from '../program/retention-rule.ts';
import { listRetentionRuns } from './list-retention-runs.ts';
import { fixedClock } from './period.ts';
import { placeLegalHold } from './place-legal-hold.ts';
import { releaseLegalHold } from './release-legal-hold.ts';
import { engines, openWorld } from './retention-test-kit.ts';
import { runRetention } from './run-retention.ts';
import { seedRules } from './testing/seed-world.ts';

const now = '2027-01-01T00:00:00.000Z';
const old = new Date('2026-01-01T00:00:00Z');
const ruleOf = (key: string) => seedRules.find((r) => r.key === key) as RetentionRule;

for (const { engine, skip } of engines) {
  describe(`retention actions, holds and evidence (${engine})`, { skip }, () => {
    test('legal holds by identity, account and collection stop the sweep until released', async (t) => {
      const w = await openWorld(t, engine);
      await w.db.insert('accounts', [
        { id: 1, email: 'held@example.com', last_access_at: new Date('2025-06-01Z') },
        { id: 2, email: 'free@example.com', last_access_at: new Date('2025-06-01Z') },
      ]);
      await w.db.insert('subscriptions', [
        { id: 1, account_id: 1, amount: 5, status: 'expired', expires_at: old },
        { id: 2, account_id: 2, amount: 5, status: 'expired', expires_at: old },
      ]);
      await w.db.insert('recordings', [
        { id: 1, account_id: 42, created_at: old, duration_s: 1 },
        { id: 2, account_id: 7, created_at: old, duration_s: 1 },
      ]);
      const identity = await placeLegalHold(w.scope, {
        kind: 'identity',
        identity_type: 'email',
        value: 'held@example.com',
        reason: 'subject access dispute',
      });
      await placeLegalHold(w.scope, { kind: 'account', value: 42, reason: 'litigation' });
      const contracts = await placeLegalHold(w.scope, {
        kind: 'collection',
        dataset: 'app',
        collection: 'contracts',
        reason: 'audit',
      });
      await w.db.insert('contracts', [
        { id: 1, contact_name: 'x', value: 1, terminated_at: new Date('2015-01-01Z') },
      ]);

      // The plan shows what the holds exempt, and writes nothing.
      const plans = await w.plan(now, ['inactive-accounts', 'expired-subscriptions', 'terminated-contracts']);
      assert.deepEqual(
        plans.map((p) => [p.rule, p.rows, p.holds.map((h) => h.rows)]),
        [
          ['inactive-accounts', 1, [1]],
          ['expired-subscriptions', 1, [1]],
          ['terminated-contracts', 0, ['all']],
        ],
      );
      assert.equal(plans[2]?.status, 'held');
      assert.deepEqual(await w.db.ids('accounts'), [1, 2]);
      assert.equal((await listRetentionRuns(w.scope)).length, 0);

      const results = await w.sweep(now, ['inactive-accounts', 'iris-recordings', 'terminated-contracts']);
      assert.deepEqual(
        results.map((r) => [r.rule, r.status, r.affected]),
        [
          ['inactive-accounts', 'succeeded', 1],
          ['iris-recordings', 'succeeded', 1],
          ['terminated-contracts', 'skipped', 0],
        ],
      );
      assert.match(results[2]?.reason ?? '', /legal hold on app\.contracts: audit/);
      assert.deepEqual(await w.db.ids('accounts'), [1]);
      assert.deepEqual(await w.db.ids('subscriptions'), [1], "the held account's subscription stays too");
      assert.deepEqual(await w.db.ids('recordings'), [1]);
      assert.deepEqual(await w.db.ids('contracts'), [1]);

      const [evidence] = await listRetentionRuns(w.scope, { rule: 'inactive-accounts' });
      assert.deepEqual(evidence?.holdsApplied, [
        { id: identity.id, kind: 'identity', reason: 'subject access dispute', rows: 1 },
      ]);

      await releaseLegalHold(w.scope, identity.id);
      await releaseLegalHold(w.scope, contracts.id);
      await w.sweep(now, ['inactive-accounts', 'terminated-contracts']);
      assert.deepEqual(await w.db.ids('accounts'), []);
      assert.deepEqual(await w.db.ids('contracts'), []);
    });

    test('a hold placed during a sweep applies from the next batch', async (t) => {
      const w = await openWorld(t, engine);
      await w.db.insert(
        'recordings',
        [1, 2, 3, 4, 5, 6].map((id) => ({
          id,
          account_id: id <= 2 ? 7 : 42,
          created_at: old,
          duration_s: 1,
        })),
      );
      let placed = false;
      const [r] = await runRetention({
        program: w.program(),
        scope: w.scope,
        rules: ['iris-recordings'],
        clock: fixedClock(now),
        env: w.env,
        holdRecheckMs: 0,
        onProgress: async () => {
          if (placed) return;
          placed = true;
          await placeLegalHold(w.scope, { kind: 'account', value: 42, reason: 'claim received mid-sweep' });
        },
      });
      assert.equal(r?.affected, 2);
      assert.deepEqual(await w.db.ids('recordings'), [3, 4, 5, 6]);
    });

    test('an expired hold no longer protects', async (t) => {
      const w = await openWorld(t, engine);
      await w.db.insert('recordings', [{ id: 1, account_id: 42, created_at: old, duration_s: 1 }]);
      await placeLegalHold(w.scope, {
        kind: 'account',
        value: '42',
        reason: 'until the claim window closes',
        expires_at: '2027-02-01T00:00:00Z',
      });
      await w.sweep(now, ['iris-recordings']);
      assert.deepEqual(await w.db.ids('recordings'), [1]);
      await w.sweep('2027-02-01T00:00:01Z', ['iris-recordings']);
      assert.deepEqual(await w.db.ids('recordings'), []);
    });

    test('anonymise removes identifiers, keeps aggregates, and never masks a row twice', async (t) => {
      const w = await openWorld(t, engine);
      const rule: RetentionRule = {
        ...ruleOf('expired-subscriptions'),
        key: 'anonymise-subscriptions',
        action: 'anonymise',
        mask: { billing_email: { type: 'hash' }, holder_name: { type: 'fixed', value: 'anonymised' } },
      };
      const program = w.program([rule]);
      await w.db.insert('subscriptions', [
        {
          id: 1,
          billing_email: 'a@example.com',
          holder_name: 'Ann',
          amount: 10,
          status: 'expired',
          expires_at: old,
        },
        {
          id: 2,
          billing_email: 'b@example.com',
          holder_name: 'Bob',
          amount: 32,
          status: 'expired',
          expires_at: old,
        },
        {
          id: 3,
          billing_email: 'c@example.com',
          holder_name: 'Cy',
          amount: 7,
          status: 'active',
          expires_at: old,
        },
      ]);
      const before = await w.db.exec('SELECT COUNT(*) AS n, SUM(amount) AS s FROM subscriptions');
      const [r] = await w.sweep(now, undefined, program);
      assert.equal(r?.affected, 2);
      const after = await w.db.exec('SELECT COUNT(*) AS n, SUM(amount) AS s FROM subscriptions');
      assert.deepEqual(
        after.map((x) => [Number(x.n), Number(x.s)]),
        before.map((x) => [Number(x.n), Number(x.s)]),
      );
      const rows = await w.db.exec('SELECT id, billing_email, holder_name FROM subscriptions ORDER BY id');
      for (const row of rows.slice(0, 2)) {
        assert.match(String(row.billing_email), /^[0-9a-f]{64}$/);
        assert.equal(row.holder_name, 'anonymised');
      }
      assert.notEqual(rows[0]?.billing_email, rows[1]?.billing_email, 'hashes still tell rows apart');
      assert.equal(rows[2]?.billing_email, 'c@example.com', 'the active subscription is untouched');
      const [again] = await w.sweep('2027-06-01T00:00:00Z', undefined, program);
      assert.equal(again?.affected, 0);
      const [first] = await w.db.exec('SELECT billing_email FROM subscriptions WHERE id = 1');
      assert.equal(first?.billing_email, rows[0]?.billing_email, 'a masked row is not hashed again');
    });

    test('archive_anonymised copies only non-identifying fields, then deletes', async (t) => {
      const w = await openWorld(t, engine);
      const rule: RetentionRule = {
        ...ruleOf('visitor-data'),
        key: 'archive-visits',
        action: 'archive_anonymised',
        archive: { table: 'visits_archive', keep: ['visited_at', 'page'] },
      };
      await w.db.insert('visits', [
        { id: 1, visited_at: new Date('2026-05-01T00:00:00Z'), ip: '10.1.1.1', page: '/pricing' },
        { id: 2, visited_at: new Date('2026-05-02T00:00:00Z'), ip: '10.1.1.2', page: '/' },
        { id: 3, visited_at: new Date('2026-12-30T00:00:00Z'), ip: '10.1.1.3', page: '/' },
      ]);
      const [r] = await w.sweep(now, undefined, w.program([rule]));
      assert.equal(r?.status, 'succeeded', r?.reason);
      assert.deepEqual(await w.db.ids('visits'), [3]);
      const archived = await w.db.exec('SELECT * FROM visits_archive ORDER BY visited_at');
      assert.deepEqual(
        archived.map((a) => Object.keys(a).sort()),
        [
          ['page', 'visited_at'],
          ['page', 'visited_at'],
        ],
      );
      assert.deepEqual(
        archived.map((a) => a.page),
        ['/pricing', '/'],
      );
    });

    test('manual_task opens one task with the rows due and changes no data', async (t) => {
      const w = await openWorld(t, engine);
      const rule: RetentionRule = {
        ...ruleOf('terminated-contracts'),
        key: 'contracts-review',
        action: 'manual_task',
        task: { assignee: 'legal@example.com', instructions: 'Check for open claims, then delete' },
      };
      const program = w.program([rule]);
      await w.db.insert('contracts', [
        { id: 1, contact_name: 'a', value: 1, terminated_at: new Date('2019-01-01Z') },
        { id: 2, contact_name: 'b', value: 1, terminated_at: new Date('2020-01-01Z') },
      ]);
      await w.sweep(now, undefined, program);
      await w.sweep(now, undefined, program);
      assert.deepEqual(await w.db.ids('contracts'), [1, 2]);
      const tasks = await w.scope.selectFrom('retention_tasks').selectAll().execute();
      assert.equal(tasks.length, 1);
      assert.equal(tasks[0]?.rows_due, 2);
      assert.equal(tasks[0]?.assignee, 'legal@example.com');
    });

    test('a rule naming a missing field fails with the path; other rules still run', async (t) => {
      const w = await openWorld(t, engine);
      const broken: RetentionRule = {
        ...ruleOf('iris-recordings'),
        key: 'broken',
        when: { older_than: { field: 'creatd_at', period: 'P90D' } },
      };
      await w.db.insert('recordings', [{ id: 1, created_at: old, duration_s: 1 }]);
      const results = await w.sweep(now, undefined, w.program([broken, ruleOf('iris-recordings')]));
      assert.equal(results[0]?.status, 'failed');
      assert.match(
        results[0]?.reason ?? '',
        /retention_rules\[broken\]\.when\.older_than\.field: .*no field "creatd_at"; did you mean "created_at"/,
      );
      assert.equal(results[1]?.status, 'succeeded');
      assert.deepEqual(await w.db.ids('recordings'), []);
      const runs = await listRetentionRuns(w.scope);
      assert.deepEqual(runs.map((r) => [r.rule, r.status]).sort(), [
        ['broken', 'failed'],
        ['iris-recordings', 'succeeded'],
      ]);
    });
  });
}
