import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { findDefaultWorkspace } from '../../governance/default-workspace.ts';
import { loadClaromentis, withNewSubProcessor } from '../../notice/fixtures/claromentis.ts';
import { listNoticeNotifications } from '../../notice/notifications/list-notice-notifications.ts';
import type { Program, ProgramBundle } from '../../program/load-program.ts';
import type { Store } from '../../store/open-store.ts';
import { mailText, type ReceivedMail, startTestSmtp, type TestSmtp } from '../../testing/smtp.ts';
import { memoryStore } from '../../testing/store.ts';
import { type RunningServer, startServer } from '../server.ts';

/**
 * Subscribing to notice changes from the published page, through the real HTTP server:
 * double opt-in by email, same-origin form posts only, size and rate limits, and an
 * unsubscribe link (and RFC 8058 one-click) in every notification.
 */
let store: Store;
let smtp: TestSmtp;
let server: RunningServer;
let claromentis: Program;
let now = new Date('2025-03-01T10:00:00Z');

before(async () => {
  store = await memoryStore();
  smtp = await startTestSmtp();
  server = await startServer({
    port: 0,
    store,
    mailer: smtp.mailer,
    jobs: false,
    clock: () => now,
    log: () => {},
  });
  claromentis = await loadClaromentis();
  claromentis.doc.notice = { ...claromentis.doc.notice!, languages: ['en', 'fr'] };
  await publish({ program: claromentis.doc, datasets: claromentis.datasets });
});
after(async () => {
  await server.close();
  await smtp.close();
  await store.close();
});

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.ownerKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return res.json() as Promise<Record<string, unknown>>;
}

async function publish(bundle: ProgramBundle) {
  await api('POST', '/api/programs', bundle);
  return api('POST', '/api/notice/versions', {});
}

/** A form post as a browser sends it from our own page (or from `origin`). */
function postForm(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: server.url,
      'sec-fetch-site': 'same-origin',
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
  });
}

const mailsTo = (address: string, subject?: RegExp) =>
  smtp.messages.filter((m) => m.to.includes(address) && (!subject || subject.test(m.subject)));

function linkIn(mail: ReceivedMail, path: string): string {
  const url = new RegExp(`https?://[^\\s]+${path.replace(/\//g, '\\/')}\\?[^\\s]+`).exec(mailText(mail))?.[0];
  assert.ok(url, `no ${path} link in:\n${mailText(mail)}`);
  return url;
}

test('the published notice carries the form, under the same strict CSP', async () => {
  const res = await fetch(`${server.url}/privacy?lang=fr`);
  assert.equal(res.status, 200);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /form-action 'self'/);
  const html = await res.text();
  assert.match(html, /<form method="post" action="\/privacy\/subscribe">/);
  assert.match(html, /<input type="hidden" name="lang" value="fr">/);
  assert.match(html, /<label for="subscribe-email">Adresse e-mail<\/label>/);
  assert.match(html, /<input id="subscribe-email" type="email" name="email" required/);
  assert.doesNotMatch(html, /<script|style="/);
  // An old version is a record: no form on it once a newer one exists (checked below, after v2).
});

