import { z } from 'zod';
import { isoDuration, retentionRuleSchema } from './retention-rule.ts';

/**
 * The privacy program as held in `custodian.yaml`. Keys are snake_case like fideslang's;
 * vocabulary keys (data categories, uses, subjects) are fideslang fides_keys.
 */

const key = z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'a key of lowercase letters, digits, _ . -');
/** ISO 3166-1 alpha-2 country code, or a region name such as `EU` or `EEA`. */
const location = z
  .string()
  .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$|^(EU|EEA)$/, 'a country code such as IE, US or AU');

const address = z.strictObject({
  street: z.string().optional(),
  city: z.string().optional(),
  postal_code: z.string().optional(),
  region: z.string().optional(),
  country: location.optional(),
});

const contact = z.strictObject({
  name: z.string().optional(),
  email: z.email().optional(),
  phone: z.string().optional(),
  address: address.optional(),
  url: z.url().optional(),
});

export const jurisdictionCodes = ['gdpr', 'uk_gdpr', 'ccpa'] as const;

export const legalBases = [
  'consent',
  'contract',
  'legal_obligation',
  'vital_interests',
  'public_task',
  'legitimate_interests',
] as const;
export const legalBasis = z.enum(legalBases);

export const transferMechanisms = [
  'adequacy',
  'eu_us_dpf',
  'sccs',
  'uk_idta',
  'bcrs',
  'derogation',
  'none',
  'privacy_shield',
] as const;

export const requestTypes = [
  'access',
  'portability',
  'erasure',
  'rectification',
  'restriction',
  'objection',
  'opt_out_sale',
  'limit_sensitive',
  'do_not_contact',
  'automated_decision',
] as const;
export const requestType = z.enum(requestTypes);

export const cookieCategories = [
  'essential',
  'functional',
  'analytics',
  'marketing',
  'personalisation',
] as const;

const organization = z.strictObject({
  name: z.string().min(1),
  legal_name: z.string().optional(),
  registration_number: z.string().optional(),
  website: z.url().optional(),
  addresses: z.array(address).default([]),
  /** `controller`, `processor` (for customers' data) or `both` (most B2B SaaS). */
  role: z.enum(['controller', 'processor', 'both']).default('controller'),
  contacts: z.strictObject({
    dpo: contact.optional(),
    privacy: contact,
    eu_representative: contact.optional(),
    uk_representative: contact.optional(),
  }),
  supervisory_authority: z.strictObject({
    name: z.string(),
    country: location.optional(),
    url: z.url().optional(),
  }),
  branding: z
    .strictObject({
      logo_url: z.string().optional(),
      primary_color: z
        .string()
        .regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #1f4e79')
        .optional(),
    })
    .optional(),
});

const jurisdiction = z.strictObject({
  code: z.enum(jurisdictionCodes),
  /** The company's own, shorter response limit in days (the earliest of this and the law's applies). */
  response_days: z.number().int().positive().optional(),
});

const taxonomyEntry = z.strictObject({
  fides_key: z.string().min(1),
  name: z.string().min(1),
  description: z.string().optional(),
  parent_key: z.string().nullable().default(null),
});

const retentionStatement = z.strictObject({
  /** Fixed period, e.g. P90D, counted from `from`. */
  period: isoDuration.optional(),
  /** What starts the clock: "collection", "contract termination", "last activity". */
  from: z.string().optional(),
  /** The criteria in words, when no fixed period applies. */
  description: z.string(),
  /** Retention rules that enforce this statement. */
  rules: z.array(z.string()).default([]),
});

const legalBasisSpec = z.union([legalBasis, z.record(z.string(), legalBasis)]);

const activity = z.strictObject({
  key,
  name: z.string().min(1),
  description: z.string().optional(),
  data_categories: z.array(z.string()).min(1),
  data_subjects: z.array(z.string()).default([]),
  data_use: z.string(),
  purpose: z.string().min(1),
  /** One basis, or a basis per data subject type (`customer: contract`, `prospect: legitimate_interests`). */
  legal_basis: legalBasisSpec.optional(),
  legitimate_interest_assessment: z.string().optional(),
  special_category_condition: z.string().optional(),
  consent_notice: z.string().optional(),
  systems: z.array(z.string()).default([]),
  processors: z.array(z.string()).default([]),
  storage_locations: z.array(location).default([]),
  retention: retentionStatement.optional(),
  source: z.string().optional(),
  /** Whether personal data is sold or shared (CCPA) in this activity. */
  sold_or_shared: z.boolean().default(false),
  /** Processing done as a processor on behalf of customers (Art. 30(2)). */
  as_processor: z.boolean().default(false),
  automated_decision_making: z.boolean().default(false),
  security_measures: z.string().optional(),
  notes: z.string().optional(),
});

