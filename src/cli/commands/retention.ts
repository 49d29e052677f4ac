import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bootstrapWorkspace } from '../../governance/workspaces.ts';
import { loadProgramFromDisk, type Program } from '../../program/load-program.ts';
import { formatIssue } from '../../program/yaml.ts';
import { describeHold, type LegalHold } from '../../retention/legal-hold.ts';
import { listLegalHolds } from '../../retention/list-legal-holds.ts';
import { listRetentionRuns, retentionRunsCsv } from '../../retention/list-retention-runs.ts';
import { type Clock, fixedClock, systemClock } from '../../retention/period.ts';
import { placeLegalHold } from '../../retention/place-legal-hold.ts';
import { planRetention, type RulePlan } from '../../retention/plan-retention.ts';
import { releaseLegalHold } from '../../retention/release-legal-hold.ts';
import { type RuleRunResult, runRetention } from '../../retention/run-retention.ts';
import { openStore, type Store } from '../../store/open-store.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type CliContext, CliError, parseCommandArgs } from '../cli-context.ts';

const usage = `usage: custodian retention <plan|run|report|holds> [options]

  plan    [--program path] [--rule key]... [--now ISO] [--format text|json]
          Dry run: per rule, rows that would be affected, oldest and newest, example keys,
          rows kept by exceptions and by legal holds. Nothing is written.
  run     [--program path] [--rule key]... [--now ISO] [--format text|json]
          Executes the rules in bounded batches; a run killed midway is resumed by the next
          one (same clock, nothing done twice). Exit code 1 if any rule failed.
  report  [--rule key] [--limit n] [--format text|json|csv]
          Evidence of past runs: rule, counts, cutoffs, duration, holds, program hash.
  holds   list | add (--identity type:value | --account id | --collection dataset[.collection])
               --reason text [--expires ISO] | release <id>

The store is PGlite under CUSTODIAN_DATA_DIR (default ./.custodian) or DATABASE_URL.
--now sets the clock (tests and rehearsals), e.g. --now 2027-01-01T00:00:00Z.`;

const options = {
  program: { type: 'string' },
  rule: { type: 'string', multiple: true },
  now: { type: 'string' },
  format: { type: 'string' },
  limit: { type: 'string' },
  identity: { type: 'string' },
  account: { type: 'string' },
  collection: { type: 'string' },
  reason: { type: 'string' },
  expires: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(ctx.argv, options, usage);
  const [sub, ...rest] = positionals;
  if (values.help || !sub) {
    ctx.stdout.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const clock: Clock = values.now ? fixedClock(values.now) : systemClock;
  const format = values.format ?? 'text';
  const allowed = sub === 'report' ? ['text', 'json', 'csv'] : ['text', 'json'];
  if (!allowed.includes(format))
    throw new CliError(`--format must be one of ${allowed.join(', ')}\n\n${usage}`);

  if (sub === 'plan') {
    const program = await loadProgram(ctx, values.program);
    if (!program) return 1;
    const { store, scope } = await openCliWorkspace(ctx);
    try {
      const plans = await planRetention({
        program,
        rules: values.rule,
        now: clock(),
        env: ctx.env,
        holds: await listLegalHolds(scope),
      });
      if (format === 'json') ctx.stdout.write(`${JSON.stringify({ plans }, null, 2)}\n`);
      else for (const plan of plans) ctx.stdout.write(formatPlan(plan));
      return plans.some((p) => p.status === 'error') ? 1 : 0;
    } finally {
      await store.close();
    }
  }

  if (sub === 'run') {
    const program = await loadProgram(ctx, values.program);
    if (!program) return 1;
    const { store, scope } = await openCliWorkspace(ctx);
    const tty = Boolean((ctx.stderr as { isTTY?: boolean }).isTTY);
    try {
      const results = await runRetention({
        program,
        scope,
        rules: values.rule,
        clock,
        env: ctx.env,
        trigger: 'cli',
        onProgress: tty
          ? (p) => {
              ctx.stderr.write(
                `\r\x1b[K${p.rule}: ${p.affected.toLocaleString('en')} rows, ${p.batches} batches`,
              );
            }
          : undefined,
      });
      if (tty) ctx.stderr.write('\r\x1b[K');
      if (format === 'json') ctx.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
      else for (const result of results) ctx.stdout.write(formatResult(result));
      return results.some((r) => r.status === 'failed') ? 1 : 0;
    } finally {
      await store.close();
    }
  }

  if (sub === 'report') {
    const { store, scope } = await openCliWorkspace(ctx);
    try {
      const limit = values.limit ? Number(values.limit) : undefined;
      if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0))
        throw new CliError('--limit must be a positive integer');
      const runs = await listRetentionRuns(scope, { rule: values.rule?.[0], limit });
      if (format === 'json') ctx.stdout.write(`${JSON.stringify({ runs }, null, 2)}\n`);
      else if (format === 'csv') ctx.stdout.write(retentionRunsCsv(runs));
      else {
        if (runs.length === 0) ctx.stdout.write('no retention runs yet\n');
        for (const r of runs) {
          const cascade = Object.entries(r.cascaded)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ');
          ctx.stdout.write(
            `${r.startedAt}  ${r.rule.padEnd(24)} ${r.status.padEnd(9)} ${String(r.affected).padStart(9)} rows` +
              `${cascade ? ` (+ ${cascade})` : ''}  cutoff ${r.cutoffs.map((c) => c.cutoff).join(', ') || '-'}` +
              `  ${r.durationMs ?? '-'} ms  program ${r.programHash.slice(0, 12)}` +
              `${r.holdsApplied.length ? `  holds ${r.holdsApplied.length}` : ''}${r.reason ? `  — ${r.reason}` : ''}\n`,
          );
        }
      }
      return 0;
    } finally {
      await store.close();
    }
  }

  if (sub === 'holds') {
    const { store, scope } = await openCliWorkspace(ctx);
    try {
      return await holds(ctx, scope, rest, values);
    } finally {
      await store.close();
    }
  }
  throw new CliError(`unknown retention command "${sub}"\n\n${usage}`);
}