test('subscribe from the page, confirm from the email, be told of the next change, leave in one click', async () => {
  const reader = 'Lecteur@Example.org';
  const res = await postForm('/privacy/subscribe', { email: reader, lang: 'fr' });
  assert.equal(res.status, 200);
  const page = await res.text();
  assert.match(page, /<html lang="fr">/);
  assert.match(page, /Consultez votre messagerie/);
  assert.match(page, /Si Lecteur@Example\.org peut recevoir des messages/, 'the address as typed');
  const confirmation = await smtp.waitFor((m) => m.to.includes('lecteur@example.org'));
  assert.match(confirmation.subject, /^Confirmez : .*Claromentis/);
  const confirmUrl = linkIn(confirmation, '/privacy/subscribe/confirm');
  assert.match(confirmUrl, /&lang=fr$/);

  // Asking again at once: the same answer, no second mail.
  assert.equal((await postForm('/privacy/subscribe', { email: reader, lang: 'fr' })).status, 200);
  assert.equal(mailsTo('lecteur@example.org').length, 1);

  // Until the link is opened, a material change tells them nothing.
  now = new Date('2025-03-02T10:00:00Z');
  await publish(withNewSubProcessor(claromentis));
  const scope = (await findDefaultWorkspace(store.db))!;
  const v2Log = await listNoticeNotifications(scope, { version: 2 });
  assert.ok(v2Log.length > 0, 'business customers are told');
  assert.ok(!v2Log.some((n) => n.recipient === 'lecteur@example.org'), 'a pending address is not');
  const old = await (await fetch(`${server.url}/privacy/v/1`)).text();
  assert.doesNotMatch(old, /action="\/privacy\/subscribe"/, 'no form on a superseded version');
  assert.match(await (await fetch(`${server.url}/privacy/v/2`)).text(), /action="\/privacy\/subscribe"/);

  // Opening the link shows one button (a link scanner confirms nothing); pressing it confirms.
  const confirmPage = await fetch(confirmUrl.replace(/^https?:\/\/[^/]+/, server.url));
  const confirmHtml = await confirmPage.text();
  assert.match(confirmHtml, /<h1>Confirmez votre abonnement<\/h1>/);
  const token = /name="t" value="([^"]+)"/.exec(confirmHtml)?.[1];
  assert.ok(token);
  const confirmed = await postForm('/privacy/subscribe/confirm?lang=fr', { t: token });
  assert.equal(confirmed.status, 200);
  assert.match(await confirmed.text(), /Vous êtes abonné/);
  const again = await postForm('/privacy/subscribe/confirm?lang=fr', { t: token });
  assert.equal(again.status, 410, 'the link works once');

  // The next material change reaches them, in their language, with a way out.
  now = new Date('2025-04-01T10:00:00Z');
  const doc = structuredClone(withNewSubProcessor(claromentis).program);
  const quotes = doc.activities.find((a) => a.key === 'quote_requests')!;
  quotes.retention = { ...quotes.retention!, period: 'P7Y' };
  await publish({ program: doc, datasets: claromentis.datasets });
  const notification = await smtp.waitFor(
    (m) => m.to.includes('lecteur@example.org') && /version 3/.test(m.subject),
  );
  assert.match(mailText(notification), /\/privacy\/v\/3\?lang=fr/);
  const stop = linkIn(notification, '/privacy/unsubscribe');
  const headers = notification.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  assert.ok(headers.includes(`\nList-Unsubscribe: <${stop}>`), headers);
  assert.match(headers, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);

  // The unsubscribe page is one button; the mail client's one-click POST needs no page at all.
  const stopPage = await (await fetch(stop.replace(/^https?:\/\/[^/]+/, server.url))).text();
  assert.match(stopPage, /<button type="submit">Me désabonner<\/button>/);
  const oneClick = await fetch(stop.replace(/^https?:\/\/[^/]+/, server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  assert.equal(oneClick.status, 200);
  assert.match(await oneClick.text(), /Vous êtes désabonné/);

  now = new Date('2025-05-01T10:00:00Z');
  const later = structuredClone(doc);
  later.activities.find((a) => a.key === 'quote_requests')!.retention!.period = 'P9Y';
  await publish({ program: later, datasets: claromentis.datasets });
  assert.ok(
    !(await listNoticeNotifications(scope, { version: 4 })).some(
      (n) => n.recipient === 'lecteur@example.org',
    ),
  );
  assert.equal(
    mailsTo('lecteur@example.org').length,
    2,
    'the confirmation and version 3: nothing after leaving',
  );

  // A token altered by one character is refused.
  const stopToken = new URL(stop).searchParams.get('t')!;
  const altered = `${stopToken.slice(0, -1)}${stopToken.endsWith('A') ? 'B' : 'A'}`;
  const forged = await fetch(`${server.url}/privacy/unsubscribe?t=${encodeURIComponent(altered)}`, {
    method: 'POST',
  });
  assert.equal(forged.status, 400);
  assert.match(await forged.text(), /not valid/);
});

