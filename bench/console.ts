/**
 * Console benchmark: `npm run bench -- console [--scale 1] [--rounds 30] [--no-write]`.
 * On PostgreSQL with 100,000 requests, 1,000,000 consent events (spread over a year),
 * 100,000 suppressions and 100,000 audit entries per unit of scale (generated with
 * generate_series), times the console's list and search calls over HTTP against the real
 * server (p50/p95), each next to the same query written by hand with `pg` in the same run.
 * Writes the `## Console` section of BENCHMARKS.md and leaves the others alone.
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { suppressAddresses } from '../src/consent/suppression.ts';
import { addressHash, workspaceSecret } from '../src/consent/workspace-secret.ts';
import { startServer } from '../src/http/server.ts';
import { loadProgramFromDisk, toBundle } from '../src/program/load-program.ts';
import { pushProgram } from '../src/program/push-program.ts';
import { openStore } from '../src/store/open-store.ts';
import { WorkspaceScope } from '../src/store/workspace-scope.ts';
import { createPostgresDatabase, postgresUnavailable } from '../src/testing/databases.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '30' },
    'no-write': { type: 'boolean', default: false },
  },
});
const scale = Number(values.scale);
const rounds = Number(values.rounds);
const requests = Math.round(100_000 * scale);
const events = Math.round(1_000_000 * scale);
const others = Math.round(100_000 * scale);

const why = await postgresUnavailable();
if (why) {
  console.error(`the console benchmark needs PostgreSQL: ${why}`);
  process.exit(2);
}

const database = await createPostgresDatabase('custodian_bench_console');
const store = await openStore({ databaseUrl: database.url });
const client = new pg.Client({ connectionString: database.url });
await client.connect();
const server = await startServer({ port: 0, store, jobs: false, log: () => {} });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 3; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

try {
  const ws = (await client.query<{ id: string }>('SELECT id FROM workspaces ORDER BY created_at LIMIT 1'))
    .rows[0]?.id as string;
  const scope = new WorkspaceScope(store.db, ws);
  const loaded = await loadProgramFromDisk('examples/claromentis');
  if (!loaded.ok) throw new Error('example program invalid');
  await pushProgram(scope, toBundle(loaded.program), 'bench');
  const key = server.ownerKey as string;
  const now = new Date();

  const t = performance.now();
  await client.query(
    `INSERT INTO dsr_requests (id, workspace_id, type, state, jurisdiction, channel, identities, contact_email,
       subject_key, received_at, due_at, legal_due_at, deadline_rule, verification_level)
     SELECT gen_random_uuid(), $1,
       (ARRAY['access','erasure','correction','portability'])[1 + i % 4],
       (ARRAY['received','verifying','verified','approved','completed','completed','completed','denied','canceled'])[1 + i % 9],
       (ARRAY['gdpr','uk_gdpr','ccpa'])[1 + i % 3], 'api',
       jsonb_build_object('email', jsonb_build_array('p' || i || '@example.com')), 'p' || i || '@example.com',
       md5('p' || i), r, r + interval '30 days', r + interval '30 days', 'gdpr', 'code'
     FROM generate_series(1, $2::int) i, LATERAL (SELECT $3::timestamptz - i * interval '5 minutes' AS r) x`,
    [ws, requests, now],
  );
  await client.query(
    `INSERT INTO consent_events (workspace_id, seq, subject, granted, denied, granted_uses, denied_uses,
       notice_version, method, at, prev_hash, hash)
     SELECT $1, 1000000000 + i, 'user:' || (i % 200000),
       CASE WHEN i % 3 = 0 THEN '["newsletter","analytics_cookies"]'::jsonb ELSE '["analytics_cookies"]'::jsonb END,
       CASE WHEN i % 3 = 0 THEN '[]'::jsonb ELSE '["newsletter"]'::jsonb END,
       '[]', '[]', 1, 'banner', $3::timestamptz - ((i::bigint * 7919) % 31536000) * interval '1 second', '', ''
     FROM generate_series(1, $2::int) i`,
    [ws, events, now],
  );
  // The ledger writer keeps per-day counts as it appends, and the chain head says how far they
  // go; events seeded by hand are counted as migration 0411 counts existing events, and the
  // head is set as the writer leaves it (counted up to its last event).
  await client.query(
    `INSERT INTO consent_chain_heads (workspace_id, seq, hash, counted_seq)
     VALUES ($1, 1000000000 + $2::bigint, '', 1000000000 + $2::bigint)`,
    [ws, events],
  );
  await client.query(
    `INSERT INTO consent_daily_counts (workspace_id, day, notice_key, granted, denied)
     SELECT p.workspace_id, p.day, c.key, coalesce(sum(p.n) FILTER (WHERE c.granted), 0),
       coalesce(sum(p.n) FILTER (WHERE NOT c.granted), 0)
     FROM (SELECT workspace_id, (at AT TIME ZONE 'UTC')::date AS day, granted, denied, count(*) AS n
           FROM consent_events WHERE workspace_id = $1 GROUP BY 1, 2, 3, 4) p
     CROSS JOIN LATERAL (
       SELECT value AS key, true AS granted FROM jsonb_array_elements_text(p.granted)
       UNION ALL SELECT value, false FROM jsonb_array_elements_text(p.denied)) c
     GROUP BY 1, 2, 3`,
    [ws],
  );
  await client.query(
    `INSERT INTO suppressions (id, workspace_id, address_hash, list, reason, source, created_at)
     SELECT gen_random_uuid(), $1, md5(i::text) || md5((i + 1)::text), NULL, 'bounce', 'import', $3
     FROM generate_series(1, $2::int) i`,
    [ws, others, now],
  );
  const auditSeq = (
    await client.query<{ seq: string }>(
      'SELECT coalesce(max(seq), 0) AS seq FROM audit_log WHERE workspace_id = $1',
      [ws],
    )
  ).rows[0]?.seq;
  // Old entries, below the chain's real ones: listing reads them, nothing re-hashes them here.
  await client.query(
    `INSERT INTO audit_log (workspace_id, seq, at, actor, action, object_type, object_id, prev_hash, hash)
     SELECT $1, i - $2::bigint - 1, $3::timestamptz - i * interval '1 minute', 'key:bench',
       (ARRAY['request.identities_viewed','consent.history.read','program.push','retention.hold.place','request.approved'])[1 + i % 5],
       'dsr_request', i::text, '', ''
     FROM generate_series(1, $4::int) i`,
    [ws, auditSeq, now, others],
  );
  await suppressAddresses(scope, ['bounced@example.com'], { reason: 'hard bounce', source: 'admin' }, now);
  // As autovacuum leaves a settled table: visibility map set, statistics current.
  await client.query('VACUUM ANALYZE');
  const seeded = (performance.now() - t) / 1000;
  console.log(`seeded in ${seeded.toFixed(1)} s`);

  const http = async (path: string) => {
    const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${key}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const page1 = await http('/api/requests?jurisdiction=ccpa&limit=50');
  const cursor = encodeURIComponent(String(page1.next));
  const dueBefore = new Date(now.getTime() + 40 * 86_400_000).toISOString().slice(0, 10);
  const hash = addressHash(await workspaceSecret(scope), 'bounced@example.com');
  const from30 = new Date(now.getTime() - 29 * 86_400_000).toISOString().slice(0, 10);
  const today = now.toISOString().slice(0, 10);

  const calls: { name: string; path: string; sql: string; params: unknown[] }[] = [
    {
      name: 'requests, first page',
      path: '/api/requests?limit=50',
      sql: 'SELECT * FROM dsr_requests WHERE workspace_id = $1 ORDER BY received_at DESC, id DESC LIMIT 51',
      params: [ws],
    },
    {
      name: 'requests, type + state filter',
      path: '/api/requests?type=erasure&state=completed&limit=50',
      sql: `SELECT * FROM dsr_requests WHERE workspace_id = $1 AND type = 'erasure' AND state = 'completed'
            ORDER BY received_at DESC, id DESC LIMIT 51`,
      params: [ws],
    },
    {
      name: 'requests, jurisdiction, page 2',
      path: `/api/requests?jurisdiction=ccpa&limit=50&cursor=${cursor}`,
      sql: `SELECT * FROM dsr_requests WHERE workspace_id = $1 AND jurisdiction = 'ccpa'
            AND (received_at, id) < (SELECT received_at, id FROM dsr_requests WHERE workspace_id = $1
              AND jurisdiction = 'ccpa' ORDER BY received_at DESC, id DESC OFFSET 49 LIMIT 1)
            ORDER BY received_at DESC, id DESC LIMIT 51`,
      params: [ws],
    },
    {
      name: 'requests, open due before (overview)',
      path: `/api/requests?due_before=${dueBefore}&limit=200`,
      sql: `SELECT * FROM dsr_requests WHERE workspace_id = $1
            AND state NOT IN ('completed', 'denied', 'canceled') AND due_at <= $2
            ORDER BY received_at DESC, id DESC LIMIT 201`,
      params: [ws, dueBefore],
    },
    {
      name: 'audit log, first page',
      path: '/api/audit?limit=50',
      sql: 'SELECT * FROM audit_log WHERE workspace_id = $1 ORDER BY seq DESC LIMIT 51',
      params: [ws],
    },
    {
      name: 'audit log, action filter',
      path: '/api/audit?action=consent.*&limit=50',
      sql: `SELECT * FROM audit_log WHERE workspace_id = $1 AND action LIKE 'consent.%'
            ORDER BY seq DESC LIMIT 51`,
      params: [ws],
    },
    {
      name: 'consent history of a subject (audited)',
      path: `/api/consent/${encodeURIComponent('user:4242')}/history`,
      sql: `SELECT e.*, w.text FROM consent_events e LEFT JOIN consent_wordings w
              ON w.workspace_id = e.workspace_id AND w.hash = e.wording_hash
            WHERE e.workspace_id = $1 AND e.subject = 'user:4242' ORDER BY e.seq`,
      params: [ws],
    },
    {
      name: 'suppression search (audited)',
      path: '/api/suppressions?address=bounced@example.com',
      sql: 'SELECT * FROM suppressions WHERE workspace_id = $1 AND address_hash = $2 ORDER BY created_at',
      params: [ws, hash],
    },
    {
      name: 'consent stats, 30 days',
      path: '/api/consent/stats?days=30',
      sql: `SELECT day, notice_key, granted, denied FROM consent_daily_counts
            WHERE workspace_id = $1 AND day >= $2::date AND day <= $3::date`,
      params: [ws, from30, today],
    },
  ];

  if (process.env.EXPLAIN) {
    const plan = await client.query(`EXPLAIN ANALYZE ${calls.at(-1)?.sql}`, calls.at(-1)?.params);
    console.log(plan.rows.map((r: Record<string, string>) => Object.values(r)[0]).join('\n'));
  }
  const rows: string[] = [];
  for (const call of calls) {
    const api = await time(() => http(call.path));
    const hand = await time(() => client.query(call.sql, call.params));
    const line = `| ${call.name} | ${api.p50.toFixed(1)} | ${api.p95.toFixed(1)} | ${hand.p50.toFixed(1)} | ${(api.p50 / hand.p50).toFixed(1)}× | ${api.p95 < 100 ? 'yes' : 'no'} |`;
    console.log(line);
    rows.push(line);
  }

  const loadAverage = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');
  const section = `## Console

\`npm run bench -- console --scale ${scale}\` on PostgreSQL (${os.cpus().length} cores, ${os.cpus()[0]?.model.trim()}, load average
${loadAverage} at the end; other work shared the CPUs):
${requests.toLocaleString('en')} requests, ${events.toLocaleString('en')} consent events spread over a year,
${others.toLocaleString('en')} suppressions and ${others.toLocaleString('en')} audit entries (seeded with
\`generate_series\` in ${seeded.toFixed(0)} s). Each console call is timed over HTTP against the real server
(${rounds} sequential calls after 3 warm-ups, milliseconds), next to the same query written by hand with
\`pg\` in the same run; "hand" includes no HTTP, JSON or auth, so the ratio is the whole server's overhead.
Audited reads (history, suppression search) also append a hash-chained audit entry per call.
Tables are VACUUM ANALYZEd after seeding, as autovacuum leaves them. The stats call reads
the per-day counts the ledger writer keeps (one row per day and notice, written with the
events), not the ~82,000 events in the window, plus any events past the chain head's
\`counted_seq\` (none here: the head is seeded as the writer leaves it), in one repeatable-read
snapshot; the hand query reads the same counts.

| Call | API p50 | API p95 | Hand SQL p50 | Ratio | p95 < 100 ms |
|---|---|---|---|---|---|
${rows.join('\n')}
`;
  if (!values['no-write']) {
    const path = new URL('../BENCHMARKS.md', import.meta.url).pathname;
    const existing = await readFile(path, 'utf8').catch(() => '# Benchmarks\n');
    const start = existing.indexOf('## Console');
    const next = start >= 0 ? existing.indexOf('\n## ', start + 1) : -1;
    const updated =
      start >= 0
        ? `${existing.slice(0, start)}${section}${next >= 0 ? existing.slice(next) : ''}`
        : `${existing.trimEnd()}\n\n${section}`;
    await writeFile(path, updated);
  }
  console.log(section);
} finally {
  await server.close();
  await client.end();
  await store.close().catch(() => {});
  await database.drop();
}
