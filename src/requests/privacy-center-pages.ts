import { escapeHtml } from '../escape-html.ts';
import { createTranslator, type NoticeLanguage, type Translator } from '../notice/i18n/translator.ts';
import { languageName } from '../notice/notice-languages.ts';
import { languageSwitcher } from '../notice/notice-page.ts';
import { languageSwitcherStyles } from '../notice/notice-stylesheet.ts';
import type { ProgramDoc, RequestType } from '../program/schema.ts';
import type { JurisdictionCode } from './compute-deadlines.ts';
import type { CorrectableCategory } from './correctable-data.ts';
import { typesOffered } from './request-types.ts';

/** Escapes text for HTML content and attribute values. */
/** Escapes for HTML (the privacy center's short name for the shared escaper). */
export const esc = escapeHtml;

export interface FieldError {
  field: string;
  message: string;
}

/**
 * The language a privacy-center page is shown in (a language the program publishes its
 * notice in), and where its language switcher leads.
 */
export interface PageLanguage {
  lang: NoticeLanguage;
  /** The program's published languages, in its order (`notice.languages`). */
  languages: NoticeLanguage[];
  /** The GET page showing the same thing in another language (a page shown after a post links back to its form). */
  path: string;
  /** What ?lang= asked for when the program does not publish in it. */
  notPublishedIn?: string | undefined;
}

/** Staff-facing pages of the privacy center (a business customer's decision) stay English. */
export const englishPage: PageLanguage = { lang: 'en', languages: ['en'], path: '/privacy-center' };