test('a form posted from another site is refused, and nobody is mailed', async () => {
  const before = smtp.messages.length;
  const attempts: Record<string, string>[] = [
    { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    { origin: 'https://evil.example' },
    { origin: 'null', 'sec-fetch-site': 'cross-site' },
  ];
  for (const headers of attempts) {
    const res = await postForm('/privacy/subscribe', { email: 'victim@example.org', lang: 'en' }, headers);
    assert.equal(res.status, 403, JSON.stringify(headers));
    assert.match(await res.text(), /This form can only be sent from the privacy notice page/);
  }
  assert.equal(smtp.messages.length, before);
});

test('a mistyped address comes back with the form refilled; oversized bodies and floods are refused', async () => {
  const bad = await postForm('/privacy/subscribe', { email: 'not an address <b>', lang: 'en' });
  assert.equal(bad.status, 422);
  const html = await bad.text();
  assert.match(html, /<p class="field-error" id="subscribe-error" role="alert">Enter an email address/);
  assert.match(html, /aria-invalid="true" value="not an address &lt;b&gt;"/);

  const huge = await postForm('/privacy/subscribe', {
    email: `${'a'.repeat(10_000)}@example.org`,
    lang: 'en',
  });
  assert.equal(huge.status, 413);
  assert.match(await huge.text(), /too large/);

  // Ten attempts an hour from one connection; the eleventh waits.
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) {
    statuses.push(
      (await postForm('/privacy/subscribe', { email: `flood${i}@example.org`, lang: 'en' })).status,
    );
  }
  assert.ok(statuses.includes(429), statuses.join(','));
  const limited = await postForm('/privacy/subscribe', { email: 'one-more@example.org', lang: 'en' });
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
  assert.equal(mailsTo('one-more@example.org').length, 0);
  const apiLimited = await fetch(`${server.url}/api/notice/subscribers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'api@example.org' }),
  });
  assert.equal(apiLimited.status, 429, 'the API shares the limit');
});

test('each subscriber is mailed in the language of the page they subscribed from, or the first one published', async () => {
  now = new Date('2025-06-01T10:00:00Z');
  const program = structuredClone(withNewSubProcessor(claromentis).program);
  program.notice = { ...program.notice!, languages: ['en', 'fr', 'de'] };
  const quotes = program.activities.find((a) => a.key === 'quote_requests')!;
  quotes.retention = { ...quotes.retention!, period: 'P10Y' };
  await publish({ program, datasets: claromentis.datasets });

  // Subscribing from /privacy?lang=de: the confirmation is German, its link leads to German pages.
  assert.equal(
    (await postForm('/privacy/subscribe', { email: 'leser@example.org', lang: 'de' })).status,
    200,
  );
  assert.equal(
    (await postForm('/privacy/subscribe', { email: 'reader@example.org', lang: 'en' })).status,
    200,
  );
  const german = await smtp.waitFor((m) => m.to.includes('leser@example.org'));
  assert.match(german.subject, /^Bestätigen: E-Mail bei Änderungen der Datenschutzerklärung von Claromentis/);
  assert.match(mailText(german), /Zum Bestätigen öffnen Sie innerhalb von 7 Tagen diesen Link/);
  const english = await smtp.waitFor((m) => m.to.includes('reader@example.org'));
  assert.match(english.subject, /^Confirm: email me when the Claromentis privacy notice changes/);
  for (const [mail, lang] of [
    [german, 'de'],
    [english, 'en'],
  ] as const) {
    const link = linkIn(mail, '/privacy/subscribe/confirm');
    assert.match(link, new RegExp(`&lang=${lang}$`));
    const token = new URL(link).searchParams.get('t')!;
    const confirmed = await postForm(`/privacy/subscribe/confirm?lang=${lang}`, { t: token });
    assert.equal(confirmed.status, 200);
  }

  // A material change: each is told in their own language, links and way out included.
  now = new Date('2025-07-01T10:00:00Z');
  quotes.retention.period = 'P11Y';
  const v = (await publish({ program, datasets: claromentis.datasets })).version as { version: number };
  const de = await smtp.waitFor((m) => m.to.includes('leser@example.org') && m !== german);
  assert.match(
    de.subject,
    new RegExp(
      `^Claromentis: Änderungen unserer Datenschutzerklärung \\(Version ${v.version}, gültig ab 1\\. Juli 2025\\)$`,
    ),
  );
  const deText = mailText(de);
  assert.match(
    deText,
    new RegExp(`Claromentis hat Version ${v.version} seiner Datenschutzerklärung veröffentlicht`),
  );
  const deChange = /Was sich ändert:\r?\n(- .*)/.exec(deText)?.[1] ?? '';
  assert.match(
    deChange,
    /^- „[^“]*quote[^“]*“: Speicherdauer: bisher „[^“]+“ \(P10Y\), jetzt „[^“]+“ \(P11Y\) \(Daten werden länger gespeichert als bisher\)$/i,
    'Custodian’s words about the change in German, the activity’s name and retention wording as written',
  );
  assert.doesNotMatch(deChange, /changed from|kept longer/);
  assert.match(deText, new RegExp(`Die neue Erklärung lesen: \\S+/privacy/v/${v.version}\\?lang=de\\s`));
  assert.match(deText, /Alle Änderungen ansehen: \S+&lang=de\s/);
  assert.match(linkIn(de, '/privacy/unsubscribe'), /&lang=de$/);
  assert.match(deText, /Diese E-Mails abbestellen: /);
  assert.doesNotMatch(deText, /What changes|Read the new notice|Stop these emails|You receive this/);
  const en = await smtp.waitFor((m) => m.to.includes('reader@example.org') && m !== english);
  assert.match(
    en.subject,
    new RegExp(
      `^Claromentis: changes to our privacy notice \\(version ${v.version}, effective July 1, 2025\\)$`,
    ),
  );
  assert.match(mailText(en), new RegExp(`Read the new notice: \\S+/privacy/v/${v.version}\\?lang=en\\s`));
  assert.match(mailText(en), /Stop these emails: /);
  const scope = (await findDefaultWorkspace(store.db))!;
  const log = await listNoticeNotifications(scope, { version: v.version });
  assert.deepEqual(
    log
      .filter((n) => n.audience === 'subscriber')
      .map((n) => [n.recipient, n.status, n.lang])
      .sort(),
    [
      ['leser@example.org', 'sent', 'de'],
      ['reader@example.org', 'sent', 'en'],
    ],
  );
  const listed = (await api('GET', `/api/notice/notifications?version=${v.version}`)) as {
    notifications: { recipient: string; lang: string }[];
  };
  assert.equal(listed.notifications.find((n) => n.recipient === 'leser@example.org')?.lang, 'de');

  // German is no longer published, French comes first: the German subscriber gets French, whole.
  now = new Date('2025-08-01T10:00:00Z');
  program.notice = { ...program.notice!, languages: ['fr', 'en'] };
  quotes.retention.period = 'P12Y';
  const w = (await publish({ program, datasets: claromentis.datasets })).version as { version: number };
  const fallback = await smtp.waitFor(
    (m) => m.to.includes('leser@example.org') && m.subject.includes(`(version ${w.version},`),
  );
  assert.match(fallback.subject, /^Claromentis : modifications de notre politique de confidentialité/);
  const fallbackText = mailText(fallback);
  assert.match(fallbackText, /Ce qui change :/);
  assert.match(fallbackText, new RegExp(`/privacy/v/${w.version}\\?lang=fr\\s`));
  assert.match(linkIn(fallback, '/privacy/unsubscribe'), /&lang=fr$/);
  assert.doesNotMatch(fallbackText, /Was sich ändert|Stop these emails|lang=de/);
  const still = await smtp.waitFor(
    (m) => m.to.includes('reader@example.org') && m.subject.includes(`(version ${w.version},`),
  );
  assert.match(still.subject, /^Claromentis: changes to our privacy notice/);
  assert.deepEqual(
    (await listNoticeNotifications(scope, { version: w.version }))
      .filter((n) => n.audience === 'subscriber')
      .map((n) => [n.recipient, n.lang])
      .sort(),
    [
      ['leser@example.org', 'fr'],
      ['reader@example.org', 'en'],
    ],
  );
});
