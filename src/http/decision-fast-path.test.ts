import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { consentFixtureProgram } from '../consent/consent-fixture.ts';
import { decide } from '../consent/decide.ts';
import { recordConsent } from '../consent/record-consent.ts';
import { createApiKey } from '../governance/api-keys.ts';
import { createWorkspace } from '../governance/workspaces.ts';
import { pushProgram } from '../program/push-program.ts';
import type { Store } from '../store/open-store.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { storeBackends } from '../testing/store.ts';
import { type RunningServer, startServer } from './server.ts';

const now = new Date('2026-04-01T12:00:00.000Z');

for (const backend of await storeBackends()) {
  describe(`GET /api/decisions through the real server (${backend.name})`, { skip: backend.skip }, () => {
    let store: Store;
    let server: RunningServer;
    let scope: WorkspaceScope;
    let key: string;

    before(async () => {
      store = await backend.open();
      scope = await createWorkspace(store.db, 'fast');
      await pushProgram(scope, { program: consentFixtureProgram(), datasets: [] }, 'test');
      key = (await createApiKey(scope, { name: 'app', role: 'auditor' })).secret;
      await recordConsent(
        scope,
        {
          subject: 'user:1',
          choices: { analytics: true },
          services: { google_analytics: true, hotjar: false },
          method: 'api',
          gpc: false,
        },
        now,
      );
      server = await startServer({
        store,
        port: 0,
        jobs: false,
        clock: () => now,
        publicUrl: 'https://privacy.example.test',
        log: () => undefined,
      });
    });
    after(async () => {
      await server.close();
      await store.close();
    });

    const get = (query: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/api/decisions?${query}`, {
        headers: { authorization: `Bearer ${key}`, ...headers },
      });

    test('answers what decide() answers, with every security header and the caller’s request id', async () => {
      for (const [subject, purpose, gpc] of [
        ['user:1', 'analytics.reporting', false],
        ['user:2', 'analytics.reporting', false],
        ['user:1', 'marketing.advertising.third_party', true],
      ] as const) {
        const res = await get(
          `subject=${encodeURIComponent(subject)}&purpose=${encodeURIComponent(purpose)}`,
          gpc ? { 'sec-gpc': '1', 'x-request-id': 'trace-42' } : {},
        );
        assert.equal(res.status, 200);
        const [expected] = await decide(scope, [{ subject, purpose, gpc }]);
        assert.deepEqual(await res.json(), expected);
        assert.equal(res.headers.get('content-type'), 'application/json');
        assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
        assert.equal(res.headers.get('x-frame-options'), 'DENY');
        assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=31536000/);
        if (gpc) assert.equal(res.headers.get('x-request-id'), 'trace-42');
        else assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
      }
    });

    test('a question naming a service: a refused service is denied, an unknown one is a 422', async () => {
      const refused = await get('subject=user:1&purpose=analytics.reporting&service=hotjar');
      assert.equal(refused.status, 200);
      const decision = (await refused.json()) as { allowed: boolean; reasons: { code: string }[] };
      assert.equal(decision.allowed, false);
      assert.deepEqual(
        decision.reasons.map((r) => r.code),
        ['service_refused'],
      );
      const allowed = await get('subject=user:1&purpose=analytics.reporting&service=google_analytics');
      assert.equal(((await allowed.json()) as { allowed: boolean }).allowed, true);
      const unknown = await get('subject=user:1&purpose=analytics.reporting&service=hotjr');
      assert.equal(unknown.status, 422);
      const body = (await unknown.json()) as { error: { details: { path: string }[] } };
      assert.deepEqual(
        body.error.details.map((d) => d.path),
        ['query.service'],
      );
    });

    test('what it cannot answer takes the routed path: bad keys, bad queries, e-mail subjects', async () => {
      const unknownKey = await fetch(`${server.url}/api/decisions?subject=user:1&purpose=analytics`, {
        headers: { authorization: 'Bearer cus_not_a_key' },
      });
      assert.equal(unknownKey.status, 401);
      assert.equal(((await unknownKey.json()) as { error: { code: string } }).error.code, 'unauthorized');
      assert.equal(unknownKey.headers.get('x-content-type-options'), 'nosniff');

      const spaced = await get('subject=user%201&purpose=analytics');
      assert.equal(spaced.status, 422);
      const body = (await spaced.json()) as { error: { details: { path: string }[] } };
      assert.deepEqual(
        body.error.details.map((d) => d.path),
        ['query.subject'],
      );

      const badGpc = await get('subject=user:1&purpose=analytics&gpc=maybe');
      assert.equal(badGpc.status, 422);

      const email = await get('subject=email:someone@example.test&purpose=marketing.communications');
      assert.equal(email.status, 200);
      assert.equal(((await email.json()) as { subject: string }).subject, 'email:someone@example.test');
    });
  });
}
