import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mailText, startTestSmtp, type TestSmtp } from '../../testing/smtp.ts';
import { call, type GovernanceFixture, governanceFixture } from '../testing/governance-fixture.ts';

let smtp: TestSmtp;
let fx: GovernanceFixture;

before(async () => {
  smtp = await startTestSmtp();
  fx = await governanceFixture({ mailer: smtp.mailer });
});
after(async () => {
  await fx.close();
  await smtp.close();
});

const HOUR = 3_600_000;

async function check(query: string) {
  const res = await call(fx, 'GET', `/api/access-grants/check?${query}`, fx.keys.reviewer);
  assert.equal(res.status, 200);
  return (await res.json()) as { allowed: boolean; status: number; code: string; reason: string };
}

async function auditActions(action: string) {
  const res = await call(fx, 'GET', `/api/audit?action=${action}`, fx.keys.auditor);
  return ((await res.json()) as { entries: { action: string; details: Record<string, unknown> }[] }).entries;
}

test('access without a grant is denied and logged; the emailed link approves it; it expires with the clock', async () => {
  const denied = await check('staff=erin@teamhub.test&customer=acme&system=app_db&mode=read');
  assert.deepEqual([denied.allowed, denied.status, denied.code], [false, 403, 'no_grant']);
  const deniedLog = await auditActions('access.denied');
  assert.equal(deniedLog.length, 1);
  assert.equal(deniedLog[0]?.details.staff, 'erin@teamhub.test');

  const requested = await call(fx, 'POST', '/api/access-grants', fx.keys.reviewer, {
    staff: 'erin@teamhub.test',
    customer: 'acme',
    ticket: 'SUP-1234',
    purpose: 'Investigate failing calendar sync for one team',
    systems: ['app_db'],
    mode: 'read',
  });
  assert.equal(requested.status, 201);
  const grant = (await requested.json()) as { id: string; hours: number };
  assert.equal(grant.hours, 24, 'the program default');

  // Still nothing before the customer decides.
  assert.equal((await check('staff=erin@teamhub.test&customer=acme&system=app_db')).code, 'no_grant');

  const mail = await smtp.waitFor((m) => m.to.includes('admin@acme.test') && /SUP-1234/.test(m.subject));
  const link = mailText(mail).match(/http:\/\/custodian\.test(\/access\/decide\?token=\S+)/)?.[1];
  assert.ok(link, 'the email carries the approval link');
  const page = await fx.app.request(link);
  const html = await page.text();
  assert.match(html, /Investigate failing calendar sync/);
  assert.match(html, /<form method="post" action="\/access\/decide">/);
  const token = decodeURIComponent(link.split('token=')[1] ?? '');

  // A cross-site form post (CSRF) is refused; a same-origin one (JS off, plain form) works.
  const form = new URLSearchParams({ token, decision: 'approve' });
  const forged = await fx.app.request('/access/decide', {
    method: 'POST',
    body: form,
    headers: { origin: 'https://evil.test', 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(forged.status, 403);
  const tampered = await fx.app.request('/access/decide', {
    method: 'POST',
    body: new URLSearchParams({ token: `${token.slice(0, -3)}abc`, decision: 'approve' }),
    headers: { origin: 'http://custodian.test', 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(tampered.status, 403);
  const approved = await fx.app.request('/access/decide', {
    method: 'POST',
    body: form,
    headers: { origin: 'http://custodian.test', 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(approved.status, 200);
  assert.match(await approved.text(), /Recorded: approve/);

  const ok = await check('staff=erin@teamhub.test&customer=acme&system=app_db&mode=read');
  assert.deepEqual([ok.allowed, ok.status], [true, 200]);
  assert.match(ok.reason, /SUP-1234/);
  assert.equal(
    (await check('staff=erin@teamhub.test&customer=acme&system=app_db&mode=write')).code,
    'mode_not_granted',
  );
  assert.equal(
    (await check('staff=erin@teamhub.test&customer=acme&system=recordings')).code,
    'system_not_granted',
  );
  assert.equal((await check('staff=erin@teamhub.test&customer=globex&system=app_db')).code, 'no_grant');

  fx.advance(23 * HOUR);
  assert.equal((await check('staff=erin@teamhub.test&customer=acme&system=app_db')).allowed, true);
  fx.advance(1 * HOUR + 1000);
  const expired = await check('staff=erin@teamhub.test&customer=acme&system=app_db');
  assert.deepEqual([expired.allowed, expired.code], [false, 'no_grant']);
  assert.match(expired.reason, /ended at/);

  // A second decision on the same link is refused: the request was already decided.
  const again = await call(fx, 'POST', '/api/access-grants/decisions', undefined, {
    token,
    decision: 'approve',
  });
  assert.equal(again.status, 409);
  const log = (await auditActions('access*')).map((e) => e.action);
  assert.ok(log.includes('access_grant.request') && log.includes('access_grant.approve'));
  assert.ok(log.filter((a) => a === 'access.denied').length >= 5);
});

test('a denial through the API ends the request; support sees only its allowed fields', async () => {
  const res = await call(fx, 'POST', '/api/access-grants', fx.keys.reviewer, {
    staff: 'sam@teamhub.test',
    customer: 'globex',
    ticket: 'SUP-77',
    purpose: 'Explain a billing counter',
  });
  const { id } = (await res.json()) as { id: string };
  const mail = await smtp.waitFor((m) => /SUP-77/.test(m.subject));
  const token = decodeURIComponent(mailText(mail).match(/token=(\S+)/)?.[1] ?? '');
  const approve = await call(fx, 'POST', '/api/access-grants/decisions', undefined, {
    token,
    decision: 'approve',
  });
  assert.equal(approve.status, 201);
  assert.equal(
    (await check('staff=sam@teamhub.test&customer=globex&field=app.teams.member_count')).allowed,
    true,
  );
  assert.equal(
    (await check('staff=sam@teamhub.test&customer=globex&field=app.settings.locale')).allowed,
    true,
  );
  const email = await check('staff=sam@teamhub.test&customer=globex&field=app.users.email');
  assert.deepEqual([email.allowed, email.code], [false, 'field_not_allowed']);
  // The customer ends it early from the same link.
  const revoke = await call(fx, 'POST', '/api/access-grants/decisions', undefined, {
    token,
    decision: 'revoke',
  });
  assert.equal(revoke.status, 201);
  assert.equal((await check('staff=sam@teamhub.test&customer=globex&field=app.teams.name')).code, 'no_grant');
  const grant = (await (await call(fx, 'GET', `/api/access-grants/${id}`, fx.keys.auditor)).json()) as {
    state: string;
  };
  assert.equal(grant.state, 'revoked');
  // Someone not on the staff list gets nothing, grant or not.
  assert.equal((await check('staff=mallory@teamhub.test&customer=globex')).code, 'unknown_staff');
});

test('purpose-bound tool uses are logged with the declared purpose; another purpose is refused', async () => {
  const used = await call(fx, 'POST', '/api/tool-uses', fx.keys.reviewer, {
    tool: 'content_oversight',
    staff: 'erin@teamhub.test',
    customer: 'acme',
    ticket: 'ABUSE-9',
  });
  assert.equal(used.status, 201);
  assert.equal(
    ((await used.json()) as { purpose: string }).purpose,
    'Review content reported as inappropriate',
  );
  const misuse = await call(fx, 'POST', '/api/tool-uses', fx.keys.reviewer, {
    tool: 'content_oversight',
    staff: 'erin@teamhub.test',
    purpose: 'Look at what a teacher posted',
  });
  assert.equal(misuse.status, 403);
  const entries = await auditActions('tool_use.*');
  assert.deepEqual(
    entries.map((e) => e.action),
    ['tool_use.refused', 'tool_use.record'],
  );
  const uses = (await (await call(fx, 'GET', '/api/tool-uses', fx.keys.auditor)).json()) as {
    uses: unknown[];
  };
  assert.equal(uses.uses.length, 1);
});
