import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { consentHistory } from '../../consent/consent-history.ts';
import type { ServiceFacts } from '../../consent/consent-purposes.ts';
import { currentConsentProgram } from '../../consent/current-purposes.ts';
import { deviceId } from '../../consent/device-id.ts';
import { sendPreferenceCode, sessionAddress, verifyPreferenceCode } from '../../consent/preference-codes.ts';
import { publicWorkspace } from '../../consent/public-workspace.ts';
import { recordConsent } from '../../consent/record-consent.ts';
import { confirmSubscription, unsubscribe } from '../../consent/subscriptions.ts';
import { checkSuppression, liftSuppressionBySubject, suppressAddresses } from '../../consent/suppression.ts';
import { isEmailAddress } from '../../consent/workspace-secret.ts';
import { escapeHtml } from '../../escape-html.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import type { AppEnv } from '../route.ts';

/** The caller's address as the socket saw it (tests without a socket have none). */
export function clientAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

const DEVICE = 'custodian_device';
const SESSION = 'custodian_pref';

const esc = escapeHtml;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>
body{font:16px/1.5 system-ui,sans-serif;color:#111;max-width:760px;margin:32px auto;padding:0 16px}
h1{font-size:26px}h2{font-size:20px;margin-top:32px}fieldset{border:1px solid #999;border-radius:8px;margin:12px 0;padding:12px}
legend{font-weight:700}button{font:inherit;font-weight:600;padding:8px 16px;border-radius:6px;border:2px solid #1f4e79;background:#1f4e79;color:#fff;cursor:pointer}
button.o{background:#fff;color:#1f4e79}:focus-visible{outline:3px solid #b45309;outline-offset:2px}
input[type=email],input[type=text]{font:inherit;padding:6px;border:1px solid #555;border-radius:4px}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{border-bottom:1px solid #ccc;padding:4px 6px;text-align:start}
.ok{background:#e7f5ec;border:1px solid #1b6b3a;padding:8px 12px;border-radius:6px}.err{background:#fdecea;border:1px solid #a4262c;padding:8px 12px;border-radius:6px}
.row{display:flex;gap:16px;flex-wrap:wrap;align-items:center}small{color:#333}
</style></head><body><main>${body}</main></body></html>`;
}

async function subjectStates(scope: WorkspaceScope, subject: string): Promise<Map<string, boolean>> {
  const rows = await scope
    .selectFrom('consent_state')
    .select(['notice_key', 'granted'])
    .where('subject', '=', subject)
    .execute();
  const out = new Map<string, boolean>();
  for (const r of rows) out.set(r.notice_key, (out.get(r.notice_key) ?? true) && r.granted);
  return out;
}

async function serviceStates(scope: WorkspaceScope, subject: string): Promise<Map<string, boolean>> {
  const rows = await scope
    .selectFrom('consent_service_state')
    .select(['service', 'granted'])
    .where('subject', '=', subject)
    .execute();
  return new Map(rows.map((r) => [r.service, r.granted]));
}

/** The services of a notice's cookie category, each a checkbox (ticked: allowed). */
function serviceList(services: ServiceFacts[], state: Map<string, boolean>): string {
  if (services.length === 0) return '';
  const items = services
    .map((s) => {
      const current = state.get(s.key);
      return `<li><label><input type="checkbox" name="service_${esc(s.key)}" value="yes"${current === false ? '' : ' checked'}> ${esc(s.name)}</label> <small>${current === undefined ? '' : current ? 'Currently allowed' : 'Currently refused'}</small></li>`;
    })
    .join('');
  return `<p>Services (untick one to refuse it while allowing the rest):</p><ul>${items}</ul>`;
}

async function choicesForm(
  scope: WorkspaceScope,
  which: 'device' | 'identity',
  subject: string,
): Promise<string> {
  const { program, purposes } = await currentConsentProgram(scope);
  const state = await subjectStates(scope, subject);
  const services = await serviceStates(scope, subject);
  const notices = program.doc.consent_notices.filter((n) => which === 'identity' || n.cookie_category);
  const shown = new Set<string>();
  const fields = notices
    .map((n) => {
      const current = state.get(n.key);
      const on = current ?? n.mechanism !== 'opt_in';
      const own = [...purposes.services.values()].filter((s) => s.notices.includes(n.key));
      for (const s of own) shown.add(s.key);
      return `<fieldset><legend>${esc(n.name)}</legend><p>${esc(n.description)}</p><div class="row">
<label><input type="radio" name="notice_${esc(n.key)}" value="yes"${on ? ' checked' : ''}> Allow</label>
<label><input type="radio" name="notice_${esc(n.key)}" value="no"${on ? '' : ' checked'}> Refuse</label>
<small>${current === undefined ? 'Not answered yet' : current ? 'Currently allowed' : 'Currently refused'}</small></div>${serviceList(own, services)}</fieldset>`;
    })
    .join('');
  return `<form method="post" action="/privacy-center/preferences"><input type="hidden" name="scope" value="${which}">
<input type="hidden" name="services_shown" value="${esc([...shown].join(' '))}">${fields}
<div class="row"><button type="submit">Save my choices</button></div></form>
<form method="post" action="/privacy-center/preferences/withdraw"><input type="hidden" name="scope" value="${which}"><p><button class="o" type="submit">Withdraw all consent</button></p></form>`;
}

async function historyTable(scope: WorkspaceScope, subject: string): Promise<string> {
  const proof = await consentHistory(scope, subject);
  const { purposes } = await currentConsentProgram(scope);
  const names = (keys: string[]) => keys.map((k) => purposes.notices.get(k)?.name ?? k).join(', ') || '—';
  const serviceNames = (services: Record<string, boolean> | null, allowed: boolean) =>
    Object.entries(services ?? {})
      .filter(([, v]) => v === allowed)
      .map(([k]) => purposes.services.get(k)?.name ?? k)
      .join(', ') || '—';
  if (proof.events.length === 0) return '<p>No choices recorded yet.</p>';
  const rows = proof.events
    .map(
      (e) =>
        `<tr><td>${esc(e.at.replace('T', ' ').slice(0, 19))} UTC</td><td>${esc(e.method.replace('_', ' '))}${e.gpc ? ' (GPC)' : ''}</td><td>${esc(names(e.granted))}</td><td>${esc(names(e.denied))}</td><td>${esc(serviceNames(e.services, true))}</td><td>${esc(serviceNames(e.services, false))}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>When</th><th>How</th><th>Allowed</th><th>Refused</th><th>Services allowed</th><th>Services refused</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const formSchema = z.record(z.string(), z.string());

async function readForm(c: Context): Promise<Record<string, string>> {
  const parsed = formSchema.safeParse(await c.req.parseBody().catch(() => ({})));
  return parsed.success ? parsed.data : {};
}

/** Public, server-rendered pages: preference center, subscription confirmation, unsubscribe. Work without JavaScript. */
export function registerConsentPages(app: Hono<AppEnv>): void {
  const device = (c: Context<AppEnv>): string => {
    const fromBanner = getCookie(c, 'custodian_consent');
    let id = getCookie(c, DEVICE);
    if (!id && fromBanner) {
      try {
        const d = (JSON.parse(fromBanner) as { d?: unknown }).d;
        if (typeof d === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(d)) id = d;
      } catch {}
    }
    if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) id = deviceId();
    setCookie(c, DEVICE, id, { path: '/', httpOnly: true, sameSite: 'Lax', maxAge: 31_536_000 });
    return id;
  };
  const scopeOf = (c: Context<AppEnv>) => publicWorkspace(c.get('services').store.db, c.req.query('site'));
  const verified = async (c: Context<AppEnv>, scope: WorkspaceScope) =>
    sessionAddress(scope, getCookie(c, SESSION), c.get('services').clock());

  app.get('/privacy-center/preferences', async (c) => {
    const scope = await scopeOf(c);
    const id = device(c);
    const email = await verified(c, scope);
    const notice = c.req.query('saved') ? '<p class="ok" role="status">Your choices are saved.</p>' : '';
    let identity = `<h2>Your choices for your e-mail address</h2>
<p>Prove that an address is yours and we e-mail you a one-time code.</p>
<form method="post" action="/privacy-center/preferences/email"><label>E-mail address <input type="email" name="email" required autocomplete="email"></label> <button type="submit">Send me a code</button></form>`;
    if (email) {
      const [check] = await checkSuppression(scope, [email], 'marketing');
      const subs = await scope
        .selectFrom('subscriptions')
        .select(['list', 'status'])
        .where('email', '=', email)
        .orderBy('list')
        .execute();
      identity = `<h2>Your choices for ${esc(email)}</h2>${await choicesForm(scope, 'identity', `email:${email}`)}
<h3>Marketing e-mail</h3><p>${subs.length ? subs.map((s) => `${esc(s.list)}: ${esc(s.status)}`).join('<br>') : 'No subscriptions.'}</p>
<form method="post" action="/privacy-center/preferences/suppression">${
        check?.allowed
          ? '<input type="hidden" name="action" value="stop"><button type="submit">Stop all marketing e-mail</button>'
          : '<p>All marketing e-mail to this address is blocked.</p><input type="hidden" name="action" value="resume"><button class="o" type="submit">Allow marketing e-mail again</button>'
      }</form>
<h3>History for ${esc(email)}</h3>${await historyTable(scope, `email:${email}`)}
<form method="post" action="/privacy-center/preferences/signout"><p><button class="o" type="submit">Sign out</button></p></form>`;
    }
    return c.html(
      page(
        'Privacy preferences',
        `<h1>Privacy preferences</h1>${notice}<h2>Your choices on this device</h2>${await choicesForm(scope, 'device', `device:${id}`)}
<h3>History on this device</h3>${await historyTable(scope, `device:${id}`)}${identity}`,
      ),
    );
  });

  const save = async (c: Context<AppEnv>, all?: false) => {
    const services = c.get('services');
    const scope = await scopeOf(c);
    const form = await readForm(c);
    const email = form.scope === 'identity' ? await verified(c, scope) : undefined;
    if (form.scope === 'identity' && !email) return c.redirect('/privacy-center/preferences', 303);
    const subject = email ? `email:${email}` : `device:${device(c)}`;
    const { program, purposes } = await currentConsentProgram(scope);
    const notices = program.doc.consent_notices.filter((n) => email || n.cookie_category);
    const choices: Record<string, boolean> = {};
    for (const n of notices) {
      if (all === false) choices[n.key] = false;
      else if (form[`notice_${n.key}`] === 'yes' || form[`notice_${n.key}`] === 'no')
        choices[n.key] = form[`notice_${n.key}`] === 'yes';
    }
    // The services the form showed, inside the notices allowed now: ticked is allowed.
    const serviceChoices: Record<string, boolean> = {};
    for (const key of (form.services_shown ?? '').split(' ')) {
      if (purposes.services.get(key)?.notices.some((n) => choices[n] === true))
        serviceChoices[key] = form[`service_${key}`] === 'yes';
    }
    if (Object.keys(choices).length) {
      await recordConsent(
        scope,
        {
          subject,
          choices,
          services: serviceChoices,
          method: 'preference_center',
          gpc: c.req.header('sec-gpc') === '1',
        },
        services.clock(),
        { ip: clientAddress(c), userAgent: c.req.header('user-agent') },
      );
    }
    return c.redirect('/privacy-center/preferences?saved=1', 303);
  };
  app.post('/privacy-center/preferences', (c) => save(c));
  app.post('/privacy-center/preferences/withdraw', (c) => save(c, false));

  app.post('/privacy-center/preferences/email', async (c) => {
    const services = c.get('services');
    const scope = await scopeOf(c);
    const form = await readForm(c);
    const email = form.email?.trim() ?? '';
    if (!isEmailAddress(email)) {
      return c.html(
        page(
          'Privacy preferences',
          `<h1>Privacy preferences</h1><p class="err" role="alert">“${esc(email)}” is not an e-mail address.</p><p><a href="/privacy-center/preferences">Back</a></p>`,
        ),
        422,
      );
    }
    await sendPreferenceCode(scope, email, services.mailer, services.clock());
    return c.html(
      page(
        'Enter your code',
        `<h1>Enter your code</h1><p>If ${esc(email)} can receive mail, a 6-digit code is on its way.</p>
<form method="post" action="/privacy-center/preferences/verify"><input type="hidden" name="email" value="${esc(email)}">
<label>Code <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" required pattern="[0-9]{6}"></label> <button type="submit">Verify</button></form>`,
      ),
    );
  });

  app.post('/privacy-center/preferences/verify', async (c) => {
    const services = c.get('services');
    const scope = await scopeOf(c);
    const form = await readForm(c);
    const token = await verifyPreferenceCode(scope, form.email ?? '', form.code ?? '', services.clock());
    if (!token) {
      return c.html(
        page(
          'Code not accepted',
          `<h1>Code not accepted</h1><p class="err" role="alert">The code is wrong or has expired.</p><p><a href="/privacy-center/preferences">Start again</a></p>`,
        ),
        400,
      );
    }
    setCookie(c, SESSION, token, {
      path: '/privacy-center',
      httpOnly: true,
      sameSite: 'Strict',
      maxAge: 7200,
    });
    return c.redirect('/privacy-center/preferences', 303);
  });

  app.post('/privacy-center/preferences/suppression', async (c) => {
    const services = c.get('services');
    const scope = await scopeOf(c);
    const email = await verified(c, scope);
    if (!email) return c.redirect('/privacy-center/preferences', 303);
    const form = await readForm(c);
    // Only the person, proven by the code, lifts a suppression: no API call can.
    if (form.action === 'resume') await liftSuppressionBySubject(scope, email);
    else
      await suppressAddresses(
        scope,
        [email],
        { reason: 'preference_center', source: 'subject' },
        services.clock(),
      );
    return c.redirect('/privacy-center/preferences?saved=1', 303);
  });

  app.post('/privacy-center/preferences/signout', (c) => {
    setCookie(c, SESSION, '', { path: '/privacy-center', maxAge: 0 });
    return c.redirect('/privacy-center/preferences', 303);
  });

  const tokenPage = (title: string, text: string, action: string, token: string, site: string) =>
    page(
      title,
      `<h1>${esc(title)}</h1><p>${esc(text)}</p><form method="post" action="${action}?s=${esc(site)}&amp;t=${esc(token)}"><button type="submit">${esc(title)}</button></form>`,
    );

  app.get('/consent/subscriptions/confirm', (c) =>
    c.html(
      tokenPage(
        'Confirm subscription',
        'Confirm that you want to receive these e-mails.',
        '/consent/subscriptions/confirm',
        c.req.query('t') ?? '',
        c.req.query('s') ?? '',
      ),
    ),
  );
  app.post('/consent/subscriptions/confirm', async (c) => {
    const scope = await publicWorkspace(c.get('services').store.db, c.req.query('s'));
    const done = await confirmSubscription(scope, c.req.query('t') ?? '', c.get('services').clock());
    if (!done)
      return c.html(
        page(
          'Link not valid',
          '<h1>Link not valid</h1><p>This confirmation link was already used or is not valid.</p>',
        ),
        410,
      );
    return c.html(
      page(
        'Subscribed',
        `<h1>Subscribed</h1><p class="ok" role="status">You are subscribed to ${esc(done.list)}. Every e-mail has a link to unsubscribe.</p>`,
      ),
    );
  });

  app.get('/consent/unsubscribe', (c) =>
    c.html(
      tokenPage(
        'Unsubscribe',
        'Stop receiving these e-mails.',
        '/consent/unsubscribe',
        c.req.query('t') ?? '',
        c.req.query('s') ?? '',
      ),
    ),
  );
  // RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" to the link.
  app.post('/consent/unsubscribe', async (c) => {
    const scope = await publicWorkspace(c.get('services').store.db, c.req.query('s'));
    const done = await unsubscribe(scope, c.req.query('t') ?? '', c.get('services').clock());
    if (!done)
      return c.html(
        page('Link not valid', '<h1>Link not valid</h1><p>This unsubscribe link is not valid.</p>'),
        400,
      );
    return c.html(
      page(
        'Unsubscribed',
        `<h1>Unsubscribed</h1><p class="ok" role="status">You will receive no more ${esc(done.list)} e-mails.</p>`,
      ),
    );
  });
}
