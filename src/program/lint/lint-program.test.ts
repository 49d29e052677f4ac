import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { run as runLint } from '../../cli/commands/lint.ts';
import { loadProgramFromBundle, type Program } from '../load-program.ts';
import { type LintFinding, lintProgram } from './lint-program.ts';

/* A small program with every part filled in correctly: no check should fire on it. */
interface Bundle {
  // biome-ignore lint/suspicious/noExplicitAny: test fixtures are mutated freely before validation
  program: Record<string, any>;
  // biome-ignore lint/suspicious/noExplicitAny: see above
  datasets: Record<string, any>[];
}

function good(): Bundle {
  return {
    program: {
      organization: {
        name: 'Acme',
        contacts: { privacy: { email: 'privacy@acme.example' } },
        supervisory_authority: { name: 'ICO', country: 'GB' },
      },
      jurisdictions: [{ code: 'gdpr' }],
      systems: [
        {
          key: 'app',
          name: 'App',
          datasets: ['acme'],
          connection: { type: 'postgres', url_env: 'ACME_DATABASE_URL' },
        },
      ],
      activities: [
        {
          key: 'accounts',
          name: 'Accounts',
          purpose: 'Run customer accounts.',
          data_categories: ['user.contact.email', 'user.name'],
          data_subjects: ['customer'],
          data_use: 'essential.service',
          legal_basis: 'contract',
          systems: ['app'],
          storage_locations: ['IE'],
          security_measures: 'Encryption at rest; access by role.',
          retention: { period: 'P1Y', description: 'One year after the last login.', rules: ['inactive'] },
        },
        {
          key: 'newsletter',
          name: 'Newsletter',
          purpose: 'Send the newsletter.',
          data_categories: ['user.contact.email'],
          data_subjects: ['customer'],
          data_use: 'marketing.communications.email',
          legal_basis: 'consent',
          consent_notice: 'newsletter',
          systems: ['app'],
          storage_locations: ['IE'],
          security_measures: 'Encryption at rest; access by role.',
          retention: { description: 'Until the account goes.', rules: ['inactive'] },
        },
        {
          key: 'analytics',
          name: 'Analytics',
          purpose: 'Count visits.',
          data_categories: ['user.device.cookie_id'],
          data_subjects: ['visitor', 'customer'],
          data_use: 'analytics.reporting',
          legal_basis: { visitor: 'consent', customer: 'legitimate_interests' },
          legitimate_interest_assessment: 'Aggregate counts only; low impact; opt-out offered.',
          consent_notice: 'analytics',
          processors: ['counter'],
          storage_locations: ['US'],
          security_measures: 'Pseudonymous identifiers only.',
          retention: { description: 'Counted with the account.', rules: ['inactive'] },
        },
      ],
      processors: [
        {
          key: 'counter',
          name: 'Counter Inc.',
          service: 'Analytics',
          purpose: 'Counts visits',
          locations: ['US'],
          transfer_mechanism: 'eu_us_dpf',
          dpa: 'Signed 2025-01-01',
        },
      ],
      cookies: [
        { name: 'sid', provider: 'Acme', purpose: 'Session', category: 'essential', duration: 'session' },
        {
          name: '_count',
          provider: 'Counter',
          purpose: 'Counts visits',
          category: 'analytics',
          duration: '13 months',
        },
      ],
      consent_notices: [
        {
          key: 'newsletter',
          name: 'Newsletter',
          description: 'News by email.',
          data_uses: ['marketing.communications.email'],
        },
        {
          key: 'analytics',
          name: 'Analytics',
          description: 'Counting visits.',
          data_uses: ['analytics.reporting'],
          cookie_category: 'analytics',
        },
      ],
      retention_rules: [
        {
          key: 'inactive',
          target: { dataset: 'acme', collection: 'users' },
          when: { older_than: { field: 'last_login_at', period: 'P1Y' } },
          except: [
            {
              related: {
                collection: 'logins',
                last: 1,
                order_by: 'at',
                any: { field: 'kind', equals: 'sso' },
              },
            },
          ],
        },
      ],
      rights: { offered: ['access', 'rectification', 'erasure', 'restriction', 'portability', 'objection'] },
    },
    datasets: [
      {
        fides_key: 'acme',
        collections: [
          {
            name: 'users',
            fields: [
              { name: 'id', data_categories: ['system.operations'], fides_meta: { primary_key: true } },
              { name: 'email', data_categories: ['user.contact.email'], fides_meta: { identity: 'email' } },
              { name: 'name', data_categories: ['user.name'] },
              { name: 'last_login_at', data_categories: ['system.operations'] },
            ],
          },
          {
            name: 'logins',
            fields: [
              {
                name: 'user_id',
                data_categories: ['system.operations'],
                fides_meta: { references: [{ dataset: 'acme', field: 'users.id', direction: 'from' }] },
              },
              { name: 'at', data_categories: ['system.operations'] },
              { name: 'kind', data_categories: ['system.operations'] },
            ],
          },
        ],
      },
    ],
  };
}

