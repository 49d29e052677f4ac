import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { AppError } from '../errors.ts';
import { type Role, roleAtLeast } from '../governance/api-keys.ts';
import { type Actor, type AuditEntry, appendAudit } from '../governance/append-audit.ts';
import { WorkspaceScope } from '../store/workspace-scope.ts';
import { type Auth, authenticate } from './auth.ts';
import type { Services } from './services.ts';

export type AppEnv = { Variables: { services: Services } };

/** One documented API operation: its input schemas are both the validation and the OpenAPI text. */
export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Hono path, e.g. `/api/programs/:version`. */
  path: string;
  summary: string;
  tag: string;
  /** Least role needed; `public` needs no credentials. */
  role: Role | 'public';
  body?: B;
  query?: Q;
  params?: P;
  /** Response description for the OpenAPI document. */
  response?: z.ZodType;
}

export interface HandlerInput<B, Q, P> {
  c: Context<AppEnv>;
  services: Services;
  body: B;
  query: Q;
  params: P;
  /** Set on authenticated routes. */
  auth: Auth;
  /** The caller's workspace; every read and write goes through it. */
  scope: WorkspaceScope;
  /** Appends to the audit log as the caller. */
  audit(entry: Omit<AuditEntry, 'actor'>): Promise<void>;
}

interface Registered {
  spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>;
}

const registry: Registered[] = [];

/** Routes registered so far, for the OpenAPI document. */
export function registeredRoutes(): readonly Registered[] {
  return registry;
}

function issuesOf(error: z.ZodError, where: string) {
  return error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
}

/**
 * Adds a route to the app: authenticates, checks the role, validates params, query and
 * body with zod (422 with field paths on failure), and renders the handler's value as JSON.
 */
export function route<
  B extends z.ZodType = z.ZodUnknown,
  Q extends z.ZodType = z.ZodUnknown,
  P extends z.ZodType = z.ZodUnknown,
>(
  app: Hono<AppEnv>,
  spec: RouteSpec<B, Q, P>,
  handler: (input: HandlerInput<z.infer<B>, z.infer<Q>, z.infer<P>>) => Promise<unknown>,
): void {
  if (!registry.some((r) => r.spec.method === spec.method && r.spec.path === spec.path)) {
    registry.push({ spec: spec as unknown as RouteSpec<z.ZodType, z.ZodType, z.ZodType> });
  }
  app.on(spec.method.toUpperCase(), spec.path, async (c) => {
    const services = c.get('services');
    let auth: Auth | undefined;
    if (spec.role !== 'public') {
      auth = await authenticate(c, services);
      if (!auth)
        throw new AppError(
          'unauthorized',
          'missing or invalid credentials: send Authorization: Bearer <API key>',
        );
      if (!roleAtLeast(auth.role, spec.role)) {
        throw new AppError('forbidden', `this action needs the ${spec.role} role; your key has ${auth.role}`);
      }
    }
    const params = parse(spec.params, c.req.param(), 'params');
    const query = parse(spec.query, c.req.queries() ? flattenQuery(c.req.queries()) : {}, 'query');
    let body: unknown;
    if (spec.body) {
      let raw: unknown;
      try {
        raw = await c.req.json();
      } catch {
        throw new AppError('bad_request', 'the request body is not valid JSON');
      }
      body = parse(spec.body, raw, 'body');
    }
    const scope = new WorkspaceScope(
      services.store.db,
      auth?.workspaceId ?? '00000000-0000-0000-0000-000000000000',
    );
    const actor: Actor = { id: auth?.actorId ?? 'anonymous', role: auth?.role ?? null };
    const result = await handler({
      c,
      services,
      body: body as z.infer<B>,
      query: query as z.infer<Q>,
      params: params as z.infer<P>,
      auth: auth as Auth,
      scope,
      audit: (entry) => appendAudit(scope, { ...entry, actor }, services.clock()),
    });
    if (result instanceof Response) return result;
    return c.json(result as object, spec.method === 'post' ? 201 : 200);
  });
}

function parse(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = issuesOf(result.error, where);
    throw new AppError(
      'validation_failed',
      `invalid ${where}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      {
        details,
      },
    );
  }
  return result.data;
}

function flattenQuery(queries: Record<string, string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(queries)) out[k] = v.length === 1 ? v[0]! : v;
  return out;
}
