import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { createPostgresDatabase, postgresUnavailable } from '../testing/databases.ts';
import { storeBackends } from '../testing/store.ts';
import { openStore } from './open-store.ts';

const migrationFiles = (await readdir(new URL('./migrations/', import.meta.url))).filter((f) =>
  f.endsWith('.sql'),
);

for (const backend of await storeBackends()) {
  describe(`migrations on ${backend.name}`, { skip: backend.skip }, () => {
    test('every migration is applied once and recorded', async () => {
      const store = await backend.open();
      try {
        const rows = await sql<{ name: string }>`SELECT name FROM schema_migrations ORDER BY name`.execute(
          store.db,
        );
        assert.deepEqual(
          rows.rows.map((r) => r.name),
          [...migrationFiles].sort(),
        );
        const tables = await sql<{ table_name: string }>`
          SELECT table_name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_name IN ('workspaces', 'api_keys', 'program_versions', 'audit_log')`.execute(
          store.db,
        );
        assert.equal(tables.rows.length, 4);
      } finally {
        await store.close();
      }
    });
  });
}

describe('migrations on a PostgreSQL server', { skip: await postgresUnavailable() }, () => {
  test('two processes starting at once apply each migration exactly once', async () => {
    const database = await createPostgresDatabase('custodian_migrate');
    try {
      const [a, b] = await Promise.all([
        openStore({ databaseUrl: database.url }),
        openStore({ databaseUrl: database.url }),
      ]);
      const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM schema_migrations`.execute(a.db);
      assert.equal(rows.rows[0]?.n, migrationFiles.length);
      await Promise.all([a.close(), b.close()]);
      // A third start finds nothing to do and does not fail on existing tables.
      const c = await openStore({ databaseUrl: database.url });
      await c.close();
    } finally {
      await database.drop();
    }
  });
});
