import { type Ropa, ropaColumns } from './build-ropa.ts';

function quote(value: string): string {
  // RFC 4180: quote fields with commas, quotes or line breaks; double the quotes inside.
  // A leading = + - @ would run as a formula in a spreadsheet: prefix it with an apostrophe.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The records as one CSV: UTF-8 with a byte-order mark and CRLF line ends, so spreadsheets open it as is. */
export function ropaToCsv(ropa: Ropa): string {
  const lines = [ropaColumns.map(quote).join(',')];
  for (const row of [...ropa.controllerRecords, ...ropa.processorRecords]) {
    lines.push(ropaColumns.map((c) => quote(row[c])).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
