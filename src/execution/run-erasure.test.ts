import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { postgresConnector } from '../connectors/postgres-connector.ts';
import { crashTestPolicy } from './fixtures/policies.ts';
import { createShop, type ShopFixture, shopUnavailable } from './fixtures/shop-fixture.ts';
import { runErasure } from './run-erasure.ts';
import { fileJournal, type JournalState } from './run-journal.ts';
import { runRectification } from './run-rectification.ts';

const skip = await shopUnavailable();
const node = process.execPath;

describe('erasure and rectification on the real shop', { skip }, () => {
  let shop: ShopFixture;
  beforeEach(async () => {
    shop = await createShop();
  });
  afterEach(async () => {
    await shop?.drop();
  });

  test('every strategy, protected keys explained, children before parents, others untouched', async () => {
    const result = await runErasure(shop.program, {
      identities: { email: 'alice@example.com' },
      policy: crashTestPolicy,
      connectors: { overrides: shop.connectors },
    });
    assert.equal(result.ok, true, JSON.stringify(result.results.filter((r) => r.status === 'failed')));
    const [alice] = await shop.sql('SELECT * FROM customers WHERE id = 1');
    assert.match(String(alice!.email), /^[0-9a-f]{64}$/);
    assert.equal(alice!.name, 'REDACTED');
    assert.equal(alice!.phone, null);
    // Nested members masked in place; the undeclared member and column are left alone.
    assert.deepEqual(alice!.profile, {
      phone_alt: null,
      preferences: { newsletter: null },
      secret_note: 'TRAP-NESTED',
    });
    assert.equal(alice!.internal_score, 901);
    // The same hash on both ends keeps logins linked to the customer.
    const logins = await shop.sql('SELECT email, ip FROM logins WHERE id IN (1, 2)');
    assert.ok(logins.every((l) => l.email === alice!.email && l.ip === null));
    assert.deepEqual(await shop.sql('SELECT id FROM payment_cards'), [{ id: 2 }]);
    assert.deepEqual(await shop.sql('SELECT login_id FROM visits'), [{ login_id: 3 }]);
    const [gift] = await shop.sql('SELECT gift_message FROM order_items WHERE order_id = 2');
    assert.match(String(gift!.gift_message), /^[A-Za-z0-9_-]{12}$/);
    // Bob is untouched (his shared address is Alice's too, and is erased with hers).
    const [bob] = await shop.sql('SELECT email, name FROM customers WHERE id = 2');
    assert.deepEqual(bob, { email: 'bob@example.com', name: 'Bob Builder' });
    assert.equal(
      (await shop.sql("SELECT count(*)::int AS n FROM logins WHERE email = 'bob@example.com'"))[0]!.n,
      1,
    );
    const [loyalty] = await shop.mysql(
      'SELECT nickname, shop_customer_id, fraud_flag FROM loyalty_accounts WHERE id = 10',
    );
    assert.deepEqual(loyalty, { nickname: 'REDACTED', shop_customer_id: 1, fraud_flag: 'TRAP-FRAUD' });
    const [news] = await shop.mysql(
      "SELECT email, preferences FROM newsletter WHERE email = 'alice@example.com'",
    );
    const prefs = typeof news!.preferences === 'string' ? JSON.parse(news!.preferences) : news!.preferences;
    assert.deepEqual(prefs, { topics: null, source: 'TRAP-SOURCE' });

    const byKey = new Map(result.results.map((r) => [r.collection, r]));
    assert.deepEqual(byKey.get('shop:customers')!.protectedFields, [
      { field: 'id', reason: 'primary key: rows are found and updated by it' },
    ]);
    assert.match(byKey.get('shop:orders')!.protectedFields![0]!.reason, /reference to shop:customers\.id/);
    assert.match(byKey.get('crm:newsletter')!.protectedFields![0]!.field, /email/);
    assert.equal(byKey.get('shop:payment_cards')!.action, 'delete');
    const order = result.results.map((r) => r.collection);
    const before = (a: string, b: string) =>
      assert.ok(order.indexOf(a) < order.indexOf(b), `${a} before ${b}`);
    before('shop:visits', 'shop:logins');
    before('shop:payment_cards', 'shop:customers');
    before('shop:orders', 'shop:payment_cards'); // erase_after
    before('shop:order_items', 'shop:orders');
  });

  test('a random value per row: one UPDATE per 250 rows, each row gets the value journalled for it', async () => {
    // 300 more orders for Alice with 2 items each, every item with a gift message.
    await shop.sql(`INSERT INTO orders (customer_id, shipping_address_id, total)
      SELECT 1, 1, g FROM generate_series(1, 300) g`);
    await shop.sql(`INSERT INTO order_items (order_id, line_no, product_id, quantity, gift_message)
      SELECT o.id, l, 1, 1, 'note ' || o.id FROM orders o, generate_series(1, 2) l WHERE o.id > 4`);
    const dir = await mkdtemp(path.join(tmpdir(), 'custodian-per-row-'));
    const journalFile = path.join(dir, 'journal.json');
    shop.queries.length = 0;
    const result = await runErasure(shop.program, {
      identities: { email: 'alice@example.com' },
      policy: crashTestPolicy,
      journal: fileJournal(journalFile),
      connectors: { overrides: shop.connectors },
    });
    assert.equal(result.ok, true, JSON.stringify(result.results.filter((r) => r.status === 'failed')));
    const items = result.results.find((r) => r.collection === 'shop:order_items')!;
    assert.equal(items.rows, 603);
    // 603 rows, each with its own random message: 3 statements (was one per row).
    const itemUpdates = shop.queries.filter((q) => q.startsWith('UPDATE "order_items"'));
    assert.equal(itemUpdates.length, 3);

    const journal = JSON.parse(await readFile(journalFile, 'utf8')) as JournalState;
    const step = journal.steps.find((s) => s.collection === 'shop:order_items')!;
    const planned = new Map(step.changes.map((c) => [c.key.join('/'), c.assignments[0]!.value]));
    assert.equal(new Set(planned.values()).size, 603, 'a value of its own for every row');
    const stored = await shop.sql(
      'SELECT order_id, line_no, gift_message FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE customer_id = 1)',
    );
    assert.equal(stored.length, 603);
    for (const row of stored) {
      assert.equal(row.gift_message, planned.get(`${row.order_id}/${row.line_no}`));
    }
  });

  test('a dry run counts what would change and writes nothing', async () => {
    const snapshot = async () =>
      JSON.stringify([
        await shop.sql('SELECT * FROM customers ORDER BY id'),
        await shop.sql('SELECT count(*) FROM visits'),
        await shop.mysql('SELECT * FROM loyalty_accounts'),
      ]);
    const beforeState = await snapshot();
    shop.queries.length = 0;
    const result = await runErasure(shop.program, {
      identities: { email: 'alice@example.com' },
      policy: crashTestPolicy,
      connectors: { overrides: shop.connectors },
      dryRun: true,
    });
    assert.equal(result.dryRun, true);
    const rows = Object.fromEntries(result.results.map((r) => [r.collection, r.rows]));
    assert.equal(rows['shop:visits'], 3);
    assert.equal(rows['shop:customers'], 1);
    assert.equal(rows['shop:addresses'], 2);
    assert.ok(
      shop.queries.every((q) => q.startsWith('SELECT')),
      shop.queries.join('\n'),
    );
    assert.equal(await snapshot(), beforeState);
  });

  test('killed with SIGKILL after a write, a re-run finishes without doing it twice', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'custodian-erase-'));
    const journalFile = path.join(dir, 'journal.json');
    const child = spawn(
      node,
      [new URL('./fixtures/erase-child.ts', import.meta.url).pathname, journalFile, 'shop:customers'],
      {
        env: { ...process.env, ...shop.env },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('applied shop:customers')) {
          child.kill('SIGKILL');
          resolve();
        }
        if (out.includes('finished')) reject(new Error('child finished before it could be killed'));
      });
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`child exited ${code}`));
      });
    });
    const crashed = JSON.parse(await readFile(journalFile, 'utf8')) as JournalState;
    const customersStep = crashed.steps.find((s) => s.collection === 'shop:customers')!;
    // The write committed but the journal never heard of it.
    assert.equal(customersStep.status, 'pending');
    const [afterCrash] = await shop.sql('SELECT email FROM customers WHERE id = 1');
    const planned = customersStep.changes[0]!.assignments.find((a) => a.column === 'email')!.value;
    assert.equal(afterCrash!.email, planned);
    assert.ok(crashed.steps.some((s) => s.status === 'pending' && s.collection !== 'shop:customers'));

    const resumed = await runErasure(shop.program, {
      identities: { email: 'alice@example.com' },
      policy: crashTestPolicy,
      journal: fileJournal(journalFile),
      connectors: { overrides: shop.connectors },
    });
    assert.equal(resumed.resumed, true);
    assert.equal(resumed.ok, true, JSON.stringify(resumed.results.filter((r) => r.status === 'failed')));
    const [final] = await shop.sql('SELECT email, name FROM customers WHERE id = 1');
    assert.equal(final!.email, planned, 'hashed once, not hashed again');
    assert.deepEqual(await shop.sql('SELECT id FROM payment_cards'), [{ id: 2 }]);
    assert.deepEqual(await shop.sql('SELECT login_id FROM visits'), [{ login_id: 3 }]);
    // A third run changes nothing: every step is already recorded as done.
    shop.queries.length = 0;
    const again = await runErasure(shop.program, {
      identities: { email: 'alice@example.com' },
      policy: crashTestPolicy,
      journal: fileJournal(journalFile),
      connectors: { overrides: shop.connectors },
    });
    assert.equal(again.ok, true);
    assert.deepEqual(shop.queries, []);
  });

  test('read-only credentials fail each collection loudly; a retry with write access runs only those', async () => {
    const role = `ro_${shop.pg.name.slice(-10)}`;
    await shop.sql(`CREATE ROLE ${role} LOGIN`);
    await shop.sql(`GRANT USAGE ON SCHEMA support TO ${role}`);
    await shop.sql(`GRANT SELECT ON ALL TABLES IN SCHEMA public, support TO ${role}`);
    const url = new URL(shop.pg.url);
    url.username = role;
    const readOnly = postgresConnector({ url: url.toString() });
    const dir = await mkdtemp(path.join(tmpdir(), 'custodian-ro-'));
    const journal = fileJournal(path.join(dir, 'journal.json'));
    try {
      const result = await runErasure(shop.program, {
        identities: { email: 'alice@example.com' },
        policy: crashTestPolicy,
        journal,
        connectors: { overrides: { shop: readOnly, support: readOnly, crm: shop.connectors.crm! } },
      });
      assert.equal(result.ok, false);
      const customers = result.results.find((r) => r.collection === 'shop:customers')!;
      assert.equal(customers.status, 'failed');
      assert.equal(customers.error!.code, 'forbidden');
      assert.match(customers.error!.message, /permission denied/);
      assert.equal(result.results.find((r) => r.collection === 'crm:loyalty_accounts')!.status, 'succeeded');
      shop.queries.length = 0;
      const retry = await runErasure(shop.program, {
        identities: { email: 'alice@example.com' },
        policy: crashTestPolicy,
        journal,
        connectors: { overrides: shop.connectors },
      });
      assert.equal(retry.ok, true);
      assert.ok(!shop.queries.some((q) => q.includes('loyalty_accounts')), 'succeeded steps are not re-run');
      assert.equal((await shop.sql('SELECT name FROM customers WHERE id = 1'))[0]!.name, 'REDACTED');
    } finally {
      await readOnly.close();
      await shop.sql(`DROP OWNED BY ${role}`);
      await shop.sql(`DROP ROLE ${role}`);
    }
  });

  test('rectification corrects a field, keeps the previous value in the record, refuses keys', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'custodian-rect-'));
    const result = await runRectification(shop.program, {
      identities: { email: 'alice@example.com' },
      corrections: [
        { field: 'shop:customers.name', value: 'Alice Pleasance Liddell' },
        { field: 'customers.profile.phone_alt', value: '+353 87 999' },
        { field: 'orders.customer_id', value: 2 },
      ],
      journal: fileJournal(path.join(dir, 'journal.json')),
      connectors: { overrides: shop.connectors },
    });
    assert.equal(result.ok, true);
    const [alice] = await shop.sql('SELECT name, profile FROM customers WHERE id = 1');
    assert.equal(alice!.name, 'Alice Pleasance Liddell');
    assert.equal((alice!.profile as Record<string, unknown>).phone_alt, '+353 87 999');
    assert.deepEqual(result.previous['shop:customers'], [
      { key: [1], values: { name: 'Alice Liddell', 'profile.phone_alt': '+353 87 111' } },
    ]);
    const orders = result.results.find((r) => r.collection === 'shop:orders')!;
    assert.equal(orders.status, 'skipped');
    assert.match(orders.protectedFields![0]!.reason, /reference/);
    assert.equal((await shop.sql('SELECT count(*)::int AS n FROM orders WHERE customer_id = 1'))[0]!.n, 2);
  });
});
