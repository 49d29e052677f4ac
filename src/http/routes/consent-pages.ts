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
import { consentMethods, recordConsent } from '../../consent/record-consent.ts';
import { confirmSubscription, unsubscribe } from '../../consent/subscriptions.ts';
import { checkSuppression, liftSuppressionBySubject, suppressAddresses } from '../../consent/suppression.ts';
import { isEmailAddress } from '../../consent/workspace-secret.ts';
import { escapeHtml } from '../../escape-html.ts';
import type { MessageKey } from '../../notice/i18n/en.ts';
import { createTranslator, type NoticeLanguage, type Translator } from '../../notice/i18n/translator.ts';
import { chooseLanguage, programNoticeLanguages } from '../../notice/notice-languages.ts';
import { languageSwitcher } from '../../notice/notice-page.ts';
import { languageSwitcherStyles } from '../../notice/notice-stylesheet.ts';
import { withLang } from '../../requests/privacy-center-pages.ts';
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

/**
 * The preference center's language, as the privacy center's: ?lang= when the program publishes
 * in it, else Accept-Language among the published languages, else the first. Its forms and
 * redirects carry `?lang=` on.
 */
interface PrefPage {
  lang: NoticeLanguage;
  languages: NoticeLanguage[];
  t: Translator['t'];
}

async function prefPage(c: Context<AppEnv>, scope: WorkspaceScope): Promise<PrefPage> {
  const { program } = await currentConsentProgram(scope);
  const languages = programNoticeLanguages(program.doc);
  const { lang } = chooseLanguage(c.req.query('lang'), c.req.header('accept-language'), languages);
  c.header('Content-Language', lang);
  c.header('Vary', 'Accept-Language');
  return { lang, languages, t: createTranslator(lang).t };
}

/** A preference-center path in the page's language. */
const at = (p: PrefPage, path: string) => esc(withLang(path, p.lang));

