import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Connector } from '../../connectors/connector.ts';
import { mysqlConnector } from '../../connectors/mysql-connector.ts';
import type { OpenConnectorsOptions } from '../../connectors/open-connectors.ts';
import { readSecretsFile } from '../../connectors/open-connectors.ts';
import { postgresConnector } from '../../connectors/postgres-connector.ts';
import { sqliteConnector } from '../../connectors/sqlite-connector.ts';
import type { CollectionResult, ProgressEvent } from '../../execution/collection-result.ts';
import type { MaskingStrategy } from '../../execution/masking.ts';
import type { EngineProgram } from '../../execution/prepare-run.ts';
import { runAccess } from '../../execution/run-access.ts';
import { runErasure } from '../../execution/run-erasure.ts';
import { fileJournal } from '../../execution/run-journal.ts';
import { runRectification } from '../../execution/run-rectification.ts';
import { type Dataset, datasetFileSchema } from '../../program/dataset.ts';
import { loadProgramFromDisk } from '../../program/load-program.ts';
import { defaultTaxonomy } from '../../program/taxonomy.ts';
import { formatIssue, readYaml, zodIssuesToValidation } from '../../program/yaml.ts';
import { type CliContext, CliError, parseCommandArgs } from '../cli-context.ts';

const usage = `usage: custodian dsr run --type access|erasure|rectify --identity TYPE=VALUE [--identity ...]
         [--program custodian.yaml | --dataset file.yml --connection DATASET=URL ...]
         [--target CATEGORY ...] [--strategy null|hash|random|fixed:TEXT|delete]
         [--set [DATASET:]COLLECTION.FIELD=VALUE ...] [--dry-run] [--secrets file] --out DIR

Finds every row about a person in the connected stores and
  access   writes DIR/access-package.zip (data.json, CSVs, index.html, portability.json)
  erasure  masks or deletes what falls under --target (default: user) with --strategy
           (default null); without either, the program's erasure_policy applies.
           DIR/erasure-journal.json makes a re-run resume where it stopped
  rectify  applies each --set correction; previous values go to DIR/rectification-journal.json
--dry-run shows what would change (rows per collection) and writes nothing.
Connection URLs: postgres://…, mysql://… or mariadb://…, sqlite:PATH.
Exit code 0 only when every collection succeeded (or had nothing to do).`;

