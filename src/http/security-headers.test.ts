import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { memoryStore } from '../testing/store.ts';
import type { AppEnv } from './route.ts';
import { defaultCsp, securityHeaders, setCsp } from './security-headers.ts';
import { createServices } from './services.ts';

test('security headers on every response; a route may replace the CSP; HSTS only on TLS', async () => {
  const store = await memoryStore();
  for (const publicUrl of ['http://localhost:7070', 'https://privacy.example.com']) {
    const services = createServices(store, { publicUrl });
    const app = new Hono<AppEnv>();
    app.use('*', securityHeaders());
    app.use('*', async (c, next) => {
      c.set('services', services);
      await next();
    });
    app.get('/plain', (c) => c.json({ ok: true }));
    app.get('/banner-test', (c) => {
      setCsp(c, "default-src 'self'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
      return c.html('<script>1</script>');
    });
    app.get('/boom', () => {
      throw new Error('bug');
    });
    app.onError((_e, c) => c.json({ error: 'internal' }, 500));
    const plain = await app.request('/plain', { headers: { 'x-request-id': 'req-123' } });
    assert.equal(plain.headers.get('content-security-policy'), defaultCsp);
    assert.match(defaultCsp, /frame-ancestors 'none'/);
    assert.equal(plain.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(plain.headers.get('referrer-policy'), 'same-origin');
    assert.equal(plain.headers.get('x-request-id'), 'req-123');
    assert.equal(plain.headers.has('strict-transport-security'), publicUrl.startsWith('https'));
    const banner = await app.request('/banner-test');
    assert.match(banner.headers.get('content-security-policy') ?? '', /'unsafe-inline'/);
    const failed = await app.request('/boom');
    assert.equal(failed.status, 500);
    assert.equal(failed.headers.get('content-security-policy'), defaultCsp, 'error responses too');
  }
  await store.close();
});
