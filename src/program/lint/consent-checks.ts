import { isUnder } from '../taxonomy.ts';
import { finding, type LintCheck, type LintFinding } from './finding.ts';

/** A consent notice asking about a use no activity has is a question with no effect. */
export const checkConsentNoticeUsed: LintCheck = (program) => {
  const out: LintFinding[] = [];
  const uses = program.doc.activities.map((a) => a.data_use);
  program.doc.consent_notices.forEach((n, i) => {
    n.data_uses.forEach((u, j) => {
      if (uses.some((a) => isUnder(a, u) || isUnder(u, a))) return;
      out.push(
        finding(
          program,
          { doc: ['consent_notices', i, 'data_uses', j] },
          'consent-notice-unused-data-use',
          'warning',
          `consent notice "${n.key}" asks about data use "${u}", which no activity has`,
        ),
      );
    });
  });
  return out;
};
