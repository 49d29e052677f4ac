import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { consentFixtureProgram } from '../src/consent/consent-fixture.ts';
import { decide } from '../src/consent/decide.ts';
import { bootstrapWorkspace, createWorkspace } from '../src/governance/workspaces.ts';
import { createApp } from '../src/http/app.ts';
import { createServices } from '../src/http/services.ts';
import { pushProgram } from '../src/program/push-program.ts';
import type { ProgramInput } from '../src/program/schema.ts';
import type { Store } from '../src/store/open-store.ts';
import type { WorkspaceScope } from '../src/store/workspace-scope.ts';
import { chromiumLaunch, chromiumMissing } from '../src/testing/chromium.ts';
import { memoryStore } from '../src/testing/store.ts';

const strictCsp =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'";

/** A shop page that embeds the banner, served under a strict CSP by the same real server. */
function sitePage(query: URLSearchParams): string {
  const site = query.get('site') ? ` data-site="${query.get('site')}"` : '';
  return `<!doctype html><html lang="${query.get('lang') ?? 'en'}"><head><meta charset="utf-8"><title>Example shop</title>
<link rel="stylesheet" href="/site/page.css"></head><body>
<h1>Example shop</h1><p>Spring collection.</p>
<a href="/site/page" id="prefs" data-custodian-open>Cookie settings</a> <a href="/site/page" id="withdraw" data-custodian-withdraw>Withdraw consent</a> <input id="search" aria-label="Search">
<script type="text/plain" data-category="analytics" src="/site/analytics.js"></script>
<script type="text/plain" data-category="marketing" src="/site/ads.js"></script>${
    query.get('services')
      ? '\n<script type="text/plain" data-category="analytics" data-service="hotjar" src="/site/hotjar.js"></script>'
      : ''
  }
<script src="/banner.js"${site} defer></script>
</body></html>`;
}

const ccpaProgram = (): ProgramInput => {
  const base = consentFixtureProgram();
  return {
    ...base,
    jurisdictions: [{ code: 'ccpa' }],
    consent_notices: base.consent_notices!.map((n) =>
      n.key === 'analytics'
        ? { ...n, mechanism: 'opt_out' }
        : n.key === 'marketing'
          ? { ...n, mechanism: 'opt_out' }
          : n,
    ),
  };
};

