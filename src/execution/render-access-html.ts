import type { Row } from '../connectors/connector.ts';
import { escapeHtml } from '../escape-html.ts';
import type { Dataset } from '../program/dataset.ts';
import type { ProgramDoc } from '../program/schema.ts';
import { labelOf, type Taxonomy } from '../program/taxonomy.ts';
import type { GraphField } from './build-graph.ts';

/** One collection's rows in the package, with the fields that were kept. */
export interface PackageSection {
  key: string;
  dataset: Dataset;
  collection: string;
  fields: GraphField[];
  rows: Row[];
}

const rightWords: Record<string, string> = {
  access: 'get a copy of your personal data',
  portability: 'receive the data you gave us in a machine-readable form',
  erasure: 'have your personal data erased',
  rectification: 'have inaccurate data corrected',
  restriction: 'ask us to restrict processing',
  objection: 'object to processing',
  opt_out_sale: 'opt out of the sale or sharing of your data',
  limit_sensitive: 'limit the use of sensitive data',
  do_not_contact: 'ask us not to contact you',
  automated_decision: 'not be subject to a decision based solely on automated processing',
};
const basisWords: Record<string, string> = {
  consent: 'your consent',
  contract: 'performance of a contract with you',
  legal_obligation: 'a legal obligation',
  vital_interests: 'vital interests',
  public_task: 'a task in the public interest',
  legitimate_interests: 'our legitimate interests',
};

const esc = escapeHtml;

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * The human-readable page of an access package: data grouped by system, categories in
 * plain words, and what Art. 15 requires besides the data (purposes, recipients,
 * retention, source, rights).
 */
export function renderAccessHtml(input: {
  sections: PackageSection[];
  taxonomy: Taxonomy;
  doc?: ProgramDoc | undefined;
  generatedAt: Date;
}): string {
  const { doc, taxonomy } = input;
  const systemOf = (dataset: string) => doc?.systems.find((s) => s.datasets.includes(dataset));
  const groups = new Map<string, PackageSection[]>();
  for (const s of input.sections) {
    const name = systemOf(s.dataset.fides_key)?.name ?? s.dataset.name ?? s.dataset.fides_key;
    groups.set(name, [...(groups.get(name) ?? []), s]);
  }
  const parts: string[] = [];
  const org = doc?.organization.name ?? 'the organisation';
  parts.push(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Your data held by ${esc(org)}</title>`,
    '<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}',
    'table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}',
    'th{background:#f3f3f3}.cat{color:#555;font-size:.85em}</style></head><body>',
    `<h1>Your personal data held by ${esc(org)}</h1>`,
    `<p>Prepared on ${esc(input.generatedAt.toISOString().slice(0, 10))}. The file <code>data.json</code> in this archive holds the same data in machine-readable form, and <code>csv/</code> holds one spreadsheet per table.</p>`,
  );
  if (input.sections.length === 0) parts.push('<p>We found no personal data about you.</p>');
  for (const [system, sections] of groups) {
    parts.push(`<h2>${esc(system)}</h2>`);
    const sys = systemOf(sections[0]!.dataset.fides_key);
    if (sys?.description) parts.push(`<p>${esc(sys.description)}</p>`);
    for (const s of sections) {
      const cats = [...new Set(s.fields.flatMap((f) => f.categories))].map((c) =>
        labelOf(taxonomy, 'data_category', c),
      );
      parts.push(
        `<h3>${esc(s.collection)} (${s.rows.length} record${s.rows.length === 1 ? '' : 's'})</h3>`,
        `<p class="cat">Kinds of data: ${esc(cats.join(', '))}</p>`,
        '<table><thead><tr>',
        ...s.fields.map(
          (f) =>
            `<th>${esc(f.path)}<br><span class="cat">${esc(f.categories.map((c) => labelOf(taxonomy, 'data_category', c)).join(', '))}</span></th>`,
        ),
        '</tr></thead><tbody>',
        ...s.rows.map(
          (row) =>
            `<tr>${s.fields.map((f) => `<td>${esc(cellText(f.path.split('.').reduce<unknown>((at, k) => (at && typeof at === 'object' ? (at as Row)[k] : undefined), row)))}</td>`).join('')}</tr>`,
        ),
        '</tbody></table>',
      );
    }
    if (doc && sys) parts.push(...art15ForSystem(doc, sys.key, taxonomy));
  }
  if (doc) {
    parts.push('<h2>Your rights</h2><ul>');
    for (const r of doc.rights.offered)
      parts.push(`<li>You have the right to ${esc(rightWords[r] ?? r)}.</li>`);
    parts.push(
      `<li>You can complain to ${esc(doc.organization.supervisory_authority.name)}${doc.organization.supervisory_authority.url ? ` (${esc(doc.organization.supervisory_authority.url)})` : ''}.</li></ul>`,
    );
    const privacy = doc.organization.contacts.privacy;
    parts.push(
      `<p>Questions: ${esc([privacy.name, privacy.email, privacy.phone].filter(Boolean).join(', '))}</p>`,
    );
  }
  parts.push('</body></html>');
  return parts.join('\n');
}

function art15ForSystem(doc: ProgramDoc, systemKey: string, taxonomy: Taxonomy): string[] {
  const activities = doc.activities.filter((a) => a.systems.includes(systemKey));
  if (activities.length === 0) return [];
  const out = [
    '<table><thead><tr><th>Why we use it</th><th>Legal basis</th><th>Who receives it</th><th>How long we keep it</th><th>Where it comes from</th></tr></thead><tbody>',
  ];
  for (const a of activities) {
    const basis =
      typeof a.legal_basis === 'string'
        ? (basisWords[a.legal_basis] ?? a.legal_basis)
        : a.legal_basis
          ? Object.entries(a.legal_basis)
              .map(([subject, b]) => `${labelOf(taxonomy, 'data_subject', subject)}: ${basisWords[b] ?? b}`)
              .join('; ')
          : '';
    const recipients = a.processors
      .map((p) => doc.processors.find((x) => x.key === p))
      .filter((p) => p !== undefined)
      .map((p) => `${p.name} (${p.service}; ${p.locations.join(', ')})`);
    out.push(
      `<tr><td>${esc(a.purpose)}</td><td>${esc(basis)}</td><td>${esc(recipients.join('; ') || 'no one outside the company')}</td><td>${esc(a.retention?.description ?? '')}</td><td>${esc(a.source ?? 'you')}</td></tr>`,
    );
  }
  out.push('</tbody></table>');
  return out;
}
