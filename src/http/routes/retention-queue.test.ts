import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PgBoss } from 'pg-boss';
import { fromPglite } from 'pg-boss/dist/adapters/pglite.js';
import { createApiKey } from '../../governance/api-keys.ts';
import { createWorkspace } from '../../governance/workspaces.ts';
import { toBundle } from '../../program/load-program.ts';
import { pushProgram } from '../../program/push-program.ts';
import { listRetentionRuns } from '../../retention/list-retention-runs.ts';
import { scheduleRetention } from '../../retention/schedule-retention.ts';
import { ddl, seedRules, worldClient, worldProgram } from '../../retention/testing/seed-world.ts';
import { createPostgresDatabase, postgresUnavailable } from '../../testing/databases.ts';
import { memoryStore } from '../../testing/store.ts';
import { createApp } from '../app.ts';
import { createServices } from '../services.ts';

const skip = await postgresUnavailable();

test('with a job queue, a sweep started from the API is queued and runs; the schedule shows the next run', {
  skip,
}, async (t) => {
  const target = await createPostgresDatabase('retention_queue_api');
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
  process.env.RETENTION_QUEUE_API_DB_URL = target.url;
  const scope = await createWorkspace(store.db, 'queue');
  const admin = (await createApiKey(scope, { name: 'admin', role: 'admin' })).secret;
  const rules = seedRules.map((r) => (r.key === 'iris-recordings' ? { ...r, schedule: '15 2 * * *' } : r));
  await pushProgram(scope, toBundle(worldProgram('postgres', rules, 'RETENTION_QUEUE_API_DB_URL')), 'test');
  const services = createServices(store);
  await boss.start();
  await scheduleRetention(boss, services);
  services.extras.set('jobs', boss);
  const app = createApp(services);
  const call = (method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  const res = await call('POST', '/api/retention/runs', { rule: 'iris-recordings' });
  assert.equal(res.status, 202);
  const queued = (await res.json()) as { mode: string; runs: { rule: string; jobId: string | null }[] };
  assert.equal(queued.mode, 'queued');
  assert.equal(queued.runs[0]?.rule, 'iris-recordings');
  assert.ok(queued.runs[0]?.jobId, 'the job id is returned');
  for (let i = 0; i < 200 && (await db.ids('recordings')).length > 1; i++) await sleep(100);
  assert.deepEqual(await db.ids('recordings'), [2]);
  for (let i = 0; i < 50 && !(await listRetentionRuns(scope)).some((r) => r.status !== 'running'); i++)
    await sleep(100);
  const [run] = await listRetentionRuns(scope);
  assert.equal(run?.trigger, 'api', 'the run records who started it');
  assert.equal(run?.status, 'succeeded');

  const schedule = (await (await call('GET', '/api/retention/schedule')).json()) as {
    queue: string;
    schedule: { rule: string; cron: string; next: string; scheduled: boolean }[];
  };
  assert.equal(schedule.queue, 'running');
  const iris = schedule.schedule.find((s) => s.rule === 'iris-recordings');
  assert.equal(iris?.cron, '15 2 * * *');
  assert.equal(iris?.scheduled, true);
  assert.match(iris?.next ?? '', /T02:15:00\.000Z$/);
});
