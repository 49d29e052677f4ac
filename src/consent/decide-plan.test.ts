import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createApiKey, hashKey } from '../governance/api-keys.ts';
import { createWorkspace } from '../governance/workspaces.ts';
import { pushProgram } from '../program/push-program.ts';
import { openStore, type Store } from '../store/open-store.ts';
import { createPostgresDatabase, postgresUnavailable, type TestDatabase } from '../testing/databases.ts';
import { consentFixtureProgram } from './consent-fixture.ts';
import { decideWithApiKey } from './decide.ts';
import { recordConsentBatch } from './record-consent.ts';
import { recordRestriction } from './record-restriction.ts';

// PostgreSQL re-plans a prepared statement on every call when it expects a custom plan to
// beat the generic one; for the decision query that planning costs more than running it.
const why = await postgresUnavailable();
describe('the decision query on PostgreSQL', { skip: why }, () => {
  let database: TestDatabase;
  let store: Store;
  let keyHash: string;

  before(async () => {
    database = await createPostgresDatabase('custodian_plan');
    // One connection, so the statistics read below are those of the session that ran the calls.
    store = await openStore({ databaseUrl: database.url, poolSize: 1 });
    const scope = await createWorkspace(store.db, 'plans');
    await pushProgram(scope, { program: consentFixtureProgram(), datasets: [] }, 'test');
    keyHash = hashKey((await createApiKey(scope, { name: 'app', role: 'auditor' })).secret);
    // Enough rows that the planner's estimate for one subject differs from the generic one.
    const now = new Date('2026-04-01T12:00:00.000Z');
    for (let done = 0; done < 10_000; done += 5000)
      await recordConsentBatch(
        scope,
        Array.from({ length: 5000 }, (_, i) => ({
          subject: `user:${done + i}`,
          choices: { analytics: i % 2 === 0, newsletter: i % 3 === 0 },
          method: 'import' as const,
          gpc: false,
        })),
        now,
      );
    for (let i = 0; i < 50; i++)
      await recordRestriction(scope, { subject: `user:${i * 7}`, kind: 'objection' }, now);
    await sql`ANALYZE`.execute(store.db);
  });
  after(async () => {
    await store?.close();
    await database?.drop();
  });

  test('settles on one generic plan whatever the number of subjects asked about', async () => {
    // Mostly single questions (a quiet hour), then groups of all sizes (a busy one).
    const counts = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 5, 1, 3, 40, 1, 64, 2, 1];
    for (const count of counts) {
      const queries = Array.from({ length: count }, (_, i) => ({
        subject: `user:${i}`,
        purpose: 'analytics.reporting',
      }));
      const decisions = await decideWithApiKey(store.db, keyHash, queries);
      assert.ok(Array.isArray(decisions) && decisions.length === count);
    }
    const { rows } = await sql<{ generic_plans: string; custom_plans: string }>`
      SELECT generic_plans, custom_plans FROM pg_prepared_statements
       WHERE statement LIKE '%api_keys%' AND statement LIKE '%consent_state%'`.execute(store.db);
    assert.equal(rows.length, 1, 'one prepared statement for every group size');
    // PostgreSQL tries custom plans for the first five calls, then keeps the generic one.
    assert.equal(Number(rows[0]!.custom_plans), 5);
    assert.equal(Number(rows[0]!.generic_plans), counts.length - 5);
  });
});
