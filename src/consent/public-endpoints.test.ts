import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { bootstrapWorkspace } from '../governance/workspaces.ts';
import { createApp } from '../http/app.ts';
import { createServices } from '../http/services.ts';
import { pushProgram } from '../program/push-program.ts';
import { openStore } from '../store/open-store.ts';
import { createPostgresDatabase, postgresUnavailable } from '../testing/databases.ts';
import { memoryStore } from '../testing/store.ts';
import { consentFixtureProgram } from './consent-fixture.ts';
import { recordConsent } from './record-consent.ts';

const run = promisify(execFile);

describe('banner endpoints', () => {
  const setup = async () => {
    const store = await memoryStore();
    const { scope } = await bootstrapWorkspace(store.db);
    await pushProgram(scope, { program: consentFixtureProgram(), datasets: [] }, 'test');
    return { store, scope, app: createApp(createServices(store)) };
  };
  let ctx: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    ctx = await setup();
  });
  after(() => ctx.store.close());

  test('config comes from the program, stores its wording once, and sees Sec-GPC', async () => {
    const res = await ctx.app.request('/consent/config?lang=de', { headers: { 'sec-gpc': '1' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const config = (await res.json()) as {
      gpc: boolean;
      texts: { accept: string };
      categories: { key: string; cookies: string[]; services: { key: string }[] }[];
      wording_hash: string;
    };
    assert.equal(config.gpc, true);
    assert.equal(config.texts.accept, 'Alle akzeptieren');
    assert.deepEqual(
      config.categories.map((c) => [c.key, c.cookies, c.services.map((s) => s.key)]),
      [
        ['analytics', ['_ga', '_gid', '_hjid'], ['google_analytics', 'hotjar']],
        ['marketing', ['ad_id'], ['adnet']],
      ],
    );
    await ctx.app.request('/consent/config?lang=de');
    const wordings = await ctx.scope.selectFrom('consent_wordings').select('hash').execute();
    assert.deepEqual(wordings, [{ hash: config.wording_hash }]);
  });

  test('events are size-limited, validated with field paths, and rate-limited', async () => {
    const config = (await (await ctx.app.request('/consent/config')).json()) as {
      wording_hash: string;
      version: number;
    };
    const post = (body: unknown) =>
      ctx.app.request('/consent/events', {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const event = {
      device: 'abcdef0123456789',
      choices: { analytics: true },
      version: config.version,
      wording_hash: config.wording_hash,
    };
    const ok = await post(event);
    assert.equal(ok.status, 201);
    assert.match(((await ok.json()) as { receipt: string }).receipt, /^[\w-]+\.[\w-]+$/);
    assert.equal((await post('x'.repeat(9000))).status, 413);
    const bad = await post({ ...event, device: 'no spaces allowed', choices: { analytcs: true } });
    assert.equal(bad.status, 422);
    assert.match(await bad.text(), /body\.device/);
    const unknown = await post({ ...event, wording_hash: 'f'.repeat(64) });
    assert.equal(unknown.status, 422);
    let limited: Response | undefined;
    for (let i = 0; i < 30 && !limited; i++) {
      const res = await post(event);
      if (res.status === 429) limited = res;
    }
    assert.ok(limited, 'a burst from one address is cut off');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1, 'the 429 says when to come back');
  });

  test('banner.js is served as one script with an ETag', async () => {
    const res = await ctx.app.request('/banner.js');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /javascript/);
    const etag = res.headers.get('etag')!;
    assert.equal((await ctx.app.request('/banner.js', { headers: { 'if-none-match': etag } })).status, 304);
  });
});

describe('custodian consent verify (CLI)', { skip: await postgresUnavailable() }, () => {
  test('names the tampered event and exits 1', async () => {
    const database = await createPostgresDatabase('custodian_consent_cli');
    const store = await openStore({ databaseUrl: database.url });
    try {
      const { scope } = await bootstrapWorkspace(store.db);
      await pushProgram(scope, { program: consentFixtureProgram(), datasets: [] }, 'test');
      for (let i = 0; i < 4; i++)
        await recordConsent(
          scope,
          { subject: `user:${i}`, choices: { analytics: true }, method: 'api', gpc: false },
          new Date(),
        );
      const cli = (env: Record<string, string>) =>
        run(process.execPath, ['src/cli/main.ts', 'consent', 'verify'], {
          env: { ...process.env, ...env },
        }).then(
          (r) => ({ code: 0, out: r.stdout }),
          (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
        );
      const clean = await cli({ DATABASE_URL: database.url });
      assert.equal(clean.code, 0, clean.out);
      assert.match(clean.out, /intact: 4 events/);
      await sql`UPDATE consent_events SET subject = 'user:99' WHERE seq = 2`.execute(store.db);
      const tampered = await cli({ DATABASE_URL: database.url });
      assert.equal(tampered.code, 1);
      assert.match(tampered.out, /seq 2: edited/);
    } finally {
      await store.close();
      await new Promise((r) => setTimeout(r, 250));
      await database.drop();
    }
  });
});
