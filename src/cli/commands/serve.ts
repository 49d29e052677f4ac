import { startServer } from '../../http/server.ts';
import { type CliContext, CliError, parseCommandArgs } from '../cli-context.ts';

const usage = `usage: custodian serve [--port 7070] [--host 127.0.0.1]

Starts the server. Environment: PORT, HOST, CUSTODIAN_DATA_DIR (embedded store folder,
default ./.custodian), DATABASE_URL (postgres://… to use a PostgreSQL server instead),
CUSTODIAN_OWNER_KEY (owner API key for automated set-ups), CUSTODIAN_PUBLIC_URL.`;

export async function run(ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(
    ctx.argv,
    { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    usage,
    false,
  );
  if (values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  const port = Number(values.port ?? ctx.env.PORT ?? 7070);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`invalid port "${values.port ?? ctx.env.PORT}"`);
  const databaseUrl = ctx.env.DATABASE_URL;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new CliError('DATABASE_URL must be a postgres:// URL (unset it to use the embedded store)');
  }
  const server = await startServer({
    port,
    host: values.host ?? ctx.env.HOST ?? '127.0.0.1',
    databaseUrl,
    dataDir: ctx.env.CUSTODIAN_DATA_DIR ?? './.custodian',
    ownerKey: ctx.env.CUSTODIAN_OWNER_KEY,
    ...(ctx.env.CUSTODIAN_PUBLIC_URL ? { publicUrl: ctx.env.CUSTODIAN_PUBLIC_URL } : {}),
  });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
