import { AppError } from '../errors.ts';
import { maskValue } from '../execution/masking.ts';
import type { Program } from '../program/load-program.ts';
import type { RetentionCondition, RetentionRule } from '../program/retention-rule.ts';
import { suggest } from '../program/yaml.ts';
import { anonymiseFields, describeStrategy, type MaskedField } from './anonymise-fields.ts';
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
  /** The target's key columns (unquoted; several for a composite key; empty only for manual_task). */
  key: string[];
  /** The row is past retention (`when`), over alias `t`. */
  when: Fragment;
  /** The row is kept by an exception, if the rule has any. */
  except: Fragment | undefined;
  /** For anonymise: the row still holds a value to mask (masked rows are never masked twice). */
  pending: Fragment | undefined;
  /** Per masked field, the same test alone: that field of the row still holds its original value. */
  pendingByField: Fragment[];
  /** Active holds that touch this rule; `all` when one covers the whole target (or a cascade). */
  holds: { hold: LegalHold; covers: Fragment | 'all' }[];
  /** `when` and not kept by exceptions, pending work, or holds: the rows the action takes. */
  eligible: Fragment;
  /** The timestamp the rule's first clock reads (for oldest/newest in the plan). */
  clock: Fragment | undefined;
  /** Fields and how they are masked (anonymise), with the strategies of the erasure policy. */
  mask: MaskedField[];
  /** True when the rule takes the rows away: delete, archive, or a `delete` masking strategy. */
  deletesRows: boolean;
  /** Child collections deleted before the target rows: deepest first. */
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
  if (target.key.length === 0 && rule.action !== 'manual_task') {
    throw new AppError('validation_failed', withoutKeyMessage(rule, target), {
      details: { path: `retention_rules[${rule.key}].target` },
    });
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
      const col = dialect.instant(sql`${column(coll, alias, c.older_than.field, `${at}.older_than.field`)}`);
      const cutoff = cutoffFor(`${coll.name}.${c.older_than.field}`, c.older_than.period);
      parts.push(sql`${col} < ${dialect.instant(sql`${val(cutoff)}`)}`);
      clock ??= col;
    }
    if (c.latest_older_than) {
      const spec = c.latest_older_than;
      const epoch = dialect.instant(sql`${val(new Date(0))}`);
      const own = spec.fields.map((f, i) => column(coll, alias, f, `${at}.latest_older_than.fields[${i}]`));
      const related = (spec.related ?? []).map((r, i) => {
        const rel = relatedCollection(coll, r.collection, `${at}.latest_older_than.related[${i}]`);
        const ra = `r${++aliases}`;
        const rc = column(rel.other, ra, r.field, `${at}.latest_older_than.related[${i}].field`);
        return sql`(SELECT MAX(${dialect.instant(sql`${rc}`)}) FROM ${raw(rel.other.table)} ${raw(ra)} WHERE ${correlation(rel, alias, ra)})`;
      });
      const terms = [...own.map((col) => dialect.instant(sql`${col}`)), ...related].map(
        (e) => sql`COALESCE(${e}, ${epoch})`,
      );
      const latest = dialect.greatest(terms);
      const label = [...spec.fields, ...(spec.related ?? []).map((r) => `${r.collection}.${r.field}`)].join(
        '|',
      );
      // A row with no timestamp of its own has no clock: it is never past retention.
      const known = join(
        own.map((col) => sql`${col} IS NOT NULL`),
        ' OR ',
      );
      const cutoff = dialect.instant(sql`${val(cutoffFor(label, spec.period))}`);
      parts.push(sql`(${latest} < ${cutoff} AND (${known}))`);
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
        const siblings = rel.otherFields
          .map((f) => `${sa}.${dialect.ident(f)} = ${ra}.${dialect.ident(f)}`)
          .join(' AND ');
        filters.push(
          sql`(SELECT COUNT(*) FROM ${raw(rel.other.table)} ${raw(sa)} WHERE ${raw(siblings)} AND ${siblingOrder} > ${order}) < ${val(spec.last)}`,
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
        return { other: child, otherFields: relation.childFields, ownFields: relation.parentFields };
      }
      if (child === from && parent.name === collectionPart && parent.dataset === datasetPart) {
        return { other: parent, otherFields: relation.parentFields, ownFields: relation.childFields };
      }
    }
    throw new AppError(
      'validation_failed',
      `${at}: no dataset reference links "${from.dataset}.${from.name}" and "${name}"; add fides_meta.references to the foreign key field`,
      { details: { path: at } },
    );
  };
  const correlation = (
    rel: { other: CollectionModel; otherFields: string[]; ownFields: string[] },
    alias: string,
    ra: string,
  ): Fragment =>
    sql`${raw(
      rel.otherFields
        .map((f, i) => `${ra}.${dialect.ident(f)} = ${alias}.${dialect.ident(rel.ownFields[i] as string)}`)
        .join(' AND '),
    )}`;

  const when = compile(rule.when, target, 't', `${where}.when`);
  const except = rule.except?.length
    ? sql`COALESCE((${join(
        rule.except.map((e, i) => compile(e, target, 't', `${where}.except[${i}]`)),
        ' OR ',
      )}), ${FALSE})`
    : undefined;

  const mask = rule.action === 'anonymise' ? anonymiseFields(program, rule, target) : [];
  const deletesRows =
    rule.action === 'delete' ||
    rule.action === 'archive_anonymised' ||
    mask.some((m) => m.strategy.type === 'delete_row');
  const pendingByField = deletesRows ? [] : mask.map((m) => stillOriginal(m, dialect));
  const pending = pendingByField.length ? sql`(${join(pendingByField, ' OR ')})` : undefined;
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

  const cascade = deletesRows ? descendantsOf(model, target) : [];
  cascade.sort((a, b) => b.length - a.length);
  for (const path of cascade) {
    for (const relation of path) {
      const { parent, parentFields, child, childFields } = relation;
      // A reference to part of a composite key would take the children of every row sharing that part.
      if (parent.key.length > 1 && !parent.key.every((k) => parentFields.includes(k))) {
        const missing = parent.key.filter((k) => !parentFields.includes(k));
        throw new AppError(
          'validation_failed',
          `${where}: ${child.dataset}.${child.name} references ${parent.dataset}.${parent.name} by (${childFields.join(', ')}) → (${parentFields.join(', ')}), only part of its primary key (${parent.key.join(', ')}); deleting its rows would also take children of other rows that share those values. Add fides_meta.references for ${missing.map((k) => `${parent.name}.${k}`).join(', ')} on ${child.name}`,
          { details: { path: `${where}.target` } },
        );
      }
    }
  }
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
    key: target.key,
    when,
    except,
    pending,
    pendingByField,
    holds: compiledHolds,
    eligible: join(keep, ' AND '),
    clock,
    mask,
    deletesRows,
    cascade,
  };
}

