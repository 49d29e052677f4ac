import { AppError } from '../errors.ts';
import type { GraphField } from '../execution/build-graph.ts';
import {
  DEFAULT_ERASURE_POLICY,
  type MaskingStrategy,
  overrideStrategy,
  strategyFor,
} from '../execution/masking.ts';
import type { Program } from '../program/load-program.ts';
import type { RetentionRule } from '../program/retention-rule.ts';
import { isUnder } from '../program/taxonomy.ts';
import { suggest } from '../program/yaml.ts';
import type { CollectionModel } from './resolve-target.ts';

/** One field an `anonymise` rule masks, with the strategy and where that strategy comes from. */
export interface MaskedField {
  field: string;
  strategy: MaskingStrategy;
  /** `rule mask`, `erasure_policy user.contact`, `masking_strategy_override` (evidence and plan). */
  source: string;
  /** The field as the request engine's masking sees it (categories, length). */
  graph: GraphField;
}

/**
 * The fields an `anonymise` rule masks and how: the rule's own `mask` when it has one, else
 * the program's `erasure_policy` (the most specific category wins, `user` → null by default)
 * and the collection's `masking_strategy_override`, exactly as an erasure request would.
 * Key columns and references are never masked (rows would lose their identity or their link).
 */
export function anonymiseFields(
  program: Program,
  rule: RetentionRule,
  target: CollectionModel,
): MaskedField[] {
  const where = `retention_rules[${rule.key}]`;
  const graph = (field: string): GraphField => {
    const f = target.fields.get(field);
    return {
      path: field,
      column: field,
      member: [],
      categories: f?.categories ?? [],
      isLeaf: true,
      dataType: f?.dataType,
      length: f?.length,
    };
  };
  let fields: MaskedField[];
  if (rule.mask) {
    fields = Object.entries(rule.mask).map(([field, strategy]) => {
      if (!target.fields.has(field)) {
        const hint = suggest(field, target.fields.keys());
        throw new AppError(
          'validation_failed',
          `${where}.mask.${field}: collection "${target.dataset}.${target.name}" has no field "${field}"${hint ? `; did you mean "${hint}"?` : ''}`,
          { details: { path: `${where}.mask.${field}` } },
        );
      }
      if (target.key.includes(field)) {
        throw new AppError(
          'validation_failed',
          `${where}.mask.${field}: "${field}" is part of the primary key, which cannot be masked`,
          { details: { path: `${where}.mask.${field}` } },
        );
      }
      return { field, strategy, source: 'rule mask', graph: graph(field) };
    });
  } else {
    const policy = program.doc.erasure_policy ?? DEFAULT_ERASURE_POLICY;
    const override = target.maskingOverride ? overrideStrategy(target.maskingOverride) : undefined;
    fields = [];
    for (const [name, f] of target.fields) {
      if (target.key.includes(name) || f.reference) continue;
      const field = graph(name);
      const strategy = strategyFor(field, policy);
      if (!strategy) continue;
      const matched = policy.rules
        .filter((r) => field.categories.some((c) => isUnder(c, r.target)))
        .sort((a, b) => b.target.length - a.target.length)[0];
      fields.push({
        field: name,
        strategy: override ?? strategy,
        source: override
          ? 'masking_strategy_override'
          : `${program.doc.erasure_policy ? 'erasure_policy' : 'default erasure policy'} ${matched?.target ?? ''}`.trim(),
        graph: field,
      });
    }
    if (fields.length === 0) {
      throw new AppError(
        'validation_failed',
        `${where}: anonymise needs mask: { field: strategy }; no field of "${target.name}" is in a category the erasure policy masks`,
        { details: { path: `${where}.mask` } },
      );
    }
  }
  for (const f of fields) {
    if (f.strategy.type === 'random') {
      throw new AppError(
        'validation_failed',
        `${where}: field "${f.field}" would be masked with random (${f.source}); a random value cannot be told from an original one afterwards, so a scheduled sweep could not see that the row is already anonymised and would rewrite it on every run. Give this rule mask: { ${f.field}: hash } (or null, or { fixed: … })`,
        { details: { path: `${where}.mask.${f.field}` } },
      );
    }
  }
  return fields;
}

/** Short text of a strategy for plans, evidence and messages. */
export function describeStrategy(strategy: MaskingStrategy): string {
  if (strategy.type === 'fixed') return `fixed "${strategy.value}"`;
  if (strategy.type === 'random') return `random(${strategy.length ?? 16})`;
  if (strategy.type === 'delete_row') return 'delete row';
  return strategy.type;
}
