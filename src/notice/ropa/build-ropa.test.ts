import assert from 'node:assert/strict';
import { test } from 'node:test';
import { smallProgram } from '../fixtures/small-program.ts';
import { buildRopa, MISSING, ropaColumns } from './build-ropa.ts';
import { ropaToCsv } from './ropa-csv.ts';

/** A strict RFC 4180 reader, to prove the CSV parses back to the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

test('one Art. 30(1) row per controller activity and one Art. 30(2) row per customer', () => {
  const ropa = buildRopa(smallProgram());
  assert.equal(ropa.controllerRecords.length, 1);
  assert.equal(ropa.processorRecords.length, 1);
  const c = ropa.controllerRecords[0]!;
  assert.match(
    c['Name and contact details of the controller'],
    /Tiny Company Ltd; Privacy team; privacy@tiny\.example/,
  );
  assert.match(c['Data protection officer'], /dpo@tiny\.example/);
  assert.equal(c['Legal basis'], 'Customer: contract; Prospect: legitimate_interests');
  assert.match(c['Transfers to third countries'], /Cloud Hoster <Inc>: US/);
  assert.match(c['Transfer safeguards'], /Standard contractual clauses/);
  assert.match(c['Time limits for erasure'], /deleted after 90 days\. \[P90D from recording\]/);
  // No security measures in the program: flagged, never blank.
  assert.equal(c['Technical and organisational security measures'], MISSING);
  const p = ropa.processorRecords[0]!;
  assert.equal(p['Name and contact details of the controller'], 'Acme; privacy@acme.example');
  assert.match(
    p['Categories of processing carried out on behalf of the controller'],
    /Hosting for customers/,
  );
  assert.equal(p['Time limits for erasure'], 'As instructed by the controller');
  assert.ok(ropa.missing.some((m) => m.column === 'Technical and organisational security measures'));
});

test('the CSV has a BOM, RFC 4180 quoting and every cell filled or flagged', () => {
  const ropa = buildRopa(smallProgram());
  const csv = ropaToCsv(ropa);
  assert.ok(csv.startsWith('\uFEFF'));
  const rows = parseCsv(csv.slice(1));
  assert.deepEqual(rows[0], [...ropaColumns]);
  assert.equal(rows.length, 3);
  for (const row of rows.slice(1)) {
    assert.equal(row.length, ropaColumns.length);
    row.forEach((cell, i) => {
      assert.ok(cell.trim().length > 0, `column "${ropaColumns[i]}" is blank`);
    });
  }
  // Round trip: quoting keeps commas, quotes and semicolons inside one cell.
  assert.equal(rows[1]![ropaColumns.indexOf('Transfers to third countries')], 'Cloud Hoster <Inc>: US');
});

test('a value that would run as a spreadsheet formula is neutralised', () => {
  const program = smallProgram();
  program.doc.activities[0]!.purpose = '=HYPERLINK("http://evil")';
  const csv = ropaToCsv(buildRopa(program));
  assert.match(csv, /"'=HYPERLINK\(""http:\/\/evil""\)"/);
});
