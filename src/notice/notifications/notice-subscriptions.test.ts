import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createWorkspace } from '../../governance/workspaces.ts';
import type { Mailer, MailMessage } from '../../mail/mailer.ts';
import { type Program, toBundle } from '../../program/load-program.ts';
import { pushProgram } from '../../program/push-program.ts';
import type { Store } from '../../store/open-store.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { memoryStore } from '../../testing/store.ts';
import { loadClaromentis, withNewSubProcessor } from '../fixtures/claromentis.ts';
import { publishNotice } from '../versions/publish-notice.ts';
import { listNoticeNotifications } from './list-notice-notifications.ts';
import {
  confirmNoticeSubscription,
  requestNoticeSubscription,
  unsubscribeFromNotice,
  unsubscribeLink,
} from './notice-subscriptions.ts';
import { sendNoticeNotifications } from './send-notice-notifications.ts';

let store: Store;
let claromentis: Program;
const sent: MailMessage[] = [];
const mailer: Mailer = {
  send: async (m) => {
    sent.push(m);
    return { messageId: `<${sent.length}@test>`, accepted: true };
  },
};

before(async () => {
  store = await memoryStore();
  claromentis = await loadClaromentis();
});
after(() => store.close());

const at = (iso: string) => new Date(iso);
const context = (now: string) => ({ mailer, publicUrl: 'http://custodian.test', now: at(now) });
const tokenOf = (m: MailMessage) => /confirm\?t=([\w-]+)/.exec(m.text)?.[1] ?? '';
const status = async (scope: WorkspaceScope, email: string) =>
  (
    await scope
      .selectFrom('notice_subscribers')
      .select('status')
      .where('email', '=', email)
      .executeTakeFirst()
  )?.status;

async function workspace(name: string) {
  const scope = await createWorkspace(store.db, name);
  await pushProgram(scope, toBundle(claromentis), 'test');
  await publishNotice(scope, { now: at('2025-03-01T10:00:00Z'), actor: 'test' });
  return scope;
}

test('a confirmation link works once and for seven days; asking again later sends a new one', async () => {
  const scope = await workspace('confirm');
  await requestNoticeSubscription(
    scope,
    { email: 'Late@Example.org', lang: 'en' },
    context('2025-03-01T10:00:00Z'),
  );
  const first = sent.at(-1)!;
  assert.equal(first.to, 'late@example.org');
  assert.match(first.subject, /Claromentis/);
  assert.equal(await confirmNoticeSubscription(scope, tokenOf(first), at('2025-03-08T10:00:01Z')), undefined);
  assert.equal(await status(scope, 'late@example.org'), 'pending');

  await requestNoticeSubscription(
    scope,
    { email: 'late@example.org', lang: 'de' },
    context('2025-03-09T10:00:00Z'),
  );
  const second = sent.at(-1)!;
  assert.notEqual(tokenOf(second), tokenOf(first));
  assert.match(second.subject, /^Bestätigen/, 'in the language of the page they used');
  assert.equal(await confirmNoticeSubscription(scope, tokenOf(first), at('2025-03-09T10:01:00Z')), undefined);
  assert.deepEqual(await confirmNoticeSubscription(scope, tokenOf(second), at('2025-03-09T10:01:00Z')), {
    lang: 'de',
  });
  assert.equal(await status(scope, 'late@example.org'), 'confirmed');
  const count = sent.length;
  await requestNoticeSubscription(
    scope,
    { email: 'late@example.org', lang: 'en' },
    context('2025-03-10T10:00:00Z'),
  );
  assert.equal(sent.length, count, 'a confirmed address is sent nothing more');
});

test('unsubscribing cancels a notification still waiting, and coming back needs a new confirmation', async () => {
  const scope = await workspace('leave');
  await requestNoticeSubscription(
    scope,
    { email: 'leaver@example.org', lang: 'en' },
    context('2025-03-01T10:00:00Z'),
  );
  await confirmNoticeSubscription(scope, tokenOf(sent.at(-1)!), at('2025-03-01T10:05:00Z'));
  await pushProgram(scope, withNewSubProcessor(claromentis), 'test');
  await publishNotice(scope, { now: at('2025-04-01T10:00:00Z'), actor: 'test' });
  assert.equal((await listNoticeNotifications(scope, { version: 2 })).length, 3);

  const subscriber = await scope
    .selectFrom('notice_subscribers')
    .select(['id', 'lang'])
    .where('email', '=', 'leaver@example.org')
    .executeTakeFirstOrThrow();
  const link = await unsubscribeLink(scope, subscriber, 'http://custodian.test', at('2025-04-01T10:00:00Z'));
  const token = new URL(link).searchParams.get('t')!;
  await unsubscribeFromNotice(store.db, token, at('2025-04-01T10:00:30Z'));
  await unsubscribeFromNotice(store.db, token, at('2025-04-01T10:00:40Z'));
  const count = sent.length;
  const results = await sendNoticeNotifications(scope, {
    mailer,
    publicUrl: 'http://custodian.test',
    now: at('2025-04-01T10:01:00Z'),
    sender: 'automatic',
  });
  assert.deepEqual(results.map((r) => r.recipient).sort(), [
    'dpo@globex-law.example',
    'intranet-admin@acme-charity.example',
  ]);
  assert.ok(!sent.slice(count).some((m) => m.to === 'leaver@example.org'));
  const log = await listNoticeNotifications(scope, { version: 2 });
  assert.equal(log.find((n) => n.recipient === 'leaver@example.org')?.status, 'cancelled');

  await requestNoticeSubscription(
    scope,
    { email: 'leaver@example.org', lang: 'en' },
    context('2025-04-02T10:00:00Z'),
  );
  assert.equal(await status(scope, 'leaver@example.org'), 'pending');
  assert.equal(sent.at(-1)?.to, 'leaver@example.org');
});

test('a subscriber who left between queueing and sending is not mailed, whoever sends', async () => {
  const scope = await workspace('race');
  await requestNoticeSubscription(
    scope,
    { email: 'race@example.org', lang: 'en' },
    context('2025-03-01T10:00:00Z'),
  );
  await confirmNoticeSubscription(scope, tokenOf(sent.at(-1)!), at('2025-03-01T10:05:00Z'));
  await pushProgram(scope, withNewSubProcessor(claromentis), 'test');
  await publishNotice(scope, { now: at('2025-04-01T10:00:00Z'), actor: 'test' });
  // The row is queued; the address leaves by some other way (an admin, a second process).
  await scope
    .updateTable('notice_subscribers')
    .set({ status: 'unsubscribed' })
    .where('email', '=', 'race@example.org')
    .execute();
  const results = await sendNoticeNotifications(scope, {
    mailer,
    publicUrl: 'http://custodian.test',
    now: at('2025-04-01T10:01:00Z'),
    sender: 'person',
  });
  assert.deepEqual(
    results.filter((r) => r.recipient === 'race@example.org').map((r) => [r.status, r.error]),
    [['skipped', 'no longer subscribed']],
  );
  assert.equal(
    (await listNoticeNotifications(scope, { version: 2 })).find((n) => n.recipient === 'race@example.org')
      ?.status,
    'cancelled',
  );
});
