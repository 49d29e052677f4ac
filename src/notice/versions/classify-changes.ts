import type { NoticeModel } from '../notice-model.ts';
import type { NoticeChange } from './diff-notice-models.ts';

/** A change with a plain-English summary and whether people must be told before it applies. */
export interface ClassifiedChange extends NoticeChange {
  summary: string;
  material: boolean;
  reason: string;
}

/** Approximate length of an ISO 8601 period in days, for comparing retention periods. */
export function periodDays(period: string): number | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(period);
  if (!m) return undefined;
  const [y, mo, w, d] = m.slice(1).map((v) => (v ? Number(v) : 0)) as [number, number, number, number];
  return y * 365 + mo * 30 + w * 7 + d;
}

type Retention = { period?: string; from?: string; description: string } | undefined;

function describe(value: unknown): string {
  if (value === undefined || value === null) return '(none)';
  if (typeof value === 'string') return `“${value}”`;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'object' && v && 'basis' in v)) {
    return (value as { subject?: { label: string }; basis: string }[])
      .map((b) => (b.subject ? `${b.subject.label}: ${b.basis}` : b.basis))
      .join('; ');
  }
  if (typeof value === 'object' && value && 'description' in value) {
    const r = value as { period?: string; description: string };
    return `“${r.description}”${r.period ? ` (${r.period})` : ''}`;
  }
  if (typeof value === 'object' && value && 'email' in value) return JSON.stringify(value);
  return JSON.stringify(value);
}

const fieldNames: Record<string, string> = {
  dataUse: 'data use',
  categories: 'personal data',
  subjects: 'data subjects',
  legalBases: 'legal basis',
  recipients: 'recipients',
  locations: 'locations',
  soldOrShared: 'sold or shared',
  asProcessor: 'done as processor',
  automatedDecisionMaking: 'automated decision-making',
  transferMechanism: 'transfer safeguard',
  offered: 'rights offered',
  accessLimitPerYear: 'access requests allowed per 12 months',
  authorizedAgents: 'authorized agents',
  processorRouting: 'routing of requests to business customers',
  soldOrSharedCategories: 'categories sold or shared',
  honorsGpc: 'Global Privacy Control honoured',
  euRepresentative: 'EU representative',
  ukRepresentative: 'UK representative',
  legalName: 'legal name',
  languages: 'languages the notice is published in',
  registrationNumber: 'registration number',
};

function summarize(c: NoticeChange): string {
  const what = c.field ? (fieldNames[c.field] ?? c.field.replace(/^note:/, 'note on ')) : '';
  const on = c.item ? `“${c.item.label}”: ` : '';
  if (!c.field) {
    const noun =
      { collection: 'activity', recipients: 'recipient', cookies: 'cookie' }[c.section as string] ?? 'item';
    return `${c.kind === 'added' ? 'New' : 'Removed'} ${noun} “${c.item?.label}”`;
  }
  if (c.added || c.removed) {
    const parts = [];
    if (c.added) parts.push(`added ${c.added.join(', ')}`);
    if (c.removed) parts.push(`removed ${c.removed.join(', ')}`);
    return `${on}${what}: ${parts.join('; ')}`;
  }
  return `${on}${what} changed from ${describe(c.before)} to ${describe(c.after)}`;
}

