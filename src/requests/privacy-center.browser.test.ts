import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { crashTestPolicy } from '../execution/fixtures/policies.ts';
import { createShop, type ShopFixture, shopUnavailable } from '../execution/fixtures/shop-fixture.ts';
import { type RunningServer, startServer } from '../http/server.ts';
import { chromiumLaunch, chromiumMissing } from '../testing/chromium.ts';
import { mailText, startTestSmtp, type TestSmtp } from '../testing/smtp.ts';
import { memoryStore } from '../testing/store.ts';
import { configureRequestServices } from './request-services.ts';
import { requestProgramBundle, testClock } from './testing/request-fixture.ts';

const skip = chromiumMissing ?? (await shopUnavailable());

describe('privacy center in a real browser, with the job queue and a real shop database', { skip }, () => {
  let shop: ShopFixture;
  let smtp: TestSmtp;
  let server: RunningServer;
  let browser: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let packageDir: string;
  const clock = testClock('2025-03-03T10:00:00Z');

  const api = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${server.ownerKey}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    assert.ok(res.status < 300, `${method} ${url}: ${res.status} ${await res.clone().text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };

  before(async () => {
    shop = await createShop();
    smtp = await startTestSmtp();
    const store = await memoryStore();
    server = await startServer({
      port: 0,
      store,
      mailer: smtp.mailer,
      clock,
      jobs: true,
      log: () => undefined,
    });
    packageDir = await mkdtemp(path.join(tmpdir(), 'custodian-pc-'));
    configureRequestServices(server.services, {
      connections: { overrides: shop.connectors },
      erasurePolicy: crashTestPolicy,
      packageDir,
    });
    await api('POST', '/api/programs', await requestProgramBundle({ notice: { languages: ['en', 'de'] } }));
    await api('PUT', '/api/requests/settings', { manual_approval: { access: true, erasure: true } });
    userDataDir = await mkdtemp(path.join(tmpdir(), 'custodian-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      ...chromiumLaunch,
      javaScriptEnabled: false,
      acceptDownloads: true,
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
    await shop?.drop();
    await rm(userDataDir, { recursive: true, force: true });
    await rm(packageDir, { recursive: true, force: true });
  });

  /** Fills the form as a person would (JavaScript off) and confirms with the emailed code. */
  async function submitAndVerify(type: string, email: string): Promise<string> {
    await page.goto(`${server.url}/privacy-center`);
    assert.ok(await page.getByRole('banner').isVisible());
    await page.getByLabel(type).check();
    await page.getByLabel('Where do you live?').selectOption('gdpr');
    await page.getByLabel('Your email address').fill(email);
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    const id = page.url().split('/')[5]!;
    const mail = await smtp.waitFor((m) => m.to.includes(email) && /verification code/.test(m.subject));
    const code = mailText(mail).match(/\b(\d{6})\b/)![1]!;
    await page.getByLabel('Confirmation code').fill(code);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: /your request is confirmed/ }).waitFor();
    return id;
  }

  test('an empty form shows its errors linked to the fields', async () => {
    await page.goto(`${server.url}/privacy-center`);
    await page.getByRole('button', { name: 'Send request' }).click();
    const summary = page.getByRole('alert');
    await summary.waitFor();
    await summary.getByRole('link', { name: /Enter your email address/ }).click();
    assert.equal(await page.getByLabel('Your email address').getAttribute('aria-invalid'), 'true');
  });

  test('the language switcher leads to the German form, whose errors are German too', async () => {
    await page.goto(`${server.url}/privacy-center`);
    await page.getByRole('link', { name: 'Deutsch' }).click();
    await page.getByRole('heading', { name: 'Datenschutzanfrage stellen' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    await page.getByRole('button', { name: 'Anfrage senden' }).click();
    const summary = page.getByRole('alert');
    await summary.waitFor();
    await summary.getByRole('link', { name: /Geben Sie Ihre E-Mail-Adresse ein/ }).click();
    assert.equal(
      await page.getByLabel('Ihre E-Mail-Adresse', { exact: true }).getAttribute('aria-invalid'),
      'true',
    );
  });

  test('access: submit, verify the emailed code, reviewer approves, the package link downloads once', async () => {
    const id = await submitAndVerify('Get a copy of my personal data', 'alice@example.com');
    const row = await api('GET', `/api/requests/${id}`);
    assert.equal(row.state, 'verified');
    await api('POST', `/api/requests/${id}/approve`, { note: 'identity matches the account' });
    const mail = await smtp.waitFor(
      (m) => m.to.includes('alice@example.com') && /ready to download/.test(m.subject),
      30_000,
    );
    const link = mailText(mail).match(/http:\/\/\S+\/privacy-center\/download\/\S+/)![0]!;
    const url = link.replace(/^http:\/\/[^/]+/, server.url);

    await page.goto(`${server.url}/privacy-center`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.goto(url).catch(() => undefined), // navigation turns into a download
    ]);
    const saved = path.join(packageDir, 'downloaded.zip');
    await download.saveAs(saved);
    const bytes = await readFile(saved);
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK');
    assert.ok(bytes.includes(Buffer.from('Alice')) || bytes.length > 500);

    const second = await page.goto(url);
    assert.equal(second?.status(), 410);
    assert.match((await page.textContent('main')) ?? '', /already been used/);
    const done = await api('GET', `/api/requests/${id}`);
    assert.equal(done.state, 'completed');
  });

  test('a denied erasure: the email gives the reason and the right to complain', async () => {
    const id = await submitAndVerify('Delete my personal data', 'bob@example.com');
    await api('POST', `/api/requests/${id}/deny`, {
      reason: 'legal_obligation_to_retain',
      text: 'Your open order must be kept until it is delivered and invoiced.',
    });
    const mail = await smtp.waitFor((m) => m.to.includes('bob@example.com') && /cannot act/.test(m.subject));
    const text = mailText(mail);
    assert.match(text, /open order must be kept/);
    assert.match(text, /complaint with a supervisory authority/);
  });
});
