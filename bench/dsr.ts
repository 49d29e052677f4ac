/**
 * DSR benchmark: 1,000,000 customers (× --scale) with ~11 related rows each over 10 tables
 * in PostgreSQL; access and erasure for random people through the engine, and the same
 * traversal written by hand with `pg` in the same process, interleaved. Writes `## DSR`
 * in BENCHMARKS.md.  Options: --scale 0.1  --samples 200  --keep (reuse generated data)
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { postgresConnector } from '../src/connectors/postgres-connector.ts';
import { runAccess } from '../src/execution/run-access.ts';
import { runErasure } from '../src/execution/run-erasure.ts';
import { datasetSchema } from '../src/program/dataset.ts';
import { defaultTaxonomy } from '../src/program/taxonomy.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    samples: { type: 'string', default: '200' },
    keep: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});
const scale = Number(values.scale);
const samples = Number(values.samples);
const customers = Math.round(1_000_000 * scale);
const adminUrl = process.env.CUSTODIAN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dbName = `custodian_bench_dsr_${String(customers)}`;
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;

const n = (f: number) => Math.round(customers * f);
const counts = {
  customers: customers,
  addresses: customers,
  orders: n(2),
  order_items: n(3),
  payment_cards: customers,
  logins: n(2),
  visits: n(1),
  tickets: n(0.5),
  loyalty_accounts: n(0.5),
  consents: n(1),
};

async function generate() {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName])).rowCount;
  if (exists && values.keep) {
    await admin.end();
    console.log(`reusing ${dbName}`);
    return;
  }
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  await c.query('SET synchronous_commit = off');
  const C = customers;
  const steps: [string, string][] = [
    [
      'addresses',
      `CREATE TABLE addresses AS SELECT g AS id, g || ' Main Street' AS street, 'City ' || (g % 1000) AS city FROM generate_series(1, ${C}) g`,
    ],
    [
      'customers',
      `CREATE TABLE customers AS SELECT g AS id, 'user' || g || '@example.com' AS email, 'Person ' || g AS name, '+1 555 ' || g AS phone, g AS address_id, 0 AS internal_score FROM generate_series(1, ${C}) g`,
    ],
    [
      'orders',
      `CREATE TABLE orders AS SELECT g AS id, ((g - 1) % ${C}) + 1 AS customer_id, (g % 500)::numeric AS total, now() - (g % 900) * interval '1 day' AS placed_at FROM generate_series(1, ${counts.orders}) g`,
    ],
    [
      'order_items',
      `CREATE TABLE order_items AS SELECT ((g - 1) % ${counts.orders}) + 1 AS order_id, ((g - 1) / ${counts.orders}) + 1 AS line_no, g % 5000 AS product_id, 1 + g % 3 AS quantity FROM generate_series(1, ${counts.order_items}) g`,
    ],
    [
      'payment_cards',
      `CREATE TABLE payment_cards AS SELECT g AS id, g AS customer_id, lpad((g % 10000)::text, 4, '0') AS last4, 'visa' AS brand FROM generate_series(1, ${C}) g`,
    ],
    [
      'logins',
      `CREATE TABLE logins AS SELECT g AS id, 'user' || (((g - 1) % ${C}) + 1) || '@example.com' AS email, '10.' || (g % 250) || '.0.1' AS ip FROM generate_series(1, ${counts.logins}) g`,
    ],
    [
      'visits',
      `CREATE TABLE visits AS SELECT g AS id, ((g * 7) % ${counts.logins}) + 1 AS login_id, '/page/' || (g % 100) AS page FROM generate_series(1, ${counts.visits}) g`,
    ],
    [
      'tickets',
      `CREATE TABLE tickets AS SELECT g AS id, ((g * 2 - 1) % ${C}) + 1 AS customer_id, 'Subject ' || g AS subject, 'Body ' || g AS body FROM generate_series(1, ${counts.tickets}) g`,
    ],
    [
      'loyalty_accounts',
      `CREATE TABLE loyalty_accounts AS SELECT g AS id, ((g * 2) % ${C}) + 1 AS customer_id, 'gold' AS tier, g % 5000 AS points FROM generate_series(1, ${counts.loyalty_accounts}) g`,
    ],
    [
      'consents',
      `CREATE TABLE consents AS SELECT g AS id, 'user' || g || '@example.com' AS email, 'marketing' AS purpose, true AS granted FROM generate_series(1, ${counts.consents}) g`,
    ],
    [
      'keys',
      `ALTER TABLE addresses ADD PRIMARY KEY (id); ALTER TABLE customers ADD PRIMARY KEY (id);
      ALTER TABLE orders ADD PRIMARY KEY (id); ALTER TABLE order_items ADD PRIMARY KEY (order_id, line_no);
      ALTER TABLE payment_cards ADD PRIMARY KEY (id); ALTER TABLE logins ADD PRIMARY KEY (id);
      ALTER TABLE visits ADD PRIMARY KEY (id); ALTER TABLE tickets ADD PRIMARY KEY (id);
      ALTER TABLE loyalty_accounts ADD PRIMARY KEY (id); ALTER TABLE consents ADD PRIMARY KEY (id)`,
    ],
    [
      'indexes',
      `CREATE UNIQUE INDEX ON customers (email); CREATE INDEX ON orders (customer_id);
      CREATE INDEX ON payment_cards (customer_id); CREATE INDEX ON logins (email); CREATE INDEX ON visits (login_id);
      CREATE INDEX ON tickets (customer_id); CREATE INDEX ON loyalty_accounts (customer_id); CREATE INDEX ON consents (email)`,
    ],
    ['analyze', 'ANALYZE'],
  ];
  for (const [label, sql] of steps) {
    const t = performance.now();
    await c.query(sql);
    console.log(`  ${label.padEnd(16)} ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  await c.end();
}

const f = (name: string, cat: string, meta?: Record<string, unknown>) => ({
  name,
  data_categories: [cat],
  ...(meta ? { fides_meta: meta } : {}),
});
const ref = (field: string, extra: Record<string, unknown> = {}) => ({
  references: [{ dataset: 'bench', field }],
  ...extra,
});
const pk = { primary_key: true };
const dataset = datasetSchema.parse({
  fides_key: 'bench',
  collections: [
    {
      name: 'customers',
      fields: [
        f('id', 'user.unique_id', pk),
        f('email', 'user.contact.email', { identity: 'email' }),
        f('name', 'user.name'),
        f('phone', 'user.contact.phone_number'),
        f('address_id', 'system.operations', {
          references: [{ dataset: 'bench', field: 'addresses.id', direction: 'to' }],
        }),
      ],
    },
    {
      name: 'addresses',
      fields: [
        f('id', 'system.operations', pk),
        f('street', 'user.contact.address.street'),
        f('city', 'user.contact.address.city'),
      ],
    },
    {
      name: 'orders',
      fields: [
        f('id', 'system.operations', pk),
        f('customer_id', 'user.unique_id', ref('customers.id')),
        f('total', 'user.behavior.purchase_history'),
        f('placed_at', 'user.behavior.purchase_history'),
      ],
    },
    {
      name: 'order_items',
      fields: [
        f('order_id', 'system.operations', ref('orders.id', pk)),
        f('line_no', 'system.operations', pk),
        f('product_id', 'user.behavior.purchase_history'),
        f('quantity', 'user.behavior.purchase_history'),
      ],
    },
    {
      name: 'payment_cards',
      fields: [
        f('id', 'system.operations', pk),
        f('customer_id', 'system.operations', ref('customers.id')),
        f('last4', 'user.financial.credit_card'),
        f('brand', 'user.financial.credit_card'),
      ],
    },
    {
      name: 'logins',
      fields: [
        f('id', 'system.operations', pk),
        f('email', 'user.contact.email', { identity: 'email' }),
        f('ip', 'user.device.ip_address'),
      ],
    },
    {
      name: 'visits',
      fields: [
        f('id', 'system.operations', pk),
        f('login_id', 'system.operations', ref('logins.id')),
        f('page', 'user.behavior.browsing_history'),
      ],
    },
    {
      name: 'tickets',
      fields: [
        f('id', 'system.operations', pk),
        f('customer_id', 'user.unique_id', ref('customers.id')),
        f('subject', 'user.content'),
        f('body', 'user.content'),
      ],
    },
    {
      name: 'loyalty_accounts',
      fields: [
        f('id', 'system.operations', pk),
        f('customer_id', 'user.unique_id', ref('customers.id')),
        f('tier', 'user.account'),
        f('points', 'user.account'),
      ],
    },
    {
      name: 'consents',
      fields: [
        f('id', 'system.operations', pk),
        f('email', 'user.contact.email', { identity: 'email' }),
        f('purpose', 'user.privacy_preferences'),
        f('granted', 'user.privacy_preferences'),
      ],
    },
  ],
});
const program = { datasets: [dataset], taxonomy: defaultTaxonomy() };
const policy = {
  rules: [
    { target: 'user.contact.email', strategy: { type: 'hash' as const } },
    { target: 'user.name', strategy: { type: 'fixed' as const, value: 'REDACTED' } },
    { target: 'user.contact.phone_number', strategy: { type: 'null' as const } },
    { target: 'user.contact.address', strategy: { type: 'null' as const } },
    { target: 'user.device', strategy: { type: 'null' as const } },
    { target: 'user.content', strategy: { type: 'null' as const } },
    { target: 'user.financial', strategy: { type: 'delete_row' as const } },
  ],
};

type R = Record<string, unknown>;
/** The same traversal, written by hand: the best a developer would write with `pg`. */
async function baselineAccess(pool: pg.Pool, email: string) {
  const q = async (sql: string, p: unknown[]) => (await pool.query(sql, p)).rows as R[];
  const [cust, logins, consents] = await Promise.all([
    q('SELECT id, email, name, phone, address_id FROM customers WHERE email = ANY($1)', [[email]]),
    q('SELECT id, email, ip FROM logins WHERE email = ANY($1)', [[email]]),
    q('SELECT id, email, purpose, granted FROM consents WHERE email = ANY($1)', [[email]]),
  ]);
  const ids = cust.map((c) => c.id);
  const [addresses, orders, cards, tickets, loyalty, visits] = await Promise.all([
    q('SELECT id, street, city FROM addresses WHERE id = ANY($1)', [cust.map((c) => c.address_id)]),
    q('SELECT id, customer_id, total, placed_at FROM orders WHERE customer_id = ANY($1)', [ids]),
    q('SELECT id, customer_id, last4, brand FROM payment_cards WHERE customer_id = ANY($1)', [ids]),
    q('SELECT id, customer_id, subject, body FROM tickets WHERE customer_id = ANY($1)', [ids]),
    q('SELECT id, customer_id, tier, points FROM loyalty_accounts WHERE customer_id = ANY($1)', [ids]),
    q('SELECT id, login_id, page FROM visits WHERE login_id = ANY($1)', [logins.map((l) => l.id)]),
  ]);
  const items = await q(
    'SELECT order_id, line_no, product_id, quantity FROM order_items WHERE order_id = ANY($1)',
    [orders.map((o) => o.id)],
  );
  return { cust, logins, consents, addresses, orders, cards, tickets, loyalty, visits, items };
}

