import type { Program } from '../program/load-program.ts';
import type { ConsentNotice, Cookie, LegalBasis } from '../program/schema.ts';

/** What the consent module needs from a program, computed once per program hash. */
export interface ConsentPurposes {
  hash: string;
  notices: Map<string, ConsentNotice>;
  /** Services a person can refuse one by one: those with cookies in a notice's cookie category. */
  services: Map<string, ServiceFacts>;
  /** Everything known about one data use, memoised. */
  use(dataUse: string): UseFacts;
}

export interface UseFacts {
  dataUse: string;
  /** Notices whose data uses cover this one (equal or an ancestor). */
  notices: ConsentNotice[];
  /** Legal bases of the activities for this use other than consent. */
  otherBases: LegalBasis[];
  /** Whether any activity for this use relies on consent. */
  needsConsent: boolean;
  /** Sold or shared (CCPA), or covered by a notice that honours GPC. */
  soldOrShared: boolean;
  marketing: boolean;
  known: boolean;
}

export interface ServiceFacts {
  key: string;
  /** The provider, as the banner shows it. */
  name: string;
  /** Keys of the consent notices whose cookie category holds this service's cookies. */
  notices: string[];
}

/** A cookie's service key: its `service`, or its provider in lower case with `_` for the rest. */
export function serviceKey(cookie: Cookie): string {
  return cookie.service ?? cookie.provider.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

function servicesOf(program: Program): Map<string, ServiceFacts> {
  const services = new Map<string, ServiceFacts>();
  for (const notice of program.doc.consent_notices) {
    if (!notice.cookie_category || notice.cookie_category === 'essential') continue;
    for (const cookie of program.doc.cookies) {
      if (cookie.category !== notice.cookie_category) continue;
      const key = serviceKey(cookie);
      const service = services.get(key) ?? { key, name: cookie.provider, notices: [] };
      if (!service.notices.includes(notice.key)) service.notices.push(notice.key);
      services.set(key, service);
    }
  }
  return services;
}

/** `a` is `b` or one of its descendants in the dotted fideslang hierarchy. */
export function coversUse(ancestor: string, use: string): boolean {
  return use === ancestor || use.startsWith(`${ancestor}.`);
}

const compiled = new Map<string, ConsentPurposes>();

/** The consent view of a program, cached by program hash (programs never change under a hash). */
export function consentPurposes(program: Program): ConsentPurposes {
  const cached = compiled.get(program.hash);
  if (cached) return cached;
  const notices = new Map(program.doc.consent_notices.map((n) => [n.key, n]));
  const facts = new Map<string, UseFacts>();
  const purposes: ConsentPurposes = {
    hash: program.hash,
    notices,
    services: servicesOf(program),
    use(dataUse) {
      const known = facts.get(dataUse);
      if (known) return known;
      const notices = program.doc.consent_notices.filter((n) =>
        n.data_uses.some((u) => coversUse(u, dataUse)),
      );
      // The activities for this use or a broader one; a narrower one only when nothing covers it.
      const covering = program.doc.activities.filter((a) => coversUse(a.data_use, dataUse));
      const activities = covering.length
        ? covering
        : program.doc.activities.filter((a) => coversUse(dataUse, a.data_use));
      const bases = new Set<LegalBasis>();
      for (const a of activities) {
        if (!a.legal_basis) continue;
        if (typeof a.legal_basis === 'string') bases.add(a.legal_basis);
        else for (const b of Object.values(a.legal_basis)) bases.add(b);
      }
      const result: UseFacts = {
        dataUse,
        notices,
        otherBases: [...bases].filter((b) => b !== 'consent'),
        needsConsent: bases.has('consent'),
        soldOrShared: activities.some((a) => a.sold_or_shared) || notices.some((n) => n.honors_gpc),
        marketing: coversUse('marketing', dataUse),
        known: notices.length > 0 || activities.length > 0,
      };
      // Bounded: callers may ask about arbitrary strings.
      if (facts.size < 10_000) facts.set(dataUse, result);
      return result;
    },
  };
  if (compiled.size > 50) compiled.clear();
  compiled.set(program.hash, purposes);
  return purposes;
}
