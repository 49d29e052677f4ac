import { AppError } from '../errors.ts';
import type { Program } from '../program/load-program.ts';
import type { MaskStrategy, RetentionCondition, RetentionRule } from '../program/retention-rule.ts';
import { suggest } from '../program/yaml.ts';
import { holdActive, type LegalHold } from './legal-hold.ts';
import { subtractPeriod } from './period.ts';
import {
  type CollectionModel,
  descendantsOf,
  type Relation,
  resolveTarget,
  type TargetModel,
} from './resolve-target.ts';
import { type Fragment, join, raw, sql, val } from './sql-dialect.ts';

/** A rule turned into SQL for its target database, at one instant. */
export interface CompiledRule {
  rule: RetentionRule;
  model: TargetModel;
  now: Date;
  /** Every clock in the rule with the instant before which a row is past it (evidence). */
  cutoffs: { field: string; period: string; cutoff: string }[];
  /** Quoted primary key column of the target. */
  primaryKey: string;
  /** The row is past retention (`when`), over alias `t`. */
  when: Fragment;
  /** The row is kept by an exception, if the rule has any. */
  except: Fragment | undefined;
  /** For anonymise: the row still holds a value to mask (masked rows are never masked twice). */
  pending: Fragment | undefined;
  /** Active holds that touch this rule; `all` when one covers the whole target (or a cascade). */
  holds: { hold: LegalHold; covers: Fragment | 'all' }[];
  /** `when` and not kept by exceptions, pending work, or holds: the rows the action takes. */
  eligible: Fragment;
  /** The timestamp the rule's first clock reads (for oldest/newest in the plan). */
  clock: Fragment | undefined;
  /** Fields and how they are masked (anonymise). */
  mask: { field: string; strategy: MaskStrategy }[];
  /** Child collections deleted before the target rows (delete, archive): deepest first. */
  cascade: Relation[][];
}

const FALSE = sql`(1 = 0)`;

