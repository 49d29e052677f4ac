import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { RetentionRule } from '../program/retention-rule.ts';
import {
  createMariaDatabase,
  createPostgresDatabase,
  postgresUnavailable,
  type TestDatabase,
} from '../testing/databases.ts';
import { engines } from './retention-test-kit.ts';
import {
  daysBefore,
  ddl,
  type Engine,
  seedRules,
  type WorldClient,
  worldClient,
  writeWorldProgram,
} from './testing/seed-world.ts';

const skip = await postgresUnavailable();
const cli = path.resolve(import.meta.dirname, '../cli/main.ts');
const now = new Date('2027-01-01T00:00:00Z');
const OLD_RECORDINGS = 3000;
const OLD_SUBSCRIBERS = 400;

/** A target database with recordings and newsletter subscribers (with deliveries) past retention. */
async function arrange(t: { after(fn: () => Promise<void>): void }) {
  const target = await createPostgresDatabase('retention_kill');
  const store = await createPostgresDatabase('retention_kill_store');
  const db = await worldClient('postgres', target.url);
  t.after(async () => {
    await db.close();
    await target.drop();
    await store.drop();
  });
  for (const s of ddl('postgres')) await db.exec(s);
  await db.exec(
    `INSERT INTO recordings (id, created_at, duration_s) SELECT g, $1::timestamp - (g % 400 || ' days')::interval, 1 FROM generate_series(1, ${OLD_RECORDINGS + 1000}) g`,
    [now],
  );
  await db.exec(
    `INSERT INTO subscribers (id, email, signed_up_at) SELECT g, 's' || g || '@example.com', $1::timestamp - interval '6 years' FROM generate_series(1, ${OLD_SUBSCRIBERS}) g`,
    [now],
  );
  await db.exec(
    `INSERT INTO campaign_deliveries (id, subscriber_id, sent_at, opened_at) SELECT g, (g % ${OLD_SUBSCRIBERS}) + 1, $1::timestamp - (g % 7 || ' days')::interval, CASE WHEN g % 5 = 0 AND g % 2 = 0 THEN $1::timestamp ELSE NULL END FROM generate_series(1, ${OLD_SUBSCRIBERS * 6}) g`,
    [now],
  );
  return { target, store, db };
}

