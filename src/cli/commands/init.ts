import path from 'node:path';
import { isAppError } from '../../errors.ts';
import { writeScaffold } from '../../program/scaffold/write-scaffold.ts';
import { type CliContext, CliError, parseCommandArgs } from '../cli-context.ts';

const usage = `usage: custodian init [--force]

Writes custodian.yaml and datasets/example.yml in the current folder: a small, valid
program whose comments explain each section and the values it accepts. Edit it, then run
\`custodian validate\` and \`custodian lint\`. Existing files are kept unless --force is given.`;

export async function run(ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(
    ctx.argv,
    { force: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    usage,
    false,
  );
  if (values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  const written = await writeScaffold({ dir: ctx.cwd, force: values.force }).catch((err: unknown) => {
    if (isAppError(err) && err.code === 'conflict') throw new CliError(err.message, 1);
    throw err;
  });
  for (const file of written) ctx.stdout.write(`wrote ${path.relative(ctx.cwd, file)}\n`);
  ctx.stdout.write('\nnext: edit custodian.yaml, then run `custodian validate` and `custodian lint`\n');
  return 0;
}
