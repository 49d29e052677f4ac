import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.ts';
import type { Program } from '../program/load-program.ts';
import type { Connection } from '../program/schema.ts';
import type { Connector, QueryObserver } from './connector.ts';
import { httpConnector } from './http-connector.ts';
import { type ManualResult, manualConnector } from './manual-connector.ts';
import { mysqlConnector } from './mysql-connector.ts';
import { postgresConnector } from './postgres-connector.ts';
import { sqliteConnector } from './sqlite-connector.ts';

export interface OpenConnectorsOptions {
  /** Where secrets are looked up by the names the program gives (`url_env`, `secret_env`). */
  env?: Record<string, string | undefined>;
  /** Relative SQLite paths are resolved from here (the program's folder). */
  baseDir?: string;
  /** Connectors to use instead of the program's, keyed by dataset fides_key. */
  overrides?: Record<string, Connector>;
  /** Results people reported for manual collections, keyed `<dataset>:<collection>`. */
  manualResults?: Record<string, ManualResult>;
  onQuery?: QueryObserver;
}

/** The connectors a run uses, one per system, found by dataset key; `close()` ends them all. */
export interface ConnectorSet {
  forDataset(dataset: string): Connector | undefined;
  /** System key → connector, for `connections test`. */
  bySystem: Map<string, Connector>;
  close(): Promise<void>;
}

/** Reads `KEY=VALUE` lines (a secrets file kept out of the repository). */
export async function readSecretsFile(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, 'utf8').catch((err: Error) => {
    throw new AppError('bad_request', `cannot read secrets file ${file}: ${err.message}`);
  });
  const out: Record<string, string> = {};
  for (const [i, line] of text.split('\n').entries()) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 1) throw new AppError('bad_request', `${file}:${i + 1}: expected NAME=value`);
    out[trimmed.slice(0, eq).trim()] = trimmed
      .slice(eq + 1)
      .trim()
      .replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

/** One connector for a connection; secrets come from `env` by name, never from the program. */
export function connectorFor(
  systemKey: string,
  connection: Connection,
  options: OpenConnectorsOptions = {},
): Connector {
  const env = options.env ?? process.env;
  const secret = (name: string, what: string) => {
    const value = env[name];
    if (!value) {
      throw new AppError(
        'bad_request',
        `system ${systemKey}: environment variable ${name} (the ${what}) is not set`,
      );
    }
    return value;
  };
  switch (connection.type) {
    case 'postgres':
      return postgresConnector({ url: secret(connection.url_env, 'database URL'), onQuery: options.onQuery });
    case 'mysql':
      return mysqlConnector({ url: secret(connection.url_env, 'database URL'), onQuery: options.onQuery });
    case 'sqlite':
      return sqliteConnector({
        path: path.resolve(options.baseDir ?? '.', connection.path),
        onQuery: options.onQuery,
      });
    case 'http':
      return httpConnector({ url: connection.url, secret: secret(connection.secret_env, 'signing secret') });
    case 'manual':
      return manualConnector({
        assignee: connection.assignee,
        instructions: connection.instructions,
        results: options.manualResults,
      });
  }
}

/**
 * Opens a connector for every system with a connection. A system whose secret is missing
 * gets no connector; its collections then fail with the reason instead of stopping the run.
 */
export function openConnectors(program: Program, options: OpenConnectorsOptions = {}): ConnectorSet {
  const bySystem = new Map<string, Connector>();
  const byDataset = new Map<string, Connector>();
  const problems = new Map<string, AppError>();
  for (const system of program.doc.systems) {
    if (!system.connection) continue;
    try {
      const connector = connectorFor(system.key, system.connection, options);
      bySystem.set(system.key, connector);
      for (const ds of system.datasets) byDataset.set(ds, connector);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      problems.set(system.key, err);
      for (const ds of system.datasets) problems.set(ds, err);
    }
  }
  for (const [ds, connector] of Object.entries(options.overrides ?? {})) byDataset.set(ds, connector);
  return {
    bySystem,
    forDataset(dataset) {
      const c = byDataset.get(dataset);
      if (c) return c;
      const problem = problems.get(dataset);
      if (problem) throw problem;
      return undefined;
    },
    async close() {
      // Overrides belong to the caller, who closes them.
      await Promise.all([...bySystem.values()].map((c) => c.close().catch(() => undefined)));
    },
  };
}
