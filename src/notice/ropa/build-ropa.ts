import { needsSafeguard } from '../../program/lint/transfer-checks.ts';
import type { Program } from '../../program/load-program.ts';
import type { Activity, Processor, ProgramDoc } from '../../program/schema.ts';
import { labelOf } from '../../program/taxonomy.ts';
import { formatAddress } from '../build-notice-model.ts';

/** What an empty required field shows: never a silent blank. */
export const MISSING = 'MISSING — see lint';

/**
 * Column names as a regulator reads them, in Art. 30 order. Art. 30(1) rows (controller) and
 * Art. 30(2) rows (processor, one per customer) share one table; a column that the other
 * kind of record does not have says so.
 */
export const ropaColumns = [
  'Record',
  'Processing activity',
  'Name and contact details of the controller',
  'Joint controllers',
  "Controller's representative",
  'Name and contact details of the processor',
  'Data protection officer',
  'Purposes of the processing',
  'Categories of processing carried out on behalf of the controller',
  'Legal basis',
  'Categories of data subjects',
  'Categories of personal data',
  'Categories of recipients',
  'Recipients in third countries or international organisations',
  'Transfers to third countries',
  'Transfer safeguards',
  'Time limits for erasure',
  'Technical and organisational security measures',
  'Systems',
  'Storage locations',
] as const;

export type RopaColumn = (typeof ropaColumns)[number];
export type RopaRow = Record<RopaColumn, string>;

export interface Ropa {
  organization: string;
  generatedFor: { programHash: string };
  controllerRecords: RopaRow[];
  processorRecords: RopaRow[];
  /** Rows × columns that show MISSING, for a quick count. */
  missing: { activity: string; column: RopaColumn }[];
}

const notForController = 'Not applicable (Art. 30(1) controller record)';
const notForProcessor = 'Not applicable (Art. 30(2) processor record)';

const mechanismLabels: Record<string, string> = {
  adequacy: 'Adequacy decision (Art. 45)',
  eu_us_dpf: 'EU-US Data Privacy Framework (adequacy decision, Art. 45)',
  sccs: 'Standard contractual clauses (Art. 46(2)(c))',
  uk_idta: 'UK International Data Transfer Agreement',
  bcrs: 'Binding corporate rules (Art. 47)',
  derogation: 'Derogation (Art. 49)',
  privacy_shield: 'EU-US Privacy Shield — INVALID since 16 July 2020 (Schrems II), see lint',
};

function contactText(c: ProgramDoc['organization']['contacts']['privacy'] | undefined): string {
  if (!c) return '';
  return [c.name, c.email, c.phone, c.address ? formatAddress(c.address) : undefined, c.url]
    .filter(Boolean)
    .join('; ');
}

function orFlag(value: string): string {
  return value.trim() ? value : MISSING;
}

