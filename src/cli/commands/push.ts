import { loadProgramFromDisk, toBundle } from '../../program/load-program.ts';
import { formatIssue } from '../../program/yaml.ts';
import { callApi, describeApiError } from '../api-client.ts';
import { type CliContext, CliError, parseCommandArgs } from '../cli-context.ts';

const usage = `usage: custodian push [path]

Validates the program in path (default .) and loads it into the server as a new version.
Uses CUSTODIAN_URL (default http://localhost:7070) and CUSTODIAN_API_KEY (admin or owner).`;

export async function run(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    ctx.argv,
    { help: { type: 'boolean', short: 'h' } },
    usage,
  );
  if (values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  const loaded = await loadProgramFromDisk(positionals[0] ?? ctx.cwd);
  if (!loaded.ok) {
    for (const issue of loaded.issues) ctx.stderr.write(`${formatIssue(issue)}\n`);
    throw new CliError(`not pushed: ${loaded.issues.length} validation error(s); fix them and run again`, 1);
  }
  const { status, json } = await callApi(ctx.env, 'POST', '/api/programs', toBundle(loaded.program));
  if (status >= 300) throw new CliError(`push failed: ${describeApiError(status, json)}`, 1);
  const result = json as { version: number; hash: string; unchanged: boolean };
  ctx.stdout.write(
    result.unchanged
      ? `unchanged: the server already has this program as version ${result.version}\n`
      : `pushed ${loaded.program.doc.organization.name} as version ${result.version} (${result.hash.slice(0, 12)})\n`,
  );
  return 0;
}
