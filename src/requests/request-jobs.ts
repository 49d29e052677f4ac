import { jobStarters } from '../jobs/job-queue.ts';
import { WorkspaceScope } from '../store/workspace-scope.ts';
import { minimiseRequestRecords } from './minimise-request-records.ts';
import { runRequest } from './run-request.ts';
import { sendDueReminders } from './send-reminders.ts';

interface RunJob {
  workspaceId: string;
  requestId: string;
}

/**
 * Durable request work: `dsr-run` runs an approved (or retried) request; `dsr-reminders`
 * tells the privacy team about due dates every 30 minutes and picks up runs a killed
 * worker left `in_progress` or `approved`; `dsr-minimise` removes, once a day, the personal
 * data of closed requests whose records period is over (a missed day runs when the server is
 * back; a failed request makes the job fail, and the retry skips what was done).
 */
jobStarters.push(async (boss, services) => {
  await boss.createQueue('dsr-run', { retryLimit: 3, retryDelay: 30, expireInSeconds: 3600 });
  await boss.work<RunJob>('dsr-run', async (jobs) => {
    for (const job of jobs) {
      await runRequest(
        new WorkspaceScope(services.store.db, job.data.workspaceId),
        services,
        job.data.requestId,
      );
    }
  });
  await boss.createQueue('dsr-reminders');
  await boss.schedule('dsr-reminders', '*/30 * * * *');
  await boss.work('dsr-reminders', async () => {
    const now = services.clock();
    const workspaces = await services.store.db.selectFrom('workspaces').select('id').execute();
    for (const ws of workspaces) {
      const scope = new WorkspaceScope(services.store.db, ws.id);
      await sendDueReminders(scope, services, now);
      // Runs whose worker died (or whose job was lost) are started again; the journal makes it safe.
      const stale = await scope
        .selectFrom('dsr_requests')
        .select('id')
        .where('state', 'in', ['approved', 'in_progress'])
        .where('updated_at', '<', new Date(now.getTime() - 3_600_000))
        .execute();
      for (const r of stale) await boss.send('dsr-run', { workspaceId: ws.id, requestId: r.id });
    }
  });
  await boss.createQueue('dsr-minimise', { retryLimit: 3, retryDelay: 300, expireInSeconds: 6 * 3600 });
  await boss.schedule('dsr-minimise', '40 3 * * *', undefined, { tz: 'UTC', missed: 'once' });
  await boss.work('dsr-minimise', async () => {
    const workspaces = await services.store.db.selectFrom('workspaces').select('id').execute();
    let failed = 0;
    for (const ws of workspaces) {
      const scope = new WorkspaceScope(services.store.db, ws.id);
      failed += (await minimiseRequestRecords(scope, { now: services.clock() })).failed;
    }
    if (failed) throw new Error(`${failed} request records could not be minimised; the retry resumes`);
  });
});
