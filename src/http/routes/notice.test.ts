import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { run as publishCommand } from '../../cli/commands/publish.ts';
import { createApiKey } from '../../governance/api-keys.ts';
import { bootstrapWorkspace } from '../../governance/workspaces.ts';
import { loadProgramFromDisk, type Program, toBundle } from '../../program/load-program.ts';
import type { Store } from '../../store/open-store.ts';
import { mailText, startTestSmtp, type TestSmtp } from '../../testing/smtp.ts';
import { memoryStore } from '../../testing/store.ts';
import { createApp } from '../app.ts';
import { startServer } from '../server.ts';
import { createServices } from '../services.ts';

let store: Store;
let smtp: TestSmtp;
let app: ReturnType<typeof createApp>;
let owner: string;
let auditor: string;
let claromentis: Program;
let now = new Date('2025-03-01T10:00:00Z');

before(async () => {
  store = await memoryStore();
  smtp = await startTestSmtp();
  const boot = await bootstrapWorkspace(store.db);
  owner = boot.ownerKey!.secret;
  auditor = (await createApiKey(boot.scope, { name: 'auditor', role: 'auditor' })).secret;
  app = createApp(
    createServices(store, { clock: () => now, mailer: smtp.mailer, publicUrl: 'http://notice.test' }),
  );
  const loaded = await loadProgramFromDisk('examples/claromentis');
  if (!loaded.ok) throw new Error('claromentis does not load');
  claromentis = loaded.program;
  // Published in English (the default) and French; never in German.
  claromentis.doc.notice = { ...claromentis.doc.notice!, languages: ['en', 'fr'] };
});
after(async () => {
  await smtp.close();
  await store.close();
});

