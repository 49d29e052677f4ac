import type { Hono } from 'hono';
import { z } from 'zod';
import { getCurrentProgram } from '../../program/current-program.ts';
import { describeHold, legalHoldInputSchema } from '../../retention/legal-hold.ts';
import { listLegalHolds } from '../../retention/list-legal-holds.ts';
import { listRetentionRuns, retentionRunsCsv } from '../../retention/list-retention-runs.ts';
import { placeLegalHold } from '../../retention/place-legal-hold.ts';
import { planRetention } from '../../retention/plan-retention.ts';
import { releaseLegalHold } from '../../retention/release-legal-hold.ts';
import { type AppEnv, route } from '../route.ts';

const ruleList = z.union([z.string(), z.array(z.string())]).optional();
const toList = (v: string | string[] | undefined) =>
  v === undefined ? undefined : Array.isArray(v) ? v : [v];

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
