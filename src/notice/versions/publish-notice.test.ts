import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createWorkspace } from '../../governance/workspaces.ts';
import { type Program, toBundle } from '../../program/load-program.ts';
import { pushProgram } from '../../program/push-program.ts';
import type { Store } from '../../store/open-store.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { mailText, startTestSmtp, type TestSmtp } from '../../testing/smtp.ts';
import { memoryStore } from '../../testing/store.ts';
import { getConsentNoticeVersion } from '../consent-version.ts';
import { loadClaromentis, withNewSubProcessor } from '../fixtures/claromentis.ts';
import { addConfirmedSubscriber } from '../fixtures/subscribers.ts';
import { listNoticeNotifications } from '../notifications/list-notice-notifications.ts';
import { sendNoticeNotifications } from '../notifications/send-notice-notifications.ts';
import { getNoticeVersion, listNoticeVersions } from './notice-versions.ts';
import { publishNotice } from './publish-notice.ts';

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

async function freshWorkspace(name: string): Promise<WorkspaceScope> {
  return createWorkspace(store.db, name);
}

test('publishing freezes the notice in its languages, then a new sub-processor is a material, notified change', async () => {
  const scope = await freshWorkspace('claromentis');
  await pushProgram(scope, toBundle(claromentis), 'test');
  assert.equal(await getConsentNoticeVersion(scope), 0);
  await addConfirmedSubscriber(scope, 'Reader@Example.org', new Date('2025-03-01T00:00:00Z'));

  const first = await publishNotice(scope, { now: new Date('2025-03-01T10:00:00Z'), actor: 'key:admin' });
  assert.equal(first.version.version, 1);
  assert.equal(
    first.version.effectiveDate,
    '2020-12-09',
    'the program’s effective date for the first version',
  );
  assert.equal(first.version.consentVersion, 1);
  assert.match(first.version.contentHash, /^[0-9a-f]{64}$/);
  assert.equal(first.queued, 0);
  const v1 = await getNoticeVersion(scope, 1);
  // Claromentis lists no notice.languages: English only, and nothing else is rendered.
  assert.deepEqual(v1.languages, ['en']);
  assert.deepEqual(Object.keys(v1.renderings), ['en']);
  assert.match(v1.renderings.en?.html ?? '', /<html lang="en">/);
  assert.match(v1.renderings.en?.md ?? '', /Claromentis/);
  assert.match(v1.renderings.en?.html ?? '', /Version 1/);

  // Same program again: nothing new is published.
  const again = await publishNotice(scope, { now: new Date('2025-03-02T10:00:00Z'), actor: 'key:admin' });
  assert.equal(again.unchanged, true);
  assert.equal((await listNoticeVersions(scope)).length, 1);

  await pushProgram(scope, withNewSubProcessor(claromentis), 'test');
  const second = await publishNotice(scope, {
    now: new Date('2025-04-01T10:00:00Z'),
    actor: 'key:admin',
    effectiveDate: '2025-05-01',
  });
  assert.equal(second.version.version, 2);
  assert.equal(second.version.material, true);
  assert.equal(second.version.consentVersion, 2);
  assert.equal(await getConsentNoticeVersion(scope), 2);
  const added = second.version.changes.find((c) => c.section === 'recipients' && c.kind === 'added');
  assert.ok(added, 'the new recipient is a change in the recipients section');
  assert.equal(added.item?.label, 'Mailgun');
  assert.equal(added.material, true);
  assert.match(added.reason, /new recipient/);
  assert.equal(added.affectsCustomers, true);
  const activityChange = second.version.changes.find((c) => c.item?.key === 'intranet_hosting');
  assert.deepEqual(activityChange?.added, ['Mailgun']);

  // The subscriber and both business customers (processor change) are queued, then mailed.
  assert.equal(second.queued, 3);
  const results = await sendNoticeNotifications(scope, {
    mailer: smtp.mailer,
    publicUrl: 'http://custodian.test',
    sender: 'automatic',
    now: new Date('2025-04-01T10:00:05Z'),
  });
  assert.deepEqual(results.map((r) => [r.recipient, r.status]).sort(), [
    ['dpo@globex-law.example', 'succeeded'],
    ['intranet-admin@acme-charity.example', 'succeeded'],
    ['reader@example.org', 'succeeded'],
  ]);
  const mail = await smtp.waitFor((m) => m.to.includes('intranet-admin@acme-charity.example'));
  const text = mailText(mail);
  assert.match(text, /Mailgun/);
  assert.match(text, /http:\/\/custodian\.test\/privacy\/diff\?from=1&to=2/);
  assert.match(text, /objects/);
  const log = await listNoticeNotifications(scope, { version: 2 });
  assert.equal(log.length, 3);
  assert.ok(log.every((n) => n.status === 'sent' && n.sentAt && n.attempts === 1));

  // Sending again sends nobody twice.
  const rerun = await sendNoticeNotifications(scope, {
    mailer: smtp.mailer,
    publicUrl: 'http://custodian.test',
    sender: 'automatic',
    now: new Date('2025-04-01T11:00:00Z'),
  });
  assert.equal(rerun.length, 0);
});

