import type { Context, Hono } from 'hono';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { checkAccess } from '../../governance/access/check-access.ts';
import { decideAccess } from '../../governance/access/decide-access.ts';
import { presentGrant } from '../../governance/access/grant-status.ts';
import { recordToolUse } from '../../governance/access/record-tool-use.ts';
import { requestAccess } from '../../governance/access/request-access.ts';
import { escapeHtml, htmlPage } from '../../governance/html.ts';
import { verifyLink } from '../../governance/server-keys.ts';
import type { AccessGrantsTable } from '../../store/schema.ts';
import { WorkspaceScope } from '../../store/workspace-scope.ts';
import { assertSameOrigin } from '../auth.ts';
import { type AppEnv, route } from '../route.ts';
import type { Services } from '../services.ts';

const decisionBody = z.object({
  token: z.string().min(10),
  decision: z.enum(['approve', 'deny', 'revoke']),
  reason: z.string().max(2000).optional(),
  hours: z.coerce.number().int().positive().optional(),
});

/** Staff access to customer data: requests, the customer's decision, the check API, tool uses. */
export function registerAccessGrantRoutes(app: Hono<AppEnv>): void {
  route(
    app,
    {
      method: 'get',
      path: '/api/access-grants/check',
      summary:
        'May this staff member access this customer’s data now? (403 in the body when not; every answer is logged)',
      tag: 'governance',
      role: 'reviewer',
      query: z.object({
        staff: z.string().min(1),
        customer: z.string().min(1),
        system: z.string().min(1).optional(),
        mode: z.enum(['read', 'write']).default('read'),
        field: z.string().min(1).optional(),
      }),
    },
    async ({ scope, query, auth, services }) =>
      checkAccess(scope, query, { id: auth.actorId, role: auth.role }, services.clock()),
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/access-grants',
      summary:
        'Ask a customer for time-boxed access to its data (emails the customer a signed approval link)',
      tag: 'governance',
      role: 'reviewer',
      body: z.object({
        staff: z.string().min(1),
        customer: z.string().min(1),
        ticket: z.string().min(1).max(200),
        purpose: z.string().min(3).max(2000),
        systems: z.array(z.string().min(1)).default([]),
        mode: z.enum(['read', 'write']).default('read'),
        hours: z.number().int().positive().optional(),
      }),
    },
    async ({ scope, services, body, auth }) =>
      requestAccess(scope, services, body, { id: auth.actorId, role: auth.role }, services.clock()),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/access-grants',
      summary: 'Access requests and grants with their state now',
      tag: 'governance',
      role: 'auditor',
      query: z.object({ customer: z.string().optional(), staff: z.string().optional() }),
    },
    async ({ scope, query, services }) => {
      let q = scope.selectFrom('access_grants').selectAll().orderBy('requested_at', 'desc').limit(500);
      if (query.customer) q = q.where('customer_key', '=', query.customer);
      if (query.staff) q = q.where('staff_id', '=', query.staff);
      const now = services.clock();
      return { grants: (await q.execute()).map((g) => presentGrant(g, now)) };
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/access-grants/:id',
      summary: 'One access grant',
      tag: 'governance',
      role: 'auditor',
      params: z.object({ id: z.uuid() }),
    },
    async ({ scope, params, services }) => {
      const grant = await scope
        .selectFrom('access_grants')
        .selectAll()
        .where('id', '=', params.id)
        .executeTakeFirst();
      if (!grant) throw new AppError('not_found', `no access grant ${params.id}`);
      return presentGrant(grant, services.clock());
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/access-grants/:id/revoke',
      summary: 'End a grant early (company side)',
      tag: 'governance',
      role: 'admin',
      params: z.object({ id: z.uuid() }),
      body: z.object({ reason: z.string().max(2000).optional() }),
    },
    async ({ scope, params, body, auth, services }) =>
      decideAccess(
        scope,
        params.id,
        'revoke',
        { by: { id: auth.actorId, role: auth.role }, reason: body.reason },
        services.clock(),
      ),
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/access-grants/decisions',
      summary: 'The customer’s decision, authorised by the signed token from the email (no API key)',
      tag: 'governance',
      role: 'public',
      body: decisionBody,
    },
    async ({ services, body }) => decideWithToken(services, body),
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/tool-uses',
      summary: 'Record a use of a purpose-bound tool (logged with its declared purpose)',
      tag: 'governance',
      role: 'reviewer',
      body: z.object({
        tool: z.string().min(1),
        staff: z.string().min(1),
        customer: z.string().min(1).optional(),
        ticket: z.string().max(200).optional(),
        purpose: z.string().max(2000).optional(),
      }),
    },
    async ({ scope, body, auth, services }) =>
      recordToolUse(scope, body, { id: auth.actorId, role: auth.role }, services.clock()),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/tool-uses',
      summary: 'Uses of purpose-bound tools, newest first',
      tag: 'governance',
      role: 'auditor',
    },
    async ({ scope }) => ({
      uses: await scope.selectFrom('tool_uses').selectAll().orderBy('used_at', 'desc').limit(500).execute(),
    }),
  );

  app.get('/access/decide', async (c) => {
    const services = c.get('services');
    const token = c.req.query('token') ?? '';
    return c.html(await decisionPage(services, token));
  });

  app.post('/access/decide', async (c) => {
    const services = c.get('services');
    assertSameOrigin(c, services);
    const form = await c.req.parseBody();
    const parsed = decisionBody.safeParse({
      token: form.token,
      decision: form.decision,
      reason: typeof form.reason === 'string' && form.reason ? form.reason : undefined,
      hours: typeof form.hours === 'string' && form.hours ? form.hours : undefined,
    });
    if (!parsed.success)
      return c.html(htmlPage('Access request', '<p class="error">The form was incomplete.</p>'), 422);
    try {
      await decideWithToken(services, parsed.data);
    } catch (err) {
      return errorPage(c, err);
    }
    return c.html(await decisionPage(services, parsed.data.token, `Recorded: ${parsed.data.decision}.`));
  });
}

