import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CliError } from '../cli-context.ts';
import { run } from './notice.ts';

let dir: string;

before(async () => {
  // Claromentis, published in French first and English.
  dir = await mkdtemp(path.join(tmpdir(), 'custodian-notice-cli-'));
  await cp('examples/claromentis', dir, { recursive: true });
  const file = path.join(dir, 'custodian.yaml');
  const yaml = await readFile(file, 'utf8');
  await writeFile(file, yaml.replace(/^notice:\n/m, 'notice:\n  languages: [fr, en]\n'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function notice(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run({
    argv,
    stdout: { write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream,
    stderr: { write: (s: string) => err.push(s) } as unknown as NodeJS.WritableStream,
    env: {},
    cwd: process.cwd(),
  });
  return { code, out: out.join(''), err: err.join('') };
}

test('custodian notice renders the program’s first language by default, and any listed one', async () => {
  const byDefault = await notice([dir, '--format', 'md']);
  assert.equal(byDefault.code, 0);
  assert.match(byDefault.out, /^# Politique de confidentialité — Claromentis/);
  const english = await notice([dir, '--format', 'md', '--lang', 'en']);
  assert.match(english.out, /^# Privacy notice — Claromentis/);
});

test('custodian notice --lang refuses a language the program does not publish, saying where to add it', async () => {
  await assert.rejects(
    notice([dir, '--lang', 'de']),
    (e: Error) =>
      e instanceof CliError &&
      /--lang de: the program does not publish its notice in German; notice\.languages lists fr, en/.test(
        e.message,
      ),
  );
  // Without notice.languages a program publishes English only.
  await assert.rejects(notice(['examples/claromentis', '--lang', 'fr']), /notice\.languages lists en/);
  await assert.rejects(notice([dir, '--lang', 'es']), /--lang must be one of en, fr, de, not "es"/);
});
