import { PgBoss } from 'pg-boss';
import { fromPglite } from 'pg-boss/dist/adapters/pglite.js';
import type { Services } from '../http/services.ts';

/**
 * Durable jobs in the same database as everything else (pg-boss, on PostgreSQL or PGlite).
 * Domains register their workers and schedules through `jobStarters`; the server starts
 * them once the queue is up. More server processes against one PostgreSQL add workers.
 */
export type JobStarter = (boss: PgBoss, services: Services) => Promise<void>;

export const jobStarters: JobStarter[] = [];

export async function startJobQueue(services: Services): Promise<PgBoss> {
  const { store } = services;
  const boss = store.pglite
    ? new PgBoss({ db: fromPglite(store.pglite), backend: 'pglite' } as ConstructorParameters<
        typeof PgBoss
      >[0])
    : new PgBoss({ connectionString: store.url!, max: 4 });
  boss.on('error', (err: Error) => console.error('[custodian] job queue error:', err.message));
  await boss.start();
  // Imported here, not at the top: the domains' job files import jobStarters from this module.
  await import('./workers.ts');
  for (const start of jobStarters) await start(boss, services);
  return boss;
}
