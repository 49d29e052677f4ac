import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mailText, startTestSmtp, type TestSmtp } from '../../testing/smtp.ts';
import { call, type GovernanceFixture, governanceFixture } from '../testing/governance-fixture.ts';

let smtp: TestSmtp;
let fx: GovernanceFixture;
const DAY = 86_400_000;

before(async () => {
  smtp = await startTestSmtp();
  fx = await governanceFixture({ mailer: smtp.mailer });
});
after(async () => {
  await fx.close();
  await smtp.close();
});

interface Change {
  id: string;
  status: string;
  objection_deadline: string;
  notices: { customer_key: string; accepted: boolean }[];
  objections: { customer_key: string; reason: string; via: string }[];
}

test('a new sub-processor: both customers notified, one objects by link, activation waits for DPIA and the window', async () => {
  const created = await call(fx, 'POST', '/api/subprocessor-changes', fx.keys.admin, {
    processor: 'mailjet',
  });
  assert.equal(created.status, 201);
  const { id } = (await created.json()) as Change;

  const notified = await call(fx, 'POST', `/api/subprocessor-changes/${id}/notify`, fx.keys.admin);
  assert.equal(notified.status, 201);
  const { results, objection_deadline } = (await notified.json()) as {
    results: { customer: string; status: string }[];
    objection_deadline: string;
  };
  assert.deepEqual(
    results.map((r) => [r.customer, r.status]),
    [
      ['acme', 'sent'],
      ['globex', 'sent'],
    ],
  );
  assert.equal(objection_deadline, new Date(Date.parse('2025-03-03T09:00:00Z') + 30 * DAY).toISOString());
  const acmeMail = await smtp.waitFor((m) => m.to.includes('admin@acme.test') && /Mailjet/.test(m.subject));
  await smtp.waitFor((m) => m.to.includes('dpo@globex.test') && /Mailjet/.test(m.subject));

  // The public register shows Mailjet as planned, with the date; the feed announces it.
  const html = await (await fx.app.request('/sub-processors')).text();
  assert.match(html, /Mailjet[\s\S]*planned, not before 2025-04-02/);
  const rss = await (await fx.app.request('/sub-processors.rss')).text();
  assert.match(rss, /<title>Planned: new sub-processor Mailjet<\/title>/);

  // Acme objects through the link in its email, with JavaScript off.
  const link = mailText(acmeMail).match(/http:\/\/custodian\.test(\/sub-processors\/object\?token=\S+)/)?.[1];
  assert.ok(link);
  assert.match(await (await fx.app.request(link)).text(), /Why do you object/);
  const token = decodeURIComponent(link.split('token=')[1] ?? '');
  const objected = await fx.app.request('/sub-processors/object', {
    method: 'POST',
    body: new URLSearchParams({ token, reason: 'Our contract forbids transfers to new email vendors' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://custodian.test' },
  });
  assert.equal(objected.status, 200);
  const twice = await call(fx, 'POST', '/api/subprocessor-objections', undefined, { token, reason: 'again' });
  assert.equal(twice.status, 409);

  // Before the window ends, and without a DPIA, activation is refused with each reason.
  fx.advance(10 * DAY);
  const early = await call(fx, 'POST', `/api/subprocessor-changes/${id}/activate`, fx.keys.admin, {});
  assert.equal(early.status, 409);
  const reasons = ((await early.json()) as { error: { details: { path: string }[] } }).error.details.map(
    (d) => d.path,
  );
  assert.deepEqual(reasons.sort(), ['dpia_ref', 'objection_deadline', 'resolution']);

  await call(fx, 'PATCH', `/api/subprocessor-changes/${id}`, fx.keys.admin, { dpia_ref: 'DPIA-2025-04' });
  fx.advance(20 * DAY - 1000);
  const stillOpen = await call(fx, 'POST', `/api/subprocessor-changes/${id}/activate`, fx.keys.admin, {
    resolution: 'Acme offered termination of the affected service without penalty',
  });
  assert.equal(stillOpen.status, 409, 'one second before the deadline');
  fx.advance(2000);
  const late = await call(fx, 'POST', '/api/subprocessor-objections', undefined, {
    token,
    reason: 'too late now',
  });
  assert.ok(late.status === 410 || late.status === 409);
  const activated = await call(fx, 'POST', `/api/subprocessor-changes/${id}/activate`, fx.keys.admin, {
    resolution: 'Acme offered termination of the affected service without penalty',
  });
  assert.equal(activated.status, 201);
  const change = (await activated.json()) as Change;
  assert.equal(change.status, 'activated');
  assert.deepEqual(
    change.notices.map((n) => [n.customer_key, n.accepted]),
    [
      ['acme', true],
      ['globex', true],
    ],
  );
  assert.deepEqual(
    change.objections.map((o) => [o.customer_key, o.via]),
    [['acme', 'link']],
  );
  const register = (await (await fx.app.request('/sub-processors.json')).json()) as {
    processors: { key: string; status: string }[];
  };
  assert.equal(register.processors.find((p) => p.key === 'mailjet')?.status, 'active');
});

test('a change cannot be activated without its announcement', async () => {
  const created = await call(fx, 'POST', '/api/subprocessor-changes', fx.keys.admin, {
    processor: 'aws',
    dpia_ref: 'DPIA-1',
    window_days: 0,
  });
  const { id } = (await created.json()) as Change;
  const res = await call(fx, 'POST', `/api/subprocessor-changes/${id}/activate`, fx.keys.admin, {});
  assert.equal(res.status, 409);
  const unknown = await call(fx, 'POST', '/api/subprocessor-changes', fx.keys.admin, { processor: 'nope' });
  assert.equal(unknown.status, 422);
});
