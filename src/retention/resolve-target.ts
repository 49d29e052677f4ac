import { AppError } from '../errors.ts';
import { type Collection, type Dataset, flattenFields } from '../program/dataset.ts';
import type { Program } from '../program/load-program.ts';
import type { RetentionRule } from '../program/retention-rule.ts';
import type { Connection, System } from '../program/schema.ts';
import { mysqlDialect, postgresDialect, type SqlDialect } from './sql-dialect.ts';

/** One collection (table) of the target database, as the retention compiler sees it. */
export interface CollectionModel {
  dataset: string;
  name: string;
  /** Quoted, schema-qualified table name for the dialect. */
  table: string;
  fields: Map<string, { identity: string | undefined; categories: string[]; reference: boolean }>;
  primaryKey: string | undefined;
}

/** A dataset reference read as a foreign key: `child.childField` holds values of `parent.parentField`. */
export interface Relation {
  child: CollectionModel;
  childField: string;
  parent: CollectionModel;
  parentField: string;
}

/** The database a rule sweeps: its collections, their references, and how to reach it. */
export interface TargetModel {
  system: System;
  connection: Extract<Connection, { type: 'postgres' | 'mysql' }>;
  dialect: SqlDialect;
  collections: Map<string, CollectionModel>;
  relations: Relation[];
  target: CollectionModel;
}

const key = (dataset: string, collection: string) => `${dataset}.${collection}`;

/**
 * Finds the system that stores the rule's dataset and builds the model of every collection
 * in that system's datasets, so conditions and cascades can follow references between them.
 */
export function resolveTarget(program: Program, rule: RetentionRule): TargetModel {
  const { dataset: datasetKey, collection: collectionName } = rule.target;
  const system = program.doc.systems.find((s) => s.datasets.includes(datasetKey));
  if (!system) {
    throw new AppError(
      'validation_failed',
      `retention rule "${rule.key}": no system lists dataset "${datasetKey}" in its datasets`,
    );
  }
  const connection = system.connection;
  if (!connection || (connection.type !== 'postgres' && connection.type !== 'mysql')) {
    throw new AppError(
      'validation_failed',
      `retention rule "${rule.key}": system "${system.key}" has no postgres or mysql connection; retention sweeps run SQL`,
    );
  }
  const dialect = connection.type === 'postgres' ? postgresDialect : mysqlDialect;
  const datasets = program.datasets.filter((d) => system.datasets.includes(d.fides_key));
  const collections = new Map<string, CollectionModel>();
  for (const dataset of datasets) {
    for (const collection of dataset.collections) {
      collections.set(key(dataset.fides_key, collection.name), modelOf(dataset, collection, dialect));
    }
  }
  const target = collections.get(key(datasetKey, collectionName));
  if (!target) {
    throw new AppError(
      'validation_failed',
      `retention rule "${rule.key}": dataset "${datasetKey}" has no collection "${collectionName}"`,
    );
  }
  return {
    system,
    connection,
    dialect,
    collections,
    relations: relationsOf(datasets, collections),
    target,
  };
}

function modelOf(dataset: Dataset, collection: Collection, dialect: SqlDialect): CollectionModel {
  const fields: CollectionModel['fields'] = new Map();
  let primaryKey: string | undefined;
  for (const { path, field } of flattenFields(collection.fields)) {
    if (path.includes('.')) continue;
    fields.set(path, {
      identity: field.fides_meta?.identity ?? undefined,
      categories: field.data_categories ?? [],
      reference: (field.fides_meta?.references?.length ?? 0) > 0,
    });
    if (field.fides_meta?.primary_key) primaryKey = path;
  }
  const namespace = dataset.fides_meta?.namespace as { schema?: unknown } | null | undefined;
  const schema = typeof namespace?.schema === 'string' ? namespace.schema : undefined;
  const table = schema
    ? `${dialect.ident(schema)}.${dialect.ident(collection.name)}`
    : dialect.ident(collection.name);
  return { dataset: dataset.fides_key, name: collection.name, table, fields, primaryKey };
}

function relationsOf(datasets: Dataset[], collections: Map<string, CollectionModel>): Relation[] {
  const relations: Relation[] = [];
  for (const dataset of datasets) {
    for (const collection of dataset.collections) {
      const from = collections.get(key(dataset.fides_key, collection.name));
      if (!from) continue;
      for (const field of collection.fields) {
        for (const ref of field.fides_meta?.references ?? []) {
          const [refCollection, refField] = ref.field.split('.', 2);
          const to = refCollection ? collections.get(key(ref.dataset, refCollection)) : undefined;
          if (!to || !refField) continue;
          // The side whose field is the other side's primary key is the child: it holds the foreign key.
          if (to.primaryKey !== refField && from.primaryKey === field.name) {
            relations.push({ child: to, childField: refField, parent: from, parentField: field.name });
          } else {
            relations.push({ child: from, childField: field.name, parent: to, parentField: refField });
          }
        }
      }
    }
  }
  return relations;
}

/** Collections that hold foreign keys into `parent`, then theirs, deepest last (no cycles). */
export function descendantsOf(model: TargetModel, parent: CollectionModel): Relation[][] {
  const paths: Relation[][] = [];
  const walk = (node: CollectionModel, path: Relation[], seen: Set<CollectionModel>) => {
    for (const relation of model.relations) {
      if (relation.parent !== node || seen.has(relation.child)) continue;
      const next = [...path, relation];
      paths.push(next);
      walk(relation.child, next, new Set([...seen, relation.child]));
    }
  };
  walk(parent, [], new Set([parent]));
  return paths;
}
