import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { type RunningServer, startServer } from '../../http/server.ts';
import { chromiumLaunch, chromiumMissing } from '../../testing/chromium.ts';
import { mailText, startTestSmtp, type TestSmtp } from '../../testing/smtp.ts';
import { memoryStore } from '../../testing/store.ts';
import { loadClaromentis } from '../fixtures/claromentis.ts';

const skip = chromiumMissing;

describe('subscribing to notice changes in a real browser, JavaScript off', { skip }, () => {
  let smtp: TestSmtp;
  let server: RunningServer;
  let browser: BrowserContext;
  let page: Page;
  let userDataDir: string;

  before(async () => {
    smtp = await startTestSmtp();
    server = await startServer({
      port: 0,
      store: await memoryStore(),
      mailer: smtp.mailer,
      jobs: false,
      log: () => undefined,
    });
    const program = await loadClaromentis();
    program.doc.notice = { ...program.doc.notice!, languages: ['en', 'fr'] };
    const api = (p: string, body: unknown) =>
      fetch(`${server.url}${p}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.ownerKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    assert.equal(
      (await api('/api/programs', { program: program.doc, datasets: program.datasets })).status,
      201,
    );
    assert.equal((await api('/api/notice/versions', {})).status, 201);
    userDataDir = await mkdtemp(path.join(tmpdir(), 'custodian-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      ...chromiumLaunch,
      javaScriptEnabled: false,
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  test('switch to French, subscribe from the notice, confirm from the emailed link', async () => {
    await page.goto(`${server.url}/privacy`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByRole('link', { name: 'Français' }).click();
    assert.match(page.url(), /\/privacy\?lang=fr$/);
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    assert.equal(await page.getByRole('link', { name: 'Deutsch' }).count(), 0, 'German is not published');

    // The browser's own check stops an address that is not one; nothing is sent.
    const email = page.getByLabel('Adresse e-mail');
    await email.fill('pas-une-adresse');
    await page.getByRole('button', { name: 'M’abonner' }).click();
    assert.match(page.url(), /\/privacy\?lang=fr$/);
    assert.equal(smtp.messages.length, 0);

    await email.fill('lectrice@example.org');
    await page.getByRole('button', { name: 'M’abonner' }).click();
    await page.getByRole('heading', { name: 'Consultez votre messagerie' }).waitFor();
    assert.match((await page.getByRole('status').textContent()) ?? '', /lectrice@example\.org/);

    const mail = await smtp.waitFor((m) => m.to.includes('lectrice@example.org'));
    const link = /https?:\/\/\S+\/privacy\/subscribe\/confirm\?\S+/.exec(mailText(mail))?.[0];
    assert.ok(link, mailText(mail));
    await page.goto(link.replace(/^https?:\/\/[^/]+/, server.url));
    await page.getByRole('button', { name: 'Confirmer' }).click();
    await page.getByRole('heading', { name: 'Vous êtes abonné' }).waitFor();
    await page.getByRole('link', { name: 'Retour à la politique de confidentialité' }).click();
    assert.match(page.url(), /\/privacy\?lang=fr$/);
  });
});
