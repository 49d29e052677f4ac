import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { createApiKey } from '../../governance/api-keys.ts';
import { bootstrapWorkspace } from '../../governance/workspaces.ts';
import { toBundle } from '../../program/load-program.ts';
import { pushProgram } from '../../program/push-program.ts';
import type { RetentionRule } from '../../program/retention-rule.ts';
import { fixedClock } from '../../retention/period.ts';
import { runRetention } from '../../retention/run-retention.ts';
import { appDataset, ddl, seedRules, worldClient, worldProgram } from '../../retention/testing/seed-world.ts';
import { createPostgresDatabase, postgresUnavailable } from '../../testing/databases.ts';
import { memoryStore } from '../../testing/store.ts';
import { createApp } from '../app.ts';
import { createServices } from '../services.ts';

const skip = await postgresUnavailable();
const now = new Date('2027-01-01T00:00:00Z');

/** A PostgreSQL target database with the world's tables and an embedded store, dropped after the test. */
async function targetWorld(t: TestContext, prefix: string) {
  const target = await createPostgresDatabase(prefix);
  const db = await worldClient('postgres', target.url);
  const store = await memoryStore();
  t.after(async () => {
    await db.close();
    await store.close();
    await target.drop();
  });
  for (const s of ddl('postgres')) await db.exec(s);
  return { target, db, store };
}

test('retention API: plan, holds CRUD, runs as JSON and CSV, roles enforced', { skip }, async (t) => {
  const { target, db, store } = await targetWorld(t, 'retention_api');
  await db.insert('recordings', [
    { id: 1, account_id: 42, created_at: new Date('2026-01-01Z'), duration_s: 1 },
    { id: 2, account_id: 7, created_at: new Date('2026-01-01Z'), duration_s: 1 },
  ]);
  process.env.RETENTION_API_DB_URL = target.url;
  const boot = await bootstrapWorkspace(store.db);
  const owner = boot.ownerKey?.secret ?? '';
  const auditor = (await createApiKey(boot.scope, { name: 'auditor', role: 'auditor' })).secret;
  const program = worldProgram('postgres', undefined, 'RETENTION_API_DB_URL');
  await pushProgram(boot.scope, toBundle(program), 'test');
  const app = createApp(createServices(store, { clock: () => now }));
  const call = async (path: string, key: string, method = 'GET', body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      text,
      json: () => JSON.parse(text),
    };
  };

  let plan = (await call('/api/retention/plan?rule=iris-recordings', owner)).json();
  assert.equal(plan.plans[0].rows, 2);
  assert.equal(plan.programHash, program.hash);

  const denied = await call('/api/retention/holds', auditor, 'POST', {
    kind: 'account',
    value: 42,
    reason: 'x',
  });
  assert.equal(denied.status, 403);
  const invalid = await call('/api/retention/holds', owner, 'POST', { kind: 'identity', reason: 'x' });
  assert.equal(invalid.status, 422);
  assert.match(invalid.text, /body\.value/);

  const placed = await call('/api/retention/holds', owner, 'POST', {
    kind: 'account',
    value: 42,
    reason: 'litigation',
  });
  assert.equal(placed.status, 201);
  const holdId = placed.json().hold.id;
  plan = (await call('/api/retention/plan?rule=iris-recordings', owner)).json();
  assert.equal(plan.plans[0].rows, 1);
  assert.deepEqual(
    plan.plans[0].holds.map((h: { rows: number }) => h.rows),
    [1],
  );
  assert.equal((await db.ids('recordings')).length, 2, 'the plan wrote nothing');

  await runRetention({
    program,
    scope: boot.scope,
    rules: ['iris-recordings'],
    clock: fixedClock(now.toISOString()),
  });
  assert.deepEqual(await db.ids('recordings'), [1]);

  const runs = (await call('/api/retention/runs', auditor)).json().runs;
  assert.equal(runs.length, 1);
  assert.equal(runs[0].affected, 1);
  assert.equal(runs[0].programHash, program.hash);
  assert.equal(runs[0].holdsApplied[0].id, holdId);
  assert.equal(runs[0].cutoffs[0].cutoff, '2026-10-03T00:00:00.000Z');
  const csv = await call('/api/retention/runs?format=csv', auditor);
  assert.match(csv.type, /text\/csv/);
  assert.match(csv.text.split('\r\n')[1] ?? '', /iris-recordings,delete,app\.recordings,succeeded/);

  assert.equal((await call(`/api/retention/holds/${holdId}`, owner, 'DELETE')).status, 200);
  assert.equal((await call(`/api/retention/holds/${holdId}`, owner, 'DELETE')).status, 409);
  const holds = (await call('/api/retention/holds?active=true', auditor)).json().holds;
  assert.equal(holds.length, 0);

  // A sweep started from the API (no job queue here: it runs in the request).
  assert.equal((await call('/api/retention/runs', auditor, 'POST', {})).status, 403);
  const unknown = await call('/api/retention/runs', owner, 'POST', { rule: 'no-such-rule' });
  assert.equal(unknown.status, 404);
  assert.match(unknown.text, /iris-recordings/);
  const started = await call('/api/retention/runs', owner, 'POST', { rule: 'iris-recordings' });
  assert.equal(started.status, 201, started.text);
  const ran = started.json();
  assert.equal(ran.mode, 'ran');
  assert.equal(ran.runs[0].status, 'succeeded');
  assert.equal(ran.runs[0].affected, 1);
  assert.deepEqual(await db.ids('recordings'), []);
  const history = (await call('/api/retention/runs', auditor)).json().runs;
  assert.equal(history[0].id, ran.runs[0].runId);
  assert.equal(history[0].trigger, 'api');

  const schedule = (await call('/api/retention/schedule', auditor)).json();
  assert.equal(schedule.queue, 'off');
  const iris = schedule.schedule.find((s: { rule: string }) => s.rule === 'iris-recordings');
  assert.equal(iris.cron, '0 3 * * *');
  assert.equal(iris.next, '2027-01-01T03:00:00.000Z');
});

