import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey, revokeApiKey } from '../governance/api-keys.ts';
import { createWorkspace } from '../governance/workspaces.ts';
import { type RunningServer, startServer } from '../http/server.ts';
import { pushProgram } from '../program/push-program.ts';
import type { Store } from '../store/open-store.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { storeBackends } from '../testing/store.ts';
import { consentFixtureProgram } from './consent-fixture.ts';
import { maxQuestionsPerQuery } from './decide.ts';
import { recordConsent } from './record-consent.ts';
import { recordRestriction } from './record-restriction.ts';

const now = new Date('2026-04-01T12:00:00.000Z');

for (const backend of await storeBackends()) {
  describe(`decisions asked at the same time (${backend.name})`, { skip: backend.skip }, () => {
    let store: Store;
    let server: RunningServer;
    let mine: WorkspaceScope;
    let theirs: WorkspaceScope;
    let myKey: string;
    let theirKey: string;

    before(async () => {
      store = await backend.open();
      mine = await createWorkspace(store.db, 'mine');
      theirs = await createWorkspace(store.db, 'theirs');
      for (const scope of [mine, theirs])
        await pushProgram(scope, { program: consentFixtureProgram(), datasets: [] }, 'test');
      myKey = (await createApiKey(mine, { name: 'app', role: 'auditor' })).secret;
      theirKey = (await createApiKey(theirs, { name: 'app', role: 'auditor' })).secret;
      // Through the real server: its decision path groups questions arriving together.
      server = await startServer({ store, port: 0, jobs: false, clock: () => now, log: () => undefined });
    });
    after(async () => {
      await server.close();
      await store.close();
    });

    const ask = async (subject: string, key: string, purpose = 'analytics.reporting') => {
      const res = await fetch(
        `${server.url}/api/decisions?subject=${encodeURIComponent(subject)}&purpose=${encodeURIComponent(purpose)}`,
        { headers: { authorization: `Bearer ${key}` } },
      );
      const json = (await res.json()) as {
        allowed?: boolean;
        subject?: string;
        reasons?: { code: string }[];
      };
      return {
        status: res.status,
        subject: json.subject,
        allowed: json.allowed,
        code: json.reasons?.[0]?.code,
      };
    };

    test('each question gets its own subject, workspace and key check', async () => {
      await recordConsent(
        mine,
        { subject: 'user:1', choices: { analytics: true }, method: 'api', gpc: false },
        now,
      );
      await recordConsent(
        mine,
        { subject: 'user:2', choices: { analytics: false }, method: 'api', gpc: false },
        now,
      );
      await recordConsent(
        theirs,
        { subject: 'user:3', choices: { analytics: true }, method: 'api', gpc: false },
        now,
      );
      await recordRestriction(mine, { subject: 'user:4', kind: 'restriction' }, now);
      const answers = await Promise.all([
        ask('user:1', myKey),
        ask('user:2', myKey),
        ask('user:3', myKey),
        ask('user:3', theirKey),
        ask('user:1', theirKey),
        ask('user:4', myKey),
        ask('user:1', 'cus_unknown'),
        ask('user:1', myKey, 'marketing.advertising'),
      ]);
      assert.deepEqual(answers, [
        { status: 200, subject: 'user:1', allowed: true, code: 'consent_given' },
        { status: 200, subject: 'user:2', allowed: false, code: 'consent_withdrawn' },
        { status: 200, subject: 'user:3', allowed: false, code: 'consent_absent' },
        { status: 200, subject: 'user:3', allowed: true, code: 'consent_given' },
        { status: 200, subject: 'user:1', allowed: false, code: 'consent_absent' },
        { status: 200, subject: 'user:4', allowed: false, code: 'restriction' },
        { status: 401, subject: undefined, allowed: undefined, code: undefined },
        { status: 200, subject: 'user:1', allowed: false, code: 'consent_absent' },
      ]);
    });

    test('a withdrawal and a revocation count for the very next question', async () => {
      await recordConsent(
        mine,
        { subject: 'user:9', choices: { analytics: true }, method: 'api', gpc: false },
        now,
      );
      const before = await Promise.all(Array.from({ length: 20 }, () => ask('user:9', myKey)));
      assert.ok(before.every((a) => a.allowed === true));
      await recordConsent(
        mine,
        { subject: 'user:9', choices: { analytics: false }, method: 'api', gpc: false },
        now,
      );
      const afterWithdrawal = await Promise.all(Array.from({ length: 20 }, () => ask('user:9', myKey)));
      assert.ok(afterWithdrawal.every((a) => a.allowed === false && a.code === 'consent_withdrawn'));
      const key = await createApiKey(mine, { name: 'short-lived', role: 'auditor' });
      assert.equal((await ask('user:9', key.secret)).status, 200);
      await revokeApiKey(mine, key.id);
      assert.equal((await ask('user:9', key.secret)).status, 401);
    });

    test('more questions at once than one query answers: each still gets its own answer', async () => {
      const many = maxQuestionsPerQuery * 2 + 5;
      for (let i = 0; i < many; i += 3)
        await recordConsent(
          mine,
          { subject: `bulk:${i}`, choices: { analytics: true }, method: 'api', gpc: false },
          now,
        );
      const answers = await Promise.all(Array.from({ length: many }, (_, i) => ask(`bulk:${i}`, myKey)));
      assert.deepEqual(
        answers.map((a) => [a.subject, a.allowed]),
        Array.from({ length: many }, (_, i) => [`bulk:${i}`, i % 3 === 0]),
      );
    });
  });
}