function load(bundle: Bundle): Program {
  const result = loadProgramFromBundle(bundle);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.issues, null, 2));
  return result.program;
}

function lint(change?: (b: Bundle) => void): LintFinding[] {
  const bundle = good();
  change?.(bundle);
  return lintProgram(load(bundle)).findings;
}

/** Asserts the code fires, at the given severity, and returns its findings. */
function fires(findings: LintFinding[], code: string, severity: LintFinding['severity']): LintFinding[] {
  const hits = findings.filter((f) => f.code === code);
  assert.ok(hits.length > 0, `expected ${code}; got ${findings.map((f) => f.code).join(', ') || 'nothing'}`);
  for (const h of hits) assert.equal(h.severity, severity);
  return hits;
}

const activity = (b: Bundle, key: string) => b.program.activities.find((a: { key: string }) => a.key === key);

describe('lintProgram', () => {
  it('finds nothing in a complete program', () => {
    assert.deepEqual(lint(), []);
  });

  it('flags an activity without legal basis, retention, storage location or data subjects', () => {
    const findings = lint((b) => {
      const a = activity(b, 'accounts');
      delete a.legal_basis;
      delete a.retention;
      a.storage_locations = [];
      a.data_subjects = [];
      delete a.security_measures;
    });
    fires(findings, 'activity-missing-legal-basis', 'error');
    fires(findings, 'activity-missing-retention', 'error');
    fires(findings, 'activity-missing-storage-location', 'warning');
    fires(findings, 'activity-missing-security-measures', 'info');
    const [hit] = fires(findings, 'activity-missing-data-subjects', 'warning');
    assert.equal(hit?.path, 'activities[0].key');
  });

  it('does not ask a processor activity for a legal basis of its own', () => {
    const findings = lint((b) => {
      const a = activity(b, 'accounts');
      delete a.legal_basis;
      a.as_processor = true;
    });
    assert.equal(findings.filter((f) => f.code === 'activity-missing-legal-basis').length, 0);
  });

  it('flags consent without a consent notice, also when consent is one of several per-subject bases', () => {
    fires(
      lint((b) => {
        delete activity(b, 'newsletter').consent_notice;
      }),
      'activity-consent-without-notice',
      'error',
    );
    fires(
      lint((b) => {
        delete activity(b, 'analytics').consent_notice;
      }),
      'activity-consent-without-notice',
      'error',
    );
  });

  it('flags legitimate interests without a balancing note', () => {
    fires(
      lint((b) => {
        delete activity(b, 'analytics').legitimate_interest_assessment;
      }),
      'activity-legitimate-interests-without-assessment',
      'warning',
    );
  });

  it('flags special category data without an Art. 9 condition, and accepts one with it', () => {
    const addHealth = (b: Bundle) => {
      activity(b, 'accounts').data_categories.push('user.health_and_medical');
      b.datasets[0]!.collections[0].fields.push({
        name: 'health',
        data_categories: ['user.health_and_medical'],
      });
    };
    const [hit] = fires(lint(addHealth), 'activity-special-category-without-condition', 'error');
    assert.equal(hit?.path, 'activities[0].data_categories[2]');
    const withCondition = lint((b) => {
      addHealth(b);
      activity(b, 'accounts').special_category_condition = 'Art. 9(2)(a) explicit consent';
    });
    assert.equal(withCondition.filter((f) => f.code.startsWith('activity-special')).length, 0);
  });

  it('flags a transfer to a third country without a mechanism', () => {
    const [hit] = fires(
      lint((b) => {
        b.program.processors[0].locations = ['AU'];
        delete b.program.processors[0].transfer_mechanism;
      }),
      'transfer-missing-mechanism',
      'error',
    );
    assert.match(hit!.message, /AU/);
  });

  it('accepts EEA and adequate countries without a mechanism', () => {
    const findings = lint((b) => {
      b.program.processors[0].locations = ['DE', 'GB', 'CH', 'JP', 'KR', 'CA', 'NZ', 'IL', 'UY', 'JE'];
      delete b.program.processors[0].transfer_mechanism;
    });
    assert.equal(findings.filter((f) => f.code.startsWith('transfer-')).length, 0);
  });

  it('rejects Privacy Shield as an invalidated mechanism', () => {
    const [hit] = fires(
      lint((b) => {
        b.program.processors[0].transfer_mechanism = 'privacy_shield';
      }),
      'transfer-invalid-mechanism',
      'error',
    );
    assert.equal(hit?.path, 'processors[0].transfer_mechanism');
    assert.match(hit!.message, /Schrems II/);
  });

  it('rejects adequacy for the US (only the Data Privacy Framework) and DPF outside the US', () => {
    fires(
      lint((b) => {
        b.program.processors[0].transfer_mechanism = 'adequacy';
      }),
      'transfer-adequacy-not-available',
      'error',
    );
    fires(
      lint((b) => {
        b.program.processors[0].locations = ['US', 'IN'];
      }),
      'transfer-mechanism-not-applicable',
      'error',
    );
  });

  it('ignores transfers when no European law applies', () => {
    const findings = lint((b) => {
      b.program.jurisdictions = [{ code: 'ccpa' }];
      delete b.program.processors[0].transfer_mechanism;
    });
    assert.equal(findings.filter((f) => f.code.startsWith('transfer-')).length, 0);
  });

  it('flags an active processor without a DPA and one without a location, not a retired one', () => {
    fires(
      lint((b) => {
        delete b.program.processors[0].dpa;
      }),
      'processor-missing-dpa',
      'warning',
    );
    fires(
      lint((b) => {
        b.program.processors[0].locations = [];
      }),
      'processor-missing-location',
      'warning',
    );
    const retired = lint((b) => {
      delete b.program.processors[0].dpa;
      b.program.processors[0].status = 'retired';
    });
    assert.equal(retired.filter((f) => f.code === 'processor-missing-dpa').length, 0);
  });

  it('flags a stored category no activity declares, located in the dataset', () => {
    const [hit] = fires(
      lint((b) => {
        b.datasets[0]!.collections[0].fields.push({
          name: 'phone',
          data_categories: ['user.contact.phone_number'],
        });
      }),
      'data-category-undeclared',
      'error',
    );
    assert.equal(hit?.path, 'collections[0].fields[4]');
    assert.match(hit!.message, /acme\.users\.phone/);
  });

  it('finds undeclared categories in nested fields but not system categories', () => {
    const [hit] = fires(
      lint((b) => {
        b.datasets[0]!.collections[0].fields.push({
          name: 'profile',
          fields: [{ name: 'city', data_categories: ['user.contact.address.city'] }],
        });
      }),
      'data-category-undeclared',
      'error',
    );
    assert.match(hit!.message, /users\.profile\.city/);
  });

  it('warns when an activity declares a category its systems do not store', () => {
    const [hit] = fires(
      lint((b) => {
        activity(b, 'accounts').data_categories.push('user.contact.phone_number');
      }),
      'activity-category-not-stored',
      'warning',
    );
    assert.equal(hit?.path, 'activities[0].data_categories[2]');
  });

  it('flags cookies without category or duration and a name in two categories', () => {
    const findings = lint((b) => {
      b.program.cookies.push({ name: 'pref', provider: 'Acme', purpose: 'Preferences' });
      b.program.cookies.push({
        name: '_count',
        provider: 'Other',
        purpose: 'Counts',
        category: 'marketing',
        duration: '1 day',
      });
    });
    fires(findings, 'cookie-missing-category', 'warning');
    fires(findings, 'cookie-missing-duration', 'warning');
    const [conflict] = fires(findings, 'cookie-conflicting-category', 'warning');
    assert.match(conflict!.message, /"_count" is listed as analytics .* and as marketing/);
    fires(findings, 'cookie-category-without-consent-notice', 'warning');
  });

  it('flags retention rules naming an unknown dataset, collection or field, with suggestions', () => {
    const rule = (b: Bundle) => b.program.retention_rules[0];
    const [ds] = fires(
      lint((b) => {
        rule(b).target.dataset = 'acmee';
      }),
      'retention-rule-unknown-dataset',
      'error',
    );
    assert.match(ds!.message, /did you mean "acme"/);
    fires(
      lint((b) => {
        rule(b).target.collection = 'user';
      }),
      'retention-rule-unknown-collection',
      'error',
    );
    const [field] = fires(
      lint((b) => {
        rule(b).when.older_than.field = 'last_login';
      }),
      'retention-rule-unknown-field',
      'error',
    );
    assert.equal(field?.path, 'retention_rules[0].when.older_than.field');
    assert.match(field!.message, /did you mean "last_login_at"/);
    // Inside `related`, fields belong to the related collection, not the target.
    const [relatedField] = fires(
      lint((b) => {
        rule(b).except[0].related.any.field = 'last_login_at';
      }),
      'retention-rule-unknown-field',
      'error',
    );
    assert.match(relatedField!.message, /acme\.logins/);
    fires(
      lint((b) => {
        rule(b).except[0].related.collection = 'sessions';
      }),
      'retention-rule-unknown-collection',
      'error',
    );
  });

  it('rejects an archive that keeps personal data', () => {
    const [hit] = fires(
      lint((b) => {
        Object.assign(b.program.retention_rules[0], {
          action: 'archive_anonymised',
          archive: { table: 'users_archive', keep: ['last_login_at', 'email'] },
        });
      }),
      'retention-archive-keeps-personal-data',
      'error',
    );
    assert.equal(hit?.path, 'retention_rules[0].archive.keep[1]');
  });

  it('reports retention promises no rule enforces', () => {
    const findings = lint((b) => {
      activity(b, 'accounts').retention.rules = [];
      activity(b, 'newsletter').retention.rules = [];
    });
    fires(findings, 'retention-period-not-enforced', 'warning');
    fires(findings, 'retention-criteria-not-enforced', 'info');
  });

  it('flags a consent notice about a use no activity has', () => {
    const [hit] = fires(
      lint((b) => {
        b.program.consent_notices[0].data_uses.push('personalize');
      }),
      'consent-notice-unused-data-use',
      'warning',
    );
    assert.equal(hit?.path, 'consent_notices[0].data_uses[1]');
  });

  it('flags an unreachable privacy contact and rights the law requires', () => {
    fires(
      lint((b) => {
        b.program.organization.contacts.privacy = { name: 'Privacy' };
      }),
      'organization-missing-privacy-contact',
      'error',
    );
    const rights = fires(
      lint((b) => {
        b.program.rights.offered = ['access', 'erasure'];
      }),
      'rights-missing',
      'warning',
    );
    assert.equal(rights.length, 4);
  });

  it('warns when the erasure policy masks a field of a keyless collection with random', () => {
    const keyless = (b: Bundle, strategy: unknown) => {
      b.program.erasure_policy = { rules: [{ target: 'user', strategy }] };
      b.datasets[0]!.collections[1].fields.push({ name: 'ip', data_categories: ['user.name'] });
    };
    const [hit, ...more] = fires(
      lint((b) => keyless(b, { type: 'random', length: 12 })),
      'erasure-strategy-needs-key',
      'warning',
    );
    assert.equal(more.length, 0);
    assert.match(
      hit!.message,
      /^acme\.logins\.ip: the erasure policy masks it with random, but logins declares no primary key/,
    );
    assert.equal(hit!.path, 'collections[1].fields[3]');
    // hash, fixed and null work on rows matched by condition; a keyed collection takes random.
    for (const strategy of ['hash', 'null', { type: 'fixed', value: 'X' }]) {
      assert.deepEqual(
        lint((b) => keyless(b, strategy)),
        [],
      );
    }
    assert.deepEqual(
      lint((b) => {
        b.program.erasure_policy = { rules: [{ target: 'user', strategy: 'random' }] };
      }),
      [],
    );
  });
});

