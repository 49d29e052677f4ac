import { AppError } from '../errors.ts';
import type { Connector, FieldFilter, Row } from './connector.ts';

/** What a person reported back for one manual collection. */
export interface ManualResult {
  /** Rows the person found (access), in the collection's declared fields. */
  rows?: Row[];
  /** The person confirms the erasure or correction was done. */
  confirmed?: boolean;
  /** Who confirmed, for the record. */
  by?: string;
}

/** A task a person must do before the run can finish; the result shows it as `pending`. */
export interface ManualTask {
  collection: string;
  action: 'access' | 'erasure' | 'rectification';
  assignee?: string | undefined;
  instructions?: string | undefined;
  /** Identities to search for (the values the person needs to look up). */
  lookup: Record<string, unknown[]>;
}

/** Raised by the manual connector; the engine turns it into a `pending` result, not a failure. */
export class ManualTaskPending extends AppError {
  readonly task: ManualTask;
  constructor(task: ManualTask) {
    super('conflict', `waiting for ${task.assignee ?? 'a person'} to handle ${task.collection}`, {
      details: task,
    });
    this.task = task;
  }
}

export interface ManualConnectorOptions {
  assignee?: string | undefined;
  instructions?: string | undefined;
  /** Results already reported, keyed `<dataset>:<collection>`. */
  results?: Record<string, ManualResult>;
}

/** Field → values the person looks the rows up by. */
const lookupOf = (where: readonly FieldFilter[]) =>
  Object.fromEntries(where.map((w) => [w.field, [...w.values]]));

/**
 * A system with no API: a person looks the data up or erases it by hand. Until they report
 * back (through `results`), every operation raises ManualTaskPending with the task.
 */
export function manualConnector(options: ManualConnectorOptions): Connector {
  const results = options.results ?? {};
  const task = (collection: string, action: ManualTask['action'], lookup: Record<string, unknown[]>) =>
    new ManualTaskPending({
      collection,
      action,
      assignee: options.assignee,
      instructions: options.instructions,
      lookup,
    });
  return {
    kind: 'manual',
    async ping() {},
    async describe(collections) {
      return collections.map((collection) => ({ collection, columns: null }));
    },
    async read(request) {
      const key = `${request.collection.dataset}:${request.collection.collection}`;
      const result = results[key];
      if (result?.rows) return result.rows;
      throw task(key, 'access', lookupOf(request.where));
    },
    async update(request) {
      const key = `${request.collection.dataset}:${request.collection.collection}`;
      if (results[key]?.confirmed) return request.changes.length;
      if (request.match) throw task(key, 'erasure', lookupOf(request.match.where));
      throw task(key, 'erasure', { key: request.changes.map((c) => [...c.key]) });
    },
    async delete(request) {
      const key = `${request.collection.dataset}:${request.collection.collection}`;
      if (results[key]?.confirmed) return request.keys.length;
      if (request.match) throw task(key, 'erasure', lookupOf(request.match.where));
      throw task(key, 'erasure', { key: request.keys.map((k) => [...k]) });
    },
    async close() {},
  };
}
