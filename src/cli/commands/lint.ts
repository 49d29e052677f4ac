import { lintProgram } from '../../program/lint/lint-program.ts';
import { loadProgramFromDisk } from '../../program/load-program.ts';
import { formatIssue } from '../../program/yaml.ts';
import { type CliContext, CliError, parseCommandArgs } from '../cli-context.ts';

const usage = `usage: custodian lint [path] [--format text|json]

Finds gaps and contradictions in a valid program: activities without a legal basis or
retention, transfers without a valid safeguard, data stored but not declared, cookies
without a category, retention rules naming unknown fields, and more. Each finding has a
stable code, a severity (error, warning, info) and file:line:column.
Exit code 1 when the program is invalid or any finding is an error.`;

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
  if (values.format !== 'text' && values.format !== 'json') {
    throw new CliError(`--format must be text or json, not "${values.format}"\n\n${usage}`);
  }
  const loaded = await loadProgramFromDisk(positionals[0] ?? ctx.cwd);
  if (!loaded.ok) {
    if (values.format === 'json') {
      ctx.stdout.write(`${JSON.stringify({ ok: false, issues: loaded.issues, findings: [] }, null, 2)}\n`);
    } else {
      for (const issue of loaded.issues) ctx.stderr.write(`${formatIssue(issue)}\n`);
      const n = loaded.issues.length;
      ctx.stderr.write(
        `\nthe program is not valid (${n} error${n === 1 ? '' : 's'}); fix it before linting\n`,
      );
    }
    return 1;
  }
  const { findings, counts } = lintProgram(loaded.program);
  const failed = counts.error > 0;
  if (values.format === 'json') {
    ctx.stdout.write(`${JSON.stringify({ ok: !failed, counts, findings }, null, 2)}\n`);
    return failed ? 1 : 0;
  }
  for (const f of findings) {
    ctx.stdout.write(`${f.file}:${f.line}:${f.column} ${f.severity} ${f.code}: ${f.message}\n`);
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  ctx.stdout.write(
    `${findings.length ? '\n' : ''}${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info\n`,
  );
  return failed ? 1 : 0;
}
