import type { ProgramDoc, RequestType } from '../program/schema.ts';
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

export const requestTypeLabels: Record<RequestType, string> = {
  access: 'Get a copy of my personal data',
  portability: 'Receive my data in a machine-readable format',
  erasure: 'Delete my personal data',
  rectification: 'Correct my personal data',
  restriction: 'Restrict the processing of my data',
  objection: 'Object to processing of my data',
  opt_out_sale: 'Do not sell or share my personal information',
  limit_sensitive: 'Limit the use of my sensitive personal information',
  do_not_contact: 'Do not contact me',
  automated_decision: 'Ask for human review of an automated decision',
};

export const jurisdictionLabels: Record<JurisdictionCode, string> = {
  gdpr: 'European Economic Area (GDPR)',
  uk_gdpr: 'United Kingdom (UK GDPR)',
  ccpa: 'California (CCPA/CPRA)',
};

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

export const denialReasonLabels: Record<DenialReason, string> = {
  identity_not_verified: 'we could not verify your identity',
  manifestly_unfounded: 'the request is manifestly unfounded',
  excessive: 'the request is excessive, in particular because of its repetitive character',
  legal_obligation_to_retain: 'the law obliges us to keep this data',
  exemption_applies: 'a legal exemption applies',
  not_a_customer_request: 'your organisation, which controls this data, declined the request',
  access_limit_reached:
    'you have already made the number of access requests the law provides for in 12 months',
};

/** Objections to these processing kinds are absolute (GDPR Art. 21(3)) and applied on receipt. */
export const absoluteObjections = ['direct_marketing'] as const;
