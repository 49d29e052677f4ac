import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildGraph } from './build-graph.ts';
import { createShop, type ShopFixture, shopUnavailable } from './fixtures/shop-fixture.ts';
import { runAccess } from './run-access.ts';
import { readZip } from './testing/read-zip.ts';

const skip = await shopUnavailable();

describe('access requests on a real PostgreSQL + MariaDB shop', { skip }, () => {
  let shop: ShopFixture;
  before(async () => {
    shop = await createShop();
  });
  after(async () => {
    await shop?.drop();
  });

  test('the graph reaches every collection and orders addresses after orders', () => {
    const graph = buildGraph(shop.program.datasets, ['email']);
    assert.deepEqual(graph.findings, []);
    const levelOf = (k: string) => graph.levels.findIndex((l) => l.includes(k));
    assert.ok(levelOf('shop:addresses') > levelOf('shop:orders'));
    assert.ok(levelOf('shop:order_items') > levelOf('shop:orders'));
    assert.ok(levelOf('crm:loyalty_accounts') > levelOf('shop:customers'));
    const ticketInputs = graph.inputs
      .get('support:tickets')!
      .map((i) => (i.kind === 'edge' ? i.from : i.identity));
    assert.deepEqual(ticketInputs.sort(), ['email', 'shop:customers', 'support:employees']);
  });

  test("Alice's data from both databases, each row once, nothing undeclared", async () => {
    shop.queries.length = 0;
    const result = await runAccess(shop.program, {
      identities: { email: 'alice@example.com' },
      connectors: { overrides: shop.connectors },
    });
    assert.equal(result.ok, true, JSON.stringify(result.results.filter((r) => r.status !== 'succeeded')));
    const d = result.data;
    assert.deepEqual(d['shop:customers'], [
      {
        id: 1,
        email: 'alice@example.com',
        name: 'Alice Liddell',
        phone: '+353 1 111',
        profile: { phone_alt: '+353 87 111', preferences: { newsletter: true } },
      },
    ]);
    // Address 1 is reached through the customer and through order 1: returned once.
    assert.deepEqual(
      d['shop:addresses']!.map((a) => a.street),
      ['1 Shared Lane', '5 Gift Street'],
    );
    assert.equal(d['shop:orders']!.length, 2);
    assert.deepEqual(
      d['shop:order_items']!.map((i) => i.gift_message ?? null).sort(),
      ['Happy birthday, Dinah', null, null].sort(),
    );
    assert.equal(d['shop:payment_cards']!.length, 1);
    assert.equal(d['shop:logins']!.length, 2);
    assert.equal(d['shop:visits']!.length, 3);
    // Ticket 1 is reached by email and by customer id: returned once.
    assert.equal(d['support:tickets']!.length, 2);
    assert.equal(d['support:employees'], undefined);
    // Cross-database: the MariaDB loyalty account keyed by the PostgreSQL customer id.
    assert.deepEqual(d['crm:loyalty_accounts'], [
      { shop_customer_id: 1, tier: 'gold', points: 1200, nickname: 'Ally' },
    ]);
    assert.deepEqual(d['crm:newsletter']![0]!.preferences, { topics: ['teapots'] });
    // No trace of Bob or Carol.
    const text = JSON.stringify(d);
    assert.ok(!text.includes('bob@') && !text.includes('Carol'));
    // Trap columns never selected, never returned.
    assert.ok(!text.includes('TRAP') && !text.includes('internal_score') && !text.includes('fraud_flag'));
    const joined = shop.queries.join('\n');
    assert.ok(!/internal_score|fraud_flag|\*/.test(joined), joined);
  });

  test('one query per collection, whatever the number of rows (no N+1)', async () => {
    // Give Alice 300 more orders with 2 items each and 200 logins with visits.
    await shop.sql(`INSERT INTO orders (customer_id, shipping_address_id, total)
      SELECT 1, 1, g FROM generate_series(1, 300) g`);
    await shop.sql(`INSERT INTO order_items (order_id, line_no, product_id, quantity)
      SELECT o.id, l, 1, 1 FROM orders o, generate_series(1, 2) l WHERE o.id > 4`);
    await shop.sql(
      `INSERT INTO logins (email, ip) SELECT 'alice@example.com', '10.1.0.' || g FROM generate_series(1, 200) g`,
    );
    await shop.sql(`INSERT INTO visits (login_id, page) SELECT id, '/p' FROM logins WHERE id > 3`);
    shop.queries.length = 0;
    const result = await runAccess(shop.program, {
      identities: { email: 'alice@example.com' },
      connectors: { overrides: shop.connectors },
    });
    assert.equal(result.ok, true);
    assert.equal(result.data['shop:orders']!.length, 302);
    assert.equal(result.data['shop:order_items']!.length, 603);
    assert.equal(result.data['shop:visits']!.length, 203);
    const selects = shop.queries.filter((q) => q.startsWith('SELECT'));
    // 11 reachable collections; employees finds no one and tickets reads once.
    assert.equal(selects.length, 11, selects.join('\n'));
  });

  test('category filter keeps only contact data', async () => {
    const result = await runAccess(shop.program, {
      identities: { email: 'alice@example.com' },
      targets: ['user.contact'],
      connectors: { overrides: shop.connectors },
    });
    assert.deepEqual(Object.keys(result.data).sort(), [
      'crm:newsletter',
      'shop:addresses',
      'shop:customers',
      'shop:logins',
      'support:tickets',
    ]);
    assert.deepEqual(result.data['shop:customers'], [
      { email: 'alice@example.com', phone: '+353 1 111', profile: { phone_alt: '+353 87 111' } },
    ]);
    assert.deepEqual(result.data['crm:newsletter'], [{ email: 'alice@example.com' }]);
  });

  test('the zip package streams JSON, CSVs, portability and a readable page', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'custodian-access-'));
    const file = path.join(dir, 'access.zip');
    const result = await runAccess(shop.program, {
      identities: { email: 'alice@example.com', customer_id: 1 },
      connectors: { env: shop.env },
      packageTo: file,
    });
    assert.equal(result.ok, true);
    assert.ok(result.package && result.package.bytes > 0);
    const entries = await readZip(await readFile(file));
    const data = JSON.parse(entries.get('data.json')!) as Record<string, unknown[]>;
    assert.equal(data['shop:customers']!.length, 1);
    assert.deepEqual(Object.keys(data), Object.keys(result.data));
    const csv = entries.get('csv/shop.customers.csv')!;
    assert.match(
      csv,
      /^id,email,name,phone,profile\.phone_alt,profile\.preferences\.newsletter\r\n1,alice@example\.com,Alice Liddell/,
    );
    const html = entries.get('index.html')!;
    assert.match(html, /Web shop/);
    assert.match(html, /Loyalty CRM/);
    assert.match(html, /Email/); // category in plain words
    assert.match(html, /Take and deliver your orders/);
    assert.match(html, /MailFox/);
    assert.match(html, /Six years after the order/);
    assert.match(html, /Data Protection Commission/);
    const portability = JSON.parse(entries.get('portability.json')!);
    assert.equal(portability.schema, 'custodian.portability/v1');
    const collections = portability.collections.map(
      (c: { dataset: string; collection: string }) => `${c.dataset}:${c.collection}`,
    );
    assert.ok(collections.includes('shop:customers'));
    // IP addresses are observed by the system, not provided by the person.
    const logins = portability.collections.find((c: { collection: string }) => c.collection === 'logins');
    assert.ok(logins.records.every((r: Record<string, unknown>) => !('ip' in r)));
    for (const text of entries.values()) assert.ok(!text.includes('TRAP'));
  });

  test('a missing connection fails only the collections it serves', async () => {
    const result = await runAccess(shop.program, {
      identities: { email: 'alice@example.com' },
      connectors: { env: { SHOP_DATABASE_URL: shop.env.SHOP_DATABASE_URL! } },
    });
    assert.equal(result.ok, false);
    const crm = result.results.find((r) => r.collection === 'crm:newsletter')!;
    assert.equal(crm.status, 'failed');
    assert.match(crm.error!.message, /CRM_DATABASE_URL/);
    assert.equal(result.results.find((r) => r.collection === 'shop:customers')!.status, 'succeeded');
  });
});
