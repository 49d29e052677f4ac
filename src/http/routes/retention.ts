import type { Hono } from 'hono';
import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { getCurrentProgram } from '../../program/current-program.ts';
import { describeRetentionRules } from '../../retention/describe-rules.ts';
import { describeHold, legalHoldInputSchema } from '../../retention/legal-hold.ts';
import { listLegalHolds } from '../../retention/list-legal-holds.ts';
import { listRetentionRuns, retentionRunsCsv } from '../../retention/list-retention-runs.ts';
import { nextCronRun } from '../../retention/next-cron-run.ts';
import { placeLegalHold } from '../../retention/place-legal-hold.ts';
import { planRetention } from '../../retention/plan-retention.ts';
import { releaseLegalHold } from '../../retention/release-legal-hold.ts';
import { runRetention } from '../../retention/run-retention.ts';
import { RETENTION_QUEUE, type RetentionJob } from '../../retention/schedule-retention.ts';
import { type AppEnv, route } from '../route.ts';

const ruleList = z.union([z.string(), z.array(z.string())]).optional();
const toList = (v: string | string[] | undefined) =>
  v === undefined ? undefined : Array.isArray(v) ? v : [v];

const maskedField = z.object({
  field: z.string(),
  strategy: z.string().describe('e.g. `null`, `hash`, `fixed "…"`, `delete row`'),
  source: z.string().describe('`rule mask`, `erasure_policy <category>`, or `masking_strategy_override`'),
});

const ruleDescription = z.object({
  rule: z.string(),
  description: z.string().nullable(),
  action: z.enum(['delete', 'anonymise', 'archive_anonymised', 'manual_task']),
  target: z.string().describe('dataset.collection'),
  system: z.string().nullable(),
  key: z.array(z.string()).describe('Key columns the sweep batches by (several for a composite key)'),
  mask: z.array(maskedField).describe('For anonymise: each field and its masking strategy'),
  status: z
    .enum(['ready', 'refused', 'unchecked'])
    .describe('refused: the sweep refuses the rule; unchecked: the target database could not be reached'),
  reason: z.string().optional().describe('Why the rule is refused, or why its database was not reached'),
});

const runRecord = z
  .object({
    id: z.string(),
    rule: z.string(),
    action: z.string(),
    target: z.string(),
    status: z.enum(['running', 'succeeded', 'failed', 'skipped']),
    reason: z.string().nullable(),
    affected: z.number(),
    keyColumns: z.array(z.string()).describe('Key columns the sweep told rows apart by'),
    masking: z.array(maskedField).describe('For anonymise: each masked field, its strategy and source'),
  })
  .loose();

