import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createWorkspace } from '../governance/workspaces.ts';
import { pushProgram } from '../program/push-program.ts';
import type { Store } from '../store/open-store.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { consentFixtureProgram } from './consent-fixture.ts';
import { consentStats, utcDays } from './consent-stats.ts';
import { eventChoices } from './ledger-writer.ts';
import { recordConsent, recordConsentBatch } from './record-consent.ts';
import { consentTestBackends } from './test-stores.ts';

type Counts = Record<string, Record<string, { granted: number; denied: number }>>;

/** The chart's numbers counted straight from the ledger: every event in the window, up to `now`. */
async function countLedger(scope: WorkspaceScope, days: number, now: Date): Promise<Counts> {
  const from = Date.parse(`${utcDays(now, days)[0]}T00:00:00Z`);
  const events = await scope.selectFrom('consent_events').select(['at', 'granted', 'denied']).execute();
  const counts: Counts = {};
  for (const e of events) {
    const at = new Date(e.at);
    if (at.getTime() < from || at.getTime() > now.getTime()) continue;
    const day = at.toISOString().slice(0, 10);
    for (const [keys, field] of [
      [e.granted, 'granted'],
      [e.denied, 'denied'],
    ] as const) {
      for (const key of keys) {
        counts[key] ??= {};
        counts[key][day] ??= { granted: 0, denied: 0 };
        counts[key][day][field] += 1;
      }
    }
  }
  return counts;
}

async function chart(scope: WorkspaceScope, days: number, now: Date) {
  const { purposes } = await consentStats(scope, { days, now });
  const counts: Counts = {};
  for (const p of purposes) {
    assert.equal(p.days.length, days);
    for (const d of p.days) {
      if (d.granted === 0 && d.denied === 0) continue;
      counts[p.key] ??= {};
      counts[p.key]![d.date] = { granted: d.granted, denied: d.denied };
    }
  }
  return { counts, keys: purposes.map((p) => p.key) };
}

async function assertSameAsLedger(scope: WorkspaceScope, now: Date, label: string) {
  for (const days of [1, 7, 30, 366]) {
    const expected = await countLedger(scope, days, now);
    const { counts, keys } = await chart(scope, days, now);
    assert.deepEqual(counts, expected, `${label}, ${days} days`);
    for (const key of Object.keys(expected)) assert.ok(keys.includes(key), `${label}: ${key} listed`);
  }
}

const day = (iso: string) => new Date(iso);