async function decideWithToken(services: Services, body: z.infer<typeof decisionBody>) {
  const now = services.clock();
  const { workspaceId, claims } = await verifyLink(services.store.db, body.token, 'access_decision', now);
  const scope = new WorkspaceScope(services.store.db, workspaceId);
  return decideAccess(
    scope,
    claims.id,
    body.decision,
    {
      by: { id: `customer:${claims.sub ?? 'unknown'}`, role: 'customer_admin' },
      reason: body.reason,
      hours: body.hours,
    },
    now,
  );
}

function errorPage(c: Context, err: unknown) {
  if (err instanceof AppError)
    return c.html(htmlPage('Access request', `<p class="error">${escapeHtml(err.message)}</p>`), err.status);
  throw err;
}

async function decisionPage(services: Services, token: string, notice?: string): Promise<string> {
  const now = services.clock();
  let g: ReturnType<typeof presentGrant<Selectable<AccessGrantsTable>>>;
  try {
    const { workspaceId, claims } = await verifyLink(services.store.db, token, 'access_decision', now);
    const row = await new WorkspaceScope(services.store.db, workspaceId)
      .selectFrom('access_grants')
      .selectAll()
      .where('id', '=', claims.id)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', 'this request no longer exists');
    g = presentGrant(row, now);
  } catch (err) {
    if (err instanceof AppError)
      return htmlPage('Access request', `<p class="error">${escapeHtml(err.message)}</p>`);
    throw err;
  }
  const rows: [string, string][] = [
    ['Staff member', g.staff_id],
    ['Ticket', g.ticket],
    ['Purpose', g.purpose],
    ['Systems', g.systems.length ? g.systems.join(', ') : 'all systems holding your data'],
    ['Access', g.mode],
    ['Duration', `${g.hours} hours from approval`],
    [
      'State',
      g.state + (g.state === 'active' ? ` (until ${new Date(g.expires_at ?? now).toISOString()})` : ''),
    ],
  ];
  const table = `<table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
  const hidden = `<input type="hidden" name="token" value="${escapeHtml(token)}">`;
  let form = '';
  if (g.state === 'requested') {
    form = `<form method="post" action="/access/decide">${hidden}
<label>Reason or note (optional)<textarea name="reason" rows="2"></textarea></label>
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button></form>`;
  } else if (g.state === 'active') {
    form = `<form method="post" action="/access/decide">${hidden}
<button type="submit" name="decision" value="revoke">End access now</button></form>`;
  }
  return htmlPage(
    'Access request',
    `<h1>Access to your organisation’s data</h1>${notice ? `<p><strong>${escapeHtml(notice)}</strong></p>` : ''}
<p class="note">Nobody can access your data unless you approve; access ends by itself when the time is up.</p>
${table}${form}`,
  );
}
