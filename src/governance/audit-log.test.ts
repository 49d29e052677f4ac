import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { createApp } from '../http/app.ts';
import { createServices } from '../http/services.ts';
import { memoryStore } from '../testing/store.ts';
import { anchorAuditLog } from './anchor-audit.ts';
import { appendAudit } from './append-audit.ts';
import { verifyAuditLog } from './verify-audit.ts';
import { bootstrapWorkspace } from './workspaces.ts';

const actor = { id: 'key:test', role: 'owner' };

async function seeded(n: number) {
  const store = await memoryStore();
  const { scope, ownerKey } = await bootstrapWorkspace(store.db);
  for (let i = 1; i <= n; i++) {
    await appendAudit(scope, {
      actor,
      action: 'thing.change',
      objectType: 'thing',
      objectId: String(i),
      details: { zeta: i, alpha: { nested: [i, 'x'] } },
    });
  }
  return { store, scope, key: ownerKey!.secret };
}

test('the database refuses to update or delete audit entries', async () => {
  const { store } = await seeded(2);
  await assert.rejects(sql`UPDATE audit_log SET action = 'x' WHERE seq = 1`.execute(store.db), /append-only/);
  await assert.rejects(sql`DELETE FROM audit_log WHERE seq = 2`.execute(store.db), /append-only/);
  await assert.rejects(sql`TRUNCATE audit_log`.execute(store.db), /append-only/);
  await store.close();
});

test('verify names the first entry whose content was changed directly in the database', async () => {
  const { store, scope } = await seeded(5);
  assert.deepEqual((await verifyAuditLog(scope)).ok, true);
  // Tampering needs the append-only trigger off: only a superuser/owner of the table can do that.
  await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`.execute(store.db);
  await sql`UPDATE audit_log SET object_id = '999' WHERE seq = 3`.execute(store.db);
  const result = await verifyAuditLog(scope);
  assert.equal(result.ok, false);
  assert.equal(result.firstBreak?.seq, 3);
  assert.equal(result.firstBreak?.kind, 'content_changed');
  assert.match(result.firstBreak?.message ?? '', /entry 3 .*no longer matches its hash/);
  await store.close();
});

test('verify catches a rewritten chain through the signed anchor, and deleted tail entries', async () => {
  const { store, scope } = await seeded(4);
  const anchor = await anchorAuditLog(scope, new Date());
  assert.equal(anchor?.seq, 4);
  await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`.execute(store.db);
  // A forger who recomputes every hash after editing entry 4 still cannot match the signed head.
  const { auditHash } = await import('./append-audit.ts');
  const row = await scope.selectFrom('audit_log').selectAll().where('seq', '=', 4).executeTakeFirstOrThrow();
  const forged = auditHash(row.prev_hash, {
    workspace_id: row.workspace_id,
    seq: 4,
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    role: row.role,
    action: 'forged',
    object_type: row.object_type,
    object_id: row.object_id,
    reason: row.reason,
    request_id: row.request_id,
    details: row.details,
  });
  await sql`UPDATE audit_log SET action = 'forged', hash = ${forged} WHERE seq = 4`.execute(store.db);
  let result = await verifyAuditLog(scope);
  assert.equal(result.firstBreak?.kind, 'anchor_mismatch');
  assert.equal(result.firstBreak?.seq, 4);
  await sql`DELETE FROM audit_log WHERE seq = 4`.execute(store.db);
  result = await verifyAuditLog(scope);
  assert.equal(result.firstBreak?.kind, 'missing_entry');
  await store.close();
});

test('query pages by keyset and filters; no API route edits or deletes entries, even for an owner', async () => {
  const { store, key } = await seeded(7);
  const app = createApp(createServices(store));
  const h = { authorization: `Bearer ${key}` };
  const first = await app.request('/api/audit?limit=3&action=thing.*', { headers: h });
  const page1 = (await first.json()) as { entries: { seq: number }[]; next_cursor: string };
  assert.deepEqual(
    page1.entries.map((e) => e.seq),
    [7, 6, 5],
  );
  const page2 = (await (
    await app.request(`/api/audit?limit=3&action=thing.*&cursor=${page1.next_cursor}`, { headers: h })
  ).json()) as { entries: { seq: number }[] };
  assert.deepEqual(
    page2.entries.map((e) => e.seq),
    [4, 3, 2],
  );
  const one = (await (await app.request('/api/audit?object=thing:2', { headers: h })).json()) as {
    entries: { seq: number }[];
  };
  assert.deepEqual(
    one.entries.map((e) => e.seq),
    [2],
  );
  const bad = await app.request('/api/audit?cursor=nonsense', { headers: h });
  assert.equal(bad.status, 422);
  for (const method of ['PUT', 'PATCH', 'DELETE']) {
    for (const path of ['/api/audit', '/api/audit/1']) {
      const res = await app.request(path, { method, headers: h });
      assert.ok(res.status === 404 || res.status === 405, `${method} ${path} gave ${res.status}`);
    }
  }
  const csv = await (
    await app.request('/api/audit/export?format=csv&action=thing.change', { headers: h })
  ).text();
  assert.equal(csv.trim().split('\n').length, 8);
  assert.match(csv.split('\n')[0] ?? '', /^seq,at,actor,role,action/);
  const json = (await (
    await app.request('/api/audit/export?format=json', { headers: h })
  ).json()) as unknown[];
  assert.equal(json.length, 9, 'seven entries plus both exports');
  await store.close();
});
