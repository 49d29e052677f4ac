import { escapeHtml } from '../escape-html.ts';
import { createTranslator, type NoticeLanguage } from './i18n/translator.ts';
import { languageName, languageNames } from './notice-languages.ts';
import { isBrandColor } from './notice-stylesheet.ts';

/**
 * What the server adds around a published notice when it serves it. The frozen rendering
 * (what the content hash covers) is left as it was published; these parts depend on where
 * and how it is read: the languages it can be read in, a note when the language asked for
 * is not one of them, and the form to be told of changes.
 */
export interface NoticePageChrome {
  /** The language shown. */
  lang: NoticeLanguage;
  /** The languages this version was published in, in the program's order. */
  languages: NoticeLanguage[];
  /** Absolute URL of the page without its query (hreflang alternates must be absolute). */
  pageUrl: string;
  /** The language asked for with ?lang= when this version was not published in it. */
  notPublishedIn?: string | undefined;
  /** Whether to show the form to subscribe to changes (on the current notice). */
  subscribeForm: boolean;
}

/** Puts `insert` in place of the first `marker` (kept), before or after it; unchanged when absent. */
function insertAt(html: string, marker: string, insert: string, where: 'before' | 'after'): string {
  const at = html.indexOf(marker);
  if (at < 0) return html;
  const cut = where === 'before' ? at : at + marker.length;
  return html.slice(0, cut) + insert + html.slice(cut);
}

/**
 * Links to the same page in each published language; the one shown is marked current.
 * `href` gives each language's link when the page's own `?lang=` is not it (a page shown
 * after a form post links to the page the form came from).
 */
export function languageSwitcher(
  lang: NoticeLanguage,
  languages: NoticeLanguage[],
  href: (l: NoticeLanguage) => string = (l) => `?lang=${l}`,
): string {
  if (languages.length < 2) return '';
  const label = createTranslator(lang).t('page.languages');
  const items = languages
    .map((l) => {
      const current = l === lang ? ' aria-current="true"' : '';
      return `<li><a href="${escapeHtml(href(l))}" hreflang="${l}" lang="${l}"${current}>${escapeHtml(languageNames[l])}</a></li>`;
    })
    .join('');
  return `<nav class="langs" aria-label="${escapeHtml(label)}"><ul>${items}</ul></nav>`;
}

/** The form to be emailed when the notice changes; `email` and `error` refill it after a mistake. */
export function subscribeFormHtml(
  lang: NoticeLanguage,
  state: { email?: string | undefined; error?: string | undefined; standalone?: boolean } = {},
): string {
  const { t } = createTranslator(lang);
  const describedBy = state.error ? 'subscribe-error subscribe-hint' : 'subscribe-hint';
  // On its own page the h1 already says what the form is for.
  const heading = state.standalone ? '' : `<h2 id="subscribe-h">${escapeHtml(t('subscribe.title'))}</h2>\n`;
  return `<section class="subscribe" id="subscribe"${state.standalone ? '' : ' aria-labelledby="subscribe-h"'}>
${heading}<p>${escapeHtml(t('subscribe.text'))}</p>
<form method="post" action="/privacy/subscribe">
<input type="hidden" name="lang" value="${lang}">
<label for="subscribe-email">${escapeHtml(t('subscribe.email'))}</label>
${state.error ? `<p class="field-error" id="subscribe-error" role="alert">${escapeHtml(state.error)}</p>\n` : ''}<div class="field"><input id="subscribe-email" type="email" name="email" required maxlength="254" autocomplete="email" aria-describedby="${describedBy}"${state.error ? ' aria-invalid="true"' : ''}${state.email ? ` value="${escapeHtml(state.email)}"` : ''}><button type="submit">${escapeHtml(t('subscribe.button'))}</button></div>
<p class="hint" id="subscribe-hint">${escapeHtml(t('subscribe.hint'))}</p>
</form>
</section>
`;
}

/** The published notice as served: its frozen HTML with the chrome of this reading. */
export function decorateNoticePage(html: string, chrome: NoticePageChrome): string {
  const { t } = createTranslator(chrome.lang);
  let page = html;
  if (chrome.languages.length > 1) {
    const alternates = [
      ...chrome.languages.map(
        (l) => `<link rel="alternate" hreflang="${l}" href="${escapeHtml(chrome.pageUrl)}?lang=${l}">`,
      ),
      `<link rel="alternate" hreflang="x-default" href="${escapeHtml(chrome.pageUrl)}">`,
    ].join('\n');
    page = insertAt(page, '</head>', `${alternates}\n`, 'before');
    page = insertAt(page, '</div></header>', languageSwitcher(chrome.lang, chrome.languages), 'before');
  }
  if (chrome.notPublishedIn !== undefined) {
    const note = t('page.notPublishedIn', {
      asked: languageName(chrome.notPublishedIn, chrome.lang),
      shown: languageName(chrome.lang, chrome.lang),
    });
    page = insertAt(
      page,
      '<main id="main" class="wrap">',
      `\n<p class="lang-note" role="status">${escapeHtml(note)}</p>`,
      'after',
    );
  }
  if (chrome.subscribeForm) page = insertAt(page, '</main>', subscribeFormHtml(chrome.lang), 'before');
  return page;
}

/**
 * A short page in the notice's look (same stylesheet, header and strict CSP): the steps of
 * subscribing and unsubscribing, and a version not published in the language asked for.
 */
export function noticeSubpage(input: {
  lang: NoticeLanguage;
  organization: string;
  brandColor?: string | undefined;
  title: string;
  /** Trusted HTML (callers escape what they put in). */
  body: string;
}): string {
  const brand = isBrandColor(input.brandColor) ? `?brand=${input.brandColor.slice(1)}` : '';
  return `<!doctype html>
<html lang="${input.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)} — ${escapeHtml(input.organization)}</title>
<link rel="stylesheet" href="/privacy/notice.css${brand}">
</head>
<body>
<header class="site"><div class="wrap narrow"><p class="org">${escapeHtml(input.organization)}</p></div></header>
<main id="main" class="wrap narrow">
<h1>${escapeHtml(input.title)}</h1>
${input.body}
</main>
</body>
</html>
`;
}
