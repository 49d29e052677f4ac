import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { findDefaultWorkspace } from '../../governance/default-workspace.ts';
import type { MessageKey } from '../../notice/i18n/en.ts';
import type { Translator } from '../../notice/i18n/translator.ts';
import { chooseLanguage, programNoticeLanguages } from '../../notice/notice-languages.ts';
import { findCurrentProgram } from '../../program/current-program.ts';
import type { ProgramDoc } from '../../program/schema.ts';
import { addProof } from '../../requests/advance-request.ts';
import { type CorrectableCategory, correctableCategories } from '../../requests/correctable-data.ts';
import { approveRequest, denyRequest } from '../../requests/decide-request.ts';
import {
  codeFormPage,
  correctionFieldId,
  englishPage,
  esc,
  type FieldError,
  layout,
  messagePage,
  type PageLanguage,
  pageText,
  requestFormPage,
  withLang,
} from '../../requests/privacy-center-pages.ts';
import { subjectActor } from '../../requests/record-transition.ts';
import { type PackageDownload, redeemDownload, spendDownload } from '../../requests/redeem-download.ts';
import { submitRequestSchema } from '../../requests/request-input.ts';
import { requestMailLanguage } from '../../requests/request-mail.ts';
import { getRequest } from '../../requests/request-record.ts';
import { getRequestSettings } from '../../requests/request-settings.ts';
import { currentDownloadToken, openStatusLink, requestStatus } from '../../requests/request-status.ts';
import { requestStatusPage, statusLinkInvalidPage } from '../../requests/request-status-page.ts';
import { denialReasonLabels, requestTypeLabels } from '../../requests/request-types.ts';
import { findToken, spendToken } from '../../requests/single-use-token.ts';
import { subjectKey } from '../../requests/subject-key.ts';
import { MAX_PERMISSION_BYTES, submitRequest } from '../../requests/submit-request.ts';
import {
  CODE_MINUTES,
  checkVerificationCode,
  checkVerificationLink,
  issueVerificationCode,
} from '../../requests/verification-code.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { processLimiter } from '../rate-limit.ts';
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

/**
 * The language of a privacy-center page: ?lang= when the program publishes in it, else the
 * best of Accept-Language among them, else the first (the notice's rule). `path` is the GET
 * page its language switcher leads to. Sets Content-Language (and Vary: the page depends on
 * Accept-Language).
 */