/** Builds the records of processing (GDPR Art. 30(1) and 30(2)) from a program. */
export function buildRopa(program: Program): Ropa {
  const { doc, taxonomy } = program;
  const org = doc.organization;
  const orgText = [
    org.legal_name ?? org.name,
    ...org.addresses.map(formatAddress),
    contactText(org.contacts.privacy),
  ]
    .filter(Boolean)
    .join('; ');
  const dpo = contactText(org.contacts.dpo);
  const reps = [
    org.contacts.eu_representative ? `EU: ${contactText(org.contacts.eu_representative)}` : '',
    org.contacts.uk_representative ? `UK: ${contactText(org.contacts.uk_representative)}` : '',
  ]
    .filter(Boolean)
    .join(' | ');
  const processors = new Map(doc.processors.filter((p) => p.status !== 'retired').map((p) => [p.key, p]));
  const systems = new Map(doc.systems.map((s) => [s.key, s]));
  const category = (k: string) => `${labelOf(taxonomy, 'data_category', k)} (${k})`;
  const subject = (k: string) => labelOf(taxonomy, 'data_subject', k);
  const isProcessorActivity = (a: Activity) => a.as_processor || org.role === 'processor';

  const transfersOf = (a: Activity) => {
    const recipients = a.processors.map((k) => processors.get(k)).filter((p): p is Processor => Boolean(p));
    const abroad = recipients.filter((p) => p.locations.some(needsSafeguard));
    const covered = new Set(abroad.flatMap((p) => p.locations.filter(needsSafeguard)));
    const uncovered = a.storage_locations.filter((l) => needsSafeguard(l) && !covered.has(l));
    const transfers = [
      ...abroad.map((p) => `${p.name}: ${p.locations.filter(needsSafeguard).join(', ')}`),
      ...uncovered.map((l) => `Storage in ${l}`),
    ];
    const safeguards = [
      ...abroad.map((p) => {
        const m = p.transfer_mechanism;
        return `${p.name}: ${m && m !== 'none' ? (mechanismLabels[m] ?? m) : MISSING}`;
      }),
      ...uncovered.map((l) => `Storage in ${l}: ${MISSING}`),
    ];
    return {
      recipients,
      transfers: transfers.length ? transfers.join(' | ') : 'None',
      safeguards: safeguards.length
        ? safeguards.join(' | ')
        : 'Not required (no transfer to a third country)',
      thirdCountryRecipients: abroad.length
        ? abroad.map((p) => `${p.name} (${p.locations.filter(needsSafeguard).join(', ')})`).join('; ')
        : 'None',
    };
  };

  const recipientsText = (recipients: Processor[]) =>
    recipients.length
      ? recipients
          .map((p) => `${p.name} — ${p.role.replace('_', '-')}, ${p.service} (${p.locations.join(', ')})`)
          .join('; ')
      : 'None (internal staff only)';

  const retentionText = (a: Activity) => {
    if (!a.retention) return MISSING;
    const period = a.retention.period
      ? ` [${a.retention.period}${a.retention.from ? ` from ${a.retention.from}` : ''}]`
      : '';
    const rules = a.retention.rules.length ? ` (enforced by: ${a.retention.rules.join(', ')})` : '';
    return `${a.retention.description}${period}${rules}`;
  };

  const securityText = (a: Activity) => {
    const parts = [a.security_measures ?? ''];
    return orFlag(parts.join(''));
  };

  const systemsText = (a: Activity) =>
    a.systems.length ? a.systems.map((s) => systems.get(s)?.name ?? s).join('; ') : 'None recorded';

  const basisText = (a: Activity) => {
    if (!a.legal_basis) return MISSING;
    if (typeof a.legal_basis === 'string') return a.legal_basis;
    return Object.entries(a.legal_basis)
      .map(([s, b]) => `${subject(s)}: ${b}`)
      .join('; ');
  };

  const controllerRecords: RopaRow[] = [];
  const processorRecords: RopaRow[] = [];
  for (const a of doc.activities) {
    const t = transfersOf(a);
    const joint = t.recipients.filter((p) => p.role === 'joint_controller');
    const common = {
      'Processing activity': `${a.name} (${a.key})`,
      'Data protection officer': orFlag(dpo),
      'Categories of data subjects': orFlag(a.data_subjects.map(subject).join('; ')),
      'Categories of personal data': orFlag(a.data_categories.map(category).join('; ')),
      'Recipients in third countries or international organisations': t.thirdCountryRecipients,
      'Transfers to third countries': t.transfers,
      'Transfer safeguards': t.safeguards,
      'Technical and organisational security measures': securityText(a),
      Systems: systemsText(a),
      'Storage locations': orFlag(a.storage_locations.join(', ')),
    } satisfies Partial<RopaRow>;
    if (!isProcessorActivity(a)) {
      controllerRecords.push({
        Record: 'Art. 30(1) controller',
        ...common,
        'Name and contact details of the controller': orFlag(orgText),
        'Joint controllers': joint.length ? joint.map((p) => p.name).join('; ') : 'None',
        "Controller's representative": reps || 'None appointed',
        'Name and contact details of the processor': notForController,
        'Purposes of the processing': orFlag(a.purpose),
        'Categories of processing carried out on behalf of the controller': notForController,
        'Legal basis': basisText(a),
        'Categories of recipients': recipientsText(t.recipients),
        'Time limits for erasure': retentionText(a),
      });
      continue;
    }
    const customers = doc.customers.length
      ? doc.customers.map((c) => `${c.name}; ${c.privacy_contact}`)
      : [`${MISSING} (no customers in the program)`];
    for (const customer of customers) {
      processorRecords.push({
        Record: 'Art. 30(2) processor',
        ...common,
        'Name and contact details of the controller': customer,
        'Joint controllers': notForProcessor,
        "Controller's representative": notForProcessor,
        'Name and contact details of the processor': orFlag(orgText),
        'Purposes of the processing': notForProcessor,
        'Categories of processing carried out on behalf of the controller': `${a.name}: ${a.purpose}`,
        'Legal basis': notForProcessor,
        'Categories of recipients': `Sub-processors: ${recipientsText(t.recipients)}`,
        'Time limits for erasure': a.retention ? retentionText(a) : 'As instructed by the controller',
      });
    }
  }
  const missing: Ropa['missing'] = [];
  for (const row of [...controllerRecords, ...processorRecords]) {
    for (const column of ropaColumns) {
      if (row[column].includes(MISSING)) missing.push({ activity: row['Processing activity'], column });
    }
  }
  return {
    organization: org.legal_name ?? org.name,
    generatedFor: { programHash: program.hash },
    controllerRecords,
    processorRecords,
    missing,
  };
}
