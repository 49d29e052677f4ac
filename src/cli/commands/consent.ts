import { verifyLedger } from '../../consent/verify-ledger.ts';
import { findDefaultWorkspace } from '../../governance/default-workspace.ts';
import { openStore } from '../../store/open-store.ts';
import { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type CliContext, CliError, parseCommandArgs } from '../cli-context.ts';

const usage = `usage: custodian consent verify [--workspace <id>] [--json]

Checks the consent ledger's hash chain in the store (DATABASE_URL, or the embedded store
in CUSTODIAN_DATA_DIR/db, default ./.custodian/db) and names every edited or deleted event.
Exit code 0 when intact, 1 when tampered with.`;

export async function run(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    ctx.argv,
    { workspace: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    usage,
  );
  if (values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  if (positionals[0] !== 'verify') throw new CliError(`unknown or missing subcommand\n\n${usage}`);
  const databaseUrl = ctx.env.DATABASE_URL;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new CliError('DATABASE_URL must be a postgres:// URL (unset it to use the embedded store)');
  const store = await openStore(
    databaseUrl ? { databaseUrl } : { dataDir: `${ctx.env.CUSTODIAN_DATA_DIR ?? './.custodian'}/db` },
  );
  try {
    const scope = values.workspace
      ? new WorkspaceScope(store.db, values.workspace)
      : await findDefaultWorkspace(store.db);
    if (!scope) throw new CliError('the store has no workspace yet: start the server once (custodian serve)');
    const result = await verifyLedger(scope);
    if (values.json) ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else if (result.ok)
      ctx.stdout.write(
        `consent ledger intact: ${result.events} events, chain head at seq ${result.headSeq}\n`,
      );
    else {
      ctx.stdout.write(
        `consent ledger TAMPERED: ${result.problems.length} problem(s) in ${result.events} events\n`,
      );
      for (const p of result.problems) ctx.stdout.write(`  seq ${p.seq}: ${p.problem}: ${p.message}\n`);
    }
    return result.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}
