import { AppError } from '../errors.ts';
import { buildGraph } from '../execution/build-graph.ts';
import { protectedFields } from '../execution/plan-erasure.ts';
import type { Program } from '../program/load-program.ts';
import { isUnder, labelOf } from '../program/taxonomy.ts';

/** A field a correction can change: `<dataset>:<collection>.<field>`, with the kind of data it holds. */
export interface CorrectableField {
  field: string;
  category: string;
  label: string;
}

/** One kind of personal data a person can say is wrong, and the fields that hold it. */
export interface CorrectableCategory {
  category: string;
  /** In plain words, from the program's vocabulary ("Email", "Postal Code"). */
  label: string;
  description?: string | undefined;
  fields: string[];
}

/** The identity types the privacy center asks for: what a public request can be traced from. */
export const publicIdentityTypes = ['email', 'phone_number'] as const;

/** "User Contact Email" → "Email": the vocabulary's names without the prefix every entry repeats. */
function plainLabel(name: string): string {
  const short = name.replace(/^User(?:'s)?\s+(?:Contact\s+)?/i, '').trim() || name;
  return short.charAt(0).toUpperCase() + short.slice(1);
}

/**
 * Every field a rectification run could change for a person found by `identityTypes`: leaf
 * fields of the collections the request reaches, except primary keys and references (the
 * engine keeps those as they are). Datasets that cannot be traversed give none.
 */
export function correctableFields(program: Program, identityTypes: readonly string[]): CorrectableField[] {
  const graph = buildGraph(program.datasets, identityTypes);
  if (graph.findings.some((f) => f.severity === 'error')) return [];
  const out: CorrectableField[] = [];
  for (const key of graph.levels.flat()) {
    const node = graph.nodes.get(key)!;
    const guard = protectedFields(graph, node);
    for (const f of node.fields) {
      if (!f.isLeaf || guard.has(f.path)) continue;
      const category = f.categories.find((c) => isUnder(c, 'user')) ?? f.categories[0] ?? '';
      out.push({
        field: `${key}.${f.path}`,
        category,
        label: category ? plainLabel(labelOf(program.taxonomy, 'data_category', category)) : f.path,
      });
    }
  }
  return out;
}

/**
 * The kinds of personal data a person may ask to correct: the data categories the program's
 * activities declare, as held by fields the request reaches. This is what the privacy
 * center offers, by label, instead of field names.
 */
export function correctableCategories(
  program: Program,
  identityTypes: readonly string[] = publicIdentityTypes,
): CorrectableCategory[] {
  const declared = program.doc.activities.flatMap((a) => a.data_categories);
  const byCategory = new Map<string, CorrectableCategory>();
  for (const f of correctableFields(program, identityTypes)) {
    if (!isUnder(f.category, 'user') || !declared.some((d) => isUnder(f.category, d))) continue;
    const entry = byCategory.get(f.category) ?? {
      category: f.category,
      label: f.label,
      description: program.taxonomy.data_category.get(f.category)?.description,
      fields: [],
    };
    entry.fields.push(f.field);
    byCategory.set(f.category, entry);
  }
  // Name and contact details first: what people most often ask to correct.
  const rank = (c: string) => (isUnder(c, 'user.name') ? 0 : isUnder(c, 'user.contact') ? 1 : 2);
  return [...byCategory.values()].sort(
    (a, b) => rank(a.category) - rank(b.category) || a.category.localeCompare(b.category),
  );
}

/**
 * Field changes pre-filled from what the person said by category (every field holding that
 * category gets the value); changes given by field win. A reviewer adjusts them before the run.
 */
export function fieldChangesFor(
  program: Program,
  identityTypes: readonly string[],
  byCategory: Record<string, string>,
  byField: Record<string, string> = {},
): Record<string, string> {
  const offered = new Map(correctableCategories(program, identityTypes).map((c) => [c.category, c]));
  const unknown = Object.keys(byCategory).filter((c) => !offered.has(c));
  if (unknown.length) {
    throw new AppError(
      'validation_failed',
      `invalid body: body.details.category_corrections.${unknown[0]}: not data we hold about people`,
      {
        details: unknown.map((c) => ({
          path: `body.details.category_corrections.${c}`,
          message: `not data we hold about people (one of: ${[...offered.keys()].join(', ') || 'none'})`,
        })),
      },
    );
  }
  const changes: Record<string, string> = {};
  for (const [category, value] of Object.entries(byCategory))
    for (const field of offered.get(category)!.fields) changes[field] = value;
  return { ...changes, ...byField };
}

/** Refuses field changes a run could not apply, naming each bad field and what is allowed. */
export function assertCorrectableFields(
  program: Program,
  identityTypes: readonly string[],
  changes: Record<string, string>,
  path: string,
): void {
  const allowed = new Set(correctableFields(program, identityTypes).map((f) => f.field));
  const bad = Object.keys(changes).filter((f) => !allowed.has(f));
  if (bad.length === 0) return;
  throw new AppError(
    'validation_failed',
    `invalid body: ${path}.${bad[0]}: not a field a correction can change`,
    {
      details: bad.map((f) => ({
        path: `${path}.${f}`,
        message:
          'not a field a correction can change: name it as <dataset>:<collection>.<field>, of a collection the request reaches, not a primary key or reference',
      })),
    },
  );
}
