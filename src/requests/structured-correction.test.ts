import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { shopUnavailable } from '../execution/fixtures/shop-fixture.ts';
import { mailText } from '../testing/smtp.ts';
import {
  customerRoutedProgramBundle,
  type ShopHarness,
  shopRequestHarness,
} from './testing/request-fixture.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies of many shapes
type Json = Record<string, any>;

const skip = await shopUnavailable();

describe('corrections on the privacy center: by kind of data, pre-filled for the reviewer', { skip }, () => {
  let h: ShopHarness;
  before(async () => {
    h = await shopRequestHarness();
  });
  after(() => h?.close());

  const post = (fields: Record<string, string>) => {
    const form = new FormData();
    form.set('type', 'rectification');
    form.set('jurisdiction', 'gdpr');
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    return h.app.request('/privacy-center/requests', { method: 'POST', body: form });
  };
  /** Submits, confirms with the emailed code (a plain form post, as without JavaScript); returns the id. */
  const submitAndVerify = async (fields: Record<string, string>) => {
    const res = await post(fields);
    assert.equal(res.status, 303, await res.clone().text());
    const verifyUrl = res.headers.get('location')!;
    const mail = await h.smtp.waitFor(
      (m) => m.to.includes(fields.email!) && /verification code/.test(m.subject),
    );
    const code = mailText(mail).match(/\b(\d{6})\b/)![1]!;
    const ok = await h.app.request(verifyUrl, { method: 'POST', body: new URLSearchParams({ code }) });
    assert.equal(ok.status, 200);
    return verifyUrl.split('/')[3]!;
  };
  const get = async (id: string) =>
    (await (await h.request('GET', `/api/requests/${id}`, undefined, h.keys.reviewer)).json()) as Json;
  const put = (id: string, changes: Record<string, string>) =>
    h.request('PUT', `/api/requests/${id}/correction`, { changes }, h.keys.reviewer);

  test('the form offers the kinds of data the program declares, by label, inside a disclosure that needs no script', async () => {
    const html = await (await h.app.request('/privacy-center')).text();
    assert.match(html, /<details><summary>Correcting your data\? Tell us what is wrong<\/summary>/);
    for (const label of ['Name', 'Email', 'City', 'Postal Code', 'Phone Number'])
      assert.match(html, new RegExp(`<label for="fix-[a-z-_]+">${label}</label>`), label);
    assert.match(
      html,
      /<label for="correction">Something else: what is wrong and what should it say\?<\/label>/,
    );
    // No field names; nothing the program does not declare (IP addresses, browsing history).
    assert.doesNotMatch(html, /customers\.|holder_name|fix-user-device|fix-user-behavior-browsing/);

    // Chosen but left empty: the error links to the box, and the disclosure comes back open.
    const empty = await post({ email: 'nobody@example.com' });
    assert.equal(empty.status, 422);
    const page = await empty.text();
    assert.match(page, /<details open>/);
    assert.match(page, /<a href="#correction">/);
    // A value too long is refused next to its own box, with what was typed kept.
    const long = await post({ email: 'nobody@example.com', 'fix-user-name': 'x'.repeat(501) });
    assert.equal(long.status, 422);
    const longPage = await long.text();
    assert.match(longPage, /<a href="#fix-user-name">/);
    assert.match(longPage, /id="fix-user-name" name="fix-user-name" aria-invalid="true"/);
    assert.match(longPage, /value="x{501}"/);
  });

  test('what the person picked arrives as field changes; the reviewer adjusts them and the run applies exactly those', async () => {
    const id = await submitAndVerify({
      email: 'alice@example.com',
      'fix-user-name': 'Alice Smith',
      'fix-user-contact-address-city': 'Bristol',
      correction: 'My loyalty nickname should be Alicat',
    });
    const asked = await get(id);
    assert.equal(asked.state, 'verified', 'a correction made by category waits for a reviewer');
    assert.deepEqual(asked.details.category_corrections, {
      'user.name': 'Alice Smith',
      'user.contact.address.city': 'Bristol',
    });
    assert.equal(asked.details.correction_text, 'My loyalty nickname should be Alicat');
    const prefilled = asked.details.correction as Record<string, string>;
    assert.equal(prefilled['shop:customers.name'], 'Alice Smith');
    assert.equal(prefilled['shop:payment_cards.holder_name'], 'Alice Smith');
    assert.equal(prefilled['crm:loyalty_accounts.nickname'], 'Alice Smith');
    assert.equal(prefilled['shop:addresses.city'], 'Bristol');
    const fields = asked.correction_fields as Json[];
    assert.deepEqual(
      fields.find((f) => f.field === 'shop:customers.name'),
      { field: 'shop:customers.name', category: 'user.name', label: 'Name' },
    );
    assert.ok(!fields.some((f) => f.field === 'shop:customers.id'), 'primary keys are not offered');

    // Fields a run cannot change are refused with their path.
    const bad = await put(id, { 'shop:customers.id': '7', 'nowhere.field': 'x' });
    assert.equal(bad.status, 422);
    const paths = ((await bad.json()) as Json).error.details.map((d: Json) => d.path);
    assert.deepEqual(paths, ['body.changes.shop:customers.id', 'body.changes.nowhere.field']);

    // The address is shared with another customer and the card holder is right: the reviewer
    // keeps the name, drops those, and writes the nickname from the person's words.
    const adjusted = await put(id, {
      'shop:customers.name': 'Alice Smith',
      'crm:loyalty_accounts.nickname': 'Alicat',
    });
    assert.equal(adjusted.status, 200, await adjusted.clone().text());
    const events = (await (await h.request('GET', `/api/requests/${id}/events`)).json()) as Json;
    const changed = events.events.find((e: Json) => e.kind === 'correction_changed');
    assert.deepEqual(changed.details.changed, ['crm:loyalty_accounts.nickname']);
    assert.ok(changed.details.removed.includes('shop:addresses.city'));
    assert.doesNotMatch(JSON.stringify(changed), /Alicat|Alice Smith/, 'values stay out of the history');

    const done = (await (
      await h.request('POST', `/api/requests/${id}/approve`, {}, h.keys.reviewer)
    ).json()) as Json;
    assert.equal(done.state, 'completed', JSON.stringify(done.result));
    assert.deepEqual(await h.shop.sql("SELECT name FROM customers WHERE email = 'alice@example.com'"), [
      { name: 'Alice Smith' },
    ]);
    assert.deepEqual(await h.shop.sql('SELECT city FROM addresses WHERE id = 1'), [{ city: 'Dublin' }]);
    assert.deepEqual(await h.shop.sql('SELECT holder_name FROM payment_cards WHERE customer_id = 1'), [
      { holder_name: 'A LIDDELL' },
    ]);
    const [loyalty] = await h.shop.mysql('SELECT nickname FROM loyalty_accounts WHERE id = 10');
    assert.equal(loyalty?.nickname, 'Alicat');
    // Closed: the correction can no longer change.
    assert.equal((await put(id, { 'shop:customers.name': 'x' })).status, 409);
  });

  test('a correction only in words cannot be approved until the reviewer names the fields', async () => {
    const id = await submitAndVerify({ email: 'bob@example.com', correction: 'My phone is +353 1 999' });
    const row = await get(id);
    assert.deepEqual([row.state, row.details.correction], ['verified', undefined]);
    const early = await h.request('POST', `/api/requests/${id}/approve`, {}, h.keys.reviewer);
    assert.equal(early.status, 409);
    assert.match(((await early.json()) as Json).error.message, /say which fields to change first/);
    assert.equal((await put(id, { 'shop:customers.phone': '+353 1 999' })).status, 200);
    const done = (await (
      await h.request('POST', `/api/requests/${id}/approve`, {}, h.keys.reviewer)
    ).json()) as Json;
    assert.equal(done.state, 'completed', JSON.stringify(done.result));
    assert.deepEqual(await h.shop.sql("SELECT phone FROM customers WHERE email = 'bob@example.com'"), [
      { phone: '+353 1 999' },
    ]);
  });

  test('a business customer cannot approve a correction in words before its fields are named; the link stays usable', async () => {
    const bundle = await customerRoutedProgramBundle();
    assert.equal((await h.request('POST', '/api/programs', bundle)).status, 201);
    const created = (await (
      await h.request('POST', '/api/requests', {
        type: 'rectification',
        jurisdiction: 'gdpr',
        identities: { email: 'carol@example.com' },
        verified_account: { account_id: '3' },
        details: { correction_text: 'My name is Carol Danvers' },
      })
    ).json()) as Json;
    assert.equal(created.customer_key, 'acme');
    const mail = await h.smtp.waitFor(
      (m) => m.to.includes('dpo@acme.example') && /needs your decision/.test(m.subject),
    );
    const link = mailText(mail).match(/http:\/\/privacy\.test(\/privacy-center\/decide\/\S+)/)![1]!;
    const early = await h.app.request(link, {
      method: 'POST',
      body: new URLSearchParams({ decision: 'approve' }),
    });
    assert.equal(early.status, 409);
    assert.match(await early.text(), /must first name the fields this correction changes/);
    assert.equal((await put(created.id, { 'shop:customers.name': 'Carol Danvers' })).status, 200);
    const approved = await h.app.request(link, {
      method: 'POST',
      body: new URLSearchParams({ decision: 'approve' }),
    });
    assert.equal(approved.status, 200);
    assert.equal((await get(created.id)).state, 'completed');
    assert.deepEqual(await h.shop.sql("SELECT name FROM customers WHERE email = 'carol@example.com'"), [
      { name: 'Carol Danvers' },
    ]);
  });

  test('apps may send categories too; an unknown one is refused with its path', async () => {
    const res = await h.request('POST', '/api/requests', {
      type: 'rectification',
      jurisdiction: 'gdpr',
      identities: { email: 'carol@example.com' },
      details: { category_corrections: { 'user.device.ip_address': '1.2.3.4' } },
    });
    assert.equal(res.status, 422);
    assert.equal(
      ((await res.json()) as Json).error.details[0].path,
      'body.details.category_corrections.user.device.ip_address',
    );
  });
});