async function holds(
  ctx: CliContext,
  scope: WorkspaceScope,
  args: string[],
  values: {
    identity?: string;
    account?: string;
    collection?: string;
    reason?: string;
    expires?: string;
    format?: string;
  },
): Promise<number> {
  const [action, id] = args;
  if (!action || action === 'list') {
    const list = await listLegalHolds(scope);
    if (values.format === 'json') {
      ctx.stdout.write(`${JSON.stringify({ holds: list }, null, 2)}\n`);
      return 0;
    }
    if (list.length === 0) ctx.stdout.write('no legal holds\n');
    for (const h of list) {
      const state = h.released_at
        ? `released ${h.released_at.toISOString()}`
        : h.expires_at
          ? `until ${h.expires_at.toISOString()}`
          : 'active';
      ctx.stdout.write(`${h.id}  ${describeHold(h).padEnd(32)} ${state.padEnd(34)} ${h.reason}\n`);
    }
    return 0;
  }
  if (action === 'add') {
    if (!values.reason) throw new CliError('a legal hold needs --reason');
    const expires_at = values.expires ? new Date(values.expires).toISOString() : undefined;
    if (values.expires && Number.isNaN(new Date(values.expires).getTime()))
      throw new CliError(`--expires "${values.expires}" is not a date`);
    const given = [values.identity, values.account, values.collection].filter(Boolean).length;
    if (given !== 1)
      throw new CliError(
        'give exactly one of --identity type:value, --account id, --collection dataset[.collection]',
      );
    let hold: LegalHold;
    if (values.identity) {
      const colon = values.identity.indexOf(':');
      const [type, value] =
        colon > 0
          ? [values.identity.slice(0, colon), values.identity.slice(colon + 1)]
          : ['email', values.identity];
      hold = await placeLegalHold(
        scope,
        { kind: 'identity', identity_type: type, value, reason: values.reason, expires_at },
        'cli',
      );
    } else if (values.account) {
      hold = await placeLegalHold(
        scope,
        { kind: 'account', value: values.account, reason: values.reason, expires_at },
        'cli',
      );
    } else {
      const [dataset = '', collection] = (values.collection ?? '').split('.', 2);
      hold = await placeLegalHold(
        scope,
        {
          kind: 'collection',
          dataset,
          ...(collection ? { collection } : {}),
          reason: values.reason,
          expires_at,
        },
        'cli',
      );
    }
    ctx.stdout.write(`placed legal hold ${hold.id} on ${describeHold(hold)}\n`);
    return 0;
  }
  if (action === 'release') {
    if (!id) throw new CliError('usage: custodian retention holds release <id>');
    const hold = await releaseLegalHold(scope, id, 'cli');
    ctx.stdout.write(`released legal hold ${hold.id} on ${describeHold(hold)}\n`);
    return 0;
  }
  throw new CliError(`unknown holds action "${action}"; use list, add or release`);
}

