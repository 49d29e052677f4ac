import type { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { createApiKey, listApiKeys, revokeApiKey, roles } from '../../governance/api-keys.ts';
import { type AppEnv, route } from '../route.ts';

/** API keys and the workspace: keys are shown once on creation and stored hashed. */
export function registerKeyRoutes(app: Hono<AppEnv>): void {
  route(
    app,
    {
      method: 'get',
      path: '/api/workspace',
      summary: 'The caller’s workspace',
      tag: 'workspace',
      role: 'auditor',
    },
    async ({ services, auth }) => {
      const ws = await services.store.db
        .selectFrom('workspaces')
        .select(['id', 'name', 'created_at'])
        .where('id', '=', auth.workspaceId)
        .executeTakeFirstOrThrow();
      return { workspace: ws, role: auth.role, actor: auth.name };
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/keys',
      summary: 'List API keys (never their secrets)',
      tag: 'workspace',
      role: 'admin',
    },
    async ({ scope }) => ({
      keys: await listApiKeys(scope),
    }),
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/keys',
      summary: 'Create an API key; the secret is in this response only',
      tag: 'workspace',
      role: 'owner',
      body: z.object({ name: z.string().min(1).max(100), role: z.enum(roles as [string, ...string[]]) }),
    },
    async ({ scope, body, audit }) => {
      const key = await createApiKey(scope, { name: body.name, role: body.role as (typeof roles)[number] });
      await audit({
        action: 'api_key.create',
        objectType: 'api_key',
        objectId: key.id,
        details: { role: key.role, name: key.name },
      });
      return key;
    },
  );

  route(
    app,
    {
      method: 'delete',
      path: '/api/keys/:id',
      summary: 'Revoke an API key',
      tag: 'workspace',
      role: 'owner',
      params: z.object({ id: z.uuid() }),
    },
    async ({ scope, params, audit }) => {
      if (!(await revokeApiKey(scope, params.id)))
        throw new AppError('not_found', `no active API key ${params.id}`);
      await audit({ action: 'api_key.revoke', objectType: 'api_key', objectId: params.id });
      return { revoked: params.id };
    },
  );
}
