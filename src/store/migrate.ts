import { readdir, readFile } from 'node:fs/promises';

const migrationsDir = new URL('./migrations/', import.meta.url);

// An arbitrary constant: all Custodian processes agree on it, nothing else uses it.
const MIGRATION_LOCK = 7_070_001;

/** One database session that can run multi-statement scripts (pg simple protocol, PGlite exec). */
export interface ScriptSession {
  exec(script: string): Promise<unknown>;
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * Applies the numbered SQL files in `migrations/` that have not run yet, each in its own
 * transaction, under an advisory lock so two processes starting at once do not race.
 * A file is applied once, by name; editing an applied file has no effect.
 */
export async function migrate(session: ScriptSession): Promise<{ applied: string[] }> {
  const files = (await readdir(migrationsDir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await session.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = await session.query<{ name: string }>('SELECT name FROM schema_migrations');
    const applied = new Set(done.rows.map((r) => r.name));
    const newlyApplied: string[] = [];
    for (const file of files) {
      if (applied.has(file)) continue;
      const text = await readFile(new URL(file, migrationsDir), 'utf8');
      const name = file.replace(/'/g, "''");
      try {
        await session.exec(
          `BEGIN;\n${text}\n;INSERT INTO schema_migrations (name) VALUES ('${name}');\nCOMMIT;`,
        );
      } catch (err) {
        await session.exec('ROLLBACK').catch(() => undefined);
        throw new Error(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      newlyApplied.push(file);
    }
    return { applied: newlyApplied };
  } finally {
    await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
