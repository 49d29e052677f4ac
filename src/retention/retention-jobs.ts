/**
 * Registers retention on the server's job queue: importing this file (from
 * src/jobs/workers.ts) adds the schedules, the sweep worker and the sync pass.
 */
import { jobStarters } from '../jobs/job-queue.ts';
import { scheduleRetention } from './schedule-retention.ts';

jobStarters.push(scheduleRetention);
