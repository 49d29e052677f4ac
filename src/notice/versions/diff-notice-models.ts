import { canonicalJson } from '../../governance/canonical-json.ts';
import { languageName } from '../notice-languages.ts';
import type { Labelled, NoticeActivity, NoticeModel, NoticeRecipient } from '../notice-model.ts';

export const diffSections = [
  'introduction',
  'controller',
  'collection',
  'recipients',
  'cookies',
  'rights',
  'california',
] as const;
export type DiffSection = (typeof diffSections)[number];

/**
 * One difference between two notice models, located by section, item and field. Lists are
 * compared as sets (`added`/`removed`); scalars as `before`/`after`.
 */
export interface NoticeChange {
  section: DiffSection;
  kind: 'added' | 'removed' | 'changed';
  /** The activity, recipient or cookie concerned; absent for section-level fields. */
  item?: { key: string; label: string };
  field?: string;
  before?: unknown;
  after?: unknown;
  added?: string[];
  removed?: string[];
  /** Whether business customers (we act as their processor) are affected. */
  affectsCustomers: boolean;
}

// Stored models come back from jsonb with keys reordered: compare canonically.
const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

function setDiff(before: string[], after: string[]): { added: string[]; removed: string[] } {
  const b = new Set(before);
  const a = new Set(after);
  return { added: after.filter((x) => !b.has(x)), removed: before.filter((x) => !a.has(x)) };
}

const labels = (list: Labelled[]) => list.map((l) => l.label);

