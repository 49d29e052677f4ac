import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { registeredRoutes } from '../http/route.ts';
import { WorkspaceScope } from '../store/workspace-scope.ts';
import { startTestSmtp, type TestSmtp } from '../testing/smtp.ts';
import { type Role, roleAtLeast, roles } from './api-keys.ts';
import { call, type GovernanceFixture, governanceFixture } from './testing/governance-fixture.ts';

let smtp: TestSmtp;
let fx: GovernanceFixture;
const ids: Record<string, string> = {};

const governancePaths =
  /^\/api\/(audit|access-grants|tool-uses|subprocessor-changes|subprocessor-objections|breaches|users|me)\b/;

/** A valid body per route, so a refusal cannot be a validation error in disguise. */
const bodies: Record<string, unknown> = {
  'post /api/access-grants': {
    staff: 'erin@teamhub.test',
    customer: 'acme',
    ticket: 'T',
    purpose: 'look at it',
  },
  'post /api/access-grants/:id/revoke': { reason: 'done' },
  'post /api/access-grants/decisions': { token: 'x'.repeat(20), decision: 'approve' },
  'post /api/tool-uses': { tool: 'content_oversight', staff: 'erin@teamhub.test' },
  'post /api/subprocessor-changes': { processor: 'mailjet' },
  'patch /api/subprocessor-changes/:id': { dpia_ref: 'DPIA-9' },
  'post /api/subprocessor-changes/:id/objections': { customer: 'acme', reason: 'we object' },
  'post /api/subprocessor-changes/:id/activate': { resolution: 'handled it' },
  'post /api/subprocessor-changes/:id/withdraw': { reason: 'not needed' },
  'post /api/subprocessor-objections': { token: 'x'.repeat(20), reason: 'we object' },
  'post /api/breaches': { title: 'Lost USB key', nature: 'A USB key was lost' },
  'post /api/breaches/:id/updates': { phase: 'other', text: 'an update' },
  'post /api/users/invitations': { email: 'new@teamhub.test', role: 'auditor' },
  'patch /api/users/:id': { role: 'auditor' },
};

function idFor(path: string): string {
  const kind = path.split('/')[2] ?? '';
  const id = ids[kind];
  assert.ok(id, `no sample object for ${path}`);
  return id;
}

function governanceRoutes() {
  return registeredRoutes().filter((r) => governancePaths.test(r.spec.path));
}

before(async () => {
  smtp = await startTestSmtp();
  fx = await governanceFixture({ mailer: smtp.mailer });
  const grant = await call(
    fx,
    'POST',
    '/api/access-grants',
    fx.keys.reviewer,
    bodies['post /api/access-grants'],
  );
  ids['access-grants'] = ((await grant.json()) as { id: string }).id;
  const change = await call(fx, 'POST', '/api/subprocessor-changes', fx.keys.admin, { processor: 'mailjet' });
  ids['subprocessor-changes'] = ((await change.json()) as { id: string }).id;
  const breach = await call(fx, 'POST', '/api/breaches', fx.keys.reviewer, bodies['post /api/breaches']);
  ids.breaches = ((await breach.json()) as { id: string }).id;
  const { id: workspaceId } = await fx.services.store.db
    .selectFrom('workspaces')
    .select('id')
    .orderBy('created_at')
    .executeTakeFirstOrThrow();
  ids.users = randomUUID();
  await new WorkspaceScope(fx.services.store.db, workspaceId)
    .insertInto('users', {
      id: ids.users,
      email: 'victim@teamhub.test',
      name: null,
      role: 'admin',
      password_hash: null,
      password_salt: null,
      password_params: null,
      locked_until: null,
      last_sign_in_at: null,
      disabled_at: null,
    })
    .execute();
});
after(async () => {
  await fx.close();
  await smtp.close();
});

test('every governance route refuses callers without credentials and with a lower role', async () => {
  const routes = governanceRoutes();
  assert.ok(routes.length >= 25, `found ${routes.length} governance routes`);
  let checked = 0;
  for (const { spec } of routes) {
    if (spec.role === 'public') continue;
    const key = `${spec.method} ${spec.path}`;
    const path = spec.path.includes(':id') ? spec.path.replace(':id', idFor(spec.path)) : spec.path;
    const url = spec.path.endsWith('/check') ? `${path}?staff=erin@teamhub.test&customer=acme` : path;
    const anonymous = await call(fx, spec.method.toUpperCase(), url, undefined, bodies[key]);
    assert.equal(anonymous.status, 401, `${key} without credentials`);
    const below = roles.filter((r) => !roleAtLeast(r, spec.role as Role));
    for (const role of below) {
      const res = await call(fx, spec.method.toUpperCase(), url, fx.keys[role], bodies[key]);
      assert.equal(res.status, 403, `${key} as ${role}`);
      checked++;
    }
  }
  assert.ok(checked > 20);
});

test('another workspace’s owner cannot read or change this workspace’s governance objects', async () => {
  let checked = 0;
  for (const { spec } of governanceRoutes()) {
    if (spec.role === 'public') continue;
    const key = `${spec.method} ${spec.path}`;
    if (spec.path.includes(':id')) {
      const res = await call(
        fx,
        spec.method.toUpperCase(),
        spec.path.replace(':id', idFor(spec.path)),
        fx.otherKey,
        bodies[key],
      );
      assert.equal(res.status, 404, `${key} from another workspace gave ${res.status}`);
      checked++;
    } else if (spec.method === 'get' && !spec.path.endsWith('/check') && !spec.path.endsWith('/export')) {
      const text = await (await call(fx, 'GET', spec.path, fx.otherKey)).text();
      for (const id of Object.values(ids)) assert.ok(!text.includes(id), `${key} leaks ${id}`);
      assert.ok(!text.includes('victim@teamhub.test'), `${key} leaks a user`);
      checked++;
    }
  }
  // The other workspace's audit log holds none of this workspace's entries.
  const exported = await (await call(fx, 'GET', '/api/audit/export?format=json', fx.otherKey)).text();
  for (const id of Object.values(ids)) assert.ok(!exported.includes(id));
  // Its check API does not see this workspace's grants either.
  assert.ok(checked >= 15, `checked ${checked}`);
});
