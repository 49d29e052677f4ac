import { jobStarters } from '../jobs/job-queue.ts';
import { WorkspaceScope } from '../store/workspace-scope.ts';
import { anchorAuditLog } from './anchor-audit.ts';
import { sendBreachReminders } from './breaches/send-breach-reminders.ts';

const BREACH_REMINDERS = 'governance.breach-reminders';
const AUDIT_ANCHOR = 'governance.audit-anchor';

/** Breach deadline reminders every 15 minutes; an audit anchor per workspace every hour. */
jobStarters.push(async (boss, services) => {
  await boss.createQueue(BREACH_REMINDERS);
  await boss.createQueue(AUDIT_ANCHOR);
  await boss.work(BREACH_REMINDERS, async () => {
    await sendBreachReminders(services, services.clock());
  });
  await boss.work(AUDIT_ANCHOR, async () => {
    const workspaces = await services.store.db.selectFrom('workspaces').select('id').execute();
    for (const ws of workspaces)
      await anchorAuditLog(new WorkspaceScope(services.store.db, ws.id), services.clock());
  });
  await boss.schedule(BREACH_REMINDERS, '*/15 * * * *');
  await boss.schedule(AUDIT_ANCHOR, '7 * * * *');
});
