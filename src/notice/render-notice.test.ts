import assert from 'node:assert/strict';
import { test } from 'node:test';
import { smallProgram } from './fixtures/small-program.ts';
import { renderNotice } from './render-notice.ts';

test('the HTML notice shows every section from program data, accessibly marked up', () => {
  const { content, missingKeys } = renderNotice(smallProgram(), { format: 'html', lang: 'en' });
  assert.deepEqual(missingKeys, []);
  assert.match(content, /<html lang="en">/);
  assert.equal(content.match(/<h1[ >]/g)?.length, 1);
  assert.match(content, /Tiny Company Ltd is the controller/);
  assert.match(content, /dpo@tiny\.example/);
  assert.match(
    content,
    /Screen recordings are automatically deleted after 90 days\. \(Period: 90 days, counted from recording\)/,
  );
  assert.match(content, /Customer: Performance of a contract/);
  assert.match(content, /Prospect: Our legitimate interests/);
  // Program text is escaped, never injected as markup.
  assert.match(content, /Cloud Hoster &lt;Inc&gt;/);
  assert.match(content, /Standard contractual clauses/);
  assert.match(content, /<caption>Strictly necessary cookies<\/caption>/);
  assert.match(content, /names matching _ta_\*/);
  assert.match(content, /href="\/privacy-center\/preferences"/);
  assert.match(content, /href="\/privacy-center"/);
  assert.match(content, /no fee/i);
  assert.match(content, /Data Protection Commission/);
  assert.match(content, /We review cookies every quarter\./);
  assert.match(content, /<th scope="col">/);
  assert.match(content, /<th scope="row">/);
  assert.match(content, /--brand:#7a1f5c/);
  assert.doesNotMatch(content, /style="/, 'no inline style attributes (strict CSP)');
  assert.doesNotMatch(content, /<script/);
  // No California section without CCPA.
  assert.doesNotMatch(content, /California/);
});

test('a linked stylesheet carries the brand colour so the page works under a strict CSP', () => {
  const { content } = renderNotice(smallProgram(), {
    format: 'html',
    lang: 'en',
    stylesheet: { href: '/privacy/notice.css' },
  });
  assert.match(content, /<link rel="stylesheet" href="\/privacy\/notice\.css\?brand=7a1f5c">/);
  assert.doesNotMatch(content, /<style>/);
});

test('Markdown carries the same content as HTML', () => {
  const { content } = renderNotice(smallProgram(), { format: 'md', lang: 'en' });
  assert.match(content, /^# Privacy notice — Tiny Co/);
  assert.match(content, /\| sid \| Tiny Co \| Keeps you signed in \| session \|/);
  assert.match(content, /automatically deleted after 90 days/);
  assert.match(content, /Cloud Hoster \\<Inc\\>/);
});

test('the California section appears with CCPA: categories, sale, access limit, GPC', () => {
  const program = smallProgram({
    jurisdictions: [{ code: 'gdpr' }, { code: 'ccpa' }],
    rights: {
      offered: ['access', 'erasure', 'opt_out_sale'],
      access_limit_per_year: 2,
      authorized_agents: true,
    },
    consent_notices: [
      {
        key: 'ads',
        name: 'Ads',
        description: 'Ads',
        data_uses: ['marketing.advertising'],
        mechanism: 'opt_out',
        honors_gpc: true,
      },
    ],
  });
  const { content } = renderNotice(program, { format: 'html', lang: 'en' });
  assert.match(content, /Your California privacy rights/);
  assert.match(content, /up to 2 times in a 12-month period/);
  assert.match(
    content,
    /Global Privacy Control \(GPC\) signal sent by your browser as a valid request to opt out/,
  );
  assert.match(content, /We do not sell or share your personal information/);
  assert.match(content, /authorized agent/);
});

test('French and German fall back to English for untranslated texts and report them', () => {
  const program = smallProgram({ jurisdictions: [{ code: 'gdpr' }, { code: 'ccpa' }] });
  for (const lang of ['fr', 'de'] as const) {
    const { content, missingKeys } = renderNotice(program, { format: 'html', lang });
    assert.match(content, new RegExp(`<html lang="${lang}">`));
    assert.ok(missingKeys.includes('california.intro'), `${lang} reports the untranslated CCPA intro`);
    // The fallback text is present, never blank.
    assert.match(content, /the California Consumer Privacy Act \(CCPA\) gives you the rights below/);
  }
  assert.match(renderNotice(program, { format: 'html', lang: 'fr' }).content, /Vos droits/);
  assert.match(renderNotice(program, { format: 'html', lang: 'de' }).content, /Ihre Rechte/);
  assert.deepEqual(renderNotice(smallProgram(), { format: 'md', lang: 'fr' }).missingKeys, []);
});
