import { en } from '../notice/i18n/en.ts';
import { type ProgramDoc, type RequestType, requestTypes } from '../program/schema.ts';
import type { JurisdictionCode } from './compute-deadlines.ts';

/** Which rights each law grants; the program's `rights.offered` narrows them further. */
const byLaw: Record<JurisdictionCode, readonly RequestType[]> = {
  gdpr: [
    'access',
    'portability',
    'erasure',
    'rectification',
    'restriction',
    'objection',
    'automated_decision',
    'do_not_contact',
  ],
  uk_gdpr: [
    'access',
    'portability',
    'erasure',
    'rectification',
    'restriction',
    'objection',
    'automated_decision',
    'do_not_contact',
  ],
  ccpa: [
    'access',
    'portability',
    'erasure',
    'rectification',
    'opt_out_sale',
    'limit_sensitive',
    'do_not_contact',
  ],
};

/** The request types a person residing under `jurisdiction` may submit, per the program. */
export function typesOffered(doc: ProgramDoc, jurisdiction: string): RequestType[] {
  if (!doc.jurisdictions.some((j) => j.code === jurisdiction)) return [];
  const law = byLaw[jurisdiction as JurisdictionCode] ?? [];
  return doc.rights.offered.filter((t) => law.includes(t));
}

/** Request types the engine runs against data stores; the rest are recorded as restrictions. */
export const engineTypes: readonly RequestType[] = ['access', 'portability', 'erasure', 'rectification'];

/** Each request type as the person's wording names it (the privacy center's English texts). */
export const requestTypeLabels = Object.fromEntries(
  requestTypes.map((t) => [t, en[`requestType.${t}`]]),
) as Record<RequestType, string>;

/** The closed list of reasons a request may be denied for; text explains each case. */
export const denialReasons = [
  'identity_not_verified',
  'manifestly_unfounded',
  'excessive',
  'legal_obligation_to_retain',
  'exemption_applies',
  'not_a_customer_request',
  'access_limit_reached',
] as const;
export type DenialReason = (typeof denialReasons)[number];

/** Each denial reason as the person is told it (English; the request mails translate it). */
export const denialReasonLabels = Object.fromEntries(
  denialReasons.map((r) => [r, en[`denial.${r}`]]),
) as Record<DenialReason, string>;

/** Objections to these processing kinds are absolute (GDPR Art. 21(3)) and applied on receipt. */
export const absoluteObjections = ['direct_marketing'] as const;
