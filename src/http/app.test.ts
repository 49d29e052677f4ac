import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../governance/api-keys.ts';
import { bootstrapWorkspace } from '../governance/workspaces.ts';
import type { Store } from '../store/open-store.ts';
import { memoryStore } from '../testing/store.ts';
import { createApp } from './app.ts';
import { createServices } from './services.ts';

const program = {
  organization: {
    name: 'Acme Analytics Ltd',
    contacts: { privacy: { email: 'privacy@acme.test' } },
    supervisory_authority: { name: 'ICO', country: 'GB' },
  },
  jurisdictions: [{ code: 'uk_gdpr' }],
  activities: [
    {
      key: 'accounts',
      name: 'Customer accounts',
      data_categories: ['user.contact.email'],
      data_subjects: ['customer'],
      data_use: 'essential.service',
      purpose: 'Provide the service',
      legal_basis: 'contract',
    },
  ],
  rights: { offered: ['access', 'erasure'] },
};

describe('HTTP API basics', () => {
  let store: Store;
  let app: ReturnType<typeof createApp>;
  let owner: string;
  let auditor: string;

  before(async () => {
    store = await memoryStore();
    const boot = await bootstrapWorkspace(store.db);
    owner = boot.ownerKey!.secret;
    auditor = (await createApiKey(boot.scope, { name: 'auditor', role: 'auditor' })).secret;
    app = createApp(createServices(store));
  });
  after(() => store.close());

  const call = (method: string, path: string, key?: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });

  test('no key → 401 with a JSON error that says what to send', async () => {
    const res = await call('GET', '/api/programs');
    assert.equal(res.status, 401);
    const json = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(json.error.code, 'unauthorized');
    assert.match(json.error.message, /Bearer/);
  });

  test('a wrong key is refused like a missing one', async () => {
    assert.equal((await call('GET', '/api/programs', 'cus_not-a-real-key')).status, 401);
  });

  test('an auditor cannot push a program (403) but can read versions', async () => {
    const res = await call('POST', '/api/programs', auditor, { program, datasets: [] });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'forbidden');
    assert.equal((await call('GET', '/api/programs', auditor)).status, 200);
  });

  test('push creates versions; the same content twice is not a new version; old versions stay readable', async () => {
    const first = await call('POST', '/api/programs', owner, { program, datasets: [] });
    assert.equal(first.status, 201);
    assert.deepEqual(((await first.json()) as { version: number }).version, 1);
    const again = (await (await call('POST', '/api/programs', owner, { program, datasets: [] })).json()) as {
      version: number;
      unchanged: boolean;
    };
    assert.deepEqual([again.version, again.unchanged], [1, true]);
    const changed = { ...program, organization: { ...program.organization, name: 'Acme Analytics Limited' } };
    const second = (await (
      await call('POST', '/api/programs', owner, { program: changed, datasets: [] })
    ).json()) as {
      version: number;
    };
    assert.equal(second.version, 2);
    const v1 = (await (await call('GET', '/api/programs/1', auditor)).json()) as {
      program: { organization: { name: string } };
    };
    assert.equal(v1.program.organization.name, 'Acme Analytics Ltd');
    const current = (await (await call('GET', '/api/programs/current', auditor)).json()) as {
      version: number;
    };
    assert.equal(current.version, 2);
  });

  test('an invalid program → 422 with the field path of each problem', async () => {
    const bad = { ...program, activities: [{ ...program.activities[0], legal_basis: 'because' }] };
    const res = await call('POST', '/api/programs', owner, { program: bad, datasets: [] });
    assert.equal(res.status, 422);
    const json = (await res.json()) as { error: { details: { path: string }[] } };
    assert.ok(
      json.error.details.some((d) => d.path.includes('activities[0].legal_basis')),
      JSON.stringify(json),
    );
  });

  test('malformed JSON → 400, never a 500', async () => {
    const res = await call('POST', '/api/programs', owner, '{"program": ');
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'bad_request');
  });

  test('unknown version → 404; non-numeric version → 422', async () => {
    assert.equal((await call('GET', '/api/programs/99', auditor)).status, 404);
    assert.equal((await call('GET', '/api/programs/abc', auditor)).status, 422);
  });

  test('API keys are shown once and stored hashed', async () => {
    const res = await call('POST', '/api/keys', owner, { name: 'reviewer bot', role: 'reviewer' });
    assert.equal(res.status, 201);
    const key = (await res.json()) as { id: string; secret: string };
    assert.match(key.secret, /^cus_/);
    const list = await (await call('GET', '/api/keys', owner)).text();
    assert.ok(!list.includes(key.secret));
    const stored = await store.db
      .selectFrom('api_keys')
      .select('key_hash')
      .where('id', '=', key.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(stored.key_hash, key.secret);
    assert.equal((await call('DELETE', `/api/keys/${key.id}`, owner)).status, 200);
    assert.equal((await call('GET', '/api/programs', key.secret)).status, 401);
  });

  test('/openapi.json documents the routes; /health answers', async () => {
    const doc = (await (await call('GET', '/openapi.json')).json()) as { paths: Record<string, unknown> };
    assert.ok(doc.paths['/api/programs/{version}']);
    assert.ok(doc.paths['/api/keys']);
    const health = (await (await call('GET', '/health')).json()) as { status: string };
    assert.equal(health.status, 'ok');
  });

  test('every push and key change is in the audit log', async () => {
    const actions = await store.db.selectFrom('audit_log').select('action').orderBy('seq').execute();
    assert.ok(actions.some((a) => a.action === 'program.push'));
    assert.ok(actions.some((a) => a.action === 'api_key.create'));
  });
});
