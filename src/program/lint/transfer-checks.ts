import type { Processor } from '../schema.ts';
import { finding, type LintCheck, type LintFinding } from './finding.ts';

/** EU member states plus Iceland, Liechtenstein and Norway: no transfer safeguard needed. */
// biome-ignore format: a table of country codes reads better on few lines
export const eeaCountries = new Set([
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT',
  'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'IS', 'LI', 'NO',
]);

/**
 * Countries with a European Commission adequacy decision under Art. 45. The United States
 * is adequate only for companies certified under the EU-US Data Privacy Framework, so it is
 * not listed: its transfers need `eu_us_dpf` or another safeguard.
 */
// biome-ignore format: a table of country codes reads better on one line
export const adequateCountries = new Set([
  'AD', 'AR', 'CA', 'CH', 'FO', 'GB', 'GG', 'IL', 'IM', 'JE', 'JP', 'KR', 'NZ', 'UY',
]);

/** Mechanisms a court has struck down: relying on one is no safeguard at all. */
const invalidMechanisms: Record<string, string> = {
  privacy_shield:
    'the EU-US Privacy Shield was invalidated by the CJEU (Schrems II, C-311/18, July 2020); use eu_us_dpf if the recipient is certified, or sccs',
};

function countryOf(location: string): string {
  return location.slice(0, 2);
}

/** Whether data kept in `location` leaves the EEA/UK for a country without adequacy. */
export function needsSafeguard(location: string): boolean {
  if (location === 'EU' || location === 'EEA') return false;
  const country = countryOf(location);
  return !eeaCountries.has(country) && !adequateCountries.has(country);
}

function thirdCountries(p: Processor): string[] {
  return p.locations.filter(needsSafeguard);
}

/** Chapter V: each processor outside the EEA/UK needs adequacy or a valid transfer mechanism. */
export const checkTransfers: LintCheck = (program) => {
  const out: LintFinding[] = [];
  const codes = program.doc.jurisdictions.map((j) => j.code);
  if (!codes.includes('gdpr') && !codes.includes('uk_gdpr')) return out;
  program.doc.processors.forEach((p, i) => {
    if (p.status === 'retired') return;
    const mechanism = p.transfer_mechanism;
    const at = { doc: ['processors', i, mechanism ? 'transfer_mechanism' : 'locations'] };
    const invalid = mechanism ? invalidMechanisms[mechanism] : undefined;
    if (invalid) {
      out.push(
        finding(
          program,
          at,
          'transfer-invalid-mechanism',
          'error',
          `processor "${p.key}" relies on ${mechanism}: ${invalid}`,
        ),
      );
      return;
    }
    const outside = thirdCountries(p);
    if (outside.length === 0) return;
    const where = outside.join(', ');
    if (!mechanism || mechanism === 'none') {
      out.push(
        finding(
          program,
          at,
          'transfer-missing-mechanism',
          'error',
          `processor "${p.key}" holds data in ${where}, outside the EEA/UK and without an adequacy decision, but states no transfer mechanism (sccs, eu_us_dpf, bcrs, uk_idta)`,
        ),
      );
      return;
    }
    if (mechanism === 'adequacy') {
      const us = outside.some((l) => countryOf(l) === 'US');
      out.push(
        finding(
          program,
          at,
          'transfer-adequacy-not-available',
          'error',
          `processor "${p.key}" claims adequacy but ${where} has no EU adequacy decision${us ? '; for the US, adequacy exists only for certified companies: use eu_us_dpf' : ''}`,
        ),
      );
      return;
    }
    if (mechanism === 'eu_us_dpf') {
      const notUs = outside.filter((l) => countryOf(l) !== 'US');
      if (notUs.length) {
        out.push(
          finding(
            program,
            at,
            'transfer-mechanism-not-applicable',
            'error',
            `processor "${p.key}" relies on eu_us_dpf, which covers only the United States, but also holds data in ${notUs.join(', ')}`,
          ),
        );
      }
    }
  });
  return out;
};

/** Art. 28(3): a processor acting for us needs a contract (DPA) before it is active. */
export const checkProcessorAgreements: LintCheck = (program) => {
  const out: LintFinding[] = [];
  program.doc.processors.forEach((p, i) => {
    if (p.status !== 'active') return;
    if (p.role !== 'processor' && p.role !== 'sub_processor') return;
    if (p.dpa?.trim()) return;
    out.push(
      finding(
        program,
        { doc: ['processors', i, 'key'] },
        'processor-missing-dpa',
        'warning',
        `${p.role === 'sub_processor' ? 'sub-processor' : 'processor'} "${p.key}" is active without a recorded dpa (Art. 28(3))`,
      ),
    );
  });
  return out;
};

/** Without a location neither the notice nor the transfer check can say where data goes. */
export const checkProcessorLocations: LintCheck = (program) => {
  const out: LintFinding[] = [];
  program.doc.processors.forEach((p, i) => {
    if (p.status === 'retired' || p.locations.length > 0) return;
    out.push(
      finding(
        program,
        { doc: ['processors', i, 'key'] },
        'processor-missing-location',
        'warning',
        `processor "${p.key}" has no locations; where it keeps data (and whether that is a transfer) is unknown`,
      ),
    );
  });
  return out;
};
