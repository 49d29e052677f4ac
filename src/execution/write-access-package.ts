import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import yazl from 'yazl';
import type { Row } from '../connectors/connector.ts';
import type { ProgramDoc } from '../program/schema.ts';
import { isUnder, type Taxonomy } from '../program/taxonomy.ts';
import { cellText, type PackageSection, renderAccessHtml } from './render-access-html.ts';
import { pickFields } from './select-fields.ts';
import { valueAt } from './traverse.ts';

/**
 * Categories of data a person provides themselves (directly, or by using the service):
 * what Art. 20 portability covers. Inferred, derived and system-generated data are not in it.
 */
export const PROVIDED_CATEGORIES = [
  'user.account',
  'user.contact',
  'user.content',
  'user.name',
  'user.demographic',
  'user.financial',
  'user.payment',
  'user.privacy_preferences',
  'user.social',
  'user.behavior',
  'user.location.precise',
  'user.workplace',
  'user.job_title',
  'user.government_id',
  'user.health_and_medical',
];

/** Schema name of portability.json (described in docs/access-package.md). */
export const PORTABILITY_SCHEMA = 'custodian.portability/v1';

export interface WritePackageOptions {
  sections: PackageSection[];
  taxonomy: Taxonomy;
  doc?: ProgramDoc | undefined;
  /** Identity types given (values are not written into the package metadata). */
  identityTypes: string[];
  /** A file path, or a stream the zip is piped into (e.g. an HTTP response). */
  destination: string | Writable;
  generatedAt?: Date;
}

function* jsonChunks(sections: readonly PackageSection[]): Generator<string> {
  yield '{';
  for (const [i, s] of sections.entries()) {
    yield `${i ? ',' : ''}\n  ${JSON.stringify(s.key)}: [`;
    for (const [j, row] of s.rows.entries()) yield `${j ? ',' : ''}\n    ${JSON.stringify(row)}`;
    yield s.rows.length ? '\n  ]' : ']';
  }
  yield '\n}\n';
}

function* csvChunks(section: PackageSection): Generator<string> {
  const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  yield `${section.fields.map((f) => quote(f.path)).join(',')}\r\n`;
  for (const row of section.rows) {
    yield `${section.fields.map((f) => quote(cellText(valueAt(row, f.path)))).join(',')}\r\n`;
  }
}

function* portabilityChunks(
  sections: readonly PackageSection[],
  identityTypes: string[],
  generatedAt: Date,
): Generator<string> {
  yield `{"schema":${JSON.stringify(PORTABILITY_SCHEMA)},"generated_at":${JSON.stringify(generatedAt.toISOString())},"identity_types":${JSON.stringify(identityTypes)},"collections":[`;
  let first = true;
  for (const s of sections) {
    const fields = s.fields.filter((f) =>
      f.categories.some((c) => PROVIDED_CATEGORIES.some((p) => isUnder(c, p))),
    );
    if (fields.length === 0) continue;
    const records = s.rows.map((r) => pickFields(r, fields)).filter((r): r is Row => r !== undefined);
    if (records.length === 0) continue;
    yield `${first ? '' : ','}\n${JSON.stringify({
      dataset: s.dataset.fides_key,
      collection: s.collection,
      fields: fields.map((f) => ({ path: f.path, categories: f.categories })),
      records,
    })}`;
    first = false;
  }
  yield '\n]}\n';
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '_');

/**
 * Streams the access package as a zip: data.json (collection key → rows), one CSV per
 * collection, index.html for people, and portability.json (data the person provided).
 * Entries are generated while the zip is written, so the package is never held whole.
 */
export async function writeAccessPackage(options: WritePackageOptions): Promise<{ bytes: number }> {
  const generatedAt = options.generatedAt ?? new Date();
  const zip = new yazl.ZipFile();
  const out =
    typeof options.destination === 'string' ? createWriteStream(options.destination) : options.destination;
  let bytes = 0;
  zip.outputStream.on('data', (c: Buffer) => {
    bytes += c.length;
  });
  zip.outputStream.pipe(out);
  const mtime = generatedAt;
  zip.addReadStream(Readable.from(jsonChunks(options.sections)), 'data.json', { mtime });
  zip.addReadStream(
    Readable.from(portabilityChunks(options.sections, options.identityTypes, generatedAt)),
    'portability.json',
    { mtime },
  );
  for (const s of options.sections) {
    zip.addReadStream(Readable.from(csvChunks(s)), `csv/${safeName(s.key.replace(':', '.'))}.csv`, { mtime });
  }
  zip.addBuffer(
    Buffer.from(
      renderAccessHtml({
        sections: options.sections,
        taxonomy: options.taxonomy,
        doc: options.doc,
        generatedAt,
      }),
    ),
    'index.html',
    { mtime },
  );
  zip.end();
  await finished(out);
  return { bytes };
}
