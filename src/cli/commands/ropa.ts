import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildRopa } from '../../notice/ropa/build-ropa.ts';
import { ropaToCsv } from '../../notice/ropa/ropa-csv.ts';
import { loadProgramFromDisk } from '../../program/load-program.ts';
import { formatIssue } from '../../program/yaml.ts';
import { type CliContext, CliError, parseCommandArgs } from '../cli-context.ts';

const usage = `usage: custodian ropa [path] [--format csv|json] [--out file]

Exports the records of processing activities (GDPR Art. 30) from the program: one
Art. 30(1) row per activity you run as controller, and one Art. 30(2) row per business
customer for each activity you run as processor. Empty required fields read
"MISSING — see lint" and are counted in a warning. CSV is UTF-8 with a BOM (opens in
spreadsheets as is).`;

export async function run(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    ctx.argv,
    {
      format: { type: 'string', default: 'csv' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    usage,
  );
  if (values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  if (values.format !== 'csv' && values.format !== 'json') {
    throw new CliError(`--format must be csv or json, not "${values.format}"\n\n${usage}`);
  }
  const loaded = await loadProgramFromDisk(path.resolve(ctx.cwd, positionals[0] ?? '.'));
  if (!loaded.ok) {
    for (const issue of loaded.issues) ctx.stderr.write(`${formatIssue(issue)}\n`);
    ctx.stderr.write(`\nthe program is not valid (${loaded.issues.length} errors); fix these first\n`);
    return 1;
  }
  const ropa = buildRopa(loaded.program);
  const content = values.format === 'csv' ? ropaToCsv(ropa) : `${JSON.stringify(ropa, null, 2)}\n`;
  if (ropa.missing.length) {
    const byColumn = new Map<string, number>();
    for (const m of ropa.missing) byColumn.set(m.column, (byColumn.get(m.column) ?? 0) + 1);
    ctx.stderr.write(
      `warning: ${ropa.missing.length} fields are MISSING (${[...byColumn].map(([c, n]) => `${c}: ${n}`).join('; ')}); run \`custodian lint\` to see where\n`,
    );
  }
  if (values.out) {
    const out = path.resolve(ctx.cwd, values.out);
    await writeFile(out, content, 'utf8');
    ctx.stderr.write(
      `wrote ${out} (${ropa.controllerRecords.length} controller and ${ropa.processorRecords.length} processor records)\n`,
    );
  } else ctx.stdout.write(content);
  return 0;
}
