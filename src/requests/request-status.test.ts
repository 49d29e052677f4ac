import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { shopUnavailable } from '../execution/fixtures/shop-fixture.ts';
import { readZip } from '../execution/testing/read-zip.ts';
import { mailText, type ReceivedMail } from '../testing/smtp.ts';
import {
  type RequestHarness,
  requestHarness,
  requestProgramBundle,
  type ShopHarness,
  shopRequestHarness,
} from './testing/request-fixture.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies of many shapes
type Json = Record<string, any>;

/** The status link a mail ends with, as a path on the test app. */
function statusPath(mail: ReceivedMail): string {
  const link = mailText(mail).match(/http:\/\/privacy\.test(\/privacy-center\/status\/\S+)/)?.[1];
  assert.ok(link, `no status link in: ${mailText(mail)}`);
  return link;
}

const form = (fields: Record<string, string>) => {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  return body;
};

async function page(
  h: RequestHarness,
  path: string,
): Promise<{ status: number; html: string; res: Response }> {
  const res = await h.app.request(path);
  return { status: res.status, html: await res.text(), res };
}

describe('the status page of a request, from the link in its mails (PGlite, real SMTP)', () => {
  let h: RequestHarness;
  before(async () => {
    h = await requestHarness();
    const bundle = await requestProgramBundle({ notice: { languages: ['en', 'fr', 'de'] } });
    const res = await h.request('POST', '/api/programs', bundle);
    assert.ok(res.status < 300, await res.text());
  });
  after(async () => {
    await h.close();
  });

  let erasureId = '';
  let erasureStatus = '';

  test('received → awaiting verification → verified with its deadline → extended → denied with how to complain', async () => {
    const submitted = await h.app.request('/privacy-center/requests', {
      method: 'POST',
      body: form({ type: 'erasure', jurisdiction: 'gdpr', email: 'ada@example.com' }),
    });
    assert.equal(submitted.status, 303);
    const id = submitted.headers.get('location')!.split('/')[3]!;
    erasureId = id;
    const receipt = await h.smtp.waitFor(
      (m) => m.to.includes('ada@example.com') && /received/.test(m.subject),
    );
    const path = statusPath(receipt);
    erasureStatus = path;
    assert.match(
      mailText(receipt),
      /Follow your request at any time: http:\/\/privacy\.test\/privacy-center\/status\//,
    );
    assert.doesNotMatch(path, new RegExp(id), 'the link does not show the request id in the clear');

    const waiting = await page(h, path);
    assert.equal(waiting.status, 200);
    assert.equal(waiting.res.headers.get('cache-control'), 'no-store');
    assert.match(waiting.res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.doesNotMatch(waiting.html, /<script/);
    assert.match(waiting.html, /<h1>Your privacy request<\/h1>/);
    assert.match(waiting.html, /<dd>Delete my personal data<\/dd>/);
    assert.match(waiting.html, new RegExp(`<code>${id}</code>`));
    assert.match(waiting.html, /<dd><time datetime="2025-03-03">March 3, 2025<\/time><\/dd>/);
    assert.match(waiting.html, /Waiting for you to confirm your email address\./);
    assert.match(
      waiting.html,
      new RegExp(`href="/privacy-center/requests/${id}/verify\\?lang=en">Confirm my request`),
    );
    assert.match(waiting.html, /We received your request\./);
    assert.match(waiting.html, /We emailed you a code to confirm your email address\./);
    // The notice's language switcher leads to this same page in the other languages.
    assert.match(waiting.html, new RegExp(`href="${path.replace(/[.?]/g, '\\$&')}\\?lang=de" hreflang="de"`));

    const codeMail = await h.smtp.waitFor(
      (m) => m.to.includes('ada@example.com') && /verification code/.test(m.subject),
    );
    assert.equal(statusPath(codeMail), path, 'every mail carries the same status link');
    const code = mailText(codeMail).match(/\b(\d{6})\b/)![1]!;
    const verified = await h.app.request(`/privacy-center/requests/${id}/verify`, {
      method: 'POST',
      body: new URLSearchParams({ code }),
    });
    assert.equal(verified.status, 200);
    const confirmed = await page(h, path);
    assert.match(confirmed.html, /Confirmed: we are reviewing your request\./);
    assert.match(confirmed.html, /Your identity was verified\./);
    // The company answers within its own 30 days; the GDPR allows one month.
    assert.match(
      confirmed.html,
      /<dt>We will answer by<\/dt><dd><time datetime="2025-04-02">April 2, 2025<\/time>/,
    );
    assert.match(
      confirmed.html,
      /<dt>Legal deadline<\/dt><dd><time datetime="2025-04-03">April 3, 2025<\/time>/,
    );
    assert.doesNotMatch(confirmed.html, /Confirm my request/);

    const note = await h.request('POST', `/api/requests/${id}/notes`, {
      text: 'Reviewer: check the CRM export first',
    });
    assert.equal(note.status, 201, await note.text());
    const ext = await h.request(
      'POST',
      `/api/requests/${id}/extend`,
      { reason: 'Your data spans twelve systems.' },
      h.keys.reviewer,
    );
    assert.equal(ext.status, 201, await ext.text());
    const extendedMail = await h.smtp.waitFor(
      (m) => m.to.includes('ada@example.com') && /more time/.test(m.subject),
    );
    assert.equal(statusPath(extendedMail), path);
    const extended = await page(h, path);
    assert.match(
      extended.html,
      /<dt>Extension<\/dt><dd>We took the extension the law allows\. Reason: Your data spans twelve systems\.<\/dd>/,
    );
    assert.match(
      extended.html,
      /We extended the deadline to June 3, 2025\. Reason: Your data spans twelve systems\./,
    );
    assert.doesNotMatch(extended.html, /CRM export|Reviewer/, 'staff notes stay off the page');

    const deny = await h.request(
      'POST',
      `/api/requests/${id}/deny`,
      { reason: 'legal_obligation_to_retain', text: 'Invoices must be kept for 6 years under tax law.' },
      h.keys.reviewer,
    );
    assert.equal(deny.status, 201);
    const denied = await page(h, path);
    assert.match(denied.html, /Closed: we could not act on your request\./);
    assert.match(
      denied.html,
      /We could not act on your request\. Reason: the law obliges us to keep this data\. Invoices must be kept for 6 years under tax law\./,
    );
    assert.match(denied.html, /<h2>If you disagree<\/h2>/);
    assert.match(denied.html, /Data Protection Commission \(https:\/\/www\.dataprotection\.ie\)/);
    assert.doesNotMatch(denied.html, /We will answer by/);
  });

  test('a German request shows its page in German; ?lang= switches among the published languages', async () => {
    const submitted = await h.app.request('/privacy-center/requests?lang=de', {
      method: 'POST',
      body: form({ type: 'erasure', jurisdiction: 'gdpr', email: 'greta@example.de' }),
    });
    assert.equal(submitted.status, 303);
    const receipt = await h.smtp.waitFor(
      (m) => m.to.includes('greta@example.de') && /erhalten/.test(m.subject),
    );
    assert.match(
      mailText(receipt),
      /Verfolgen Sie Ihre Anfrage jederzeit: http:\/\/privacy\.test\/privacy-center\/status\//,
    );
    const path = statusPath(receipt);
    const german = await page(h, path);
    assert.equal(german.res.headers.get('content-language'), 'de');
    assert.match(german.html, /<html lang="de">/);
    assert.match(german.html, /<h1>Ihre Datenschutzanfrage<\/h1>/);
    assert.match(german.html, /<dd>Meine personenbezogenen Daten löschen<\/dd>/);
    assert.match(german.html, /Wartet darauf, dass Sie Ihre E-Mail-Adresse bestätigen\./);
    assert.match(german.html, /<time datetime="2025-03-03">3\. März 2025<\/time>/);
    assert.doesNotMatch(german.html, /Your privacy request|What has happened/);

    const french = await page(h, `${path}?lang=fr`);
    assert.match(french.html, /<h1>Votre demande relative à vos données<\/h1>/);
    const notPublished = await page(h, `${path}?lang=es`);
    assert.equal(notPublished.status, 200);
    assert.match(notPublished.html, /<html lang="en">/);
  });

  test('a tampered, cut or foreign token is refused with a plain page; A’s token never shows B', async () => {
    const make = async (email: string) => {
      const res = await h.app.request('/privacy-center/requests', {
        method: 'POST',
        body: form({ type: 'erasure', jurisdiction: 'gdpr', email }),
      });
      const id = res.headers.get('location')!.split('/')[3]!;
      const mail = await h.smtp.waitFor((m) => m.to.includes(email) && /received/.test(m.subject));
      return { id, path: statusPath(mail) };
    };
    const a = await make('anna@example.com');
    const b = await make('bert@example.com');
    const aPage = await page(h, a.path);
    assert.match(aPage.html, new RegExp(a.id));
    assert.doesNotMatch(aPage.html, new RegExp(b.id));

    const [prefix, token] = [
      a.path.slice(0, a.path.lastIndexOf('/') + 1),
      a.path.slice(a.path.lastIndexOf('/') + 1),
    ];
    const [workspace, claims, mac] = token.split('.') as [string, string, string];
    // A's signature on claims naming B.
    const forged = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8'));
    forged.id = b.id;
    const bClaims = Buffer.from(JSON.stringify(forged)).toString('base64url');
    const flipped = `${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const bad of [
      `${workspace}.${bClaims}.${mac}`,
      `${workspace}.${claims}.${flipped}`,
      `${workspace}.${claims}`,
      'not-a-token',
      `${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}.${claims}.${mac}`,
    ]) {
      const refused = await page(h, `${prefix}${bad}?lang=de`);
      assert.equal(refused.status, 404, bad);
      assert.match(refused.html, /<h1>Dieser Link funktioniert nicht<\/h1>/);
      assert.doesNotMatch(refused.html, new RegExp(`${a.id}|${b.id}|Error|at `));
    }
    const download = await h.app.request(`${prefix}${workspace}.${bClaims}.${mac}/download`);
    assert.equal(download.status, 410);
    assert.doesNotMatch(await download.text(), new RegExp(b.id));
  });

  test('after minimisation the link says the request is closed and its details were removed', async () => {
    assert.ok(erasureStatus, 'the first test made the request');
    h.clock.advanceDays(31 * 25);
    const res = await h.request('POST', '/api/requests/minimise');
    assert.equal(res.status, 201, await res.text());
    const row = (await (await h.request('GET', `/api/requests/${erasureId}`)).json()) as Json;
    assert.ok(row.minimised_at);
    const closed = await page(h, erasureStatus);
    assert.equal(closed.status, 200);
    assert.match(closed.html, /<h1>This request is closed<\/h1>/);
    assert.match(closed.html, /Its details were removed 24 months after it closed/);
    assert.doesNotMatch(closed.html, /Invoices|twelve systems|ada@example\.com/);
  });
});

const skip = await shopUnavailable();

describe('the status page of a completed access request (PostgreSQL + MariaDB shop)', { skip }, () => {
  let h: ShopHarness;
  before(async () => {
    h = await shopRequestHarness();
  });
  after(() => h?.close());

  test('completed with the download link, which works once, shared with the emailed link', async () => {
    const created = (await (
      await h.request('POST', '/api/requests', {
        type: 'access',
        jurisdiction: 'gdpr',
        identities: { email: 'alice@example.com' },
        verified_account: { account_id: '1' },
      })
    ).json()) as Json;
    const ready = await h.smtp.waitFor(
      (m) => m.to.includes('alice@example.com') && /ready to download/.test(m.subject),
    );
    const path = statusPath(ready);
    const done = await page(h, path);
    assert.match(done.html, /Completed on March 3, 2025\./);
    assert.match(done.html, /We completed your request\./);
    assert.match(done.html, /Your data is ready\. The download works once, until March 1[0-9], 2025\./);
    assert.match(done.html, new RegExp(`<a class="button" href="${path.replace(/[.?]/g, '\\$&')}/download"`));

    const download = await h.app.request(`${path}/download`);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'application/zip');
    const files = await readZip(Buffer.from(await download.arrayBuffer()));
    assert.ok([...files.values()].some((content) => content.includes('Alice Liddell')));

    const after = await page(h, path);
    assert.match(after.html, /You downloaded your data\./);
    assert.match(after.html, /You downloaded your data on March 3, 2025\. Ask us if you need a new copy\./);
    assert.doesNotMatch(after.html, /class="button"/);
    const emailed = mailText(ready).match(/http:\/\/privacy\.test(\/privacy-center\/download\/\S+)/)![1]!;
    assert.equal((await h.app.request(emailed)).status, 410, 'one download in all');
    assert.equal((await h.app.request(`${path}/download`)).status, 410);
    assert.equal(created.state, 'completed');
  });
});
