import path from 'node:path';
import { anchorAuditLog } from '../../governance/anchor-audit.ts';
import { auditCsvHeader, auditCsvRow, iterateAudit } from '../../governance/query-audit.ts';
import { verifyAllWorkspaces } from '../../governance/verify-audit.ts';
import { openStore, type Store } from '../../store/open-store.ts';
import { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type CliContext, CliError, parseCommandArgs } from '../cli-context.ts';

const usage = `usage: custodian audit <verify|export|anchor> [options]

  verify              re-compute every workspace's hash chain and check the signed anchors;
                      exit 1 and name the first broken link if anything was changed
  export              write the audit log (--format json|csv, --workspace <id>) to stdout
  anchor              sign the current chain head of every workspace now

options:
  --data-dir <dir>    embedded store folder (default ./.custodian/db); DATABASE_URL wins
  --workspace <id>    only this workspace
  --format json|csv   export format (default json)
  --json              verify: print the result as JSON`;

/** Works on the store directly (no server needed): DATABASE_URL or the embedded store. */
export async function run(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    ctx.argv,
    {
      'data-dir': { type: 'string' },
      workspace: { type: 'string' },
      format: { type: 'string', default: 'json' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    usage,
  );
  const sub = positionals[0];
  if (values.help || !sub) {
    (values.help ? ctx.stdout : ctx.stderr).write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  if (!['verify', 'export', 'anchor'].includes(sub))
    throw new CliError(`unknown subcommand "${sub}"\n\n${usage}`);
  if (values.format !== 'json' && values.format !== 'csv')
    throw new CliError(`--format must be json or csv, not "${values.format}"`);
  const store = await openCliStore(ctx, values['data-dir']);
  try {
    const workspaces = await store.db
      .selectFrom('workspaces')
      .select(['id', 'name'])
      .orderBy('created_at')
      .execute();
    const chosen = values.workspace ? workspaces.filter((w) => w.id === values.workspace) : workspaces;
    if (values.workspace && !chosen.length)
      throw new CliError(`no workspace ${values.workspace} in this store`);
    if (sub === 'verify') return await verify(ctx, store, chosen, values.json);
    if (sub === 'anchor') {
      for (const ws of chosen) {
        const anchor = await anchorAuditLog(new WorkspaceScope(store.db, ws.id), new Date());
        ctx.stdout.write(
          anchor
            ? `${ws.id}: anchored entry ${anchor.seq} (${anchor.head_hash.slice(0, 16)}…)\n`
            : `${ws.id}: empty log, nothing to anchor\n`,
        );
      }
      return 0;
    }
    for (const ws of chosen) {
      const scope = new WorkspaceScope(store.db, ws.id);
      if (values.format === 'csv') ctx.stdout.write(auditCsvHeader());
      for await (const row of iterateAudit(scope, {})) {
        ctx.stdout.write(
          values.format === 'csv' ? auditCsvRow(row) : `${JSON.stringify({ workspace_id: ws.id, ...row })}\n`,
        );
      }
    }
    return 0;
  } finally {
    await store.close();
  }
}

async function verify(
  ctx: CliContext,
  store: Store,
  chosen: { id: string; name: string }[],
  json: boolean | undefined,
): Promise<number> {
  const ids = new Set(chosen.map((w) => w.id));
  const results = (await verifyAllWorkspaces(store.db)).filter((r) => ids.has(r.workspaceId));
  if (!results.length && !json) ctx.stdout.write('no workspaces in this store: nothing to verify\n');
  if (json) ctx.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else {
    for (const r of results) {
      if (r.ok) {
        ctx.stdout.write(
          `ok      ${r.workspaceId}: ${r.entries} entries, ${r.anchorsChecked} signed anchors match\n`,
        );
      } else {
        const b = r.firstBreak;
        ctx.stdout.write(`BROKEN  ${r.workspaceId}: first broken link at seq ${b?.seq} (${b?.kind})\n`);
        ctx.stdout.write(`        ${b?.message}\n`);
        if (b?.expected)
          ctx.stdout.write(`        stored:     ${b.expected}\n        recomputed: ${b.actual}\n`);
      }
    }
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

async function openCliStore(ctx: CliContext, dataDir: string | undefined): Promise<Store> {
  if (ctx.env.DATABASE_URL) return openStore({ databaseUrl: ctx.env.DATABASE_URL });
  return openStore({ dataDir: path.resolve(ctx.cwd, dataDir ?? '.custodian/db') });
}