function judge(c: NoticeChange): { material: boolean; reason: string } {
  const material = (reason: string) => ({ material: true, reason });
  const editorial = (reason: string) => ({ material: false, reason });
  if (!c.field) {
    if (c.section === 'collection')
      return c.kind === 'added'
        ? material('a new processing activity, with a new purpose')
        : editorial('an activity stopped: nothing new is done with personal data');
    if (c.section === 'recipients')
      return c.kind === 'added'
        ? material('a new recipient of personal data')
        : editorial('a recipient no longer receives personal data');
    if (c.section === 'cookies') {
      if (c.kind === 'removed') return editorial('a cookie is no longer set');
      const cookie = c.after as NoticeModel['cookies'][number];
      if (cookie.category === 'essential')
        return editorial('a strictly necessary cookie, set for the site to work');
      return editorial('a cookie in an existing category, set only with consent');
    }
  }
  switch (c.field) {
    case 'purpose':
      return c.section === 'recipients'
        ? material('a recipient uses personal data for a different purpose')
        : material('the stated purpose of the processing changed');
    case 'dataUse':
      return material('the data is used for a different kind of purpose');
    case 'categories':
      if (c.section === 'recipients')
        return c.added
          ? material('a recipient receives new categories of personal data')
          : editorial('a recipient receives less data');
      return c.added
        ? material('new categories of personal data are collected')
        : editorial('less data is collected');
    case 'subjects':
      return c.added
        ? material('personal data is collected about new groups of people')
        : editorial('fewer groups of people are concerned');
    case 'legalBases':
      return material('the legal basis changed');
    case 'retention': {
      const b = c.before as Retention;
      const a = c.after as Retention;
      if (!a) return material('no retention period is stated any more');
      if (!b) return editorial('a retention period is now stated');
      const bd = b.period ? periodDays(b.period) : undefined;
      const ad = a.period ? periodDays(a.period) : undefined;
      if (bd !== undefined && ad !== undefined && ad > bd) return material('data is kept longer than before');
      if (bd !== undefined && ad !== undefined && ad < bd)
        return editorial('data is kept for less time than before');
      if (bd !== undefined && ad === undefined)
        return material('a fixed retention period was replaced by criteria that may keep data longer');
      if (b.from !== a.from) return material('the retention clock starts from a different event');
      return editorial('the retention wording changed; the period is the same');
    }
    case 'recipients':
      return c.added ? material('personal data goes to a new recipient') : editorial('fewer recipients');
    case 'locations':
      return c.added
        ? material('personal data is stored or processed in a new location')
        : editorial('fewer locations');
    case 'transferMechanism':
      return material('the safeguard for an international transfer changed');
    case 'soldOrShared':
      return c.after === true
        ? material('personal data is now sold or shared')
        : editorial('sale or sharing stopped');
    case 'soldOrSharedCategories':
      return c.added
        ? material('new categories of personal information are sold or shared')
        : editorial('less is sold or shared');
    case 'asProcessor':
      return material('the role in which the activity is done changed');
    case 'automatedDecisionMaking':
      return c.after === true
        ? material('automated decision-making is introduced')
        : editorial('automated decision-making stopped');
    case 'languages':
      return c.added
        ? editorial('the notice can be read in another language; what it says is the same')
        : editorial('the notice is no longer published in a language; what it says is the same');
    case 'offered':
      return c.removed ? material('fewer rights are offered') : editorial('more rights are offered');
    case 'fee':
      return c.after === 'none'
        ? editorial('requests are free in all cases')
        : material('a fee may now be charged');
    case 'accessLimitPerYear': {
      const b = c.before as number | undefined;
      const a = c.after as number | undefined;
      if (a !== undefined && (b === undefined || a < b)) return material('fewer access requests are allowed');
      return editorial('more access requests are allowed');
    }
    case 'authorizedAgents':
      return c.after === false
        ? material('authorized agents are no longer accepted')
        : editorial('authorized agents are accepted');
    case 'honorsGpc':
      return c.after === false
        ? material('Global Privacy Control signals are no longer honoured')
        : editorial('Global Privacy Control signals are honoured');
    case 'role':
      return c.section === 'controller'
        ? material('the organisation’s role (controller or processor) changed')
        : editorial('the recipient’s role label changed');
    default:
      break;
  }
  return editorial('wording, contact details or presentation; no new processing');
}

/** Classifies each change as material (people must be told; consent is asked again) or editorial, with the reason. */
export function classifyChanges(changes: NoticeChange[]): ClassifiedChange[] {
  return changes.map((c) => ({ ...c, summary: summarize(c), ...judge(c) }));
}
