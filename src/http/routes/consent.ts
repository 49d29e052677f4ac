import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { bannerBundle } from '../../consent/banner-bundle.ts';
import { buildBannerConfig } from '../../consent/banner-config.ts';
import { consentHistory, historyToCsv } from '../../consent/consent-history.ts';
import { currentConsentProgram } from '../../consent/current-purposes.ts';
import { decide } from '../../consent/decide.ts';
import { publicWorkspace } from '../../consent/public-workspace.ts';
import {
  consentInputSchema,
  recordConsent,
  recordConsentBatch,
  subjectSchema,
} from '../../consent/record-consent.ts';
import {
  liftRestriction,
  recordRestriction,
  restrictionInputSchema,
} from '../../consent/record-restriction.ts';
import { listUnsubscribeHeaders, subscribe, subscriptionLanguages } from '../../consent/subscriptions.ts';
import { checkSuppression, importSuppressionCsv, suppressAddresses } from '../../consent/suppression.ts';
import { verifyLedger } from '../../consent/verify-ledger.ts';
import { keyedHash, readToken, signToken, workspaceSecret } from '../../consent/workspace-secret.ts';
import { AppError } from '../../errors.ts';
import { noticeLanguages } from '../../notice/i18n/translator.ts';
import { RateLimiter, rateLimitedError } from '../rate-limit.ts';
import { type AppEnv, route } from '../route.ts';
import { clientAddress, registerConsentPages } from './consent-pages.ts';

const purposeSchema = z.string().min(1).max(200);

const serviceSchema = z.string().min(1).max(100);

const decisionQuery = z.object({
  subject: subjectSchema,
  purpose: purposeSchema,
  gpc: z.enum(['true', 'false', '1', '0']).optional(),
  /** A service of the cookie register: denied when the person refused it (`service_refused`). */
  service: serviceSchema.optional(),
});

const bannerEventSchema = z.object({
  site: z.string().max(64).optional(),
  device: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a device id of 8–64 letters, digits, _ or -'),
  choices: z.record(z.string().max(100), z.boolean()),
  /** Service key → allowed, for services inside the categories chosen. */
  services: z.record(z.string().max(100), z.boolean()).optional(),
  version: z.number().int().min(0),
  wording_hash: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest'),
  method: z.enum(['banner', 'gpc']).default('banner'),
  gpc: z.boolean().default(false),
  page_url: z.string().max(2000).optional(),
  jurisdiction: z.string().max(20).optional(),
});

function cors(c: Context): void {
  c.header('Access-Control-Allow-Origin', '*');
  c.header('Access-Control-Allow-Methods', 'GET, POST');
  c.header('Access-Control-Allow-Headers', 'Content-Type');
  c.header('Access-Control-Max-Age', '86400');
  c.header('Cross-Origin-Resource-Policy', 'cross-origin');
}