/** Compares two notice models section by section (not text lines): what was added, removed or changed. */
export function diffNoticeModels(before: NoticeModel, after: NoticeModel): NoticeChange[] {
  const changes: NoticeChange[] = [];
  const field = (
    section: DiffSection,
    name: string,
    b: unknown,
    a: unknown,
    item?: { key: string; label: string },
    affectsCustomers = false,
  ) => {
    if (same(b, a)) return;
    changes.push({
      section,
      kind: b === undefined ? 'added' : a === undefined ? 'removed' : 'changed',
      field: name,
      before: b,
      after: a,
      affectsCustomers,
      ...(item ? { item } : {}),
    });
  };
  const list = (
    section: DiffSection,
    name: string,
    b: string[],
    a: string[],
    item: { key: string; label: string } | undefined,
    affectsCustomers: boolean,
  ) => {
    const d = setDiff(b, a);
    if (d.added.length === 0 && d.removed.length === 0) return;
    changes.push({
      section,
      kind: 'changed',
      field: name,
      affectsCustomers,
      ...(item ? { item } : {}),
      ...(d.added.length ? { added: d.added } : {}),
      ...(d.removed.length ? { removed: d.removed } : {}),
    });
  };

  // The languages the notice is published in, by name (a reader does not know codes).
  const languageNames = (m: NoticeModel) => m.languages.map((l) => languageName(l, 'en'));
  list('introduction', 'languages', languageNames(before), languageNames(after), undefined, false);
  field('introduction', 'introduction', before.introduction, after.introduction);
  for (const id of new Set([...Object.keys(before.notes), ...Object.keys(after.notes)])) {
    field('introduction', `note:${id}`, before.notes[id], after.notes[id]);
  }

  const bc = before.controller;
  const ac = after.controller;
  for (const k of ['name', 'legalName', 'registrationNumber', 'website', 'role'] as const) {
    field('controller', k, bc[k], ac[k], undefined, k === 'role');
  }
  list('controller', 'addresses', bc.addresses, ac.addresses, undefined, false);
  for (const k of ['privacy', 'dpo', 'euRepresentative', 'ukRepresentative'] as const) {
    field('controller', k, bc[k], ac[k], undefined, k === 'privacy' || k === 'dpo');
  }
  field('controller', 'authority', before.authority, after.authority);

  const names = new Map([...before.recipients, ...after.recipients].map((r) => [r.key, r.name]));
  const recipientName = (key: string) => names.get(key) ?? key;

  // Activities by key
  const beforeActs = new Map(before.activities.map((a) => [a.key, a]));
  const afterActs = new Map(after.activities.map((a) => [a.key, a]));
  for (const a of after.activities) {
    const b = beforeActs.get(a.key);
    const item = { key: a.key, label: a.name };
    if (!b) {
      changes.push({ section: 'collection', kind: 'added', item, after: a, affectsCustomers: a.asProcessor });
      continue;
    }
    const customers = a.asProcessor || b.asProcessor;
    const scalar = (k: keyof NoticeActivity) => field('collection', k, b[k], a[k], item, customers);
    scalar('name');
    scalar('purpose');
    scalar('description');
    field('collection', 'dataUse', b.dataUse.label, a.dataUse.label, item, customers);
    list('collection', 'categories', labels(b.categories), labels(a.categories), item, customers);
    list('collection', 'subjects', labels(b.subjects), labels(a.subjects), item, customers);
    scalar('legalBases');
    scalar('retention');
    scalar('source');
    // Recipients by name, as a reader knows them (keys are program-internal).
    list(
      'collection',
      'recipients',
      b.recipients.map(recipientName),
      a.recipients.map(recipientName),
      item,
      customers,
    );
    list('collection', 'locations', b.locations, a.locations, item, customers);
    scalar('soldOrShared');
    scalar('asProcessor');
    scalar('automatedDecisionMaking');
  }
  for (const b of before.activities) {
    if (!afterActs.has(b.key)) {
      changes.push({
        section: 'collection',
        kind: 'removed',
        item: { key: b.key, label: b.name },
        before: b,
        affectsCustomers: b.asProcessor,
      });
    }
  }

  // Recipients by key
  const beforeRec = new Map(before.recipients.map((r) => [r.key, r]));
  const afterRec = new Map(after.recipients.map((r) => [r.key, r]));
  for (const r of after.recipients) {
    const b = beforeRec.get(r.key);
    const item = { key: r.key, label: r.name };
    if (!b) {
      changes.push({
        section: 'recipients',
        kind: 'added',
        item,
        after: r,
        affectsCustomers: r.forCustomers,
      });
      continue;
    }
    const customers = r.forCustomers || b.forCustomers;
    const scalar = (k: keyof NoticeRecipient) => field('recipients', k, b[k], r[k], item, customers);
    scalar('name');
    scalar('service');
    scalar('purpose');
    scalar('role');
    scalar('parent');
    scalar('url');
    list('recipients', 'locations', b.locations, r.locations, item, customers);
    scalar('transferMechanism');
    list('recipients', 'categories', labels(b.categories), labels(r.categories), item, customers);
  }
  for (const b of before.recipients) {
    if (!afterRec.has(b.key)) {
      changes.push({
        section: 'recipients',
        kind: 'removed',
        item: { key: b.key, label: b.name },
        before: b,
        affectsCustomers: b.forCustomers,
      });
    }
  }

  // Cookies by name, provider and category
  const beforeCookies = new Map(before.cookies.map((c) => [c.id, c]));
  const afterCookies = new Map(after.cookies.map((c) => [c.id, c]));
  for (const c of after.cookies) {
    const b = beforeCookies.get(c.id);
    const item = { key: c.id, label: `${c.name} (${c.provider})` };
    if (!b) {
      changes.push({ section: 'cookies', kind: 'added', item, after: c, affectsCustomers: false });
      continue;
    }
    for (const k of ['purpose', 'duration', 'party'] as const) field('cookies', k, b[k], c[k], item);
  }
  for (const b of before.cookies) {
    if (!afterCookies.has(b.id)) {
      changes.push({
        section: 'cookies',
        kind: 'removed',
        item: { key: b.id, label: `${b.name} (${b.provider})` },
        before: b,
        affectsCustomers: false,
      });
    }
  }

  // Rights
  const br = before.rights;
  const ar = after.rights;
  list('rights', 'offered', br.offered, ar.offered, undefined, false);
  list(
    'rights',
    'channels',
    br.channels.map((c) => `${c.type}${c.value ? `: ${c.value}` : ''}`),
    ar.channels.map((c) => `${c.type}${c.value ? `: ${c.value}` : ''}`),
    undefined,
    false,
  );
  field('rights', 'fee', br.fee, ar.fee);
  field('rights', 'accessLimitPerYear', br.accessLimitPerYear, ar.accessLimitPerYear);
  field('rights', 'authorizedAgents', br.authorizedAgents, ar.authorizedAgents);
  field('rights', 'processorRouting', br.processorRouting, ar.processorRouting, undefined, true);
  field('rights', 'deadlines', br.deadlines, ar.deadlines);
  list('rights', 'jurisdictions', before.jurisdictions, after.jurisdictions, undefined, false);

  // California: only what is not derived from activities already compared above.
  const bca = before.california;
  const aca = after.california;
  if (bca || aca) {
    list(
      'california',
      'soldOrSharedCategories',
      labels(bca?.soldOrSharedCategories ?? []),
      labels(aca?.soldOrSharedCategories ?? []),
      undefined,
      false,
    );
    field('california', 'honorsGpc', bca?.honorsGpc, aca?.honorsGpc);
  }
  return changes;
}
