import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PgBoss } from 'pg-boss';
import { fromPglite } from 'pg-boss/dist/adapters/pglite.js';
import { createWorkspace } from '../../governance/workspaces.ts';
import { createServices } from '../../http/services.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { type Program, toBundle } from '../../program/load-program.ts';
import { pushProgram } from '../../program/push-program.ts';
import type { Store } from '../../store/open-store.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp.ts';
import { memoryStore } from '../../testing/store.ts';
import { loadClaromentis, withNewSubProcessor } from '../fixtures/claromentis.ts';
import { addConfirmedSubscriber } from '../fixtures/subscribers.ts';
import { publishNotice } from '../versions/publish-notice.ts';
import {
  NOTICE_DELIVERY_QUEUE,
  queueOwedDeliveries,
  runNoticeDeliveryJob,
  startNoticeDelivery,
} from './deliver-notice-notifications.ts';
import { listNoticeNotifications } from './list-notice-notifications.ts';
import { sendNoticeNotifications } from './send-notice-notifications.ts';

let store: Store;
let smtp: TestSmtp;
let claromentis: Program;

before(async () => {
  store = await memoryStore();
  smtp = await startTestSmtp();
  claromentis = await loadClaromentis();
});
after(async () => {
  await smtp.close();
  await store.close();
});

/** Publishes version 1, then version 2 with a new sub-processor: three people are owed a mail. */
async function publishMaterialChange(name: string, subscribers: string[]): Promise<WorkspaceScope> {
  const scope = await createWorkspace(store.db, name);
  await pushProgram(scope, toBundle(claromentis), 'test');
  await publishNotice(scope, { now: new Date('2025-03-01T10:00:00Z'), actor: 'key:admin' });
  for (const email of subscribers)
    await addConfirmedSubscriber(scope, email, new Date('2025-03-01T00:00:00Z'));
  await pushProgram(scope, withNewSubProcessor(claromentis), 'test');
  const published = await publishNotice(scope, { now: new Date('2025-04-01T10:00:00Z'), actor: 'key:admin' });
  assert.equal(published.queued, subscribers.length + 2);
  return scope;
}

const mailsTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address)).length;

test('a publish whose sending never ran (crash after commit) is delivered by the job queue, once', async (t) => {
  // Published and committed, then nothing: the process that would have sent the mail is gone.
  const scope = await publishMaterialChange('crashed', ['reader@crash.example']);
  assert.ok((await listNoticeNotifications(scope)).every((n) => n.status === 'pending'));

  const services = createServices(store, {
    clock: () => new Date('2025-04-01T10:05:00Z'),
    mailer: smtp.mailer,
    publicUrl: 'http://custodian.test',
  });
  const boss = new PgBoss({ db: fromPglite(store.pglite!), backend: 'pglite' } as ConstructorParameters<
    typeof PgBoss
  >[0]);
  t.after(() => boss.stop({ graceful: false }).catch(() => undefined));
  await boss.start();
  // The next server start sweeps the log and queues what is owed.
  await startNoticeDelivery(boss, services);
  for (let i = 0; i < 100; i++) {
    if ((await listNoticeNotifications(scope)).every((n) => n.status === 'sent')) break;
    await sleep(100);
  }
  const log = await listNoticeNotifications(scope, { version: 2 });
  assert.deepEqual(log.map((n) => [n.recipient, n.status, n.attempts]).sort(), [
    ['dpo@globex-law.example', 'sent', 1],
    ['intranet-admin@acme-charity.example', 'sent', 1],
    ['reader@crash.example', 'sent', 1],
  ]);
  assert.equal(mailsTo('reader@crash.example'), 1);

  // The same job again (a duplicate, a retry, another worker): the log says sent, nobody is mailed twice.
  const jobId = await boss.send(NOTICE_DELIVERY_QUEUE, { workspaceId: scope.workspaceId, version: 2 });
  assert.ok(jobId);
  for (let i = 0; i < 100; i++) {
    if ((await boss.getJobById(NOTICE_DELIVERY_QUEUE, jobId))?.state === 'completed') break;
    await sleep(100);
  }
  assert.equal((await boss.getJobById(NOTICE_DELIVERY_QUEUE, jobId))?.state, 'completed');
  assert.equal(mailsTo('reader@crash.example'), 1);
  assert.equal(mailsTo('intranet-admin@acme-charity.example'), 1);
  assert.ok((await listNoticeNotifications(scope)).every((n) => n.attempts === 1));
  assert.equal(await queueOwedDeliveries(boss, services), 0, 'nothing owed, nothing queued');
});

test('the job fails while a send fails, and its retry sends only the failures', async () => {
  const scope = await publishMaterialChange('flaky', ['ok@flaky.example', 'later@flaky.example']);
  const services = createServices(store, {
    clock: () => new Date('2025-04-01T10:05:00Z'),
    publicUrl: 'http://custodian.test',
  });
  const refusing: Mailer = {
    send: async (m) =>
      m.to === 'later@flaky.example'
        ? { messageId: '', accepted: false, error: '452 mailbox full' }
        : smtp.mailer.send(m),
  };
  services.mailer = refusing;
  await assert.rejects(
    runNoticeDeliveryJob(services, { workspaceId: scope.workspaceId, version: 2 }),
    /1 of 4 notice notifications not delivered/,
  );
  const failed = await listNoticeNotifications(scope, { status: 'failed' });
  assert.deepEqual(
    failed.map((n) => [n.recipient, n.lastError]),
    [['later@flaky.example', '452 mailbox full']],
  );

  services.mailer = smtp.mailer;
  const retry = await runNoticeDeliveryJob(services, { workspaceId: scope.workspaceId, version: 2 });
  assert.deepEqual(
    retry.map((r) => [r.recipient, r.status]),
    [['later@flaky.example', 'succeeded']],
  );
  assert.equal(mailsTo('ok@flaky.example'), 1);
  assert.equal(mailsTo('later@flaky.example'), 1);
});

test('the job gives up after five tries and never repeats a send cut off mid-way; a person can', async () => {
  const scope = await publishMaterialChange('stuck', ['bounce@stuck.example', 'cut@stuck.example']);
  const now = new Date('2025-04-01T12:00:00Z');
  // One address refused five times; another claimed by a sender that died mid-send an hour ago.
  await scope
    .updateTable('notice_notifications')
    .set({ status: 'failed', attempts: 5, last_error: '550 no such user' })
    .where('recipient', '=', 'bounce@stuck.example')
    .execute();
  await scope
    .updateTable('notice_notifications')
    .set({ status: 'sending', attempts: 1, last_attempt_at: new Date('2025-04-01T11:00:00Z') })
    .where('recipient', '=', 'cut@stuck.example')
    .execute();
  const services = createServices(store, { clock: () => now, mailer: smtp.mailer, publicUrl: 'http://x' });
  const automatic = await runNoticeDeliveryJob(services, { workspaceId: scope.workspaceId });
  assert.deepEqual(automatic.map((r) => r.recipient).sort(), [
    'dpo@globex-law.example',
    'intranet-admin@acme-charity.example',
  ]);
  assert.equal(mailsTo('cut@stuck.example'), 0, 'it may have arrived: the job does not send it again');
  assert.equal(mailsTo('bounce@stuck.example'), 0);

  const byPerson = await sendNoticeNotifications(scope, {
    mailer: smtp.mailer,
    publicUrl: 'http://x',
    now,
    sender: 'person',
  });
  assert.deepEqual(byPerson.map((r) => [r.recipient, r.status]).sort(), [
    ['bounce@stuck.example', 'succeeded'],
    ['cut@stuck.example', 'succeeded'],
  ]);
});
