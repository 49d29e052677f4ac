import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { sql } from 'kysely';
import { appendAudit } from '../../governance/append-audit.ts';
import { bootstrapWorkspace } from '../../governance/workspaces.ts';
import { openStore } from '../../store/open-store.ts';
import { run } from './audit.ts';

async function cli(argv: string[], cwd: string) {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const code = await run({ argv, stdout, stderr: new PassThrough(), env: {}, cwd });
  return { code, out: Buffer.concat(chunks).toString('utf8') };
}

test('custodian audit verify works on the store offline and names the first tampered entry', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'custodian-audit-'));
  try {
    const dataDir = path.join(dir, '.custodian', 'db');
    let store = await openStore({ dataDir });
    const { scope } = await bootstrapWorkspace(store.db);
    for (let i = 1; i <= 3; i++) {
      await appendAudit(scope, {
        actor: { id: 'key:k', role: 'owner' },
        action: 'request.approve',
        objectId: String(i),
      });
    }
    await store.close();

    const anchored = await cli(['anchor'], dir);
    assert.equal(anchored.code, 0);
    assert.match(anchored.out, /anchored entry 3/);
    const clean = await cli(['verify'], dir);
    assert.equal(clean.code, 0);
    assert.match(clean.out, /ok .*3 entries, 1 signed anchors match/);

    store = await openStore({ dataDir });
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`.execute(store.db);
    await sql`UPDATE audit_log SET actor = 'key:someone-else' WHERE seq = 2`.execute(store.db);
    await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`.execute(store.db);
    await store.close();

    const broken = await cli(['verify'], dir);
    assert.equal(broken.code, 1);
    assert.match(broken.out, /first broken link at seq 2 \(content_changed\)/);
    const csv = await cli(['export', '--format', 'csv'], dir);
    assert.equal(csv.out.trim().split('\n').length, 4);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
