import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Hono } from 'hono';
import { createApiKey, revokeApiKey } from '../governance/api-keys.ts';
import { bootstrapWorkspace, createWorkspace } from '../governance/workspaces.ts';
import { createApp } from '../http/app.ts';
import type { AppEnv } from '../http/route.ts';
import { createServices } from '../http/services.ts';
import { pushProgram } from '../program/push-program.ts';
import type { Store } from '../store/open-store.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { memoryStore } from '../testing/store.ts';
import { consentFixtureProgram } from './consent-fixture.ts';
import { recordRestriction } from './record-restriction.ts';

describe('decision API', () => {
  let store: Store;
  let app: Hono<AppEnv>;
  let key: string;
  let scope: WorkspaceScope;
  const now = new Date('2026-04-01T12:00:00.000Z');

  before(async () => {
    store = await memoryStore();
    const boot = await bootstrapWorkspace(store.db);
    scope = boot.scope;
    key = boot.ownerKey!.secret;
    await pushProgram(scope, { program: consentFixtureProgram(), datasets: [] }, 'test');
    app = createApp(createServices(store, { clock: () => now }));
  });
  after(() => store.close());

  const call = async (method: string, path: string, body?: unknown, auth = key) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const ask = async (subject: string, purpose: string, extra = '') => {
    const { status, json } = await call(
      'GET',
      `/api/decisions?subject=${encodeURIComponent(subject)}&purpose=${encodeURIComponent(purpose)}${extra}`,
    );
    assert.equal(status, 200, JSON.stringify(json));
    return { allowed: json.allowed, codes: (json.reasons as { code: string }[]).map((r) => r.code) };
  };

  test('consent absent, given, then withdrawn in one call', async () => {
    assert.deepEqual(await ask('user:1', 'analytics.reporting'), {
      allowed: false,
      codes: ['consent_absent'],
    });
    const given = await call('POST', '/api/consent', { subject: 'user:1', choices: { analytics: true } });
    assert.equal(given.status, 201, JSON.stringify(given.json));
    assert.deepEqual(await ask('user:1', 'analytics.reporting'), { allowed: true, codes: ['consent_given'] });
    const withdrawn = await call('POST', '/api/consent/user:1/withdraw');
    assert.equal(withdrawn.status, 201);
    assert.deepEqual(await ask('user:1', 'analytics.reporting'), {
      allowed: false,
      codes: ['consent_withdrawn'],
    });
  });

  test('a legal basis other than consent allows without asking; unknown uses are denied', async () => {
    assert.deepEqual(await ask('user:2', 'essential.service'), { allowed: true, codes: ['legal_basis'] });
    assert.deepEqual(await ask('user:2', 'essential.service.operations.improve'), {
      allowed: true,
      codes: ['legal_basis'],
    });
    assert.deepEqual(await ask('user:2', 'third_party_sharing.payment'), {
      allowed: false,
      codes: ['unknown_purpose'],
    });
  });

  test('objection, restriction and opt-out of sale from completed rights requests', async () => {
    await recordRestriction(scope, { subject: 'user:3', kind: 'objection' }, now);
    assert.deepEqual(await ask('user:3', 'essential.service.operations.improve'), {
      allowed: false,
      codes: ['objection'],
    });
    assert.equal((await ask('user:3', 'essential.service')).allowed, true);

    await call('POST', '/api/consent', { subject: 'user:4', choices: { marketing: true, analytics: true } });
    const optOut = await call('POST', '/api/restrictions', { subject: 'user:4', kind: 'opt_out_sale' });
    assert.equal(optOut.status, 201);
    assert.deepEqual(await ask('user:4', 'marketing.advertising.third_party.targeted'), {
      allowed: false,
      codes: ['opt_out_sale'],
    });
    assert.equal((await ask('user:4', 'analytics.reporting')).allowed, true);

    await recordRestriction(scope, { subject: 'user:4', kind: 'restriction' }, now);
    assert.deepEqual(await ask('user:4', 'essential.service'), { allowed: false, codes: ['restriction'] });
  });

  test('an opt-out preference signal on the request denies sale and sharing only', async () => {
    await call('POST', '/api/consent', { subject: 'user:5', choices: { marketing: true, analytics: true } });
    assert.equal((await ask('user:5', 'marketing.advertising.third_party.targeted')).allowed, true);
    assert.deepEqual(await ask('user:5', 'marketing.advertising.third_party.targeted', '&gpc=1'), {
      allowed: false,
      codes: ['gpc'],
    });
    assert.equal((await ask('user:5', 'analytics.reporting', '&gpc=1')).allowed, true);
  });

  test('a service refused inside an allowed category is denied with service_refused; unknown services are a 422', async () => {
    const recorded = await call('POST', '/api/consent', {
      subject: 'user:svc',
      choices: { analytics: true, marketing: true },
      services: { hotjar: false, google_analytics: true },
    });
    assert.equal(recorded.status, 201, JSON.stringify(recorded.json));
    assert.deepEqual(await ask('user:svc', 'analytics.reporting', '&service=hotjar'), {
      allowed: false,
      codes: ['service_refused'],
    });
    const { json } = await call(
      'GET',
      '/api/decisions?subject=user:svc&purpose=analytics.reporting&service=hotjar',
    );
    assert.match(
      (json.reasons as { detail: string }[])[0]!.detail,
      /refused Hotjar \(hotjar\) inside Analytics/,
    );
    assert.deepEqual(await ask('user:svc', 'analytics.reporting', '&service=google_analytics'), {
      allowed: true,
      codes: ['consent_given'],
    });
    assert.deepEqual(await ask('user:svc', 'analytics.reporting'), {
      allowed: true,
      codes: ['consent_given'],
    });
    // Refused under Analytics only: a marketing question about it is answered by the category.
    assert.deepEqual(await ask('user:svc', 'marketing.advertising.third_party.targeted', '&service=hotjar'), {
      allowed: true,
      codes: ['consent_given'],
    });
    assert.deepEqual(await ask('user:svc', 'marketing.advertising.third_party.targeted', '&service=adnet'), {
      allowed: true,
      codes: ['consent_given'],
    });

    // The documented route answers the same for subjects the one-query path hands over (e-mail).
    await call('POST', '/api/consent', {
      subject: 'email:svc@example.com',
      choices: { analytics: true },
      services: { hotjar: false },
    });
    assert.deepEqual(await ask('email:svc@example.com', 'analytics.reporting', '&service=hotjar'), {
      allowed: false,
      codes: ['service_refused'],
    });

    const batch = await call('POST', '/api/decisions/batch', {
      questions: [
        { subject: 'user:svc', purpose: 'analytics.reporting', service: 'hotjar' },
        { subject: 'user:svc', purpose: 'analytics.reporting', service: 'google_analytics' },
        { subject: 'email:svc@example.com', purpose: 'analytics.reporting', service: 'hotjar' },
        { subject: 'user:svc', purpose: 'analytics.reporting' },
      ],
    });
    assert.equal(batch.status, 200, JSON.stringify(batch.json));
    assert.deepEqual(
      (batch.json.decisions as { allowed: boolean; reasons: { code: string }[] }[]).map((d) => [
        d.allowed,
        d.reasons[0]!.code,
      ]),
      [
        [false, 'service_refused'],
        [true, 'consent_given'],
        [false, 'service_refused'],
        [true, 'consent_given'],
      ],
    );

    const paths = (json: Record<string, unknown>) =>
      ((json.error as { details: { path: string }[] }).details ?? []).map((d) => d.path);
    for (const service of ['hotjr', '']) {
      const res = await call(
        'GET',
        `/api/decisions?subject=user:svc&purpose=analytics.reporting&service=${service}`,
      );
      assert.equal(res.status, 422, JSON.stringify(res.json));
      assert.deepEqual(paths(res.json), ['query.service']);
    }
    const unknownInBatch = await call('POST', '/api/decisions/batch', {
      questions: [
        { subject: 'user:svc', purpose: 'analytics.reporting', service: 'hotjar' },
        { subject: 'user:svc', purpose: 'analytics.reporting', service: 'hotjr' },
      ],
    });
    assert.equal(unknownInBatch.status, 422);
    assert.deepEqual(paths(unknownInBatch.json), ['body.questions.1.service']);
    const unknownInConsent = await call('POST', '/api/consent', {
      subject: 'user:svc',
      choices: { analytics: true },
      services: { hotjr: true },
    });
    assert.equal(unknownInConsent.status, 422);
    assert.deepEqual(paths(unknownInConsent.json), ['body.services.hotjr']);

    // Allowed again: the next question sees it.
    await call('POST', '/api/consent', {
      subject: 'user:svc',
      choices: { analytics: true },
      services: { hotjar: true },
    });
    assert.deepEqual(await ask('user:svc', 'analytics.reporting', '&service=hotjar'), {
      allowed: true,
      codes: ['consent_given'],
    });
  });

  test('batch answers many questions in order', async () => {
    const { status, json } = await call('POST', '/api/decisions/batch', {
      questions: [
        { subject: 'user:1', purpose: 'analytics.reporting' },
        { subject: 'user:5', purpose: 'analytics.reporting' },
        { subject: 'user:9', purpose: 'essential.service' },
      ],
    });
    assert.equal(status, 200);
    assert.deepEqual(
      (json.decisions as { allowed: boolean }[]).map((d) => d.allowed),
      [false, true, true],
    );
  });

  test('bad input is a 422 with field paths; reading history is audited', async () => {
    const bad = await call('GET', '/api/decisions?subject=user:1');
    assert.equal(bad.status, 422);
    assert.match(JSON.stringify(bad.json), /query\.purpose/);
    const history = await call('GET', '/api/consent/user:1/history');
    assert.equal(history.status, 200);
    assert.equal((history.json.events as unknown[]).length, 2);
    const audited = await scope
      .selectFrom('audit_log')
      .select(['action', 'object_id'])
      .where('action', '=', 'consent.history.read')
      .execute();
    assert.deepEqual(audited, [{ action: 'consent.history.read', object_id: 'user:1' }]);
    const csv = await app.request('/api/consent/user:1/history?format=csv', {
      headers: { authorization: `Bearer ${key}` },
    });
    assert.match(await csv.text(), /^subject,seq/);
  });

  test('an auditor key may ask decisions but not record restrictions', async () => {
    const auditor = await createApiKey(scope, { name: 'reader', role: 'auditor' });
    const res = await call(
      'POST',
      '/api/restrictions',
      { subject: 'user:1', kind: 'restriction' },
      auditor.secret,
    );
    assert.equal(res.status, 403);
  });

  test('the one-query path keeps auth and workspace isolation: revoked keys fail, other workspaces see nothing', async () => {
    const other = await createWorkspace(store.db, 'other');
    await pushProgram(other, { program: consentFixtureProgram(), datasets: [] }, 'test');
    const otherKey = await createApiKey(other, { name: 'other', role: 'auditor' });
    await call('POST', '/api/consent', { subject: 'user:42', choices: { analytics: true } });
    const mine = await call('GET', '/api/decisions?subject=user:42&purpose=analytics.reporting');
    const theirs = await call(
      'GET',
      '/api/decisions?subject=user:42&purpose=analytics.reporting',
      undefined,
      otherKey.secret,
    );
    assert.deepEqual([mine.json.allowed, theirs.json.allowed], [true, false]);
    await revokeApiKey(other, otherKey.id);
    const revoked = await call(
      'GET',
      '/api/decisions?subject=user:42&purpose=analytics.reporting',
      undefined,
      otherKey.secret,
    );
    assert.equal(revoked.status, 401);
    const unknown = await call(
      'GET',
      '/api/decisions?subject=user:42&purpose=analytics.reporting',
      undefined,
      'cus_nope',
    );
    assert.equal(unknown.status, 401);
  });
});
