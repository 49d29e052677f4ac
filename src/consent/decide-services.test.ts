import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey, hashKey } from '../governance/api-keys.ts';
import { createWorkspace } from '../governance/workspaces.ts';
import { pushProgram } from '../program/push-program.ts';
import type { Store } from '../store/open-store.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { storeBackends } from '../testing/store.ts';
import { consentFixtureProgram } from './consent-fixture.ts';
import { type Decision, decide, decideWithApiKey } from './decide.ts';
import { recordConsent } from './record-consent.ts';

const now = new Date('2026-04-01T12:00:00.000Z');
const codes = (decisions: Decision[] | undefined | 'fallback') => {
  assert.ok(Array.isArray(decisions));
  return decisions.map(
    (d) => `${d.subject} ${d.allowed ? 'allowed' : 'denied'} ${d.reasons.map((r) => r.code).join('+')}`,
  );
};

for (const backend of await storeBackends()) {
  describe(`decisions naming a service (${backend.name})`, { skip: backend.skip }, () => {
    let store: Store;
    let mine: WorkspaceScope;
    let theirs: WorkspaceScope;
    let keyHash: string;

    before(async () => {
      store = await backend.open();
      mine = await createWorkspace(store.db, 'mine');
      theirs = await createWorkspace(store.db, 'theirs');
      for (const scope of [mine, theirs])
        await pushProgram(scope, { program: consentFixtureProgram(), datasets: [] }, 'test');
      keyHash = hashKey((await createApiKey(mine, { name: 'app', role: 'auditor' })).secret);
      const choose = (scope: WorkspaceScope, subject: string, services: Record<string, boolean>) =>
        recordConsent(
          scope,
          { subject, choices: { analytics: true }, services, method: 'banner', gpc: false },
          now,
        );
      await choose(mine, 'device:a', { hotjar: false, google_analytics: true });
      await choose(mine, 'device:b', { hotjar: true, google_analytics: false });
      // Another workspace's refusal of the same subject and service counts for nothing here.
      await choose(theirs, 'device:c', { hotjar: false });
      await recordConsent(
        mine,
        { subject: 'device:c', choices: { analytics: true }, method: 'api', gpc: false },
        now,
      );
    });
    after(() => store.close());

    const questions = [
      { subject: 'device:a', purpose: 'analytics.reporting', service: 'hotjar' },
      { subject: 'device:b', purpose: 'analytics.reporting', service: 'hotjar' },
      { subject: 'device:b', purpose: 'analytics.reporting', service: 'google_analytics' },
      { subject: 'device:c', purpose: 'analytics.reporting', service: 'hotjar' },
      { subject: 'device:a', purpose: 'analytics.reporting' },
      { subject: 'device:z', purpose: 'analytics.reporting', service: 'hotjar' },
    ];
    const expected = [
      'device:a denied service_refused',
      'device:b allowed consent_given',
      'device:b denied service_refused',
      'device:c allowed consent_given',
      'device:a allowed consent_given',
      'device:z denied consent_absent',
    ];

    test('the one-query path with an API key and the scoped path give the same answers', async () => {
      assert.deepEqual(codes(await decideWithApiKey(store.db, keyHash, questions)), expected);
      assert.deepEqual(codes(await decide(mine, questions)), expected);
      // One subject alone (the prepared statement's scalar form), asked twice.
      for (let i = 0; i < 2; i++)
        assert.deepEqual(codes(await decideWithApiKey(store.db, keyHash, [questions[0]!])), [expected[0]]);
    });

    test('an unknown service is a validation error naming where it came from', async () => {
      await assert.rejects(
        decideWithApiKey(store.db, keyHash, [{ ...questions[0]!, service: 'hotjr' }], {
          servicePath: () => 'query.service',
        }),
        (err: Error & { code?: string; details?: { path: string }[] }) =>
          err.code === 'validation_failed' && err.details?.[0]?.path === 'query.service',
      );
    });
  });
}
