import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadProgramFromDisk } from './load-program.ts';
import type { ValidationIssue } from './yaml.ts';

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Writes a program folder from file name → text and returns its path. */
async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'custodian-load-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

const program = (activities = '', extra = '') => `version: 1
organization:
  name: Acme
  contacts:
    privacy: { email: privacy@acme.example }
  supervisory_authority: { name: ICO, country: GB }
jurisdictions:
  - code: gdpr
datasets:
  - datasets/*.yml
systems:
  - key: app
    name: App
    datasets: [acme_app]
activities:
  - key: accounts
    name: Accounts
    purpose: Run accounts.
    data_categories: [user.contact.email]
    data_use: essential.service
    legal_basis: contract
${activities}rights:
  offered: [access]
${extra}`;

const dataset = `dataset:
  - fides_key: acme_app
    collections:
      - name: users
        fields:
          - name: email
            data_categories: [user.contact.email]
            fides_meta: { identity: email }
`;

async function issuesOf(files: Record<string, string>): Promise<ValidationIssue[]> {
  const result = await loadProgramFromDisk(await folder(files));
  assert.equal(result.ok, false, 'the program should be rejected');
  return result.ok ? [] : result.issues;
}

function only(issues: ValidationIssue[], match: (i: ValidationIssue) => boolean): ValidationIssue {
  const found = issues.filter(match);
  assert.equal(found.length, 1, `expected one matching issue, got ${JSON.stringify(issues, null, 2)}`);
  return found[0]!;
}

