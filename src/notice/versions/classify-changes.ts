import type { MessageKey } from '../i18n/en.ts';
import {
  createTranslator,
  type NoticeLanguage,
  noticeLanguages,
  type Translator,
} from '../i18n/translator.ts';
import { languageName } from '../notice-languages.ts';
import type { NoticeModel } from '../notice-model.ts';
import type { NoticeChange } from './diff-notice-models.ts';

type Text = Translator['t'];

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

function describe(value: unknown, t: Text): string {
  if (value === undefined || value === null) return t('change.none');
  if (typeof value === 'string') return t('change.quoted', { text: value });
  if (typeof value === 'boolean') return t(value ? 'change.yes' : 'change.no');
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'object' && v && 'basis' in v)) {
    return (value as { subject?: { label: string }; basis: string }[])
      .map((b) => (b.subject ? `${b.subject.label}: ${b.basis}` : b.basis))
      .join('; ');
  }
  if (typeof value === 'object' && value && 'description' in value) {
    const r = value as { period?: string; description: string };
    return `${t('change.quoted', { text: r.description })}${r.period ? ` (${r.period})` : ''}`;
  }
  return JSON.stringify(value);
}

/** The fields Custodian names in a summary (others, and notes, by their key). */
const namedFields = new Set<string>([
  'dataUse',
  'categories',
  'subjects',
  'legalBases',
  'recipients',
  'locations',
  'soldOrShared',
  'asProcessor',
  'automatedDecisionMaking',
  'transferMechanism',
  'offered',
  'accessLimitPerYear',
  'authorizedAgents',
  'processorRouting',
  'soldOrSharedCategories',
  'honorsGpc',
  'euRepresentative',
  'ukRepresentative',
  'legalName',
  'languages',
  'registrationNumber',
  'name',
  'purpose',
  'description',
  'retention',
  'source',
  'service',
  'role',
  'parent',
  'url',
  'website',
  'addresses',
  'privacy',
  'dpo',
  'authority',
  'introduction',
  'fee',
]);

function fieldName(field: string, t: Text): string {
  if (namedFields.has(field)) return t(`change.field.${field}` as MessageKey);
  if (field.startsWith('note:')) return t('change.noteOn', { id: field.slice('note:'.length) });
  return field;
}

/** Language names are Custodian's (written in English when the change was found): in `lang`. */
function valuesOf(c: NoticeChange, values: string[], lang: NoticeLanguage): string {
  if (c.field !== 'languages') return values.join(', ');
  return values
    .map((v) => {
      const code = noticeLanguages.find((l) => languageName(l, 'en') === v);
      return code ? languageName(code, lang) : v;
    })
    .join(', ');
}

function summarize(c: NoticeChange, t: Text, lang: NoticeLanguage): string {
  if (!c.field) {
    const noun =
      ({ collection: 'activity', recipients: 'recipient', cookies: 'cookie' } as const)[
        c.section as 'collection' | 'recipients' | 'cookies'
      ] ?? 'item';
    return t(`change.${c.kind === 'added' ? 'new' : 'removed'}.${noun}`, {
      label: c.item?.label ?? 'undefined',
    });
  }
  const what = fieldName(c.field, t);
  let change: string;
  if (c.added || c.removed) {
    const parts = [];
    if (c.added) parts.push(t('change.addedValues', { values: valuesOf(c, c.added, lang) }));
    if (c.removed) parts.push(t('change.removedValues', { values: valuesOf(c, c.removed, lang) }));
    change = t('change.listed', { what, parts: parts.join('; ') });
  } else {
    change = t('change.valueChanged', { what, before: describe(c.before, t), after: describe(c.after, t) });
  }
  return c.item ? t('change.ofItem', { label: c.item.label, change }) : change;
}

type Reason =
  | 'newActivity'
  | 'activityStopped'
  | 'newRecipient'
  | 'recipientGone'
  | 'cookieGone'
  | 'essentialCookie'
  | 'consentCookie'
  | 'recipientPurpose'
  | 'purpose'
  | 'dataUse'
  | 'recipientNewCategories'
  | 'recipientLessData'
  | 'newCategories'
  | 'lessData'
  | 'newSubjects'
  | 'fewerSubjects'
  | 'legalBasis'
  | 'noRetention'
  | 'retentionStated'
  | 'keptLonger'
  | 'keptShorter'
  | 'retentionCriteria'
  | 'retentionClock'
  | 'retentionWording'
  | 'newRecipientOfData'
  | 'fewerRecipients'
  | 'newLocation'
  | 'fewerLocations'
  | 'transferSafeguard'
  | 'nowSold'
  | 'saleStopped'
  | 'newSoldCategories'
  | 'lessSold'
  | 'processorRole'
  | 'automatedIntroduced'
  | 'automatedStopped'
  | 'languageAdded'
  | 'languageRemoved'
  | 'fewerRights'
  | 'moreRights'
  | 'feeFree'
  | 'fee'
  | 'fewerAccess'
  | 'moreAccess'
  | 'agentsRefused'
  | 'agentsAccepted'
  | 'gpcDropped'
  | 'gpcHonoured'
  | 'controllerRole'
  | 'recipientRoleLabel'
  | 'editorial';

