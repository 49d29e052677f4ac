import type { Program } from '../program/load-program.ts';
import type { ConsentNotice, LegalBasis } from '../program/schema.ts';

/** What the consent module needs from a program, computed once per program hash. */
export interface ConsentPurposes {
  hash: string;
  notices: Map<string, ConsentNotice>;
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