async function baselineErasure(pool: pg.Pool, email: string) {
  const d = await baselineAccess(pool, email);
  const tx = async (sql: string, p: unknown[]) => {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await c.query(sql, p);
      await c.query('COMMIT');
    } finally {
      c.release();
    }
  };
  const { createHmac, randomBytes } = await import('node:crypto');
  const secret = randomBytes(32);
  const h = (v: unknown) => createHmac('sha256', secret).update(String(v)).digest('hex');
  await tx('DELETE FROM payment_cards WHERE id = ANY($1)', [d.cards.map((c) => c.id)]);
  await tx('UPDATE tickets SET subject = NULL, body = NULL WHERE id = ANY($1)', [d.tickets.map((t) => t.id)]);
  await tx('UPDATE logins SET email = $1, ip = NULL WHERE id = ANY($2)', [
    h(email),
    d.logins.map((l) => l.id),
  ]);
  await tx('UPDATE consents SET email = $1 WHERE id = ANY($2)', [h(email), d.consents.map((l) => l.id)]);
  await tx('UPDATE customers SET email = $1, name = $2, phone = NULL WHERE id = ANY($3)', [
    h(email),
    'REDACTED',
    d.cust.map((c) => c.id),
  ]);
  await tx('UPDATE addresses SET street = NULL, city = NULL WHERE id = ANY($1)', [
    d.addresses.map((a) => a.id),
  ]);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const time = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

