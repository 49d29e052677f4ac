import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { findDefaultWorkspace } from '../../governance/default-workspace.ts';
import { createTranslator, type NoticeLanguage, noticeLanguages } from '../../notice/i18n/translator.ts';
import {
  chooseLanguage,
  languageName,
  languageNames,
  programNoticeLanguages,
} from '../../notice/notice-languages.ts';
import { decorateNoticePage, noticeSubpage } from '../../notice/notice-page.ts';
import { noticeStylesheet } from '../../notice/notice-stylesheet.ts';
import { deliverNoticeNotifications } from '../../notice/notifications/deliver-notice-notifications.ts';
import { listNoticeNotifications } from '../../notice/notifications/list-notice-notifications.ts';
import {
  confirmNoticeSubscription,
  requestNoticeSubscription,
  type SubscriptionContext,
  unsubscribeFromNotice,
} from '../../notice/notifications/notice-subscriptions.ts';
import { sendNoticeNotifications } from '../../notice/notifications/send-notice-notifications.ts';
import {
  confirmationSentPage,
  confirmPage,
  type SubscriptionPageContext,
  subscribeFormPage,
  subscriptionMessagePage,
  unsubscribePage,
} from '../../notice/notifications/subscription-pages.ts';
import { escapeHtml } from '../../notice/render-html.ts';
import { renderNotice } from '../../notice/render-notice.ts';
import { buildRopa } from '../../notice/ropa/build-ropa.ts';
import { ropaToCsv } from '../../notice/ropa/ropa-csv.ts';
import { diffNoticeVersions } from '../../notice/versions/diff-notice-versions.ts';
import {
  findLatestNoticeHeader,
  findLatestNoticeVersion,
  getNoticeVersion,
  latestNoticeVersionNumber,
  listNoticeVersions,
  type NoticeVersionWithContent,
} from '../../notice/versions/notice-versions.ts';
import { publishNotice } from '../../notice/versions/publish-notice.ts';
import { renderDiffHtml } from '../../notice/versions/render-diff-html.ts';
import { getCurrentProgram } from '../../program/current-program.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { assertSameOrigin } from '../auth.ts';
import { processLimiter, type RateLimitVerdict, rateLimitedError } from '../rate-limit.ts';
import { type AppEnv, route } from '../route.ts';
import { setCsp } from '../security-headers.ts';
import type { Services } from '../services.ts';
import { clientAddress } from './consent-pages.ts';

/** Public notice pages load nothing but their own stylesheet: no scripts, no inline styles. */
const noticeCsp = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const langSchema = z.enum(noticeLanguages);
const publicQuery = z.object({
  lang: z.string().optional(),
  format: z.string().optional(),
});

