import type { Program } from '../load-program.ts';
import {
  checkActivityCompleteness,
  checkConsentBasisHasNotice,
  checkLegitimateInterestAssessment,
  checkSpecialCategoryCondition,
} from './activity-checks.ts';
import { checkConsentNoticeUsed } from './consent-checks.ts';
import {
  checkCookieCategoryConflicts,
  checkCookieCategoryHasNotice,
  checkCookieCompleteness,
} from './cookie-checks.ts';
import { checkDeclaredButNotStored, checkStoredButUndeclared } from './data-map-checks.ts';
import { checkErasureWithoutKey } from './erasure-checks.ts';
import type { LintCheck, LintFinding, Severity } from './finding.ts';
import { checkPrivacyContact, checkRightsOffered } from './organization-checks.ts';
import { checkRetentionEnforced, checkRetentionRuleTargets } from './retention-checks.ts';
import { checkProcessorAgreements, checkProcessorLocations, checkTransfers } from './transfer-checks.ts';

export type { LintCheck, LintFinding, Severity } from './finding.ts';

/** Every check `custodian lint` runs, in the order their findings are grouped. */
export const lintChecks: readonly LintCheck[] = [
  checkPrivacyContact,
  checkRightsOffered,
  checkActivityCompleteness,
  checkConsentBasisHasNotice,
  checkLegitimateInterestAssessment,
  checkSpecialCategoryCondition,
  checkTransfers,
  checkProcessorAgreements,
  checkProcessorLocations,
  checkStoredButUndeclared,
  checkDeclaredButNotStored,
  checkCookieCompleteness,
  checkCookieCategoryConflicts,
  checkCookieCategoryHasNotice,
  checkRetentionRuleTargets,
  checkRetentionEnforced,
  checkConsentNoticeUsed,
  checkErasureWithoutKey,
];

export interface LintResult {
  findings: LintFinding[];
  counts: Record<Severity, number>;
}

const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Runs every check on a validated program; findings sorted by severity, then file and line. */
export function lintProgram(program: Program, checks: readonly LintCheck[] = lintChecks): LintResult {
  const findings = checks.flatMap((check) => check(program));
  findings.sort(
    (a, b) =>
      rank[a.severity] - rank[b.severity] ||
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column,
  );
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return { findings, counts };
}
