import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Hono } from 'hono';
import { bootstrapWorkspace } from '../governance/workspaces.ts';
import { createApp } from '../http/app.ts';
import type { AppEnv } from '../http/route.ts';
import { createServices } from '../http/services.ts';
import { pushProgram } from '../program/push-program.ts';
import type { Store } from '../store/open-store.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { mailText, startTestSmtp, type TestSmtp } from '../testing/smtp.ts';
import { memoryStore } from '../testing/store.ts';
import { consentFixtureProgram } from './consent-fixture.ts';
import { decide } from './decide.ts';

describe('subscriptions, suppression and the preference center', () => {
  let store: Store;
  let smtp: TestSmtp;
  let app: Hono<AppEnv>;
  let key: string;
  let scope: WorkspaceScope;
  const base = 'http://custodian.test';

  before(async () => {
    store = await memoryStore();
    smtp = await startTestSmtp();
    const boot = await bootstrapWorkspace(store.db);
    scope = boot.scope;
    key = boot.ownerKey!.secret;
    await pushProgram(scope, { program: consentFixtureProgram(), datasets: [] }, 'test');
    app = createApp(createServices(store, { mailer: smtp.mailer, publicUrl: base }));
  });
  after(async () => {
    await smtp.close();
    await store.close();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const form = (path: string, fields: Record<string, string>, cookie = '') =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams(fields).toString(),
    });
  const check = async (addresses: string[], kind: string, list?: string) =>
    (
      (await api('POST', '/api/suppression/check', { addresses, kind, list })).json.results as {
        allowed: boolean;
      }[]
    ).map((r) => r.allowed);
  const local = (url: string) => url.replace(base, '');

  test('double opt-in over SMTP, then RFC 8058 one-click unsubscribe', async () => {
    const started = await api('POST', '/api/subscriptions', {
      subscriptions: [{ email: 'Ann@Example.test', list: 'news' }],
    });
    assert.equal(started.status, 201);
    assert.deepEqual(started.json.results, [
      { email: 'Ann@Example.test', list: 'news', status: 'succeeded', detail: 'pending' },
    ]);
    const mail = await smtp.waitFor((m) => m.to.includes('ann@example.test'));
    const link = mailText(mail).match(/http:\/\/custodian\.test\/consent\/subscriptions\/confirm\?\S+/)![0];
    assert.equal(
      (await app.request(local(link))).status,
      200,
      'the link shows a page; only its button confirms',
    );
    let list = await api('GET', '/api/subscriptions?list=news');
    assert.equal((list.json.subscriptions as { status: string }[])[0]!.status, 'pending');
    const confirmed = await app.request(local(link), { method: 'POST' });
    assert.match(await confirmed.text(), /You are subscribed to news/);
    assert.equal((await app.request(local(link), { method: 'POST' })).status, 410);
    list = await api('GET', '/api/subscriptions?list=news');
    assert.equal((list.json.subscriptions as { status: string }[])[0]!.status, 'confirmed');

    const headers = await api('POST', '/api/subscriptions/headers', {
      email: 'ann@example.test',
      list: 'news',
    });
    const values = headers.json.headers as Record<string, string>;
    assert.equal(values['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
    assert.match(
      values['List-Unsubscribe']!,
      /^<http:\/\/custodian\.test\/consent\/unsubscribe\?s=[\w-]+&t=[\w-]+\.[\w-]+&lang=en>$/,
    );
    assert.doesNotMatch(values['List-Unsubscribe']!, /ann/i, 'the link does not carry the address');
    const url = values['List-Unsubscribe']!.slice(1, -1);
    const oneClick = await app.request(local(url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(oneClick.status, 200);
    assert.deepEqual(await check(['ann@example.test'], 'marketing', 'news'), [false]);
    assert.deepEqual(await check(['ANN@example.test '], 'transactional', 'news'), [true]);
    assert.deepEqual(await check(['ann@example.test'], 'marketing', 'offers'), [true], 'only that list');
    list = await api('GET', '/api/subscriptions?list=news');
    assert.equal((list.json.subscriptions as { status: string }[])[0]!.status, 'unsubscribed');

    // Nobody but the person can put the address back.
    const again = await api('POST', '/api/subscriptions', {
      subscriptions: [{ email: 'ann@example.test', list: 'news' }],
    });
    assert.deepEqual((again.json.results as { detail: string }[])[0]!.detail, 'suppressed');
    assert.equal((await api('DELETE', '/api/suppression')).status, 403);
  });

  test('the list keeps only keyed hashes and survives erasure of the person', async () => {
    await api('POST', '/api/suppression', { addresses: ['dan@example.test'], reason: 'complaint' });
    await scope.deleteFrom('subscriptions').execute();
    const rows = await scope.selectFrom('suppressions').selectAll().execute();
    assert.ok(rows.length >= 2);
    assert.doesNotMatch(JSON.stringify(rows), /example\.test/);
    assert.deepEqual(
      await check(['dan@example.test', 'ann@example.test', 'eve@example.test'], 'marketing', 'news'),
      [false, false, true],
    );
  });

  test('CSV import reports rejected lines; re-import changes nothing; decisions honour it', async () => {
    const csv =
      'email,list\nbob@example.test\nnot-an-email\nBOB@example.test\ncarol@example.test,news\n\n,x\nfay@example.test,Bad List\n';
    const first = await api('POST', '/api/suppression/import', { csv });
    assert.equal(first.status, 201);
    assert.equal(first.json.imported, 2);
    assert.deepEqual(
      (first.json.rejected as { line: number; reason: string }[]).map((r) => [
        r.line,
        r.reason.split(':')[0],
      ]),
      [
        [3, 'not an e-mail address'],
        [4, 'duplicate of line 2'],
        [7, 'not an e-mail address'],
        [8, 'invalid list name "Bad List" (lowercase letters, digits, _ . -)'],
      ],
    );
    const second = await api('POST', '/api/suppression/import', { csv });
    assert.deepEqual([second.json.imported, second.json.already_suppressed], [0, 2]);
    await api('POST', '/api/consent', { subject: 'email:bob@example.test', choices: { newsletter: true } });
    const decision = await api(
      'GET',
      '/api/decisions?subject=email:bob@example.test&purpose=marketing.communications.email',
    );
    assert.equal(decision.json.allowed, false);
    assert.deepEqual(
      (decision.json.reasons as { code: string }[]).map((r) => r.code),
      ['suppressed'],
    );
  });

  test('preference center without JavaScript: device choices, e-mail code, the person lifts their suppression', async () => {
    const first = await app.request('/privacy-center/preferences');
    assert.equal(first.status, 200);
    const deviceCookie = first.headers.get('set-cookie')!.split(';')[0]!;
    assert.match(deviceCookie, /^custodian_device=[0-9a-f]{32}$/);
    const html = await first.text();
    assert.match(html, /name="notice_analytics" value="yes"/);
    assert.doesNotMatch(html, /notice_newsletter/, 'device choices cover cookie categories only');

    const saved = await form(
      '/privacy-center/preferences',
      { scope: 'device', notice_analytics: 'yes', notice_marketing: 'no' },
      deviceCookie,
    );
    assert.equal(saved.status, 303);
    const page = await (
      await app.request('/privacy-center/preferences?saved=1', { headers: { cookie: deviceCookie } })
    ).text();
    assert.match(page, /Your choices are saved/);
    assert.match(page, /<td>preference center<\/td><td>Analytics<\/td><td>Marketing<\/td>/);

    await form('/privacy-center/preferences/email', { email: 'bob@example.test' });
    const mail = await smtp.waitFor((m) => m.to.includes('bob@example.test') && /code/.test(m.subject));
    const code = mail.subject.match(/(\d{6})/)![1]!;
    assert.equal(
      (
        await form('/privacy-center/preferences/verify', {
          email: 'bob@example.test',
          code: code === '000000' ? '111111' : '000000',
        })
      ).status,
      400,
    );
    const verified = await form('/privacy-center/preferences/verify', { email: 'bob@example.test', code });
    assert.equal(verified.status, 303);
    const session = verified.headers.get('set-cookie')!.split(';')[0]!;
    const cookies = `${deviceCookie}; ${session}`;
    let own = await (
      await app.request('/privacy-center/preferences', { headers: { cookie: cookies } })
    ).text();
    assert.match(own, /Your choices for bob@example\.test/);
    assert.match(own, /Allow marketing e-mail again/);
    await form('/privacy-center/preferences/suppression', { action: 'resume' }, cookies);
    assert.deepEqual(await check(['bob@example.test'], 'marketing'), [true]);
    await form('/privacy-center/preferences/withdraw', { scope: 'identity' }, cookies);
    own = await (await app.request('/privacy-center/preferences', { headers: { cookie: cookies } })).text();
    assert.match(own, /<td>preference center<\/td><td>—<\/td><td>Analytics, Marketing, Newsletter<\/td>/);
  });

  test('preference center: each service of a category can be refused on its own, and the history shows it', async () => {
    const first = await app.request('/privacy-center/preferences');
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    const device = cookie.split('=')[1]!;
    const html = await first.text();
    assert.match(html, /<input type="checkbox" name="service_hotjar" value="yes" checked> Hotjar/);
    assert.match(html, /name="services_shown" value="google_analytics hotjar adnet"/);

    // Hotjar unticked inside Analytics; AdNet's box is left ticked but Marketing is refused.
    const saved = await form(
      '/privacy-center/preferences',
      {
        scope: 'device',
        notice_analytics: 'yes',
        notice_marketing: 'no',
        services_shown: 'google_analytics hotjar adnet',
        service_google_analytics: 'yes',
        service_adnet: 'yes',
      },
      cookie,
    );
    assert.equal(saved.status, 303);
    const event = await scope
      .selectFrom('consent_events')
      .select(['granted', 'denied', 'services', 'method'])
      .where('subject', '=', `device:${device}`)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    assert.deepEqual(event, {
      granted: ['analytics'],
      denied: ['marketing'],
      services: { google_analytics: true, hotjar: false },
      method: 'preference_center',
    });
    const [decision] = await decide(scope, [
      { subject: `device:${device}`, purpose: 'analytics.reporting', service: 'hotjar' },
    ]);
    assert.deepEqual(
      decision!.reasons.map((r) => r.code),
      ['service_refused'],
    );

    const page = await (await app.request('/privacy-center/preferences', { headers: { cookie } })).text();
    assert.match(
      page,
      /name="service_hotjar" value="yes"> Hotjar<\/label> <small>Currently refused<\/small>/,
    );
    assert.match(
      page,
      /name="service_google_analytics" value="yes" checked> Google<\/label> <small>Currently allowed/,
    );
    assert.match(page, /<th>Services allowed<\/th><th>Services refused<\/th>/);
    assert.match(page, /<td>Analytics<\/td><td>Marketing<\/td><td>Google<\/td><td>Hotjar<\/td>/);
  });
});