async function main() {
  console.log(
    `DSR bench: ${customers.toLocaleString('en')} customers, ${Object.values(counts)
      .reduce((a, b) => a + b, 0)
      .toLocaleString('en')} rows in 10 tables`,
  );
  const genStart = performance.now();
  await generate();
  const genSeconds = (performance.now() - genStart) / 1000;
  const connector = postgresConnector({ url: url.toString(), poolSize: 8 });
  const pool = new pg.Pool({ connectionString: url.toString(), max: 8 });
  const connectors = { overrides: { bench: connector } };
  const pick = () => 1 + Math.floor(Math.random() * customers);
  const emailOf = (id: number) => `user${id}@example.com`;

  for (let i = 0; i < 20; i++) {
    await runAccess(program, { identities: { email: emailOf(pick()) }, connectors });
    await baselineAccess(pool, emailOf(pick()));
  }
  const engineAccess: number[] = [];
  const handAccess: number[] = [];
  let rowsSeen = 0;
  for (let i = 0; i < samples; i++) {
    const email = emailOf(pick());
    engineAccess.push(
      await time(async () => {
        const r = await runAccess(program, { identities: { email }, connectors });
        if (!r.ok) throw new Error(JSON.stringify(r.results.filter((x) => x.status !== 'succeeded')));
        rowsSeen += Object.values(r.data).reduce((a, rows) => a + rows.length, 0);
      }),
    );
    handAccess.push(await time(() => baselineAccess(pool, email)));
  }
  const erasures = Math.max(20, Math.round(samples / 4));
  const engineErase: number[] = [];
  const handErase: number[] = [];
  for (let i = 0; i < erasures; i++) {
    engineErase.push(
      await time(async () => {
        const r = await runErasure(program, { identities: { email: emailOf(pick()) }, policy, connectors });
        if (!r.ok) throw new Error(JSON.stringify(r.results.filter((x) => x.status === 'failed')));
      }),
    );
    handErase.push(await time(() => baselineErasure(pool, emailOf(pick()))));
  }
  await connector.close();
  await pool.end();

  const fmt = (x: number) => x.toFixed(1);
  const line = (label: string, e: number[], h: number[]) =>
    `| ${label} | ${e.length} | ${fmt(pct(e, 50))} | ${fmt(pct(e, 95))} | ${fmt(pct(h, 50))} | ${fmt(pct(h, 95))} | ${(pct(e, 50) / pct(h, 50)).toFixed(2)} |`;
  const section = [
    '## DSR',
    '',
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB memory, PostgreSQL on the same machine; \`npm run bench -- dsr --scale ${values.scale}\`.`,
    '',
    `Data: ${customers.toLocaleString('en')} customers and ${(Object.values(counts).reduce((a, b) => a + b, 0) - customers).toLocaleString('en')} related rows in 9 more tables (generated in ${genSeconds.toFixed(0)} s). Each request is one random person found by email; the traversal reaches 10 collections in 3 levels (about ${(rowsSeen / samples).toFixed(0)} rows per person). The baseline is the same traversal written by hand with \`pg\` (same queries in parallel per level, same pool size, same process, interleaved with the engine).`,
    '',
    '| request | n | engine p50 ms | engine p95 ms | hand-written p50 ms | hand-written p95 ms | ratio p50 |',
    '|---|---|---|---|---|---|---|',
    line('access (package data, no zip)', engineAccess, handAccess),
    line('erasure (hash, fixed, null, delete-row)', engineErase, handErase),
    '',
    `Targets: access p50 < 50 ms and ratio ≤ 1.5.${scale < 1 ? ` This run used --scale ${values.scale}, not the full 1,000,000 customers.` : ''}`,
    '',
  ].join('\n');
  console.log(`\n${section}`);
  const file = new URL('../BENCHMARKS.md', import.meta.url).pathname;
  const existing = await readFile(file, 'utf8').catch(() => '# Benchmarks\n\n');
  const start = existing.indexOf('## DSR');
  let next = start >= 0 ? existing.indexOf('\n## ', start + 1) : -1;
  if (next >= 0) next += 1;
  const updated =
    start >= 0
      ? `${existing.slice(0, start)}${section}${next >= 0 ? `\n${existing.slice(next)}` : ''}`
      : `${existing.trimEnd()}\n\n${section}`;
  if (values['no-write']) {
    console.log('--no-write: BENCHMARKS.md left as it was');
    return;
  }
  await writeFile(file, updated);
  console.log(`wrote ${file}`);
}

await main();
