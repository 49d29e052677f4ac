import { type CliContext, CliError } from '../cli-context.ts';

// Placeholder until this command lands; remove from src/cli/main.ts if it never does.
export async function run(_ctx: CliContext): Promise<number> {
  throw new CliError('custodian audit is not available yet', 2);
}
