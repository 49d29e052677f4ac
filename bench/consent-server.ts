/**
 * A server for `bench/consent.ts`, in a process of its own as in a deployment, so neither
 * server shares a heap or an event loop with the benchmark or with the other server:
 *   node bench/consent-server.ts hello              a bare Hono hello world
 *   node bench/consent-server.ts custodian <url>    Custodian's server on that PostgreSQL database
 * Prints its URL on stdout and stops when its stdin closes.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { startServer } from '../src/http/server.ts';
import { openStore } from '../src/store/open-store.ts';

const [kind, databaseUrl] = process.argv.slice(2);
let close: () => Promise<void>;
if (kind === 'hello') {
  const hello = new Hono();
  hello.get('/hello', (c) => c.json({ hello: 'world' }));
  const server = serve({ fetch: hello.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  close = () => new Promise<void>((r) => server.close(() => r()));
} else if (kind === 'custodian' && databaseUrl) {
  const store = await openStore({ databaseUrl, migrate: false });
  const server = await startServer({ store, port: 0, jobs: false, log: () => undefined });
  console.log(server.url);
  close = async () => {
    await server.close();
    await store.close();
  };
} else {
  console.error('usage: consent-server.ts hello | custodian <database-url>');
  process.exit(2);
}
process.stdin.resume();
process.stdin.on('end', () => void close().then(() => process.exit(0)));
