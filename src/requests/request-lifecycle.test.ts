import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createWorkspace } from '../governance/workspaces.ts';
import { mailText } from '../testing/smtp.ts';
import { type RequestHarness, requestHarness } from './testing/request-fixture.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies of many shapes
type Json = Record<string, any>;

describe('request lifecycle over the API and the privacy center (PGlite, real SMTP)', () => {
  let h: RequestHarness;
  before(async () => {
    h = await requestHarness();
  });
  after(async () => {
    await h.close();
  });

  const codeFor = async (email: string) => {
    const mail = await h.smtp.waitFor((m) => m.to.includes(email) && /verification code/.test(m.subject));
    return mailText(mail).match(/\b(\d{6})\b/)![1]!;
  };

  test('a CCPA opt-out of sale needs no verification and is recorded in the consent ledger at once', async () => {
    const res = await h.request('POST', '/api/requests', {
      type: 'opt_out_sale',
      jurisdiction: 'ccpa',
      identities: { email: 'Olive@Example.com' },
    });
    assert.equal(res.status, 201, await res.clone().text());
    const body = (await res.json()) as Json;
    assert.equal(body.state, 'completed');
    assert.equal(body.verification_level, 'none');
    // 15 business days from Monday 3 March 2025.
    assert.equal(body.due_at, '2025-03-24T10:00:00.000Z');
    const restriction = await h.scope
      .selectFrom('subject_restrictions')
      .select(['subject', 'kind'])
      .executeTakeFirstOrThrow();
    assert.deepEqual(restriction, { subject: 'email:olive@example.com', kind: 'opt_out_sale' });
    await h.smtp.waitFor((m) => m.to.includes('olive@example.com') && /complete/.test(m.subject));
  });

  test('an objection to direct marketing is absolute: applied on receipt, no code, no review', async () => {
    const res = await h.request('POST', '/api/requests', {
      type: 'objection',
      jurisdiction: 'gdpr',
      identities: { email: 'mark@example.com' },
      details: { processing: ['direct_marketing'] },
    });
    const body = (await res.json()) as Json;
    assert.equal(body.state, 'completed');
    const events = (await (await h.request('GET', `/api/requests/${body.id}/events`)).json()) as Json;
    assert.deepEqual(
      events.events.filter((e: Json) => e.kind === 'transition').map((e: Json) => e.to_state),
      ['received', 'verified', 'approved', 'in_progress', 'completed'],
    );
  });

  test('wrong role → 403, another workspace’s id → 404, bad input → 422 with field paths', async () => {
    const denied = await h.request('POST', '/api/requests', { type: 'access' }, h.keys.auditor);
    assert.equal(denied.status, 403);
    const bad = await h.request('POST', '/api/requests', {
      type: 'teleport',
      jurisdiction: 'gdpr',
      identities: { email: 'not-an-email' },
    });
    assert.equal(bad.status, 422);
    const paths = ((await bad.json()) as Json).error.details.map((d: Json) => d.path);
    assert.ok(paths.includes('body.type'), paths);
    assert.ok(paths.includes('body.identities.email.0'), paths);
    const notOffered = await h.request('POST', '/api/requests', {
      type: 'opt_out_sale',
      jurisdiction: 'gdpr',
      identities: { email: 'a@example.com' },
    });
    assert.equal(notOffered.status, 422);
    assert.equal(((await notOffered.json()) as Json).error.details[0].path, 'body.type');

    const created = (await (
      await h.request('POST', '/api/requests', {
        type: 'access',
        jurisdiction: 'gdpr',
        identities: { email: 'w@example.com' },
      })
    ).json()) as Json;
    const other = await createWorkspace(h.store.db, 'Other');
    const { createApiKey } = await import('../governance/api-keys.ts');
    const otherKey = (await createApiKey(other, { name: 'o', role: 'owner' })).secret;
    assert.equal((await h.request('GET', `/api/requests/${created.id}`, undefined, otherKey)).status, 404);
    assert.equal((await h.request('POST', `/api/requests/${created.id}/approve`, {}, otherKey)).status, 404);
    const list = (await (await h.request('GET', '/api/requests', undefined, otherKey)).json()) as Json;
    assert.equal(list.requests.length, 0);
  });

  test('privacy center: code attempts run out, a new code works, the reviewer denies with a reason the person receives', async () => {
    const page = await h.app.request('/privacy-center');
    const html = await page.text();
    assert.match(html, /<label for="email">/);
    assert.match(html, /--brand: #7a1f5c/);

    // A missing email comes back on the page, linked to the field.
    const empty = new FormData();
    empty.set('type', 'erasure');
    empty.set('jurisdiction', 'gdpr');
    const invalid = await h.app.request('/privacy-center/requests', { method: 'POST', body: empty });
    assert.equal(invalid.status, 422);
    const invalidHtml = await invalid.text();
    assert.match(invalidHtml, /<a href="#email">/);
    assert.match(invalidHtml, /id="email" name="email" aria-invalid="true"/);

    const form = new FormData();
    form.set('type', 'erasure');
    form.set('jurisdiction', 'gdpr');
    form.set('email', 'erin@example.com');
    const submitted = await h.app.request('/privacy-center/requests', { method: 'POST', body: form });
    assert.equal(submitted.status, 303);
    const verifyUrl = submitted.headers.get('location')!;
    const id = verifyUrl.split('/')[3]!;
    const code = await codeFor('erin@example.com');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const r = await h.app.request(verifyUrl, {
        method: 'POST',
        body: new URLSearchParams({ code: wrong }),
      });
      assert.equal(r.status, 422);
    }
    // The right code no longer works after five wrong ones.
    const spent = await h.app.request(verifyUrl, { method: 'POST', body: new URLSearchParams({ code }) });
    assert.equal(spent.status, 410);
    h.smtp.messages.length = 0;
    await h.app.request(`/privacy-center/requests/${id}/resend`, { method: 'POST' });
    const fresh = await codeFor('erin@example.com');
    const ok = await h.app.request(verifyUrl, { method: 'POST', body: new URLSearchParams({ code: fresh }) });
    assert.equal(ok.status, 200);
    const viewsOf = async () =>
      (
        await h.scope
          .selectFrom('audit_log')
          .select('id')
          .where('object_id', '=', id)
          .where('action', '=', 'request.identities_viewed')
          .execute()
      ).length;
    // Identities are left out, and no read is audited, unless asked for.
    const row = (await (
      await h.request('GET', `/api/requests/${id}`, undefined, h.keys.reviewer)
    ).json()) as Json;
    assert.equal(row.state, 'verified', 'erasure waits for a reviewer');
    assert.equal(row.needs_approval, true);
    assert.equal(row.identities, undefined);
    assert.deepEqual(row.identity_types, ['email']);
    assert.equal(await viewsOf(), 0);
    const revealed = (await (
      await h.request('GET', `/api/requests/${id}?identities=1`, undefined, h.keys.reviewer)
    ).json()) as Json;
    assert.deepEqual(revealed.identities, { email: ['erin@example.com'] });
    assert.equal(await viewsOf(), 1);
    const auditorReveal = await h.request(
      'GET',
      `/api/requests/${id}?identities=1`,
      undefined,
      h.keys.auditor,
    );
    assert.equal(auditorReveal.status, 403);

    const badDeny = await h.request(
      'POST',
      `/api/requests/${id}/deny`,
      { reason: 'because', text: '' },
      h.keys.reviewer,
    );
    assert.equal(badDeny.status, 422);
    const deny = await h.request(
      'POST',
      `/api/requests/${id}/deny`,
      { reason: 'legal_obligation_to_retain', text: 'Invoices must be kept for 6 years under tax law.' },
      h.keys.reviewer,
    );
    assert.equal(deny.status, 201);
    const mail = await h.smtp.waitFor(
      (m) => m.to.includes('erin@example.com') && /cannot act/.test(m.subject),
    );
    const text = mailText(mail);
    assert.match(text, /the law obliges us to keep this data/);
    assert.match(text, /Invoices must be kept for 6 years/);
    assert.match(text, /lodge a complaint with a supervisory authority/);
    // The audit log holds the identities read and the denial.
    const audit = await h.scope
      .selectFrom('audit_log')
      .select('action')
      .where('object_id', '=', id)
      .execute();
    const actions = audit.map((a) => a.action);
    assert.ok(actions.includes('request.identities_viewed'));
    assert.ok(actions.includes('request.denied'));
  });

  test('deadlines: the company promise, overdue by the clock, extension only before the first period ends', async () => {
    h.clock.set('2025-01-31T09:00:00Z');
    const a = (await (
      await h.request('POST', '/api/requests', {
        type: 'access',
        jurisdiction: 'gdpr',
        identities: { email: 'dora@example.com' },
      })
    ).json()) as Json;
    // Month end: one month is 28 Feb; the 30-day promise (2 March) is later, so the law applies.
    assert.equal(a.due_at, '2025-02-28T09:00:00.000Z');
    const b = (await (
      await h.request('POST', '/api/requests', {
        type: 'access',
        jurisdiction: 'gdpr',
        identities: { email: 'ed@example.com' },
      })
    ).json()) as Json;
    h.clock.set('2025-03-01T09:00:00Z');
    const overdue = (await (await h.request('GET', '/api/requests?overdue=true')).json()) as Json;
    const ids = overdue.requests.map((r: Json) => r.id);
    assert.ok(ids.includes(a.id) && ids.includes(b.id));
    assert.equal(overdue.requests.find((r: Json) => r.id === a.id).overdue, true);
    const late = await h.request(
      'POST',
      `/api/requests/${a.id}/extend`,
      { reason: 'complex' },
      h.keys.reviewer,
    );
    assert.equal(late.status, 409);

    h.clock.set('2025-02-20T09:00:00Z');
    const ext = await h.request(
      'POST',
      `/api/requests/${b.id}/extend`,
      { reason: 'Your data spans twelve systems; we need more time to collect it.' },
      h.keys.reviewer,
    );
    assert.equal(ext.status, 201);
    const extended = (await ext.json()) as Json;
    assert.equal(extended.extended, true);
    assert.equal(extended.due_at, '2025-04-30T09:00:00.000Z');
    const mail = await h.smtp.waitFor((m) => m.to.includes('ed@example.com') && /more time/.test(m.subject));
    assert.match(mailText(mail), /twelve systems/);
    h.clock.set('2025-03-05T09:00:00Z');
    const stillOpen = (await (await h.request('GET', '/api/requests?overdue=true')).json()) as Json;
    assert.ok(!stillOpen.requests.some((r: Json) => r.id === b.id), 'an extended request is not overdue');
    assert.equal(
      (await h.request('POST', `/api/requests/${b.id}/extend`, { reason: 'again' }, h.keys.reviewer)).status,
      409,
    );
  });

  test('CCPA: the third access request in 12 months is flagged; the reviewer’s decision is recorded', async () => {
    h.clock.set('2025-05-01T09:00:00Z');
    const submit = async () =>
      (await (
        await h.request('POST', '/api/requests', {
          type: 'access',
          jurisdiction: 'ccpa',
          identities: { email: 'cal@example.com' },
          verified_account: { account_id: '42' },
        })
      ).json()) as Json;
    const first = await submit();
    const second = await submit();
    const third = await submit();
    assert.deepEqual(first.flags, []);
    assert.deepEqual(second.flags, []);
    assert.equal(third.flags[0].rule, 'access_limit_per_year');
    assert.equal(third.needs_approval, true);
    // CCPA access needs the code as well as the account: still verifying.
    assert.equal(third.state, 'verifying');
    await h.request(
      'POST',
      `/api/requests/${third.id}/verify`,
      { method: 'reviewer_check', note: 'matched ID' },
      h.keys.reviewer,
    );
    const denied = (await (
      await h.request(
        'POST',
        `/api/requests/${third.id}/deny`,
        { reason: 'access_limit_reached', text: 'Third request in 12 months.' },
        h.keys.reviewer,
      )
    ).json()) as Json;
    assert.equal(denied.state, 'denied');
  });

  test('records for a regulator (CSV) and metrics', async () => {
    const csv = await (await h.request('GET', '/api/requests/export.csv', undefined, h.keys.auditor)).text();
    const lines = csv.trim().split('\r\n');
    assert.equal(
      lines[0],
      'request_id,received_at,type,jurisdiction,channel,state,due_at,extended,response_date,response,denial_reason,denial_text',
    );
    assert.ok(lines.some((l) => l.includes('opt_out_sale') && l.includes(',fulfilled,')));
    assert.ok(lines.some((l) => l.includes('legal_obligation_to_retain')));
    assert.ok(!csv.includes('@example.com'), 'no identities in the export');
    const metrics = (await (
      await h.request('GET', '/api/requests/metrics', undefined, h.keys.auditor)
    ).json()) as Json;
    assert.equal(metrics.by_type.opt_out_sale.fulfilled, 1);
    assert.equal(metrics.by_type.erasure.denied, 1);
    assert.equal(typeof metrics.on_time_share, 'number');
    assert.ok(metrics.median_days_to_close.all !== null);
  });

  test('OpenDSR 2.0: discovery, submit, status, cancel', async () => {
    const discovery = (await (await h.app.request('/opendsr/v2/discovery')).json()) as Json;
    assert.deepEqual(discovery.supported_subject_request_types, ['access', 'portability', 'erasure']);
    const id = '3f0e2c1a-9b7d-4e5f-8a6b-1c2d3e4f5a6b';
    const res = await h.request('POST', '/opendsr/v2/requests', {
      subject_request_id: id,
      subject_request_type: 'erasure',
      submitted_time: '2025-05-01T09:00:00Z',
      subject_identities: [
        { identity_type: 'email', identity_value: 'odsr@example.com', identity_format: 'raw' },
      ],
      api_version: '2.0',
    });
    assert.equal(res.status, 201, await res.clone().text());
    const created = (await res.json()) as Json;
    assert.equal(created.subject_request_id, id);
    assert.equal(created.request_status, 'pending');
    const status = (await (
      await h.request('GET', `/opendsr/v2/requests/${id}`, undefined, h.keys.auditor)
    ).json()) as Json;
    assert.equal(status.request_status, 'pending');
    const dup = await h.request('POST', '/opendsr/v2/requests', {
      subject_request_id: id,
      subject_request_type: 'erasure',
      submitted_time: '2025-05-01T09:00:00Z',
      subject_identities: [{ identity_type: 'email', identity_value: 'odsr@example.com' }],
    });
    assert.equal(dup.status, 409);
    const canceled = (await (
      await h.request('DELETE', `/opendsr/v2/requests/${id}`, undefined, h.keys.reviewer)
    ).json()) as Json;
    assert.equal(canceled.request_status, 'cancelled');
    assert.equal(
      (await h.request('GET', '/opendsr/v2/requests/unknown', undefined, h.keys.auditor)).status,
      404,
    );
  });

  test('reminders go to the privacy team once per threshold, and once when overdue', async () => {
    const { sendDueReminders } = await import('./send-reminders.ts');
    h.clock.set('2025-07-01T09:00:00Z');
    const created = (await (
      await h.request('POST', '/api/requests', {
        type: 'erasure',
        jurisdiction: 'gdpr',
        identities: { email: 'rem@example.com' },
      })
    ).json()) as Json;
    h.clock.set('2025-07-26T09:00:00Z');
    const first = await sendDueReminders(h.scope, h.services, h.clock());
    assert.deepEqual(
      first.filter((r) => r.requestId === created.id).map((r) => r.threshold),
      ['7'],
    );
    assert.deepEqual(
      (await sendDueReminders(h.scope, h.services, h.clock())).filter((r) => r.requestId === created.id),
      [],
    );
    h.clock.set('2025-08-02T09:00:00Z');
    const late = await sendDueReminders(h.scope, h.services, h.clock());
    assert.deepEqual(
      late.filter((r) => r.requestId === created.id).map((r) => r.threshold),
      ['overdue'],
    );
    await h.smtp.waitFor((m) => m.to.includes('privacy@teapot.example') && /OVERDUE/.test(m.subject));
  });
});