/** Compiles a rule for its system's dialect; errors name the rule and the field path. */
export function compileRule(
  program: Program,
  rule: RetentionRule,
  now: Date,
  holds: readonly LegalHold[] = [],
): CompiledRule {
  const model = resolveTarget(program, rule);
  const { dialect, target } = model;
  if (!target.primaryKey) {
    throw new AppError(
      'validation_failed',
      `retention rule "${rule.key}": collection "${target.dataset}.${target.name}" needs a field with fides_meta.primary_key: true`,
    );
  }
  const cutoffs: CompiledRule['cutoffs'] = [];
  let aliases = 0;
  let clock: Fragment | undefined;
  const where = `retention_rules[${rule.key}]`;

  const column = (coll: CollectionModel, alias: string, field: string, at: string) => {
    if (!coll.fields.has(field)) {
      const hint = suggest(field, coll.fields.keys());
      throw new AppError(
        'validation_failed',
        `${at}: collection "${coll.dataset}.${coll.name}" has no field "${field}"${hint ? `; did you mean "${hint}"?` : ''}`,
        { details: { path: at } },
      );
    }
    return raw(`${alias}.${dialect.ident(field)}`);
  };

  const cutoffFor = (field: string, period: string) => {
    const cutoff = subtractPeriod(now, period);
    cutoffs.push({ field, period, cutoff: cutoff.toISOString() });
    return cutoff;
  };

  const compile = (c: RetentionCondition, coll: CollectionModel, alias: string, at: string): Fragment => {
    const parts: Fragment[] = [];
    if (c.older_than) {
      const col = column(coll, alias, c.older_than.field, `${at}.older_than.field`);
      parts.push(sql`${col} < ${val(cutoffFor(`${coll.name}.${c.older_than.field}`, c.older_than.period))}`);
      clock ??= sql`${col}`;
    }
    if (c.latest_older_than) {
      const spec = c.latest_older_than;
      const epoch = val(new Date(0));
      const own = spec.fields.map((f, i) => column(coll, alias, f, `${at}.latest_older_than.fields[${i}]`));
      const related = (spec.related ?? []).map((r, i) => {
        const rel = relatedCollection(coll, r.collection, `${at}.latest_older_than.related[${i}]`);
        const ra = `r${++aliases}`;
        const rc = column(rel.other, ra, r.field, `${at}.latest_older_than.related[${i}].field`);
        return sql`(SELECT MAX(${rc}) FROM ${raw(rel.other.table)} ${raw(ra)} WHERE ${correlation(rel, alias, ra)})`;
      });
      const terms = [...own.map((col) => sql`${col}`), ...related].map((e) => sql`COALESCE(${e}, ${epoch})`);
      const latest = terms.length === 1 ? (terms[0] as Fragment) : sql`GREATEST(${join(terms, ', ')})`;
      const label = [...spec.fields, ...(spec.related ?? []).map((r) => `${r.collection}.${r.field}`)].join(
        '|',
      );
      // A row with no timestamp of its own has no clock: it is never past retention.
      const known = join(
        own.map((col) => sql`${col} IS NOT NULL`),
        ' OR ',
      );
      parts.push(sql`(${latest} < ${val(cutoffFor(label, spec.period))} AND (${known}))`);
      clock ??= latest;
    }
    if (c.field !== undefined) {
      const col = column(coll, alias, c.field, `${at}.field`);
      let used = false;
      if (c.equals !== undefined) {
        parts.push(c.equals === null ? sql`${col} IS NULL` : sql`${col} = ${val(c.equals)}`);
        used = true;
      }
      if (c.in !== undefined) {
        parts.push(
          c.in.length
            ? sql`${col} IN (${join(
                c.in.map((v) => sql`${val(v)}`),
                ', ',
              )})`
            : FALSE,
        );
        used = true;
      }
      if (c.is_null !== undefined) {
        parts.push(c.is_null ? sql`${col} IS NULL` : sql`${col} IS NOT NULL`);
        used = true;
      }
      if (!used) {
        throw new AppError('validation_failed', `${at}: "field" needs one of equals, in, is_null`, {
          details: { path: at },
        });
      }
    }
    if (c.related) {
      const spec = c.related;
      const rel = relatedCollection(coll, spec.collection, `${at}.related.collection`);
      const ra = `r${++aliases}`;
      const filters: Fragment[] = [correlation(rel, alias, ra)];
      const inner = spec.none ?? spec.any;
      if (spec.none && spec.any) {
        throw new AppError('validation_failed', `${at}.related: use either none or any, not both`);
      }
      if (inner) filters.push(compile(inner, rel.other, ra, `${at}.related.${spec.none ? 'none' : 'any'}`));
      if (spec.last !== undefined) {
        if (!spec.order_by) {
          throw new AppError('validation_failed', `${at}.related: "last" needs "order_by"`, {
            details: { path: `${at}.related.order_by` },
          });
        }
        // Portable "newest n per parent": fewer than n siblings are newer (MariaDB has no correlated derived tables).
        const order = column(rel.other, ra, spec.order_by, `${at}.related.order_by`);
        const sa = `r${++aliases}`;
        const siblingOrder = raw(`${sa}.${dialect.ident(spec.order_by)}`);
        const fk = raw(`${ra}.${dialect.ident(rel.otherField)}`);
        const siblingFk = raw(`${sa}.${dialect.ident(rel.otherField)}`);
        filters.push(
          sql`(SELECT COUNT(*) FROM ${raw(rel.other.table)} ${raw(sa)} WHERE ${siblingFk} = ${fk} AND ${siblingOrder} > ${order}) < ${val(spec.last)}`,
        );
      }
      const exists = sql`EXISTS (SELECT 1 FROM ${raw(rel.other.table)} ${raw(ra)} WHERE ${join(filters, ' AND ')})`;
      parts.push(spec.none ? sql`NOT ${exists}` : exists);
    }
    if (c.all)
      parts.push(
        sql`(${join(
          c.all.map((x, i) => compile(x, coll, alias, `${at}.all[${i}]`)),
          ' AND ',
        )})`,
      );
    if (c.any) {
      parts.push(
        c.any.length
          ? sql`(${join(
              c.any.map((x, i) => compile(x, coll, alias, `${at}.any[${i}]`)),
              ' OR ',
            )})`
          : FALSE,
      );
    }
    // NOT over a NULL comparison would be NULL (row silently excluded); unknown counts as false first.
    if (c.not) parts.push(sql`NOT COALESCE(${compile(c.not, coll, alias, `${at}.not`)}, ${FALSE})`);
    if (parts.length === 0) {
      throw new AppError('validation_failed', `${at}: empty condition`, { details: { path: at } });
    }
    return parts.length === 1 ? sql`(${parts[0] as Fragment})` : sql`(${join(parts, ' AND ')})`;
  };

  const relatedCollection = (from: CollectionModel, name: string, at: string) => {
    const [datasetPart, collectionPart] = name.includes('.') ? name.split('.', 2) : [from.dataset, name];
    for (const relation of model.relations) {
      const { child, parent } = relation;
      if (parent === from && child.name === collectionPart && child.dataset === datasetPart) {
        return { other: child, otherField: relation.childField, ownField: relation.parentField };
      }
      if (child === from && parent.name === collectionPart && parent.dataset === datasetPart) {
        return { other: parent, otherField: relation.parentField, ownField: relation.childField };
      }
    }
    throw new AppError(
      'validation_failed',
      `${at}: no dataset reference links "${from.dataset}.${from.name}" and "${name}"; add fides_meta.references to the foreign key field`,
      { details: { path: at } },
    );
  };
  const correlation = (
    rel: { other: CollectionModel; otherField: string; ownField: string },
    alias: string,
    ra: string,
  ) =>
    sql`${raw(`${ra}.${dialect.ident(rel.otherField)}`)} = ${raw(`${alias}.${dialect.ident(rel.ownField)}`)}`;

  const when = compile(rule.when, target, 't', `${where}.when`);
  const except = rule.except?.length
    ? sql`COALESCE((${join(
        rule.except.map((e, i) => compile(e, target, 't', `${where}.except[${i}]`)),
        ' OR ',
      )}), ${FALSE})`
    : undefined;

  const mask = rule.action === 'anonymise' ? maskOf(rule, target, where) : [];
  const pending = mask.length
    ? sql`(${join(
        mask.map(({ field, strategy }) => {
          const col = raw(`t.${dialect.ident(field)}`);
          if (strategy === 'null') return sql`${col} IS NOT NULL`;
          if (strategy === 'hash') return sql`(${col} IS NOT NULL AND ${col} NOT LIKE 'anon-%')`;
          return sql`(${col} IS NOT NULL AND ${col} <> ${val(strategy.fixed)})`;
        }),
        ' OR ',
      )})`
    : undefined;
  if (rule.action === 'archive_anonymised') {
    if (!rule.archive) {
      throw new AppError(
        'validation_failed',
        `${where}: action archive_anonymised needs archive: { table, keep }`,
        {
          details: { path: `${where}.archive` },
        },
      );
    }
    rule.archive.keep.forEach((f, i) => {
      column(target, 't', f, `${where}.archive.keep[${i}]`);
    });
  }

  const cascade =
    rule.action === 'delete' || rule.action === 'archive_anonymised' ? descendantsOf(model, target) : [];
  cascade.sort((a, b) => b.length - a.length);
  const compiledHolds = holds
    .filter((h) => holdActive(h, now))
    .flatMap((hold) => {
      const covers = holdCovers(program, model, hold, cascade);
      return covers ? [{ hold, covers }] : [];
    });

  const keep: Fragment[] = [when];
  if (except) keep.push(sql`NOT ${except}`);
  if (pending) keep.push(pending);
  for (const { covers } of compiledHolds) {
    keep.push(covers === 'all' ? FALSE : sql`NOT COALESCE(${covers}, ${FALSE})`);
  }
  return {
    rule,
    model,
    now,
    cutoffs,
    primaryKey: dialect.ident(target.primaryKey),
    when,
    except,
    pending,
    holds: compiledHolds,
    eligible: join(keep, ' AND '),
    clock,
    mask,
    cascade,
  };
}

