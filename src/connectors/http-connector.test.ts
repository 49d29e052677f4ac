import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { runAccess } from '../execution/run-access.ts';
import { runErasure } from '../execution/run-erasure.ts';
import { datasetSchema } from '../program/dataset.ts';
import { defaultTaxonomy } from '../program/taxonomy.ts';
import type { Row } from './connector.ts';
import { httpConnector } from './http-connector.ts';
import { NonceCache, verifySignedRequest } from './http-signature.ts';

const SECRET = 'test-signing-secret';

/** A company endpoint speaking the callback protocol over an in-memory table. */
function companyEndpoint() {
  const members: Row[] = [
    { id: 1, email: 'alice@example.com', nickname: 'ally', hidden: 'NOT-DECLARED' },
    { id: 2, email: 'bob@example.com', nickname: 'bobby', hidden: 'NOT-DECLARED' },
  ];
  const nonces = new NonceCache();
  const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
  let failNext = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      try {
        verifySignedRequest({ secret: SECRET, headers: req.headers, body, nonces });
      } catch (err) {
        return send(401, { error: (err as Error).message });
      }
      if (failNext > 0) {
        failNext--;
        return send(503, { error: 'busy' });
      }
      const msg = JSON.parse(body);
      if (msg.action === 'ping') return send(200, { ok: true });
      if (msg.action === 'read') {
        const rows = members.filter((m) =>
          msg.where.some((w: { field: string; values: unknown[] }) => w.values.includes(m[w.field])),
        );
        return send(200, { rows });
      }
      if (msg.action === 'update') {
        let count = 0;
        for (const change of msg.changes) {
          const row = members.find((m) => m.id === change.key[0]);
          if (!row) continue;
          for (const a of change.assignments) row[a.column] = a.value;
          count++;
        }
        return send(200, { count });
      }
      send(400, { error: 'unknown action' });
    });
  });
  return {
    server,
    members,
    seen,
    failNextRequests(n: number) {
      failNext = n;
    },
  };
}

const dataset = datasetSchema.parse({
  fides_key: 'community',
  collections: [
    {
      name: 'members',
      fields: [
        { name: 'id', data_categories: ['system.operations'], fides_meta: { primary_key: true } },
        { name: 'email', data_categories: ['user.contact.email'], fides_meta: { identity: 'email' } },
        { name: 'nickname', data_categories: ['user.name'] },
      ],
    },
  ],
});
const program = { datasets: [dataset], taxonomy: defaultTaxonomy() };

describe('HTTP callback connector against a real local server', () => {
  const endpoint = companyEndpoint();
  let url: string;
  let server: Server;
  before(async () => {
    server = endpoint.server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/custodian`;
  });
  after(() => {
    server.close();
  });

  test('access and erasure through signed requests; undeclared fields dropped', async () => {
    const connector = httpConnector({ url, secret: SECRET, backoffMs: 10 });
    const access = await runAccess(program, {
      identities: { email: 'alice@example.com' },
      connectors: { overrides: { community: connector } },
    });
    assert.equal(access.ok, true, JSON.stringify(access.results));
    assert.deepEqual(access.data['community:members'], [{ email: 'alice@example.com', nickname: 'ally' }]);
    const erase = await runErasure(program, {
      identities: { email: 'alice@example.com' },
      policy: { rules: [{ target: 'user.name', strategy: { type: 'fixed', value: 'gone' } }] },
      connectors: { overrides: { community: connector } },
    });
    assert.equal(erase.ok, true, JSON.stringify(erase.results));
    assert.equal(endpoint.members[0]!.nickname, 'gone');
    assert.equal(endpoint.members[1]!.nickname, 'bobby');
    const last = endpoint.seen.at(-1)!;
    assert.match(String(last.headers['x-custodian-idempotency-key']), /:community:members$/);
  });

  test('a replayed request and a wrong secret are refused', async () => {
    const original = endpoint.seen.at(-1)!;
    const replay = await fetch(url, {
      method: 'POST',
      headers: Object.fromEntries(
        ['content-type', 'x-custodian-timestamp', 'x-custodian-nonce', 'x-custodian-signature'].map((h) => [
          h,
          String(original.headers[h]),
        ]),
      ),
      body: original.body,
    });
    assert.equal(replay.status, 401);
    assert.match(await replay.text(), /replayed/);
    const wrong = httpConnector({ url, secret: 'not-the-secret', backoffMs: 10 });
    await assert.rejects(wrong.ping(), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'unauthorized');
      assert.match(err.message, /signature does not match/);
      return true;
    });
  });

  test('old timestamps are refused', () => {
    assert.throws(
      () =>
        verifySignedRequest({
          secret: SECRET,
          headers: {
            'x-custodian-timestamp': '1000',
            'x-custodian-nonce': 'n',
            'x-custodian-signature': 'v1=00',
          },
          body: '{}',
          nonces: new NonceCache(),
        }),
      /too old/,
    );
  });

  test('server errors are retried with backoff, each attempt signed anew', async () => {
    const connector = httpConnector({ url, secret: SECRET, backoffMs: 10 });
    const before = endpoint.seen.length;
    endpoint.failNextRequests(2);
    await connector.ping();
    const attempts = endpoint.seen.slice(before);
    assert.equal(attempts.length, 3);
    assert.equal(new Set(attempts.map((a) => a.headers['x-custodian-nonce'])).size, 3);
    endpoint.failNextRequests(10);
    const stubborn = httpConnector({ url, secret: SECRET, backoffMs: 5, attempts: 3 });
    await assert.rejects(stubborn.ping(), /failed after 3 attempts: HTTP 503/);
    endpoint.failNextRequests(0);
  });
});
