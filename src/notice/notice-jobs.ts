/**
 * Registers the notice on the server's job queue: importing this file (from
 * src/jobs/workers.ts) adds the delivery of notice-change notifications and its sweep.
 */
import { jobStarters } from '../jobs/job-queue.ts';
import { startNoticeDelivery } from './notifications/deliver-notice-notifications.ts';

jobStarters.push(startNoticeDelivery);
