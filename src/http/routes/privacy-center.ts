import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { findDefaultWorkspace } from '../../governance/default-workspace.ts';
import { findCurrentProgram } from '../../program/current-program.ts';
import type { ProgramDoc } from '../../program/schema.ts';
import { addProof } from '../../requests/advance-request.ts';
import { type CorrectableCategory, correctableCategories } from '../../requests/correctable-data.ts';
import { approveRequest, denyRequest } from '../../requests/decide-request.ts';
import {
  codeFormPage,
  correctionFieldId,
  esc,
  type FieldError,
  layout,
  messagePage,
  requestFormPage,
} from '../../requests/privacy-center-pages.ts';
import { subjectActor } from '../../requests/record-transition.ts';
import { redeemDownload } from '../../requests/redeem-download.ts';
import { submitRequestSchema } from '../../requests/request-input.ts';
import { getRequest } from '../../requests/request-record.ts';
import { getRequestSettings } from '../../requests/request-settings.ts';
import { denialReasonLabels, requestTypeLabels } from '../../requests/request-types.ts';
import { findToken, spendToken } from '../../requests/single-use-token.ts';
import { subjectKey } from '../../requests/subject-key.ts';
import { MAX_PERMISSION_BYTES, submitRequest } from '../../requests/submit-request.ts';
import {
  checkVerificationCode,
  checkVerificationLink,
  issueVerificationCode,
} from '../../requests/verification-code.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { processLimiter, waitText } from '../rate-limit.ts';
import type { AppEnv } from '../route.ts';
import { defaultCsp, setCsp } from '../security-headers.ts';

const pageCsp = defaultCsp.replace("img-src 'self' data:", "img-src 'self' data: https:");

async function publicScope(c: Context<AppEnv>): Promise<WorkspaceScope> {
  const scope = await findDefaultWorkspace(c.get('services').store.db);
  if (!scope) throw new AppError('unavailable', 'the privacy center is not set up yet');
  return scope;
}

async function programDoc(scope: WorkspaceScope) {
  return (await findCurrentProgram(scope))?.program.doc;
}

/** The kinds of data the form offers to correct, from the current program (none before a push). */
async function correctionChoices(scope: WorkspaceScope): Promise<CorrectableCategory[]> {
  const current = await findCurrentProgram(scope);
  return current ? correctableCategories(current.program) : [];
}