const call = (
  path: string,
  init: { key?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {},
) =>
  app.request(path, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.headers ?? {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });

function withMailgun() {
  const doc = structuredClone(claromentis.doc);
  doc.processors.push({
    key: 'mailgun',
    name: 'Mailgun',
    service: 'Email relay',
    purpose: 'Send notification emails from customers’ intranets.',
    role: 'sub_processor',
    locations: ['US'],
    transfer_mechanism: 'sccs',
    data_categories: [],
    status: 'active',
  });
  doc.activities.find((a) => a.key === 'intranet_hosting')!.processors.push('mailgun');
  return { program: doc, datasets: claromentis.datasets };
}

test('before anything is published, /privacy is a 404 page (HTML or JSON), never a 500', async () => {
  const html = await call('/privacy');
  assert.equal(html.status, 404);
  assert.match(html.headers.get('content-type') ?? '', /text\/html/);
  assert.match(await html.text(), /no privacy notice has been published yet/);
  const json = await call('/privacy', { headers: { accept: 'application/json' } });
  assert.equal(json.status, 404);
  assert.equal(((await json.json()) as { error: { code: string } }).error.code, 'not_found');
});

test('publish, read current and past versions, diff, notifications and ROPA over HTTP', async () => {
  assert.equal(
    (await call('/api/programs', { key: owner, method: 'POST', body: toBundle(claromentis) })).status,
    201,
  );
  const forbidden = await call('/api/notice/versions', { key: auditor, method: 'POST', body: {} });
  assert.equal(forbidden.status, 403);

  const published = await call('/api/notice/versions', { key: owner, method: 'POST', body: {} });
  assert.equal(published.status, 201);
  const v1 = (await published.json()) as { version: { version: number; contentHash: string } };
  assert.equal(v1.version.version, 1);

  const page = await call('/privacy');
  assert.equal(page.status, 200);
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  const html = await page.text();
  assert.match(html, /<link rel="stylesheet" href="\/privacy\/notice\.css">/);
  assert.match(html, /Claromentis/);
  assert.match(html, /Version 1/);
  const css = await call('/privacy/notice.css?brand=7a1f5c');
  assert.match(css.headers.get('content-type') ?? '', /text\/css/);
  assert.match(await css.text(), /--brand:#7a1f5c/);

  // Languages: only English and French are published, switched between and linked.
  const frPage = await call('/privacy?lang=fr');
  assert.equal(frPage.headers.get('content-language'), 'fr');
  const fr = await frPage.text();
  assert.match(fr, /<html lang="fr">/);
  assert.match(fr, /<link rel="alternate" hreflang="en" href="http:\/\/notice\.test\/privacy\?lang=en">/);
  assert.match(fr, /<link rel="alternate" hreflang="fr" href="http:\/\/notice\.test\/privacy\?lang=fr">/);
  assert.match(fr, /<link rel="alternate" hreflang="x-default" href="http:\/\/notice\.test\/privacy">/);
  assert.match(fr, /<a href="\?lang=en" hreflang="en" lang="en">English<\/a>/);
  assert.match(fr, /<a href="\?lang=fr" hreflang="fr" lang="fr" aria-current="true">Français<\/a>/);
  assert.doesNotMatch(fr, /hreflang="de"|lang=de|Deutsch/);
  // A German browser gets the program's first language, English, without fuss.
  const de = await call('/privacy', { headers: { 'accept-language': 'de-DE,de;q=0.9,fr;q=0.5' } });
  const deHtml = await de.text();
  assert.match(deHtml, /<html lang="fr">/, 'the first Accept-Language that is published');
  assert.match(de.headers.get('vary') ?? '', /Accept-Language/);
  const deOnly = await call('/privacy', { headers: { 'accept-language': 'de-DE,de' } });
  assert.match(await deOnly.text(), /<html lang="en">/);
  // Asking for German by name: English, saying so.
  const askedDe = await call('/privacy?lang=de');
  assert.equal(askedDe.status, 200);
  assert.equal(askedDe.headers.get('content-language'), 'en');
  const askedDeHtml = await askedDe.text();
  assert.match(askedDeHtml, /<html lang="en">/);
  assert.match(
    askedDeHtml,
    /<p class="lang-note" role="status">This notice is not published in German; you are reading it in English\.<\/p>/,
  );
  const askedDeFr = await (await call('/privacy?lang=de', { headers: { 'accept-language': 'fr' } })).text();
  assert.match(askedDeFr, /<html lang="en">/, '?lang= names the language; the fallback is the first one');
  const asJson = (await (await call('/privacy?lang=de&format=json')).json()) as {
    lang: string;
    languages: string[];
    notPublishedIn: string;
  };
  assert.deepEqual([asJson.lang, asJson.languages, asJson.notPublishedIn], ['en', ['en', 'fr'], 'de']);
  const md = await call('/privacy?format=md');
  assert.match(md.headers.get('content-type') ?? '', /text\/markdown/);
  assert.match(await (await call('/privacy?format=md&lang=fr')).text(), /^# Politique de confidentialité/);
  // The explicit versioned URL is a record: no German version 1 exists, so 404 with the ones that do.
  const v1De = await call('/privacy/v/1?lang=de');
  assert.equal(v1De.status, 404);
  const v1DeHtml = await v1De.text();
  assert.match(v1DeHtml, /Version 1 of this notice was not published in German/);
  assert.match(v1DeHtml, /<a href="\/privacy\/v\/1\?lang=en" hreflang="en" lang="en">English<\/a>/);
  assert.match(v1DeHtml, /<a href="\/privacy\/v\/1\?lang=fr" hreflang="fr" lang="fr">Français<\/a>/);
  const v1DeJson = await call('/privacy/v/1?lang=de', { headers: { accept: 'application/json' } });
  assert.equal(v1DeJson.status, 404);
  const v1DeError = ((await v1DeJson.json()) as { error: { details: { path: string }[] } }).error;
  assert.equal(v1DeError.details[0]?.path, 'query.lang');
  assert.match(await (await call('/privacy/v/1?lang=fr')).text(), /<html lang="fr">/);
  // The preview renders only listed languages too.
  const preview = await call('/api/notice/preview?lang=de', { key: auditor });
  assert.equal(preview.status, 422);
  assert.match(await preview.text(), /query\.lang.*must be one of en, fr/);
  assert.equal((await call('/api/notice/preview', { key: auditor })).headers.get('content-language'), 'en');

  // A subscriber (who confirms from the emailed link), a new sub-processor for the hosted
  // intranets, a second version.
  const subscribed = await call('/api/notice/subscribers', {
    method: 'POST',
    body: { email: 'reader@example.org' },
  });
  assert.equal(subscribed.status, 201);
  assert.deepEqual(await subscribed.json(), { status: 'confirmation_requested' });
  assert.equal(
    (await call('/api/notice/subscribers', { method: 'POST', body: { email: 'not-an-email' } })).status,
    422,
  );
  const confirmation = mailText(
    await smtp.waitFor((m) => m.to.includes('reader@example.org') && /^Confirm/.test(m.subject)),
  );
  const token = /\/privacy\/subscribe\/confirm\?t=([\w-]+)&lang=en/.exec(confirmation)?.[1];
  assert.ok(token, confirmation);
  const confirmed = await app.request('/privacy/subscribe/confirm?lang=en', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ t: token }).toString(),
  });
  assert.equal(confirmed.status, 200);
  await call('/api/programs', { key: owner, method: 'POST', body: withMailgun() });
  now = new Date('2025-04-01T10:00:00Z');
  const second = await call('/api/notice/versions', {
    key: owner,
    method: 'POST',
    body: { effective_date: '2025-05-01' },
  });
  assert.equal(second.status, 201);
  const v2 = (await second.json()) as {
    version: { version: number; material: boolean; consentVersion: number };
    delivery: string;
    notifications: { recipient: string; status: string }[];
  };
  assert.equal(v2.version.version, 2);
  assert.equal(v2.version.material, true);
  assert.equal(v2.version.consentVersion, 2);
  assert.equal(v2.delivery, 'sent', 'without a job queue the publish sends, one result per person');
  assert.equal(v2.notifications.length, 3);
  assert.ok(v2.notifications.every((n) => n.status === 'succeeded'));
  const mail = await smtp.waitFor((m) => m.to.includes('reader@example.org') && /version 2/.test(m.subject));
  assert.match(mailText(mail), /http:\/\/notice\.test\/privacy\/v\/2\?lang=en/);

  // Current, past version, unknown versions.
  assert.match(await (await call('/privacy')).text(), /Mailgun/);
  const past = await (await call('/privacy/v/1')).text();
  assert.match(past, /Version 1/);
  assert.doesNotMatch(past, /Mailgun/);
  const pastJson = (await (await call('/privacy/v/1?format=json')).json()) as {
    version: number;
    effectiveDate: string;
  };
  assert.equal(pastJson.version, 1);
  assert.equal(pastJson.effectiveDate, '2020-12-09');
  for (const bad of ['/privacy/v/99', '/privacy/v/abc', '/privacy/v/0', '/privacy/diff?from=1&to=9']) {
    const res = await call(bad);
    assert.equal(res.status, 404, bad);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/, bad);
    const asJson = await call(bad, { headers: { accept: 'application/json' } });
    assert.equal(asJson.status, 404, bad);
    assert.equal(((await asJson.json()) as { error: { code: string } }).error.code, 'not_found');
  }

  // Diff, as a page and as JSON.
  const diffPage = await call('/privacy/diff?from=1&to=2');
  assert.equal(diffPage.status, 200);
  const diffHtml = await diffPage.text();
  assert.match(diffHtml, /New recipient “Mailgun”/);
  assert.match(diffHtml, /<strong>Material<\/strong>/);
  assert.match(diffHtml, /<caption>/);
  const diff = (await (
    await call('/privacy/diff?from=1&to=2', { headers: { accept: 'application/json' } })
  ).json()) as {
    material: boolean;
    changes: { section: string; kind: string; material: boolean; reason: string }[];
  };
  assert.equal(diff.material, true);
  assert.ok(diff.changes.some((c) => c.section === 'recipients' && c.kind === 'added' && c.material));

  // Versions API and the notification log (auditor+, with an audit entry for reading addresses).
  const versions = (await (await call('/api/notice/versions', { key: auditor })).json()) as {
    versions: unknown[];
  };
  assert.equal(versions.versions.length, 2);
  assert.equal((await call('/api/notice/versions/7', { key: auditor })).status, 404);
  assert.equal((await call('/api/notice/notifications')).status, 401);
  const log = (await (await call('/api/notice/notifications?version=2', { key: auditor })).json()) as {
    notifications: { recipient: string; status: string; audience: string }[];
  };
  assert.deepEqual(log.notifications.map((n) => [n.recipient, n.audience, n.status]).sort(), [
    ['dpo@globex-law.example', 'customer', 'sent'],
    ['intranet-admin@acme-charity.example', 'customer', 'sent'],
    ['reader@example.org', 'subscriber', 'sent'],
  ]);

  // Records of processing as a spreadsheet.
  const csv = await call('/api/ropa?format=csv', { key: auditor });
  assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
  const bytes = new Uint8Array(await csv.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  const ropa = (await (await call('/api/ropa', { key: auditor })).json()) as { processorRecords: unknown[] };
  assert.equal(ropa.processorRecords.length, 2);
});

