import type { Dataset, DatasetField } from '../dataset.ts';
import type { Program } from '../load-program.ts';
import { isUnder } from '../taxonomy.ts';
import { finding, type LintCheck, type LintFinding } from './finding.ts';

/** A data category as stored somewhere in a dataset, with the path to where it is declared. */
export interface StoredCategory {
  category: string;
  /** Path inside the dataset, e.g. `['collections', 0, 'fields', 2]`. */
  path: PropertyKey[];
  /** `collection.field` (dotted for nested fields), or the collection or dataset name. */
  label: string;
}

/** Every category a dataset declares, at dataset, collection and (nested) field level. */
export function storedCategories(dataset: Dataset): StoredCategory[] {
  const out: StoredCategory[] = [];
  for (const c of dataset.data_categories ?? [])
    out.push({ category: c, path: [], label: dataset.fides_key });
  const walk = (fields: readonly DatasetField[], base: PropertyKey[], label: string) => {
    fields.forEach((f, i) => {
      const path = [...base, 'fields', i];
      const name = `${label}.${f.name}`;
      for (const c of f.data_categories ?? []) out.push({ category: c, path, label: name });
      if (f.fields?.length) walk(f.fields, path, name);
    });
  };
  dataset.collections.forEach((col, ci) => {
    for (const c of col.data_categories ?? [])
      out.push({ category: c, path: ['collections', ci], label: col.name });
    walk(col.fields, ['collections', ci], col.name);
  });
  return out;
}

/** Two categories overlap when one is the other or one of its descendants. */
function overlaps(a: string, b: string): boolean {
  return isUnder(a, b) || isUnder(b, a);
}

/** `system.*` categories describe the system itself, not people: they need no notice. */
function isPersonal(category: string): boolean {
  return !isUnder(category, 'system');
}

/** Data collected and stored must appear in some activity, or the notice omits it. */
export const checkStoredButUndeclared: LintCheck = (program) => {
  const declared = program.doc.activities.flatMap((a) => a.data_categories);
  const out: LintFinding[] = [];
  for (const dataset of program.datasets) {
    const reported = new Set<string>();
    for (const stored of storedCategories(dataset)) {
      if (!isPersonal(stored.category) || reported.has(stored.category)) continue;
      if (declared.some((d) => overlaps(stored.category, d))) continue;
      reported.add(stored.category);
      out.push(
        finding(
          program,
          { dataset: dataset.fides_key, path: stored.path },
          'data-category-undeclared',
          'error',
          `"${stored.category}" is stored in ${dataset.fides_key}.${stored.label} but no activity declares it: it is collected without being in the notice`,
        ),
      );
    }
  }
  return out;
};

function datasetsOfActivity(program: Program, systems: readonly string[]): Dataset[] {
  const keys = new Set(program.doc.systems.filter((s) => systems.includes(s.key)).flatMap((s) => s.datasets));
  return program.datasets.filter((d) => keys.has(d.fides_key));
}

/** An activity's declared categories should be stored in the datasets of its systems. */
export const checkDeclaredButNotStored: LintCheck = (program) => {
  const out: LintFinding[] = [];
  program.doc.activities.forEach((a, i) => {
    const datasets = datasetsOfActivity(program, a.systems);
    // Activities run in third-party tools have no dataset to compare with.
    if (datasets.length === 0) return;
    const stored = datasets.flatMap((d) => storedCategories(d).map((s) => s.category));
    a.data_categories.forEach((c, j) => {
      if (stored.some((s) => overlaps(s, c))) return;
      out.push(
        finding(
          program,
          { doc: ['activities', i, 'data_categories', j] },
          'activity-category-not-stored',
          'warning',
          `activity "${a.key}" declares "${c}" but no dataset of its systems (${datasets.map((d) => d.fides_key).join(', ')}) stores it`,
        ),
      );
    });
  });
  return out;
};