function clientIp(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function html(
  c: Context<AppEnv>,
  body: string,
  status: 200 | 400 | 404 | 409 | 410 | 413 | 422 | 429 | 503 = 200,
) {
  setCsp(c, pageCsp);
  return c.html(body, status);
}

const fieldOf: Record<string, string> = {
  'body.type': 'type',
  'body.jurisdiction': 'jurisdiction',
  'body.identities.email': 'email',
  'body.identities.name': 'name',
  'body.identities.phone_number': 'phone_number',
  'body.details.correction': 'correction',
  'body.details.correction_text': 'correction',
  'body.details.processing': 'processing_other',
  'body.details.note': 'note',
  'body.agent.name': 'agent_name',
  'body.agent.email': 'agent_email',
  'body.agent': 'agent_name',
};

function toFieldErrors(details: { path: string; message: string }[]): FieldError[] {
  return details.map((d) => {
    const category = /^body\.details\.category_corrections\.([a-z0-9_.]+)$/.exec(d.path)?.[1];
    if (category) return { field: correctionFieldId(category), message: d.message };
    const key = Object.keys(fieldOf).find((k) => d.path === k || d.path.startsWith(`${k}.`));
    return {
      field: key ? fieldOf[key]! : 'email',
      message: friendly(key ? fieldOf[key]! : 'email', d.message),
    };
  });
}

function friendly(field: string, message: string): string {
  const names: Record<string, string> = {
    type: 'Choose what you would like us to do',
    jurisdiction: 'Choose where you live',
    email: 'Enter your email address, like name@example.com',
    correction: 'Say what is wrong and what it should say',
    processing_other: 'Say which processing you object to',
  };
  if (field === 'type' && /not offered/.test(message))
    return `This request is not available where you live: ${message}`;
  return names[field] && !/not offered|not one of/.test(message) ? `${names[field]} (${message})` : message;
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * Public intake limits per hour (per client address, per person, per request for new codes),
 * read from the request settings at each call.
 */
function takeIntake(c: Context<AppEnv>, key: string, perHour: number) {
  const services = c.get('services');
  return processLimiter(services, 'privacy-center', { limit: perHour, windowMs: 3_600_000 }).take(
    key,
    services.clock(),
    perHour,
  );
}

/** The 429 page: what happened and when to come back, with `Retry-After`. */
function tooMany(c: Context<AppEnv>, doc: ProgramDoc | undefined, title: string, retryAfterSeconds: number) {
  c.header('Retry-After', String(retryAfterSeconds));
  return html(
    c,
    messagePage(doc, title, [
      `For everyone's safety we limit how often this form can be used. Please try again in ${waitText(retryAfterSeconds)}.`,
    ]),
    429,
  );
}

/** The public privacy center: request form, code entry, package download, business customers' decisions. */
export function registerPrivacyCenterRoutes(app: Hono<AppEnv>): void {
  app.use(
    '/privacy-center/*',
    bodyLimit({
      maxSize: MAX_PERMISSION_BYTES + 256 * 1024,
      onError: (c) =>
        html(
          c as Context<AppEnv>,
          messagePage(undefined, 'That was too large', ['Upload a file of at most 5 MB.']),
          413,
        ),
    }),
  );

  app.get('/privacy-center', async (c) => {
    const scope = await publicScope(c);
    const doc = await programDoc(scope);
    if (!doc)
      return html(c, messagePage(undefined, 'Privacy center', ['Requests cannot be taken yet.']), 503);
    return html(
      c,
      requestFormPage(doc, { jurisdiction: doc.jurisdictions[0]?.code ?? '' }, [], {
        agents: agentsAccepted(doc),
        corrections: await correctionChoices(scope),
      }),
    );
  });

  app.post('/privacy-center/requests', async (c) => {
    const services = c.get('services');
    const scope = await publicScope(c);
    const doc = await programDoc(scope);
    if (!doc)
      return html(c, messagePage(undefined, 'Privacy center', ['Requests cannot be taken yet.']), 503);
    const settings = await getRequestSettings(scope);
    const byClient = takeIntake(c, `ip:${clientIp(c)}`, settings.intake_per_ip_per_hour);
    if (!byClient.allowed) return tooMany(c, doc, 'Too many requests', byClient.retryAfterSeconds);
    const form = await c.req.parseBody({ all: true });
    const corrections = await correctionChoices(scope);
    const formOptions = { agents: agentsAccepted(doc), corrections };
    const values: Record<string, string> = {};
    for (const k of [
      'type',
      'jurisdiction',
      'email',
      'name',
      'phone_number',
      'correction',
      'processing_other',
      'note',
      'agent_name',
      'agent_email',
    ]) {
      values[k] = text(form[k]).slice(0, 2000);
    }
    // What the person says is wrong, by kind of data: category → the correct value.
    const byCategory: Record<string, string> = {};
    for (const choice of corrections) {
      const id = correctionFieldId(choice.category);
      values[id] = text(form[id]).slice(0, 2000);
      if (values[id].trim()) byCategory[choice.category] = values[id].trim();
    }
    const processingRaw = form.processing;
    const processing = (Array.isArray(processingRaw) ? processingRaw : processingRaw ? [processingRaw] : [])
      .map(text)
      .filter(Boolean);
    values.processing = processing.join(',');
    if (values.processing_other?.trim()) processing.push(values.processing_other.trim());
    const file = form.permission;
    const upload = file instanceof File && file.size > 0 ? file : undefined;
    const errors: FieldError[] = [];
    const agentGiven = Boolean(values.agent_name?.trim() || values.agent_email?.trim() || upload);
    if (agentGiven && !upload)
      errors.push({ field: 'permission', message: 'Attach the signed permission from the person' });
    if (upload && upload.size > MAX_PERMISSION_BYTES)
      errors.push({ field: 'permission', message: 'The file must be at most 5 MB' });

    const identities: Record<string, string> = { email: values.email ?? '' };
    if (values.name?.trim()) identities.name = values.name;
    if (values.phone_number?.trim()) identities.phone_number = values.phone_number;
    const parsed = submitRequestSchema.safeParse({
      type: values.type || undefined,
      jurisdiction: values.jurisdiction || undefined,
      identities,
      details: {
        ...(Object.keys(byCategory).length ? { category_corrections: byCategory } : {}),
        ...(values.correction?.trim() ? { correction_text: values.correction.trim() } : {}),
        ...(processing.length ? { processing } : {}),
        ...(values.note?.trim() ? { note: values.note.trim() } : {}),
      },
      ...(agentGiven ? { agent: { name: values.agent_name ?? '', email: values.agent_email ?? '' } } : {}),
    });
    if (!parsed.success) {
      errors.unshift(
        ...toFieldErrors(
          parsed.error.issues.map((i) => ({
            path: ['body', ...i.path.map(String)].join('.'),
            message: i.message,
          })),
        ),
      );
    }
    if (errors.length || !parsed.success) {
      return html(c, requestFormPage(doc, values, dedupe(errors), formOptions), 422);
    }
    const email = parsed.data.identities.email![0]!;
    const byPerson = takeIntake(
      c,
      `person:${subjectKey(scope.workspaceId, email)}`,
      settings.intake_per_person_per_hour,
    );
    if (!byPerson.allowed) return tooMany(c, doc, 'Too many requests', byPerson.retryAfterSeconds);
    try {
      const row = await submitRequest(scope, services, parsed.data, {
        channel: 'web',
        actor: subjectActor,
        ...(upload
          ? {
              permission: {
                filename: upload.name,
                contentType: upload.type || 'application/octet-stream',
                bytes: new Uint8Array(await upload.arrayBuffer()),
              },
            }
          : {}),
      });
      if (row.state === 'verifying') return c.redirect(`/privacy-center/requests/${row.id}/verify`, 303);
      return html(c, submittedPage(doc, row.id, row.state));
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation_failed') {
        const details = (err.details as { path: string; message: string }[] | undefined) ?? [];
        return html(c, requestFormPage(doc, values, toFieldErrors(details), formOptions), 422);
      }
      throw err;
    }
  });

  app.get('/privacy-center/requests/:id/verify', async (c) => {
    const services = c.get('services');
    const scope = await publicScope(c);
    const doc = await programDoc(scope);
    const row = await getRequest(scope, c.req.param('id')).catch(() => undefined);
    if (!row) return html(c, messagePage(doc, 'Request not found', ['Check the link in your email.']), 404);
    const token = c.req.query('token');
    if (token) {
      try {
        await checkVerificationLink(scope, row.id, token.slice(0, 100), services.clock());
      } catch (err) {
        if (err instanceof AppError) return html(c, codeFormPage(doc, row.id, [], err.message), 410);
        throw err;
      }
      const after = await addProof(
        scope,
        services,
        row.id,
        'code',
        { via: 'link' },
        subjectActor,
        services.clock(),
      );
      return html(c, verifiedPage(doc, after.state));
    }
    if (row.state !== 'verifying') return html(c, verifiedPage(doc, row.state));
    return html(c, codeFormPage(doc, row.id));
  });

  app.post('/privacy-center/requests/:id/verify', async (c) => {
    const services = c.get('services');
    const scope = await publicScope(c);
    const doc = await programDoc(scope);
    const row = await getRequest(scope, c.req.param('id')).catch(() => undefined);
    if (!row) return html(c, messagePage(doc, 'Request not found', ['Check the link in your email.']), 404);
    if (row.state !== 'verifying') return html(c, verifiedPage(doc, row.state));
    const form = await c.req.parseBody();
    const code = text(form.code).trim().slice(0, 12);
    if (!/^\d{6}$/.test(code)) {
      return html(
        c,
        codeFormPage(doc, row.id, [{ field: 'code', message: 'Enter the 6-digit code from the email' }]),
        422,
      );
    }
    try {
      await checkVerificationCode(scope, row.id, code, services.clock());
    } catch (err) {
      if (err instanceof AppError) {
        return html(
          c,
          codeFormPage(doc, row.id, [{ field: 'code', message: err.message }]),
          err.code === 'gone' ? 410 : 422,
        );
      }
      throw err;
    }
    const after = await addProof(
      scope,
      services,
      row.id,
      'code',
      { via: 'code' },
      subjectActor,
      services.clock(),
    );
    return html(c, verifiedPage(doc, after.state));
  });

  app.post('/privacy-center/requests/:id/resend', async (c) => {
    const services = c.get('services');
    const scope = await publicScope(c);
    const doc = await programDoc(scope);
    const row = await getRequest(scope, c.req.param('id')).catch(() => undefined);
    if (!row) return html(c, messagePage(doc, 'Request not found', ['Check the link in your email.']), 404);
    if (row.state !== 'verifying') return html(c, verifiedPage(doc, row.state));
    const settings = await getRequestSettings(scope);
    const resend = takeIntake(c, `resend:${row.id}`, settings.intake_per_person_per_hour);
    if (!resend.allowed) return tooMany(c, doc, 'Too many codes', resend.retryAfterSeconds);
    await issueVerificationCode(scope, services, row, services.clock());
    return html(c, codeFormPage(doc, row.id, [], 'We sent a new code. Earlier codes no longer work.'));
  });

  app.get('/privacy-center/download/:token', async (c) => {
    const services = c.get('services');
    try {
      const download = await redeemDownload(
        services.store.db,
        c.req.param('token').slice(0, 100),
        services.clock(),
      );
      return new Response(download.body, {
        headers: {
          'content-type': 'application/zip',
          'content-length': String(download.bytes),
          'content-disposition': `attachment; filename="${download.filename}"`,
          'cache-control': 'no-store',
        },
      });
    } catch (err) {
      if (err instanceof AppError && (err.code === 'gone' || err.code === 'not_found')) {
        const scope = await findDefaultWorkspace(services.store.db);
        const doc = scope ? await programDoc(scope) : undefined;
        return html(
          c,
          messagePage(doc, 'This link does not work', [err.message]),
          err.code === 'gone' ? 410 : 404,
        );
      }
      throw err;
    }
  });

  app.get('/privacy-center/decide/:token', async (c) => {
    const services = c.get('services');
    const found = await findToken(
      services.store.db,
      c.req.param('token').slice(0, 100),
      'customer_decision',
      services.clock(),
    );
    if (!found.ok)
      return html(c, messagePage(undefined, 'This link does not work', [`The link is ${found.why}.`]), 410);
    const doc = await programDoc(found.scope);
    const row = await getRequest(found.scope, found.requestId);
    return html(c, decisionPage(doc, c.req.param('token'), row.type, row.id, row.identities));
  });

  app.post('/privacy-center/decide/:token', async (c) => {
    const services = c.get('services');
    const token = c.req.param('token').slice(0, 100);
    const found = await findToken(services.store.db, token, 'customer_decision', services.clock());
    if (!found.ok)
      return html(c, messagePage(undefined, 'This link does not work', [`The link is ${found.why}.`]), 410);
    const doc = await programDoc(found.scope);
    const form = await c.req.parseBody();
    const decision = z.enum(['approve', 'deny']).safeParse(form.decision);
    const reason = text(form.reason).trim().slice(0, 2000);
    const row = await getRequest(found.scope, found.requestId);
    if (!decision.success || (decision.data === 'deny' && !reason)) {
      return html(
        c,
        decisionPage(doc, token, row.type, row.id, row.identities, 'Choose approve, or deny with a reason'),
        422,
      );
    }
    // A correction described only in words has no field changes to run yet: the link stays usable.
    if (
      decision.data === 'approve' &&
      row.type === 'rectification' &&
      !Object.keys(row.details.correction ?? {}).length
    ) {
      return html(
        c,
        decisionPage(
          doc,
          token,
          row.type,
          row.id,
          row.identities,
          `${doc?.organization.name ?? 'We'} must first name the fields this correction changes; try again once they tell you it is ready, or deny it`,
        ),
        409,
      );
    }
    if (!(await spendToken(found.scope, found.tokenId, services.clock()))) {
      return html(c, messagePage(doc, 'Already decided', ['This request has already been decided.']), 410);
    }
    const actor = { id: `customer:${row.customer_key ?? 'unknown'}`, role: 'customer' };
    if (decision.data === 'approve')
      await approveRequest(found.scope, services, row.id, actor, {
        customerDecision: true,
        ...(reason ? { note: reason } : {}),
      });
    else
      await denyRequest(found.scope, services, row.id, actor, {
        reason: 'not_a_customer_request',
        text: reason,
        customerDecision: true,
      });
    return html(
      c,
      messagePage(doc, 'Thank you', [
        `Your decision (${decision.data}) is recorded; we will carry it out and tell the person.`,
      ]),
    );
  });
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    if (seen.has(e.field)) return false;
    seen.add(e.field);
    return true;
  });
}