function runCli(
  dir: string,
  target: { url: string },
  store: TestDatabase,
  rules = ['iris-recordings', 'lapsed-subscribers'],
  env: NodeJS.ProcessEnv = {},
) {
  return spawn(
    process.execPath,
    [
      cli,
      'retention',
      'run',
      '--program',
      dir,
      ...rules.flatMap((r) => ['--rule', r]),
      '--now',
      now.toISOString(),
      '--format',
      'json',
    ],
    {
      env: { ...process.env, APP_DB_URL: target.url, DATABASE_URL: store.url, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

async function finish(
  child: ReturnType<typeof runCli>,
): Promise<{ code: number | null; out: string; err: string }> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, out, err };
}

async function state(db: WorldClient) {
  return {
    recordings: await db.ids('recordings'),
    subscribers: await db.ids('subscribers'),
    deliveries: await db.ids('campaign_deliveries'),
  };
}

test('kill -9 mid-run, then re-run: same end state and counts as an uninterrupted run', {
  skip,
  timeout: 240_000,
}, async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'custodian-retention-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // Small batches make the run long enough to be killed in the middle.
  await writeWorldProgram(
    dir,
    'postgres',
    seedRules.map((r) => ({ ...r, batch_size: 10 })),
  );

  const reference = await arrange(t);
  const clean = await finish(runCli(dir, reference.target, reference.store));
  assert.equal(clean.code, 0, clean.out + clean.err);
  const expected = await state(reference.db);
  const cleanCounts = JSON.parse(clean.out).results.map((r: { affected: number }) => r.affected);
  assert.equal(cleanCounts[0], OLD_RECORDINGS + 1000 - expected.recordings.length);
  assert.ok(cleanCounts[1] > 0, 'some subscribers are purged');

  const crashed = await arrange(t);
  const child = runCli(dir, crashed.target, crashed.store);
  const exited = finish(child);
  let killedAt = -1;
  for (let i = 0; i < 2000; i++) {
    const [row] = await crashed.db.exec('SELECT COUNT(*) AS n FROM recordings');
    const left = Number(row?.n);
    if (left < OLD_RECORDINGS + 1000 - 300) {
      child.kill('SIGKILL');
      killedAt = left;
      break;
    }
    await sleep(5);
  }
  const killed = await exited;
  assert.equal(killed.code, null, 'the first run was killed, not finished');
  assert.ok(killedAt > expected.recordings.length, `killed mid-run (rows left ${killedAt})`);

  const resumed = await finish(runCli(dir, crashed.target, crashed.store));
  assert.equal(resumed.code, 0, resumed.out + resumed.err);
  const results = JSON.parse(resumed.out).results as { rule: string; affected: number; resumed: boolean }[];
  assert.equal(results[0]?.resumed, true);
  assert.deepEqual(
    results.map((r) => r.affected),
    cleanCounts,
    'every row is counted once across the crash',
  );
  assert.deepEqual(await state(crashed.db), expected);
});

// Per-tenant keys: 20 accounts × 60 orders, order ids repeating in every account, one line each.
const ACCOUNTS = 20;
const ORDERS = 60;
const tenantRules: RetentionRule[] = [
  {
    key: 'anonymise-orders',
    target: { dataset: 'app', collection: 'tenant_orders' },
    when: { older_than: { field: 'placed_at', period: 'P90D' } },
    action: 'anonymise',
    schedule: '0 3 * * *',
    batch_size: 10,
  },
  { ...(seedRules.find((r) => r.key === 'tenant-orders') as RetentionRule), batch_size: 10 },
];
const erasurePolicy = {
  rules: [
    { target: 'user.contact.email', strategy: 'hash' },
    { target: 'user.name', strategy: { type: 'fixed', value: 'REDACTED' } },
  ],
};
// A fixed secret, so the hashes of two runs can be compared.
const saltEnv = { CUSTODIAN_ANONYMISE_SALT: 'kill-test' };

async function arrangeTenants(t: { after(fn: () => Promise<void>): void }, engine: Engine) {
  const target =
    engine === 'postgres'
      ? await createPostgresDatabase('retention_kill_tenant')
      : engine === 'mysql'
        ? await createMariaDatabase('retention_kill_tenant')
        : await sqliteTarget();
  const store = await createPostgresDatabase('retention_kill_store');
  const db = await worldClient(engine, target.url);
  t.after(async () => {
    await db.close();
    await target.drop();
    await store.drop();
  });
  for (const s of ddl(engine)) await db.exec(s);
  const orders = [];
  const lines = [];
  for (let a = 1; a <= ACCOUNTS; a++) {
    for (let id = 1; id <= ORDERS; id++) {
      const age = (a * 37 + id * 11) % 700;
      orders.push({
        account_id: a,
        id,
        placed_at: daysBefore(now, age, 1),
        buyer_email: `buyer${a}.${id}@example.com`,
        buyer_name: `Buyer ${a}/${id}`,
        total: id,
      });
      lines.push({ account_id: a, order_id: id, line_no: 1, sku: `sku-${id}` });
    }
  }
  await db.insert('tenant_orders', orders);
  await db.insert('tenant_order_lines', lines);
  return { target, store, db };
}

async function sqliteTarget() {
  const dir = await mkdtemp(path.join(tmpdir(), 'custodian-kill-'));
  return { url: path.join(dir, 'app.db'), drop: () => rm(dir, { recursive: true, force: true }) };
}

async function tenantState(db: WorldClient) {
  const orders = await db.exec(
    'SELECT account_id, id, buyer_email, buyer_name FROM tenant_orders ORDER BY account_id, id',
  );
  const lines = await db.exec(
    'SELECT account_id, order_id FROM tenant_order_lines ORDER BY account_id, order_id',
  );
  return {
    orders: orders.map((r) => `${r.account_id}/${r.id} ${r.buyer_email} ${r.buyer_name}`),
    lines: lines.map((r) => `${r.account_id}/${r.order_id}`),
  };
}

/** Rows each rule affected over all its succeeded runs, from the evidence in the store. */
async function affectedByRule(store: TestDatabase) {
  const client = new pg.Client({ connectionString: store.url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT rule_key, SUM(affected)::int AS n, MAX(resumed_count)::int AS resumed, MIN(key_columns::text) AS key
         FROM retention_runs WHERE status = 'succeeded' GROUP BY rule_key ORDER BY rule_key`,
    );
    return rows;
  } finally {
    await client.end();
  }
}

/** Waits until `ready` holds (polled every few ms), then kills the run with SIGKILL. */
async function killWhen(child: ReturnType<typeof runCli>, ready: () => Promise<boolean>) {
  const exited = finish(child);
  let killed = false;
  for (let i = 0; i < 4000 && child.exitCode === null; i++) {
    if (await ready()) {
      child.kill('SIGKILL');
      killed = true;
      break;
    }
    await sleep(5);
  }
  const result = await exited;
  assert.ok(killed && result.code === null, `the run was killed mid-way: ${result.out}${result.err}`);
}

for (const { engine, skip: engineSkip } of engines) {
  test(`composite keys (${engine}): killed mid-anonymise and mid-delete, re-run ends as an uninterrupted run`, {
    skip: skip ?? engineSkip,
    timeout: 300_000,
  }, async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'custodian-retention-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const rules = tenantRules.map((r) => r.key);

    const reference = await arrangeTenants(t, engine);
    const where = engine === 'sqlite' ? reference.target.url : 'APP_DB_URL';
    await writeWorldProgram(dir, engine, tenantRules, where, { erasure_policy: erasurePolicy });
    const clean = await finish(runCli(dir, reference.target, reference.store, rules, saltEnv));
    assert.equal(clean.code, 0, clean.out + clean.err);
    const expected = await tenantState(reference.db);
    const cleanCounts = await affectedByRule(reference.store);
    assert.ok(
      expected.orders.some((o) => o.endsWith('REDACTED')),
      'orders are anonymised',
    );
    assert.ok(expected.orders.length < ACCOUNTS * ORDERS, 'orders are deleted');

    const crashed = await arrangeTenants(t, engine);
    if (engine === 'sqlite')
      await writeWorldProgram(dir, engine, tenantRules, crashed.target.url, {
        erasure_policy: erasurePolicy,
      });
    const count = async (sql: string) => Number((await crashed.db.exec(sql))[0]?.n);
    // First kill: while anonymising; second: while deleting (orders and their lines).
    await killWhen(
      runCli(dir, crashed.target, crashed.store, rules, saltEnv),
      async () =>
        (await count(`SELECT COUNT(*) AS n FROM tenant_orders WHERE buyer_name = 'REDACTED'`)) > 250,
    );
    await killWhen(
      runCli(dir, crashed.target, crashed.store, rules, saltEnv),
      async () => (await count('SELECT COUNT(*) AS n FROM tenant_orders')) < ACCOUNTS * ORDERS - 100,
    );
    const resumed = await finish(runCli(dir, crashed.target, crashed.store, rules, saltEnv));
    assert.equal(resumed.code, 0, resumed.out + resumed.err);
    const results = JSON.parse(resumed.out).results as { rule: string; resumed: boolean }[];
    assert.equal(results.find((r) => r.rule === 'tenant-orders')?.resumed, true);

    assert.deepEqual(await tenantState(crashed.db), expected);
    const counts = await affectedByRule(crashed.store);
    assert.deepEqual(
      counts.map((c) => [c.rule_key, c.n, c.key]),
      cleanCounts.map((c) => [c.rule_key, c.n, c.key]),
      'every row is counted once across the crashes',
    );
    assert.ok(
      counts.every((c) => c.resumed >= 1),
      'both rules were resumed',
    );
  });
}