describe('custodian lint', () => {
  const dirs: string[] = [];
  after(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  async function lintFolder(program: string, argv: string[] = []) {
    const dir = await mkdtemp(path.join(tmpdir(), 'custodian-lint-'));
    dirs.push(dir);
    await mkdir(path.join(dir, 'datasets'));
    await writeFile(path.join(dir, 'custodian.yaml'), program);
    let stdout = '';
    let stderr = '';
    const sink = (write: (s: string) => void) =>
      new Writable({
        write(chunk, _enc, done) {
          write(String(chunk));
          done();
        },
      });
    const code = await runLint({
      argv: [dir, ...argv],
      stdout: sink((s) => {
        stdout += s;
      }),
      stderr: sink((s) => {
        stderr += s;
      }),
      env: {},
      cwd: dir,
    });
    return { code, stdout, stderr, file: path.join(dir, 'custodian.yaml') };
  }

  const yaml = (basis: string) => `organization:
  name: Acme
  contacts:
    privacy: { email: privacy@acme.example }
  supervisory_authority: { name: ICO }
jurisdictions: [{ code: gdpr }]
activities:
  - key: support
    name: Support
    purpose: Answer questions.
    data_categories: [user.contact.email]
    data_subjects: [customer]
    data_use: essential.service.operations.support
${basis}    storage_locations: [IE]
    security_measures: Encrypted at rest.
    retention: { description: Until the ticket closes. }
rights:
  offered: [access, rectification, erasure, restriction, portability, objection]
`;

  it('prints file:line:column, severity and code, and exits 1 on an error', async () => {
    const { code, stdout, file } = await lintFolder(yaml(''));
    assert.equal(code, 1);
    assert.ok(stdout.includes(`${file}:8:10 error activity-missing-legal-basis:`), stdout);
    assert.match(stdout, /1 error, 0 warnings, 1 info/);
  });

  it('exits 0 with only warnings and info, and speaks JSON when asked', async () => {
    const { code, stdout } = await lintFolder(yaml('    legal_basis: contract\n'), ['--format', 'json']);
    assert.equal(code, 0);
    const out = JSON.parse(stdout) as {
      ok: boolean;
      counts: Record<string, number>;
      findings: LintFinding[];
    };
    assert.equal(out.ok, true);
    assert.deepEqual(out.counts, { error: 0, warning: 0, info: 1 });
    assert.equal(out.findings[0]?.code, 'retention-criteria-not-enforced');
    assert.equal(out.findings[0]?.line, 17);
  });

  it('reports validation errors instead of linting an invalid program', async () => {
    const { code, stderr } = await lintFolder(yaml('    legal_basis: contrat\n'));
    assert.equal(code, 1);
    assert.match(stderr, /custodian\.yaml:14:18 activities\[0\]\.legal_basis/);
    assert.match(stderr, /not valid/);
  });
});