describe('loadProgramFromDisk', () => {
  it('loads a valid program with its datasets', async () => {
    const result = await loadProgramFromDisk(
      await folder({ 'custodian.yaml': program(), 'datasets/app.yml': dataset }),
    );
    assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
    assert.equal(result.program.doc.organization.name, 'Acme');
    assert.deepEqual(
      result.program.datasets.map((d) => d.fides_key),
      ['acme_app'],
    );
  });

  it('reports an unknown key at its line and column with a suggestion', async () => {
    const text = program().replace('    legal_basis: contract\n', '    legal_bassis: contract\n');
    const issues = await issuesOf({ 'custodian.yaml': text, 'datasets/app.yml': dataset });
    const issue = only(issues, (i) => i.message.includes('legal_bassis'));
    assert.match(issue.message, /did you mean "legal_basis"\?/);
    assert.equal(issue.path, 'activities[0].legal_bassis');
    assert.equal(issue.line, text.split('\n').indexOf('    legal_bassis: contract') + 1);
    assert.equal(issue.column, 5);
    assert.ok(issue.file.endsWith('custodian.yaml'));
  });

  it('reports an unknown data category with a suggestion', async () => {
    const text = program().replace('[user.contact.email]', '[user.contact.emial]');
    const issues = await issuesOf({ 'custodian.yaml': text, 'datasets/app.yml': dataset });
    const issue = only(issues, (i) => i.message.includes('user.contact.emial'));
    assert.match(issue.message, /did you mean "user\.contact\.email"\?/);
    assert.equal(issue.path, 'activities[0].data_categories[0]');
    assert.equal(issue.line, text.split('\n').indexOf('    data_categories: [user.contact.emial]') + 1);
  });

  it('reports a wrong type with what was expected', async () => {
    const text = program().replace('jurisdictions:\n  - code: gdpr\n', 'jurisdictions: gdpr\n');
    const issues = await issuesOf({ 'custodian.yaml': text, 'datasets/app.yml': dataset });
    const issue = only(issues, (i) => i.path === 'jurisdictions');
    assert.match(issue.message, /expected array, got string "gdpr"/);
    assert.equal(issue.line, text.split('\n').indexOf('jurisdictions: gdpr') + 1);
    assert.equal(issue.column, 16);
  });

  it('reports a value outside an enum with the allowed values', async () => {
    const text = program().replace('legal_basis: contract', 'legal_basis: contracts');
    const issues = await issuesOf({ 'custodian.yaml': text, 'datasets/app.yml': dataset });
    const issue = only(issues, (i) => i.path.startsWith('activities[0].legal_basis'));
    assert.match(issue.expected ?? '', /"contract"/);
  });

  it('reports a YAML syntax error at its position', async () => {
    const text = program().replace('[user.contact.email]', '[user.contact.email');
    const issues = await issuesOf({ 'custodian.yaml': text, 'datasets/app.yml': dataset });
    assert.ok(issues.length >= 1);
    assert.match(issues[0]!.message, /^YAML syntax/);
    assert.ok(issues[0]!.line >= text.split('\n').indexOf('    data_categories: [user.contact.email') + 1);
  });

  it('reports a duplicate key', async () => {
    const text = program().replace(
      '    legal_basis: contract\n',
      '    legal_basis: contract\n    legal_basis: consent\n',
    );
    const issues = await issuesOf({ 'custodian.yaml': text, 'datasets/app.yml': dataset });
    const issue = issues.find((i) => /unique|duplicate/i.test(i.message));
    assert.ok(issue, JSON.stringify(issues));
    assert.equal(issue.line, text.split('\n').indexOf('    legal_basis: consent') + 1);
  });

  it('reports a reference to an unknown system with a suggestion', async () => {
    const text = program('', '').replace(
      '    legal_basis: contract\n',
      '    legal_basis: contract\n    systems: [apps]\n',
    );
    const issues = await issuesOf({ 'custodian.yaml': text, 'datasets/app.yml': dataset });
    const issue = only(issues, (i) => i.path === 'activities[0].systems[0]');
    assert.match(issue.message, /unknown system "apps"; did you mean "app"\?/);
  });

  it('reports an unknown key inside a dataset file at its own file and line', async () => {
    const bad = dataset.replace(
      '            fides_meta: { identity: email }',
      '            fides_mta: { identity: email }',
    );
    const issues = await issuesOf({ 'custodian.yaml': program(), 'datasets/app.yml': bad });
    const issue = only(issues, (i) => i.message.includes('fides_mta'));
    assert.ok(issue.file.endsWith(path.join('datasets', 'app.yml')));
    assert.equal(issue.line, 8);
    assert.match(issue.message, /did you mean "fides_meta"\?/);
    assert.equal(issue.path, 'dataset[0].collections[0].fields[0].fides_mta');
  });

  it('reports an unknown data category in a dataset field', async () => {
    const bad = dataset.replace(
      '            data_categories: [user.contact.email]',
      '            data_categories: [user.contact.mail]',
    );
    const issues = await issuesOf({ 'custodian.yaml': program(), 'datasets/app.yml': bad });
    const issue = only(issues, (i) => i.message.includes('user.contact.mail'));
    assert.ok(issue.file.endsWith('app.yml'));
    assert.match(issue.message, /on field "users\.email"; did you mean "user\.contact\.email"\?/);
  });

  it('reports a dataset pattern that matches no file', async () => {
    const issues = await issuesOf({ 'custodian.yaml': program() });
    const issue = only(issues, (i) => i.path === 'datasets[0]');
    assert.match(issue.message, /no dataset file matches "datasets\/\*\.yml"/);
  });

  it('says how to start when there is no program file', async () => {
    const issues = await issuesOf({ 'README.md': 'nothing here' });
    assert.match(issues[0]!.message, /custodian init/);
  });

  it('loads an unchanged Fides dataset file', async () => {
    // Written as `fides pull` and Fides users write them: every key left as Fides has it.
    const fides = `dataset:
- fides_key: postgres_example_test_dataset
  organization_fides_key: default_organization
  tags: null
  name: Postgres Example Test Dataset
  description: Example of a Postgres dataset containing a variety of related tables like customers, products, addresses, etc.
  meta: null
  data_categories: []
  data_qualifier: aggregated.anonymized.unlinked_pseudonymized.pseudonymized.identified
  retention: No retention or erasure policy
  fides_meta:
    after: null
    namespace: null
  joint_controller: null
  third_country_transfers: null
  collections:
  - name: address
    description: null
    data_categories: null
    data_qualifier: aggregated.anonymized.unlinked_pseudonymized.pseudonymized.identified
    retention: null
    fides_meta: null
    fields:
    - name: city
      description: null
      data_categories:
      - user.contact.address.city
      data_qualifier: aggregated.anonymized.unlinked_pseudonymized.pseudonymized.identified
      retention: null
      fides_meta: null
      fields: null
    - name: id
      data_categories:
      - system.operations
      fides_meta:
        references: null
        identity: null
        primary_key: true
        data_type: integer
        length: null
        return_all_elements: null
        read_only: null
        custom_request_field: null
  - name: customer
    fides_meta:
      after: [postgres_example_test_dataset.address]
      erase_after: null
      skip_processing: false
    fields:
    - name: address_id
      data_categories: [system.operations]
      fides_meta:
        references:
        - dataset: postgres_example_test_dataset
          field: address.id
          direction: to
    - name: email
      data_categories: [user.contact.email]
      fides_meta:
        identity: email
        data_type: string
    - name: preferences
      data_categories: [user]
      fides_meta:
        data_type: object
      fields:
      - name: language
        data_categories: [user.demographic.language]
      - name: newsletter
        fields:
        - name: frequency
          data_categories: [user.privacy_preferences]
`;
    const text = program().replace(
      '    datasets: [acme_app]',
      '    datasets: [postgres_example_test_dataset]',
    );
    const result = await loadProgramFromDisk(
      await folder({ 'custodian.yaml': text, 'datasets/fides.yml': fides }),
    );
    assert.ok(result.ok, JSON.stringify(!result.ok && result.issues, null, 2));
    const ds = result.program.datasets[0]!;
    assert.equal(ds.organization_fides_key, 'default_organization');
    const customer = ds.collections.find((c) => c.name === 'customer')!;
    assert.deepEqual(customer.fields[0]!.fides_meta?.references?.[0], {
      dataset: 'postgres_example_test_dataset',
      field: 'address.id',
      direction: 'to',
    });
    assert.equal(customer.fields[1]!.fides_meta?.identity, 'email');
    assert.equal(customer.fields[2]?.fields?.[1]?.fields?.[0]?.name, 'frequency');
  });
});