const connection = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('postgres'), url_env: z.string() }),
  z.strictObject({ type: z.literal('mysql'), url_env: z.string() }),
  z.strictObject({ type: z.literal('sqlite'), path: z.string() }),
  z.strictObject({
    type: z.literal('http'),
    url: z.url(),
    secret_env: z.string(),
  }),
  z.strictObject({
    type: z.literal('manual'),
    assignee: z.string().optional(),
    instructions: z.string().optional(),
  }),
]);

const system = z.strictObject({
  key,
  name: z.string().min(1),
  description: z.string().optional(),
  /** fides_keys of the datasets this system stores. */
  datasets: z.array(z.string()).default([]),
  connection: connection.optional(),
  locations: z.array(location).default([]),
  /** Per-customer residency: region name → location (IRIS Connect's EU/US/OCE hosting). */
  residency: z.record(z.string(), location).optional(),
  /** The processor that hosts or runs this system, if any. */
  processor: z.string().optional(),
  /** Field allow-list: the only dataset fields this integration may read. */
  allowed_fields: z.array(z.string()).optional(),
  /** How a data subject's rows tell which business customer they belong to (processor routing). */
  customer_link: z.strictObject({ dataset: z.string(), field: z.string() }).optional(),
});

const processor = z.strictObject({
  key,
  name: z.string().min(1),
  service: z.string(),
  purpose: z.string(),
  role: z.enum(['processor', 'sub_processor', 'third_party', 'joint_controller']).default('processor'),
  data_categories: z.array(z.string()).default([]),
  /** Where the processor keeps data; empty when the policy does not say (lint flags it). */
  locations: z.array(location).default([]),
  transfer_mechanism: z.enum(transferMechanisms).optional(),
  dpa: z.string().optional(),
  dpia: z.string().optional(),
  /** Processor through which this sub-processor is engaged. */
  parent: z.string().optional(),
  url: z.url().optional(),
  status: z.enum(['active', 'proposed', 'retired']).default('active'),
});

const cookie = z.strictObject({
  name: z.string().optional(),
  /** A pattern such as `_ga_*` when names vary. */
  pattern: z.string().optional(),
  provider: z.string(),
  purpose: z.string(),
  category: z.enum(cookieCategories).optional(),
  duration: z.string().optional(),
  party: z.enum(['first', 'third']).default('first'),
  /** The service the cookie belongs to, for per-service toggles in the banner. */
  service: z.string().optional(),
});

const consentNotice = z.strictObject({
  key,
  name: z.string().min(1),
  description: z.string(),
  /** Data uses this notice lets a person grant or deny. */
  data_uses: z.array(z.string()).min(1),
  /** Cookie category the banner shows this notice as. */
  cookie_category: z.enum(cookieCategories).optional(),
  /** opt_in needs a yes first; opt_out is on until refused (CCPA sale/sharing). */
  mechanism: z.enum(['opt_in', 'opt_out', 'notice_only']).default('opt_in'),
  /** Whether a GPC signal opts the person out of this notice. */
  honors_gpc: z.boolean().default(false),
  jurisdictions: z.array(z.enum(jurisdictionCodes)).optional(),
});

const rights = z.strictObject({
  offered: z.array(requestType).min(1),
  channels: z
    .array(
      z.strictObject({
        type: z.enum(['web', 'email', 'phone', 'post', 'in_app']),
        value: z.string().optional(),
      }),
    )
    .default([{ type: 'web' }]),
  /** "No fee is payable" unless a request is manifestly unfounded or excessive. */
  fee: z.enum(['none', 'reasonable_if_excessive']).default('none'),
  /** CCPA: access requests allowed per person per 12 months. */
  access_limit_per_year: z.number().int().positive().optional(),
  authorized_agents: z.boolean().default(false),
  /** Who decides for product users when the company is a processor. */
  processor_routing: z
    .strictObject({
      /** Data subject types whose requests go to the business customer. */
      data_subjects: z.array(z.string()).min(1),
      instructions: z.string().optional(),
    })
    .optional(),
});

const customer = z.strictObject({
  key,
  name: z.string(),
  privacy_contact: z.email(),
  region: z.string().optional(),
  /** Value of the customer-link field that marks this customer's users. */
  account_id: z.union([z.string(), z.number()]).optional(),
});

