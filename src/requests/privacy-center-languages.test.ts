import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mailText, type ReceivedMail } from '../testing/smtp.ts';
import { type RequestHarness, requestHarness, requestProgramBundle } from './testing/request-fixture.ts';

/** Pushes the request program publishing its notice in `languages`, in that order. */
async function publishIn(h: RequestHarness, languages: string[]) {
  const bundle = await requestProgramBundle({ notice: { languages } });
  const res = await h.request('POST', '/api/programs', bundle);
  assert.ok(res.status < 300, await res.text());
}

const linkIn = (mail: ReceivedMail, path: string) =>
  mailText(mail).match(new RegExp(`http://privacy\\.test${path}\\S*`))?.[0] ?? '';

describe('privacy center and its mails in the languages the program publishes (PGlite, real SMTP)', () => {
  let h: RequestHarness;
  before(async () => {
    h = await requestHarness();
    await publishIn(h, ['en', 'fr', 'de']);
  });
  after(async () => {
    await h.close();
  });

  const form = (fields: Record<string, string>) => {
    const body = new FormData();
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    return body;
  };

  test('a request made on the German page: German pages, German mails with German links', async () => {
    const page = await h.app.request('/privacy-center?lang=de');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-language'), 'de');
    const html = await page.text();
    assert.match(html, /<html lang="de">/);
    assert.match(html, /<h1>Datenschutzanfrage stellen<\/h1>/);
    assert.match(html, /<label for="email">Ihre E-Mail-Adresse<\/label>/);
    assert.match(html, /Meine personenbezogenen Daten löschen/);
    assert.match(html, /<option value="gdpr" selected>Europäischer Wirtschaftsraum \(DSGVO\)<\/option>/);
    assert.match(html, /action="\/privacy-center\/requests\?lang=de"/);
    assert.match(html, /<a href="\/privacy-center\?lang=fr" hreflang="fr" lang="fr">Français<\/a>/);
    assert.match(html, /<a href="\/privacy-center\?lang=de" hreflang="de" lang="de" aria-current="true">/);
    assert.doesNotMatch(html, /Make a privacy request|Your email address|Send request/);

    // A mistake comes back in German, the switcher leading to the form, not to the post.
    const invalid = await h.app.request('/privacy-center/requests?lang=de', {
      method: 'POST',
      body: form({ type: 'restriction', jurisdiction: 'gdpr', email: 'nicht-gültig' }),
    });
    assert.equal(invalid.status, 422);
    const invalidHtml = await invalid.text();
    assert.match(invalidHtml, /<h2>Es gibt ein Problem<\/h2>/);
    assert.match(
      invalidHtml,
      /<a href="#email">Geben Sie Ihre E-Mail-Adresse ein, z\. B\. name@beispiel\.de<\/a>/,
    );
    assert.match(invalidHtml, /href="\/privacy-center\?lang=en" hreflang="en"/);
    assert.doesNotMatch(invalidHtml, /Enter your email|not a valid email/);

    const submitted = await h.app.request('/privacy-center/requests?lang=de', {
      method: 'POST',
      body: form({ type: 'restriction', jurisdiction: 'gdpr', email: 'greta@example.de' }),
    });
    assert.equal(submitted.status, 303);
    const verifyUrl = submitted.headers.get('location')!;
    assert.match(verifyUrl, /^\/privacy-center\/requests\/[0-9a-f-]{36}\/verify\?lang=de$/);
    const id = verifyUrl.split('/')[3]!;
    const row = (await (await h.request('GET', `/api/requests/${id}`)).json()) as { lang: string };
    assert.equal(row.lang, 'de', 'the request remembers its language');

    const received = await h.smtp.waitFor(
      (m) => m.to.includes('greta@example.de') && /erhalten/.test(m.subject),
    );
    assert.equal(received.subject, 'Wir haben Ihre Datenschutzanfrage erhalten');
    assert.match(
      mailText(received),
      /Wir haben Ihre Anfrage „Die Verarbeitung meiner Daten einschränken“ \(Aktenzeichen [0-9a-f-]+\) am 3\. März 2025 erhalten\./,
    );
    assert.match(mailText(received), /— Das Datenschutzteam von /);
    const codeMail = await h.smtp.waitFor(
      (m) => m.to.includes('greta@example.de') && /Bestätigungscode/.test(m.subject),
    );
    assert.match(codeMail.subject, /^Ihr Bestätigungscode: \d{6}$/);
    assert.match(mailText(codeMail), /Der Code läuft in 10 Minuten ab/);
    assert.doesNotMatch(mailText(codeMail), /verification|expires|your request/i);
    const link = linkIn(codeMail, `/privacy-center/requests/${id}/verify`);
    assert.match(link, /\?token=[\w-]+&lang=de$/);

    const codePage = await h.app.request(verifyUrl);
    assert.equal(codePage.headers.get('content-language'), 'de');
    const codeHtml = await codePage.text();
    assert.match(codeHtml, /<h1>Sehen Sie in Ihr E-Mail-Postfach<\/h1>/);
    assert.match(codeHtml, new RegExp(`action="/privacy-center/requests/${id}/verify\\?lang=de"`));
    assert.match(codeHtml, new RegExp(`href="/privacy-center/requests/${id}/verify\\?lang=fr"`));
    const code = mailText(codeMail).match(/\b(\d{6})\b/)![1]!;
    const wrong = await h.app.request(verifyUrl, {
      method: 'POST',
      body: new URLSearchParams({ code: code === '000000' ? '111111' : '000000' }),
    });
    assert.equal(wrong.status, 422);
    assert.match(await wrong.text(), /Falscher Code: noch 4 Versuche/);

    // The emailed link confirms it, in German.
    const confirmed = await h.app.request(link.replace('http://privacy.test', ''));
    assert.equal(confirmed.status, 200);
    assert.match(await confirmed.text(), /<h1>Danke, Ihre Anfrage ist bestätigt<\/h1>/);
    const done = await h.smtp.waitFor((m) => m.to.includes('greta@example.de') && /erledigt/.test(m.subject));
    assert.equal(done.subject, 'Ihre Datenschutzanfrage ist erledigt');
    assert.match(mailText(done), /Wir haben Ihre Wahl gespeichert; sie gilt ab sofort\./);
    assert.doesNotMatch(mailText(done), /We completed|privacy team/);
  });

  test('a request whose language is no longer published is answered in the first published one', async () => {
    const submitted = await h.app.request('/privacy-center/requests?lang=de', {
      method: 'POST',
      body: form({ type: 'erasure', jurisdiction: 'gdpr', email: 'hans@example.de' }),
    });
    const id = submitted.headers.get('location')!.split('/')[3]!;
    const codeMail = await h.smtp.waitFor(
      (m) => m.to.includes('hans@example.de') && /Bestätigungscode/.test(m.subject),
    );
    const code = mailText(codeMail).match(/\b(\d{6})\b/)![1]!;
    const ok = await h.app.request(`/privacy-center/requests/${id}/verify?lang=de`, {
      method: 'POST',
      body: new URLSearchParams({ code }),
    });
    assert.equal(ok.status, 200);
    await publishIn(h, ['fr', 'en']);
    try {
      const deny = await h.request(
        'POST',
        `/api/requests/${id}/deny`,
        { reason: 'legal_obligation_to_retain', text: 'Rechnungen werden zehn Jahre aufbewahrt.' },
        h.keys.reviewer,
      );
      assert.equal(deny.status, 201);
      const denied = await h.smtp.waitFor((m) => m.to.includes('hans@example.de') && /suite/.test(m.subject));
      assert.equal(denied.subject, 'Nous ne pouvons pas donner suite à votre demande');
      const text = mailText(denied);
      assert.match(text, /Motif : la loi nous oblige à conserver ces données\./);
      assert.match(
        text,
        /introduire une réclamation auprès d’une autorité de contrôle, par exemple Data Protection Commission/,
      );
      assert.doesNotMatch(text, /Grund|Reason/);
    } finally {
      await publishIn(h, ['en', 'fr', 'de']);
    }
  });

  test('Accept-Language picks French; an unpublished ?lang= falls back without an error', async () => {
    const french = await h.app.request('/privacy-center', {
      headers: { 'accept-language': 'es;q=0.9, en;q=0.5, fr-CH, de;q=0.8' },
    });
    assert.equal(french.status, 200);
    assert.equal(french.headers.get('content-language'), 'fr');
    assert.match(french.headers.get('vary') ?? '', /Accept-Language/);
    const frenchHtml = await french.text();
    assert.match(frenchHtml, /<html lang="fr">/);
    assert.match(frenchHtml, /<h1>Faire une demande relative à vos données<\/h1>/);
    assert.match(frenchHtml, /<button type="submit">Envoyer la demande<\/button>/);

    const spanish = await h.app.request('/privacy-center?lang=es');
    assert.equal(spanish.status, 200);
    assert.equal(spanish.headers.get('content-language'), 'en');
    const spanishHtml = await spanish.text();
    assert.match(spanishHtml, /<html lang="en">/);
    assert.match(spanishHtml, /This page is not available in Spanish; you are reading it in English\./);
    assert.match(spanishHtml, /action="\/privacy-center\/requests\?lang=en"/);
    const posted = await h.app.request('/privacy-center/requests?lang=xx', {
      method: 'POST',
      body: form({}),
    });
    assert.equal(posted.status, 422);
    assert.match(await posted.text(), /Choose what you would like us to do/);
  });

  test('the preference center and its code mail follow the page language', async () => {
    const page = await h.app.request('/privacy-center/preferences', { headers: { 'accept-language': 'fr' } });
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-language'), 'fr');
    const html = await page.text();
    assert.match(html, /<html lang="fr">/);
    assert.match(html, /<h1>Préférences de confidentialité<\/h1>/);
    assert.match(html, /action="\/privacy-center\/preferences\/email\?lang=fr"/);
    assert.match(html, /href="\/privacy-center\/preferences\?lang=de" hreflang="de"/);
    const sent = await h.app.request('/privacy-center/preferences/email?lang=de', {
      method: 'POST',
      body: new URLSearchParams({ email: 'petra@example.de' }),
    });
    assert.equal(sent.status, 200);
    const sentHtml = await sent.text();
    assert.match(sentHtml, /<h1>Code eingeben<\/h1>/);
    assert.match(sentHtml, /action="\/privacy-center\/preferences\/verify\?lang=de"/);
    const mail = await h.smtp.waitFor((m) => m.to.includes('petra@example.de'));
    assert.match(mail.subject, /^Ihr Code für Ihre Datenschutzeinstellungen: \d{6}$/);
    assert.match(mailText(mail), /Er gilt 15 Minuten\./);
    const rejected = await h.app.request('/privacy-center/preferences/verify?lang=de', {
      method: 'POST',
      body: new URLSearchParams({ email: 'petra@example.de', code: '12345x' }),
    });
    assert.equal(rejected.status, 400);
    assert.match(await rejected.text(), /Der Code ist falsch oder abgelaufen\./);
  });

  test('POST /api/requests and OpenDSR take the language the person asked in', async () => {
    const created = await h.request('POST', '/api/requests', {
      type: 'access',
      jurisdiction: 'gdpr',
      identities: { email: 'lena@example.de' },
      lang: 'de',
    });
    assert.equal(created.status, 201, await created.clone().text());
    assert.equal(((await created.json()) as { lang: string }).lang, 'de');
    const receipt = await h.smtp.waitFor(
      (m) => m.to.includes('lena@example.de') && /erhalten/.test(m.subject),
    );
    assert.equal(receipt.subject, 'Wir haben Ihre Datenschutzanfrage erhalten');
    const status = await h.app.request(
      linkIn(receipt, '/privacy-center/status/').replace('http://privacy.test', ''),
    );
    assert.equal(status.status, 200);
    assert.match(await status.text(), /<html lang="de">[\s\S]*Ihre Datenschutzanfrage/);

    const unknown = await h.request('POST', '/api/requests', {
      type: 'access',
      jurisdiction: 'gdpr',
      identities: { email: 'lena@example.de' },
      lang: 'es',
    });
    assert.equal(unknown.status, 422);
    assert.equal(
      ((await unknown.json()) as { error: { details: { path: string }[] } }).error.details[0]!.path,
      'body.lang',
    );

    const opendsr = await h.request('POST', '/opendsr/v2/requests', {
      subject_request_id: '0b6f8c8e-6a3e-4b8e-9a1c-3d5e7f9a1b2c',
      subject_request_type: 'erasure',
      submitted_time: '2025-03-03T09:00:00Z',
      subject_identities: [{ identity_type: 'email', identity_value: 'odile@example.fr' }],
      lang: 'fr',
    });
    assert.equal(opendsr.status, 201, await opendsr.clone().text());
    const french = await h.smtp.waitFor((m) => m.to.includes('odile@example.fr'));
    assert.equal(french.subject, 'Nous avons reçu votre demande relative à vos données');

    await publishIn(h, ['en', 'de']);
    try {
      const unpublished = await h.request('POST', '/api/requests', {
        type: 'access',
        jurisdiction: 'gdpr',
        identities: { email: 'lena@example.de' },
        lang: 'fr',
      });
      assert.equal(unpublished.status, 422);
      const error = (
        (await unpublished.json()) as { error: { details: { path: string; message: string }[] } }
      ).error.details[0]!;
      assert.equal(error.path, 'body.lang');
      assert.match(error.message, /does not publish in "fr"; it publishes in en, de/);
    } finally {
      await publishIn(h, ['en', 'fr', 'de']);
    }

    const openapi = (await (await h.app.request('/openapi.json')).json()) as {
      paths: Record<string, { post: { requestBody: { content: Record<string, { schema: unknown }> } } }>;
    };
    const body = JSON.stringify(
      openapi.paths['/api/requests']!.post.requestBody.content['application/json']!.schema,
    );
    assert.match(body, /"lang":\{[^}]*"enum":\["en","fr","de"\]/);
    assert.match(body, /its mails and status page are written in it/);
  });

  test('a subscription made from the German page: German mail, confirm and unsubscribe pages', async () => {
    const refused = await h.request('POST', '/api/subscriptions', {
      subscriptions: [{ email: 'paula@example.es', list: 'news', lang: 'es' }],
    });
    assert.equal(refused.status, 422);
    const refusedBody = (await refused.json()) as { error: { details: { path: string }[] } };
    assert.equal(refusedBody.error.details[0]!.path, 'body.subscriptions.0.lang');
    const started = await h.request('POST', '/api/subscriptions', {
      subscriptions: [{ email: 'jonas@example.de', list: 'news', lang: 'de' }],
    });
    assert.equal(started.status, 201, await started.text());
    const mail = await h.smtp.waitFor((m) => m.to.includes('jonas@example.de'));
    assert.equal(mail.subject, 'Bitte bestätigen Sie Ihr Abonnement von „news“');
    assert.match(mailText(mail), /möchte an diese Adresse E-Mails der Liste „news“ erhalten/);
    const link = linkIn(mail, '/consent/subscriptions/confirm').replace('http://privacy.test', '');
    assert.match(link, /&lang=de$/);

    const confirmPage = await h.app.request(link);
    assert.equal(confirmPage.status, 200);
    assert.equal(confirmPage.headers.get('content-language'), 'de');
    const confirmHtml = await confirmPage.text();
    assert.match(confirmHtml, /<html lang="de">/);
    assert.match(confirmHtml, /<h1>Abonnement bestätigen<\/h1>/);
    assert.match(
      confirmHtml,
      /action="\/consent\/subscriptions\/confirm\?s=[\w-]+&amp;t=[\w-]+&amp;lang=de"/,
    );
    assert.match(
      confirmHtml,
      /href="\/consent\/subscriptions\/confirm\?s=[\w-]+&amp;t=[\w-]+&amp;lang=fr" hreflang="fr"/,
      'the switcher stays on the confirmation page',
    );
    assert.doesNotMatch(confirmHtml, /Confirm subscription/);
    const confirmed = await h.app.request(link, { method: 'POST' });
    assert.equal(confirmed.status, 200);
    assert.match(await confirmed.text(), /Sie haben „news“ abonniert\./);
    const usedAgain = await h.app.request(link, { method: 'POST' });
    assert.equal(usedAgain.status, 410);
    assert.match(
      await usedAgain.text(),
      /Dieser Bestätigungslink wurde bereits verwendet oder ist ungültig\./,
    );

    const headers = (await (
      await h.request('POST', '/api/subscriptions/headers', { email: 'jonas@example.de', list: 'news' })
    ).json()) as { url: string };
    assert.match(headers.url, /&lang=de$/, 'the unsubscribe link is in the language subscribed in');
    const unsubscribeLink = headers.url.replace('http://privacy.test', '');
    const unsubscribePage = await h.app.request(unsubscribeLink);
    const unsubscribeHtml = await unsubscribePage.text();
    assert.match(unsubscribeHtml, /<h1>Abbestellen<\/h1>/);
    assert.match(unsubscribeHtml, /Diese E-Mails nicht mehr erhalten\./);
    const french = await h.app.request(unsubscribeLink.replace('&lang=de', ''), {
      headers: { 'accept-language': 'fr-CH, de;q=0.5' },
    });
    assert.match(await french.text(), /<h1>Se désabonner<\/h1>/);
    const unsubscribed = await h.app.request(unsubscribeLink, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(unsubscribed.status, 200);
    assert.match(await unsubscribed.text(), /Sie erhalten keine E-Mails der Liste „news“ mehr\./);
  });
});
