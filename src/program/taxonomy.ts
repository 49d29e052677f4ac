import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** One entry of the fideslang vocabulary (data category, data use or data subject). */
export interface TaxonomyEntry {
  fides_key: string;
  name: string;
  description?: string;
  parent_key: string | null;
}

export type TaxonomyKind = 'data_category' | 'data_use' | 'data_subject';

export interface Taxonomy {
  data_category: Map<string, TaxonomyEntry>;
  data_use: Map<string, TaxonomyEntry>;
  data_subject: Map<string, TaxonomyEntry>;
}

const files: Record<TaxonomyKind, string> = {
  data_category: 'data_categories.yml',
  data_use: 'data_uses.yml',
  data_subject: 'data_subjects.yml',
};

let defaults: Taxonomy | undefined;

/** The fideslang default taxonomy (CC BY 4.0, see taxonomy/fideslang/ATTRIBUTION.md). */
export function defaultTaxonomy(): Taxonomy {
  if (defaults) return defaults;
  const load = (kind: TaxonomyKind) => {
    const url = new URL(`./taxonomy/fideslang/${files[kind]}`, import.meta.url);
    const doc = parse(readFileSync(url, 'utf8')) as Record<string, TaxonomyEntry[]>;
    return new Map((doc[kind] ?? []).map((e) => [e.fides_key, e] as const));
  };
  defaults = {
    data_category: load('data_category'),
    data_use: load('data_use'),
    data_subject: load('data_subject'),
  };
  return defaults;
}

/** The default taxonomy plus a program's custom keys. */
export function extendTaxonomy(
  custom: Partial<Record<TaxonomyKind, readonly TaxonomyEntry[]>>,
  base: Taxonomy = defaultTaxonomy(),
): Taxonomy {
  const out: Taxonomy = {
    data_category: new Map(base.data_category),
    data_use: new Map(base.data_use),
    data_subject: new Map(base.data_subject),
  };
  for (const kind of Object.keys(files) as TaxonomyKind[]) {
    for (const entry of custom[kind] ?? []) out[kind].set(entry.fides_key, entry);
  }
  return out;
}

/** True when `key` is `prefix` or one of its descendants (`user.contact` covers `user.contact.email`). */
export function isUnder(key: string, prefix: string): boolean {
  return key === prefix || key.startsWith(`${prefix}.`);
}

/** A plain-words label for a key, e.g. "Email (Contact Data)". */
export function labelOf(taxonomy: Taxonomy, kind: TaxonomyKind, key: string): string {
  return taxonomy[kind].get(key)?.name ?? key;
}
