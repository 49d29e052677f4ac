import type { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { findDefaultWorkspace } from '../../governance/default-workspace.ts';
import { findCurrentProgram } from '../../program/current-program.ts';
import { cancelRequest } from '../../requests/decide-request.ts';
import { requestLanguage } from '../../requests/request-input.ts';
import type { RequestRow } from '../../requests/request-record.ts';
import { typesOffered } from '../../requests/request-types.ts';
import { submitRequest } from '../../requests/submit-request.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type AppEnv, route } from '../route.ts';

/** OpenDSR request types Custodian accepts, and the request type each becomes. */
const openDsrTypes = { access: 'access', portability: 'portability', erasure: 'erasure' } as const;

const openDsrRequest = z.object({
  subject_request_id: z.uuid(),
  subject_request_type: z.enum(['access', 'portability', 'erasure']),
  submitted_time: z.iso.datetime({ offset: true }),
  subject_identities: z
    .array(
      z.object({
        identity_type: z.string().min(1).max(40),
        identity_value: z.string().min(1).max(254),
        identity_format: z.enum(['raw', 'sha256', 'md5', 'sha1']).default('raw'),
      }),
    )
    .min(1)
    .max(6),
  /** Not in every OpenDSR client; defaults to the first jurisdiction of the program. */
  regulation: z.enum(['gdpr', 'uk_gdpr', 'ccpa']).optional(),
  api_version: z.string().max(10).optional(),
  property_id: z.string().max(200).optional(),
  status_callback_urls: z.array(z.url()).max(5).optional(),
  /** Custodian's addition: the language the person asked in (see POST /api/requests). */
  lang: requestLanguage,
});

function openDsrStatus(state: RequestRow['state']): string {
  if (state === 'completed') return 'completed';
  if (state === 'canceled' || state === 'denied') return 'cancelled';
  if (state === 'in_progress' || state === 'approved' || state === 'failed') return 'in_progress';
  return 'pending';
}

function statusBody(scope: WorkspaceScope, row: RequestRow) {
  return {
    controller_id: scope.workspaceId,
    subject_request_id: row.external_id,
    request_status: openDsrStatus(row.state),
    received_time: row.received_at.toISOString(),
    expected_completion_time: row.due_at.toISOString(),
    api_version: '2.0',
    ...(row.denial_reason ? { denial_reason: row.denial_reason } : {}),
  };
}

async function byExternalId(scope: WorkspaceScope, id: string): Promise<RequestRow> {
  const row = await scope
    .selectFrom('dsr_requests')
    .selectAll()
    .where('external_id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `no request ${id}`);
  return row as RequestRow;
}

/** OpenDSR 2.0: requests from privacy platforms, by their own request id. */
export function registerOpenDsrRoutes(app: Hono<AppEnv>): void {
  route(
    app,
    {
      method: 'get',
      path: '/opendsr/v2/discovery',
      summary: 'OpenDSR discovery: supported identities and request types',
      tag: 'opendsr',
      role: 'public',
    },
    async ({ services }) => {
      const scope = await findDefaultWorkspace(services.store.db);
      const doc = scope ? (await findCurrentProgram(scope))?.program.doc : undefined;
      const offered = new Set(doc ? doc.jurisdictions.flatMap((j) => typesOffered(doc, j.code)) : []);
      return {
        api_version: '2.0',
        supported_identities: [{ identity_type: 'email', identity_format: 'raw' }],
        supported_subject_request_types: Object.keys(openDsrTypes).filter((t) => offered.has(t as never)),
        supported_regulations: doc?.jurisdictions.map((j) => j.code) ?? [],
        processor_certificate: null,
      };
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/opendsr/v2/requests',
      summary: 'OpenDSR: submit a request',
      tag: 'opendsr',
      role: 'reviewer',
      body: openDsrRequest,
    },
    async ({ scope, services, body, auth, c }) => {
      const doc = (await findCurrentProgram(scope))?.program.doc;
      const hashed = body.subject_identities.find((i) => i.identity_format !== 'raw');
      if (hashed) {
        throw new AppError(
          'validation_failed',
          'invalid body: subject_identities: only raw identities are supported',
          {
            details: [{ path: 'body.subject_identities', message: 'only identity_format raw is supported' }],
          },
        );
      }
      const identities: Record<string, string[]> = {};
      for (const i of body.subject_identities) {
        const key = i.identity_type.toLowerCase().replace(/[^a-z0-9_]/g, '_');
        identities[key] = [...(identities[key] ?? []), i.identity_value];
      }
      const row = await submitRequest(
        scope,
        services,
        {
          type: openDsrTypes[body.subject_request_type],
          jurisdiction: body.regulation ?? (doc?.jurisdictions[0]?.code as 'gdpr') ?? 'gdpr',
          identities: identities as never,
          details: {},
          external_id: body.subject_request_id,
          lang: body.lang,
        },
        { channel: 'opendsr', actor: { id: auth.actorId, role: auth.role } },
      );
      return c.json({ ...statusBody(scope, row), encoded_request: null }, 201);
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/opendsr/v2/requests/:id',
      summary: 'OpenDSR: status of a request',
      tag: 'opendsr',
      role: 'auditor',
      params: z.object({ id: z.string().max(64) }),
    },
    async ({ scope, params }) => statusBody(scope, await byExternalId(scope, params.id)),
  );

  route(
    app,
    {
      method: 'delete',
      path: '/opendsr/v2/requests/:id',
      summary: 'OpenDSR: cancel a request',
      tag: 'opendsr',
      role: 'reviewer',
      params: z.object({ id: z.string().max(64) }),
    },
    async ({ scope, services, params, auth }) => {
      const row = await byExternalId(scope, params.id);
      const canceled = await cancelRequest(
        scope,
        services,
        row.id,
        { id: auth.actorId, role: auth.role },
        'canceled through OpenDSR',
      );
      return statusBody(scope, canceled);
    },
  );
}
