import { type Collection, type Dataset, flattenFields } from '../dataset.ts';
import type { Program } from '../load-program.ts';
import type { RetentionCondition } from '../retention-rule.ts';
import { suggest } from '../yaml.ts';
import { finding, type LintCheck, type LintFinding } from './finding.ts';

interface Scope {
  dataset: Dataset;
  collection: Collection;
}

/** `collection` in the same dataset, or `dataset.collection` elsewhere. */
function resolveCollection(program: Program, from: Dataset, name: string): Scope | undefined {
  const local = from.collections.find((c) => c.name === name);
  if (local) return { dataset: from, collection: local };
  const dot = name.indexOf('.');
  if (dot < 0) return undefined;
  const dataset = program.datasets.find((d) => d.fides_key === name.slice(0, dot));
  const collection = dataset?.collections.find((c) => c.name === name.slice(dot + 1));
  return dataset && collection ? { dataset, collection } : undefined;
}

/** Rules are executed against real tables: every name in them must exist in the datasets. */
export const checkRetentionRuleTargets: LintCheck = (program) => {
  const out: LintFinding[] = [];
  program.doc.retention_rules.forEach((rule, i) => {
    const at = (...p: PropertyKey[]) => ({ doc: ['retention_rules', i, ...p] });
    const dataset = program.datasets.find((d) => d.fides_key === rule.target.dataset);
    if (!dataset) {
      const hint = suggest(
        rule.target.dataset,
        program.datasets.map((d) => d.fides_key),
      );
      out.push(
        finding(
          program,
          at('target', 'dataset'),
          'retention-rule-unknown-dataset',
          'error',
          `retention rule "${rule.key}" targets unknown dataset "${rule.target.dataset}"${hint ? `; did you mean "${hint}"?` : ''}`,
        ),
      );
      return;
    }
    const collection = dataset.collections.find((c) => c.name === rule.target.collection);
    if (!collection) {
      const hint = suggest(
        rule.target.collection,
        dataset.collections.map((c) => c.name),
      );
      out.push(
        finding(
          program,
          at('target', 'collection'),
          'retention-rule-unknown-collection',
          'error',
          `retention rule "${rule.key}" targets unknown collection "${rule.target.collection}" in dataset "${dataset.fides_key}"${hint ? `; did you mean "${hint}"?` : ''}`,
        ),
      );
      return;
    }
    const keyed = flattenFields(collection.fields).some((f) => f.field.fides_meta?.primary_key);
    if (!keyed && rule.action !== 'manual_task') {
      out.push(
        finding(
          program,
          at('target', 'collection'),
          'retention-rule-target-without-key',
          'error',
          `retention rule "${rule.key}" targets ${dataset.fides_key}.${collection.name}, which declares no primary key: the sweep refuses it, because rows are taken in batches by key (a stopped sweep resumes without acting twice, plans name the rows). Mark the primary key column(s) with fides_meta.primary_key: true (or the NOT NULL columns of a unique index); only manual_task works without a key`,
        ),
      );
    }
    const checkField = (scope: Scope, field: string, path: PropertyKey[]) => {
      const known = flattenFields(scope.collection.fields).map((f) => f.path);
      if (known.includes(field)) return;
      const hint = suggest(field, known);
      out.push(
        finding(
          program,
          at(...path),
          'retention-rule-unknown-field',
          'error',
          `retention rule "${rule.key}" uses unknown field "${field}" of ${scope.dataset.fides_key}.${scope.collection.name}${hint ? `; did you mean "${hint}"?` : ''}`,
        ),
      );
    };
    const unknownRelated = (name: string, path: PropertyKey[]) => {
      out.push(
        finding(
          program,
          at(...path),
          'retention-rule-unknown-collection',
          'error',
          `retention rule "${rule.key}" refers to unknown related collection "${name}"`,
        ),
      );
    };
    const walk = (cond: RetentionCondition, scope: Scope, path: PropertyKey[]) => {
      if (cond.older_than) checkField(scope, cond.older_than.field, [...path, 'older_than', 'field']);
      cond.latest_older_than?.fields.forEach((f, k) => {
        checkField(scope, f, [...path, 'latest_older_than', 'fields', k]);
      });
      cond.latest_older_than?.related?.forEach((r, k) => {
        const related = resolveCollection(program, scope.dataset, r.collection);
        if (related) checkField(related, r.field, [...path, 'latest_older_than', 'related', k, 'field']);
        else unknownRelated(r.collection, [...path, 'latest_older_than', 'related', k, 'collection']);
      });
      if (cond.field !== undefined) checkField(scope, cond.field, [...path, 'field']);
      if (cond.related) {
        const related = resolveCollection(program, scope.dataset, cond.related.collection);
        if (!related) {
          unknownRelated(cond.related.collection, [...path, 'related', 'collection']);
        } else {
          if (cond.related.order_by)
            checkField(related, cond.related.order_by, [...path, 'related', 'order_by']);
          if (cond.related.none) walk(cond.related.none, related, [...path, 'related', 'none']);
          if (cond.related.any) walk(cond.related.any, related, [...path, 'related', 'any']);
        }
      }
      cond.all?.forEach((c, k) => {
        walk(c, scope, [...path, 'all', k]);
      });
      cond.any?.forEach((c, k) => {
        walk(c, scope, [...path, 'any', k]);
      });
      if (cond.not) walk(cond.not, scope, [...path, 'not']);
    };
    const scope = { dataset, collection };
    walk(rule.when, scope, ['when']);
    rule.except?.forEach((c, k) => {
      walk(c, scope, ['except', k]);
    });
    for (const field of Object.keys(rule.mask ?? {})) checkField(scope, field, ['mask', field]);
    const fields = new Map(flattenFields(collection.fields).map((f) => [f.path, f.field]));
    rule.archive?.keep.forEach((field, k) => {
      checkField(scope, field, ['archive', 'keep', k]);
      const personal = (fields.get(field)?.data_categories ?? []).filter((c) => c.startsWith('user'));
      if (personal.length === 0) return;
      out.push(
        finding(
          program,
          at('archive', 'keep', k),
          'retention-archive-keeps-personal-data',
          'error',
          `retention rule "${rule.key}" archives "${field}", which holds ${personal.join(', ')}; an archive of deleted data must be anonymous`,
        ),
      );
    });
  });
  return out;
};

/** A retention promise with no rule behind it is kept only if someone remembers to. */
export const checkRetentionEnforced: LintCheck = (program) => {
  const out: LintFinding[] = [];
  program.doc.activities.forEach((a, i) => {
    const r = a.retention;
    if (!r || r.rules.length > 0) return;
    out.push(
      r.period
        ? finding(
            program,
            { doc: ['activities', i, 'retention', 'period'] },
            'retention-period-not-enforced',
            'warning',
            `activity "${a.key}" promises a retention period of ${r.period} but no retention rule enforces it`,
          )
        : finding(
            program,
            { doc: ['activities', i, 'retention'] },
            'retention-criteria-not-enforced',
            'info',
            `activity "${a.key}" states retention criteria that no retention rule enforces; they rely on manual review`,
          ),
    );
  });
  const referenced = new Set(program.doc.activities.flatMap((a) => a.retention?.rules ?? []));
  program.doc.retention_rules.forEach((rule, i) => {
    if (referenced.has(rule.key)) return;
    out.push(
      finding(
        program,
        { doc: ['retention_rules', i, 'key'] },
        'retention-rule-unreferenced',
        'info',
        `retention rule "${rule.key}" is not linked from any activity's retention.rules, so the notice does not mention it`,
      ),
    );
  });
  return out;
};
