import type { GraphField } from '../../execution/build-graph.ts';
import { type MaskingStrategy, overrideStrategy, strategyFor } from '../../execution/masking.ts';
import type { DatasetField } from '../dataset.ts';
import { finding, type LintCheck, type LintFinding } from './finding.ts';

/**
 * Erasure finds the rows of a collection without a primary key by the condition it read
 * them with, and masks them by value: `random` (a value of its own for every row) and `hash`
 * inside a JSON column need rows told apart by key, so such a request fails on them.
 */
export const checkErasureWithoutKey: LintCheck = (program) => {
  const policy = program.doc.erasure_policy;
  const out: LintFinding[] = [];
  for (const dataset of program.datasets) {
    dataset.collections.forEach((collection, ci) => {
      if (collection.fides_meta?.skip_processing) return;
      const leaves: { field: DatasetField; path: PropertyKey[]; name: string; nested: boolean }[] = [];
      let keyed = false;
      const walk = (fields: readonly DatasetField[], base: PropertyKey[], prefix: string) => {
        fields.forEach((field, i) => {
          const path = [...base, 'fields', i];
          const name = prefix ? `${prefix}.${field.name}` : field.name;
          if (field.fides_meta?.primary_key) keyed = true;
          if (field.fields?.length) walk(field.fields, path, name);
          else leaves.push({ field, path, name, nested: prefix !== '' });
        });
      };
      walk(collection.fields, ['collections', ci], '');
      if (keyed) return;
      let forced: MaskingStrategy | undefined;
      try {
        const override = collection.fides_meta?.masking_strategy_override;
        forced = override ? overrideStrategy(override) : undefined;
      } catch {
        return; // an unknown override is reported where the program is loaded
      }
      for (const leaf of leaves) {
        const categories = leaf.field.data_categories ?? collection.data_categories ?? [];
        const chosen = policy ? strategyFor({ categories } as GraphField, policy) : undefined;
        const strategy = chosen && (forced ?? chosen);
        const refused =
          strategy?.type === 'random'
            ? 'random masking gives every row a value of its own'
            : strategy?.type === 'hash' && leaf.nested
              ? 'hash masking inside a JSON column changes one row at a time'
              : undefined;
        if (!refused) continue;
        out.push(
          finding(
            program,
            { dataset: dataset.fides_key, path: leaf.path },
            'erasure-strategy-needs-key',
            'warning',
            `${dataset.fides_key}.${collection.name}.${leaf.name}: the erasure policy masks it with ${strategy!.type}, but ${collection.name} declares no primary key, so an erasure request fails on this field (${refused}, and rows without a key cannot be told apart). Mask it with hash, fixed or null, or mark the primary key column(s) with fides_meta.primary_key: true`,
          ),
        );
      }
    });
  }
  return out;
};
