import { openStore, type Store } from '../store/open-store.ts';
import { createPostgresDatabase, postgresUnavailable } from './databases.ts';

/** A store backend a test can run against: embedded PGlite always, PostgreSQL when reachable. */
export interface StoreBackend {
  name: 'pglite' | 'postgres';
  /** Why this backend is skipped here, if it is. */
  skip: string | undefined;
  open(): Promise<Store>;
}

/**
 * Both store backends. Tests of the store and its isolation run on each, so the embedded
 * default and the PostgreSQL server are proven to behave the same.
 */
export async function storeBackends(): Promise<StoreBackend[]> {
  const pgSkip = await postgresUnavailable();
  return [
    { name: 'pglite', skip: undefined, open: () => openStore({ memory: true }) },
    {
      name: 'postgres',
      skip: pgSkip,
      async open() {
        const database = await createPostgresDatabase('custodian_store');
        const store = await openStore({ databaseUrl: database.url });
        return {
          ...store,
          close: async () => {
            await store.close();
            await database.drop();
          },
        };
      },
    },
  ];
}

/** An in-memory PGlite store with every migration applied. */
export function memoryStore(): Promise<Store> {
  return openStore({ memory: true });
}
