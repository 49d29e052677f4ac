import { setTimeout as sleep } from 'node:timers/promises';
import { openStore, type Store } from '../store/open-store.ts';
import { createPostgresDatabase, postgresUnavailable } from '../testing/databases.ts';

/**
 * PGlite and PostgreSQL stores for consent tests. The PostgreSQL one waits for the pool's
 * sockets to close before dropping the database: a forced drop would otherwise kill
 * connections still closing and surface as an uncaught error.
 */
export async function consentTestBackends(): Promise<
  { name: string; skip?: string; open(): Promise<Store> }[]
> {
  const pgSkip = await postgresUnavailable();
  return [
    { name: 'pglite', open: () => openStore({ memory: true }) },
    {
      name: 'postgres',
      ...(pgSkip ? { skip: pgSkip } : {}),
      async open() {
        const database = await createPostgresDatabase('custodian_consent');
        const store = await openStore({ databaseUrl: database.url });
        return {
          ...store,
          async close() {
            await store.close();
            await sleep(250);
            await database.drop();
          },
        };
      },
    },
  ];
}