function wantsJson(c: Context<AppEnv>, format: string | undefined): boolean {
  if (format === 'json') return true;
  if (format) return false;
  const accept = c.req.header('accept') ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

/** ?lang=, then Accept-Language, then the first published language (see `chooseLanguage`). */
function pickLanguage(c: Context<AppEnv>, asked: string | undefined, published: NoticeLanguage[]) {
  return chooseLanguage(asked, c.req.header('accept-language'), published);
}

function parseVersion(value: string | undefined, what: string): number {
  if (value === undefined || !/^\d{1,9}$/.test(value) || Number(value) < 1) {
    throw new AppError('not_found', `${what} "${value ?? ''}" is not a published notice version`);
  }
  return Number(value);
}

async function publicScope(c: Context<AppEnv>): Promise<WorkspaceScope> {
  const scope = await findDefaultWorkspace(c.get('services').store.db);
  if (!scope) throw new AppError('unavailable', 'the server has no workspace yet');
  return scope;
}

function errorPage(c: Context<AppEnv>, err: AppError): Response {
  setCsp(c, noticeCsp);
  const title = err.status === 404 ? 'Not found' : 'Not available';
  return c.html(
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — privacy notice</title><link rel="stylesheet" href="/privacy/notice.css"></head>
<body><main id="main" class="wrap"><h1>${title}</h1><p>${escapeHtml(err.message)}</p>
<p><a href="/privacy">Read the current privacy notice</a></p></main></body></html>
`,
    err.status as 404,
  );
}

/** Runs a public page handler; its errors become an HTML page, or JSON when JSON was asked for. */
async function publicPage(
  c: Context<AppEnv>,
  format: string | undefined,
  handler: () => Promise<Response>,
): Promise<Response> {
  try {
    return await handler();
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (wantsJson(c, format)) return c.json(err.toJSON(), err.status);
    return errorPage(c, err);
  }
}

function summary(v: NoticeVersionWithContent) {
  const { renderings: _r, model: _m, ...rest } = v;
  return rest;
}

/**
 * An explicit versioned URL is a record of what was published: a language that version was
 * never published in is a 404 naming the languages it was, not another language in its place.
 */
function notPublishedInPage(
  c: Context<AppEnv>,
  v: NoticeVersionWithContent,
  asked: string,
  format: string | undefined,
): Response {
  const message = `version ${v.version} of the notice was not published in "${asked}"; it was published in ${v.languages.join(', ')}`;
  if (wantsJson(c, format) || format === 'md') {
    const err = new AppError('not_found', message, {
      details: [{ path: 'query.lang', message: `must be one of ${v.languages.join(', ')}` }],
    });
    return c.json(err.toJSON(), 404);
  }
  const lang = v.languages[0] ?? 'en';
  const { t } = createTranslator(lang);
  const links = v.languages
    .map(
      (l) =>
        `<li><a href="/privacy/v/${v.version}?lang=${l}" hreflang="${l}" lang="${l}">${escapeHtml(languageNames[l])}</a></li>`,
    )
    .join('');
  setCsp(c, noticeCsp);
  c.header('Content-Language', lang);
  return c.html(
    noticeSubpage({
      lang,
      organization: v.model.controller.name,
      brandColor: v.model.controller.brandColor,
      title: t('page.versionNotPublishedIn', {
        version: v.version,
        asked: languageName(asked, lang),
      }),
      body: `<p>${escapeHtml(t('page.publishedIn'))}</p><ul>${links}</ul>`,
    }),
    404,
  );
}

function showVersion(
  c: Context<AppEnv>,
  v: NoticeVersionWithContent,
  query: { lang?: string | undefined; format?: string | undefined },
  where: { versionedUrl: boolean; latest: number },
): Response {
  const choice = pickLanguage(c, query.lang, v.languages);
  if (choice.notPublishedIn !== undefined && where.versionedUrl) {
    return notPublishedInPage(c, v, choice.notPublishedIn, query.format);
  }
  const { lang, notPublishedIn } = choice;
  // Without ?lang= the language comes from Accept-Language: caches must keep them apart.
  c.header('Vary', 'Accept-Language');
  if (wantsJson(c, query.format)) {
    return c.json({ ...summary(v), lang, ...(notPublishedIn ? { notPublishedIn } : {}), model: v.model });
  }
  const rendering = v.renderings[lang];
  if (!rendering) throw new AppError('not_found', `version ${v.version} has no ${lang} rendering`);
  c.header('Content-Language', lang);
  if (query.format === 'md') {
    return c.body(rendering.md, 200, { 'content-type': 'text/markdown; charset=utf-8' });
  }
  setCsp(c, noticeCsp);
  return c.html(
    decorateNoticePage(rendering.html, {
      lang,
      languages: v.languages,
      pageUrl: `${c.get('services').publicUrl}${c.req.path}`,
      notPublishedIn,
      subscribeForm: v.version === where.latest,
    }),
  );
}

/** Attempts to subscribe, per client address and per address asked for (each process counts its own). */
function takeSubscribeAttempt(c: Context<AppEnv>, email?: string): RateLimitVerdict {
  const services = c.get('services');
  const limiter = processLimiter(services, 'notice-subscribe', { limit: 10, windowMs: 3_600_000 });
  const byClient = limiter.take(`ip:${clientAddress(c) ?? 'unknown'}`, services.clock());
  if (!byClient.allowed || !email) return byClient;
  return limiter.take(`address:${email.trim().toLowerCase()}`, services.clock(), 3);
}

function subscriptionContext(services: Services): SubscriptionContext {
  return { mailer: services.mailer, publicUrl: services.publicUrl, now: services.clock() };
}

/** The latest notice's name, colour and languages for the subscription pages, and the language to use. */
async function subscriptionPageContext(
  c: Context<AppEnv>,
  asked: unknown,
): Promise<SubscriptionPageContext & { scope: WorkspaceScope; languages: NoticeLanguage[] }> {
  const scope = await publicScope(c);
  const header = await findLatestNoticeHeader(scope);
  if (!header) throw new AppError('not_found', 'no privacy notice has been published yet');
  const lang = header.languages.find((l) => l === asked) ?? header.languages[0] ?? 'en';
  return { scope, lang, languages: header.languages, controller: header.controller };
}

function subscriptionHtml(c: Context<AppEnv>, ctx: { lang: NoticeLanguage }, html: string, status = 200) {
  setCsp(c, noticeCsp);
  c.header('Content-Language', ctx.lang);
  return c.html(html, status as 200);
}

/**
 * The public pages of subscribing to notice changes (the form on /privacy posts here),
 * confirming from the emailed link, and unsubscribing from a notification. No JavaScript;
 * the form is same-origin only, rate- and size-limited; tokens travel in links, never cookies.
 */
function registerSubscriptionPages(app: Hono<AppEnv>): void {
  const limitBody = bodyLimit({
    maxSize: 4 * 1024,
    onError: async (c) => {
      const ctx = await subscriptionPageContext(c as Context<AppEnv>, c.req.query('lang'));
      return subscriptionHtml(
        c as Context<AppEnv>,
        ctx,
        subscriptionMessagePage(ctx, 'subscribe.title', 'subscribe.tooLarge', 'problem'),
        413,
      );
    },
  });
  app.use('/privacy/subscribe', limitBody);
  app.use('/privacy/subscribe/*', limitBody);
  app.use('/privacy/unsubscribe', limitBody);

  app.post('/privacy/subscribe', (c) =>
    publicPage(c, undefined, async () => {
      const services = c.get('services');
      const form = await c.req.parseBody();
      const ctx = await subscriptionPageContext(c, form.lang);
      try {
        assertSameOrigin(c, services);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return subscriptionHtml(
          c,
          ctx,
          subscriptionMessagePage(ctx, 'subscribe.title', 'subscribe.refused', 'problem'),
          403,
        );
      }
      const typed = typeof form.email === 'string' ? form.email.trim().slice(0, 254) : '';
      const parsed = z.email().max(254).safeParse(typed);
      const limited = takeSubscribeAttempt(c, parsed.success ? parsed.data : undefined);
      if (!limited.allowed) {
        c.header('Retry-After', String(limited.retryAfterSeconds));
        return subscriptionHtml(
          c,
          ctx,
          subscriptionMessagePage(ctx, 'subscribe.title', 'subscribe.tooMany', 'problem'),
          429,
        );
      }
      if (!parsed.success) {
        const { t } = createTranslator(ctx.lang);
        return subscriptionHtml(c, ctx, subscribeFormPage(ctx, typed, t('subscribe.invalid')), 422);
      }
      await requestNoticeSubscription(
        ctx.scope,
        { email: parsed.data, lang: ctx.lang },
        subscriptionContext(services),
      );
      return subscriptionHtml(c, ctx, confirmationSentPage(ctx, parsed.data));
    }),
  );

  app.get('/privacy/subscribe/confirm', (c) =>
    publicPage(c, undefined, async () => {
      const ctx = await subscriptionPageContext(c, c.req.query('lang'));
      return subscriptionHtml(c, ctx, confirmPage(ctx, c.req.query('t') ?? ''));
    }),
  );

  app.post('/privacy/subscribe/confirm', (c) =>
    publicPage(c, undefined, async () => {
      const services = c.get('services');
      const form = await c.req.parseBody();
      const ctx = await subscriptionPageContext(c, c.req.query('lang'));
      assertSameOrigin(c, services);
      const token = typeof form.t === 'string' ? form.t : '';
      const done = await confirmNoticeSubscription(ctx.scope, token, services.clock());
      if (!done) {
        return subscriptionHtml(
          c,
          ctx,
          subscriptionMessagePage(ctx, 'subscribe.linkInvalid', 'subscribe.linkInvalidText', 'problem'),
          410,
        );
      }
      const shown = { ...ctx, lang: ctx.languages.includes(done.lang) ? done.lang : ctx.lang };
      return subscriptionHtml(
        c,
        shown,
        subscriptionMessagePage(shown, 'subscribe.confirmedTitle', 'subscribe.confirmedText', 'done'),
      );
    }),
  );

  app.get('/privacy/unsubscribe', (c) =>
    publicPage(c, undefined, async () => {
      const ctx = await subscriptionPageContext(c, c.req.query('lang'));
      return subscriptionHtml(c, ctx, unsubscribePage(ctx, c.req.query('t') ?? ''));
    }),
  );

  // Our page's button and the mail client's RFC 8058 one-click POST both land here; the signed
  // token is the authority (a one-click POST comes from the mail provider, not our page).
  app.post('/privacy/unsubscribe', (c) =>
    publicPage(c, undefined, async () => {
      const services = c.get('services');
      const ctx = await subscriptionPageContext(c, c.req.query('lang'));
      try {
        await unsubscribeFromNotice(services.store.db, c.req.query('t') ?? '', services.clock());
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return subscriptionHtml(
          c,
          ctx,
          subscriptionMessagePage(ctx, 'unsubscribe.title', 'unsubscribe.invalid', 'problem'),
          400,
        );
      }
      return subscriptionHtml(
        c,
        ctx,
        subscriptionMessagePage(ctx, 'unsubscribe.doneTitle', 'unsubscribe.doneText', 'done'),
      );
    }),
  );
}

/**
 * The published notice (`/privacy`, `/privacy/v/:version`, `/privacy/diff`), its stylesheet,
 * the records of processing, notice versions, subscribers and the notification log.
 */
export function registerNoticeRoutes(app: Hono<AppEnv>): void {
  registerSubscriptionPages(app);
  app.get('/privacy/notice.css', (c) => {
    const brand = c.req.query('brand');
    return c.body(noticeStylesheet(brand ? `#${brand}` : undefined), 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'public, max-age=86400',
    });
  });

  route(
    app,
    {
      method: 'get',
      path: '/privacy',
      summary:
        'The current published privacy notice (HTML; JSON with Accept: application/json or ?format=json; ?format=md)',
      tag: 'notice',
      role: 'public',
      query: publicQuery,
    },
    async ({ c, query }) =>
      publicPage(c, query.format, async () => {
        const latest = await findLatestNoticeVersion(await publicScope(c));
        if (!latest) throw new AppError('not_found', 'no privacy notice has been published yet');
        return showVersion(c, latest, query, { versionedUrl: false, latest: latest.version });
      }),
  );

  route(
    app,
    {
      method: 'get',
      path: '/privacy/v/:version',
      summary: 'One published version of the privacy notice',
      tag: 'notice',
      role: 'public',
      query: publicQuery,
      params: z.object({ version: z.string() }),
    },
    async ({ c, query, params }) =>
      publicPage(c, query.format, async () => {
        const version = parseVersion(params.version, 'version');
        const scope = await publicScope(c);
        const v = await getNoticeVersion(scope, version);
        const latest = (await latestNoticeVersionNumber(scope)) ?? version;
        return showVersion(c, v, query, { versionedUrl: true, latest });
      }),
  );

  route(
    app,
    {
      method: 'get',
      path: '/privacy/diff',
      summary: 'What changed between two published versions, by section, with material changes flagged',
      tag: 'notice',
      role: 'public',
      query: publicQuery.extend({ from: z.string().optional(), to: z.string().optional() }),
    },
    async ({ c, query }) =>
      publicPage(c, query.format, async () => {
        const scope = await publicScope(c);
        const latest = await findLatestNoticeVersion(scope);
        if (!latest) throw new AppError('not_found', 'no privacy notice has been published yet');
        const to = query.to === undefined ? latest.version : parseVersion(query.to, 'to');
        const from = query.from === undefined ? Math.max(1, to - 1) : parseVersion(query.from, 'from');
        const diff = await diffNoticeVersions(scope, from, to);
        if (wantsJson(c, query.format)) return c.json(diff);
        setCsp(c, noticeCsp);
        return c.html(
          renderDiffHtml(diff, {
            organization: latest.model.controller.name,
            brandColor: latest.model.controller.brandColor,
            lang: pickLanguage(c, query.lang, latest.languages).lang,
          }),
        );
      }),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/notice/preview',
      summary: 'Render the notice of the current program without publishing it',
      tag: 'notice',
      role: 'auditor',
      query: z.object({ lang: langSchema.optional(), format: z.enum(['html', 'md']).default('html') }),
    },
    async ({ c, scope, query }) => {
      const { program } = await getCurrentProgram(scope);
      const languages = programNoticeLanguages(program.doc);
      if (query.lang && !languages.includes(query.lang)) {
        throw new AppError(
          'validation_failed',
          `the program does not publish its notice in "${query.lang}" (notice.languages: ${languages.join(', ')})`,
          { details: [{ path: 'query.lang', message: `must be one of ${languages.join(', ')}` }] },
        );
      }
      const lang = query.lang ?? languages[0] ?? 'en';
      c.header('Content-Language', lang);
      const rendered = renderNotice(program, {
        format: query.format,
        lang,
        stylesheet: { href: '/privacy/notice.css' },
      });
      c.header('X-Missing-Translations', rendered.missingKeys.join(',') || 'none');
      if (query.format === 'md')
        return c.body(rendered.content, 200, { 'content-type': 'text/markdown; charset=utf-8' });
      setCsp(c, noticeCsp);
      return c.html(rendered.content);
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/notice/versions',
      summary: 'Publish the notice of the current program as a new, immutable version',
      tag: 'notice',
      role: 'admin',
      body: z.object({ effective_date: z.iso.date().optional() }).default({}),
    },
    async ({ services, scope, body, auth, audit }) => {
      const result = await publishNotice(scope, {
        now: services.clock(),
        actor: auth.actorId,
        effectiveDate: body.effective_date,
      });
      if (result.unchanged) return { ...result, delivery: 'none', notifications: [] };
      await audit({
        action: 'notice.publish',
        objectType: 'notice_version',
        objectId: String(result.version.version),
        details: {
          contentHash: result.version.contentHash,
          material: result.version.material,
          consentVersion: result.version.consentVersion,
          effectiveDate: result.version.effectiveDate,
          queued: result.queued,
        },
      });
      // A job when the queue runs (the CLI follows it in the log), else sent now with one result
      // per person; either way failures stay in the log and are tried again.
      if (!result.queued) return { ...result, delivery: 'none', notifications: [] };
      return { ...result, ...(await deliverNoticeNotifications(scope, services, result.version.version)) };
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/notice/versions',
      summary: 'Published notice versions',
      tag: 'notice',
      role: 'auditor',
    },
    async ({ scope }) => ({ versions: await listNoticeVersions(scope) }),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/notice/versions/:version',
      summary: 'One published notice version with its model and renderings',
      tag: 'notice',
      role: 'auditor',
      params: z.object({ version: z.string() }),
    },
    async ({ scope, params }) => getNoticeVersion(scope, parseVersion(params.version, 'version')),
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/notice/subscribers',
      summary:
        'Ask to be told by email of material changes to the notice (double opt-in: updates start once the emailed link is opened)',
      tag: 'notice',
      role: 'public',
      body: z.object({ email: z.email().max(254), lang: langSchema.optional() }),
    },
    async ({ c, services, body }) => {
      const scope = await publicScope(c);
      const limited = takeSubscribeAttempt(c, body.email);
      if (!limited.allowed) {
        throw rateLimitedError('too many subscription requests', limited.retryAfterSeconds);
      }
      const languages = (await findLatestNoticeHeader(scope))?.languages ?? ['en'];
      const lang = body.lang && languages.includes(body.lang) ? body.lang : (languages[0] ?? 'en');
      await requestNoticeSubscription(scope, { email: body.email, lang }, subscriptionContext(services));
      // The same answer whatever the address's state: nothing to enumerate.
      return { status: 'confirmation_requested' };
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/notice/notifications',
      summary: 'The notification log: who was told of which version, and delivery status',
      tag: 'notice',
      role: 'auditor',
      query: z.object({
        version: z.coerce.number().int().positive().optional(),
        status: z.enum(['pending', 'sending', 'sent', 'failed', 'cancelled']).optional(),
      }),
    },
    async ({ scope, query, audit }) => {
      const notifications = await listNoticeNotifications(scope, query);
      await audit({
        action: 'notice.notifications.read',
        objectType: 'notice_notification',
        details: { count: notifications.length, ...query },
      });
      return { notifications };
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/notice/notifications/retry',
      summary:
        'Send again the notifications that failed, and any send cut off mid-way (sent ones are never re-sent)',
      tag: 'notice',
      role: 'admin',
    },
    async ({ services, scope, audit }) => {
      const results = await sendNoticeNotifications(scope, {
        mailer: services.mailer,
        publicUrl: services.publicUrl,
        now: services.clock(),
        sender: 'person',
      });
      await audit({
        action: 'notice.notifications.retry',
        objectType: 'notice_notification',
        details: {
          succeeded: results.filter((r) => r.status === 'succeeded').length,
          failed: results.filter((r) => r.status === 'failed').length,
        },
      });
      return { results };
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/ropa',
      summary: 'Records of processing (GDPR Art. 30) of the current program; ?format=csv for a spreadsheet',
      tag: 'notice',
      role: 'auditor',
      query: z.object({ format: z.enum(['json', 'csv']).default('json') }),
    },
    async ({ c, scope, query }) => {
      const { program } = await getCurrentProgram(scope);
      const ropa = buildRopa(program);
      if (query.format === 'json') return ropa;
      return c.body(ropaToCsv(ropa), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="records-of-processing.csv"',
      });
    },
  );
}
