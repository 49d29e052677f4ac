import type { LegalBasis, RequestType } from '../program/schema.ts';
import type { NoticeLanguage } from './i18n/translator.ts';

/**
 * The notice as structured, language-neutral data. It is built from the program alone, so a
 * notice can never say what the program does not hold; renderers turn it into HTML and
 * Markdown in each language, and versions are diffed on this model, not on text.
 */
export interface NoticeModel {
  schema: 1;
  /** The languages the notice is published in (`notice.languages`); the first is the default. */
  languages: NoticeLanguage[];
  controller: NoticeController;
  authority: { name: string; country?: string; url?: string };
  jurisdictions: string[];
  introduction?: string;
  /** Free-text notes per section id, from `notice.section_notes`. */
  notes: Record<string, string>;
  activities: NoticeActivity[];
  recipients: NoticeRecipient[];
  cookies: NoticeCookie[];
  rights: NoticeRights;
  /** Present only when the CCPA is one of the program's jurisdictions. */
  california?: NoticeCalifornia;
}

/** A taxonomy key with its plain-words label. */
export interface Labelled {
  key: string;
  label: string;
}

export interface NoticeContact {
  name?: string;
  email?: string;
  phone?: string;
  address?: string;
  url?: string;
}

export interface NoticeController {
  name: string;
  legalName?: string;
  registrationNumber?: string;
  website?: string;
  addresses: string[];
  role: 'controller' | 'processor' | 'both';
  privacy: NoticeContact;
  dpo?: NoticeContact;
  euRepresentative?: NoticeContact;
  ukRepresentative?: NoticeContact;
  brandColor?: string;
  logoUrl?: string;
}

export interface NoticeActivity {
  key: string;
  name: string;
  purpose: string;
  description?: string;
  dataUse: Labelled;
  categories: Labelled[];
  subjects: Labelled[];
  /** One entry per subject type when the basis differs by subject; `subject` absent when one basis applies to all. */
  legalBases: { subject?: Labelled; basis: LegalBasis }[];
  retention?: { period?: string; from?: string; description: string };
  source?: string;
  /** Keys of the recipients (processors) involved. */
  recipients: string[];
  locations: string[];
  soldOrShared: boolean;
  asProcessor: boolean;
  automatedDecisionMaking: boolean;
}

export interface NoticeRecipient {
  key: string;
  name: string;
  service: string;
  purpose: string;
  role: 'processor' | 'sub_processor' | 'third_party' | 'joint_controller';
  locations: string[];
  /** Locations outside the EEA/UK without an adequacy decision. */
  thirdCountries: string[];
  transferMechanism?: string;
  parent?: string;
  categories: Labelled[];
  url?: string;
  /** Used by an activity done as processor for business customers (their contacts must hear of changes). */
  forCustomers: boolean;
}

export interface NoticeCookie {
  /** Stable identity across versions: name (or pattern) and provider. */
  id: string;
  name: string;
  isPattern: boolean;
  provider: string;
  purpose: string;
  category: string;
  duration?: string;
  party: 'first' | 'third';
}

export interface NoticeRights {
  offered: RequestType[];
  channels: { type: string; value?: string }[];
  fee: 'none' | 'reasonable_if_excessive';
  accessLimitPerYear?: number;
  authorizedAgents: boolean;
  processorRouting?: { subjects: Labelled[]; instructions?: string };
  /** Response limits per jurisdiction in days; `own` is the company's shorter promise. */
  deadlines: { jurisdiction: string; own?: number }[];
}

export interface NoticeCalifornia {
  categories: Labelled[];
  sources: string[];
  purposes: string[];
  /** Categories sold or shared (CCPA) in the last 12 months; empty when none. */
  soldOrSharedCategories: Labelled[];
  accessLimitPerYear?: number;
  authorizedAgents: boolean;
  /** Whether a Global Privacy Control signal is honoured as an opt-out of sale/sharing. */
  honorsGpc: boolean;
  ownDeadlineDays?: number;
}

/** When and as what a notice is rendered: the version fields shown at the top and bottom. */
export interface NoticeMeta {
  /** Published version number; absent for a preview. */
  version?: number;
  effectiveDate?: string;
  lastUpdated?: string;
}