for (const backend of await consentTestBackends()) {
  describe(`consent stats from the per-day counts (${backend.name})`, { skip: backend.skip }, () => {
    let store: Store;
    before(async () => {
      store = await backend.open();
    });
    after(() => store.close());

    test('the per-day counts give the numbers a count over the ledger gives: single, concurrent, imported, clock set back, backfilled', async () => {
      const scope = await createWorkspace(store.db, 'stats');
      // A notice of an older program version stays in the chart by its key.
      const base = consentFixtureProgram();
      await pushProgram(
        scope,
        {
          program: {
            ...base,
            consent_notices: [
              ...base.consent_notices!,
              {
                key: 'survey',
                name: 'Surveys',
                description: 'Ask about the shop.',
                data_uses: ['marketing'],
              },
            ],
          },
          datasets: [],
        },
        'test',
      );
      await recordConsent(
        scope,
        { subject: 'user:s', choices: { survey: true, analytics: false }, method: 'api', gpc: false },
        day('2026-02-20T09:00:00Z'),
      );
      await pushProgram(scope, { program: base, datasets: [] }, 'test');

      // Single choices spread over 40 days, some around midnight UTC.
      for (let i = 0; i < 40; i++) {
        const at = new Date(Date.UTC(2026, 1, 1 + i, i % 2 ? 23 : 0, i % 2 ? 59 : 0, i % 2 ? 59 : 0));
        await recordConsent(
          scope,
          {
            subject: `device:d${i % 5}`,
            choices: { analytics: i % 3 !== 0, marketing: i % 4 === 0 },
            method: 'banner',
            gpc: false,
          },
          at,
        );
      }
      // Concurrent calls grouped by the writer into shared batches, across a midnight.
      await Promise.all(
        Array.from({ length: 120 }, (_, i) =>
          recordConsent(
            scope,
            { subject: `user:c${i}`, choices: { newsletter: i % 2 === 0 }, method: 'api', gpc: false },
            new Date(Date.parse('2026-03-08T23:59:59.950Z') + (i % 3) * 40),
          ),
        ),
      );
      // An import through the batch call: one timestamp for all, one failed item.
      const imported = await recordConsentBatch(
        scope,
        [
          ...Array.from({ length: 300 }, (_, i) => ({
            subject: `user:i${i}`,
            choices: { newsletter: i % 3 === 0, analytics: i % 5 !== 0 },
            method: 'import' as const,
            gpc: false,
          })),
          { subject: 'user:bad', choices: { unknown_notice: true }, method: 'import' as const, gpc: false },
        ],
        day('2026-03-09T14:00:00Z'),
      );
      assert.equal(imported.filter((r) => r.status === 'failed').length, 1);
      // The clock was ahead for a while: events stamped later today than the time asked about.
      await recordConsent(
        scope,
        { subject: 'user:late', choices: { analytics: true, newsletter: false }, method: 'api', gpc: false },
        day('2026-03-10T18:00:00Z'),
      );
      await recordConsent(
        scope,
        { subject: 'user:early', choices: { analytics: true }, method: 'api', gpc: false },
        day('2026-03-10T06:00:00Z'),
      );

      const moments = [
        day('2026-03-10T12:00:00Z'),
        day('2026-03-10T23:59:59.999Z'),
        day('2026-03-09T00:00:00Z'),
        day('2026-03-20T08:00:00Z'),
      ];
      for (const now of moments) await assertSameAsLedger(scope, now, `written, now ${now.toISOString()}`);
      const { counts, keys } = await chart(scope, 30, moments[0]!);
      assert.ok(keys.includes('survey'), 'a notice no longer in the program is still charted');
      assert.deepEqual(counts.newsletter?.['2026-03-09'], { granted: 20 + 100, denied: 20 + 200 });
      assert.equal(
        counts.analytics?.['2026-03-10']?.granted,
        1,
        'the event stamped after now is not counted',
      );

      // Migration 0411 counts events written before it: rebuilt from scratch, the same numbers.
      await sql`DROP TABLE consent_daily_counts`.execute(store.db);
      const migration = await readFile(
        new URL('../store/migrations/0411_consent_daily_counts.sql', import.meta.url),
        'utf8',
      );
      for (const statement of migration.split(/;\s*$/m).filter((s) => s.replace(/--.*$/gm, '').trim()))
        await sql.raw(statement).execute(store.db);
      for (const now of moments) await assertSameAsLedger(scope, now, `backfilled, now ${now.toISOString()}`);

      // And writes after the backfill add to it.
      await recordConsentBatch(
        scope,
        Array.from({ length: 50 }, (_, i) => ({
          subject: `user:j${i}`,
          choices: { marketing: i % 2 === 1 },
          method: 'import' as const,
          gpc: false,
        })),
        day('2026-03-10T09:00:00Z'),
      );
      for (const now of moments)
        await assertSameAsLedger(scope, now, `after more writes, now ${now.toISOString()}`);

      // A server of an earlier version, still running during an upgrade, appends events and
      // does not count them: the events are in the chain, neither the counts nor counted_seq move.
      const head = () =>
        scope.selectFrom('consent_chain_heads').select(['seq', 'counted_seq']).executeTakeFirstOrThrow();
      const before = Number((await head()).counted_seq);
      await recordConsentBatch(
        scope,
        Array.from({ length: 40 }, (_, i) => ({
          subject: `user:old${i}`,
          choices: { analytics: i % 4 !== 0, newsletter: i % 2 === 0 },
          method: 'import' as const,
          gpc: false,
        })),
        day('2026-03-10T10:00:00Z'),
      );
      await sql`
        UPDATE consent_daily_counts d SET granted = d.granted - u.granted, denied = d.denied - u.denied
        FROM (SELECT day, key, count(*) FILTER (WHERE granted) AS granted, count(*) FILTER (WHERE NOT granted) AS denied
              FROM (${eventChoices(sql`e.workspace_id = ${scope.workspaceId} AND e.seq > ${before}`)}) c
              GROUP BY day, key) u
        WHERE d.workspace_id = ${scope.workspaceId} AND d.day = u.day AND d.notice_key = u.key`.execute(
        store.db,
      );
      await sql`UPDATE consent_chain_heads SET counted_seq = ${before}`.execute(store.db);
      for (const now of moments)
        await assertSameAsLedger(scope, now, `with uncounted events, now ${now.toISOString()}`);

      // The next write by this version counts them, and moves counted_seq to the head.
      await recordConsent(
        scope,
        { subject: 'user:new', choices: { analytics: false }, method: 'api', gpc: false },
        day('2026-03-10T11:00:00Z'),
      );
      const healed = await head();
      assert.equal(Number(healed.counted_seq), Number(healed.seq));
      for (const now of moments)
        await assertSameAsLedger(scope, now, `after the upgrade, now ${now.toISOString()}`);
    });
  });
}