function pageLanguage(
  c: Context<AppEnv>,
  doc: ProgramDoc | undefined,
  path: string,
  /** The page's own language when ?lang= asks for none (a request's page: the request's). */
  own?: PageLanguage['lang'],
): PageLanguage {
  const languages = doc ? programNoticeLanguages(doc) : (['en'] as PageLanguage['languages']);
  const choice = chooseLanguage(c.req.query('lang') ?? own, c.req.header('accept-language'), languages);
  c.header('Content-Language', choice.lang);
  c.header('Vary', 'Accept-Language');
  return { ...choice, languages, path };
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

/** What the person is told for each field the request was refused on, in the page's language. */
const fieldMessages: Record<string, MessageKey> = {
  type: 'center.errorType',
  jurisdiction: 'center.errorJurisdiction',
  email: 'center.errorEmail',
  name: 'center.errorName',
  phone_number: 'center.errorPhone',
  correction: 'center.errorCorrection',
  processing_other: 'center.errorProcessing',
  note: 'center.errorNote',
  agent_name: 'center.errorAgent',
  agent_email: 'center.errorAgentEmail',
};

/**
 * Validation details (`body.…` paths, English for the API) as messages on the form's fields,
 * written in the page's language.
 */
function toFieldErrors(details: { path: string; message: string }[], t: Translator['t']): FieldError[] {
  return details.map((d) => {
    const category = /^body\.details\.category_corrections\.([a-z0-9_.]+)$/.exec(d.path)?.[1];
    if (category) return { field: correctionFieldId(category), message: t('center.errorCorrectionValue') };
    const key = Object.keys(fieldOf).find((k) => d.path === k || d.path.startsWith(`${k}.`));
    const field = key ? fieldOf[key]! : 'email';
    if (field === 'type' && /not offered/.test(d.message))
      return { field, message: t('center.errorNotOffered') };
    if (key === 'body.agent' && /authorized agents/.test(d.message))
      return { field, message: t('center.errorNoAgents') };
    return { field, message: t(fieldMessages[field] ?? 'center.errorEmail') };
  });
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

/** A wait in words in the page's language ("5 minutes", "5 Minuten"). */
function waitIn(lang: PageLanguage['lang'], seconds: number): string {
  const [value, unit] =
    seconds < 60
      ? [seconds, 'second']
      : seconds < 3600
        ? [Math.ceil(seconds / 60), 'minute']
        : [Math.ceil(seconds / 3600), 'hour'];
  return new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

/** The 429 page: what happened and when to come back, with `Retry-After`. */
function tooMany(
  c: Context<AppEnv>,
  doc: ProgramDoc | undefined,
  page: PageLanguage,
  title: MessageKey,
  retryAfterSeconds: number,
) {
  const t = pageText(page);
  c.header('Retry-After', String(retryAfterSeconds));
  return html(
    c,
    messagePage(doc, page, t(title), [
      t('center.tooManyText', { wait: waitIn(page.lang, retryAfterSeconds) }),
    ]),
    429,
  );
}

/**
 * The public privacy center: request form, code entry, a request's status page, package
 * download, business customers' decisions.
 */
export function registerPrivacyCenterRoutes(app: Hono<AppEnv>): void {
  app.use(
    '/privacy-center/*',
    bodyLimit({
      maxSize: MAX_PERMISSION_BYTES + 256 * 1024,
      onError: async (c) => {
        const ctx = c as Context<AppEnv>;
        const scope = await findDefaultWorkspace(ctx.get('services').store.db);
        const doc = scope ? await programDoc(scope) : undefined;
        const page = pageLanguage(ctx, doc, '/privacy-center');
        const t = pageText(page);
        return html(ctx, messagePage(doc, page, t('center.tooLargeTitle'), [t('center.tooLargeText')]), 413);
      },
    }),
  );

  app.get('/privacy-center', async (c) => {
    const scope = await publicScope(c);
    const doc = await programDoc(scope);
    const page = pageLanguage(c, doc, '/privacy-center');
    if (!doc) return html(c, unavailablePage(page), 503);
    return html(
      c,
      requestFormPage(doc, page, { jurisdiction: doc.jurisdictions[0]?.code ?? '' }, [], {
        agents: agentsAccepted(doc),
        corrections: await correctionChoices(scope),
      }),
    );
  });

  app.post('/privacy-center/requests', async (c) => {
    const services = c.get('services');
    const scope = await publicScope(c);
    const doc = await programDoc(scope);
    const page = pageLanguage(c, doc, '/privacy-center');
    if (!doc) return html(c, unavailablePage(page), 503);
    const t = pageText(page);
    const settings = await getRequestSettings(scope);
    const byClient = takeIntake(c, `ip:${clientIp(c)}`, settings.intake_per_ip_per_hour);
    if (!byClient.allowed) return tooMany(c, doc, page, 'center.tooManyRequests', byClient.retryAfterSeconds);
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
    if (agentGiven && !upload) errors.push({ field: 'permission', message: t('center.errorPermission') });
    if (upload && upload.size > MAX_PERMISSION_BYTES)
      errors.push({ field: 'permission', message: t('center.errorPermissionSize') });

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
          t,
        ),
      );
    }
    if (errors.length || !parsed.success) {
      return html(c, requestFormPage(doc, page, values, dedupe(errors), formOptions), 422);
    }
    const email = parsed.data.identities.email![0]!;
    const byPerson = takeIntake(
      c,
      `person:${subjectKey(scope.workspaceId, email)}`,
      settings.intake_per_person_per_hour,
    );
    if (!byPerson.allowed) return tooMany(c, doc, page, 'center.tooManyRequests', byPerson.retryAfterSeconds);
    try {
      const row = await submitRequest(scope, services, parsed.data, {
        channel: 'web',
        actor: subjectActor,
        lang: page.lang,
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
      if (row.state === 'verifying')
        return c.redirect(withLang(`/privacy-center/requests/${row.id}/verify`, page.lang), 303);
      return html(c, submittedPage(doc, page, row.id, row.state));
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation_failed') {
        const details = (err.details as { path: string; message: string }[] | undefined) ?? [];
        return html(c, requestFormPage(doc, page, values, toFieldErrors(details, t), formOptions), 422);
      }
      throw err;
    }
  });

  app.get('/privacy-center/requests/:id/verify', async (c) => {
    const services = c.get('services');
    const scope = await publicScope(c);
    const doc = await programDoc(scope);
    const row = await getRequest(scope, c.req.param('id')).catch(() => undefined);
    const page = pageLanguage(c, doc, row ? `/privacy-center/requests/${row.id}/verify` : '/privacy-center');
    const t = pageText(page);
    if (!row) return html(c, notFoundPage(doc, page), 404);
    const token = c.req.query('token');
    if (token) {
      try {
        await checkVerificationLink(scope, row.id, token.slice(0, 100), services.clock());
      } catch (err) {
        if (err instanceof AppError)
          return html(c, codeFormPage(doc, page, row.id, CODE_MINUTES, [], t('center.linkExpired')), 410);
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
      return html(c, verifiedPage(doc, page, after.state));
    }
    if (row.state !== 'verifying') return html(c, verifiedPage(doc, page, row.state));
    return html(c, codeFormPage(doc, page, row.id, CODE_MINUTES));
  });

  app.post('/privacy-center/requests/:id/verify', async (c) => {
    const services = c.get('services');
    const scope = await publicScope(c);
    const doc = await programDoc(scope);
    const row = await getRequest(scope, c.req.param('id')).catch(() => undefined);
    const page = pageLanguage(c, doc, row ? `/privacy-center/requests/${row.id}/verify` : '/privacy-center');
    const t = pageText(page);
    if (!row) return html(c, notFoundPage(doc, page), 404);
    if (row.state !== 'verifying') return html(c, verifiedPage(doc, page, row.state));
    const form = await c.req.parseBody();
    const code = text(form.code).trim().slice(0, 12);
    if (!/^\d{6}$/.test(code)) {
      return html(
        c,
        codeFormPage(doc, page, row.id, CODE_MINUTES, [{ field: 'code', message: t('center.codeEnter') }]),
        422,
      );
    }
    try {
      await checkVerificationCode(scope, row.id, code, services.clock());
    } catch (err) {
      if (err instanceof AppError) {
        return html(
          c,
          codeFormPage(doc, page, row.id, CODE_MINUTES, [{ field: 'code', message: codeError(err, t) }]),
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
    return html(c, verifiedPage(doc, page, after.state));
  });

  app.post('/privacy-center/requests/:id/resend', async (c) => {
    const services = c.get('services');
    const scope = await publicScope(c);
    const doc = await programDoc(scope);
    const row = await getRequest(scope, c.req.param('id')).catch(() => undefined);
    const page = pageLanguage(c, doc, row ? `/privacy-center/requests/${row.id}/verify` : '/privacy-center');
    if (!row) return html(c, notFoundPage(doc, page), 404);
    if (row.state !== 'verifying') return html(c, verifiedPage(doc, page, row.state));
    const settings = await getRequestSettings(scope);
    const resend = takeIntake(c, `resend:${row.id}`, settings.intake_per_person_per_hour);
    if (!resend.allowed) return tooMany(c, doc, page, 'center.tooManyCodes', resend.retryAfterSeconds);
    await issueVerificationCode(scope, services, row, services.clock());
    return html(c, codeFormPage(doc, page, row.id, CODE_MINUTES, [], pageText(page)('center.codeResent')));
  });

  app.get('/privacy-center/download/:token', async (c) => {
    const services = c.get('services');
    try {
      const download = await redeemDownload(
        services.store.db,
        c.req.param('token').slice(0, 100),
        services.clock(),
      );
      return packageResponse(download);
    } catch (err) {
      if (err instanceof AppError && (err.code === 'gone' || err.code === 'not_found')) {
        const scope = await findDefaultWorkspace(services.store.db);
        const doc = scope ? await programDoc(scope) : undefined;
        const page = pageLanguage(c, doc, '/privacy-center');
        const t = pageText(page);
        const why = /already been used/.test(err.message)
          ? t('center.downloadUsed')
          : /no longer available/.test(err.message)
            ? t('center.downloadGone')
            : t('center.downloadInvalid');
        return html(
          c,
          messagePage(doc, page, t('center.linkBrokenTitle'), [why]),
          err.code === 'gone' ? 410 : 404,
        );
      }
      throw err;
    }
  });

  app.get('/privacy-center/status/:token', async (c) => {
    const services = c.get('services');
    const token = c.req.param('token').slice(0, 400);
    const found = await openStatusLink(services.store.db, token, services.clock());
    c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex');
    const base = `/privacy-center/status/${token}`;
    if (!found.ok) {
      const scope = await findDefaultWorkspace(services.store.db);
      const doc = scope ? await programDoc(scope) : undefined;
      return html(c, statusLinkInvalidPage(doc, pageLanguage(c, doc, base)), 404);
    }
    const doc = await programDoc(found.scope);
    const page = pageLanguage(c, doc, base, requestMailLanguage(found.row, doc));
    const status = await requestStatus(found.scope, found.row, services.clock());
    return html(c, requestStatusPage(doc, page, status, base));
  });

  app.get('/privacy-center/status/:token/download', async (c) => {
    const services = c.get('services');
    const now = services.clock();
    const found = await openStatusLink(services.store.db, c.req.param('token').slice(0, 400), now);
    const tokenId = found.ok ? await currentDownloadToken(found.scope, found.row.id, now) : undefined;
    try {
      if (!found.ok || !tokenId) throw new AppError('gone', 'the package is no longer available');
      return packageResponse(await spendDownload(found.scope, found.row.id, tokenId, now));
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'gone')) throw err;
      const doc = found.ok ? await programDoc(found.scope) : undefined;
      const page = pageLanguage(
        c,
        doc,
        `/privacy-center/status/${c.req.param('token')}`,
        found.ok ? requestMailLanguage(found.row, doc) : undefined,
      );
      const t = pageText(page);
      return html(c, messagePage(doc, page, t('center.linkBrokenTitle'), [t('center.downloadGone')]), 410);
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
      return html(
        c,
        messagePage(undefined, englishPage, 'This link does not work', [`The link is ${found.why}.`]),
        410,
      );
    const doc = await programDoc(found.scope);
    const row = await getRequest(found.scope, found.requestId);
    return html(c, decisionPage(doc, c.req.param('token'), row.type, row.id, row.identities));
  });

  app.post('/privacy-center/decide/:token', async (c) => {
    const services = c.get('services');
    const token = c.req.param('token').slice(0, 100);
    const found = await findToken(services.store.db, token, 'customer_decision', services.clock());
    if (!found.ok)
      return html(
        c,
        messagePage(undefined, englishPage, 'This link does not work', [`The link is ${found.why}.`]),
        410,
      );
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
      return html(
        c,
        messagePage(doc, englishPage, 'Already decided', ['This request has already been decided.']),
        410,
      );
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
      messagePage(doc, englishPage, 'Thank you', [
        `Your decision (${decision.data}) is recorded; we will carry it out and tell the person.`,
      ]),
    );
  });
}

/** An access package as a download. */
function packageResponse(download: PackageDownload): Response {
  return new Response(download.body, {
    headers: {
      'content-type': 'application/zip',
      'content-length': String(download.bytes),
      'content-disposition': `attachment; filename="${download.filename}"`,
      'cache-control': 'no-store',
    },
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

function unavailablePage(page: PageLanguage): string {
  const t = pageText(page);
  return messagePage(undefined, page, t('center.defaultTitle'), [t('center.unavailable')]);
}

function notFoundPage(doc: ProgramDoc | undefined, page: PageLanguage): string {
  const t = pageText(page);
  return messagePage(doc, page, t('center.notFoundTitle'), [t('center.notFoundText')]);
}

/** A refused code in the page's language (the API's English message names the attempts left). */
function codeError(err: AppError, t: Translator['t']): string {
  if (err.code === 'gone') return t('center.codeExpired');
  const left = Number(/(\d+) attempts? left/.exec(err.message)?.[1] ?? 0);
  if (left > 1) return t('center.codeWrong', { left });
  return left === 1 ? t('center.codeWrongLast') : t('center.codeUsedUp');
}

function submittedPage(doc: ProgramDoc, page: PageLanguage, id: string, state: string): string {
  const t = pageText(page);
  return messagePage(doc, page, t('center.submittedTitle'), [
    t('center.submittedReference', { id }),
    state === 'completed' ? t('center.submittedApplied') : t('center.submittedNext'),
  ]);
}

function verifiedPage(doc: ProgramDoc | undefined, page: PageLanguage, state: string): string {
  const t = pageText(page);
  return messagePage(doc, page, t('center.verifiedTitle'), [
    state === 'completed' ? t('center.verifiedDone') : t('center.verifiedNext'),
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
    englishPage,
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
