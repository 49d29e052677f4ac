import { needsSafeguard } from '../program/lint/transfer-checks.ts';
import type { Program } from '../program/load-program.ts';
import type { ProgramDoc } from '../program/schema.ts';
import { labelOf, type TaxonomyKind } from '../program/taxonomy.ts';
import { programNoticeLanguages } from './notice-languages.ts';
import type { Labelled, NoticeContact, NoticeModel, NoticeRecipient } from './notice-model.ts';

type Contact = ProgramDoc['organization']['contacts']['privacy'];
type Address = ProgramDoc['organization']['addresses'][number];

/** One-line postal address, parts in the usual order. */
export function formatAddress(a: Address): string {
  return [a.street, a.city, a.region, a.postal_code, a.country].filter(Boolean).join(', ');
}

function contactOf(c: Contact | undefined): NoticeContact | undefined {
  if (!c) return undefined;
  const out: NoticeContact = {};
  if (c.name) out.name = c.name;
  if (c.email) out.email = c.email;
  if (c.phone) out.phone = c.phone;
  if (c.address) out.address = formatAddress(c.address);
  if (c.url) out.url = c.url;
  return out;
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Builds the notice model from a validated program. Retired and proposed recipients are left
 * out: a notice lists who receives data now, not who might.
 */
export function buildNoticeModel(program: Program): NoticeModel {
  const { doc, taxonomy } = program;
  const label = (kind: TaxonomyKind, key: string): Labelled => ({ key, label: labelOf(taxonomy, kind, key) });
  const org = doc.organization;
  const active = doc.processors.filter((p) => p.status === 'active');
  const activeKeys = new Set(active.map((p) => p.key));
  const orgIsProcessorOnly = org.role === 'processor';
  const asProcessor = (a: ProgramDoc['activities'][number]) => a.as_processor || orgIsProcessorOnly;

  // A sub-processor engaged through a processor used for customers serves customers too.
  const forCustomers = new Set<string>();
  for (const a of doc.activities) if (asProcessor(a)) for (const p of a.processors) forCustomers.add(p);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of active) {
      if (p.parent && forCustomers.has(p.parent) && !forCustomers.has(p.key)) {
        forCustomers.add(p.key);
        grew = true;
      }
    }
  }

  const controller: NoticeModel['controller'] = {
    name: org.name,
    addresses: org.addresses.map(formatAddress),
    role: org.role,
    privacy: contactOf(org.contacts.privacy) ?? {},
  };
  if (org.legal_name) controller.legalName = org.legal_name;
  if (org.registration_number) controller.registrationNumber = org.registration_number;
  if (org.website) controller.website = org.website;
  const dpo = contactOf(org.contacts.dpo);
  if (dpo) controller.dpo = dpo;
  const eu = contactOf(org.contacts.eu_representative);
  if (eu) controller.euRepresentative = eu;
  const uk = contactOf(org.contacts.uk_representative);
  if (uk) controller.ukRepresentative = uk;
  if (org.branding?.primary_color) controller.brandColor = org.branding.primary_color.toLowerCase();
  if (org.branding?.logo_url) controller.logoUrl = org.branding.logo_url;

  const activities = doc.activities.map((a) => {
    const subjects = a.data_subjects.map((s) => label('data_subject', s));
    const legalBases: NoticeModel['activities'][number]['legalBases'] = [];
    if (typeof a.legal_basis === 'string') legalBases.push({ basis: a.legal_basis });
    else if (a.legal_basis) {
      for (const [subject, basis] of Object.entries(a.legal_basis)) {
        legalBases.push({ subject: label('data_subject', subject), basis });
      }
    }
    const entry: NoticeModel['activities'][number] = {
      key: a.key,
      name: a.name,
      purpose: a.purpose,
      dataUse: label('data_use', a.data_use),
      categories: a.data_categories.map((c) => label('data_category', c)),
      subjects,
      legalBases,
      recipients: a.processors.filter((p) => activeKeys.has(p)),
      locations: [...a.storage_locations],
      soldOrShared: a.sold_or_shared,
      asProcessor: asProcessor(a),
      automatedDecisionMaking: a.automated_decision_making,
    };
    if (a.description) entry.description = a.description;
    if (a.source) entry.source = a.source;
    if (a.retention) {
      entry.retention = { description: a.retention.description };
      if (a.retention.period) entry.retention.period = a.retention.period;
      if (a.retention.from) entry.retention.from = a.retention.from;
    }
    return entry;
  });

  const recipients: NoticeRecipient[] = active.map((p) => {
    const r: NoticeRecipient = {
      key: p.key,
      name: p.name,
      service: p.service,
      purpose: p.purpose,
      role: p.role,
      locations: [...p.locations],
      thirdCountries: p.locations.filter(needsSafeguard),
      categories: p.data_categories.map((c) => label('data_category', c)),
      forCustomers: forCustomers.has(p.key),
    };
    if (p.transfer_mechanism) r.transferMechanism = p.transfer_mechanism;
    if (p.parent) r.parent = p.parent;
    if (p.url) r.url = p.url;
    return r;
  });

  const cookies = doc.cookies.map((c) => {
    const name = c.name ?? c.pattern ?? '';
    return {
      id: `${name}|${c.provider}|${c.category ?? 'uncategorised'}`,
      name,
      isPattern: !c.name && Boolean(c.pattern),
      provider: c.provider,
      purpose: c.purpose,
      category: c.category ?? 'uncategorised',
      party: c.party,
      ...(c.duration ? { duration: c.duration } : {}),
    };
  });

  const rights: NoticeModel['rights'] = {
    offered: [...doc.rights.offered],
    channels: doc.rights.channels.map((ch) => ({ type: ch.type, ...(ch.value ? { value: ch.value } : {}) })),
    fee: doc.rights.fee,
    authorizedAgents: doc.rights.authorized_agents,
    deadlines: doc.jurisdictions.map((j) => ({
      jurisdiction: j.code,
      ...(j.response_days ? { own: j.response_days } : {}),
    })),
  };
  if (doc.rights.access_limit_per_year) rights.accessLimitPerYear = doc.rights.access_limit_per_year;
  if (doc.rights.processor_routing) {
    rights.processorRouting = {
      subjects: doc.rights.processor_routing.data_subjects.map((s) => label('data_subject', s)),
      ...(doc.rights.processor_routing.instructions
        ? { instructions: doc.rights.processor_routing.instructions }
        : {}),
    };
  }

  const model: NoticeModel = {
    schema: 1,
    languages: programNoticeLanguages(doc),
    controller,
    authority: {
      name: org.supervisory_authority.name,
      ...(org.supervisory_authority.country ? { country: org.supervisory_authority.country } : {}),
      ...(org.supervisory_authority.url ? { url: org.supervisory_authority.url } : {}),
    },
    jurisdictions: doc.jurisdictions.map((j) => j.code),
    notes: { ...(doc.notice?.section_notes ?? {}) },
    activities,
    recipients,
    cookies,
    rights,
  };
  if (doc.notice?.introduction) model.introduction = doc.notice.introduction;

  const ccpa = doc.jurisdictions.find((j) => j.code === 'ccpa');
  if (ccpa) {
    // The CCPA covers the business's own consumers, not data it processes as a service provider.
    const own = activities.filter((a) => !a.asProcessor);
    const sold = own.filter((a) => a.soldOrShared);
    model.california = {
      categories: uniqueBy(
        own.flatMap((a) => a.categories),
        (c) => c.key,
      ),
      sources: [...new Set(own.map((a) => a.source).filter((s): s is string => Boolean(s)))],
      purposes: [...new Set(own.map((a) => a.purpose))],
      soldOrSharedCategories: uniqueBy(
        sold.flatMap((a) => a.categories),
        (c) => c.key,
      ),
      authorizedAgents: doc.rights.authorized_agents,
      honorsGpc: doc.consent_notices.some((n) => n.honors_gpc),
      ...(doc.rights.access_limit_per_year ? { accessLimitPerYear: doc.rights.access_limit_per_year } : {}),
      ...(ccpa.response_days ? { ownDeadlineDays: ccpa.response_days } : {}),
    };
  }
  return model;
}
