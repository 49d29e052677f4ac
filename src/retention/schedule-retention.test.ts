import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PgBoss } from 'pg-boss';
import { fromPglite } from 'pg-boss/dist/adapters/pglite.js';
import { createWorkspace } from '../governance/workspaces.ts';
import { createServices } from '../http/services.ts';
import { toBundle } from '../program/load-program.ts';
import { pushProgram } from '../program/push-program.ts';
import { createPostgresDatabase, postgresUnavailable } from '../testing/databases.ts';
import { memoryStore } from '../testing/store.ts';
import { listRetentionRuns } from './list-retention-runs.ts';
import { RETENTION_QUEUE, scheduleRetention } from './schedule-retention.ts';
import { ddl, seedRules, worldClient, worldProgram } from './testing/seed-world.ts';

const skip = await postgresUnavailable();

test('rules get a durable cron schedule each; a queued sweep runs on the pushed program', {
  skip,
}, async (t) => {
  const target = await createPostgresDatabase('retention_jobs');
  const db = await worldClient('postgres', target.url);
  const store = await memoryStore();
  const boss = new PgBoss({ db: fromPglite(store.pglite!), backend: 'pglite' } as ConstructorParameters<
    typeof PgBoss
  >[0]);
  t.after(async () => {
    await boss.stop({ graceful: false }).catch(() => undefined);
    await store.close();
    await db.close();
    await target.drop();
  });
  for (const s of ddl('postgres')) await db.exec(s);
  await db.insert('recordings', [
    { id: 1, created_at: new Date('2020-01-01Z'), duration_s: 1 },
    { id: 2, created_at: new Date(), duration_s: 1 },
  ]);
  process.env.RETENTION_JOBS_DB_URL = target.url;
  const scope = await createWorkspace(store.db, 'jobs');
  const rules = seedRules.map((r) => (r.key === 'iris-recordings' ? { ...r, schedule: '15 2 * * *' } : r));
  await pushProgram(scope, toBundle(worldProgram('postgres', rules, 'RETENTION_JOBS_DB_URL')), 'test');

  await boss.start();
  await scheduleRetention(boss, createServices(store));
  const schedules = await boss.getSchedules(RETENTION_QUEUE);
  assert.equal(schedules.length, seedRules.length);
  const iris = schedules.find((s) => s.key === `${scope.workspaceId}/iris-recordings`);
  assert.equal(iris?.cron, '15 2 * * *');
  assert.equal(iris?.options?.missed, 'once', 'a missed nightly run catches up once');

  await boss.send(RETENTION_QUEUE, { workspaceId: scope.workspaceId, rule: 'iris-recordings' });
  for (let i = 0; i < 200 && (await db.ids('recordings')).length > 1; i++) await sleep(100);
  assert.deepEqual(await db.ids('recordings'), [2]);
  for (let i = 0; i < 50 && !(await listRetentionRuns(scope)).some((r) => r.status !== 'running'); i++)
    await sleep(100);
  const [run] = await listRetentionRuns(scope);
  assert.equal(run?.trigger, 'schedule');
  assert.equal(run?.status, 'succeeded');
  assert.equal(run?.affected, 1);
});
