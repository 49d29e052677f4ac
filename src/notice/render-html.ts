import { escapeHtml } from '../escape-html.ts';
import type { Block, Inline, NoticeDocument } from './notice-document.ts';
import { isBrandColor, noticeStylesheet } from './notice-stylesheet.ts';

/** Where the page gets its styles: a link (strict-CSP friendly, the server's choice) or inline (a standalone file). */
export type StylesheetMode = { href: string } | 'inline';

export { escapeHtml };

function safeHref(href: string): string {
  // Only web, mail and site-relative links: a program value must not smuggle in javascript: URLs.
  return /^(https?:|mailto:|\/)/i.test(href) ? href : '#';
}

function inline(parts: Inline[]): string {
  return parts
    .map((p) => {
      if (typeof p === 'string') return escapeHtml(p);
      if ('href' in p) return `<a href="${escapeHtml(safeHref(p.href))}">${escapeHtml(p.text)}</a>`;
      return `<strong>${escapeHtml(p.strong)}</strong>`;
    })
    .join('');
}

function block(b: Block, level: number): string {
  switch (b.type) {
    case 'p':
      return `<p>${inline(b.content)}</p>`;
    case 'note':
      return `<aside class="note"><p><strong>${escapeHtml(b.label)}:</strong> ${escapeHtml(b.text)}</p></aside>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`;
    case 'fields':
      return `<dl class="fields">${b.items.map((i) => `<dt>${escapeHtml(i.term)}</dt><dd>${inline(i.content)}</dd>`).join('')}</dl>`;
    case 'table': {
      const head = b.head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
      const rows = b.rows
        .map(
          (cells) =>
            `<tr>${cells.map((cell, i) => (i === 0 ? `<th scope="row">${inline(cell)}</th>` : `<td>${inline(cell)}</td>`)).join('')}</tr>`,
        )
        .join('\n');
      const cls = b.head.length > 2 ? ' class="wide"' : '';
      return `<table${cls}><caption>${escapeHtml(b.caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
    }
    case 'subsection': {
      const h = `h${Math.min(level + 1, 6)}`;
      return `<section id="${escapeHtml(b.id)}" aria-labelledby="${escapeHtml(b.id)}-h"><${h} id="${escapeHtml(b.id)}-h">${escapeHtml(b.title)}</${h}>\n${b.blocks.map((x) => block(x, level + 1)).join('\n')}\n</section>`;
    }
  }
}

/**
 * A complete HTML page: lang attribute, one h1, h2 per section and h3 below, tables with
 * captions and scoped headers, a skip link and contents. No scripts and no inline style
 * attributes, so it runs under `default-src 'none'; style-src 'self'`.
 */
export function renderHtml(doc: NoticeDocument, stylesheet: StylesheetMode = 'inline'): string {
  const title = `${doc.title} — ${doc.organization}`;
  const style =
    stylesheet === 'inline'
      ? `<style>${noticeStylesheet(doc.brandColor)}</style>`
      : `<link rel="stylesheet" href="${escapeHtml(stylesheet.href)}${isBrandColor(doc.brandColor) ? `?brand=${doc.brandColor.slice(1)}` : ''}">`;
  const toc = doc.sections
    .map((s) => `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a></li>`)
    .join('');
  const sections = doc.sections
    .map(
      (s) =>
        `<section id="${escapeHtml(s.id)}" aria-labelledby="${escapeHtml(s.id)}-h">\n<h2 id="${escapeHtml(s.id)}-h">${escapeHtml(s.title)}</h2>\n${s.blocks.map((b) => block(b, 2)).join('\n')}\n</section>`,
    )
    .join('\n');
  const logo = doc.logoUrl
    ? `<img src="${escapeHtml(safeHref(doc.logoUrl))}" alt="" width="32" height="32"> `
    : '';
  return `<!doctype html>
<html lang="${escapeHtml(doc.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${style}
</head>
<body>
<a class="skip" href="#main">${escapeHtml(doc.skipLink)}</a>
<header class="site"><div class="wrap">${logo}<p class="org">${escapeHtml(doc.organization)}</p></div></header>
<main id="main" class="wrap">
<h1>${escapeHtml(doc.title)}</h1>
<p class="meta">${doc.metaLine.map((m) => `<span>${escapeHtml(m)}</span>`).join('')}</p>
<nav class="toc" aria-labelledby="toc-h"><h2 id="toc-h">${escapeHtml(doc.tocTitle)}</h2><ol>${toc}</ol></nav>
${sections}
</main>
<footer><div class="wrap"><p>${escapeHtml(doc.organization)} · ${doc.metaLine.map(escapeHtml).join(' · ')}</p></div></footer>
</body>
</html>
`;
}