/**
 * Who among the company's staff may touch customer data, and how much of it: field
 * allow-lists per staff role (GroupCamp's support sees only admin names, team names,
 * counters and configuration) and purpose-bound tools (IRIS Connect's content oversight).
 */
const accessPolicies = z.strictObject({
  /** Hours a customer's approval lasts unless the request asks for less. */
  default_grant_hours: z.number().int().positive().max(720).default(24),
  /** Longest approval a staff member may ask for. */
  max_grant_hours: z.number().int().positive().max(2160).default(168),
  roles: z
    .array(
      z.strictObject({
        key,
        description: z.string().optional(),
        /** `read` or `write`; a grant cannot exceed this. */
        modes: z.array(z.enum(['read', 'write'])).default(['read']),
        /** Systems this role may ask access to; all when omitted. */
        systems: z.array(z.string()).optional(),
        /** Dataset field paths (`dataset.collection.field`, `*` for any segment) this role may see; all when omitted. */
        allowed_fields: z.array(z.string()).optional(),
        /** Whether a live customer grant is needed (true for everyone touching customer data). */
        requires_grant: z.boolean().default(true),
      }),
    )
    .default([]),
  staff: z
    .array(z.strictObject({ id: z.string().min(1), name: z.string().optional(), role: key }))
    .default([]),
  tools: z
    .array(
      z.strictObject({
        key,
        name: z.string().min(1),
        /** The one purpose the tool may be used for; every use is logged with it. */
        purpose: z.string().min(1),
        requires_grant: z.boolean().default(false),
      }),
    )
    .default([]),
});

/** How erasure treats each category: `strategy: hash` or `strategy: { type: fixed, value: "REDACTED" }`. */
const maskingStrategy = z.preprocess(
  (value) => (typeof value === 'string' ? { type: value === 'delete' ? 'delete_row' : value } : value),
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('null') }),
    z.strictObject({ type: z.literal('fixed'), value: z.string() }),
    z.strictObject({ type: z.literal('hash') }),
    z.strictObject({ type: z.literal('random'), length: z.number().int().min(4).max(256).optional() }),
    z.strictObject({ type: z.literal('delete_row') }),
  ]),
);

/**
 * The erasure policy of the program: data categories → masking strategy; the most specific
 * target wins. Anonymise (hash) rather than delete where aggregates must survive.
 */
export const erasurePolicy = z.strictObject({
  rules: z.array(z.strictObject({ target: z.string().min(1), strategy: maskingStrategy })).min(1),
});

export const programSchema = z.strictObject({
  version: z.literal(1).default(1),
  organization,
  jurisdictions: z.array(jurisdiction).min(1),
  taxonomy: z
    .strictObject({
      data_categories: z.array(taxonomyEntry).default([]),
      data_uses: z.array(taxonomyEntry).default([]),
      data_subjects: z.array(taxonomyEntry).default([]),
    })
    .optional(),
  data_subjects: z.array(z.string()).default([]),
  /** Paths (relative to custodian.yaml) of fideslang dataset files; globs allowed. */
  datasets: z.array(z.string()).default([]),
  systems: z.array(system).default([]),
  activities: z.array(activity).default([]),
  processors: z.array(processor).default([]),
  cookies: z.array(cookie).default([]),
  consent_notices: z.array(consentNotice).default([]),
  retention_rules: z.array(retentionRuleSchema).default([]),
  erasure_policy: erasurePolicy.optional(),
  rights,
  customers: z.array(customer).default([]),
  access_policies: accessPolicies.optional(),
  notice: z
    .strictObject({
      introduction: z.string().optional(),
      languages: z.array(z.enum(['en', 'fr', 'de'])).default(['en']),
      section_notes: z.record(z.string(), z.string()).default({}),
      effective_date: z.iso.date().optional(),
    })
    .optional(),
});

export type ProgramInput = z.input<typeof programSchema>;
export type ProgramDoc = z.infer<typeof programSchema>;
export type Activity = ProgramDoc['activities'][number];
export type System = ProgramDoc['systems'][number];
export type Processor = ProgramDoc['processors'][number];
export type Cookie = ProgramDoc['cookies'][number];
export type ConsentNotice = ProgramDoc['consent_notices'][number];
export type LegalBasis = z.infer<typeof legalBasis>;
export type RequestType = z.infer<typeof requestType>;
export type Connection = NonNullable<System['connection']>;
export type AccessPolicies = NonNullable<ProgramDoc['access_policies']>;
