import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mailText, startTestSmtp, type TestSmtp } from '../../testing/smtp.ts';
import { call, type GovernanceFixture, governanceFixture } from '../testing/governance-fixture.ts';

let smtp: TestSmtp;
let fx: GovernanceFixture;
const ORIGIN = 'https://custodian.test';
const PASSWORD = 'correct horse battery staple';

before(async () => {
  smtp = await startTestSmtp();
  // Served over TLS: cookies must be Secure and HSTS present.
  fx = await governanceFixture({ mailer: smtp.mailer, publicUrl: ORIGIN });
});
after(async () => {
  await fx.close();
  await smtp.close();
});

function form(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fx.app.request(path, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, ...headers },
  });
}

function cookiesOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const [name, value] = (pair ?? '').split('=');
    if (name) out[name] = value ?? '';
  }
  return out;
}

async function invite(email: string, role: string) {
  const res = await call(fx, 'POST', '/api/users/invitations', fx.keys.admin, { email, role });
  assert.equal(res.status, 201, await res.clone().text());
  const mail = await smtp.waitFor((m) => m.to.includes(email));
  return mailText(mail).match(/\/invitations\/accept\?token=([\w-]+)/)?.[1] ?? '';
}

test('an invited user sets a password, signs in with Secure HttpOnly SameSite cookies, and CSRF is enforced', async () => {
  const token = await invite('rita@teamhub.test', 'reviewer');
  const page = await fx.app.request(`/invitations/accept?token=${token}`);
  assert.match(await page.text(), /invited as <strong>reviewer<\/strong>/);
  const short = await form('/invitations/accept', { token, password: 'short' });
  assert.equal(short.status, 422);
  const accepted = await form('/invitations/accept', { token, password: PASSWORD, name: 'Rita' });
  assert.equal(accepted.status, 303);
  const reuse = await form('/invitations/accept', { token, password: PASSWORD });
  assert.equal(reuse.status, 410, 'an invitation works once');

  const signedIn = await form('/auth/sign-in', { email: 'rita@teamhub.test', password: PASSWORD });
  assert.equal(signedIn.status, 303);
  const sessionLine = signedIn.headers.getSetCookie().find((l) => l.startsWith('custodian_session='));
  assert.ok(sessionLine);
  assert.match(sessionLine, /HttpOnly/i);
  assert.match(sessionLine, /Secure/i);
  assert.match(sessionLine, /SameSite=Lax/i);
  assert.ok(signedIn.headers.get('strict-transport-security'), 'HSTS on TLS');
  assert.match(signedIn.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  const { custodian_session: session, custodian_csrf: csrf } = cookiesOf(signedIn);
  assert.ok(session && csrf);
  // The cookie value is not stored: only its hash is.
  const stored = await fx.services.store.db.selectFrom('sessions').select('token_hash').execute();
  assert.ok(stored.every((s) => s.token_hash !== session));
  const users = await fx.services.store.db.selectFrom('users').selectAll().execute();
  assert.ok(users.every((u) => !JSON.stringify(u).includes(PASSWORD)));

  const cookie = `custodian_session=${session}`;
  const me = await fx.app.request('/api/me', { headers: { cookie } });
  assert.equal(me.status, 200);
  assert.equal(((await me.json()) as { role: string }).role, 'reviewer');

  const body = JSON.stringify({
    staff: 'erin@teamhub.test',
    customer: 'acme',
    ticket: 'T-1',
    purpose: 'check a sync problem',
  });
  const noToken = await fx.app.request('/api/access-grants', {
    method: 'POST',
    body,
    headers: { cookie, 'content-type': 'application/json', origin: ORIGIN },
  });
  assert.equal(noToken.status, 403, 'a cookie-authenticated change without the CSRF token is refused');
  const crossSite = await fx.app.request('/api/access-grants', {
    method: 'POST',
    body,
    headers: {
      cookie,
      'content-type': 'application/json',
      origin: 'https://evil.test',
      'x-csrf-token': csrf,
    },
  });
  assert.equal(crossSite.status, 403);
  const withToken = await fx.app.request('/api/access-grants', {
    method: 'POST',
    body,
    headers: { cookie, 'content-type': 'application/json', origin: ORIGIN, 'x-csrf-token': csrf },
  });
  assert.equal(withToken.status, 201);
  // A reviewer's session cannot do admin work.
  const invites = await fx.app.request('/api/users', { headers: { cookie } });
  assert.equal(invites.status, 403);

  const signOutForged = await form('/auth/sign-out', { _csrf: 'nope' }, { cookie });
  assert.equal(signOutForged.status, 403);
  const signOut = await form('/auth/sign-out', { _csrf: csrf }, { cookie });
  assert.equal(signOut.status, 303);
  assert.equal((await fx.app.request('/api/me', { headers: { cookie } })).status, 401);
});

test('five wrong passwords lock the account for 15 minutes, even for the right password', async () => {
  const token = await invite('lou@teamhub.test', 'auditor');
  await form('/invitations/accept', { token, password: PASSWORD });
  const attempt = (password: string) =>
    call(fx, 'POST', '/auth/sign-in', undefined, { email: 'lou@teamhub.test', password }, { origin: ORIGIN });
  const unknown = await call(
    fx,
    'POST',
    '/auth/sign-in',
    undefined,
    { email: 'nobody@teamhub.test', password: 'x' },
    { origin: ORIGIN },
  );
  assert.equal(unknown.status, 401);
  for (let i = 0; i < 5; i++) assert.equal((await attempt('wrong password!')).status, 401);
  const locked = await attempt(PASSWORD);
  assert.equal(locked.status, 429);
  assert.equal(locked.headers.get('retry-after'), String(15 * 60));
  assert.match(((await locked.json()) as { error: { message: string } }).error.message, /locked until/);
  fx.advance(16 * 60_000);
  const ok = await attempt(PASSWORD);
  assert.equal(ok.status, 200);
  const { csrf_token } = (await ok.json()) as { csrf_token: string };
  assert.ok(csrf_token);
  const log = (await (await call(fx, 'GET', '/api/audit?action=user.*', fx.keys.auditor)).json()) as {
    entries: { action: string }[];
  };
  assert.ok(log.entries.some((e) => e.action === 'user.locked'));
  // A cross-site sign-in form post (login CSRF) is refused.
  const cross = await call(
    fx,
    'POST',
    '/auth/sign-in',
    undefined,
    { email: 'lou@teamhub.test', password: PASSWORD },
    { origin: 'https://evil.test' },
  );
  assert.equal(cross.status, 403);
});

test('a one-time email link signs in once; the sign-in page works without JavaScript', async () => {
  const page = await fx.app.request('/sign-in');
  assert.match(await page.text(), /<form method="post" action="\/auth\/sign-in">/);
  const asked = await form('/auth/magic-link', { email: 'rita@teamhub.test' });
  assert.equal(asked.status, 200);
  const mail = await smtp.waitFor(
    (m) => m.to.includes('rita@teamhub.test') && /sign-in link/.test(m.subject),
  );
  const token = mailText(mail).match(/\/auth\/magic\?token=([\w-]+)/)?.[1] ?? '';
  const used = await form('/auth/magic', { token });
  assert.equal(used.status, 303);
  assert.ok(cookiesOf(used).custodian_session);
  assert.equal((await form('/auth/magic', { token })).status, 410);
  // Unknown addresses get the same answer and no mail.
  const before = smtp.messages.length;
  assert.equal((await form('/auth/magic-link', { email: 'ghost@teamhub.test' })).status, 200);
  assert.equal(smtp.messages.length, before);
});

test('sign-in attempts from one client are rate limited across accounts', async () => {
  let limited: Response | undefined;
  for (let i = 0; i < 40 && !limited; i++) {
    const res = await call(
      fx,
      'POST',
      '/auth/sign-in',
      undefined,
      { email: `guess${i}@teamhub.test`, password: 'guess' },
      { origin: ORIGIN },
    );
    if (res.status === 429) limited = res;
    else assert.equal(res.status, 401);
  }
  assert.ok(limited, 'the client was limited within 40 attempts');
  const wait = Number(limited.headers.get('retry-after'));
  assert.ok(wait > 0 && wait <= 600, `Retry-After within the 10-minute window, got ${wait}`);
  assert.match(
    ((await limited.json()) as { error: { message: string } }).error.message,
    /too many sign-in attempts/,
  );
  // After the window the client may try again.
  fx.advance(11 * 60_000);
  const later = await call(
    fx,
    'POST',
    '/auth/sign-in',
    undefined,
    { email: 'lou@teamhub.test', password: PASSWORD },
    { origin: ORIGIN },
  );
  assert.equal(later.status, 200);
});
