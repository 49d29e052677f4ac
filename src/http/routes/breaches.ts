import type { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { breachDrafts } from '../../governance/breaches/breach-drafts.ts';
import { notifyBreachCustomers } from '../../governance/breaches/notify-customers.ts';
import { presentBreach } from '../../governance/breaches/present-breach.ts';
import { recordBreach } from '../../governance/breaches/record-breach.ts';
import { breachPhases, updateBreach } from '../../governance/breaches/update-breach.ts';
import { findCurrentProgram } from '../../program/current-program.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type AppEnv, route } from '../route.ts';

const idParams = z.object({ id: z.uuid() });
const count = z.number().int().min(0);

async function loadBreach(scope: WorkspaceScope, id: string) {
  const breach = await scope.selectFrom('breaches').selectAll().where('id', '=', id).executeTakeFirst();
  if (!breach) throw new AppError('not_found', `no breach ${id}`);
  return breach;
}

/** The breach register: record, phased updates, the 72-hour clock, drafts, customer notices. */
export function registerBreachRoutes(app: Hono<AppEnv>): void {
  route(
    app,
    {
      method: 'post',
      path: '/api/breaches',
      summary: 'Record a personal data breach (starts the 72-hour clock from became_aware_at)',
      tag: 'governance',
      role: 'reviewer',
      body: z.object({
        title: z.string().min(3).max(300),
        became_aware_at: z.coerce.date().optional(),
        occurred_at: z.coerce.date().optional(),
        nature: z.string().min(3).max(10_000),
        breach_types: z.array(z.enum(['confidentiality', 'integrity', 'availability'])).optional(),
        systems: z.array(z.string().min(1)).optional(),
        datasets: z.array(z.string().min(1)).optional(),
        customers: z.array(z.string().min(1)).optional(),
        subjects_estimate: count.optional(),
        records_estimate: count.optional(),
        consequences: z.string().max(10_000).optional(),
        measures: z.string().max(10_000).optional(),
      }),
    },
    async ({ scope, body, auth, services }) =>
      recordBreach(scope, body, { id: auth.actorId, role: auth.role }, services.clock()),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/breaches',
      summary: 'The breach register, with hours left on each clock',
      tag: 'governance',
      role: 'auditor',
    },
    async ({ scope, services }) => {
      const now = services.clock();
      const rows = await scope
        .selectFrom('breaches')
        .selectAll()
        .orderBy('became_aware_at', 'desc')
        .execute();
      return { breaches: rows.map((b) => presentBreach(b, now)) };
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/breaches/:id',
      summary: 'One breach with its updates and reminders',
      tag: 'governance',
      role: 'auditor',
      params: idParams,
    },
    async ({ scope, params, services }) => {
      const breach = await loadBreach(scope, params.id);
      const updates = await scope
        .selectFrom('breach_updates')
        .select(['at', 'phase', 'text', 'changes', 'actor'])
        .where('breach_id', '=', params.id)
        .orderBy('at')
        .execute();
      const reminders = await scope
        .selectFrom('breach_reminders')
        .select(['threshold_hours', 'sent_at', 'recipients'])
        .where('breach_id', '=', params.id)
        .orderBy('sent_at')
        .execute();
      return { ...presentBreach(breach, services.clock()), updates, reminders };
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/breaches/:id/updates',
      summary: 'Add a phased update (append-only); its changes apply to the record',
      tag: 'governance',
      role: 'reviewer',
      params: idParams,
      body: z.object({
        phase: z.enum(breachPhases),
        text: z.string().min(3).max(10_000),
        changes: z
          .object({
            nature: z.string().min(3).max(10_000).optional(),
            consequences: z.string().max(10_000).optional(),
            measures: z.string().max(10_000).optional(),
            subjects_estimate: count.optional(),
            records_estimate: count.optional(),
            notify_subjects: z.boolean().optional(),
            notify_subjects_reason: z.string().min(3).max(10_000).optional(),
            authority_notified_at: z.coerce.date().optional(),
            authority_reference: z.string().max(500).optional(),
            status: z.enum(['open', 'closed']).optional(),
          })
          .default({}),
      }),
    },
    async ({ scope, params, body, auth, services }) =>
      updateBreach(scope, params.id, body, { id: auth.actorId, role: auth.role }, services.clock()),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/breaches/:id/drafts',
      summary:
        'Notification drafts (authority, Art. 33(3); people affected, Art. 34(2)) generated from the record',
      tag: 'governance',
      role: 'auditor',
      params: idParams,
    },
    async ({ scope, params, services }) => {
      const breach = await loadBreach(scope, params.id);
      const current = await findCurrentProgram(scope);
      return breachDrafts(breach, current?.program.doc, services.clock());
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/breaches/:id/notify-customers',
      summary: 'Email each affected business customer (as their processor) and log it as an update',
      tag: 'governance',
      role: 'admin',
      params: idParams,
    },
    async ({ scope, params, auth, services }) =>
      notifyBreachCustomers(
        scope,
        services,
        params.id,
        { id: auth.actorId, role: auth.role },
        services.clock(),
      ),
  );
}
