import path from 'node:path';
import { AppError } from '../errors.ts';
import { type Collection, type Dataset, flattenFields } from '../program/dataset.ts';
import type { Program } from '../program/load-program.ts';
import type { RetentionRule } from '../program/retention-rule.ts';
import type { Connection, System } from '../program/schema.ts';
import { mysqlDialect, postgresDialect, type SqlDialect, sqliteDialect } from './sql-dialect.ts';

/** One collection (table) of the target database, as the retention compiler sees it. */
export interface CollectionModel {
  dataset: string;
  name: string;
  /** Quoted, schema-qualified table name for the dialect. */
  table: string;
  /** Schema (PostgreSQL) or database (MySQL) from the dataset's namespace, unquoted. */
  schema: string | undefined;
  fields: Map<string, FieldModel>;
  /** Columns marked `fides_meta.primary_key`, in declaration order (several for a composite key). */
  key: string[];
  /** The collection's `fides_meta.masking_strategy_override`, as requests apply it. */
  maskingOverride: { strategy: string; configuration?: Record<string, unknown> | null } | undefined;
}

export interface FieldModel {
  identity: string | undefined;
  categories: string[];
  reference: boolean;
  /** `fides_meta.length`: masked values are cut to it, as for requests. */
  length: number | undefined;
  dataType: string | undefined;
}

/**
 * Dataset references read as a foreign key: `child.childFields` hold values of
 * `parent.parentFields`, pair by pair (several pairs when the parent's key is composite).
 */
export interface Relation {
  child: CollectionModel;
  childFields: string[];
  parent: CollectionModel;
  parentFields: string[];
}

/** The database a rule sweeps: its collections, their references, and how to reach it. */
export interface TargetModel {
  system: System;
  connection: Extract<Connection, { type: 'postgres' | 'mysql' | 'sqlite' }>;
  /** Where a relative SQLite path is resolved from: the program's folder (else the working directory). */
  baseDir: string;
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
  if (
    !connection ||
    (connection.type !== 'postgres' && connection.type !== 'mysql' && connection.type !== 'sqlite')
  ) {
    throw new AppError(
      'validation_failed',
      `retention rule "${rule.key}": system "${system.key}" has no postgres, mysql or sqlite connection; retention sweeps run SQL`,
    );
  }
  const dialect =
    connection.type === 'postgres'
      ? postgresDialect
      : connection.type === 'mysql'
        ? mysqlDialect
        : sqliteDialect;
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
    // A program read from disk names its file; one pushed over the API does not (working directory).
    baseDir: path.dirname(path.resolve(program.locate({ doc: [] }).file)),
    dialect,
    collections,
    relations: relationsOf(datasets, collections),
    target,
  };
}

function modelOf(dataset: Dataset, collection: Collection, dialect: SqlDialect): CollectionModel {
  const fields: CollectionModel['fields'] = new Map();
  const key: string[] = [];
  for (const { path: name, field } of flattenFields(collection.fields)) {
    if (name.includes('.')) continue;
    fields.set(name, {
      identity: field.fides_meta?.identity ?? undefined,
      categories: field.data_categories ?? [],
      reference: (field.fides_meta?.references?.length ?? 0) > 0,
      length: field.fides_meta?.length ?? undefined,
      dataType: field.fides_meta?.data_type ?? undefined,
    });
    if (field.fides_meta?.primary_key) key.push(name);
  }
  const namespace = dataset.fides_meta?.namespace as { schema?: unknown } | null | undefined;
  const schema = typeof namespace?.schema === 'string' ? namespace.schema : undefined;
  const table = schema
    ? `${dialect.ident(schema)}.${dialect.ident(collection.name)}`
    : dialect.ident(collection.name);
  // SQLite has no schemas: the file is the database.
  const qualified = schema && dialect.name !== 'sqlite';
  return {
    dataset: dataset.fides_key,
    name: collection.name,
    table: qualified ? table : dialect.ident(collection.name),
    schema: qualified ? schema : undefined,
    fields,
    key,
    maskingOverride: collection.fides_meta?.masking_strategy_override ?? undefined,
  };
}

function relationsOf(datasets: Dataset[], collections: Map<string, CollectionModel>): Relation[] {
  // References between the same two collections form one relation: a composite foreign key.
  const pairs = new Map<
    string,
    { from: CollectionModel; to: CollectionModel; own: string[]; other: string[] }
  >();
  for (const dataset of datasets) {
    for (const collection of dataset.collections) {
      const from = collections.get(key(dataset.fides_key, collection.name));
      if (!from) continue;
      for (const field of collection.fields) {
        for (const ref of field.fides_meta?.references ?? []) {
          const [refCollection, refField] = ref.field.split('.', 2);
          const to = refCollection ? collections.get(key(ref.dataset, refCollection)) : undefined;
          if (!to || !refField) continue;
          const id = `${from.dataset}.${from.name}>${to.dataset}.${to.name}`;
          const pair = pairs.get(id) ?? { from, to, own: [], other: [] };
          pair.own.push(field.name);
          pair.other.push(refField);
          pairs.set(id, pair);
        }
      }
    }
  }
  const covers = (fields: string[], c: CollectionModel) =>
    c.key.length > 0 && c.key.every((k) => fields.includes(k));
  const relations: Relation[] = [];
  for (const { from, to, own, other } of pairs.values()) {
    // The side whose fields are the other side's whole key is the child: it holds the foreign key.
    if (!covers(other, to) && covers(own, from)) {
      relations.push({ child: to, childFields: other, parent: from, parentFields: own });
    } else {
      relations.push({ child: from, childFields: own, parent: to, parentFields: other });
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