/** Retention: evidence of sweeps, the dry-run plan, and legal holds. */
export function registerRetentionRoutes(app: Hono<AppEnv>): void {
  route(
    app,
    {
      method: 'get',
      path: '/api/retention/runs',
      summary: 'Evidence of retention runs (newest first); ?format=csv to export',
      tag: 'retention',
      role: 'auditor',
      query: z.object({
        rule: z.string().optional(),
        limit: z.coerce.number().int().positive().max(5000).optional(),
        format: z.enum(['json', 'csv']).default('json'),
      }),
      response: z.object({ runs: z.array(runRecord) }),
    },
    async ({ c, scope, query }) => {
      const runs = await listRetentionRuns(scope, { rule: query.rule, limit: query.limit });
      if (query.format === 'csv') {
        return c.body(retentionRunsCsv(runs), 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': 'attachment; filename="retention-runs.csv"',
        });
      }
      return { runs };
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/retention/runs',
      summary:
        'Start a retention sweep now (one rule or all): queued on the job queue when it runs, else run in this request',
      tag: 'retention',
      role: 'admin',
      body: z.object({ rule: z.string().min(1).max(200).optional() }),
    },
    async ({ scope, body, services, audit, c }) => {
      const { program } = await getCurrentProgram(scope);
      const keys = program.doc.retention_rules.map((r) => r.key);
      if (body.rule !== undefined && !keys.includes(body.rule))
        throw new AppError('not_found', `no retention rule "${body.rule}" in the current program`, {
          details: [{ path: 'body.rule', message: `one of: ${keys.join(', ') || '(none)'}` }],
        });
      const rules = body.rule === undefined ? keys : [body.rule];
      const boss = services.extras.get('jobs') as PgBoss | undefined;
      if (boss) {
        const queued = [];
        for (const rule of rules) {
          const job: RetentionJob = { workspaceId: scope.workspaceId, rule, trigger: 'api' };
          queued.push({ rule, jobId: await boss.send(RETENTION_QUEUE, job) });
        }
        await audit({
          action: 'retention.run.queue',
          objectType: 'retention_rule',
          details: { rules, jobs: queued.map((q) => q.jobId) },
        });
        return c.json({ mode: 'queued', runs: queued }, 202);
      }
      const results = await runRetention({ program, scope, rules, clock: services.clock, trigger: 'api' });
      await audit({
        action: 'retention.run.start',
        objectType: 'retention_rule',
        details: { rules, runs: results.map((r) => r.runId ?? null) },
      });
      return c.json({ mode: 'ran', runs: results }, 201);
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/retention/schedule',
      summary: 'Each retention rule’s cron schedule (UTC) and its next run',
      tag: 'retention',
      role: 'auditor',
    },
    async ({ scope, services }) => {
      const { program } = await getCurrentProgram(scope);
      const boss = services.extras.get('jobs') as PgBoss | undefined;
      const scheduled = boss
        ? new Set((await boss.getSchedules(RETENTION_QUEUE)).map((s) => s.key))
        : undefined;
      const now = services.clock();
      const schedule = program.doc.retention_rules.map((r) => {
        let next: string | null = null;
        let error: string | undefined;
        try {
          next = nextCronRun(r.schedule, now)?.toISOString() ?? null;
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
        }
        const key = `${scope.workspaceId}/${r.key.replace(/[^\w./-]/g, '_')}`;
        return {
          rule: r.key,
          cron: r.schedule,
          next,
          // Without a job queue on this server, nothing fires the schedule.
          scheduled: scheduled ? scheduled.has(key) : false,
          ...(error ? { error } : {}),
        };
      });
      return { queue: boss ? 'running' : 'off', schedule };
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/retention/rules',
      summary:
        'Each retention rule’s target, key columns, action and masking, and why a sweep would refuse it (reads only the target database’s catalogue)',
      tag: 'retention',
      role: 'auditor',
      query: z.object({ rule: ruleList }),
      response: z.object({ programVersion: z.number(), rules: z.array(ruleDescription) }),
    },
    async ({ scope, query, services }) => {
      const { program, version } = await getCurrentProgram(scope);
      const rules = await describeRetentionRules({
        program,
        rules: toList(query.rule),
        now: services.clock(),
      });
      return { programVersion: version, rules };
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/retention/plan',
      summary:
        'Dry run of the current program’s retention rules: rows affected, age range, holds (nothing written)',
      tag: 'retention',
      role: 'reviewer',
      query: z.object({ rule: ruleList, now: z.iso.datetime({ offset: true }).optional() }),
    },
    async ({ scope, query, services }) => {
      const { program, version } = await getCurrentProgram(scope);
      const plans = await planRetention({
        program,
        rules: toList(query.rule),
        now: query.now ? new Date(query.now) : services.clock(),
        holds: await listLegalHolds(scope),
      });
      return { programVersion: version, programHash: program.hash, plans };
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/retention/holds',
      summary: 'Legal holds (active and released)',
      tag: 'retention',
      role: 'auditor',
      query: z.object({ active: z.enum(['true', 'false']).optional() }),
    },
    async ({ scope, query, services }) => {
      const holds = await listLegalHolds(
        scope,
        query.active === 'true' ? { activeAt: services.clock() } : {},
      );
      return { holds };
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/retention/holds',
      summary:
        'Place a legal hold (identity, account or collection); it stops every retention action on what it covers',
      tag: 'retention',
      role: 'admin',
      body: legalHoldInputSchema,
    },
    async ({ scope, body, auth, audit }) => {
      const hold = await placeLegalHold(scope, body, auth.actorId);
      await audit({
        action: 'retention.hold.place',
        objectType: 'legal_hold',
        objectId: hold.id,
        reason: hold.reason,
        details: { covers: describeHold(hold), expires_at: hold.expires_at?.toISOString() ?? null },
      });
      return { hold };
    },
  );

  route(
    app,
    {
      method: 'delete',
      path: '/api/retention/holds/:id',
      summary: 'Release a legal hold (kept for the record)',
      tag: 'retention',
      role: 'admin',
      params: z.object({ id: z.uuid() }),
    },
    async ({ scope, params, auth, audit }) => {
      const hold = await releaseLegalHold(scope, params.id, auth.actorId);
      await audit({ action: 'retention.hold.release', objectType: 'legal_hold', objectId: hold.id });
      return { hold };
    },
  );
}
