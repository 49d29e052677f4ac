import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApiKey } from '../../governance/api-keys.ts';
import { bootstrapWorkspace } from '../../governance/workspaces.ts';
import { loadProgramFromDisk, toBundle } from '../../program/load-program.ts';
import { pushProgram } from '../../program/push-program.ts';
import { memoryStore } from '../../testing/store.ts';
import { createApp } from '../app.ts';
import { createServices } from '../services.ts';

test('consent stats count opt-ins and opt-outs per notice per UTC day; suppression search is audited', async (t) => {
  const store = await memoryStore();
  t.after(() => store.close());
  const boot = await bootstrapWorkspace(store.db);
  const owner = boot.ownerKey?.secret ?? '';
  const auditor = (await createApiKey(boot.scope, { name: 'auditor', role: 'auditor' })).secret;
  const loaded = await loadProgramFromDisk('examples/claromentis');
  assert.ok(loaded.ok);
  await pushProgram(boot.scope, toBundle(loaded.program), 'test');
  let now = new Date('2027-03-10T23:30:00Z');
  const app = createApp(createServices(store, { clock: () => now }));
  const call = async (method: string, path: string, key: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const consent = async (subject: string, choices: Record<string, boolean>) =>
    assert.equal((await call('POST', '/api/consent', owner, { subject, choices })).status, 201);

  // 40 days ago: outside a 30-day window.
  now = new Date('2027-01-30T12:00:00Z');
  await consent('user:old', { newsletter: true });
  now = new Date('2027-03-09T08:00:00Z');
  await consent('user:1', { newsletter: true });
  await consent('user:2', { newsletter: false });
  now = new Date('2027-03-10T23:30:00Z');
  await consent('user:3', { newsletter: true, analytics_cookies: false });

  const stats = await call('GET', '/api/consent/stats?days=30', auditor);
  assert.equal(stats.status, 200);
  const purposes = stats.json.purposes as {
    key: string;
    name: string;
    days: { date: string; granted: number; denied: number }[];
  }[];
  const newsletter = purposes.find((p) => p.key === 'newsletter');
  assert.ok(newsletter, JSON.stringify(purposes.map((p) => p.key)));
  assert.notEqual(newsletter.name, 'newsletter', 'named as the program names it');
  assert.equal(newsletter.days.length, 30);
  assert.equal(newsletter.days[0]?.date, '2027-02-09');
  assert.deepEqual(newsletter.days.at(-2), { date: '2027-03-09', granted: 1, denied: 1 });
  assert.deepEqual(newsletter.days.at(-1), { date: '2027-03-10', granted: 1, denied: 0 });
  assert.equal(
    newsletter.days.reduce((n, d) => n + d.granted, 0),
    2,
    'the choice 40 days ago is outside the window',
  );
  const analytics = purposes.find((p) => p.key === 'analytics_cookies');
  assert.deepEqual(analytics?.days.at(-1), { date: '2027-03-10', granted: 0, denied: 1 });
  assert.equal((await call('GET', '/api/consent/stats?days=0', auditor)).status, 422);

  // Suppression search by address, matched by keyed hash, case-insensitively.
  const added = await call('POST', '/api/suppression', owner, {
    addresses: ['Bounced@Example.com'],
    reason: 'hard bounce',
  });
  assert.equal(added.status, 201);
  const hit = await call('GET', '/api/suppressions?address=bounced@example.COM', auditor);
  assert.equal(hit.status, 200);
  assert.equal(hit.json.suppressed, true);
  assert.equal(hit.json.since, now.toISOString());
  const entries = hit.json.suppressions as { list: string | null; reason: string; source: string }[];
  assert.deepEqual(
    entries.map((e) => [e.list, e.reason, e.source]),
    [[null, 'hard bounce', 'admin']],
  );
  const miss = await call('GET', '/api/suppressions?address=someone@example.com', auditor);
  assert.equal(miss.json.suppressed, false);
  assert.deepEqual(miss.json.suppressions, []);
  const bad = await call('GET', '/api/suppressions?address=not-an-address', auditor);
  assert.equal(bad.status, 422);
  const lookups = await boot.scope
    .selectFrom('audit_log')
    .select(['action', 'details'])
    .where('action', '=', 'suppression.lookup')
    .execute();
  assert.equal(lookups.length, 2);
  assert.ok(!JSON.stringify(lookups).includes('example.com'), 'the audit log keeps no address');
});
