import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createWorkspace } from '../governance/workspaces.ts';
import { pushProgram } from '../program/push-program.ts';
import type { Store } from '../store/open-store.ts';
import { consentFixtureProgram } from './consent-fixture.ts';
import { consentHistory, historyToCsv } from './consent-history.ts';
import { recordConsent } from './record-consent.ts';
import { consentTestBackends } from './test-stores.ts';
import { verifyLedger } from './verify-ledger.ts';

const now = new Date('2026-03-01T10:00:00.000Z');

for (const backend of await consentTestBackends()) {
  describe(`consent ledger (${backend.name})`, { skip: backend.skip }, () => {
    let store: Store;
    before(async () => {
      store = await backend.open();
    });
    after(() => store.close());

    async function workspaceWithEvents(n: number) {
      const scope = await createWorkspace(store.db, 'ledger');
      await pushProgram(scope, { program: consentFixtureProgram(), datasets: [] }, 'test');
      for (let i = 0; i < n; i++) {
        await recordConsent(
          scope,
          {
            subject: `device:d${i % 3}`,
            choices: { analytics: i % 2 === 0, marketing: false },
            method: 'banner',
            gpc: false,
          },
          new Date(now.getTime() + i * 1000),
          { ip: '203.0.113.7', userAgent: 'test' },
        );
      }
      return scope;
    }

    test('an intact chain verifies; the IP is kept only as a keyed hash', async () => {
      const scope = await workspaceWithEvents(6);
      const result = await verifyLedger(scope);
      assert.equal(result.ok, true, JSON.stringify(result.problems));
      assert.equal(result.events, 6);
      const row = await scope
        .selectFrom('consent_events')
        .select(['ip_hash', 'seq'])
        .where('seq', '=', 1)
        .executeTakeFirstOrThrow();
      assert.match(row.ip_hash ?? '', /^[0-9a-f]{64}$/);
      assert.notEqual(row.ip_hash, '203.0.113.7');
    });

    test('an edited event is named by its seq', async () => {
      const scope = await workspaceWithEvents(5);
      await sql`UPDATE consent_events SET granted = '["marketing"]' WHERE workspace_id = ${scope.workspaceId} AND seq = 3`.execute(
        store.db,
      );
      const result = await verifyLedger(scope);
      assert.equal(result.ok, false);
      assert.deepEqual(
        result.problems.map((p) => [p.seq, p.problem]),
        [[3, 'edited']],
      );
    });

    test('a deleted event in the middle and deleted newest events are detected', async () => {
      const scope = await workspaceWithEvents(6);
      await sql`DELETE FROM consent_events WHERE workspace_id = ${scope.workspaceId} AND seq IN (2, 6)`.execute(
        store.db,
      );
      const result = await verifyLedger(scope);
      assert.deepEqual(
        result.problems.map((p) => [p.seq, p.problem]),
        [
          [2, 'deleted'],
          [6, 'truncated'],
        ],
      );
    });

    test('a rewritten hash is caught by the next link', async () => {
      const scope = await workspaceWithEvents(4);
      await sql`UPDATE consent_events SET hash = repeat('a', 64) WHERE workspace_id = ${scope.workspaceId} AND seq = 2`.execute(
        store.db,
      );
      const result = await verifyLedger(scope);
      assert.deepEqual(result.problems.map((p) => p.seq).sort(), [2, 3]);
    });

    test('history is the proof: events in order with wording, current state, CSV', async () => {
      const scope = await workspaceWithEvents(6);
      const proof = await consentHistory(scope, 'device:d0');
      assert.deepEqual(
        proof.events.map((e) => [e.seq, e.granted]),
        [
          [1, ['analytics']],
          [4, []],
        ],
      );
      assert.deepEqual(
        proof.current.map((c) => [c.data_use, c.granted]),
        [
          ['analytics.reporting', false],
          ['marketing.advertising.third_party.targeted', false],
        ],
      );
      const csv = historyToCsv(proof);
      assert.equal(csv.trim().split('\n').length, 3);
      assert.match(csv, /^subject,seq,at,method/);
    });

    test('concurrent writers share batches and the chain stays linear', async () => {
      const scope = await createWorkspace(store.db, 'burst');
      await pushProgram(scope, { program: consentFixtureProgram(), datasets: [] }, 'test');
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          recordConsent(
            scope,
            { subject: `device:b${i}`, choices: { analytics: true }, method: 'api', gpc: false },
            now,
          ),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.seq).sort((a, b) => a - b),
        Array.from({ length: 300 }, (_, i) => i + 1),
      );
      assert.equal((await verifyLedger(scope)).ok, true);
    });

    test('unknown notice keys are refused with the field path', async () => {
      const scope = await workspaceWithEvents(0);
      await assert.rejects(
        recordConsent(
          scope,
          { subject: 'device:x', choices: { analytcs: true }, method: 'api', gpc: false },
          now,
        ),
        (err: Error & { details?: { path: string }[] }) => err.details?.[0]?.path === 'body.choices.analytcs',
      );
    });
  });
}