function maskOf(rule: RetentionRule, target: CollectionModel, where: string) {
  if (rule.mask) {
    return Object.entries(rule.mask).map(([field, strategy]) => {
      if (!target.fields.has(field)) {
        const hint = suggest(field, target.fields.keys());
        throw new AppError(
          'validation_failed',
          `${where}.mask.${field}: collection "${target.dataset}.${target.name}" has no field "${field}"${hint ? `; did you mean "${hint}"?` : ''}`,
        );
      }
      if (field === target.primaryKey) {
        throw new AppError('validation_failed', `${where}.mask.${field}: the primary key cannot be masked`);
      }
      return { field, strategy };
    });
  }
  const defaults = [...target.fields.entries()]
    .filter(
      ([name, f]) =>
        name !== target.primaryKey && !f.reference && f.categories.some((c) => c.startsWith('user.')),
    )
    .map(([field]) => ({ field, strategy: 'null' as const }));
  if (defaults.length === 0) {
    throw new AppError(
      'validation_failed',
      `${where}: anonymise needs mask: { field: strategy }; no field of "${target.name}" has a user.* data category to mask by default`,
    );
  }
  return defaults;
}

/** Where a hold touches the target: a predicate over `t`, `all`, or nothing. */
function holdCovers(
  program: Program,
  model: TargetModel,
  hold: LegalHold,
  cascade: Relation[][],
): Fragment | 'all' | undefined {
  const { target, dialect } = model;
  if (hold.kind === 'collection') {
    const hits = (c: CollectionModel) =>
      c.dataset === hold.dataset && (hold.collection === null || hold.collection === c.name);
    // A held child collection blocks the cascade, so the parents cannot go either.
    return hits(target) || cascade.some((path) => path.some((r) => hits(r.child))) ? 'all' : undefined;
  }
  const fieldIn = (c: CollectionModel): string | undefined => {
    if (hold.kind === 'identity') {
      return [...c.fields.entries()].find(([, f]) => f.identity === hold.identity_type)?.[0];
    }
    // Accounts are told apart by a system's customer_link (`collection.field` in one dataset).
    for (const s of program.doc.systems) {
      const link = s.customer_link;
      if (!link || link.dataset !== c.dataset) continue;
      const [first, second] = link.field.split('.', 2);
      const field = second ?? first;
      if (field && (second === undefined || first === c.name) && c.fields.has(field)) return field;
    }
    return undefined;
  };
  const own = fieldIn(target);
  const paths: Fragment[] = own ? [sql`${raw(`t.${dialect.ident(own)}`)} = ${val(hold.value)}`] : [];
  // One hop up: the row belongs to a parent that carries the identity or account.
  for (const relation of model.relations) {
    if (relation.child !== target) continue;
    const field = fieldIn(relation.parent);
    if (!field) continue;
    paths.push(
      sql`EXISTS (SELECT 1 FROM ${raw(relation.parent.table)} h WHERE h.${raw(dialect.ident(relation.parentField))} = t.${raw(dialect.ident(relation.childField))} AND h.${raw(dialect.ident(field))} = ${val(hold.value)})`,
    );
  }
  return paths.length ? sql`(${join(paths, ' OR ')})` : undefined;
}
