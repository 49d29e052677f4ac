import type { PgBoss } from 'pg-boss';
import type { Services } from '../../http/services.ts';
import { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type NotificationResult, owedBy, sendNoticeNotifications } from './send-notice-notifications.ts';

/** Queue of notice-change deliveries: one job sends what one workspace still owes. */
export const NOTICE_DELIVERY_QUEUE = 'notice-delivery';
/** Queue of the periodic pass that picks up deliveries nobody queued (a crash right after publish). */
export const NOTICE_DELIVERY_SWEEP = 'notice-delivery-sweep';

export interface NoticeDeliveryJob {
  workspaceId: string;
  /** The version just published; absent for a sweep of everything still owed. */
  version?: number | undefined;
}

export type NoticeDelivery =
  | { delivery: 'queued'; notifications: [] }
  | { delivery: 'sent'; notifications: NotificationResult[] };

/**
 * Delivers the notifications a publish queued: as a durable job when the server runs the job
 * queue (retried until delivered; a crash after publish loses nothing, since the rows are
 * committed with the version), or right away when it does not (tests, a server started
 * without jobs), one result per person.
 */
export async function deliverNoticeNotifications(
  scope: WorkspaceScope,
  services: Services,
  version: number,
): Promise<NoticeDelivery> {
  const boss = services.extras.get('jobs') as
    | { send(name: string, data: object): Promise<unknown> }
    | undefined;
  if (boss) {
    const job: NoticeDeliveryJob = { workspaceId: scope.workspaceId, version };
    await boss.send(NOTICE_DELIVERY_QUEUE, job);
    return { delivery: 'queued', notifications: [] };
  }
  const notifications = await sendNoticeNotifications(scope, {
    mailer: services.mailer,
    publicUrl: services.publicUrl,
    now: services.clock(),
    version,
    sender: 'automatic',
  });
  return { delivery: 'sent', notifications };
}

/**
 * One delivery job: sends what is owed (never what the log says was sent) and throws when a
 * send failed, so the queue retries it later; the retry sends only the failures.
 */
export async function runNoticeDeliveryJob(
  services: Services,
  job: NoticeDeliveryJob,
): Promise<NotificationResult[]> {
  const scope = new WorkspaceScope(services.store.db, job.workspaceId);
  const results = await sendNoticeNotifications(scope, {
    mailer: services.mailer,
    publicUrl: services.publicUrl,
    now: services.clock(),
    ...(job.version !== undefined ? { version: job.version } : {}),
    sender: 'automatic',
  });
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length) {
    // Counts only: the job's record is no place for addresses; the notification log has them.
    throw new Error(
      `${failed.length} of ${results.length} notice notifications not delivered; the queue tries them again`,
    );
  }
  return results;
}

/**
 * Notice-change notifications on the durable queue: a job per publish, retried with backoff
 * while sends fail (each retry sends only the failures), and a sweep at start and every ten
 * minutes that queues a job for any workspace still owing notifications.
 * Has the `JobStarter` signature: `jobStarters.push(startNoticeDelivery)`.
 */
export async function startNoticeDelivery(boss: PgBoss, services: Services): Promise<void> {
  await boss.createQueue(NOTICE_DELIVERY_QUEUE, {
    retryLimit: 4,
    retryDelay: 60,
    retryBackoff: true,
    expireInSeconds: 1800,
  });
  await boss.work<NoticeDeliveryJob>(NOTICE_DELIVERY_QUEUE, async (jobs) => {
    for (const job of jobs) await runNoticeDeliveryJob(services, job.data);
  });
  await boss.createQueue(NOTICE_DELIVERY_SWEEP);
  await boss.schedule(NOTICE_DELIVERY_SWEEP, '*/10 * * * *');
  await boss.work(NOTICE_DELIVERY_SWEEP, async () => {
    await queueOwedDeliveries(boss, services);
  });
  await queueOwedDeliveries(boss, services);
}

/** Queues a delivery job for each workspace whose notification log still owes a send. */
export async function queueOwedDeliveries(boss: PgBoss, services: Services): Promise<number> {
  const workspaces = await services.store.db.selectFrom('workspaces').select('id').execute();
  let queued = 0;
  for (const ws of workspaces) {
    const owed = await new WorkspaceScope(services.store.db, ws.id)
      .selectFrom('notice_notifications')
      .select('id')
      .where(owedBy('automatic', services.clock()))
      .limit(1)
      .executeTakeFirst();
    if (!owed) continue;
    const job: NoticeDeliveryJob = { workspaceId: ws.id };
    await boss.send(NOTICE_DELIVERY_QUEUE, job);
    queued++;
  }
  return queued;
}