function parsePair(text: string, what: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq < 1) throw new CliError(`${what} "${text}" must look like NAME=VALUE\n\n${usage}`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

function strategyOf(text: string): MaskingStrategy {
  if (text === 'null' || text === 'hash' || text === 'random') return { type: text };
  if (text === 'delete') return { type: 'delete_row' };
  if (text.startsWith('fixed:')) return { type: 'fixed', value: text.slice(6) };
  throw new CliError(`--strategy "${text}": use null, hash, random, fixed:TEXT or delete`);
}

function connectorForUrl(url: string): Connector {
  if (/^postgres(ql)?:\/\//.test(url)) return postgresConnector({ url });
  if (/^(mysql|mariadb):\/\//.test(url)) return mysqlConnector({ url: url.replace(/^mariadb:/, 'mysql:') });
  if (url.startsWith('sqlite:')) return sqliteConnector({ path: url.slice(7) });
  throw new CliError(
    `--connection URL "${url.replace(/:[^@/]*@/, ':***@')}": use postgres://, mysql://, mariadb:// or sqlite:PATH`,
  );
}

async function loadDatasets(files: string[]): Promise<Dataset[]> {
  const out: Dataset[] = [];
  for (const file of files) {
    if (!(await stat(file).catch(() => undefined))) throw new CliError(`--dataset ${file}: no such file`);
    const { source, issues } = await readYaml(file);
    if (issues.length) throw new CliError(issues.map(formatIssue).join('\n'), 1);
    const parsed = datasetFileSchema.safeParse(source.doc.toJS());
    if (!parsed.success) {
      throw new CliError(
        zodIssuesToValidation(source, datasetFileSchema, parsed.error.issues).map(formatIssue).join('\n'),
        1,
      );
    }
    out.push(...parsed.data.dataset);
  }
  return out;
}

const mark: Record<CollectionResult['status'], string> = {
  succeeded: '✔',
  failed: '✖',
  skipped: '·',
  pending: '…',
};

function note(r: CollectionResult): string {
  if (r.error) return `${r.error.code}: ${r.error.message}`;
  const parts: string[] = [];
  if (r.action && r.action !== 'none')
    parts.push(r.action === 'mask' ? `masked ${r.maskedFields?.join(', ')}` : r.action);
  if (r.protectedFields?.length)
    parts.push(`kept ${r.protectedFields.map((p) => `${p.field} (${p.reason})`).join('; ')}`);
  if (r.reason) parts.push(r.reason);
  if (r.task?.instructions) parts.push(`task: ${r.task.instructions}`);
  return parts.join('; ');
}

function table(results: readonly CollectionResult[]): string {
  const w = Math.max(10, ...results.map((r) => r.collection.length));
  const lines = [`${'collection'.padEnd(w)}  status     rows  note`];
  for (const r of results) {
    lines.push(
      `${r.collection.padEnd(w)}  ${`${mark[r.status]} ${r.status}`.padEnd(10)} ${String(r.rows).padStart(5)}  ${note(r)}`,
    );
  }
  return lines.join('\n');
}

export async function run(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    ctx.argv,
    {
      type: { type: 'string' },
      identity: { type: 'string', multiple: true, default: [] },
      program: { type: 'string' },
      dataset: { type: 'string', multiple: true, default: [] },
      connection: { type: 'string', multiple: true, default: [] },
      target: { type: 'string', multiple: true, default: [] },
      strategy: { type: 'string' },
      set: { type: 'string', multiple: true, default: [] },
      'dry-run': { type: 'boolean', default: false },
      secrets: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    usage,
  );
  if (values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  if (positionals[0] !== 'run') throw new CliError(usage);
  const type = values.type;
  if (type !== 'access' && type !== 'erasure' && type !== 'rectify')
    throw new CliError(`--type must be access, erasure or rectify\n\n${usage}`);
  if (!values.out) throw new CliError(`--out DIR is required\n\n${usage}`);
  if (values.identity.length === 0) throw new CliError(`give at least one --identity TYPE=VALUE\n\n${usage}`);
  const identities: Record<string, string[]> = {};
  for (const text of values.identity) {
    const [k, v] = parsePair(text, '--identity');
    identities[k] = [...(identities[k] ?? []), v];
  }

  let program: EngineProgram;
  let connectors: OpenConnectorsOptions;
  const owned: Connector[] = [];
  if (values.dataset.length) {
    if (values.program) throw new CliError('give either --program or --dataset, not both');
    const datasets = await loadDatasets(values.dataset.map((f) => path.resolve(ctx.cwd, f)));
    const overrides: Record<string, Connector> = {};
    for (const text of values.connection) {
      const [key, url] = parsePair(text, '--connection');
      if (!datasets.some((d) => d.fides_key === key)) {
        throw new CliError(
          `--connection ${key}: no dataset with that fides_key in ${values.dataset.join(', ')}`,
        );
      }
      overrides[key] = connectorForUrl(
        url.startsWith('sqlite:') ? `sqlite:${path.resolve(ctx.cwd, url.slice(7))}` : url,
      );
      owned.push(overrides[key]);
    }
    program = { datasets, taxonomy: defaultTaxonomy() };
    connectors = { overrides };
  } else {
    const loaded = await loadProgramFromDisk(values.program ?? ctx.cwd);
    if (!loaded.ok) {
      for (const issue of loaded.issues) ctx.stderr.write(`${formatIssue(issue)}\n`);
      return 1;
    }
    program = loaded.program;
    const env = { ...ctx.env, ...(values.secrets ? await readSecretsFile(values.secrets) : {}) };
    connectors = { env, baseDir: path.dirname(loaded.program.locate({ doc: [] }).file) };
  }

  const out = path.resolve(ctx.cwd, values.out);
  await mkdir(out, { recursive: true });
  const tty = Boolean(ctx.stdout.isTTY);
  const onProgress = (event: ProgressEvent) => {
    if (!tty) return;
    if (event.type === 'start')
      ctx.stdout.write(`  … ${event.phase === 'read' ? 'reading' : 'writing'} ${event.collection}\r`);
    if (event.type === 'done') {
      const r = event.result;
      ctx.stdout.write(
        `\x1b[2K  ${mark[r.status]} ${event.phase === 'read' ? 'read ' : 'wrote'} ${r.collection} — ${r.rows} row${r.rows === 1 ? '' : 's'}${r.durationMs !== undefined ? ` in ${r.durationMs} ms` : ''}\n`,
      );
    }
  };
  const dryRun = values['dry-run'];
  const common = {
    identities,
    connectors,
    onProgress,
    ...(values.target.length ? { targets: values.target } : {}),
  };
  let results: CollectionResult[];
  let ok: boolean;
  let summary: Record<string, unknown>;
  try {
    if (type === 'access') {
      const file = path.join(out, 'access-package.zip');
      const r = await runAccess(program, { ...common, ...(dryRun ? {} : { packageTo: file }) });
      results = r.results;
      ok = r.ok;
      summary = { runId: r.runId, type, package: r.package?.location, findings: r.findings, results };
    } else if (type === 'erasure') {
      // With neither --target nor --strategy, the program's erasure_policy applies (else null on user.*).
      const explicit = values.target.length > 0 || values.strategy !== undefined;
      const strategy = strategyOf(values.strategy ?? 'null');
      const targets = values.target.length ? values.target : ['user'];
      const policy =
        !explicit && program.doc?.erasure_policy
          ? program.doc.erasure_policy
          : { rules: targets.map((target) => ({ target, strategy })) };
      const r = await runErasure(program, {
        ...common,
        policy,
        dryRun,
        journal: fileJournal(path.join(out, 'erasure-journal.json')),
      });
      results = r.results;
      ok = r.ok;
      summary = { runId: r.runId, type, dryRun, resumed: r.resumed, findings: r.findings, results };
      if (r.resumed)
        ctx.stdout.write(`resumed run ${r.runId} from ${path.join(out, 'erasure-journal.json')}\n`);
    } else {
      if (values.set.length === 0) throw new CliError('rectify needs at least one --set FIELD=VALUE');
      const corrections = values.set.map((s) => {
        const [field, value] = parsePair(s, '--set');
        return { field, value };
      });
      const r = await runRectification(program, {
        ...common,
        corrections,
        dryRun,
        journal: fileJournal(path.join(out, 'rectification-journal.json')),
      });
      results = r.results;
      ok = r.ok;
      summary = { runId: r.runId, type, dryRun, resumed: r.resumed, findings: r.findings, results };
    }
  } finally {
    await Promise.all(owned.map((c) => c.close().catch(() => undefined)));
  }
  for (const f of (summary.findings as { severity: string; message: string }[]) ?? []) {
    ctx.stderr.write(`${f.severity}: ${f.message}\n`);
  }
  await writeFile(path.join(out, 'result.json'), `${JSON.stringify(summary, null, 2)}\n`);
  ctx.stdout.write(`\n${table(results)}\n\n`);
  if (type === 'access' && !dryRun) ctx.stdout.write(`package: ${path.join(out, 'access-package.zip')}\n`);
  if (dryRun) ctx.stdout.write('dry run: nothing was written\n');
  ctx.stdout.write(
    ok
      ? 'all collections done\n'
      : 'some collections did not succeed; fix the cause and run the same command again to retry them\n',
  );
  return ok ? 0 : 1;
}
