import type { Hono } from 'hono';
import { z } from 'zod';
import { getCurrentProgram, getProgramVersion } from '../../program/current-program.ts';
import { pushProgram } from '../../program/push-program.ts';
import { type AppEnv, route } from '../route.ts';

const bundleBody = z.object({
  program: z.record(z.string(), z.unknown()),
  datasets: z.array(z.unknown()).default([]),
});

/** Program versions: push a validated program, list versions, read any version. */
export function registerProgramRoutes(app: Hono<AppEnv>): void {
  route(
    app,
    {
      method: 'post',
      path: '/api/programs',
      summary: 'Push a program (creates a new version)',
      tag: 'program',
      role: 'admin',
      body: bundleBody,
    },
    async ({ scope, body, auth, audit }) => {
      const result = await pushProgram(scope, body, auth.actorId);
      if (!result.unchanged) {
        await audit({
          action: 'program.push',
          objectType: 'program_version',
          objectId: String(result.version),
          details: { hash: result.hash },
        });
      }
      return result;
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/programs',
      summary: 'List program versions',
      tag: 'program',
      role: 'auditor',
    },
    async ({ scope }) => {
      const rows = await scope
        .selectFrom('program_versions')
        .select(['version', 'hash', 'created_at', 'created_by'])
        .orderBy('version', 'desc')
        .execute();
      return { versions: rows };
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/programs/current',
      summary: 'The current program',
      tag: 'program',
      role: 'auditor',
    },
    async ({ scope }) => {
      const { version, program } = await getCurrentProgram(scope);
      return { version, hash: program.hash, program: program.doc, datasets: program.datasets };
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/programs/:version',
      summary: 'One program version',
      tag: 'program',
      role: 'auditor',
      params: z.object({ version: z.coerce.number().int().positive() }),
    },
    async ({ scope, params }) => {
      const { version, program } = await getProgramVersion(scope, params.version);
      return { version, hash: program.hash, program: program.doc, datasets: program.datasets };
    },
  );
}
