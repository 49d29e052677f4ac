import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { AppError } from '../errors.ts';
import { createWorkspace } from '../governance/workspaces.ts';
import { pushProgram } from '../program/push-program.ts';
import type { Store } from '../store/open-store.ts';
import { consentFixtureProgram } from './consent-fixture.ts';
import { consentHistory, historyToCsv } from './consent-history.ts';
import { recordConsent, recordConsentBatch } from './record-consent.ts';
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

    test('per-service choices: kept in the event and its hash, in the current state and in the proof', async () => {
      const scope = await workspaceWithEvents(2);
      const record = (
        services: Record<string, boolean> | undefined,
        choices: Record<string, boolean>,
        i: number,
      ) =>
        recordConsent(
          scope,
          { subject: 'device:s1', choices, services, method: 'banner', gpc: false },
          new Date(now.getTime() + (10 + i) * 1000),
        );
      const first = await record(
        { hotjar: false, google_analytics: true, adnet: true },
        { analytics: true, marketing: true },
        0,
      );
      assert.deepEqual(first.services, { hotjar: false, google_analytics: true, adnet: true });
      await record(undefined, { marketing: false }, 1);
      await record({ hotjar: true }, { analytics: true }, 2);
      await record({ google_analytics: false }, { analytics: true }, 3);

      // Events without service choices (as every event before them) and with them verify together.
      const verified = await verifyLedger(scope);
      assert.equal(verified.ok, true, JSON.stringify(verified.problems));
      assert.equal(verified.events, 6);
      const stored = await scope
        .selectFrom('consent_events')
        .select(['seq', 'services'])
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        stored.map((r) => [Number(r.seq), r.services]),
        [
          [1, null],
          [2, null],
          [3, { hotjar: false, google_analytics: true, adnet: true }],
          [4, null],
          [5, { hotjar: true }],
          [6, { google_analytics: false }],
        ],
      );

      // The current state: the newest choice per service; an event without services leaves them.
      const proof = await consentHistory(scope, 'device:s1');
      assert.deepEqual(
        proof.services.map((s) => [s.service, s.granted]),
        [
          ['adnet', true],
          ['google_analytics', false],
          ['hotjar', true],
        ],
      );
      assert.deepEqual(
        proof.events.map((e) => e.services),
        [
          { hotjar: false, google_analytics: true, adnet: true },
          null,
          { hotjar: true },
          { google_analytics: false },
        ],
      );
      const csv = historyToCsv(proof).trim().split('\n');
      assert.match(csv[0]!, /,gpc,services,prev_hash,hash$/);
      assert.match(csv[1]!, /,adnet=allowed google_analytics=allowed hotjar=refused,/);

      // Editing, adding or removing service choices breaks the event's hash.
      await sql`UPDATE consent_events SET services = '{"hotjar": true, "google_analytics": true, "adnet": true}'
        WHERE workspace_id = ${scope.workspaceId} AND seq = 3`.execute(store.db);
      await sql`UPDATE consent_events SET services = '{"hotjar": false}'
        WHERE workspace_id = ${scope.workspaceId} AND seq = 1`.execute(store.db);
      await sql`UPDATE consent_events SET services = NULL
        WHERE workspace_id = ${scope.workspaceId} AND seq = 6`.execute(store.db);
      const tampered = await verifyLedger(scope);
      assert.deepEqual(
        tampered.problems.map((p) => [p.seq, p.problem]),
        [
          [1, 'edited'],
          [3, 'edited'],
          [6, 'edited'],
        ],
      );
    });

    test('service choices name services of the program, inside a notice the event chooses', async () => {
      const scope = await workspaceWithEvents(0);
      /** The 422 details of a refused choice. */
      const refused = async (services: Record<string, boolean>, choices: Record<string, boolean>) => {
        const input = { subject: 'device:x', choices, services, method: 'api' as const, gpc: false };
        const err = await recordConsent(scope, input, now).then(
          () => assert.fail('the choice was recorded'),
          (e: AppError) => e,
        );
        assert.equal(err.code, 'validation_failed');
        return err.details as { path: string; message: string }[];
      };
      const unknown = await refused({ hotjr: false }, { analytics: true });
      assert.deepEqual(
        unknown.map((d) => d.path),
        ['body.services.hotjr'],
      );
      assert.match(
        unknown[0]!.message,
        /not a service of the program's cookie register \(known: google_analytics, hotjar, adnet\)/,
      );
      const outside = await refused({ hotjar: false }, { marketing: true });
      assert.deepEqual(
        outside.map((d) => [d.path, d.message]),
        [
          [
            'body.services.hotjar',
            'belongs to consent notice analytics, which this event does not choose: add it to choices',
          ],
        ],
      );
      // In a batch, the item with a bad service fails alone.
      const results = await recordConsentBatch(
        scope,
        [
          {
            subject: 'device:a',
            choices: { analytics: true },
            services: { hotjar: false },
            method: 'import',
            gpc: false,
          },
          {
            subject: 'device:b',
            choices: { analytics: true },
            services: { nope: false },
            method: 'import',
            gpc: false,
          },
        ],
        now,
      );
      assert.deepEqual(
        results.map((r) => r.status),
        ['succeeded', 'failed'],
      );
      assert.equal((await verifyLedger(scope)).events, 1);
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
