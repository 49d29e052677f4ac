import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { sql } from 'kysely';
import { AppError } from '../errors.ts';
import { openApiDocument } from './openapi.ts';
import { renderError } from './render-error.ts';
import type { AppEnv } from './route.ts';
import { registerConsentRoutes } from './routes/consent.ts';
import { registerConsentStatsRoutes } from './routes/consent-stats.ts';
import { registerConsoleRoutes } from './routes/console.ts';
import { registerGovernanceRoutes } from './routes/governance.ts';
import { registerKeyRoutes } from './routes/keys.ts';
import { registerNoticeRoutes } from './routes/notice.ts';
import { registerOpenDsrRoutes } from './routes/opendsr.ts';
import { registerPrivacyCenterRoutes } from './routes/privacy-center.ts';
import { registerProgramRoutes } from './routes/programs.ts';
import { registerRequestRoutes } from './routes/requests.ts';
import { registerRetentionRoutes } from './routes/retention.ts';
import { securityHeaders } from './security-headers.ts';
import type { Services } from './services.ts';

/**
 * Each domain adds its routes through one register function, listed here in one place.
 * Route files live in src/http/routes/<domain>.ts.
 */
const registrations: ((app: Hono<AppEnv>) => void)[] = [
  registerProgramRoutes,
  registerKeyRoutes,
  registerGovernanceRoutes,
  registerConsoleRoutes,
  registerConsentRoutes,
  registerConsentStatsRoutes,
  registerRequestRoutes,
  registerPrivacyCenterRoutes,
  registerNoticeRoutes,
  registerOpenDsrRoutes,
  registerRetentionRoutes,
];

/** The whole HTTP surface, without a listening socket (tests call `app.request`). */
export function createApp(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', securityHeaders());
  app.use('*', async function provideServices(c, next) {
    c.set('services', services);
    await next();
  });
  const limitBody = bodyLimit({
    maxSize: 2 * 1024 * 1024,
    onError: () => {
      throw new AppError('payload_too_large', 'the request body is larger than 2 MB');
    },
  });
  // GET and HEAD carry no body; skipping them spares building a full Request object per
  // call (a tenth of a decision's CPU time on the hot path).
  app.use('/api/*', (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next),
  );
  app.onError(renderError);
  app.notFound((c) =>
    c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404),
  );

  app.get('/health', async (c) => {
    await sql`SELECT 1`.execute(services.store.db);
    return c.json({ status: 'ok', store: services.store.kind });
  });
  app.get('/openapi.json', (c) => c.json(openApiDocument(services.publicUrl)));

  for (const register of registrations) register(app);

  return app;
}
