import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { loadProgramFromDisk, type Program } from '../program/load-program.ts';
import { placeName } from './compose-notice.ts';
import { escapeHtml } from './render-html.ts';
import { renderNotice } from './render-notice.ts';
import { buildRopa, MISSING, ropaColumns } from './ropa/build-ropa.ts';

/**
 * The five example programs (modelled from the seed policies) rendered as notices: each
 * promise of shared/SEED-PROMISES.md that belongs in a notice must be there, word for word
 * where the policy gives words.
 */
const examples = ['claromentis', 'iris-connect', 'planisware', 'groupcamp', 'all-elements'] as const;
const programs = new Map<string, Program>();
const html = new Map<string, string>();

before(async () => {
  for (const name of examples) {
    const loaded = await loadProgramFromDisk(`examples/${name}`);
    if (!loaded.ok) throw new Error(`${name}: ${JSON.stringify(loaded.issues.slice(0, 3))}`);
    programs.set(name, loaded.program);
    html.set(name, renderNotice(loaded.program, { format: 'html', lang: 'en' }).content);
  }
});

const has = (name: string, text: string) => {
  assert.ok(html.get(name)!.includes(escapeHtml(text)), `${name}: the notice should say “${text}”`);
};

describe('every example notice shows what its program holds', () => {
  for (const name of examples) {
    test(name, () => {
      const program = programs.get(name)!;
      const page = html.get(name)!;
      for (const a of program.doc.activities) has(name, a.name);
      for (const a of program.doc.activities) if (a.retention) has(name, a.retention.description);
      for (const p of program.doc.processors.filter((x) => x.status === 'active')) {
        has(name, p.name);
        for (const l of p.locations) has(name, placeName(l, 'en'));
      }
      for (const c of program.doc.cookies) has(name, c.name ?? c.pattern ?? '');
      has(name, program.doc.organization.supervisory_authority.name);
      assert.match(page, /href="\/privacy-center"/);
      if (program.doc.cookies.length) assert.match(page, /href="\/privacy-center\/preferences"/);
      for (const note of Object.values(program.doc.notice?.section_notes ?? {})) has(name, note);
      // Other languages fall back to English for what is not translated, and say which keys.
      for (const lang of ['fr', 'de'] as const) {
        const r = renderNotice(program, { format: 'md', lang });
        assert.ok(r.content.length > 1000);
        assert.ok(
          r.missingKeys.every((k) => k.startsWith('california.') || k === 'deadline.ccpa'),
          `${lang}: ${r.missingKeys.join(',')}`,
        );
        if (program.doc.jurisdictions.some((j) => j.code === 'ccpa')) assert.ok(r.missingKeys.length > 0);
      }
      // ROPA: every cell filled or flagged.
      const ropa = buildRopa(program);
      for (const row of [...ropa.controllerRecords, ...ropa.processorRecords]) {
        for (const column of ropaColumns) assert.ok(row[column].trim(), `${name}: blank ${column}`);
      }
      assert.equal(
        ropa.controllerRecords.length + ropa.processorRecords.length >= program.doc.activities.length - 5,
        true,
      );
    });
  }
});

describe('seed promises that belong in a notice', () => {
  test('Claromentis: cookie tables by category, newsletter and prospect retention, sub-processors, no fee', () => {
    const page = html.get('claromentis')!;
    for (const caption of ['Strictly necessary', 'Functional', 'Analytics', 'Marketing', 'Personalisation']) {
      assert.match(page, new RegExp(`<caption>${caption} cookies</caption>`));
    }
    assert.match(page, /<th scope="row">JSESSIONID<\/th><td>Claromentis<\/td>/);
    assert.match(page, /<th scope="row">_ga<\/th><td>Google \(third party\)<\/td>/);
    has('claromentis', 'signed up over 5 years ago AND have not opened any of the last 5 campaigns');
    has('claromentis', 'up to 5 years after the initial enquiry');
    has('claromentis', 'up to 5 years after it has been terminated');
    // Survicate in Poland needs no safeguard; US sub-processors show theirs (Privacy Shield, flagged invalid).
    assert.match(
      page,
      /Survicate<\/th><td>Surveys: [^<]*<\/td><td>Sub-processor<\/td><td>Poland<\/td><td>Not needed/,
    );
    assert.match(
      page,
      /HubSpot<\/th>.*?<td>United States<\/td><td>EU-US Privacy Shield \(no longer a valid safeguard\)/,
    );
    has('claromentis', 'There is no fee for exercising your rights.');
    has('claromentis', 'contact your intranet administrator');
  });

  test('IRIS Connect: 90-day recordings, basis per subject type, unsubscribe kept, EU/US/Australia hosting', () => {
    has('iris-connect', 'Screen recordings are automatically deleted after 90 days.');
    has('iris-connect', 'Period: 90 days, counted from recording');
    has('iris-connect', 'Customer: Performance of a contract with you, or steps before one');
    has('iris-connect', 'Prospect: Our legitimate interests, balanced against yours');
    has('iris-connect', 'the address is kept to record that they unsubscribed');
    for (const place of ['Ireland', 'United States', 'Australia']) has('iris-connect', place);
  });

  test('Planisware: twice in 12 months, GPC, no sale, 30-day answer, 3-month visitor data, Do Not Track', () => {
    has('planisware', 'Your California privacy rights');
    has('planisware', 'You may ask to know up to 2 times in a 12-month period.');
    has('planisware', 'We treat a Global Privacy Control (GPC) signal');
    has('planisware', 'We do not sell or share your personal information');
    has('planisware', 'We aim to answer within 30 days.');
    has('planisware', 'Generally up to 3 months.');
    has('planisware', 'Period: 3 months, counted from collection');
    has('planisware', 'even if the "Do Not Track" function of your browser is turned on');
    has('planisware', 'You may designate an authorized agent');
  });

  test('GroupCamp: the customer is the controller, card data only as last 4 digits, CNIL', () => {
    has('groupcamp', 'each customer is the controller and we act as its processor');
    has('groupcamp', 'last 4 digits (XXXX-XXXX-XXXX-1234)');
    has('groupcamp', "Commission Nationale de l'Informatique et des Libertés (CNIL)");
  });

  test('All Elements: 30 days after expiry, 1-year inactivity, Stripe with location and safeguard', () => {
    has('all-elements', '30 days after it expires, all data of the account is deleted');
    has('all-elements', 'Period: 30 days, counted from subscription expiry');
    has('all-elements', '1 year or longer');
    // The policy names no transfer safeguard for Stripe (US): the notice says so, the ROPA flags it.
    const page = html.get('all-elements')!;
    assert.match(
      page,
      /<th scope="row"><a href="https:\/\/stripe\.com\/privacy">Stripe<\/a><\/th><td>Payment processing: [^<]+<\/td><td>Processor<\/td><td>United States<\/td><td>No safeguard stated<\/td>/,
    );
    const ropa = buildRopa(programs.get('all-elements')!);
    const stripe = ropa.controllerRecords.find((r) => r['Categories of recipients'].includes('Stripe'));
    assert.ok(stripe);
    assert.match(stripe['Transfer safeguards'], new RegExp(`Stripe: ${MISSING}`));
  });
});