async function loadProgram(ctx: CliContext, target: string | undefined): Promise<Program | undefined> {
  const result = await loadProgramFromDisk(path.resolve(ctx.cwd, target ?? '.'));
  if (result.ok) return result.program;
  for (const issue of result.issues) ctx.stderr.write(`${formatIssue(issue)}\n`);
  return undefined;
}

/**
 * The store and workspace CLI runs use without a server: the store's default (first)
 * workspace, created on first use exactly as the server's first start would.
 */
async function openCliWorkspace(ctx: CliContext): Promise<{ store: Store; scope: WorkspaceScope }> {
  const databaseUrl = ctx.env.DATABASE_URL;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new CliError('DATABASE_URL must be a postgres:// URL (unset it to use the embedded store)');
  }
  const dataDir = path.resolve(ctx.cwd, ctx.env.CUSTODIAN_DATA_DIR ?? './.custodian');
  const store = await openStore(databaseUrl ? { databaseUrl } : { dataDir: path.join(dataDir, 'db') });
  const boot = await bootstrapWorkspace(store.db, ctx.env.CUSTODIAN_OWNER_KEY);
  if (boot.ownerKey) {
    const keyFile = path.join(dataDir, 'owner-key');
    await mkdir(dataDir, { recursive: true });
    await writeFile(keyFile, `${boot.ownerKey.secret}\n`, { mode: 0o600 });
    await chmod(keyFile, 0o600);
    ctx.stderr.write(`created the default workspace; its owner API key is in ${keyFile}\n`);
  }
  return { store, scope: boot.scope };
}

function formatPlan(plan: RulePlan): string {
  const lines = [`${plan.rule}  (${plan.action} ${plan.target}${plan.system ? ` on ${plan.system}` : ''})`];
  if (plan.status === 'error') return `${lines[0]}\n  error: ${plan.error}\n\n`;
  for (const c of plan.cutoffs) lines.push(`  ${c.field}: ${c.period} → before ${c.cutoff}`);
  lines.push(
    `  would ${plan.action === 'manual_task' ? 'list in a task' : plan.action.replace('_', ' ')}: ${plan.rows} rows` +
      (plan.rows ? ` (oldest ${plan.oldest ?? '-'}, newest ${plan.newest ?? '-'})` : ''),
  );
  if (plan.examples.length) lines.push(`  examples (${plan.key.join(', ')}): ${plan.examples.join(', ')}`);
  for (const m of plan.mask) lines.push(`  masks ${m.field}: ${m.strategy} (${m.source})`);
  if (plan.action === 'anonymise' && plan.deletesRows) lines.push('  the erasure policy deletes these rows');
  if (plan.cascade.length) lines.push(`  children deleted first: ${plan.cascade.join(', ')}`);
  if (plan.keptByExceptions) lines.push(`  kept by exceptions: ${plan.keptByExceptions}`);
  for (const h of plan.holds) lines.push(`  held (${h.covers}: ${h.reason}): ${h.rows} rows`);
  return `${lines.join('\n')}\n\n`;
}

function formatResult(r: RuleRunResult): string {
  const cascade = Object.entries(r.cascaded)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const detail =
    r.status === 'succeeded'
      ? `${r.affected} rows${cascade ? ` (+ ${cascade})` : ''}${r.resumed ? ', resumed an interrupted run' : ''}`
      : (r.reason ?? '');
  return `${r.rule.padEnd(28)} ${r.status.padEnd(9)} ${detail}  (${r.durationMs} ms)\n`;
}
