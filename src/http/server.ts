import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { getRequestListener } from '@hono/node-server';
import type { PgBoss } from 'pg-boss';
import { bootstrapWorkspace } from '../governance/workspaces.ts';
import { startJobQueue } from '../jobs/job-queue.ts';
import { type Mailer, mailerFromEnv } from '../mail/mailer.ts';
import { openStore, type Store } from '../store/open-store.ts';
import { createApp } from './app.ts';
import { decisionFastPath } from './decision-fast-path.ts';
import { createServices, type Services } from './services.ts';

export interface ServerOptions {
  port?: number;
  host?: string;
  databaseUrl?: string | undefined;
  dataDir?: string;
  ownerKey?: string | undefined;
  publicUrl?: string;
  /** Start the durable job queue (default true). */
  jobs?: boolean;
  /** Use this store instead of opening one (tests). */
  store?: Store;
  clock?: () => Date;
  mailer?: Mailer;
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  services: Services;
  /** Set only on the start that created the workspace: the owner key, shown once. */
  ownerKey?: string;
  close(): Promise<void>;
}

/** Opens the store, migrates, bootstraps the workspace, starts jobs and listens. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = options.dataDir ?? './.custodian';
  const store =
    options.store ??
    (await openStore(
      options.databaseUrl ? { databaseUrl: options.databaseUrl } : { dataDir: path.join(dataDir, 'db') },
    ));
  const boot = await bootstrapWorkspace(store.db, options.ownerKey);
  const port = options.port ?? 7070;
  const host = options.host ?? '127.0.0.1';
  const services = createServices(store, {
    ...(options.clock ? { clock: options.clock } : {}),
    publicUrl: options.publicUrl ?? `http://localhost:${port}`,
    mailer: options.mailer ?? mailerFromEnv(process.env),
  });
  let boss: PgBoss | undefined;
  if (options.jobs !== false) boss = await startJobQueue(services);
  if (boss) services.extras.set('jobs', boss);
  const app = createApp(services);

  // The decision API's usual question is answered on the Node request, before Hono.
  const answerDecision = decisionFastPath(services);
  const listener = getRequestListener(app.fetch, { hostname: host });
  const server = createServer((request, response) => {
    const routed = () => void listener(request, response);
    if (!answerDecision(request, response, routed)) routed();
  }).listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${actualPort}`;
  if (!options.publicUrl && actualPort !== port) services.publicUrl = `http://localhost:${actualPort}`;

  if (boot.ownerKey && !options.store) {
    const keyFile = path.join(dataDir, 'owner-key');
    await mkdir(dataDir, { recursive: true });
    await writeFile(keyFile, `${boot.ownerKey.secret}\n`, { mode: 0o600 });
    await chmod(keyFile, 0o600);
    log(`First start: created the workspace and its owner API key.`);
    log(`  The key is in ${keyFile} (readable only by you). Use it as:`);
    log(`  export CUSTODIAN_URL=${url} CUSTODIAN_API_KEY=$(cat ${keyFile})`);
  }
  log(
    `Custodian listening on ${url} (store: ${store.kind}${store.kind === 'pglite' ? `, ${path.join(dataDir, 'db')}` : ''})`,
  );

  return {
    url,
    services,
    ...(boot.ownerKey ? { ownerKey: boot.ownerKey.secret } : {}),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (boss) await boss.stop({ graceful: false, timeout: 2000 }).catch(() => undefined);
      if (!options.store) await store.close();
    },
  };
}
