import type { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { roleAtLeast } from '../../governance/api-keys.ts';
import { getCurrentProgram } from '../../program/current-program.ts';
import { addProof, scheduleRun } from '../../requests/advance-request.ts';
import { changeCorrection } from '../../requests/change-correction.ts';
import { correctableFields, publicIdentityTypes } from '../../requests/correctable-data.ts';
import {
  approveRequest,
  cancelRequest,
  denyRequest,
  extendRequest,
  noteRequest,
} from '../../requests/decide-request.ts';
import { listQuerySchema, listRequests } from '../../requests/list-requests.ts';
import { minimiseRequestRecords } from '../../requests/minimise-request-records.ts';
import { submitRequestSchema } from '../../requests/request-input.ts';
import { getRequest, requestView } from '../../requests/request-record.ts';
import { exportRequestsCsv, requestMetrics } from '../../requests/request-records-export.ts';
import {
  getRequestSettings,
  requestSettingsSchema,
  saveRequestSettings,
} from '../../requests/request-settings.ts';
import { denialReasons } from '../../requests/request-types.ts';
import { dryRunRequest } from '../../requests/run-request.ts';
import { journalEntries } from '../../requests/store-run-journal.ts';
import { submitRequest } from '../../requests/submit-request.ts';
import { type AppEnv, route } from '../route.ts';

const idParams = z.object({ id: z.string().max(64) });
const sinceQuery = z.strictObject({ since: z.iso.date().optional() });
const reasonText = z.string().trim().min(1).max(2000);

/** Data subject requests: intake for the company's apps, review, decisions, records and metrics. */
export function registerRequestRoutes(app: Hono<AppEnv>): void {
  route(
    app,
    {
      method: 'post',
      path: '/api/requests',
      summary: 'Submit a data subject request (for the company’s own apps)',
      tag: 'requests',
      role: 'reviewer',
      body: submitRequestSchema,
    },
    async ({ scope, services, body, auth }) => {
      const row = await submitRequest(scope, services, body, {
        channel: 'api',
        actor: { id: auth.actorId, role: auth.role },
      });
      return requestView(row, { now: services.clock() });
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/requests',
      summary: 'List requests (newest first; filters: type, state, jurisdiction, due_before, overdue)',
      tag: 'requests',
      role: 'auditor',
      query: listQuerySchema,
    },
    async ({ scope, services, query }) => {
      const now = services.clock();
      const { rows, next } = await listRequests(scope, query, now);
      return { requests: rows.map((r) => requestView(r, { now })), next };
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/requests/export.csv',
      summary: 'Request records for a regulator (CCPA 11 CCR 7101), as CSV',
      tag: 'requests',
      role: 'auditor',
      query: sinceQuery,
    },
    async ({ scope, query, audit, c }) => {
      const csv = await exportRequestsCsv(scope, query.since ? new Date(query.since) : undefined);
      await audit({
        action: 'request.records_exported',
        objectType: 'dsr_request',
        details: { since: query.since ?? null },
      });
      return c.body(csv, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="requests.csv"',
      });
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/requests/metrics',
      summary: 'Counts by type and outcome, median days to close, share on time (CCPA 11 CCR 7102)',
      tag: 'requests',
      role: 'auditor',
      query: sinceQuery,
    },
    async ({ scope, services, query }) =>
      requestMetrics(scope, query.since ? new Date(query.since) : undefined, services.clock()),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/requests/settings',
      summary: 'Request settings',
      tag: 'requests',
      role: 'auditor',
    },
    async ({ scope }) => getRequestSettings(scope),
  );

  route(
    app,
    {
      method: 'put',
      path: '/api/requests/settings',
      summary: 'Change request settings (verification levels, manual approval, link lifetime, limits)',
      tag: 'requests',
      role: 'admin',
      body: requestSettingsSchema,
    },
    async ({ scope, services, body, audit }) => {
      const saved = await saveRequestSettings(scope, body, services.clock());
      await audit({ action: 'request.settings_changed', objectType: 'dsr_settings', details: saved });
      return saved;
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/requests/minimise',
      summary:
        'Remove now the personal data of closed requests past their records period (also runs daily); open and legally held requests are kept',
      tag: 'requests',
      role: 'admin',
    },
    async ({ scope, services, auth }) => {
      const result = await minimiseRequestRecords(scope, {
        now: services.clock(),
        actor: { id: auth.actorId, role: auth.role },
      });
      return { ...result, outcomes: result.outcomes.filter((o) => o.status !== 'minimised') };
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/requests/:id',
      summary:
        'One request; with ?identities=1 a reviewer also gets the identities, and that read is audited',
      tag: 'requests',
      role: 'auditor',
      params: idParams,
      query: z.object({ identities: z.enum(['0', '1', 'true', 'false']).optional() }),
    },
    async ({ scope, services, params, query, auth, audit }) => {
      const row = await getRequest(scope, params.id);
      const wanted = query.identities === '1' || query.identities === 'true';
      if (wanted && !roleAtLeast(auth.role, 'reviewer'))
        throw new AppError('forbidden', 'identities are shown to reviewers and above only');
      if (wanted) {
        await audit({
          action: 'request.identities_viewed',
          objectType: 'dsr_request',
          objectId: row.id,
          details: { identity_types: Object.keys(row.identities) },
        });
      }
      const collections = await journalEntries(scope, row.id);
      return {
        ...requestView(row, { identities: wanted, now: services.clock() }),
        // Which kinds of identity the request carries (not their values), to offer a reveal.
        identity_types: Object.keys(row.identities),
        collections,
        // For a rectification: the fields a reviewer may set, with the kind of data each holds.
        ...(row.type === 'rectification'
          ? {
              correction_fields: correctableFields((await getCurrentProgram(scope)).program, [
                ...new Set([...publicIdentityTypes, ...Object.keys(row.identities)]),
              ]),
            }
          : {}),
      };
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/requests/:id/events',
      summary: 'The full history of a request: who did what, when, why',
      tag: 'requests',
      role: 'auditor',
      params: idParams,
    },
    async ({ scope, params }) => {
      await getRequest(scope, params.id);
      const events = await scope
        .selectFrom('dsr_request_events')
        .select(['id', 'at', 'actor', 'kind', 'from_state', 'to_state', 'reason', 'details'])
        .where('request_id', '=', params.id)
        .orderBy('id')
        .execute();
      return { events };
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/requests/:id/verify',
      summary: 'Vouch for the person: a signed-in account (the company’s app) or a reviewer’s check',
      tag: 'requests',
      role: 'reviewer',
      params: idParams,
      body: z.union([
        z.strictObject({ account_id: z.string().trim().min(1).max(200) }),
        z.strictObject({ method: z.literal('reviewer_check'), note: reasonText }),
      ]),
    },
    async ({ scope, services, params, body, auth }) => {
      const row = await getRequest(scope, params.id);
      if (row.state !== 'received' && row.state !== 'verifying') {
        throw new AppError('conflict', `the request is ${row.state}: nothing left to verify`);
      }
      const actor = { id: auth.actorId, role: auth.role };
      const after =
        'account_id' in body
          ? await addProof(
              scope,
              services,
              row.id,
              'account',
              { account_id: body.account_id, by: auth.actorId },
              actor,
              services.clock(),
            )
          : await addProof(
              scope,
              services,
              row.id,
              'reviewer',
              { note: body.note, by: auth.actorId },
              actor,
              services.clock(),
            );
      return requestView(after, { now: services.clock() });
    },
  );

  route(
    app,
    {
      method: 'put',
      path: '/api/requests/:id/correction',
      summary:
        'Set the field changes a rectification applies (pre-filled from the person’s choices; before approval)',
      tag: 'requests',
      role: 'reviewer',
      params: idParams,
      body: z.strictObject({
        changes: z
          .record(z.string().min(1).max(200), z.string().max(500))
          .refine((r) => Object.keys(r).length <= 20, 'at most 20 field changes'),
      }),
    },
    async ({ scope, services, params, body, auth }) => {
      const row = await changeCorrection(
        scope,
        services,
        params.id,
        { id: auth.actorId, role: auth.role },
        body.changes,
      );
      return requestView(row, { now: services.clock() });
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/requests/:id/approve',
      summary: 'Approve a verified request (records honouring a flag such as the CCPA access limit)',
      tag: 'requests',
      role: 'reviewer',
      params: idParams,
      body: z.strictObject({ note: z.string().trim().max(2000).optional() }),
    },
    async ({ scope, services, params, body, auth }) => {
      const row = await approveRequest(
        scope,
        services,
        params.id,
        { id: auth.actorId, role: auth.role },
        { note: body.note },
      );
      return requestView(row, { now: services.clock() });
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/requests/:id/deny',
      summary:
        'Deny a request with a reason from the closed list; the person is told and told how to complain',
      tag: 'requests',
      role: 'reviewer',
      params: idParams,
      body: z.strictObject({ reason: z.enum(denialReasons), text: reasonText }),
    },
    async ({ scope, services, params, body, auth }) => {
      const row = await denyRequest(scope, services, params.id, { id: auth.actorId, role: auth.role }, body);
      return requestView(row, { now: services.clock() });
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/requests/:id/extend',
      summary: 'Take the legal extension (GDPR +2 months, CCPA +45 days); the reason is sent to the person',
      tag: 'requests',
      role: 'reviewer',
      params: idParams,
      body: z.strictObject({ reason: reasonText }),
    },
    async ({ scope, services, params, body, auth }) => {
      const row = await extendRequest(
        scope,
        services,
        params.id,
        { id: auth.actorId, role: auth.role },
        body.reason,
      );
      return requestView(row, { now: services.clock() });
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/requests/:id/cancel',
      summary: 'Cancel a request that has not run',
      tag: 'requests',
      role: 'reviewer',
      params: idParams,
      body: z.strictObject({ reason: reasonText }),
    },
    async ({ scope, services, params, body, auth }) => {
      const row = await cancelRequest(
        scope,
        services,
        params.id,
        { id: auth.actorId, role: auth.role },
        body.reason,
      );
      return requestView(row, { now: services.clock() });
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/requests/:id/notes',
      summary: 'Add a reviewer note to the request’s history',
      tag: 'requests',
      role: 'reviewer',
      params: idParams,
      body: z.strictObject({ text: reasonText }),
    },
    async ({ scope, services, params, body, auth }) => {
      await noteRequest(scope, services, params.id, { id: auth.actorId, role: auth.role }, body.text);
      return { noted: true };
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/requests/:id/dry-run',
      summary: 'Erasure or rectification dry run: what would change, per collection; nothing is written',
      tag: 'requests',
      role: 'reviewer',
      params: idParams,
    },
    async ({ scope, services, params, auth }) => ({
      collections: await dryRunRequest(scope, services, params.id, { id: auth.actorId, role: auth.role }),
    }),
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/requests/:id/retry',
      summary: 'Retry a failed request: only the collections that did not succeed run again',
      tag: 'requests',
      role: 'reviewer',
      params: idParams,
    },
    async ({ scope, services, params }) => {
      const row = await getRequest(scope, params.id);
      if (row.state !== 'failed')
        throw new AppError('conflict', `only failed requests are retried; this one is ${row.state}`);
      await scheduleRun(scope, services, row.id);
      return requestView(await getRequest(scope, row.id), { now: services.clock() });
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/requests/:id/permission',
      summary: 'An authorized agent’s signed permission file (the read is audited)',
      tag: 'requests',
      role: 'reviewer',
      params: idParams,
    },
    async ({ scope, params, audit, c }) => {
      await getRequest(scope, params.id);
      const file = await scope
        .selectFrom('dsr_attachments')
        .select(['filename', 'content_type', 'content', 'sha256'])
        .where('request_id', '=', params.id)
        .where('kind', '=', 'agent_permission')
        .executeTakeFirst();
      if (!file) throw new AppError('not_found', 'this request has no permission file');
      await audit({ action: 'request.permission_viewed', objectType: 'dsr_request', objectId: params.id });
      return c.body(new Uint8Array(file.content), 200, {
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename="permission-${file.sha256.slice(0, 8)}"`,
      });
    },
  );
}
