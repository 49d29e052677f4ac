import type { ProgramDoc } from '../../program/schema.ts';
import type { BreachRow } from './present-breach.ts';

const list = (items: string[], none: string) => (items.length ? items.join(', ') : none);
const count = (n: number | null, what: string) =>
  n === null ? `${what}: not yet known` : `${what}: about ${n}`;
const day = (d: Date | string | null) =>
  d ? `${new Date(d).toISOString().replace('T', ' ').slice(0, 16)} UTC` : 'unknown';

/**
 * Notification texts generated from the register entry: to the supervisory authority with
 * what Art. 33(3) asks for, and to the people affected in the plain terms Art. 34(2) asks for.
 * They are drafts: someone reads, completes and sends them.
 */
export function breachDrafts(breach: BreachRow, doc: ProgramDoc | undefined, now: Date) {
  const org = doc?.organization;
  const contact = org?.contacts.dpo ?? org?.contacts.privacy;
  const contactLine =
    [contact?.name, contact?.email, contact?.phone].filter(Boolean).join(', ') || '[contact]';
  const late = now.getTime() > new Date(breach.due_at).getTime();
  const authority = [
    `To: ${org?.supervisory_authority.name ?? '[supervisory authority]'}`,
    `Subject: Personal data breach notification — ${org?.name ?? '[organisation]'} — ${breach.title}`,
    '',
    `1. Nature of the breach: ${breach.nature}`,
    `   Type: ${list(breach.breach_types, 'to be determined')}`,
    `   Occurred: ${day(breach.occurred_at)}; we became aware: ${day(breach.became_aware_at)}.`,
    `   Categories of data subjects: ${list(breach.data_subjects, 'to be determined')}; ${count(breach.subjects_estimate, 'approximate number of people')}.`,
    `   Categories of personal data: ${list(breach.data_categories, 'to be determined')}; ${count(breach.records_estimate, 'approximate number of records')}.`,
    `   Systems: ${list(breach.systems, 'to be determined')}. How these figures were derived: ${breach.estimate_basis}`,
    `2. Contact point: ${contactLine}.`,
    `3. Likely consequences: ${breach.consequences ?? 'being assessed'}.`,
    `4. Measures taken or proposed, including to mitigate possible adverse effects: ${breach.measures ?? 'being determined'}.`,
    breach.notify_subjects === null
      ? '5. Communication to the people affected: decision pending.'
      : `5. Communication to the people affected: ${breach.notify_subjects ? 'they will be told' : 'they will not be told'} — ${breach.notify_subjects_reason ?? ''}`,
    ...(late ? ['', 'Reasons for the delay beyond 72 hours (Art. 33(1)): [explain]'] : []),
    '',
    'Further information will follow in phases as the investigation continues (Art. 33(4)).',
  ].join('\n');
  const subjects = [
    `Subject: Important: an incident affecting your personal data at ${org?.name ?? '[organisation]'}`,
    '',
    'Hello,',
    '',
    `We are writing to tell you about a security incident that affects your personal data. ${breach.nature}`,
    '',
    `What data: ${list(breach.data_categories.map(humanCategory), 'we are still establishing this')}.`,
    `What it may mean for you: ${breach.consequences ?? 'we are still assessing this'}.`,
    `What we have done: ${breach.measures ?? 'we are taking steps to contain the incident'}.`,
    '',
    `Questions: contact ${contactLine}.`,
  ].join('\n');
  return { authority, data_subjects: subjects, late };
}

function humanCategory(key: string): string {
  const last = key.split('.').slice(-2).join(' ');
  return last.replace(/_/g, ' ');
}