test('published versions cannot be updated or deleted in place', async () => {
  const scope = await freshWorkspace('immutable');
  await pushProgram(scope, toBundle(claromentis), 'test');
  await publishNotice(scope, { now: new Date('2025-03-01T10:00:00Z'), actor: 'key:admin' });
  await assert.rejects(
    scope.updateTable('notice_versions').set({ content_hash: 'forged' }).execute(),
    /cannot be changed or deleted/,
  );
  await assert.rejects(scope.deleteFrom('notice_versions').execute(), /cannot be changed or deleted/);
  const row = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM notice_versions WHERE workspace_id = ${scope.workspaceId}`.execute(
    store.db,
  );
  assert.equal(row.rows[0]?.n, 1);
});

test('failed deliveries are recorded and only they are retried', async () => {
  const scope = await freshWorkspace('retry');
  await pushProgram(scope, toBundle(claromentis), 'test');
  await publishNotice(scope, { now: new Date('2025-03-01T10:00:00Z'), actor: 'key:admin' });
  await addConfirmedSubscriber(scope, 'one@example.org', new Date('2025-03-01T00:00:00Z'));
  await addConfirmedSubscriber(scope, 'two@example.org', new Date('2025-03-01T00:00:00Z'));
  await pushProgram(scope, withNewSubProcessor(claromentis), 'test');
  await publishNotice(scope, { now: new Date('2025-04-01T10:00:00Z'), actor: 'key:admin' });
  const flaky = {
    send: async (m: { to: string }) =>
      m.to === 'two@example.org'
        ? { messageId: '', accepted: false, error: '451 try again later' }
        : smtp.mailer.send(m as never),
  };
  const firstRun = await sendNoticeNotifications(scope, {
    mailer: flaky,
    publicUrl: 'http://x',
    sender: 'automatic',
    now: new Date('2025-04-01T10:01:00Z'),
  });
  assert.equal(firstRun.find((r) => r.recipient === 'two@example.org')?.status, 'failed');
  assert.equal(firstRun.filter((r) => r.status === 'succeeded').length, 3);
  const failed = await listNoticeNotifications(scope, { status: 'failed' });
  assert.equal(failed.length, 1);
  assert.equal(failed[0]?.lastError, '451 try again later');

  const retry = await sendNoticeNotifications(scope, {
    mailer: smtp.mailer,
    publicUrl: 'http://x',
    sender: 'automatic',
    now: new Date('2025-04-01T11:00:00Z'),
  });
  assert.deepEqual(
    retry.map((r) => [r.recipient, r.status]),
    [['two@example.org', 'succeeded']],
  );
  const log = await listNoticeNotifications(scope, { version: 2 });
  assert.equal(log.find((n) => n.recipient === 'two@example.org')?.attempts, 2);
  assert.ok(log.every((n) => n.status === 'sent'));
});

test('editorial changes keep the consent version and notify nobody', async () => {
  const scope = await freshWorkspace('editorial');
  await pushProgram(scope, toBundle(claromentis), 'test');
  await addConfirmedSubscriber(scope, 'reader@example.org', new Date('2025-03-01T00:00:00Z'));
  await publishNotice(scope, { now: new Date('2025-03-01T10:00:00Z'), actor: 'key:admin' });
  const doc = structuredClone(claromentis.doc);
  doc.organization.contacts.privacy.phone = '0800 000 0000';
  doc.notice = { ...doc.notice!, introduction: 'A clearer introduction.' };
  // Shorter retention is a change in people's favour.
  const reviews = doc.activities.find((a) => a.key === 'quote_requests')!;
  reviews.retention = { ...reviews.retention!, period: 'P3Y' };
  await pushProgram(scope, { program: doc, datasets: claromentis.datasets }, 'test');
  const result = await publishNotice(scope, { now: new Date('2025-04-01T10:00:00Z'), actor: 'key:admin' });
  assert.equal(
    result.version.material,
    false,
    JSON.stringify(result.version.changes.filter((c) => c.material)),
  );
  assert.equal(result.version.consentVersion, 1);
  assert.equal(result.queued, 0);
  assert.ok(result.version.changes.some((c) => c.field === 'retention' && /less time/.test(c.reason)));
  assert.ok(result.version.changes.some((c) => c.field === 'privacy'));
});

test('an effective date before the previous version’s is refused with the field path', async () => {
  const scope = await freshWorkspace('dates');
  await pushProgram(scope, toBundle(claromentis), 'test');
  await publishNotice(scope, {
    now: new Date('2025-03-01T10:00:00Z'),
    actor: 'a',
    effectiveDate: '2025-03-10',
  });
  await pushProgram(scope, withNewSubProcessor(claromentis), 'test');
  await assert.rejects(
    publishNotice(scope, { now: new Date('2025-04-01T10:00:00Z'), actor: 'a', effectiveDate: '2025-03-01' }),
    (err: Error & { code?: string }) =>
      err.code === 'validation_failed' && /before that of version 1/.test(err.message),
  );
});

test('only the languages in notice.languages are published; adding one publishes an editorial version', async () => {
  const scope = await freshWorkspace('languages');
  const doc = structuredClone(claromentis.doc);
  doc.notice = { ...doc.notice!, languages: ['fr', 'en'] };
  await pushProgram(scope, { program: doc, datasets: claromentis.datasets }, 'test');
  await publishNotice(scope, { now: new Date('2025-03-01T10:00:00Z'), actor: 'key:admin' });
  const v1 = await getNoticeVersion(scope, 1);
  assert.deepEqual(v1.languages, ['fr', 'en'], 'in the program’s order: French is the default');
  assert.deepEqual(Object.keys(v1.renderings).sort(), ['en', 'fr']);
  assert.equal(v1.renderings.de, undefined);
  assert.match(v1.renderings.fr?.html ?? '', /<html lang="fr">/);
  assert.equal(v1.missingKeys.de, undefined, 'no German rendering, so nothing missing in German');

  // Only the list changes: that alone is a new version, editorial, and German is now there.
  await pushProgram(
    scope,
    {
      program: { ...doc, notice: { ...doc.notice, languages: ['fr', 'en', 'de'] } },
      datasets: claromentis.datasets,
    },
    'test',
  );
  const second = await publishNotice(scope, { now: new Date('2025-04-01T10:00:00Z'), actor: 'key:admin' });
  assert.equal(second.unchanged, false);
  assert.equal(second.version.material, false);
  assert.deepEqual(second.version.languages, ['fr', 'en', 'de']);
  const change = second.version.changes.find((c) => c.field === 'languages');
  assert.deepEqual(change?.added, ['German']);
  assert.match(change?.summary ?? '', /languages the notice is published in: added German/);
  assert.match((await getNoticeVersion(scope, 2)).renderings.de?.html ?? '', /<html lang="de">/);
  // Version 1 stays as it was published: French and English only.
  assert.deepEqual(
    (await listNoticeVersions(scope)).map((v) => [v.version, v.languages]),
    [
      [2, ['fr', 'en', 'de']],
      [1, ['fr', 'en']],
    ],
  );
});

test('a version published before notice.languages was honoured reads as published in every language', async () => {
  const scope = await freshWorkspace('legacy-languages');
  await pushProgram(scope, toBundle(claromentis), 'test');
  await publishNotice(scope, { now: new Date('2025-03-01T10:00:00Z'), actor: 'key:admin' });
  const v1 = await getNoticeVersion(scope, 1);
  // What an earlier release stored: every language rendered, no list in the model.
  const { languages: _l, ...oldModel } = v1.model;
  const html = v1.renderings.en!;
  await sql`INSERT INTO notice_versions (id, workspace_id, version, program_version, program_hash, effective_date,
      published_at, published_by, content_hash, model, renderings, missing_keys, changes, material, consent_version)
    SELECT gen_random_uuid(), workspace_id, 2, program_version, program_hash, effective_date, published_at, published_by,
      content_hash, ${JSON.stringify(oldModel)}::jsonb, ${JSON.stringify({ de: html, en: html, fr: html })}::jsonb,
      missing_keys, changes, material, consent_version
    FROM notice_versions WHERE workspace_id = ${scope.workspaceId} AND version = 1`.execute(store.db);
  const legacy = await getNoticeVersion(scope, 2);
  assert.deepEqual(legacy.languages, ['en', 'fr', 'de'], 'English first, as it was served then');
  assert.deepEqual(legacy.model.languages, ['en', 'fr', 'de']);
});
