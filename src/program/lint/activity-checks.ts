import type { Activity, LegalBasis } from '../schema.ts';
import { isUnder } from '../taxonomy.ts';
import { finding, type LintCheck, type LintFinding } from './finding.ts';

/**
 * Art. 9 special categories (and Art. 10 criminal data), as fideslang keys. A category
 * under any of these needs a `special_category_condition`.
 */
export const specialCategoryRoots = [
  'user.biometric',
  'user.health_and_medical',
  'user.demographic.political_opinion',
  'user.demographic.race_ethnicity',
  'user.demographic.religious_belief',
  'user.demographic.sexual_orientation',
  'user.criminal_history',
] as const;

export function isSpecialCategory(category: string): boolean {
  return specialCategoryRoots.some((root) => isUnder(category, root));
}

/** Every legal basis an activity states, whether one or one per data subject type. */
export function basesOf(activity: Activity): LegalBasis[] {
  if (!activity.legal_basis) return [];
  return typeof activity.legal_basis === 'string'
    ? [activity.legal_basis]
    : Object.values(activity.legal_basis);
}

/** The facts Art. 13/14 and Art. 30 require for each activity. */
export const checkActivityCompleteness: LintCheck = (program) => {
  const out: LintFinding[] = [];
  program.doc.activities.forEach((a, i) => {
    const at = (...p: PropertyKey[]) => ({ doc: ['activities', i, ...p] });
    // As a processor the customer's basis applies, not ours (Art. 28): no basis of our own to state.
    if (!a.legal_basis && !a.as_processor) {
      out.push(
        finding(
          program,
          at('key'),
          'activity-missing-legal-basis',
          'error',
          `activity "${a.key}" states no legal basis (Art. 6); add legal_basis, e.g. contract or legitimate_interests`,
        ),
      );
    }
    if (!a.retention) {
      out.push(
        finding(
          program,
          at('key'),
          'activity-missing-retention',
          'error',
          `activity "${a.key}" says nothing about how long data is kept (Art. 13(2)(a)); add retention with a period or criteria`,
        ),
      );
    }
    if (a.storage_locations.length === 0) {
      out.push(
        finding(
          program,
          at('key'),
          'activity-missing-storage-location',
          'warning',
          `activity "${a.key}" has no storage_locations; the notice and records cannot say where its data is kept`,
        ),
      );
    }
    if (!a.security_measures?.trim()) {
      out.push(
        finding(
          program,
          at('key'),
          'activity-missing-security-measures',
          'info',
          `activity "${a.key}" describes no security_measures; the records of processing need them (Art. 30(1)(g))`,
        ),
      );
    }
    if (a.data_subjects.length === 0) {
      out.push(
        finding(
          program,
          at('key'),
          'activity-missing-data-subjects',
          'warning',
          `activity "${a.key}" names no data_subjects; the records of processing need the categories of people concerned`,
        ),
      );
    }
  });
  return out;
};

/** Consent must be provable and withdrawable, which needs a consent notice to record it against. */
export const checkConsentBasisHasNotice: LintCheck = (program) => {
  const out: LintFinding[] = [];
  program.doc.activities.forEach((a, i) => {
    if (basesOf(a).includes('consent') && !a.consent_notice) {
      out.push(
        finding(
          program,
          { doc: ['activities', i, 'legal_basis'] },
          'activity-consent-without-notice',
          'error',
          `activity "${a.key}" relies on consent but names no consent_notice; consent could not be recorded or withdrawn`,
        ),
      );
    }
  });
  return out;
};

/** Legitimate interests need a recorded balancing test (Art. 6(1)(f)). */
export const checkLegitimateInterestAssessment: LintCheck = (program) => {
  const out: LintFinding[] = [];
  program.doc.activities.forEach((a, i) => {
    if (basesOf(a).includes('legitimate_interests') && !a.legitimate_interest_assessment?.trim()) {
      out.push(
        finding(
          program,
          { doc: ['activities', i, 'legal_basis'] },
          'activity-legitimate-interests-without-assessment',
          'warning',
          `activity "${a.key}" relies on legitimate interests without a legitimate_interest_assessment (the balancing note)`,
        ),
      );
    }
  });
  return out;
};

/** Special category data is prohibited unless an Art. 9(2) condition applies. */
export const checkSpecialCategoryCondition: LintCheck = (program) => {
  const out: LintFinding[] = [];
  program.doc.activities.forEach((a, i) => {
    if (a.special_category_condition?.trim()) return;
    a.data_categories.forEach((c, j) => {
      if (!isSpecialCategory(c)) return;
      out.push(
        finding(
          program,
          { doc: ['activities', i, 'data_categories', j] },
          'activity-special-category-without-condition',
          'error',
          `activity "${a.key}" processes special category data "${c}" without a special_category_condition (Art. 9(2))`,
        ),
      );
    });
  });
  return out;
};