/** `path` with `?lang=` (or `&lang=`) added, so a link or form post keeps the page's language. */
export function withLang(path: string, lang: NoticeLanguage): string {
  return `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
}

/** The translator of a page's language. */
export function pageText(page: PageLanguage): Translator['t'] {
  return createTranslator(page.lang).t;
}

/** The company page around every privacy-center view: name, logo and colour from the program. */
export function layout(doc: ProgramDoc | undefined, page: PageLanguage, title: string, body: string): string {
  const t = pageText(page);
  const name = doc?.organization.name;
  const heading = name ? t('center.title', { org: name }) : t('center.defaultTitle');
  const colour = doc?.organization.branding?.primary_color ?? '#1f4e79';
  const logo = doc?.organization.branding?.logo_url;
  const note =
    page.notPublishedIn === undefined
      ? ''
      : `<p class="lang-note" role="status">${esc(
          t('center.notPublishedIn', {
            asked: languageName(page.notPublishedIn, page.lang),
            shown: languageName(page.lang, page.lang),
          }),
        )}</p>\n`;
  return `<!doctype html>
<html lang="${page.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — ${esc(name ?? heading)}</title>
<style>
  :root { --brand: ${esc(colour)}; }
  body { font-family: system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #f6f7f9; line-height: 1.5; }
  header { background: var(--brand); color: #fff; padding: 1rem 1.5rem; display: flex; align-items: center; gap: 1rem; }
  header img { max-height: 40px; background: #fff; border-radius: 4px; padding: 2px; }
  header a { color: #fff; text-decoration: none; font-weight: 600; font-size: 1.2rem; }
  main { max-width: 44rem; margin: 2rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; }
  fieldset { border: 1px solid #ccd; border-radius: 6px; margin: 1rem 0; padding: 0.75rem 1rem; }
  label { display: block; font-weight: 600; margin-top: 0.75rem; }
  .choice label { display: inline; font-weight: normal; margin: 0 0 0 0.25rem; }
  .choice { margin: 0.3rem 0; }
  details { margin: 1rem 0; }
  summary { cursor: pointer; font-weight: 600; }
  input[type=text], input[type=email], select, textarea { width: 100%; padding: 0.5rem; border: 1px solid #889; border-radius: 4px; font: inherit; box-sizing: border-box; }
  [aria-invalid=true] { border-color: #b00020; border-width: 2px; }
  .hint { color: #555; font-size: 0.9rem; }
  .field-error { color: #b00020; font-weight: 600; }
  .error-summary { border: 2px solid #b00020; padding: 0.75rem 1rem; border-radius: 6px; }
  button { background: var(--brand); color: #fff; border: 0; padding: 0.6rem 1.4rem; border-radius: 4px; font: inherit; font-weight: 600; margin-top: 1rem; cursor: pointer; }
  button:focus, a:focus, input:focus, select:focus, textarea:focus { outline: 3px solid #ffbf47; outline-offset: 1px; }
  footer { text-align: center; color: #555; font-size: 0.85rem; padding-bottom: 2rem; }
  a.button { display: inline-block; background: var(--brand); color: #fff; padding: 0.6rem 1.4rem; border-radius: 4px; font-weight: 600; text-decoration: none; }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
  dl.facts dt { font-weight: 600; }
  dl.facts dd { margin: 0; }
  .lang-note { background: #f6f7f9; border-left: 4px solid var(--brand); padding: 0.5rem 1rem; }
${languageSwitcherStyles}
</style>
</head>
<body>
<header role="banner">${logo ? `<img src="${esc(logo)}" alt="${esc(name ?? heading)} logo">` : ''}<a href="${esc(withLang('/privacy-center', page.lang))}">${esc(heading)}</a>${languageSwitcher(page.lang, page.languages, (l) => withLang(page.path, l))}</header>
<main id="main">
${note}${body}
</main>
<footer role="contentinfo">${esc(doc?.organization.legal_name ?? name ?? heading)}${doc?.organization.contacts.privacy.email ? ` · <a href="mailto:${esc(doc.organization.contacts.privacy.email)}">${esc(doc.organization.contacts.privacy.email)}</a>` : ''}</footer>
</body>
</html>`;
}

function errorSummary(errors: FieldError[], t: Translator['t']): string {
  if (!errors.length) return '';
  return `<div class="error-summary" role="alert" tabindex="-1" id="error-summary"><h2>${esc(t('center.problem'))}</h2><ul>${errors
    .map((e) => `<li><a href="#${esc(e.field)}">${esc(e.message)}</a></li>`)
    .join('')}</ul></div>`;
}

function fieldAttrs(id: string, errors: FieldError[], hint?: string): string {
  const error = errors.find((e) => e.field === id);
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return `id="${id}" name="${id}"${error ? ' aria-invalid="true"' : ''}${described ? ` aria-describedby="${described}"` : ''}`;
}

function errorFor(id: string, errors: FieldError[]): string {
  const error = errors.find((e) => e.field === id);
  return error ? `<p class="field-error" id="${id}-error">${esc(error.message)}</p>` : '';
}

/** The form field of a correctable data category: `user.contact.email` → `fix-user-contact-email`. */
export function correctionFieldId(category: string): string {
  return `fix-${category.replace(/\./g, '-')}`;
}

/**
 * What the person says is wrong: one box per kind of data the program holds about them
 * (by label), plus their own words for anything else. A native disclosure, so it works
 * without JavaScript; open when a correction is chosen or was being typed.
 */
function correctionSection(
  values: Record<string, string>,
  errors: FieldError[],
  categories: CorrectableCategory[],
  t: Translator['t'],
) {
  const ids = ['correction', ...categories.map((c) => correctionFieldId(c.category))];
  const open =
    values.type === 'rectification' ||
    ids.some((id) => values[id]?.trim() || errors.some((e) => e.field === id));
  const boxes = categories
    .map((c) => {
      const id = correctionFieldId(c.category);
      return `<label for="${id}">${esc(c.label)}</label>
${c.description ? `<p class="hint" id="${id}-hint">${esc(c.description)}</p>` : ''}
<input type="text" maxlength="500" ${fieldAttrs(id, errors, c.description)} value="${esc(values[id])}">
${errorFor(id, errors)}`;
    })
    .join('\n');
  return `<details${open ? ' open' : ''}><summary>${esc(t('center.correctionSummary'))}</summary>
<fieldset id="corrections"><legend>${esc(t('center.correctionLegend'))}</legend>
${categories.length ? `<p class="hint">${esc(t('center.correctionHint'))}</p>\n${boxes}` : ''}
<label for="correction">${esc(t(categories.length ? 'center.correctionOther' : 'center.correctionOnly'))}</label>
<textarea rows="3" maxlength="2000" ${fieldAttrs('correction', errors)}>${esc(values.correction)}</textarea>
${errorFor('correction', errors)}
</fieldset></details>`;
}

/** The request form. `values` refills it after an error so nothing typed is lost. */
export function requestFormPage(
  doc: ProgramDoc,
  page: PageLanguage,
  values: Record<string, string>,
  errors: FieldError[] = [],
  options: { agents: boolean; corrections: CorrectableCategory[] },
): string {
  const t = pageText(page);
  const jurisdictions = doc.jurisdictions.map((j) => j.code as JurisdictionCode);
  const allTypes: RequestType[] = [];
  for (const j of jurisdictions)
    for (const t of typesOffered(doc, j)) if (!allTypes.includes(t)) allTypes.push(t);
  const typeOptions = allTypes
    .map((type) => {
      const where = jurisdictions.filter((j) => typesOffered(doc, j).includes(type));
      const note =
        where.length < jurisdictions.length
          ? ` (${where.map((j) => t(`jurisdiction.${j}`)).join(', ')})`
          : '';
      return `<div class="choice"><input type="radio" id="type-${type}" name="type" value="${type}"${values.type === type ? ' checked' : ''}><label for="type-${type}">${esc(t(`requestType.${type}`))}${esc(note)}</label></div>`;
    })
    .join('');
  const typeError = errors.find((e) => e.field === 'type');
  return layout(
    doc,
    page,
    t('center.formTitle'),
    `<h1>${esc(t('center.formTitle'))}</h1>
<p>${esc(t('center.formIntro', { org: doc.organization.name }))}</p>
${errorSummary(errors, t)}
<form method="post" action="${esc(withLang('/privacy-center/requests', page.lang))}" enctype="multipart/form-data" novalidate>
<fieldset id="type"${typeError ? ' aria-invalid="true" aria-describedby="type-error"' : ''}>
<legend>${esc(t('center.typeLegend'))}</legend>
${errorFor('type', errors)}
${typeOptions}
</fieldset>
<label for="jurisdiction">${esc(t('center.jurisdiction'))}</label>
<select ${fieldAttrs('jurisdiction', errors)}>
${jurisdictions.map((j) => `<option value="${j}"${values.jurisdiction === j ? ' selected' : ''}>${esc(t(`jurisdiction.${j}`))}</option>`).join('')}
</select>
${errorFor('jurisdiction', errors)}
<label for="email">${esc(t('center.email'))}</label>
<p class="hint" id="email-hint">${esc(t('center.emailHint'))}</p>
<input type="email" autocomplete="email" maxlength="254" ${fieldAttrs('email', errors, 'hint')} value="${esc(values.email)}">
${errorFor('email', errors)}
<label for="name">${esc(t('center.name'))}</label>
<input type="text" autocomplete="name" maxlength="200" ${fieldAttrs('name', errors)} value="${esc(values.name)}">
${errorFor('name', errors)}
<label for="phone_number">${esc(t('center.phone'))}</label>
<input type="text" autocomplete="tel" maxlength="50" ${fieldAttrs('phone_number', errors)} value="${esc(values.phone_number)}">
${errorFor('phone_number', errors)}
${correctionSection(values, errors, options.corrections, t)}
<fieldset><legend>${esc(t('center.objectionLegend'))}</legend>
<div class="choice"><input type="checkbox" id="object-direct-marketing" name="processing" value="direct_marketing"${values.processing?.includes('direct_marketing') ? ' checked' : ''}><label for="object-direct-marketing">${esc(t('center.directMarketing'))}</label></div>
<label for="processing_other">${esc(t('center.processingOther'))}</label>
<input type="text" maxlength="100" ${fieldAttrs('processing_other', errors)} value="${esc(values.processing_other)}">
${errorFor('processing', errors)}
</fieldset>
<label for="note">${esc(t('center.note'))}</label>
<textarea rows="3" maxlength="2000" ${fieldAttrs('note', errors)}>${esc(values.note)}</textarea>
${errorFor('note', errors)}
${
  options.agents
    ? `<fieldset><legend>${esc(t('center.agentLegend'))}</legend>
<p class="hint">${esc(t('center.agentHint'))}</p>
<label for="agent_name">${esc(t('center.agentName'))}</label>
<input type="text" maxlength="200" ${fieldAttrs('agent_name', errors)} value="${esc(values.agent_name)}">
${errorFor('agent_name', errors)}
<label for="agent_email">${esc(t('center.agentEmail'))}</label>
<input type="email" maxlength="254" ${fieldAttrs('agent_email', errors)} value="${esc(values.agent_email)}">
${errorFor('agent_email', errors)}
<label for="permission">${esc(t('center.permission'))}</label>
<input type="file" accept=".pdf,image/*" ${fieldAttrs('permission', errors)}>
${errorFor('permission', errors)}
</fieldset>`
    : ''
}
<button type="submit">${esc(t('center.submit'))}</button>
</form>`,
  );
}

export function codeFormPage(
  doc: ProgramDoc | undefined,
  page: PageLanguage,
  requestId: string,
  minutes: number,
  errors: FieldError[] = [],
  notice?: string,
): string {
  const t = pageText(page);
  const base = `/privacy-center/requests/${requestId}`;
  return layout(
    doc,
    page,
    t('center.codeTitle'),
    `<h1>${esc(t('center.codeHeading'))}</h1>
<p>${esc(t('center.codeIntro', { minutes }))}</p>
${notice ? `<p role="status">${esc(notice)}</p>` : ''}
${errorSummary(errors, t)}
<form method="post" action="${esc(withLang(`${base}/verify`, page.lang))}" novalidate>
<label for="code">${esc(t('center.codeLabel'))}</label>
<input type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" ${fieldAttrs('code', errors)}>
${errorFor('code', errors)}
<button type="submit">${esc(t('center.codeSubmit'))}</button>
</form>
<form method="post" action="${esc(withLang(`${base}/resend`, page.lang))}">
<button type="submit">${esc(t('center.codeResend'))}</button>
</form>`,
  );
}

export function messagePage(
  doc: ProgramDoc | undefined,
  page: PageLanguage,
  title: string,
  paragraphs: string[],
): string {
  const t = pageText(page);
  return layout(
    doc,
    page,
    title,
    `<h1>${esc(title)}</h1>${paragraphs.map((p) => `<p>${esc(p)}</p>`).join('')}<p><a href="${esc(withLang('/privacy-center', page.lang))}">${esc(t('center.back'))}</a></p>`,
  );
}