describe('consent banner in Chromium', {
  skip: chromiumMissing,
}, () => {
  let store: Store;
  let scope: WorkspaceScope;
  let ccpa: WorkspaceScope;
  let browser: Browser;
  let server: ReturnType<typeof serve>;
  let base: string;
  const assetRequests: string[] = [];

  before(async () => {
    store = await memoryStore();
    scope = (await bootstrapWorkspace(store.db)).scope;
    await pushProgram(scope, { program: consentFixtureProgram(), datasets: [] }, 'test');
    ccpa = await createWorkspace(store.db, 'us site');
    await pushProgram(ccpa, { program: ccpaProgram(), datasets: [] }, 'test');
    const services = createServices(store);
    const app = createApp(services);
    const site = new Hono();
    site.get('/site/page', (c) => {
      c.header('Content-Security-Policy', strictCsp);
      return c.html(sitePage(new URL(c.req.url).searchParams));
    });
    site.get('/site/page.css', (c) => {
      c.header('Content-Type', 'text/css');
      return c.body('body{font-family:Georgia,serif;margin:40px;background:#fafafa}');
    });
    const held = (name: string, cookie: string) =>
      `window.__ran=(window.__ran||[]).concat(${JSON.stringify(name)});document.cookie=${JSON.stringify(`${cookie}; path=/`)};`;
    site.get('/site/analytics.js', (c) => {
      assetRequests.push('analytics');
      c.header('Content-Type', 'application/javascript');
      return c.body(`${held('analytics', '_ga=GA1.1.42')}document.cookie='_gid=GA1.2.7; path=/';`);
    });
    site.get('/site/hotjar.js', (c) => {
      assetRequests.push('hotjar');
      c.header('Content-Type', 'application/javascript');
      return c.body(held('hotjar', '_hjid=h1'));
    });
    site.get('/site/ads.js', (c) => {
      assetRequests.push('marketing');
      c.header('Content-Type', 'application/javascript');
      return c.body(held('marketing', 'ad_id=abc'));
    });
    server = serve({
      fetch: (req, env) =>
        new URL(req.url).pathname.startsWith('/site/') ? site.fetch(req, env) : app.fetch(req, env),
      port: 0,
      hostname: '127.0.0.1',
    });
    await new Promise<void>((r) => server.once('listening', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    services.publicUrl = base;
    // Playwright gives each launch a fresh temporary profile.
    browser = await chromium.launch(chromiumLaunch);
  });
  after(async () => {
    await browser?.close();
    await new Promise<void>((r) => server.close(() => r()));
    await store.close();
  });

  async function openPage(
    context: BrowserContext,
    query = '',
  ): Promise<{ page: Page; cspErrors: string[]; consentPosts: string[] }> {
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const cspErrors: string[] = [];
    const consentPosts: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused/i.test(m.text())) cspErrors.push(m.text());
    });
    page.on('response', async (r) => {
      if (r.status() >= 400)
        cspErrors.push(`HTTP ${r.status()} ${r.url()}: ${await r.text().catch(() => '')}`);
    });
    page.on('request', (r) => {
      if (r.url().endsWith('/consent/events')) consentPosts.push(r.postData() ?? '');
    });
    await page.goto(`${base}/site/page${query}`);
    return { page, cspErrors, consentPosts };
  }

  async function eventsFor(ws: WorkspaceScope, count: number) {
    for (let i = 0; i < 100; i++) {
      const rows = await ws
        .selectFrom('consent_events')
        .select([
          'subject',
          'granted',
          'denied',
          'method',
          'gpc',
          'wording_hash',
          'page_url',
          'seq',
          'services',
        ])
        .orderBy('seq')
        .execute();
      if (rows.length >= count) return rows;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the ledger did not reach ${count} events`);
  }
  const ran = (page: Page) => page.evaluate(() => (window as unknown as { __ran?: string[] }).__ran ?? []);
  const cookieNames = async (context: BrowserContext) => (await context.cookies()).map((c) => c.name).sort();

  test('reject all: held scripts never load, no tracking cookie, one ledger event', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const { page, cspErrors } = await openPage(context);
    const dialog = page.getByRole('dialog', { name: 'Your privacy choices' });
    await dialog.waitFor();
    // Equal prominence: accept and reject are the same size and style.
    const [reject, accept] = [
      dialog.getByRole('button', { name: 'Reject all' }),
      dialog.getByRole('button', { name: 'Accept all' }),
    ];
    const [rb, ab] = [await reject.boundingBox(), await accept.boundingBox()];
    assert.ok(rb && ab && Math.abs(rb.height - ab.height) < 1);
    await page.screenshot({ path: '/tmp/banner-first-visit.png' });
    await reject.click();
    await page.getByRole('button', { name: 'Privacy choices' }).waitFor();
    const rows = await eventsFor(scope, 1);
    await page.waitForTimeout(300);
    assert.deepEqual(await ran(page), []);
    assert.deepEqual(assetRequests, []);
    assert.deepEqual(await cookieNames(context), ['custodian_consent']);
    assert.equal(rows.length, 1);
    assert.deepEqual(
      [rows[0]!.granted, rows[0]!.denied, rows[0]!.method],
      [[], ['analytics', 'marketing'], 'banner'],
    );
    assert.match(rows[0]!.wording_hash ?? '', /^[0-9a-f]{64}$/);
    assert.equal(rows[0]!.page_url, `${base}/site/page`);
    const layer = await page.evaluate(() =>
      JSON.stringify((window as unknown as { dataLayer: unknown[] }).dataLayer),
    );
    assert.match(
      layer,
      /"1":"default","2":\{"security_storage":"granted","analytics_storage":"denied","ad_storage":"denied","ad_user_data":"denied","ad_personalization":"denied","functionality_storage":"denied","personalization_storage":"denied"/,
    );
    await page.screenshot({ path: '/tmp/banner-after-reject.png' });
    assert.deepEqual(cspErrors, []);
    await context.close();
  });

  test('accept analytics only, then withdraw: cookies cleared and scripts stop', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    const { page, cspErrors } = await openPage(context);
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Choose' }).click();
    await dialog.getByRole('checkbox', { name: 'Analytics' }).check();
    await dialog.locator('summary').first().click();
    await page.screenshot({ path: '/tmp/banner-customize.png' });
    await dialog.getByRole('button', { name: 'Save choices' }).click();
    await page.waitForFunction(() => ((window as unknown as { __ran?: string[] }).__ran ?? []).length > 0);
    assert.deepEqual(await ran(page), ['analytics']);
    const layer = await page.evaluate(() =>
      JSON.stringify((window as unknown as { dataLayer: unknown[] }).dataLayer),
    );
    assert.match(
      layer,
      /"1":"update","2":\{"security_storage":"granted","analytics_storage":"granted","ad_storage":"denied"/,
    );
    assert.deepEqual(await cookieNames(context), ['_ga', '_gid', 'custodian_consent']);

    // The choice is remembered on the next page.
    await page.reload();
    await page.waitForFunction(() => ((window as unknown as { __ran?: string[] }).__ran ?? []).length > 0);
    assert.equal(await page.getByRole('dialog').count(), 0);

    // A single-page app adds a held script later: it runs while the category is allowed.
    const addHeld = () =>
      page.evaluate(() => {
        const s = document.createElement('script');
        s.type = 'text/plain';
        s.dataset.category = 'analytics';
        s.src = '/site/analytics.js?spa=1';
        document.body.append(s);
      });
    await addHeld();
    await page.waitForFunction(() => ((window as unknown as { __ran?: string[] }).__ran ?? []).length === 2);

    // Withdrawal in one click on the site's own link.
    await page.click('#withdraw');
    await page.waitForFunction(() => !document.cookie.includes('_ga='));
    assert.deepEqual(await cookieNames(context), ['custodian_consent']);
    await page.reload();
    await page.waitForTimeout(500);
    await addHeld();
    await page.waitForTimeout(300);
    assert.deepEqual(await ran(page), [], 'after withdrawal no held script runs, added later or not');
    const saved = JSON.parse(
      decodeURIComponent((await context.cookies()).find((c) => c.name === 'custodian_consent')!.value),
    );
    const rows = (await eventsFor(scope, 3)).filter((r) => r.subject === `device:${saved.d}`);
    assert.deepEqual(
      rows.map((r) => [r.granted, r.denied]),
      [
        [['analytics'], ['marketing']],
        [[], ['analytics', 'marketing']],
      ],
    );
    assert.match(saved.r, /^[\w-]+\.[\w-]+$/, 'a signed receipt from the server is kept');
    assert.equal(assetRequests.filter((a) => a === 'marketing').length, 0);
    assert.deepEqual(cspErrors, []);
    await context.close();
  });

  test('one service switched off inside an allowed category: recorded server-side, its held script never runs', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    const { page, cspErrors } = await openPage(context, '?services=1');
    const before = (await eventsFor(scope, 0)).length;
    const hotjarLoads = () => assetRequests.filter((a) => a === 'hotjar').length;
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Choose' }).click();
    await dialog.getByRole('checkbox', { name: 'Analytics' }).check();
    await dialog.locator('summary').first().click();
    await dialog.getByRole('checkbox', { name: 'Hotjar' }).uncheck();
    await page.screenshot({ path: '/tmp/banner-service-off.png' });
    await dialog.getByRole('button', { name: 'Save choices' }).click();
    await page.waitForFunction(() => ((window as unknown as { __ran?: string[] }).__ran ?? []).length > 0);
    await page.waitForTimeout(300);
    assert.deepEqual(await ran(page), ['analytics'], 'the analytics script runs, the Hotjar one does not');
    assert.equal(hotjarLoads(), 0);
    assert.ok(!(await cookieNames(context)).includes('_hjid'));

    // The ledger has the service choice with the category choice, and decisions follow it.
    const saved = JSON.parse(
      decodeURIComponent((await context.cookies()).find((c) => c.name === 'custodian_consent')!.value),
    );
    const subject = `device:${saved.d}`;
    const rows = await eventsFor(scope, before + 1);
    const last = rows.at(-1)!;
    assert.deepEqual(
      [last.subject, last.granted, last.denied, last.services],
      [subject, ['analytics'], ['marketing'], { google_analytics: true, hotjar: false }],
    );
    const ask = (service: string) =>
      decide(scope, [{ subject, purpose: 'analytics.reporting', service }]).then(([d]) => [
        d!.allowed,
        d!.reasons[0]!.code,
      ]);
    assert.deepEqual(await ask('hotjar'), [false, 'service_refused']);
    assert.deepEqual(await ask('google_analytics'), [true, 'consent_given']);

    // On the next page it stays off; switched on again, it runs and the ledger says so.
    await page.reload();
    await page.waitForFunction(() => ((window as unknown as { __ran?: string[] }).__ran ?? []).length > 0);
    await page.waitForTimeout(300);
    assert.deepEqual(await ran(page), ['analytics']);
    await page.click('#prefs');
    await page.getByRole('dialog').locator('summary').first().click();
    await page.getByRole('dialog').getByRole('checkbox', { name: 'Hotjar' }).check();
    await page.getByRole('dialog').getByRole('button', { name: 'Save choices' }).click();
    await page.waitForFunction(() =>
      ((window as unknown as { __ran?: string[] }).__ran ?? []).includes('hotjar'),
    );
    assert.equal(hotjarLoads(), 1);
    assert.deepEqual((await eventsFor(scope, before + 2)).at(-1)!.services, {
      google_analytics: true,
      hotjar: true,
    });
    assert.deepEqual(await ask('hotjar'), [true, 'consent_given']);
    assert.deepEqual(cspErrors, []);
    await context.close();
  });

  test('GPC: sale and sharing opted out without a prompt, shown as honored, recorded with the flag', async () => {
    const context = await browser.newContext({
      viewport: { width: 1000, height: 600 },
      extraHTTPHeaders: { 'Sec-GPC': '1' },
    });
    await context.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }),
    );
    const before = (await eventsFor(ccpa, 0)).length;
    const { page } = await openPage(context, `?site=${ccpa.workspaceId}`);
    await page.getByText('Opt-out preference signal honored').waitFor();
    assert.equal(await page.getByRole('dialog').count(), 0);
    const rows = await eventsFor(ccpa, before + 1);
    const last = rows.at(-1)!;
    assert.deepEqual(
      [last.method, last.gpc, last.granted, last.denied],
      ['gpc', true, ['analytics'], ['marketing']],
    );
    await page.waitForFunction(() => ((window as unknown as { __ran?: string[] }).__ran ?? []).length > 0);
    assert.deepEqual(await ran(page), ['analytics']);
    await page.screenshot({ path: '/tmp/banner-gpc.png' });
    // An explicit later choice is recorded too.
    await page.getByRole('button', { name: 'Privacy choices' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Accept all' }).click();
    const after = await eventsFor(ccpa, before + 2);
    assert.deepEqual(
      [after.at(-1)!.method, after.at(-1)!.gpc, after.at(-1)!.granted],
      ['banner', true, ['analytics', 'marketing']],
    );
    await context.close();
  });

  test('keyboard only: focus trapped in the dialog, choices made with keys, focus restored', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    const { page } = await openPage(context);
    await page.getByRole('dialog').waitFor();
    const focused = () =>
      page.evaluate(() => {
        const host = document.getElementById('custodian-consent');
        const inner = host?.shadowRoot?.activeElement;
        return inner
          ? `${inner.tagName}:${inner.textContent || (inner as HTMLInputElement).dataset.k || ''}`
          : `page:${document.activeElement?.tagName}`;
      });
    assert.equal(await focused(), 'BUTTON:Reject all');
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      seen.add(await focused());
    }
    assert.ok(
      [...seen].every((f) => !f.startsWith('page:')),
      `focus left the dialog: ${[...seen].join(', ')}`,
    );
    // Back to "Choose", open the details, tick Analytics with Space, save with Enter.
    for (let i = 0; i < 10 && (await focused()) !== 'BUTTON:Choose'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    assert.equal(await focused(), 'INPUT:analytics');
    await page.keyboard.press('Space');
    for (let i = 0; i < 20 && (await focused()) !== 'BUTTON:Save choices'; i++)
      await page.keyboard.press('Tab');
    await page.screenshot({ path: '/tmp/banner-keyboard-focus.png' });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => ((window as unknown as { __ran?: string[] }).__ran ?? []).length > 0);
    assert.deepEqual(await ran(page), ['analytics']);
    // Reopen from the page's own link by keyboard; Escape closes and gives focus back.
    await page.focus('#prefs');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    assert.equal(await focused(), 'INPUT:analytics');
    await page.keyboard.press('Escape');
    assert.equal(await page.getByRole('dialog').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'prefs');
    await context.close();
  });

  test('right-to-left language and re-prompt after the consent notices change', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const { page } = await openPage(context, '?lang=ar');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute('dir'), 'rtl');
    await page.screenshot({ path: '/tmp/banner-rtl.png' });
    await dialog.getByRole('button', { name: 'قبول الكل' }).click();
    await page.reload();
    await page.waitForFunction(() => ((window as unknown as { __ran?: string[] }).__ran ?? []).length === 2);
    assert.equal(await page.getByRole('dialog').count(), 0);
    // A newer consent notice version than the one answered (as after a material change).
    const cookie = (await context.cookies()).find((c) => c.name === 'custodian_consent')!;
    const saved = JSON.parse(decodeURIComponent(cookie.value));
    await page.evaluate((v) => {
      const s = JSON.parse(localStorage.getItem('custodian_consent')!);
      s.v = v;
      localStorage.setItem('custodian_consent', JSON.stringify(s));
      // biome-ignore lint/suspicious/noDocumentCookie: the banner reads this cookie; the test rewrites it.
      document.cookie = `custodian_consent=${encodeURIComponent(JSON.stringify(s))};path=/`;
    }, saved.v - 1);
    await page.reload();
    await page.getByRole('dialog').waitFor();
    await page.waitForTimeout(300);
    assert.deepEqual(await ran(page), [], 'nothing runs until the new notice is answered');
    await page.screenshot({ path: '/tmp/banner-reprompt.png' });
    await context.close();
  });
});
