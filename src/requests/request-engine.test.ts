import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Connector } from '../connectors/connector.ts';
import { AppError } from '../errors.ts';
import { crashTestPolicy } from '../execution/fixtures/policies.ts';
import { shopUnavailable } from '../execution/fixtures/shop-fixture.ts';
import { readZip } from '../execution/testing/read-zip.ts';
import { mailText } from '../testing/smtp.ts';
import { configureRequestServices } from './request-services.ts';
import {
  customerRoutedProgramBundle,
  type ShopHarness,
  shopRequestHarness,
} from './testing/request-fixture.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies of many shapes
type Json = Record<string, any>;

const skip = await shopUnavailable();

describe('requests run by the execution engine on a real PostgreSQL + MariaDB shop', { skip }, () => {
  let h: ShopHarness;
  before(async () => {
    h = await shopRequestHarness({ erasurePolicy: crashTestPolicy });
    await h.request('PUT', '/api/requests/settings', { manual_approval: { access: true, erasure: true } });
  });
  after(() => h?.close());

  const linkIn = (text: string, path: string) =>
    text.match(new RegExp(`http://privacy\\.test(${path}[^\\s]+)`))![1]!;

  test('access: approved by a reviewer, the package link arrives by email and works once', async () => {
    const created = (await (
      await h.request('POST', '/api/requests', {
        type: 'access',
        jurisdiction: 'gdpr',
        identities: { email: 'alice@example.com' },
        verified_account: { account_id: '1' },
      })
    ).json()) as Json;
    assert.equal(created.state, 'verified');
    const approved = (await (
      await h.request('POST', `/api/requests/${created.id}/approve`, {}, h.keys.reviewer)
    ).json()) as Json;
    assert.equal(approved.state, 'completed', JSON.stringify(approved.result));
    const mail = await h.smtp.waitFor(
      (m) => m.to.includes('alice@example.com') && /ready to download/.test(m.subject),
    );
    const path = linkIn(mailText(mail), '/privacy-center/download/');
    const download = await h.app.request(path);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'application/zip');
    const files = await readZip(Buffer.from(await download.arrayBuffer()));
    const names = [...files.keys()];
    assert.ok(
      names.some((n) => n.endsWith('.html')),
      names.join(','),
    );
    assert.ok([...files.values()].some((content) => content.includes('Alice Liddell')));
    const again = await h.app.request(path);
    assert.equal(again.status, 410);
    assert.match(await again.text(), /already been used/);
    const events = (await (await h.request('GET', `/api/requests/${created.id}/events`)).json()) as Json;
    assert.ok(events.events.some((e: Json) => e.kind === 'package_downloaded'));
  });

  test('erasure: dry run counts and writes nothing; the approved run erases; processors are listed as notified', async () => {
    const created = (await (
      await h.request('POST', '/api/requests', {
        type: 'erasure',
        jurisdiction: 'gdpr',
        identities: { email: 'bob@example.com' },
        verified_account: { account_id: '2' },
      })
    ).json()) as Json;
    const dry = (await (
      await h.request('POST', `/api/requests/${created.id}/dry-run`, undefined, h.keys.reviewer)
    ).json()) as Json;
    const customers = dry.collections.find((c: Json) => c.collection === 'shop:customers');
    assert.equal(customers.rows, 1);
    assert.equal(
      (await h.shop.sql("SELECT name FROM customers WHERE email = 'bob@example.com'"))[0]?.name,
      'Bob Builder',
    );

    const done = (await (
      await h.request('POST', `/api/requests/${created.id}/approve`, {}, h.keys.reviewer)
    ).json()) as Json;
    assert.equal(done.state, 'completed', JSON.stringify(done.result));
    assert.notEqual(
      (await h.shop.sql("SELECT count(*)::int AS n FROM customers WHERE name = 'Bob Builder'"))[0]?.n,
      1,
    );
    assert.ok(done.result.recipients_notified.length > 0);
    const mail = await h.smtp.waitFor((m) => m.to.includes('bob@example.com') && /complete/.test(m.subject));
    assert.match(mailText(mail), /informed the recipients/);
  });

  test('a failed system fails the request; the retry re-runs only what failed', async () => {
    const crm = h.shop.connectors.crm!;
    let broken = true;
    const flaky: Connector = {
      ...crm,
      kind: crm.kind,
      ping: () => crm.ping(),
      describe: (r) => crm.describe(r),
      read: (r) => crm.read(r),
      close: async () => undefined,
      update: (r) => (broken ? Promise.reject(new AppError('unavailable', 'CRM is down')) : crm.update(r)),
      delete: (r) => (broken ? Promise.reject(new AppError('unavailable', 'CRM is down')) : crm.delete(r)),
    };
    configureRequestServices(h.services, {
      connections: { overrides: { ...h.shop.connectors, crm: flaky } },
      erasurePolicy: crashTestPolicy,
    });
    const created = (await (
      await h.request('POST', '/api/requests', {
        type: 'erasure',
        jurisdiction: 'gdpr',
        identities: { email: 'alice@example.com' },
        verified_account: { account_id: '1' },
      })
    ).json()) as Json;
    const failed = (await (
      await h.request('POST', `/api/requests/${created.id}/approve`, {}, h.keys.reviewer)
    ).json()) as Json;
    assert.equal(failed.state, 'failed');
    assert.ok(
      failed.result.collections.some((c: Json) => c.collection.startsWith('crm:') && c.status === 'failed'),
    );

    broken = false;
    h.shop.queries.length = 0;
    const retried = (await (
      await h.request('POST', `/api/requests/${created.id}/retry`, undefined, h.keys.reviewer)
    ).json()) as Json;
    assert.equal(retried.state, 'completed', JSON.stringify(retried.result));
    const writes = h.shop.queries.filter((q) => /^\s*(UPDATE|DELETE)/i.test(q));
    assert.ok(writes.length > 0);
    assert.ok(
      writes.every((q) => !/"customers"|"orders"|"addresses"/.test(q)),
      `only CRM writes on retry, got: ${writes.join(' | ')}`,
    );
    configureRequestServices(h.services, {
      connections: { overrides: h.shop.connectors },
      erasurePolicy: crashTestPolicy,
    });
  });

  test('processor routing: a business customer’s user is decided by that customer through the emailed link', async () => {
    const bundle = await customerRoutedProgramBundle();
    assert.equal((await h.request('POST', '/api/programs', bundle)).status, 201);
    const created = (await (
      await h.request('POST', '/api/requests', {
        type: 'access',
        jurisdiction: 'gdpr',
        identities: { email: 'carol@example.com' },
        verified_account: { account_id: '3' },
      })
    ).json()) as Json;
    assert.equal(created.customer_key, 'acme');
    assert.equal(created.state, 'verified');
    const reviewerTry = await h.request('POST', `/api/requests/${created.id}/approve`, {}, h.keys.reviewer);
    assert.equal(reviewerTry.status, 409, 'the customer decides, not our reviewer');
    const mail = await h.smtp.waitFor(
      (m) => m.to.includes('dpo@acme.example') && /needs your decision/.test(m.subject),
    );
    const path = linkIn(mailText(mail), '/privacy-center/decide/');
    const page = await h.app.request(path);
    assert.match(await page.text(), /carol@example\.com/);
    const decided = await h.app.request(path, {
      method: 'POST',
      body: new URLSearchParams({ decision: 'approve' }),
    });
    assert.equal(decided.status, 200);
    const after = (await (await h.request('GET', `/api/requests/${created.id}`)).json()) as Json;
    assert.equal(after.customer_decision, 'approved');
    assert.equal(after.state, 'completed');
    assert.equal(
      (await h.app.request(path, { method: 'POST', body: new URLSearchParams({ decision: 'deny' }) })).status,
      410,
    );
  });
});
