import assert from 'node:assert/strict';
import { mkdir, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PgBoss } from 'pg-boss';
import { fromPglite } from 'pg-boss/dist/adapters/pglite.js';
import { shopUnavailable } from '../execution/fixtures/shop-fixture.ts';
import { jobStarters } from '../jobs/job-queue.ts';
import { mailText } from '../testing/smtp.ts';
import { denialReasonLabels } from './request-types.ts';
import { type ShopHarness, shopRequestHarness } from './testing/request-fixture.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies of many shapes
type Json = Record<string, any>;

const skip = await shopUnavailable();

describe('closed requests lose their personal data after the records period', { skip }, () => {
  let h: ShopHarness;
  before(async () => {
    h = await shopRequestHarness();
    const settings = await h.request('PUT', '/api/requests/settings', {
      manual_approval: { access: true, erasure: true },
      records_kept_months: 12,
    });
    assert.equal(settings.status, 200, await settings.clone().text());
  });
  after(() => h?.close());

  const json = async (res: Response | Promise<Response>) => (await (await res).json()) as Json;
  const submit = (body: Json) => json(h.request('POST', '/api/requests', body));
  const view = (id: string) =>
    json(h.request('GET', `/api/requests/${id}?identities=1`, undefined, h.keys.reviewer));
  const minimise = async () => {
    const res = await h.request('POST', '/api/requests/minimise');
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as Json;
  };
  const rowsOf = async (
    table: 'dsr_tokens' | 'dsr_verification_codes' | 'dsr_attachments' | 'dsr_engine_journals',
    id: string,
  ) => (await h.scope.selectFrom(table).select('request_id').where('request_id', '=', id).execute()).length;
  /** The §7101 CSV without the denial text column, which minimisation rewrites. */
  const recordColumns = async () => {
    const csv = await (await h.request('GET', '/api/requests/export.csv', undefined, h.keys.auditor)).text();
    return csv
      .trim()
      .split('\r\n')
      .map((line) => line.split(',').slice(0, -1).join(','));
  };

  test('open, held and recent requests are kept; the rest keep only what the records log and metrics need', async () => {
    // An access request, run on the real shop, with a package, a download link and a reviewer note.
    const access = await submit({
      type: 'access',
      jurisdiction: 'gdpr',
      identities: { email: 'alice@example.com', name: 'Alice Liddell' },
      verified_account: { account_id: '1' },
    });
    await h.request('POST', `/api/requests/${access.id}/notes`, {
      text: 'Alice phoned from +44 20 7946 0000',
    });
    assert.equal(
      (await json(h.request('POST', `/api/requests/${access.id}/approve`, {}))).state,
      'completed',
    );
    const { package_path: packagePath } = await h.scope
      .selectFrom('dsr_requests')
      .select('package_path')
      .where('id', '=', access.id)
      .executeTakeFirstOrThrow();
    assert.ok(packagePath && (await stat(packagePath)).size > 0);
    const mail = await h.smtp.waitFor(
      (m) => m.to.includes('alice@example.com') && /ready to download/.test(m.subject),
    );
    const download = mailText(mail).match(/http:\/\/privacy\.test(\/privacy-center\/download\/\S+)/)![1]!;

    // A CCPA opt-out (kept 24 months whatever the settings say), and a denied erasure.
    const optOut = await submit({
      type: 'opt_out_sale',
      jurisdiction: 'ccpa',
      identities: { email: 'olive@example.com' },
    });
    assert.equal(optOut.state, 'completed');
    const erasure = await submit({
      type: 'erasure',
      jurisdiction: 'gdpr',
      identities: { email: 'erin@example.com' },
      verified_account: { account_id: '9' },
      details: { note: 'Please delete everything, my number is 555-0199' },
    });
    const denied = await h.request('POST', `/api/requests/${erasure.id}/deny`, {
      reason: 'legal_obligation_to_retain',
      text: 'the invoices of erin@example.com must be kept for tax law',
    });
    assert.equal(denied.status, 201);

    // An agent's request with a signed permission file and a verification code, then withdrawn.
    const form = new FormData();
    form.set('type', 'rectification');
    form.set('jurisdiction', 'gdpr');
    form.set('email', 'pat@example.com');
    form.set('correction', 'My surname is Smith, not Smyth');
    form.set('agent_name', 'Acme Agents');
    form.set('agent_email', 'agent@acme.example');
    form.set('permission', new Blob(['%PDF-1.4 signed'], { type: 'application/pdf' }));
    const posted = await h.app.request('/privacy-center/requests', { method: 'POST', body: form });
    assert.equal(posted.status, 303);
    const agentId = posted.headers.get('location')!.split('/')[3]!;
    await h.request('POST', `/api/requests/${agentId}/cancel`, { reason: 'the person withdrew it' });

    // Two more closed requests: one under a legal hold, one whose minimisation will fail once.
    const held = await submit({
      type: 'access',
      jurisdiction: 'gdpr',
      identities: { email: 'Hal@Example.com' },
    });
    await h.request('POST', `/api/requests/${held.id}/cancel`, { reason: 'duplicate' });
    const hold = await json(
      h.request('POST', '/api/retention/holds', {
        kind: 'identity',
        identity_type: 'email',
        value: 'hal@example.com',
        reason: 'litigation',
      }),
    );
    const flaky = await submit({
      type: 'access',
      jurisdiction: 'gdpr',
      identities: { email: 'fay@example.com' },
    });
    await h.request('POST', `/api/requests/${flaky.id}/cancel`, { reason: 'duplicate' });
    // And one that is never closed.
    const open = await submit({
      type: 'access',
      jurisdiction: 'gdpr',
      identities: { email: 'open@example.com' },
    });
    assert.equal(open.state, 'verifying');

    // Eleven and a half months on, nothing is due.
    h.clock.advanceDays(350);
    assert.equal((await minimise()).minimised, 0);

    // Past 12 months: the GDPR requests are due; the CCPA one is not; the held one is kept.
    h.clock.advanceDays(20);
    const brokenPackage = path.join(h.packageDir, 'not-a-file');
    await mkdir(brokenPackage);
    await h.scope
      .updateTable('dsr_requests')
      .set({ package_path: brokenPackage })
      .where('id', '=', flaky.id)
      .execute();
    const columnsBefore = await recordColumns();
    const metricsBefore = await json(h.request('GET', '/api/requests/metrics', undefined, h.keys.auditor));
    const first = await minimise();
    assert.equal(first.minimised, 3, JSON.stringify(first));
    assert.equal(first.held, 1);
    assert.equal(first.failed, 1);
    assert.deepEqual(
      first.outcomes.map((o: Json) => [o.id, o.status, o.holds]),
      [
        [held.id, 'held', ['email hal@example.com']],
        [flaky.id, 'failed', undefined],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );

    const a = await view(access.id);
    assert.deepEqual([a.identities, a.contact_email, a.details], [{}, '', {}]);
    assert.deepEqual(
      [a.type, a.state, a.closed_response, a.channel],
      ['access', 'completed', 'fulfilled', 'api'],
    );
    assert.equal(a.received_at, access.received_at);
    assert.ok(a.minimised_at);
    assert.deepEqual(Object.keys(a.verification), ['account']);
    assert.equal(a.verification.account.account_id, undefined);
    await assert.rejects(stat(packagePath), { code: 'ENOENT' });
    assert.notEqual((await h.app.request(download)).status, 200, 'the download link is gone');
    assert.equal(await rowsOf('dsr_tokens', access.id), 0);
    assert.equal(await rowsOf('dsr_engine_journals', access.id), 0);
    const events = (await json(h.request('GET', `/api/requests/${access.id}/events`))).events as Json[];
    assert.ok(events.length > 3);
    assert.doesNotMatch(
      JSON.stringify(events.slice(0, -1).map((e) => [e.reason, e.details])),
      /\+44|alice|Alice/,
    );
    assert.equal(events.at(-1)!.kind, 'minimised');
    assert.match(events.at(-1)!.reason, /12 months/);

    const e = await view(erasure.id);
    assert.deepEqual([e.state, e.denial_reason], ['denied', 'legal_obligation_to_retain']);
    assert.equal(e.denial_text, denialReasonLabels.legal_obligation_to_retain);
    assert.doesNotMatch(JSON.stringify(e), /erin|555-0199/);

    const agent = await view(agentId);
    assert.deepEqual([agent.agent, agent.channel, agent.details], [null, 'agent', {}]);
    assert.equal(
      (await h.request('GET', `/api/requests/${agentId}/permission`, undefined, h.keys.reviewer)).status,
      404,
    );
    assert.equal(await rowsOf('dsr_attachments', agentId), 0);
    assert.equal(await rowsOf('dsr_verification_codes', agentId), 0);

    // Untouched: the CCPA request (24-month floor), the held one, the open one, the failed one.
    assert.deepEqual((await view(optOut.id)).identities, { email: ['olive@example.com'] });
    assert.deepEqual((await view(held.id)).identities, { email: ['hal@example.com'] });
    assert.deepEqual((await view(open.id)).identities, { email: ['open@example.com'] });
    const stillFlaky = await view(flaky.id);
    assert.deepEqual(
      [stillFlaky.identities, stillFlaky.minimised_at],
      [{ email: ['fay@example.com'] }, null],
    );

    // The records log and the metrics read the same as before.
    assert.deepEqual(await recordColumns(), columnsBefore);
    assert.deepEqual(
      await json(h.request('GET', '/api/requests/metrics', undefined, h.keys.auditor)),
      metricsBefore,
    );

    // Each minimisation is in the audit log, by whoever ran it.
    const audit = (
      await json(h.request('GET', '/api/audit?action=request.minimised', undefined, h.keys.auditor))
    ).entries as Json[];
    assert.deepEqual(audit.map((x) => x.object_id).sort(), [access.id, erasure.id, agentId].sort());

    // The failure is fixed; the next run picks up where it stopped and repeats nothing.
    await rmdir(brokenPackage);
    const second = await minimise();
    assert.deepEqual([second.minimised, second.held, second.failed], [1, 1, 0]);
    assert.equal((await view(flaky.id)).contact_email, '');

    // Past 24 months the CCPA request goes too; once the hold is released, so does the held one.
    h.clock.advanceDays(365);
    assert.equal((await h.request('DELETE', `/api/retention/holds/${hold.hold.id}`)).status, 200);
    const third = await minimise();
    assert.deepEqual([third.minimised, third.held, third.failed], [2, 0, 0]);
    assert.deepEqual((await view(optOut.id)).identities, {});
    assert.deepEqual(
      (await view(open.id)).identities,
      { email: ['open@example.com'] },
      'open requests never',
    );
    assert.equal((await minimise()).minimised, 0, 'a second sweep changes nothing');
    const entries = (
      await json(h.request('GET', '/api/audit?action=request.minimised', undefined, h.keys.auditor))
    ).entries as Json[];
    assert.equal(entries.length, 6);
  });

  test('the daily job is scheduled and minimises through the queue; only admins run it by hand', async () => {
    assert.equal((await h.request('POST', '/api/requests/minimise', undefined, h.keys.reviewer)).status, 403);
    const late = await submit({
      type: 'access',
      jurisdiction: 'gdpr',
      identities: { email: 'gus@example.com' },
    });
    await h.request('POST', `/api/requests/${late.id}/cancel`, { reason: 'duplicate' });
    h.clock.advanceDays(400);
    await import('./request-jobs.ts');
    const boss = new PgBoss({ db: fromPglite(h.store.pglite!), backend: 'pglite' } as ConstructorParameters<
      typeof PgBoss
    >[0]);
    try {
      await boss.start();
      for (const start of jobStarters) await start(boss, h.services);
      const [schedule] = await boss.getSchedules('dsr-minimise');
      assert.equal(schedule?.cron, '40 3 * * *');
      await boss.send('dsr-minimise', {});
      for (let i = 0; i < 100 && !(await view(late.id)).minimised_at; i++) await sleep(100);
      assert.deepEqual((await view(late.id)).identities, {});
    } finally {
      // Graceful: a job still running must not outlive the store.
      await boss.stop({ graceful: true, timeout: 10_000 }).catch(() => undefined);
    }
  });
});
