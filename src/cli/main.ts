/**
 * The `custodian` command: a thin layer over the same functions the server uses. Each
 * command lives in its own file under src/cli/commands/ and is loaded only when run.
 */
import { AppError } from '../errors.ts';
import { type CliContext, CliError } from './cli-context.ts';

type Command = { summary: string; load: () => Promise<{ run(ctx: CliContext): Promise<number> }> };

const commands: Record<string, Command> = {
  serve: { summary: 'start the server (http://localhost:7070)', load: () => import('./commands/serve.ts') },
  init: { summary: 'scaffold custodian.yaml and datasets/ here', load: () => import('./commands/init.ts') },
  validate: { summary: 'check the program for schema errors', load: () => import('./commands/validate.ts') },
  lint: { summary: 'find gaps and contradictions in the program', load: () => import('./commands/lint.ts') },
  push: { summary: 'load the validated program into the server', load: () => import('./commands/push.ts') },
  notice: { summary: 'render the privacy notice (html|md)', load: () => import('./commands/notice.ts') },
  ropa: { summary: 'export the Art. 30 records of processing', load: () => import('./commands/ropa.ts') },
  publish: {
    summary: 'publish the current notice as a new version',
    load: () => import('./commands/publish.ts'),
  },
  dsr: {
    summary: 'run a data subject request against connected stores',
    load: () => import('./commands/dsr.ts'),
  },
  connections: {
    summary: 'test connections to data stores',
    load: () => import('./commands/connections.ts'),
  },
  consent: { summary: 'consent ledger tools (verify)', load: () => import('./commands/consent.ts') },
  retention: { summary: 'plan or run retention sweeps', load: () => import('./commands/retention.ts') },
  audit: { summary: 'audit log tools (verify, export)', load: () => import('./commands/audit.ts') },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: custodian <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun \`custodian <command> --help\` for a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    console.error(`custodian: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run({
    argv: rest,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  });
}

// `custodian lint | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof CliError || err instanceof AppError) {
      console.error(`custodian: ${err.message}`);
      if (err instanceof AppError && err.details !== undefined)
        console.error(JSON.stringify(err.details, null, 2));
      process.exitCode = err instanceof CliError ? err.exitCode : 1;
    } else {
      console.error('custodian: unexpected error (this is a bug; please report it):');
      console.error(err);
      process.exitCode = 70;
    }
  },
);
