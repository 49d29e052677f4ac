import { formatDate } from '../compose-notice.ts';
import type { MessageKey } from '../i18n/en.ts';
import { createTranslator, type NoticeLanguage } from '../i18n/translator.ts';
import { escapeHtml } from '../render-html.ts';
import { type DiffSection, diffSections } from './diff-notice-models.ts';
import type { NoticeDiff } from './diff-notice-versions.ts';

const sectionTitle: Record<DiffSection, MessageKey> = {
  introduction: 'section.introduction',
  controller: 'section.controller',
  collection: 'section.collection',
  recipients: 'section.recipients',
  cookies: 'section.cookies',
  rights: 'section.rights',
  california: 'section.california',
};

/**
 * The diff as a page a person reads: per notice section, a table of what changed, whether
 * it is material and why. Same stylesheet and CSP constraints as the notice.
 */
export function renderDiffHtml(
  diff: NoticeDiff,
  options: { organization: string; brandColor?: string | undefined; lang: NoticeLanguage },
): string {
  const tr = createTranslator(options.lang);
  const lang = options.lang;
  const brand = options.brandColor ? `?brand=${options.brandColor.slice(1)}` : '';
  const material = diff.changes.filter((c) => c.material).length;
  const sections = diffSections
    .map((section) => {
      const changes = diff.changes.filter((c) => c.section === section);
      if (changes.length === 0) return '';
      const title = escapeHtml(tr.t(sectionTitle[section]));
      const rows = changes
        .map(
          (c) =>
            `<tr><th scope="row">${escapeHtml(c.summary)}</th><td>${c.material ? '<strong>Material</strong>' : 'Editorial'}</td><td>${escapeHtml(c.reason)}</td></tr>`,
        )
        .join('\n');
      return `<section id="${section}" aria-labelledby="${section}-h"><h2 id="${section}-h">${title}</h2>
<table class="wide"><caption>Changes in “${title}”</caption><thead><tr><th scope="col">Change</th><th scope="col">Kind</th><th scope="col">Why</th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
    })
    .join('\n');
  const v = (x: NoticeDiff['from']) =>
    `<a href="/privacy/v/${x.version}?lang=${lang}">version ${x.version}</a> (effective ${escapeHtml(formatDate(x.effectiveDate, 'en'))})`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Changes to the privacy notice — ${escapeHtml(options.organization)}</title>
<link rel="stylesheet" href="/privacy/notice.css${brand}">
</head>
<body>
<header class="site"><div class="wrap"><p class="org">${escapeHtml(options.organization)}</p></div></header>
<main id="main" class="wrap">
<h1>Changes to the privacy notice</h1>
<p class="meta"><span>From ${v(diff.from)} to ${v(diff.to)}</span></p>
<p>${diff.changes.length === 0 ? 'The two versions say the same thing.' : `${diff.changes.length} change${diff.changes.length === 1 ? '' : 's'}, of which ${material} material. A material change is one people must be told about before it applies: a new purpose or activity, new data, a new recipient or location, longer retention, new sale or sharing, or fewer rights.`}</p>
${sections}
</main>
</body>
</html>
`;
}
