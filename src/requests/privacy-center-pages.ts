import { escapeHtml } from '../escape-html.ts';
import type { ProgramDoc, RequestType } from '../program/schema.ts';
import type { JurisdictionCode } from './compute-deadlines.ts';
import type { CorrectableCategory } from './correctable-data.ts';
import { jurisdictionLabels, requestTypeLabels, typesOffered } from './request-types.ts';

/** Escapes text for HTML content and attribute values. */
/** Escapes for HTML (the privacy center's short name for the shared escaper). */
export const esc = escapeHtml;

export interface FieldError {
  field: string;
  message: string;
}

/** The company page around every privacy-center view: name, logo and colour from the program. */
export function layout(doc: ProgramDoc | undefined, title: string, body: string): string {
  const name = doc?.organization.name ?? 'Privacy center';
  const colour = doc?.organization.branding?.primary_color ?? '#1f4e79';
  const logo = doc?.organization.branding?.logo_url;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — ${esc(name)}</title>
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
</style>
</head>
<body>
<header role="banner">${logo ? `<img src="${esc(logo)}" alt="${esc(name)} logo">` : ''}<a href="/privacy-center">${esc(name)} privacy center</a></header>
<main id="main">
${body}
</main>
<footer role="contentinfo">${esc(doc?.organization.legal_name ?? name)}${doc?.organization.contacts.privacy.email ? ` · <a href="mailto:${esc(doc.organization.contacts.privacy.email)}">${esc(doc.organization.contacts.privacy.email)}</a>` : ''}</footer>
</body>
</html>`;
}

function errorSummary(errors: FieldError[]): string {
  if (!errors.length) return '';
  return `<div class="error-summary" role="alert" tabindex="-1" id="error-summary"><h2>There is a problem</h2><ul>${errors
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
  return `<details${open ? ' open' : ''}><summary>Correcting your data? Tell us what is wrong</summary>
<fieldset id="corrections"><legend>Which of your data is wrong?</legend>
${categories.length ? `<p class="hint">Write the correct value for each item that is wrong, and leave the others empty.</p>\n${boxes}` : ''}
<label for="correction">${categories.length ? 'Something else: what is wrong and what should it say?' : 'What is wrong and what should it say?'}</label>
<textarea rows="3" maxlength="2000" ${fieldAttrs('correction', errors)}>${esc(values.correction)}</textarea>
${errorFor('correction', errors)}
</fieldset></details>`;
}

/** The request form. `values` refills it after an error so nothing typed is lost. */
export function requestFormPage(
  doc: ProgramDoc,
  values: Record<string, string>,
  errors: FieldError[] = [],
  options: { agents: boolean; corrections: CorrectableCategory[] },
): string {
  const jurisdictions = doc.jurisdictions.map((j) => j.code as JurisdictionCode);
  const allTypes: RequestType[] = [];
  for (const j of jurisdictions)
    for (const t of typesOffered(doc, j)) if (!allTypes.includes(t)) allTypes.push(t);
  const typeOptions = allTypes
    .map((t) => {
      const where = jurisdictions.filter((j) => typesOffered(doc, j).includes(t));
      const note =
        where.length < jurisdictions.length ? ` (${where.map((j) => jurisdictionLabels[j]).join(', ')})` : '';
      return `<div class="choice"><input type="radio" id="type-${t}" name="type" value="${t}"${values.type === t ? ' checked' : ''}><label for="type-${t}">${esc(requestTypeLabels[t])}${esc(note)}</label></div>`;
    })
    .join('');
  const typeError = errors.find((e) => e.field === 'type');
  return layout(
    doc,
    'Make a privacy request',
    `<h1>Make a privacy request</h1>
<p>Use this form to exercise your rights over the personal data ${esc(doc.organization.name)} holds about you. It is free of charge. We will email you a code to confirm it is you.</p>
${errorSummary(errors)}
<form method="post" action="/privacy-center/requests" enctype="multipart/form-data" novalidate>
<fieldset id="type"${typeError ? ' aria-invalid="true" aria-describedby="type-error"' : ''}>
<legend>What would you like us to do?</legend>
${errorFor('type', errors)}
${typeOptions}
</fieldset>
<label for="jurisdiction">Where do you live?</label>
<select ${fieldAttrs('jurisdiction', errors)}>
${jurisdictions.map((j) => `<option value="${j}"${values.jurisdiction === j ? ' selected' : ''}>${esc(jurisdictionLabels[j])}</option>`).join('')}
</select>
${errorFor('jurisdiction', errors)}
<label for="email">Your email address</label>
<p class="hint" id="email-hint">We send the confirmation code and our answer here.</p>
<input type="email" autocomplete="email" maxlength="254" ${fieldAttrs('email', errors, 'hint')} value="${esc(values.email)}">
${errorFor('email', errors)}
<label for="name">Your full name (optional)</label>
<input type="text" autocomplete="name" maxlength="200" ${fieldAttrs('name', errors)} value="${esc(values.name)}">
${errorFor('name', errors)}
<label for="phone_number">Phone number we may know you by (optional)</label>
<input type="text" autocomplete="tel" maxlength="50" ${fieldAttrs('phone_number', errors)} value="${esc(values.phone_number)}">
${errorFor('phone_number', errors)}
${correctionSection(values, errors, options.corrections)}
<fieldset><legend>For an objection: which processing?</legend>
<div class="choice"><input type="checkbox" id="object-direct-marketing" name="processing" value="direct_marketing"${values.processing?.includes('direct_marketing') ? ' checked' : ''}><label for="object-direct-marketing">Direct marketing (we stop at once)</label></div>
<label for="processing_other">Other processing, in your words</label>
<input type="text" maxlength="100" ${fieldAttrs('processing_other', errors)} value="${esc(values.processing_other)}">
${errorFor('processing', errors)}
</fieldset>
<label for="note">Anything else we should know (optional)</label>
<textarea rows="3" maxlength="2000" ${fieldAttrs('note', errors)}>${esc(values.note)}</textarea>
${errorFor('note', errors)}
${
  options.agents
    ? `<fieldset><legend>Are you an authorized agent acting for someone else?</legend>
<p class="hint">Fill this in only if you act on someone's behalf. Enter <strong>their</strong> email above; we will ask them to confirm directly.</p>
<label for="agent_name">Your name (agent)</label>
<input type="text" maxlength="200" ${fieldAttrs('agent_name', errors)} value="${esc(values.agent_name)}">
${errorFor('agent_name', errors)}
<label for="agent_email">Your email (agent)</label>
<input type="email" maxlength="254" ${fieldAttrs('agent_email', errors)} value="${esc(values.agent_email)}">
${errorFor('agent_email', errors)}
<label for="permission">Signed permission from the person (PDF or image, up to 5 MB)</label>
<input type="file" accept=".pdf,image/*" ${fieldAttrs('permission', errors)}>
${errorFor('permission', errors)}
</fieldset>`
    : ''
}
<button type="submit">Send request</button>
</form>`,
  );
}

export function codeFormPage(
  doc: ProgramDoc | undefined,
  requestId: string,
  errors: FieldError[] = [],
  notice?: string,
): string {
  return layout(
    doc,
    'Confirm your request',
    `<h1>Check your email</h1>
<p>If the address you gave is valid, we sent it a 6-digit code. Enter it below to confirm your request. The code works for 10 minutes.</p>
${notice ? `<p role="status">${esc(notice)}</p>` : ''}
${errorSummary(errors)}
<form method="post" action="/privacy-center/requests/${esc(requestId)}/verify" novalidate>
<label for="code">Confirmation code</label>
<input type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" ${fieldAttrs('code', errors)}>
${errorFor('code', errors)}
<button type="submit">Confirm</button>
</form>
<form method="post" action="/privacy-center/requests/${esc(requestId)}/resend">
<button type="submit">Send me a new code</button>
</form>`,
  );
}

export function messagePage(doc: ProgramDoc | undefined, title: string, paragraphs: string[]): string {
  return layout(
    doc,
    title,
    `<h1>${esc(title)}</h1>${paragraphs.map((p) => `<p>${esc(p)}</p>`).join('')}<p><a href="/privacy-center">Back to the privacy center</a></p>`,
  );
}
