import type { CollectionRef, Connector } from '../../connectors/connector.ts';
import { connectorFor, readSecretsFile } from '../../connectors/open-connectors.ts';
import { collectionNodes } from '../../execution/build-graph.ts';
import { loadProgramFromDisk } from '../../program/load-program.ts';
import { formatIssue } from '../../program/yaml.ts';
import { type CliContext, parseCommandArgs } from '../cli-context.ts';

const usage = `usage: custodian connections test [--program path] [--secrets file]

For each system with a connection: reaches it with its credentials, then checks that every
table and column its datasets declare exists. Secrets come from the environment variables
the program names (url_env, secret_env), or from a NAME=value secrets file.
Exit code 0 only when every connection passes.`;

export async function run(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    ctx.argv,
    {
      program: { type: 'string' },
      secrets: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    usage,
  );
  if (values.help || positionals[0] !== 'test') {
    (values.help ? ctx.stdout : ctx.stderr).write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const loaded = await loadProgramFromDisk(values.program ?? ctx.cwd);
  if (!loaded.ok) {
    for (const issue of loaded.issues) ctx.stderr.write(`${formatIssue(issue)}\n`);
    return 1;
  }
  const program = loaded.program;
  const env = { ...ctx.env, ...(values.secrets ? await readSecretsFile(values.secrets) : {}) };
  const nodes = [...collectionNodes(program.datasets).values()];
  let failures = 0;
  const systems = program.doc.systems.filter((s) => s.connection);
  if (systems.length === 0) ctx.stdout.write('no system has a connection in this program\n');
  for (const system of systems) {
    const connection = system.connection!;
    const problems: string[] = [];
    let connector: Connector | undefined;
    try {
      connector = connectorFor(system.key, connection, {
        env,
        baseDir: program.locate({ doc: [] }).file.replace(/[^/]*$/, ''),
      });
      if (connection.type === 'manual') {
        ctx.stdout.write(
          `✔ ${system.key} (manual): a person handles it${connection.assignee ? ` — ${connection.assignee}` : ''}\n`,
        );
        continue;
      }
      await connector.ping();
      const mine = nodes.filter((n) => system.datasets.includes(n.ref.dataset));
      const refs: CollectionRef[] = mine.map((n) => n.ref);
      const shapes = refs.length ? await connector.describe(refs) : [];
      for (const [i, shape] of shapes.entries()) {
        const node = mine[i]!;
        const label = `${node.ref.schema ? `${node.ref.schema}.` : ''}${node.ref.collection}`;
        if (!shape.columns) {
          problems.push(`table ${label} (${node.key}) does not exist`);
          continue;
        }
        const missing = node.columns.filter((c) => !shape.columns!.includes(c));
        if (missing.length)
          problems.push(`${label} has no column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
      }
      if (problems.length === 0) {
        ctx.stdout.write(
          `✔ ${system.key} (${connection.type}): reachable, ${mine.length} collection${mine.length === 1 ? '' : 's'} match the datasets\n`,
        );
      }
    } catch (err) {
      problems.push((err as Error).message);
    } finally {
      await connector?.close().catch(() => undefined);
    }
    if (problems.length) {
      failures++;
      ctx.stdout.write(`✖ ${system.key} (${connection.type})\n${problems.map((p) => `    ${p}\n`).join('')}`);
    }
  }
  return failures ? 1 : 0;
}
