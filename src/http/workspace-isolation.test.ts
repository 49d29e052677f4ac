import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createApiKey } from '../governance/api-keys.ts';
import { createWorkspace } from '../governance/workspaces.ts';
import type { Store } from '../store/open-store.ts';
import { memoryStore } from '../testing/store.ts';
import { createApp } from './app.ts';
import { registeredRoutes } from './route.ts';
import { createServices } from './services.ts';

/**
 * One workspace must never see another's rows through any API route. Workspace A gets a
 * program carrying a unique marker; then every registered route is called with workspace
 * B's owner key, with every id of A's rows substituted for path parameters. No answer may
 * succeed with A's data in it. New routes are covered as soon as they are registered.
 */
const MARKER = 'ISOLATION-MARKER-7f3a9c';

const program = {
  organization: {
    name: `Alpha ${MARKER}`,
    contacts: { privacy: { email: 'privacy@alpha.test' } },
    supervisory_authority: { name: 'ICO', country: 'GB' },
  },
  jurisdictions: [{ code: 'gdpr' }],
  activities: [
    {
      key: 'accounts',
      name: `Accounts ${MARKER}`,
      data_categories: ['user.contact.email'],
      data_subjects: ['customer'],
      data_use: 'essential.service',
      purpose: 'Provide the service',
      legal_basis: 'contract',
    },
  ],
  rights: { offered: ['access', 'erasure'] },
};

describe('workspace isolation across every API route', () => {
  let store: Store;
  let app: ReturnType<typeof createApp>;
  let keyA: string;
  let keyB: string;
  let workspaceA: string;

  before(async () => {
    store = await memoryStore();
    const a = await createWorkspace(store.db, 'Alpha');
    const b = await createWorkspace(store.db, 'Beta');
    workspaceA = a.workspaceId;
    keyA = (await createApiKey(a, { name: 'alpha owner', role: 'owner' })).secret;
    keyB = (await createApiKey(b, { name: 'beta owner', role: 'owner' })).secret;
    app = createApp(createServices(store));
    const pushed = await app.request('/api/programs', {
      method: 'POST',
      headers: { authorization: `Bearer ${keyA}`, 'content-type': 'application/json' },
      body: JSON.stringify({ program, datasets: [] }),
    });
    assert.equal(pushed.status, 201);
  });
  after(() => store.close());

  /** Every id-like value in A's rows, to try as a path parameter from B. */
  async function idsOfWorkspaceA(): Promise<string[]> {
    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'workspace_id'`.execute(store.db);
    const ids = new Set<string>();
    for (const { table_name } of tables.rows) {
      const cols = await sql<{ column_name: string }>`
        SELECT column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = ${table_name}
          AND (column_name IN ('id', 'version', 'seq', 'key', 'token') OR column_name LIKE '%\\_id')`.execute(
        store.db,
      );
      for (const { column_name } of cols.rows) {
        if (column_name === 'workspace_id') continue;
        const rows = await sql<{ v: unknown }>`
          SELECT ${sql.ref(column_name)}::text AS v FROM ${sql.table(table_name)}
          WHERE workspace_id = ${workspaceA} LIMIT 20`.execute(store.db);
        for (const r of rows.rows) if (r.v !== null) ids.add(String(r.v));
      }
    }
    return [...ids];
  }

  test('workspace B sees nothing of workspace A', async () => {
    const ids = await idsOfWorkspaceA();
    assert.ok(ids.length > 0);
    let calls = 0;
    for (const { spec } of registeredRoutes()) {
      if (spec.role === 'public') continue;
      const params = spec.path.match(/:(\w+)/g) ?? [];
      if (params.length === 0 && spec.method !== 'get') continue;
      const candidates = params.length ? ids : [''];
      for (const id of candidates) {
        const path = spec.path.replace(/:(\w+)/g, encodeURIComponent(id));
        const res = await app.request(path, {
          method: spec.method.toUpperCase(),
          headers: { authorization: `Bearer ${keyB}`, 'content-type': 'application/json' },
          ...(spec.method === 'get' ? {} : { body: '{}' }),
        });
        calls++;
        const text = await res.text();
        assert.ok(!text.includes(MARKER), `${spec.method.toUpperCase()} ${path} leaked workspace A's data`);
        assert.ok(!text.includes(workspaceA), `${spec.method.toUpperCase()} ${path} leaked workspace A's id`);
        if (params.length && spec.method !== 'get') {
          assert.ok(
            res.status >= 400,
            `${spec.method.toUpperCase()} ${path} acted on workspace A's object (${res.status})`,
          );
        }
        assert.notEqual(res.status, 500, `${spec.method.toUpperCase()} ${path} failed with 500`);
      }
    }
    assert.ok(calls > 3);
  });

  test('workspace A sees its own data (the marker is findable, so the check above can fail)', async () => {
    const res = await app.request('/api/programs/current', { headers: { authorization: `Bearer ${keyA}` } });
    assert.ok((await res.text()).includes(MARKER));
  });
});