/** Why a collection without a declared key is refused, and what to do about it. */
export function withoutKeyMessage(rule: RetentionRule, target: CollectionModel): string {
  return `retention rule "${rule.key}": collection "${target.dataset}.${target.name}" declares no primary key, so the sweep refuses it. Rows are taken in batches by key: that is how a stopped sweep resumes without acting twice and how plans and tasks name the rows. Mark the table's primary key column(s) with fides_meta.primary_key: true; a table with no primary key can use the columns of a unique index whose columns are all NOT NULL (the sweep checks the database for it). Only action manual_task works without a key.`;
}

/** SQL: this masked field of row `t` still holds its original value (so the row is due). */
function stillOriginal(m: MaskedField, dialect: CompiledRule['model']['dialect']): Fragment {
  const col = sql`${raw(`t.${dialect.ident(m.field)}`)}`;
  switch (m.strategy.type) {
    case 'fixed':
      return sql`(${col} IS NOT NULL AND ${col} <> ${val(fixedValue(m))})`;
    case 'hash':
      // The hash strategy writes lowercase hex (64 characters, or cut to the field's length).
      return sql`(${col} IS NOT NULL AND ${dialect.notHex(col, Math.min(64, m.graph.length ?? 64))})`;
    default:
      return sql`${col} IS NOT NULL`;
  }
}

/** The value the fixed strategy writes (cut to the field's length), from the shared masking code. */
export function fixedValue(m: MaskedField): unknown {
  return maskValue(m.strategy, null, m.graph, Buffer.alloc(0));
}

/** `field: strategy (source)` lines for plans and evidence. */
export function describeMask(
  mask: readonly MaskedField[],
): { field: string; strategy: string; source: string }[] {
  return mask.map((m) => ({ field: m.field, strategy: describeStrategy(m.strategy), source: m.source }));
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
    const link = relation.parentFields
      .map((f, i) => `h.${dialect.ident(f)} = t.${dialect.ident(relation.childFields[i] as string)}`)
      .join(' AND ');
    paths.push(
      sql`EXISTS (SELECT 1 FROM ${raw(relation.parent.table)} h WHERE ${raw(link)} AND h.${raw(dialect.ident(field))} = ${val(hold.value)})`,
    );
  }
  return paths.length ? sql`(${join(paths, ' OR ')})` : undefined;
}
