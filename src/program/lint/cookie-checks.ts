import { finding, type LintCheck, type LintFinding } from './finding.ts';

/** A banner needs a category and the notice a duration for every cookie (ePrivacy Art. 5(3)). */
export const checkCookieCompleteness: LintCheck = (program) => {
  const out: LintFinding[] = [];
  program.doc.cookies.forEach((c, i) => {
    const label = c.name ?? c.pattern;
    const at = { doc: ['cookies', i] };
    if (!label) {
      out.push(
        finding(program, at, 'cookie-missing-name', 'error', 'cookie has neither a name nor a pattern'),
      );
    }
    if (!c.category) {
      out.push(
        finding(
          program,
          at,
          'cookie-missing-category',
          'warning',
          `cookie "${label ?? '?'}" has no category; the banner cannot tell whether it needs consent`,
        ),
      );
    }
    if (!c.duration?.trim()) {
      out.push(
        finding(
          program,
          at,
          'cookie-missing-duration',
          'warning',
          `cookie "${label ?? '?'}" has no duration; the cookie notice must say how long it lasts`,
        ),
      );
    }
  });
  return out;
};

/** One cookie name in two categories: refusing one category would still leave it set. */
export const checkCookieCategoryConflicts: LintCheck = (program) => {
  const out: LintFinding[] = [];
  const first = new Map<string, { category: string; index: number }>();
  const reported = new Set<string>();
  program.doc.cookies.forEach((c, i) => {
    const name = c.name ?? c.pattern;
    if (!name || !c.category) return;
    const seen = first.get(name);
    if (!seen) {
      first.set(name, { category: c.category, index: i });
      return;
    }
    if (seen.category === c.category || reported.has(`${name}\u0000${c.category}`)) return;
    reported.add(`${name}\u0000${c.category}`);
    out.push(
      finding(
        program,
        { doc: ['cookies', i, 'category'] },
        'cookie-conflicting-category',
        'warning',
        `cookie "${name}" is listed as ${seen.category} (cookies[${seen.index}]) and as ${c.category}; a person who refuses one category would still get it`,
      ),
    );
  });
  return out;
};

/**
 * Every non-essential cookie needs prior consent (ePrivacy Art. 5(3)); the banner asks for
 * it through the consent notice shown for that cookie category.
 */
export const checkCookieCategoryHasNotice: LintCheck = (program) => {
  const out: LintFinding[] = [];
  const covered = new Set(program.doc.consent_notices.map((n) => n.cookie_category).filter(Boolean));
  const reported = new Set<string>();
  program.doc.cookies.forEach((c, i) => {
    if (!c.category || c.category === 'essential' || covered.has(c.category) || reported.has(c.category))
      return;
    reported.add(c.category);
    out.push(
      finding(
        program,
        { doc: ['cookies', i, 'category'] },
        'cookie-category-without-consent-notice',
        'warning',
        `cookies in category "${c.category}" (first: "${c.name ?? c.pattern ?? '?'}") need prior consent, but no consent notice has cookie_category: ${c.category}`,
      ),
    );
  });
  return out;
};