function judge(c: NoticeChange): { material: boolean; reason: Reason } {
  const material = (reason: Reason) => ({ material: true, reason });
  const editorial = (reason: Reason) => ({ material: false, reason });
  if (!c.field) {
    if (c.section === 'collection')
      return c.kind === 'added' ? material('newActivity') : editorial('activityStopped');
    if (c.section === 'recipients')
      return c.kind === 'added' ? material('newRecipient') : editorial('recipientGone');
    if (c.section === 'cookies') {
      if (c.kind === 'removed') return editorial('cookieGone');
      const cookie = c.after as NoticeModel['cookies'][number];
      if (cookie.category === 'essential') return editorial('essentialCookie');
      return editorial('consentCookie');
    }
  }
  switch (c.field) {
    case 'purpose':
      return c.section === 'recipients' ? material('recipientPurpose') : material('purpose');
    case 'dataUse':
      return material('dataUse');
    case 'categories':
      if (c.section === 'recipients')
        return c.added ? material('recipientNewCategories') : editorial('recipientLessData');
      return c.added ? material('newCategories') : editorial('lessData');
    case 'subjects':
      return c.added ? material('newSubjects') : editorial('fewerSubjects');
    case 'legalBases':
      return material('legalBasis');
    case 'retention': {
      const b = c.before as Retention;
      const a = c.after as Retention;
      if (!a) return material('noRetention');
      if (!b) return editorial('retentionStated');
      const bd = b.period ? periodDays(b.period) : undefined;
      const ad = a.period ? periodDays(a.period) : undefined;
      if (bd !== undefined && ad !== undefined && ad > bd) return material('keptLonger');
      if (bd !== undefined && ad !== undefined && ad < bd) return editorial('keptShorter');
      if (bd !== undefined && ad === undefined) return material('retentionCriteria');
      if (b.from !== a.from) return material('retentionClock');
      return editorial('retentionWording');
    }
    case 'recipients':
      return c.added ? material('newRecipientOfData') : editorial('fewerRecipients');
    case 'locations':
      return c.added ? material('newLocation') : editorial('fewerLocations');
    case 'transferMechanism':
      return material('transferSafeguard');
    case 'soldOrShared':
      return c.after === true ? material('nowSold') : editorial('saleStopped');
    case 'soldOrSharedCategories':
      return c.added ? material('newSoldCategories') : editorial('lessSold');
    case 'asProcessor':
      return material('processorRole');
    case 'automatedDecisionMaking':
      return c.after === true ? material('automatedIntroduced') : editorial('automatedStopped');
    case 'languages':
      return c.added ? editorial('languageAdded') : editorial('languageRemoved');
    case 'offered':
      return c.removed ? material('fewerRights') : editorial('moreRights');
    case 'fee':
      return c.after === 'none' ? editorial('feeFree') : material('fee');
    case 'accessLimitPerYear': {
      const b = c.before as number | undefined;
      const a = c.after as number | undefined;
      if (a !== undefined && (b === undefined || a < b)) return material('fewerAccess');
      return editorial('moreAccess');
    }
    case 'authorizedAgents':
      return c.after === false ? material('agentsRefused') : editorial('agentsAccepted');
    case 'honorsGpc':
      return c.after === false ? material('gpcDropped') : editorial('gpcHonoured');
    case 'role':
      return c.section === 'controller' ? material('controllerRole') : editorial('recipientRoleLabel');
    default:
      break;
  }
  return editorial('editorial');
}

const english = createTranslator('en').t;

/** Classifies each change as material (people must be told; consent is asked again) or editorial, with the reason. */
export function classifyChanges(changes: NoticeChange[]): ClassifiedChange[] {
  return changes.map((c) => {
    const { material, reason } = judge(c);
    return {
      ...c,
      summary: summarize(c, english, 'en'),
      material,
      reason: english(`change.reason.${reason}`),
    };
  });
}

/**
 * A recorded change's summary and reason in `lang`: Custodian's sentences translated, the
 * names, values and wording the company wrote put in as written. A summary or reason this
 * version of Custodian would not have written (recorded by an older one) stays as recorded.
 */
export function changeInLanguage(
  c: ClassifiedChange,
  lang: NoticeLanguage,
): { summary: string; reason: string } {
  const t = createTranslator(lang).t;
  const { reason } = judge(c);
  return {
    summary: summarize(c, english, 'en') === c.summary ? summarize(c, t, lang) : c.summary,
    reason: english(`change.reason.${reason}`) === c.reason ? t(`change.reason.${reason}`) : c.reason,
  };
}