/** Consent: ledger, decisions, restrictions; the banner's public endpoints; the preference center. */
export function registerConsentRoutes(app: Hono<AppEnv>): void {
  // A burst of 20 banner events per address, then one every 2 s on average.
  const limiter = new RateLimiter({ limit: 20, windowMs: 40_000 });

  route(
    app,
    {
      method: 'post',
      path: '/api/consent',
      summary: 'Record a consent choice (grant or deny notices) for a subject',
      tag: 'consent',
      role: 'reviewer',
      body: consentInputSchema,
    },
    async ({ scope, body, services }) => {
      const recorded = await recordConsent(scope, body, services.clock());
      return recorded;
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/consent/batch',
      summary: 'Record many choices (import, backfill); a result per item',
      tag: 'consent',
      role: 'admin',
      body: z.object({ events: z.array(consentInputSchema).min(1).max(5000) }),
    },
    async ({ scope, body, services, audit }) => {
      const results = await recordConsentBatch(scope, body.events, services.clock());
      await audit({
        action: 'consent.batch',
        objectType: 'consent_ledger',
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
      method: 'post',
      path: '/api/consent/:subject/withdraw',
      summary: 'Withdraw every consent of a subject in one call',
      tag: 'consent',
      role: 'reviewer',
      params: z.object({ subject: subjectSchema }),
    },
    async ({ scope, params, services }) => {
      const { purposes } = await currentConsentProgram(scope);
      const choices = Object.fromEntries([...purposes.notices.keys()].map((k) => [k, false]));
      return recordConsent(
        scope,
        { subject: params.subject, choices, method: 'api', gpc: false },
        services.clock(),
      );
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/consent/:subject/history',
      summary: 'Proof of consent for a subject: every event with its wording and chain hashes (JSON or CSV)',
      tag: 'consent',
      role: 'auditor',
      params: z.object({ subject: subjectSchema }),
      query: z.object({ format: z.enum(['json', 'csv']).default('json') }),
    },
    async ({ scope, params, query, audit, c }) => {
      const proof = await consentHistory(scope, params.subject);
      await audit({
        action: 'consent.history.read',
        objectType: 'consent_subject',
        objectId: params.subject,
        details: { events: proof.events.length, format: query.format },
      });
      if (query.format === 'csv') {
        c.header('Content-Type', 'text/csv; charset=utf-8');
        c.header(
          'Content-Disposition',
          `attachment; filename="consent-${params.subject.replace(/[^\w.-]/g, '_')}.csv"`,
        );
        return c.body(historyToCsv(proof));
      }
      return proof;
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/consent/verify',
      summary: 'Verify the consent ledger hash chain; names any edited or deleted event',
      tag: 'consent',
      role: 'auditor',
    },
    async ({ scope }) => verifyLedger(scope),
  );

  // The usual question with an API key is answered before the router
  // (src/http/decision-fast-path.ts); this route answers the rest.
  route(
    app,
    {
      method: 'get',
      path: '/api/decisions',
      summary: 'May this subject’s data be used for this data use? Allowed or denied, with reasons',
      tag: 'consent',
      role: 'auditor',
      query: decisionQuery,
    },
    async ({ scope, query, c }) => {
      const gpc = query.gpc === 'true' || query.gpc === '1' || c.req.header('sec-gpc') === '1';
      const [decision] = await decide(
        scope,
        [{ subject: query.subject, purpose: query.purpose, gpc, service: query.service }],
        { servicePath: () => 'query.service' },
      );
      return c.json(decision!, 200);
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/decisions/batch',
      summary: 'Many decisions in one call (one query)',
      tag: 'consent',
      role: 'auditor',
      body: z.object({
        questions: z
          .array(
            z.object({
              subject: subjectSchema,
              purpose: purposeSchema,
              gpc: z.boolean().optional(),
              service: serviceSchema.optional(),
            }),
          )
          .min(1)
          .max(1000),
      }),
    },
    async ({ scope, body, c }) =>
      c.json(
        {
          decisions: await decide(scope, body.questions, {
            servicePath: (i) => `body.questions.${i}.service`,
          }),
        },
        200,
      ),
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/restrictions',
      summary: 'Record a restriction, objection, opt-out of sale, sensitive-data limit or do-not-contact',
      tag: 'consent',
      role: 'admin',
      body: restrictionInputSchema,
    },
    async ({ scope, body, services, audit }) => {
      const { id } = await recordRestriction(scope, body, services.clock());
      await audit({
        action: 'consent.restriction.record',
        objectType: 'consent_subject',
        objectId: body.subject,
        details: { id, kind: body.kind, purposes: body.purposes ?? null },
      });
      return { id };
    },
  );

  route(
    app,
    {
      method: 'delete',
      path: '/api/restrictions/:id',
      summary: 'Lift a restriction',
      tag: 'consent',
      role: 'admin',
      params: z.object({ id: z.uuid() }),
    },
    async ({ scope, params, services, audit }) => {
      if (!(await liftRestriction(scope, params.id, services.clock())))
        throw new AppError('not_found', `no active restriction ${params.id}`);
      await audit({ action: 'consent.restriction.lift', objectType: 'restriction', objectId: params.id });
      return { lifted: params.id };
    },
  );

  // The banner's public surface: script, config, events. Any site may embed it (CORS *).
  app.get('/banner.js', async (c) => {
    const bundle = await bannerBundle();
    if (c.req.header('if-none-match') === bundle.etag) return c.body(null, 304);
    c.header('Content-Type', 'application/javascript; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=300');
    c.header('ETag', bundle.etag);
    cors(c);
    return c.body(bundle.code);
  });

  app.on('OPTIONS', ['/consent/config', '/consent/events', '/consent/receipts/verify'], (c) => {
    cors(c);
    return c.body(null, 204);
  });

  route(
    app,
    {
      method: 'get',
      path: '/consent/config',
      summary: 'Banner configuration from the program’s consent notices and cookie register',
      tag: 'consent-public',
      role: 'public',
      query: z.object({ site: z.string().max(64).optional(), lang: z.string().max(10).optional() }),
    },
    async ({ services, query, c }) => {
      const scope = await publicWorkspace(services.store.db, query.site);
      const config = await buildBannerConfig(scope, {
        lang: query.lang?.slice(0, 2).toLowerCase(),
        gpc: c.req.header('sec-gpc') === '1',
        publicUrl: services.publicUrl,
      });
      cors(c);
      c.header('Cache-Control', 'no-store');
      c.header('Vary', 'Sec-GPC');
      return c.json(config, 200);
    },
  );

  app.use(
    '/consent/events',
    bodyLimit({
      maxSize: 8 * 1024,
      onError: () => {
        throw new AppError('payload_too_large', 'a consent event is at most 8 KB');
      },
    }),
  );
  route(
    app,
    {
      method: 'post',
      path: '/consent/events',
      summary: 'Record a banner choice (rate-limited); returns a signed receipt',
      tag: 'consent-public',
      role: 'public',
      body: bannerEventSchema,
    },
    async ({ services, body, c }) => {
      cors(c);
      const scope = await publicWorkspace(services.store.db, body.site);
      const ip = clientAddress(c);
      const secret = await workspaceSecret(scope);
      const verdict = limiter.take(keyedHash(secret, 'ip', ip ?? 'unknown'), services.clock());
      if (!verdict.allowed)
        throw rateLimitedError('too many consent events from this address', verdict.retryAfterSeconds);
      const gpc = body.gpc || c.req.header('sec-gpc') === '1';
      const recorded = await recordConsent(
        scope,
        {
          subject: `device:${body.device}`,
          choices: body.choices,
          services: body.services,
          method: body.method,
          notice_version: body.version,
          wording_hash: body.wording_hash,
          jurisdiction: body.jurisdiction,
          page_url: body.page_url,
          gpc,
        },
        services.clock(),
        { ip, userAgent: c.req.header('user-agent') },
      );
      const receipt = signToken(secret, {
        s: recorded.subject,
        q: recorded.seq,
        v: recorded.notice_version,
        g: recorded.granted,
        d: recorded.denied,
        ...(recorded.services ? { x: recorded.services } : {}),
        t: recorded.at,
      });
      return { seq: recorded.seq, receipt };
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/consent/receipts/verify',
      summary: 'Check a receipt the banner holds: was it issued by this server, for what choice',
      tag: 'consent-public',
      role: 'public',
      body: z.object({ receipt: z.string().max(4000), site: z.string().max(64).optional() }),
    },
    async ({ services, body, c }) => {
      cors(c);
      const scope = await publicWorkspace(services.store.db, body.site);
      const payload = readToken(await workspaceSecret(scope), body.receipt);
      if (!payload)
        throw new AppError('bad_request', 'this receipt was not issued by this server or was altered');
      return c.json({ valid: true, receipt: payload }, 200);
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/subscriptions',
      summary: 'Start double opt-in for addresses (confirmation e-mail); suppressed addresses are skipped',
      tag: 'subscriptions',
      role: 'admin',
      body: z.object({
        subscriptions: z
          .array(
            z.object({
              email: z.string().max(320),
              list: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'a list key'),
              lang: z
                .enum(noticeLanguages)
                .optional()
                .describe(
                  'Language of the page the person subscribed from, one the program publishes (notice.languages); the confirmation mail and pages use it. Default: the first published language',
                ),
            }),
          )
          .min(1)
          .max(1000),
      }),
    },
    async ({ scope, body, services, audit }) => {
      const languages = await subscriptionLanguages(scope);
      const unpublished = body.subscriptions.flatMap((s, i) =>
        s.lang && !languages.includes(s.lang)
          ? [
              {
                path: `body.subscriptions.${i}.lang`,
                message: `the program does not publish in "${s.lang}"; it publishes in ${languages.join(', ')}`,
              },
            ]
          : [],
      );
      if (unpublished.length)
        throw new AppError(
          'validation_failed',
          `invalid body: ${unpublished.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
          { details: unpublished },
        );
      const results = await subscribe(
        scope,
        body.subscriptions,
        { mailer: services.mailer, publicUrl: services.publicUrl, source: 'api' },
        services.clock(),
      );
      await audit({
        action: 'subscriptions.subscribe',
        objectType: 'subscription_batch',
        details: {
          pending: results.filter((r) => r.detail === 'pending').length,
          skipped: results.filter((r) => r.status === 'skipped').length,
        },
      });
      return { results };
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/subscriptions',
      summary: 'List subscriptions of a list',
      tag: 'subscriptions',
      role: 'reviewer',
      query: z.object({ list: z.string().max(64) }),
    },
    async ({ scope, query, audit }) => {
      const rows = await scope
        .selectFrom('subscriptions')
        .select(['email', 'list', 'status', 'created_at', 'confirmed_at', 'unsubscribed_at'])
        .where('list', '=', query.list)
        .orderBy('created_at')
        .execute();
      await audit({
        action: 'subscriptions.read',
        objectType: 'subscription_list',
        objectId: query.list,
        details: { rows: rows.length },
      });
      return { subscriptions: rows };
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/subscriptions/headers',
      summary:
        'List-Unsubscribe and List-Unsubscribe-Post (RFC 8058 one-click) header values for a marketing message',
      tag: 'subscriptions',
      role: 'reviewer',
      body: z.object({ email: z.email(), list: z.string().min(1).max(64) }),
    },
    async ({ scope, body, services, c }) =>
      c.json(await listUnsubscribeHeaders(scope, body, services.publicUrl), 200),
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/suppression/check',
      summary:
        'Check addresses before a send: marketing is blocked for suppressed addresses, transactional never',
      tag: 'subscriptions',
      role: 'auditor',
      body: z.object({
        addresses: z.array(z.string().max(320)).min(1).max(10_000),
        kind: z.enum(['transactional', 'marketing']),
        list: z.string().max(64).optional(),
      }),
    },
    async ({ scope, body, c }) =>
      c.json({ results: await checkSuppression(scope, body.addresses, body.kind, body.list) }, 200),
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/suppression',
      summary: 'Add addresses to the suppression list (bounces, complaints); kept only as keyed hashes',
      tag: 'subscriptions',
      role: 'admin',
      body: z.object({
        addresses: z.array(z.email()).min(1).max(10_000),
        list: z.string().max(64).optional(),
        reason: z.string().min(1).max(200),
      }),
    },
    async ({ scope, body, services, audit }) => {
      const added = await suppressAddresses(
        scope,
        body.addresses,
        { list: body.list, reason: body.reason, source: 'admin' },
        services.clock(),
      );
      await audit({
        action: 'suppression.add',
        objectType: 'suppression',
        details: { added, reason: body.reason },
      });
      return { added, already_suppressed: body.addresses.length - added };
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/suppression/import',
      summary: 'Import an existing suppression list (CSV: email[,list]); reports rejected lines by number',
      tag: 'subscriptions',
      role: 'admin',
      body: z.object({ csv: z.string().max(1_900_000) }),
    },
    async ({ scope, body, services, audit }) => {
      const report = await importSuppressionCsv(scope, body.csv, services.clock());
      await audit({
        action: 'suppression.import',
        objectType: 'suppression',
        details: { imported: report.imported, rejected: report.rejected.length },
      });
      return report;
    },
  );

  route(
    app,
    {
      method: 'delete',
      path: '/api/suppression',
      summary: 'Refused: a suppression belongs to the person and only they can lift it (preference center)',
      tag: 'subscriptions',
      role: 'admin',
    },
    async () => {
      throw new AppError(
        'forbidden',
        'a suppression is owned by the person it protects: only they can lift it, after verifying their address in the preference center',
      );
    },
  );

  registerConsentPages(app);
}
