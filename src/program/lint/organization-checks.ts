import type { RequestType } from '../schema.ts';
import { finding, type LintCheck, type LintFinding } from './finding.ts';

/** Art. 13(1)(a): people must be able to reach the controller about their data. */
export const checkPrivacyContact: LintCheck = (program) => {
  const c = program.doc.organization.contacts.privacy;
  if (c.email || c.phone || c.url || c.address) return [];
  return [
    finding(
      program,
      { doc: ['organization', 'contacts', 'privacy'] },
      'organization-missing-privacy-contact',
      'error',
      'the privacy contact has no email, phone, url or address; people cannot reach you about their data',
    ),
  ];
};

/** Rights each law requires the notice to offer (Art. 15-21 GDPR; CCPA §1798.100-125). */
const requiredRights: Record<string, readonly RequestType[]> = {
  gdpr: ['access', 'rectification', 'erasure', 'restriction', 'portability', 'objection'],
  uk_gdpr: ['access', 'rectification', 'erasure', 'restriction', 'portability', 'objection'],
  ccpa: ['access', 'erasure', 'rectification'],
};

/** Each applicable law's rights should be offered; CCPA opt-out only matters where data is sold or shared. */
export const checkRightsOffered: LintCheck = (program) => {
  const out: LintFinding[] = [];
  const offered = new Set(program.doc.rights.offered);
  const missing = new Map<RequestType, string[]>();
  for (const j of program.doc.jurisdictions) {
    const needed = [...(requiredRights[j.code] ?? [])];
    if (j.code === 'ccpa' && program.doc.activities.some((a) => a.sold_or_shared))
      needed.push('opt_out_sale');
    for (const right of needed) {
      if (offered.has(right)) continue;
      missing.set(right, [...(missing.get(right) ?? []), j.code]);
    }
  }
  for (const [right, laws] of missing) {
    out.push(
      finding(
        program,
        { doc: ['rights', 'offered'] },
        'rights-missing',
        'warning',
        `rights.offered lacks "${right}", which ${laws.join(' and ')} give${laws.length === 1 ? 's' : ''} people`,
      ),
    );
  }
  return out;
};
