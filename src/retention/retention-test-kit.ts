/** Shared set-up for the retention engine tests: a real database per test, a store, a clock. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, type TestContext } from 'node:test';
import { createWorkspace } from '../governance/workspaces.ts';
import type { Program } from '../program/load-program.ts';
import type { RetentionRule } from '../program/retention-rule.ts';
import type { Store } from '../store/open-store.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import {
  createMariaDatabase,
  createPostgresDatabase,
  mariadbUnavailable,
  postgresUnavailable,
} from '../testing/databases.ts';
import { memoryStore } from '../testing/store.ts';
import { fixedClock } from './period.ts';
import { planRetention } from './plan-retention.ts';
import { runRetention } from './run-retention.ts';
import { ddl, type Engine, type WorldClient, worldClient, worldProgram } from './testing/seed-world.ts';

export const engines: { engine: Engine; skip: string | undefined }[] = [
  { engine: 'postgres', skip: await postgresUnavailable() },
  { engine: 'mysql', skip: await mariadbUnavailable() },
  { engine: 'sqlite', skip: undefined },
];

// One store per test file (a workspace per test keeps them apart): opening PGlite is the slow part.
let shared: Promise<Store> | undefined;
after(async () => (await shared)?.close());
function sharedStore(): Promise<Store> {
  shared ??= memoryStore();
  return shared;
}

export interface World {
  engine: Engine;
  url: string;
  db: WorldClient;
  store: Store;
  scope: WorkspaceScope;
  /** The world's program with these rules and other top-level keys (`erasure_policy`, …). */
  program(rules?: RetentionRule[], extra?: Record<string, unknown>, dataset?: unknown): Program;
  env: NodeJS.ProcessEnv;
  sweep(now: string, rules?: string[], program?: Program): ReturnType<typeof runRetention>;
  plan(now: string, rules?: string[], program?: Program): ReturnType<typeof planRetention>;
}

/** A fresh database with the seed tables and an in-memory store, torn down after the test. */
export async function openWorld(t: TestContext, engine: Engine): Promise<World> {
  const database =
    engine === 'postgres'
      ? await createPostgresDatabase('retention')
      : engine === 'mysql'
        ? await createMariaDatabase('retention')
        : await sqliteFile();
  const db = await worldClient(engine, database.url);
  for (const statement of ddl(engine)) await db.exec(statement);
  const store = await sharedStore();
  const scope = await createWorkspace(store.db, 'retention test');
  const env = { APP_DB_URL: database.url };
  // SQLite is named by its file in the program; the others by the env var holding the URL.
  const where = engine === 'sqlite' ? database.url : 'APP_DB_URL';
  const defaultProgram = worldProgram(engine, undefined, where);
  t.after(async () => {
    await db.close();
    await database.drop();
  });
  return {
    engine,
    url: database.url,
    db,
    store,
    scope,
    env,
    program: (rules, extra, dataset) => worldProgram(engine, rules, where, extra, dataset),
    sweep: (now, rules, program = defaultProgram) =>
      runRetention({ program, scope, rules, clock: fixedClock(now), env }),
    plan: async (now, rules, program = defaultProgram) =>
      planRetention({
        program,
        rules,
        now: new Date(now),
        env,
        holds: await (await import('./list-legal-holds.ts')).listLegalHolds(scope),
      }),
  };
}

/** A fresh SQLite file in a temporary folder (its `url` is the file's path). */
async function sqliteFile() {
  const dir = await mkdtemp(path.join(tmpdir(), 'custodian-retention-'));
  return { url: path.join(dir, 'app.db'), drop: () => rm(dir, { recursive: true, force: true }) };
}