/** A public page; its language switcher leads to `path` (a GET page) in each published language. */
function page(p: PrefPage, title: string, body: string, path = '/privacy-center/preferences'): string {
  const switcher = languageSwitcher(p.lang, p.languages, (l) => withLang(path, l));
  return `<!doctype html><html lang="${p.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>
body{font:16px/1.5 system-ui,sans-serif;color:#111;max-width:760px;margin:32px auto;padding:0 16px}
h1{font-size:26px}h2{font-size:20px;margin-top:32px}fieldset{border:1px solid #999;border-radius:8px;margin:12px 0;padding:12px}
legend{font-weight:700}button{font:inherit;font-weight:600;padding:8px 16px;border-radius:6px;border:2px solid #1f4e79;background:#1f4e79;color:#fff;cursor:pointer}
button.o{background:#fff;color:#1f4e79}:focus-visible{outline:3px solid #b45309;outline-offset:2px}
input[type=email],input[type=text]{font:inherit;padding:6px;border:1px solid #555;border-radius:4px}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{border-bottom:1px solid #ccc;padding:4px 6px;text-align:start}
.ok{background:#e7f5ec;border:1px solid #1b6b3a;padding:8px 12px;border-radius:6px}.err{background:#fdecea;border:1px solid #a4262c;padding:8px 12px;border-radius:6px}
.row{display:flex;gap:16px;flex-wrap:wrap;align-items:center}small{color:#333}
header{--brand:#1f4e79;background:var(--brand);display:flex;padding:6px 12px;border-radius:8px}
${languageSwitcherStyles}
</style></head><body>${switcher ? `<header>${switcher}</header>` : ''}<main>${body}</main></body></html>`;
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
function serviceList(p: PrefPage, services: ServiceFacts[], state: Map<string, boolean>): string {
  if (services.length === 0) return '';
  const items = services
    .map((s) => {
      const current = state.get(s.key);
      return `<li><label><input type="checkbox" name="service_${esc(s.key)}" value="yes"${current === false ? '' : ' checked'}> ${esc(s.name)}</label> <small>${current === undefined ? '' : esc(p.t(current ? 'prefs.currentlyAllowed' : 'prefs.currentlyRefused'))}</small></li>`;
    })
    .join('');
  return `<p>${esc(p.t('prefs.services'))}</p><ul>${items}</ul>`;
}

async function choicesForm(
  p: PrefPage,
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
<label><input type="radio" name="notice_${esc(n.key)}" value="yes"${on ? ' checked' : ''}> ${esc(p.t('prefs.allow'))}</label>
<label><input type="radio" name="notice_${esc(n.key)}" value="no"${on ? '' : ' checked'}> ${esc(p.t('prefs.refuse'))}</label>
<small>${esc(p.t(current === undefined ? 'prefs.notAnswered' : current ? 'prefs.currentlyAllowed' : 'prefs.currentlyRefused'))}</small></div>${serviceList(p, own, services)}</fieldset>`;
    })
    .join('');
  return `<form method="post" action="${at(p, '/privacy-center/preferences')}"><input type="hidden" name="scope" value="${which}">
<input type="hidden" name="services_shown" value="${esc([...shown].join(' '))}">${fields}
<div class="row"><button type="submit">${esc(p.t('prefs.save'))}</button></div></form>
<form method="post" action="${at(p, '/privacy-center/preferences/withdraw')}"><input type="hidden" name="scope" value="${which}"><p><button class="o" type="submit">${esc(p.t('prefs.withdraw'))}</button></p></form>`;
}

/** How a choice was made, in the page's language (a method this version does not know: as stored). */
function methodName(p: PrefPage, method: string): string {
  return (consentMethods as readonly string[]).includes(method)
    ? p.t(`prefs.method.${method as (typeof consentMethods)[number]}`)
    : method.replace('_', ' ');
}

async function historyTable(p: PrefPage, scope: WorkspaceScope, subject: string): Promise<string> {
  const proof = await consentHistory(scope, subject);
  const { purposes } = await currentConsentProgram(scope);
  const names = (keys: string[]) => keys.map((k) => purposes.notices.get(k)?.name ?? k).join(', ') || '—';
  const serviceNames = (services: Record<string, boolean> | null, allowed: boolean) =>
    Object.entries(services ?? {})
      .filter(([, v]) => v === allowed)
      .map(([k]) => purposes.services.get(k)?.name ?? k)
      .join(', ') || '—';
  if (proof.events.length === 0) return `<p>${esc(p.t('prefs.noHistory'))}</p>`;
  const rows = proof.events
    .map(
      (e) =>
        `<tr><td>${esc(e.at.replace('T', ' ').slice(0, 19))} UTC</td><td>${esc(methodName(p, e.method))}${e.gpc ? ' (GPC)' : ''}</td><td>${esc(names(e.granted))}</td><td>${esc(names(e.denied))}</td><td>${esc(serviceNames(e.services, true))}</td><td>${esc(serviceNames(e.services, false))}</td></tr>`,
    )
    .join('');
  const head = (
    [
      'prefs.when',
      'prefs.how',
      'prefs.allowed',
      'prefs.refused',
      'prefs.servicesAllowed',
      'prefs.servicesRefused',
    ] as const
  )
    .map((k) => `<th>${esc(p.t(k))}</th>`)
    .join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
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
    const p = await prefPage(c, scope);
    const { t } = p;
    const id = device(c);
    const email = await verified(c, scope);
    const notice = c.req.query('saved') ? `<p class="ok" role="status">${esc(t('prefs.saved'))}</p>` : '';
    let identity = `<h2>${esc(t('prefs.emailHeading'))}</h2>
<p>${esc(t('prefs.emailIntro'))}</p>
<form method="post" action="${at(p, '/privacy-center/preferences/email')}"><label>${esc(t('prefs.emailLabel'))} <input type="email" name="email" required autocomplete="email"></label> <button type="submit">${esc(t('prefs.sendCode'))}</button></form>`;
    if (email) {
      const [check] = await checkSuppression(scope, [email], 'marketing');
      const subs = await scope
        .selectFrom('subscriptions')
        .select(['list', 'status'])
        .where('email', '=', email)
        .orderBy('list')
        .execute();
      identity = `<h2>${esc(t('prefs.choicesFor', { email }))}</h2>${await choicesForm(p, scope, 'identity', `email:${email}`)}
<h3>${esc(t('prefs.marketing'))}</h3><p>${subs.length ? subs.map((s) => `${esc(s.list)}: ${esc(t(`prefs.subscription.${s.status}`))}`).join('<br>') : esc(t('prefs.noSubscriptions'))}</p>
<form method="post" action="${at(p, '/privacy-center/preferences/suppression')}">${
        check?.allowed
          ? `<input type="hidden" name="action" value="stop"><button type="submit">${esc(t('prefs.stopMarketing'))}</button>`
          : `<p>${esc(t('prefs.blocked'))}</p><input type="hidden" name="action" value="resume"><button class="o" type="submit">${esc(t('prefs.resumeMarketing'))}</button>`
      }</form>
<h3>${esc(t('prefs.historyFor', { email }))}</h3>${await historyTable(p, scope, `email:${email}`)}
<form method="post" action="${at(p, '/privacy-center/preferences/signout')}"><p><button class="o" type="submit">${esc(t('prefs.signOut'))}</button></p></form>`;
    }
    return c.html(
      page(
        p,
        t('prefs.title'),
        `<h1>${esc(t('prefs.title'))}</h1>${notice}<h2>${esc(t('prefs.device'))}</h2>${await choicesForm(p, scope, 'device', `device:${id}`)}
<h3>${esc(t('prefs.deviceHistory'))}</h3>${await historyTable(p, scope, `device:${id}`)}${identity}`,
      ),
    );
  });

  const save = async (c: Context<AppEnv>, all?: false) => {
    const services = c.get('services');
    const scope = await scopeOf(c);
    const p = await prefPage(c, scope);
    const form = await readForm(c);
    const email = form.scope === 'identity' ? await verified(c, scope) : undefined;
    if (form.scope === 'identity' && !email)
      return c.redirect(withLang('/privacy-center/preferences', p.lang), 303);
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
    return c.redirect(withLang('/privacy-center/preferences?saved=1', p.lang), 303);
  };
  app.post('/privacy-center/preferences', (c) => save(c));
  app.post('/privacy-center/preferences/withdraw', (c) => save(c, false));

  app.post('/privacy-center/preferences/email', async (c) => {
    const services = c.get('services');
    const scope = await scopeOf(c);
    const p = await prefPage(c, scope);
    const { t } = p;
    const form = await readForm(c);
    const email = form.email?.trim() ?? '';
    if (!isEmailAddress(email)) {
      return c.html(
        page(
          p,
          t('prefs.title'),
          `<h1>${esc(t('prefs.title'))}</h1><p class="err" role="alert">${esc(t('prefs.notAnEmail', { email }))}</p><p><a href="${at(p, '/privacy-center/preferences')}">${esc(t('prefs.back'))}</a></p>`,
        ),
        422,
      );
    }
    await sendPreferenceCode(scope, email, services.mailer, services.clock(), p.lang);
    return c.html(
      page(
        p,
        t('prefs.codeTitle'),
        `<h1>${esc(t('prefs.codeTitle'))}</h1><p>${esc(t('prefs.codeSent', { email }))}</p>
<form method="post" action="${at(p, '/privacy-center/preferences/verify')}"><input type="hidden" name="email" value="${esc(email)}">
<label>${esc(t('prefs.codeLabel'))} <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" required pattern="[0-9]{6}"></label> <button type="submit">${esc(t('prefs.verify'))}</button></form>`,
      ),
    );
  });

  app.post('/privacy-center/preferences/verify', async (c) => {
    const services = c.get('services');
    const scope = await scopeOf(c);
    const p = await prefPage(c, scope);
    const { t } = p;
    const form = await readForm(c);
    const token = await verifyPreferenceCode(scope, form.email ?? '', form.code ?? '', services.clock());
    if (!token) {
      return c.html(
        page(
          p,
          t('prefs.codeRejectedTitle'),
          `<h1>${esc(t('prefs.codeRejectedTitle'))}</h1><p class="err" role="alert">${esc(t('prefs.codeRejected'))}</p><p><a href="${at(p, '/privacy-center/preferences')}">${esc(t('prefs.startAgain'))}</a></p>`,
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
    return c.redirect(withLang('/privacy-center/preferences', p.lang), 303);
  });

  app.post('/privacy-center/preferences/suppression', async (c) => {
    const services = c.get('services');
    const scope = await scopeOf(c);
    const p = await prefPage(c, scope);
    const email = await verified(c, scope);
    if (!email) return c.redirect(withLang('/privacy-center/preferences', p.lang), 303);
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
    return c.redirect(withLang('/privacy-center/preferences?saved=1', p.lang), 303);
  });

  app.post('/privacy-center/preferences/signout', async (c) => {
    const p = await prefPage(c, await scopeOf(c));
    setCookie(c, SESSION, '', { path: '/privacy-center', maxAge: 0 });
    return c.redirect(withLang('/privacy-center/preferences', p.lang), 303);
  });

  /**
   * The subscription pages (/consent/…) are in the page language as the preference center's;
   * the links in the mails carry `lang`, and the form posts keep it.
   */
  const linkPage = async (c: Context<AppEnv>) => {
    const site = c.req.query('s') ?? '';
    const token = c.req.query('t') ?? '';
    const scope = await publicWorkspace(c.get('services').store.db, c.req.query('s'));
    return {
      scope,
      p: await prefPage(c, scope),
      query: `?s=${encodeURIComponent(site)}&t=${encodeURIComponent(token)}`,
    };
  };
  const tokenPage = async (c: Context<AppEnv>, action: string, title: MessageKey, text: MessageKey) => {
    const { p, query } = await linkPage(c);
    return c.html(
      page(
        p,
        p.t(title),
        `<h1>${esc(p.t(title))}</h1><p>${esc(p.t(text))}</p><form method="post" action="${at(p, `${action}${query}`)}"><button type="submit">${esc(p.t(title))}</button></form>`,
        `${action}${query}`,
      ),
    );
  };
  const resultPage = (
    c: Context<AppEnv>,
    p: PrefPage,
    title: MessageKey,
    html: string,
    status: 200 | 400 | 410 = 200,
  ) => c.html(page(p, p.t(title), `<h1>${esc(p.t(title))}</h1>${html}`), status);

  app.get('/consent/subscriptions/confirm', (c) =>
    tokenPage(c, '/consent/subscriptions/confirm', 'subs.confirmTitle', 'subs.confirmText'),
  );
  app.post('/consent/subscriptions/confirm', async (c) => {
    const { scope, p } = await linkPage(c);
    const done = await confirmSubscription(scope, c.req.query('t') ?? '', c.get('services').clock());
    if (!done) return resultPage(c, p, 'subs.invalidTitle', `<p>${esc(p.t('subs.confirmInvalid'))}</p>`, 410);
    return resultPage(
      c,
      p,
      'subs.subscribedTitle',
      `<p class="ok" role="status">${esc(p.t('subs.subscribed', { list: done.list }))}</p>`,
    );
  });

  app.get('/consent/unsubscribe', (c) =>
    tokenPage(c, '/consent/unsubscribe', 'subs.unsubscribeTitle', 'subs.unsubscribeText'),
  );
  // RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" to the link.
  app.post('/consent/unsubscribe', async (c) => {
    const { scope, p } = await linkPage(c);
    const done = await unsubscribe(scope, c.req.query('t') ?? '', c.get('services').clock());
    if (!done)
      return resultPage(c, p, 'subs.invalidTitle', `<p>${esc(p.t('subs.unsubscribeInvalid'))}</p>`, 400);
    return resultPage(
      c,
      p,
      'subs.unsubscribedTitle',
      `<p class="ok" role="status">${esc(p.t('subs.unsubscribed', { list: done.list }))}</p>`,
    );
  });
}
