/**
 * The console in real Chromium against a real server: sign in with the owner key, browse
 * every page, and work the flows whose APIs the server has. Screenshots of each page are
 * saved as /tmp/console-<page>.png for a person to look at.
 */
// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../src/http/console-build.ts';
import { type RunningServer, startServer } from '../src/http/server.ts';
import type { DatasetField } from '../src/program/dataset.ts';
import { loadProgramFromDisk, toBundle } from '../src/program/load-program.ts';
import { configureRequestServices } from '../src/requests/request-services.ts';
import { chromiumLaunch } from '../src/testing/chromium.ts';
import { mailText, startTestSmtp, type TestSmtp } from '../src/testing/smtp.ts';
import { memoryStore } from '../src/testing/store.ts';

const subjectEmail = 'ada.lovelace@example.com';
const suppressedEmail = 'bounced@example.com';

/**
 * The Claromentis example program with its database systems pointed at SQLite files this
 * test creates (one table per collection, one row for the data subject), so a request can
 * run to completion on a real store.
 */
async function seededBundle(dir: string) {
  const loaded = await loadProgramFromDisk('examples/claromentis');
  if (!loaded.ok) throw new Error(`example program invalid: ${JSON.stringify(loaded.issues[0])}`);
  const bundle = toBundle(loaded.program) as {
    program: { systems: { key: string; datasets?: string[]; connection?: unknown }[] };
    datasets: { fides_key: string; collections: { name: string; fields: DatasetField[] }[] }[];
  };
  for (const system of bundle.program.systems) {
    if (!system.connection || !system.datasets?.length) continue;
    const file = path.join(dir, `${system.key}.sqlite`);
    const db = new DatabaseSync(file);
    for (const ds of bundle.datasets.filter((d) => system.datasets?.includes(d.fides_key))) {
      for (const c of ds.collections) {
        const columns = c.fields.map((f) => `"${f.name}"`);
        // The company's tables keep the keys their datasets declare, as retention sweeps need.
        const key = c.fields.filter((f) => f.fides_meta?.primary_key).map((f) => `"${f.name}"`);
        const primary = key.length ? `, PRIMARY KEY (${key.join(', ')})` : '';
        db.exec(`CREATE TABLE IF NOT EXISTS "${c.name}" (${columns.join(', ')}${primary})`);
        const email = c.fields.find((f) => f.fides_meta?.identity === 'email');
        if (email) {
          const values = c.fields.map((f) =>
            f.name === email.name ? subjectEmail : f.fides_meta?.primary_key ? 1 : null,
          );
          db.prepare(
            `INSERT INTO "${c.name}" (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          ).run(...values);
        }
      }
    }
    db.close();
    system.connection = { type: 'sqlite', path: file };
  }
  // A rule that anonymises rather than deletes, masked by the program's erasure policy.
  const program = bundle.program as unknown as { retention_rules: unknown[] };
  program.retention_rules.push({
    key: 'enquiry_messages',
    description: 'The message of an enquiry 2 years on; the enquiry itself stays for the statistics.',
    target: { dataset: 'claromentis_marketing', collection: 'enquiries' },
    when: { older_than: { field: 'created_at', period: 'P2Y' } },
    action: 'anonymise',
  });
  // A business customer and a support role, so staff access can be asked for and approved.
  Object.assign(bundle.program, {
    customers: [{ key: 'acme', name: 'Acme Ltd', privacy_contact: 'dpo@acme.example' }],
    access_policies: {
      roles: [{ key: 'support', modes: ['read'] }],
      staff: [{ id: 'sam', name: 'Sam Support', role: 'support' }],
    },
  });
  return bundle;
}

describe('console in Chromium', {
  skip: process.platform !== 'linux' && 'Chromium path is Linux-only',
}, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let smtp: TestSmtp;
  let dir: string;
  let ownerKey: string;
  const consoleErrors: string[] = [];

  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(server.url + url, {
      method,
      headers: { authorization: `Bearer ${ownerKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const shot = (name: string) => page.screenshot({ path: `/tmp/console-${name}.png`, fullPage: true });
  const go = async (link: string) => {
    // Each test can run alone (--test-name-pattern): sign in first when the console is not open.
    if ((await page.getByRole('navigation', { name: 'Console' }).count()) === 0) {
      await page.goto(`${server.url}/console/`);
      await page.getByLabel('API key', { exact: true }).fill(ownerKey);
      await page.getByRole('button', { name: 'Use this key' }).click();
      await page.getByRole('navigation', { name: 'Console' }).waitFor();
    }
    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: link, exact: true })
      .click();
    await page.waitForLoadState('networkidle');
  };

  before(async () => {
    await ensureConsoleBuilt();
    dir = await mkdtemp(path.join(tmpdir(), 'custodian-console-'));
    smtp = await startTestSmtp();
    server = await startServer({
      port: 0,
      store: await memoryStore(),
      jobs: false,
      mailer: smtp.mailer,
      log: () => {},
    });
    ownerKey = server.ownerKey!;
    configureRequestServices(server.services, { packageDir: path.join(dir, 'packages') });
    await call('POST', '/api/programs', await seededBundle(dir));
    // A reviewer approves access requests before they run, so the console's Approve step is needed.
    await call('PUT', '/api/requests/settings', { manual_approval: { access: true } });
    await call('POST', '/api/requests', {
      type: 'access',
      jurisdiction: 'gdpr',
      identities: { email: subjectEmail },
      details: {},
    });
    await call('POST', '/api/consent', { subject: `email:${subjectEmail}`, choices: { newsletter: true } });
    await call('POST', '/api/consent', {
      subject: `email:${subjectEmail}`,
      choices: { newsletter: false, analytics_cookies: true },
      services: { google: true, g2: false },
    });
    await call('POST', '/api/suppression', { addresses: [suppressedEmail], reason: 'hard bounce' });
    browser = await chromium.launch(chromiumLaunch);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('a wrong key is refused; the owner key signs in and lands on the overview', async () => {
    await page.goto(`${server.url}/console/`);
    await page.getByLabel('API key', { exact: true }).fill('cus_not_a_real_key');
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.getByText('The server does not accept this key').waitFor();
    await shot('sign-in');
    await page.getByLabel('API key', { exact: true }).fill(ownerKey);
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    const requests = page.getByRole('region', { name: 'Open requests' });
    await requests.getByRole('link', { name: 'Access' }).waitFor();
    assert.match(await requests.innerText(), /days left/);
    assert.match(await page.getByRole('region', { name: 'Audit chain' }).innerText(), /Intact/);
    assert.match(await page.getByRole('region', { name: 'Program lint' }).innerText(), /warnings/);
    // The consent chart draws the seeded choices: newsletter 1 in / 1 out, analytics 1 in.
    const consent = page.getByRole('region', { name: 'Consent over the last 30 days' });
    await consent.getByRole('img', { name: /Opt-in rate per purpose/ }).waitFor();
    const legend = await consent.innerText();
    assert.match(legend, /Newsletters and marketing emails: 50% opt-in \(1 in \/ 1 out\)/);
    assert.match(legend, /Analytics cookies: 100% opt-in \(1 in \/ 0 out\)/);
    assert.match(
      await page.getByTestId('next-retention-run').innerText(),
      /Next run: newsletter_unengaged at/,
    );
    await shot('overview');
  });

  test('the data map draws the dataset graph, fields and flows of the pushed program', async () => {
    await go('Data map');
    await page.getByText(/Program version 1/).waitFor();
    await page.getByRole('tab', { name: 'Datasets' }).click();
    const graph = page.getByRole('img', { name: /Dataset graph/ });
    await graph.waitFor();
    assert.ok((await graph.locator('rect').count()) >= 4, 'one box per collection');
    assert.ok((await page.getByText('identity: email').count()) >= 1);
    await shot('data-map-datasets');
    await page.getByRole('tab', { name: 'Flows' }).click();
    await page.getByRole('img', { name: /Data flows/ }).waitFor();
    assert.match(await page.locator('main').innerText(), /HubSpot/);
    await shot('data-map-flows');
    await page.getByRole('tab', { name: 'Activities' }).click();
    await shot('data-map');
  });

  test('a request is worked from received to completed', async () => {
    await go('Requests');
    await page.getByLabel('Type').selectOption('access');
    await page.waitForLoadState('networkidle');
    await shot('requests');
    await page.getByRole('main').getByRole('link', { name: 'Access' }).first().click();
    await page.getByRole('heading', { name: 'Access request' }).waitFor();
    const identityReads = async () =>
      (
        (await call('GET', '/api/audit?action=request.identities_viewed')) as {
          entries: unknown[];
        }
      ).entries.length;
    await page.waitForLoadState('networkidle');
    assert.equal(await page.getByText(subjectEmail).count(), 0, 'identities are hidden until revealed');
    assert.equal(await identityReads(), 0, 'opening the request reads no identity');
    await page.getByRole('button', { name: /Reveal identities \(email\)/ }).click();
    await page.getByText(`email: ${subjectEmail}`).waitFor();
    assert.equal(await identityReads(), 1, 'the reveal is one audited identity read');
    await page.getByRole('button', { name: 'Verify identity' }).click();
    await page.getByLabel('How you verified').fill('Matched the account email and the last invoice number.');
    await page.getByRole('dialog').getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('main').getByText('Completed', { exact: true }).first().waitFor({ timeout: 30_000 });
    const facts = await page.locator('main').innerText();
    assert.match(facts, /succeeded/, 'per-collection results are listed');
    assert.match(facts, /Verified/i);
    await shot('request');
    await smtp.waitFor((m) => m.to.includes(subjectEmail));
  });

  test('a correction arrives as field changes pre-filled from the person’s choices; the reviewer adjusts them', async () => {
    const created = (await call('POST', '/api/requests', {
      type: 'rectification',
      jurisdiction: 'gdpr',
      identities: { email: 'grace@example.com' },
      details: { category_corrections: { 'user.name': 'Grace Hopper', 'user.job_title': 'Rear Admiral' } },
    })) as { id: string };
    await go('Requests');
    await page.goto(`${server.url}/console/requests/${created.id}`);
    const card = page.getByRole('region', { name: 'Correction' });
    await card.getByText('should be “Grace Hopper”').waitFor();
    const fields = card.getByRole('combobox', { name: 'Field' });
    assert.equal(await fields.count(), 5, 'three name fields and two job title fields');
    // The job title is right after all: remove its rows; the phone is wrong: add it.
    for (let i = 4; i >= 0; i--) {
      if ((await fields.nth(i).inputValue()).endsWith('.job_title'))
        await card.getByRole('button', { name: 'Remove' }).nth(i).click();
    }
    await card.getByRole('button', { name: 'Add a field' }).click();
    await fields.last().selectOption({ label: 'Phone Number — claromentis_discover:contacts.phone' });
    await card
      .getByRole('textbox', { name: /New value for claromentis_discover:contacts.phone/ })
      .fill('+44 20 7946 0000');
    await card.getByRole('button', { name: 'Save field changes' }).click();
    await page.waitForLoadState('networkidle');
    await shot('correction');
    const after = (await call('GET', `/api/requests/${created.id}`)) as {
      details: { correction: Record<string, string> };
    };
    assert.deepEqual(Object.keys(after.details.correction).sort(), [
      'claromentis_discover:contacts.full_name',
      'claromentis_discover:contacts.phone',
      'claromentis_discover:contracts.billing_contact_name',
      'claromentis_marketing:newsletter_subscribers.name',
    ]);
    assert.equal(after.details.correction['claromentis_discover:contacts.phone'], '+44 20 7946 0000');
  });

  test('consent: look up a subject, see state and history, ledger intact', async () => {
    await go('Consent');
    await page.getByLabel('Subject id').fill(`email:${subjectEmail}`);
    await page.getByRole('button', { name: 'Look up' }).click();
    const card = page.getByRole('region', { name: `Consent of email:${subjectEmail}` });
    await card.getByText('History (ledger events)').waitFor();
    const text = await card.innerText();
    assert.match(text, /newsletter/);
    assert.match(text, /#2/);
    // Per-service choices: the current one per service, and on the event that carried them.
    assert.match(await card.getByRole('table', { name: 'Service choices' }).innerText(), /g2\s+refused/);
    assert.match(text, /services: allowed google refused g2/);
    assert.match(await page.getByRole('region', { name: 'Ledger verification' }).innerText(), /Intact/);
    assert.match(
      await page.getByRole('region', { name: 'Opt-in rates, last 30 days' }).innerText(),
      /Newsletters and marketing emails: 50% opt-in/,
    );
    // Suppression search: matched by keyed hash, case-insensitively; another address is not.
    const suppression = page.getByRole('region', { name: 'Suppression list' });
    await suppression.getByLabel('Email address').fill('Bounced@Example.com');
    await suppression.getByRole('button', { name: 'Search' }).click();
    await suppression.getByText('Suppressed', { exact: true }).waitFor();
    assert.match(await suppression.innerText(), /all lists · hard bounce · admin/);
    assert.match(await suppression.innerText(), /is suppressed since/);
    await shot('consent');
    await suppression.getByLabel('Email address').fill('someone.else@example.com');
    await suppression.getByRole('button', { name: 'Search' }).click();
    await suppression.getByText('Not suppressed').waitFor();
    const lookups = (await call('GET', '/api/audit?action=suppression.lookup')) as { entries: unknown[] };
    assert.equal(lookups.entries.length, 2, 'each search is audited');
  });

  test('notice: publish a version, publish a material change, and read the diff', async () => {
    await go('Notice');
    await page.getByText('No notice published yet').waitFor();
    const publish = async () => {
      await page.getByRole('button', { name: 'Publish from the current program…' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Publish', exact: true }).click();
    };
    await publish();
    await page.getByRole('heading', { name: 'Published version 1' }).waitFor();
    // A new processor in the US is a material change to the notice.
    const current = (await call('GET', '/api/programs/current')) as {
      program: { processors: Record<string, unknown>[] };
      datasets: unknown[];
    };
    current.program.processors.push({
      key: 'mailgun',
      name: 'Mailgun',
      service: 'Transactional email',
      purpose: 'Send account emails',
      locations: ['US'],
      transfer_mechanism: 'sccs',
      dpa: 'https://example.com/dpa',
    });
    await call('POST', '/api/programs', { program: current.program, datasets: current.datasets });
    await publish();
    const result = page.getByRole('region', { name: 'Published version 2' });
    await result.waitFor();
    assert.match(await result.innerText(), /Material change/);
    assert.match(await result.innerText(), /Mailgun/);
    const diff = page.getByRole('region', { name: 'Compare versions' });
    await diff.getByText('Mailgun').first().waitFor();
    assert.match(await diff.innerText(), /material/);
    await shot('notice');
  });

  test('retention: rules listed, the plan previewed, holds placed and released', async () => {
    await go('Retention');
    await page.getByText('newsletter_unengaged').waitFor();
    await page.getByRole('button', { name: 'Preview plan (dry run)' }).click();
    await page
      .getByRole('cell', { name: /rows|error/ })
      .first()
      .waitFor();
    assert.doesNotMatch(await page.locator('main').innerText(), /preview to count/);
    await page.getByLabel('Email of the person').fill(subjectEmail);
    await page.getByLabel('Reason', { exact: true }).fill('Litigation hold: case 2026-17');
    await page.getByRole('button', { name: 'Place hold' }).click();
    await page.getByText('Litigation hold: case 2026-17').waitFor();
    await page.getByRole('button', { name: /Release/ }).click();
    await page.getByText('No active hold').waitFor();
    // Run the sweep from the console: confirm, see the result, and find the run in the history.
    await page
      .getByText(/no job queue on this server/)
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Run now…' }).click();
    const confirm = page.getByRole('dialog');
    await confirm.getByText(/cannot be undone/).waitFor();
    await shot('retention-confirm');
    await confirm.getByRole('button', { name: 'Run sweep' }).click();
    const result = page.getByRole('status', { name: 'Sweep result' });
    await result.getByText(/Sweep finished/).waitFor({ timeout: 30_000 });
    assert.match(await result.innerText(), /newsletter_unengaged/);
    const history = page.getByRole('region', { name: 'Run history and evidence' });
    await history.getByRole('cell', { name: /api/ }).first().waitFor();
    assert.match(await history.innerText(), /newsletter_unengaged/);
    await shot('retention');
  });

  test('retention: each rule and each run show the key columns they tell rows apart by and their masking', async () => {
    await call('POST', '/api/retention/runs', { rule: 'enquiry_messages' });
    // Come to the page afresh, so the run just started is in the history.
    await go('Overview');
    await go('Retention');
    const rule = page
      .getByRole('region', { name: 'Rules and plan' })
      .getByRole('row')
      .filter({ hasText: 'enquiry_messages' });
    await rule.getByText('unique in the database').waitFor();
    const described = await rule.innerText();
    assert.match(described, /claromentis_marketing\.enquiries · system marketing_db/);
    assert.match(described, /\bid\b/);
    assert.match(described, /Anonymise/);
    assert.match(described, /message → null \(default erasure policy user\)/);
    const run = page
      .getByRole('region', { name: 'Run history and evidence' })
      .getByRole('row')
      .filter({ hasText: 'enquiry_messages' })
      .first();
    await run.getByText(/succeeded/).waitFor();
    const evidence = await run.innerText();
    assert.match(evidence, /key id\b/);
    assert.match(evidence, /message → null \(default erasure policy user\)/);
    await page.screenshot({ path: '/tmp/retention-page.png', fullPage: true });
  });

  test('access grant: staff asks, the customer approves from the emailed link, the console shows it live', async () => {
    await call('POST', '/api/access-grants', {
      staff: 'sam',
      customer: 'acme',
      ticket: 'SUP-1042',
      purpose: 'Investigate a failed calendar sync',
      systems: ['discover'],
      hours: 4,
    });
    await go('Governance');
    await page.getByRole('tab', { name: 'Access grants' }).click();
    await page.getByText('Waiting for dpo@acme.example').waitFor();
    const mail = await smtp.waitFor((m) => m.to.includes('dpo@acme.example'));
    const link = /https?:\/\/\S+\/access\/decide\?token=[\w.-]+/.exec(mailText(mail))?.[0];
    assert.ok(link, 'the customer gets a decision link');
    // The customer decides on the page the emailed link opens, with JavaScript-free form posts.
    const customerPage = await browser.newPage();
    await customerPage.goto(link.replace(/^https?:\/\/[^/]+/, server.url));
    await customerPage.getByLabel(/Reason or note/).fill('OK for this ticket');
    await customerPage.getByRole('button', { name: 'Approve' }).click();
    await customerPage.getByText('Recorded: approve.').waitFor();
    await customerPage.close();
    await page.reload();
    const live = page.getByRole('region', { name: 'Live grants' });
    await live.getByRole('cell', { name: 'acme', exact: true }).waitFor();
    assert.match(await live.innerText(), /active/);
    await shot('governance-grants');
    await live.getByRole('button', { name: /Revoke/ }).click();
    await page.getByRole('region', { name: 'Past grants' }).getByText('revoked').waitFor();
  });

  test('no page shows a view whose API the server lacks', async () => {
    for (const link of ['Overview', 'Consent', 'Retention', 'Requests', 'Governance']) {
      await go(link);
      assert.equal(await page.getByText(/not available on this server yet/).count(), 0, link);
    }
  });

  test('governance: the audit log lists what the console did, including the identity read', async () => {
    await go('Governance');
    await page.getByRole('tab', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: 'request.identities_viewed' }).first().waitFor();
    await page.getByLabel('Action').fill('consent.*');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('cell', { name: 'consent.history.read' }).first().waitFor();
    assert.equal(await page.getByRole('cell', { name: 'request.identities_viewed' }).count(), 0);
    await shot('governance');
  });

  test('settings: a new API key is shown once and works', async () => {
    await go('Settings');
    await page.getByLabel('Key name').fill('Console test key');
    await page.getByRole('form', { name: 'Create an API key' }).locator('select').selectOption('auditor');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByTestId('new-key').innerText();
    const res = await fetch(`${server.url}/api/workspace`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    assert.equal(res.status, 200);
    await shot('settings');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    assert.equal(await page.getByTestId('new-key').count(), 0);
  });

  test('a console user is invited, sets a password, and signs in with email and password', async () => {
    await go('Settings');
    const form = page.getByRole('form', { name: 'Invite a user' });
    await form.getByLabel('Email').fill('dpo@claromentis.example');
    await form.locator('select').selectOption('reviewer');
    await form.getByRole('button', { name: 'Invite' }).click();
    await page.getByText(/Invitation emailed to dpo@claromentis.example/).waitFor();
    const mail = await smtp.waitFor((m) => m.to.includes('dpo@claromentis.example'));
    const token = /invitations\/accept\?token=([\w.-]+)/.exec(mailText(mail))?.[1];
    assert.ok(token, 'the invitation carries a link');
    const accepted = await fetch(`${server.url}/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: 'correct horse battery staple', name: 'Dana P.' }),
    });
    assert.equal(accepted.status, 201);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').fill('dpo@claromentis.example');
    await page.getByLabel('Password').fill('wrong password entirely');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('.form-error').waitFor();
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // Back where the person was (Settings), now as the invited reviewer.
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    assert.match(await page.locator('.topbar').innerText(), /Dana P\. · reviewer/i);
    // A change made with the session cookie carries the CSRF token the console echoes.
    await go('Consent');
    await page.getByLabel('Subject id').fill(`email:${subjectEmail}`);
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByRole('button', { name: 'Withdraw all consent' }).click();
    const card = page.getByRole('region', { name: `Consent of email:${subjectEmail}` });
    await card.getByText('#3').waitFor();
    await shot('signed-in-user');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Custodian' }).waitFor();
    await page.getByLabel('API key', { exact: true }).fill(ownerKey);
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.getByRole('navigation', { name: 'Console' }).waitFor();
  });

  test('deep links load the app, and the console works with the keyboard alone', async () => {
    await page.goto(`${server.url}/console/data-map`);
    await page.getByRole('heading', { name: 'Data map', level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent)) === 'Requests') break;
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Requests', level: 1 }).waitFor();
    assert.equal(
      await page.evaluate(() => document.activeElement?.tagName),
      'H1',
      'focus moves to the new page',
    );
    assert.deepEqual(consoleErrors, []);
  });
});
