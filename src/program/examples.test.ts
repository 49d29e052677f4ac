import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRule } from '../retention/compile-rule.ts';
import { lintProgram } from './lint/lint-program.ts';
import { loadProgramFromDisk } from './load-program.ts';

/**
 * The five seed programs in examples/. Their lint findings are the real gaps of the published
 * policies (each README explains them); a change here means a change in what Custodian says
 * about those policies, so it must be deliberate.
 */
const expected: Record<string, Record<string, number>> = {
  claromentis: {
    'transfer-invalid-mechanism': 7,
    'activity-missing-retention': 4,
    'cookie-missing-duration': 60,
    'cookie-conflicting-category': 4,
    'cookie-category-without-consent-notice': 1,
    'processor-missing-dpa': 8,
    'activity-legitimate-interests-without-assessment': 7,
    'retention-criteria-not-enforced': 1,
  },
  'iris-connect': {
    'transfer-missing-mechanism': 4,
    'activity-missing-legal-basis': 1,
    'activity-missing-retention': 2,
    'activity-legitimate-interests-without-assessment': 4,
    'cookie-missing-duration': 6,
    'cookie-missing-category': 3,
    'rights-missing': 3,
    'retention-criteria-not-enforced': 10,
  },
  groupcamp: {
    'activity-missing-retention': 6,
    'activity-missing-legal-basis': 2,
    'processor-missing-location': 4,
    'processor-missing-dpa': 2,
    'cookie-missing-duration': 1,
    'rights-missing': 1,
    'retention-criteria-not-enforced': 4,
  },
  planisware: {
    'transfer-missing-mechanism': 8,
    'activity-missing-legal-basis': 1,
    'activity-legitimate-interests-without-assessment': 6,
    'cookie-missing-duration': 4,
    'cookie-category-without-consent-notice': 2,
    'rights-missing': 2,
    'retention-criteria-not-enforced': 14,
  },
  'all-elements': {
    'organization-missing-privacy-contact': 1,
    'activity-missing-legal-basis': 6,
    'transfer-missing-mechanism': 3,
    'activity-missing-storage-location': 8,
    'processor-missing-location': 1,
    'processor-missing-dpa': 2,
    'cookie-missing-duration': 3,
    'cookie-category-without-consent-notice': 3,
    'rights-missing': 5,
    'retention-criteria-not-enforced': 6,
  },
};

/** Seed promises each example must carry as an enforceable retention rule. */
const promisedRules: Record<string, string[]> = {
  claromentis: ['newsletter_unengaged', 'prospect_enquiries', 'contract_records'],
  'iris-connect': ['support_recordings_90_days', 'organisation_deletion_anonymise'],
  groupcamp: ['purge_deleted_documents'],
  planisware: [
    'visitor_data_3_months',
    'chat_3_months',
    'email_sunset_3_years',
    'authorized_users_after_contract',
  ],
  'all-elements': ['expired_subscriptions_30_days', 'inactive_user_accounts'],
};

describe('seed programs in examples/', () => {
  for (const [name, codes] of Object.entries(expected)) {
    describe(name, () => {
      const loading = loadProgramFromDisk(new URL(`../../examples/${name}`, import.meta.url).pathname);

      it('validates', async () => {
        const result = await loading;
        assert.ok(result.ok, JSON.stringify(!result.ok && result.issues, null, 2));
      });

      it('has exactly the lint findings its README lists', async () => {
        const result = await loading;
        assert.ok(result.ok);
        const counts: Record<string, number> = {};
        for (const f of lintProgram(result.program).findings) counts[f.code] = (counts[f.code] ?? 0) + 1;
        assert.deepEqual(counts, codes);
      });

      it('compiles every retention rule against its datasets', async () => {
        const result = await loading;
        assert.ok(result.ok);
        const keys = result.program.doc.retention_rules.map((r) => r.key);
        assert.deepEqual(keys, promisedRules[name]);
        for (const rule of result.program.doc.retention_rules) {
          const compiled = compileRule(result.program, rule, new Date('2026-01-01T00:00:00Z'));
          assert.ok(compiled.key.length > 0, `${rule.key} has a primary key`);
        }
      });
    });
  }

  it('Claromentis: Privacy Shield is an error on every sub-processor that cites it', async () => {
    const result = await loadProgramFromDisk(new URL('../../examples/claromentis', import.meta.url).pathname);
    assert.ok(result.ok);
    const hits = lintProgram(result.program).findings.filter((f) => f.code === 'transfer-invalid-mechanism');
    assert.deepEqual(
      hits.map((f) => f.message.match(/processor "([^"]+)"/)?.[1]),
      ['google_cloud', 'hubspot', 'sendgrid', 'basecamp', 'g2', 'slashdot_media', 'automate_io'],
    );
    assert.ok(hits.every((f) => f.file.endsWith('custodian.yaml') && f.line > 0));
  });

  it('IRIS Connect: Table 1 keeps per-subject legal bases and per-region hosting', async () => {
    const result = await loadProgramFromDisk(
      new URL('../../examples/iris-connect', import.meta.url).pathname,
    );
    assert.ok(result.ok);
    const chat = result.program.doc.activities.find((a) => a.key === 'live_chat');
    assert.deepEqual(chat?.legal_basis, { customer: 'contract', prospect: 'legitimate_interests' });
    const platform = result.program.doc.systems.find((s) => s.key === 'platform');
    assert.equal(platform?.residency?.oce, 'AU');
  });
});
