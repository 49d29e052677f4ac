import type { PgBoss } from 'pg-boss';
import type { Services } from '../http/services.ts';
import { findCurrentProgram } from '../program/current-program.ts';
import { WorkspaceScope } from '../store/workspace-scope.ts';
import { runRetention } from './run-retention.ts';

/** Queue of scheduled sweeps: one job runs one rule of one workspace. */
export const RETENTION_QUEUE = 'retention-sweep';
/** Queue of the periodic pass that keeps schedules in step with pushed programs. */
export const RETENTION_SYNC_QUEUE = 'retention-sync';

export interface RetentionJob {
  workspaceId: string;
  rule: string;
  /** 'api' when someone started the sweep from the console or the API; scheduled otherwise. */
  trigger?: 'api' | undefined;
}

/**
 * Starts retention on the durable queue (pg-boss on PGlite or PostgreSQL): a cron schedule
 * per rule (`rule.schedule`, UTC) whose missed occurrences run once when the server is back,
 * a worker that sweeps (failures are retried and resume where they stopped), and a sync pass
 * every 15 minutes that adds, changes and removes schedules as programs are pushed.
 * Has the `JobStarter` signature: `jobStarters.push(scheduleRetention)`.
 */
export async function scheduleRetention(boss: PgBoss, services: Services): Promise<void> {
  await boss.createQueue(RETENTION_QUEUE, { retryLimit: 3, retryDelay: 60, expireInSeconds: 6 * 3600 });
  await boss.work<RetentionJob>(RETENTION_QUEUE, async (jobs) => {
    for (const job of jobs) await sweepOne(services, job.data);
  });
  await boss.createQueue(RETENTION_SYNC_QUEUE);
  await boss.schedule(RETENTION_SYNC_QUEUE, '*/15 * * * *');
  await boss.work(RETENTION_SYNC_QUEUE, async () => {
    await syncAllWorkspaces(boss, services);
  });
  await syncAllWorkspaces(boss, services);
}

async function syncAllWorkspaces(boss: PgBoss, services: Services): Promise<void> {
  const workspaces = await services.store.db.selectFrom('workspaces').select('id').execute();
  for (const ws of workspaces)
    await syncRetentionSchedules(boss, new WorkspaceScope(services.store.db, ws.id));
}

/** Makes the workspace's schedules match its current program's rules; returns the keys scheduled. */
export async function syncRetentionSchedules(boss: PgBoss, scope: WorkspaceScope): Promise<string[]> {
  const current = await findCurrentProgram(scope);
  const rules = current?.program.doc.retention_rules ?? [];
  const prefix = `${scope.workspaceId}/`;
  // pg-boss schedule keys allow letters, digits, _ - . / only.
  const wanted = new Map(rules.map((r) => [`${prefix}${r.key.replace(/[^\w./-]/g, '_')}`, r]));
  for (const schedule of await boss.getSchedules(RETENTION_QUEUE)) {
    const rule = wanted.get(schedule.key);
    if (schedule.key.startsWith(prefix) && (!rule || rule.schedule !== schedule.cron)) {
      await boss.unschedule(RETENTION_QUEUE, schedule.key);
    }
  }
  for (const [key, rule] of wanted) {
    const data: RetentionJob = { workspaceId: scope.workspaceId, rule: rule.key };
    await boss.schedule(RETENTION_QUEUE, rule.schedule, data, { key, tz: 'UTC', missed: 'once' });
  }
  return [...wanted.keys()];
}

/** Runs one rule with the current program; a failed sweep throws so the queue retries (and resumes) it. */
export async function sweepOne(services: Services, job: RetentionJob): Promise<void> {
  const scope = new WorkspaceScope(services.store.db, job.workspaceId);
  const current = await findCurrentProgram(scope);
  if (!current?.program.doc.retention_rules.some((r) => r.key === job.rule)) return;
  const [result] = await runRetention({
    program: current.program,
    scope,
    rules: [job.rule],
    clock: services.clock,
    trigger: job.trigger ?? 'schedule',
  });
  if (result?.status === 'failed') throw new Error(`retention rule ${job.rule} failed: ${result.reason}`);
}
