import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { sql } from 'kysely';
import { consentFixtureProgram } from '../../consent/consent-fixture.ts';
import { recordConsent } from '../../consent/record-consent.ts';
import { bootstrapWorkspace } from '../../governance/workspaces.ts';
import { pushProgram } from '../../program/push-program.ts';
import { openStore } from '../../store/open-store.ts';
import { run } from './consent.ts';

async function cli(argv: string[], cwd: string) {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const code = await run({
    argv,
    stdout,
    stderr: new PassThrough(),
    env: { CUSTODIAN_DATA_DIR: path.join(cwd, '.custodian') },
    cwd,
  });
  return { code, out: Buffer.concat(chunks).toString('utf8') };
}

test('custodian consent verify passes on events with and without service choices, and names an edited one', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'custodian-consent-'));
  try {
    const dataDir = path.join(dir, '.custodian', 'db');
    let store = await openStore({ dataDir });
    const { scope } = await bootstrapWorkspace(store.db);
    await pushProgram(scope, { program: consentFixtureProgram(), datasets: [] }, 'test');
    const at = new Date('2026-05-01T10:00:00Z');
    const choices = { analytics: true, marketing: false };
    await recordConsent(scope, { subject: 'device:a', choices, method: 'banner', gpc: false }, at);
    await recordConsent(
      scope,
      {
        subject: 'device:a',
        choices,
        services: { hotjar: false, google_analytics: true },
        method: 'banner',
        gpc: false,
      },
      at,
    );
    await recordConsent(scope, { subject: 'device:b', choices, method: 'api', gpc: false }, at);
    await store.close();

    const clean = await cli(['verify'], dir);
    assert.equal(clean.code, 0, clean.out);
    assert.match(clean.out, /consent ledger intact: 3 events, chain head at seq 3/);

    store = await openStore({ dataDir });
    await sql`UPDATE consent_events SET services = '{"hotjar": true, "google_analytics": true}' WHERE seq = 2`.execute(
      store.db,
    );
    await store.close();
    const broken = await cli(['verify'], dir);
    assert.equal(broken.code, 1);
    assert.match(broken.out, /seq 2: edited: event 2 was edited/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
