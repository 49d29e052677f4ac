import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bootstrapWorkspace } from '../../governance/workspaces.ts';
import { loadProgramFromDisk, toBundle } from '../../program/load-program.ts';
import type { Store } from '../../store/open-store.ts';
import { memoryStore } from '../../testing/store.ts';
import { createApp } from '../app.ts';
import { ensureConsoleBuilt } from '../console-build.ts';
import { createServices } from '../services.ts';

describe('console routes', () => {
  let store: Store;
  let app: ReturnType<typeof createApp>;
  let owner: string;
  const get = (path: string, auth = true) =>
    app.request(path, auth ? { headers: { authorization: `Bearer ${owner}` } } : {});

  before(async () => {
    await ensureConsoleBuilt();
    store = await memoryStore();
    owner = (await bootstrapWorkspace(store.db)).ownerKey!.secret;
    app = createApp(createServices(store));
  });
  after(() => store.close());

  test('lint findings: a teaching 404 before the first push, then the linter’s findings and counts', async () => {
    const first = await get('/api/programs/current/lint');
    assert.equal(first.status, 404);
    assert.match(((await first.json()) as { error: { message: string } }).error.message, /custodian push/);

    const loaded = await loadProgramFromDisk('examples/claromentis');
    assert.ok(loaded.ok);
    const pushed = await app.request('/api/programs', {
      method: 'POST',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body: JSON.stringify(toBundle(loaded.program)),
    });
    assert.equal(pushed.status, 201);
    const res = await get('/api/programs/current/lint');
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      version: number;
      findings: { code: string; severity: string; path: string }[];
      counts: Record<string, number>;
    };
    assert.equal(body.version, 1);
    // Claromentis still names Privacy Shield, which the linter must flag on the processor.
    assert.ok(
      body.findings.some((f) => f.code === 'transfer-invalid-mechanism' && f.path.startsWith('processors[')),
    );
    assert.equal(body.counts.error, body.findings.filter((f) => f.severity === 'error').length);
    assert.equal((await get('/api/programs/current/lint', false)).status, 401);
  });

  test('the app: deep links fall back to index.html (not cached); hashed assets are immutable', async () => {
    assert.equal((await get('/console', false)).status, 301);
    const page = await get('/console/requests/some-id', false);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    const html = await page.text();
    assert.match(html, /<div id="root">/);
    const asset = /\/console\/(assets\/[^"]+\.js)/.exec(html)?.[1];
    assert.ok(asset, 'index.html loads a hashed script');
    const js = await get(`/console/${asset}`, false);
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
  });

  test('missing assets are 404 and paths cannot leave the build folder', async () => {
    assert.equal((await get('/console/assets/missing-abc123.js', false)).status, 404);
    const outside = await get('/console/..%2f..%2fpackage.json', false);
    assert.equal(outside.status, 404);
    assert.doesNotMatch(await outside.text(), /"dependencies"/);
    assert.equal((await get('/console/%E0%A4%A', false)).status, 400);
  });
});