function agentsAccepted(doc: {
  rights: { authorized_agents: boolean };
  jurisdictions: { code: string }[];
}): boolean {
  return doc.rights.authorized_agents || doc.jurisdictions.some((j) => j.code === 'ccpa');
}

function submittedPage(doc: Parameters<typeof layout>[0], id: string, state: string): string {
  return messagePage(doc, 'Request received', [
    `Your request reference is ${id}.`,
    state === 'completed' ? 'We have applied your choice.' : 'We will email you about each step.',
  ]);
}

function verifiedPage(doc: Parameters<typeof layout>[0], state: string): string {
  return messagePage(doc, 'Thank you, your request is confirmed', [
    state === 'completed'
      ? 'We have carried out your request and emailed you.'
      : 'We will email you when it is done, within the legal deadline.',
  ]);
}

function decisionPage(
  doc: Parameters<typeof layout>[0],
  token: string,
  type: keyof typeof requestTypeLabels,
  id: string,
  identities: Record<string, string[]>,
  error?: string,
): string {
  return layout(
    doc,
    'Decide on a privacy request',
    `<h1>A request from one of your users</h1>
<p>You are the controller of this data; ${esc(doc?.organization.name ?? 'we')} will carry out your decision.</p>
<dl><dt>Request</dt><dd>${esc(requestTypeLabels[type])} (reference ${esc(id)})</dd>
<dt>Identities (verified by email)</dt><dd>${Object.entries(identities)
      .map(([k, v]) => `${esc(k)}: ${esc(v.join(', '))}`)
      .join('<br>')}</dd></dl>
${error ? `<p class="field-error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/privacy-center/decide/${esc(token)}">
<fieldset><legend>Your decision</legend>
<div class="choice"><input type="radio" id="decision-approve" name="decision" value="approve"><label for="decision-approve">Approve: carry it out</label></div>
<div class="choice"><input type="radio" id="decision-deny" name="decision" value="deny"><label for="decision-deny">Deny (the person is told: ${esc(denialReasonLabels.not_a_customer_request)})</label></div>
</fieldset>
<label for="reason">Reason or note (required to deny)</label>
<textarea id="reason" name="reason" rows="3" maxlength="2000"></textarea>
<button type="submit">Send decision</button>
</form>`,
  );
}