test('custodian publish talks to a running server, prints the classified changes and who the job queue notified', async () => {
  const server = await startServer({ port: 0, store, mailer: smtp.mailer, jobs: true, log: () => {} });
  try {
    const out: string[] = [];
    const err: string[] = [];
    const ctx = (argv: string[]) => ({
      argv,
      stdout: { write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream,
      stderr: { write: (s: string) => err.push(s) } as unknown as NodeJS.WritableStream,
      env: { CUSTODIAN_URL: server.url, CUSTODIAN_API_KEY: owner },
      cwd: process.cwd(),
    });
    const doc = withMailgun();
    const quotes = doc.program.activities.find((a) => a.key === 'quote_requests')!;
    quotes.retention = { ...quotes.retention!, period: 'P7Y' };
    await call('/api/programs', { key: owner, method: 'POST', body: doc });
    assert.equal(await publishCommand(ctx(['--effective-date', '2025-06-01'])), 0, err.join(''));
    const text = out.join('');
    assert.match(text, /published notice version 3, effective 2025-06-01/);
    assert.match(text, /\[material\] .*Quote requests.*data is kept longer than before/);
    // Delivered by the server's job queue; publish followed it in the log.
    assert.match(text, /notified 1 of 1 people \(delivered by the job queue\)/);
    const mail = await smtp.waitFor(
      (m) => m.to.includes('reader@example.org') && /version 3/.test(m.subject),
    );
    assert.ok(mail);
    // The confirmation, version 2 and version 3: nothing twice.
    assert.equal(smtp.messages.filter((m) => m.to.includes('reader@example.org')).length, 3);
    assert.equal(
      await publishCommand(ctx(['--effective-date', 'June'])).catch((e: Error) =>
        e.message.includes('2025-06-30'),
      ),
      true,
    );
  } finally {
    await server.close();
  }
});
