import { flattenFields } from '../../program/dataset.ts';
import type { Program } from '../../program/load-program.ts';

export interface BreachScopeEstimate {
  datasets: string[];
  data_categories: string[];
  data_subjects: string[];
  /** How the lists above were derived, in words, for the register and the authority. */
  basis: string;
}

/**
 * What a breach of these systems (and datasets) touches, derived from the program: the
 * datasets the systems store, the data categories their fields carry, and the data subject
 * types of the activities that use the systems. Numbers of people and records cannot come
 * from the program: they are the reporter's estimate, and the basis says so.
 */
export function estimateBreachScope(
  program: Program,
  input: {
    systems: string[];
    datasets: string[];
    subjects?: number | undefined;
    records?: number | undefined;
  },
): BreachScopeEstimate {
  const doc = program.doc;
  const systems = doc.systems.filter((s) => input.systems.includes(s.key));
  const datasetKeys = [...new Set([...input.datasets, ...systems.flatMap((s) => s.datasets)])];
  const categories = new Set<string>();
  for (const key of datasetKeys) {
    const dataset = program.datasets.find((d) => d.fides_key === key);
    if (!dataset) continue;
    for (const c of dataset.data_categories ?? []) categories.add(c);
    for (const collection of dataset.collections) {
      for (const c of collection.data_categories ?? []) categories.add(c);
      for (const { field } of flattenFields(collection.fields)) {
        for (const c of field.data_categories ?? []) categories.add(c);
      }
    }
  }
  const activities = doc.activities.filter((a) => a.systems.some((s) => input.systems.includes(s)));
  for (const a of activities) for (const c of a.data_categories) categories.add(c);
  const subjects = [...new Set(activities.flatMap((a) => a.data_subjects))].sort();
  const parts: string[] = [];
  parts.push(
    systems.length
      ? `Systems affected: ${systems.map((s) => s.key).join(', ')}.`
      : 'No program systems were named as affected.',
  );
  parts.push(
    datasetKeys.length
      ? `Data categories are those tagged on the fields of datasets ${datasetKeys.join(', ')}${activities.length ? ` and declared by activities ${activities.map((a) => a.key).join(', ')}` : ''}.`
      : 'No datasets are mapped to these systems, so data categories come only from the activities using them.',
  );
  parts.push(
    activities.length
      ? `Data subject types come from the activities using these systems (${activities.map((a) => a.key).join(', ')}).`
      : 'No activity uses these systems: data subject types are unknown.',
  );
  parts.push(
    input.subjects !== undefined || input.records !== undefined
      ? "Numbers of people and records are the reporter's estimate (the program holds no row counts)."
      : 'Numbers of people and records are not known yet: add them in an update when they are.',
  );
  return {
    datasets: datasetKeys,
    data_categories: [...categories].sort(),
    data_subjects: subjects,
    basis: parts.join(' '),
  };
}