test('retention API: each rule’s key columns and masking, refusals, an unreachable target, and the run’s evidence', {
  skip,
}, async (t) => {
  const { target, db, store } = await targetWorld(t, 'retention_rules_api');
  await db.insert('tenant_orders', [
    { account_id: 1, id: 1, placed_at: new Date('2025-01-01Z'), buyer_email: 'ann@example.com', total: 10 },
  ]);
  process.env.RETENTION_RULES_API_DB_URL = target.url;
  const seed = (key: string) => seedRules.find((r) => r.key === key) as RetentionRule;
  const rules: RetentionRule[] = [
    // Composite key, masked as the rule says.
    { ...seed('tenant-orders'), action: 'anonymise', mask: { buyer_email: { type: 'hash' } } },
    // No mask of its own: the erasure policy decides (the IP address is user data → null).
    { ...seed('visitor-data'), action: 'anonymise' },
    // A log table that declares no key.
    { ...seed('visitor-data'), key: 'audit-trail', target: { dataset: 'app', collection: 'audit_trail' } },
    // The dataset declares `value` as the key of contracts; the database's key is `id`.
    seed('terminated-contracts'),
  ];
  const dataset = {
    ...appDataset,
    collections: appDataset.collections.map((c) =>
      c.name === 'contracts'
        ? {
            ...c,
            fields: c.fields.map((f) =>
              f.name === 'id'
                ? { name: 'id' }
                : f.name === 'value'
                  ? { name: 'value', fides_meta: { primary_key: true } }
                  : f,
            ),
          }
        : c,
    ),
  };
  const boot = await bootstrapWorkspace(store.db);
  const auditor = (await createApiKey(boot.scope, { name: 'auditor', role: 'auditor' })).secret;
  const program = worldProgram('postgres', rules, 'RETENTION_RULES_API_DB_URL', {}, dataset);
  await pushProgram(boot.scope, toBundle(program), 'test');
  const app = createApp(createServices(store, { clock: () => now }));
  const get = async (path: string) => {
    const res = await app.request(path, { headers: { authorization: `Bearer ${auditor}` } });
    assert.equal(res.status, 200, await res.clone().text());
    return res.json();
  };

  const described = (await get('/api/retention/rules')).rules as {
    rule: string;
    status: string;
    key: string[];
    mask: { field: string; strategy: string; source: string }[];
    reason?: string;
    target: string;
    system: string;
    action: string;
  }[];
  const byKey = new Map(described.map((r) => [r.rule, r]));
  const orders = byKey.get('tenant-orders');
  assert.equal(orders?.status, 'ready', orders?.reason);
  assert.equal(orders?.target, 'app.tenant_orders');
  assert.equal(orders?.system, 'app');
  assert.equal(orders?.action, 'anonymise');
  assert.deepEqual(orders?.key, ['account_id', 'id']);
  assert.deepEqual(orders?.mask, [{ field: 'buyer_email', strategy: 'hash', source: 'rule mask' }]);
  const visits = byKey.get('visitor-data');
  assert.equal(visits?.status, 'ready', visits?.reason);
  assert.deepEqual(visits?.key, ['id']);
  assert.deepEqual(visits?.mask, [{ field: 'ip', strategy: 'null', source: 'default erasure policy user' }]);
  const keyless = byKey.get('audit-trail');
  assert.equal(keyless?.status, 'refused');
  assert.deepEqual(keyless?.key, []);
  assert.match(keyless?.reason ?? '', /app\.audit_trail" declares no primary key/);
  const contracts = byKey.get('terminated-contracts');
  assert.equal(contracts?.status, 'refused');
  assert.deepEqual(contracts?.key, ['value'], 'the declared key is still shown');
  assert.match(
    contracts?.reason ?? '',
    /declared key \(value\) is not unique in the database, whose unique keys are \(id\)/,
  );

  // The run's evidence carries the key columns and the masking it used.
  await runRetention({
    program,
    scope: boot.scope,
    rules: ['tenant-orders'],
    clock: fixedClock(now.toISOString()),
    env: { ...process.env, CUSTODIAN_ANONYMISE_SALT: 'pepper' },
  });
  const [run] = (await get('/api/retention/runs')).runs;
  assert.equal(run.status, 'succeeded', run.reason);
  assert.equal(run.affected, 1);
  assert.deepEqual(run.keyColumns, ['account_id', 'id']);
  assert.deepEqual(run.masking, [{ field: 'buyer_email', strategy: 'hash', source: 'rule mask' }]);

  // The database cannot be reached: what the program says is still shown, with the reason.
  process.env.RETENTION_RULES_API_DB_URL = 'postgres://postgres@127.0.0.1:1/nowhere';
  t.after(() => {
    delete process.env.RETENTION_RULES_API_DB_URL;
  });
  const offline = (await get('/api/retention/rules?rule=tenant-orders')).rules;
  assert.equal(offline.length, 1);
  assert.equal(offline[0].status, 'unchecked');
  assert.deepEqual(offline[0].key, ['account_id', 'id']);
  assert.deepEqual(offline[0].mask, orders?.mask);
  assert.match(offline[0].reason, /cannot connect to app \(postgres:\/\/.*127\.0\.0\.1:1/);

  const doc = (await (await app.request('/openapi.json')).json()) as {
    paths: Record<string, { get?: { responses: { '200': { content?: unknown } } } }>;
  };
  assert.match(
    JSON.stringify(doc.paths['/api/retention/rules']?.get?.responses['200'].content),
    /"key".*"mask".*"status"/,
  );
  assert.match(
    JSON.stringify(doc.paths['/api/retention/runs']?.get?.responses['200'].content),
    /"keyColumns".*"masking"/,
  );
});
