import { loadProgramFromDisk } from '../../program/load-program.ts';
import { formatIssue } from '../../program/yaml.ts';
import { type CliContext, parseCommandArgs } from '../cli-context.ts';

const usage = `usage: custodian validate [path] [--format text|json]

Checks custodian.yaml (in path, default .) and its dataset files against the schema.
Each problem is printed as file:line:column, field path, message. Exit code 1 on errors.`;

export async function run(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    ctx.argv,
    { format: { type: 'string', default: 'text' }, help: { type: 'boolean', short: 'h' } },
    usage,
  );
  if (values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  const result = await loadProgramFromDisk(positionals[0] ?? ctx.cwd);
  if (values.format === 'json') {
    ctx.stdout.write(
      `${JSON.stringify(result.ok ? { ok: true, hash: result.program.hash, issues: [] } : { ok: false, issues: result.issues }, null, 2)}\n`,
    );
    return result.ok ? 0 : 1;
  }
  if (!result.ok) {
    for (const issue of result.issues) ctx.stderr.write(`${formatIssue(issue)}\n`);
    ctx.stderr.write(`\n${result.issues.length} error${result.issues.length === 1 ? '' : 's'}\n`);
    return 1;
  }
  const { doc, datasets } = result.program;
  ctx.stdout.write(
    `ok: ${doc.organization.name} — ${doc.activities.length} activities, ${doc.systems.length} systems, ${datasets.length} datasets, ${doc.processors.length} processors\n`,
  );
  return 0;
}
