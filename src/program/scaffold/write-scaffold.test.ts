import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { CliError } from '../../cli/cli-context.ts';
import { run as runInit } from '../../cli/commands/init.ts';
import { lintProgram } from '../lint/lint-program.ts';
import { loadProgramFromDisk } from '../load-program.ts';
import { writeScaffold } from './write-scaffold.ts';

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function emptyDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'custodian-init-'));
  dirs.push(dir);
  return dir;
}

function init(dir: string, argv: string[] = []) {
  let stdout = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      stdout += String(chunk);
      done();
    },
  });
  return runInit({ argv, stdout: stream, stderr: stream, env: {}, cwd: dir }).then((code) => ({
    code,
    stdout,
  }));
}

describe('custodian init', () => {
  it('writes a program that validates and lints without errors', async () => {
    const dir = await emptyDir();
    const { code, stdout } = await init(dir);
    assert.equal(code, 0);
    assert.match(stdout, /wrote custodian\.yaml/);
    assert.match(stdout, /wrote datasets\/example\.yml/);
    const result = await loadProgramFromDisk(dir);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.issues, null, 2));
    const { counts, findings } = lintProgram(result.program);
    assert.equal(counts.error, 0, JSON.stringify(findings, null, 2));
    assert.equal(counts.warning, 0, JSON.stringify(findings, null, 2));
    assert.ok(findings.length <= 3, `few findings, got ${findings.length}`);
  });

  it('teaches the format in comments: every section is explained', async () => {
    const dir = await emptyDir();
    await writeScaffold({ dir });
    const text = await readFile(path.join(dir, 'custodian.yaml'), 'utf8');
    for (const section of [
      'organization:',
      'jurisdictions:',
      'systems:',
      'activities:',
      'processors:',
      'cookies:',
      'consent_notices:',
      'retention_rules:',
      'rights:',
    ]) {
      const at = text.indexOf(`\n${section}`);
      assert.ok(at > 0, `section ${section} present`);
      assert.match(text.slice(Math.max(0, at - 400), at), /\n# /, `a comment precedes ${section}`);
    }
    assert.match(text, /legitimate_interests/);
    assert.match(text, /transfer_mechanism: adequacy \| eu_us_dpf \| sccs/);
    const dataset = await readFile(path.join(dir, 'datasets', 'example.yml'), 'utf8');
    assert.match(dataset, /identity: email/);
    assert.match(dataset, /references:/);
  });

  it('refuses to overwrite an existing program without --force', async () => {
    const dir = await emptyDir();
    await writeFile(path.join(dir, 'custodian.yaml'), 'organization: mine\n');
    await assert.rejects(init(dir), (err: unknown) => {
      assert.ok(err instanceof CliError);
      assert.match(err.message, /already exist; use --force to overwrite/);
      return true;
    });
    assert.equal(await readFile(path.join(dir, 'custodian.yaml'), 'utf8'), 'organization: mine\n');
    const forced = await init(dir, ['--force']);
    assert.equal(forced.code, 0);
    assert.match(await readFile(path.join(dir, 'custodian.yaml'), 'utf8'), /^# custodian\.yaml/);
  });
});
