import type { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { findDefaultWorkspace } from '../../governance/default-workspace.ts';
import { escapeHtml, htmlPage } from '../../governance/html.ts';
import { verifyLink } from '../../governance/server-keys.ts';
import { activateChange } from '../../governance/sub-processors/activate-change.ts';
import { loadChange } from '../../governance/sub-processors/load-change.ts';
import { notifyChange } from '../../governance/sub-processors/notify-change.ts';
import { proposeChange } from '../../governance/sub-processors/propose-change.ts';
import { recordObjection } from '../../governance/sub-processors/record-objection.ts';
import { subProcessorRegister } from '../../governance/sub-processors/sub-processor-register.ts';
import { WorkspaceScope } from '../../store/workspace-scope.ts';
import { assertSameOrigin } from '../auth.ts';
import { type AppEnv, route } from '../route.ts';
import type { Services } from '../services.ts';

const idParams = z.object({ id: z.uuid() });
const objectionBody = z.object({ token: z.string().min(10), reason: z.string().min(3).max(5000) });

/** Sub-processor changes (API) and the public register, feed and objection page. */
export function registerSubProcessorRoutes(app: Hono<AppEnv>): void {
  route(
    app,
    {
      method: 'post',
      path: '/api/subprocessor-changes',
      summary: 'Propose adding (or replacing) a sub-processor; the program must list it',
      tag: 'governance',
      role: 'admin',
      body: z.object({
        processor: z.string().min(1),
        replaces: z.string().min(1).optional(),
        description: z.string().max(5000).optional(),
        dpia_ref: z.string().min(1).max(500).optional(),
        window_days: z.number().int().min(0).max(365).optional(),
      }),
    },
    async ({ scope, body, auth, services }) =>
      proposeChange(scope, body, { id: auth.actorId, role: auth.role }, services.clock()),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/subprocessor-changes',
      summary: 'Sub-processor changes',
      tag: 'governance',
      role: 'auditor',
    },
    async ({ scope, services }) => {
      const rows = await scope
        .selectFrom('sub_processor_changes')
        .select('id')
        .orderBy('created_at', 'desc')
        .execute();
      const now = services.clock();
      return { changes: await Promise.all(rows.map((r) => loadChange(scope, r.id, now))) };
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/subprocessor-changes/:id',
      summary: 'One change with its notice log and objections',
      tag: 'governance',
      role: 'auditor',
      params: idParams,
    },
    async ({ scope, params, services }) => loadChange(scope, params.id, services.clock()),
  );

  route(
    app,
    {
      method: 'patch',
      path: '/api/subprocessor-changes/:id',
      summary: 'Record the DPIA reference or edit a change before it is announced',
      tag: 'governance',
      role: 'admin',
      params: idParams,
      body: z.object({
        dpia_ref: z.string().min(1).max(500).optional(),
        description: z.string().max(5000).optional(),
        window_days: z.number().int().min(0).max(365).optional(),
      }),
    },
    async ({ scope, params, body, services, audit }) => {
      const now = services.clock();
      const change = await loadChange(scope, params.id, now);
      if (change.status === 'activated' || change.status === 'withdrawn')
        throw new AppError('conflict', `this change is ${change.status}`);
      if ((body.window_days !== undefined || body.description !== undefined) && change.status !== 'draft')
        throw new AppError('conflict', 'the window and the description cannot change after the announcement');
      await scope.updateTable('sub_processor_changes').set(body).where('id', '=', params.id).execute();
      await audit({
        action: 'sub_processor_change.update',
        objectType: 'sub_processor_change',
        objectId: params.id,
        details: { ...body },
      });
      return loadChange(scope, params.id, now);
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/subprocessor-changes/:id/notify',
      summary: 'Email every business customer and open the objection window (re-run sends only what failed)',
      tag: 'governance',
      role: 'admin',
      params: idParams,
    },
    async ({ scope, params, services, auth }) =>
      notifyChange(scope, services, params.id, { id: auth.actorId, role: auth.role }, services.clock()),
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/subprocessor-changes/:id/objections',
      summary: 'Record a customer’s objection received another way (email, phone)',
      tag: 'governance',
      role: 'admin',
      params: idParams,
      body: z.object({ customer: z.string().min(1), reason: z.string().min(3).max(5000) }),
    },
    async ({ scope, params, body, auth, services }) =>
      recordObjection(
        scope,
        { changeId: params.id, customer: body.customer, reason: body.reason, via: 'api' },
        { id: auth.actorId, role: auth.role },
        services.clock(),
      ),
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/subprocessor-changes/:id/activate',
      summary: 'Activate after the window (needs the DPIA and a delivered notice to every customer)',
      tag: 'governance',
      role: 'admin',
      params: idParams,
      body: z.object({ resolution: z.string().min(3).max(5000).optional() }),
    },
    async ({ scope, params, body, auth, services }) =>
      activateChange(scope, params.id, body, { id: auth.actorId, role: auth.role }, services.clock()),
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/subprocessor-changes/:id/withdraw',
      summary: 'Withdraw a change that will not go ahead',
      tag: 'governance',
      role: 'admin',
      params: idParams,
      body: z.object({ reason: z.string().min(3).max(5000) }),
    },
    async ({ scope, params, body, services, audit }) => {
      const now = services.clock();
      const change = await loadChange(scope, params.id, now);
      if (change.status === 'activated' || change.status === 'withdrawn')
        throw new AppError('conflict', `this change is already ${change.status}`);
      await scope
        .updateTable('sub_processor_changes')
        .set({ status: 'withdrawn' })
        .where('id', '=', params.id)
        .execute();
      await audit({
        action: 'sub_processor_change.withdraw',
        objectType: 'sub_processor_change',
        objectId: params.id,
        reason: body.reason,
      });
      return loadChange(scope, params.id, now);
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/subprocessor-objections',
      summary: 'A customer objects, authorised by the signed token from the notice email',
      tag: 'governance',
      role: 'public',
      body: objectionBody,
    },
    async ({ services, body }) => objectWithToken(services, body),
  );

  app.get('/sub-processors.json', async (c) => c.json(await publicRegister(c.get('services'))));

  app.get('/sub-processors.rss', async (c) => {
    const services = c.get('services');
    const register = await publicRegister(services);
    const names = new Map(register.processors.map((p) => [p.key, p.name]));
    const items = register.changes
      .map((ch) => {
        const name = names.get(ch.processor_key) ?? ch.processor_key;
        const title =
          ch.status === 'activated'
            ? `${name} is now a sub-processor`
            : `Planned: ${ch.kind === 'replace' ? `${name} replaces ${names.get(ch.replaces_key ?? '') ?? ch.replaces_key}` : `new sub-processor ${name}`}`;
        const date = ch.activated_at ?? ch.notified_at ?? new Date(0).toISOString();
        return `<item><title>${escapeHtml(title)}</title><link>${escapeHtml(`${services.publicUrl}/sub-processors#${ch.processor_key}`)}</link>
<guid isPermaLink="false">${ch.id}:${ch.status}</guid><pubDate>${new Date(date).toUTCString()}</pubDate>
<description>${escapeHtml(`${ch.description ?? ''}${ch.objection_deadline && ch.status !== 'activated' ? ` Objections until ${ch.objection_deadline.slice(0, 10)}.` : ''}`)}</description></item>`;
      })
      .join('\n');
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>${escapeHtml(`${register.organization ?? 'Our'} sub-processor changes`)}</title>
<link>${escapeHtml(`${services.publicUrl}/sub-processors`)}</link><description>Changes to the sub-processors that process customer data</description>
${items}
</channel></rss>`;
    return c.body(xml, 200, { 'content-type': 'application/rss+xml; charset=utf-8' });
  });

  app.get('/sub-processors', async (c) => {
    const services = c.get('services');
    const register = await publicRegister(services);
    const rows = register.processors
      .filter((p) => p.status !== 'retired')
      .map(
        (
          p,
        ) => `<tr id="${escapeHtml(p.key)}"><td>${escapeHtml(p.name)}</td><td>${escapeHtml(p.service)}<br><span class="note">${escapeHtml(p.purpose)}</span></td>
<td>${escapeHtml(p.locations.join(', '))}</td><td>${escapeHtml(p.transfer_mechanism ?? '')}</td>
<td>${p.status === 'proposed' ? `planned${p.objection_deadline ? `, not before ${escapeHtml(p.objection_deadline.slice(0, 10))}` : ''}` : 'in use'}</td></tr>`,
      )
      .join('\n');
    return c.html(
      htmlPage(
        `${register.organization ?? ''} sub-processors`,
        `<h1>${escapeHtml(register.organization ?? '')} sub-processors</h1>
<p class="note">The companies that process our customers' data on our behalf. Customers are told of every change before it takes effect and may object.
Follow changes: <a href="/sub-processors.rss">RSS</a> · <a href="/sub-processors.json">JSON</a></p>
<table><thead><tr><th>Name</th><th>Service and purpose</th><th>Location</th><th>Transfer safeguard</th><th>Status</th></tr></thead>
<tbody>${rows}</tbody></table>`,
      ),
    );
  });

  app.get('/sub-processors/object', async (c) => {
    const services = c.get('services');
    const token = c.req.query('token') ?? '';
    try {
      const { workspaceId, claims } = await verifyLink(
        services.store.db,
        token,
        'sp_objection',
        services.clock(),
      );
      const change = await loadChange(
        new WorkspaceScope(services.store.db, workspaceId),
        claims.id,
        services.clock(),
      );
      const done = change.objections.find((o) => o.customer_key === claims.sub);
      return c.html(
        htmlPage(
          'Object to a sub-processor change',
          `<h1>Object to a sub-processor change</h1><p>${escapeHtml(change.description ?? change.processor_key)}</p>
<p>Objections are open until ${escapeHtml(new Date(change.objection_deadline ?? 0).toISOString().slice(0, 10))}.</p>
${
  done
    ? `<p><strong>Your objection was recorded on ${escapeHtml(new Date(done.recorded_at).toISOString())}.</strong></p>`
    : `<form method="post" action="/sub-processors/object"><input type="hidden" name="token" value="${escapeHtml(token)}">
<label>Why do you object?<textarea name="reason" rows="4" required minlength="3"></textarea></label>
<button type="submit">Record my objection</button></form>`
}`,
        ),
      );
    } catch (err) {
      if (err instanceof AppError)
        return c.html(htmlPage('Objection', `<p class="error">${escapeHtml(err.message)}</p>`), err.status);
      throw err;
    }
  });

  app.post('/sub-processors/object', async (c) => {
    const services = c.get('services');
    assertSameOrigin(c, services);
    const form = await c.req.parseBody();
    const parsed = objectionBody.safeParse({ token: form.token, reason: form.reason });
    if (!parsed.success)
      return c.html(
        htmlPage('Objection', '<p class="error">Please give a reason (at least 3 characters).</p>'),
        422,
      );
    try {
      await objectWithToken(services, parsed.data);
    } catch (err) {
      if (err instanceof AppError)
        return c.html(htmlPage('Objection', `<p class="error">${escapeHtml(err.message)}</p>`), err.status);
      throw err;
    }
    return c.html(
      htmlPage(
        'Objection recorded',
        '<h1>Thank you</h1><p>Your objection was recorded. We will contact you before the change takes effect.</p>',
      ),
    );
  });
}

async function publicRegister(services: Services) {
  const scope = await findDefaultWorkspace(services.store.db);
  if (!scope) return { organization: null, processors: [], changes: [] };
  return subProcessorRegister(scope);
}

async function objectWithToken(services: Services, body: z.infer<typeof objectionBody>) {
  const now = services.clock();
  const { workspaceId, claims } = await verifyLink(services.store.db, body.token, 'sp_objection', now);
  const scope = new WorkspaceScope(services.store.db, workspaceId);
  return recordObjection(
    scope,
    { changeId: claims.id, customer: claims.sub ?? '', reason: body.reason, via: 'link' },
    { id: `customer:${claims.sub ?? 'unknown'}`, role: 'customer_admin' },
    now,
  );
}
