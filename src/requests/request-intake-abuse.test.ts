import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mailText } from '../testing/smtp.ts';
import { type RequestHarness, requestHarness } from './testing/request-fixture.ts';

describe('public intake: authorized agents, limits, no account enumeration', () => {
  let h: RequestHarness;
  before(async () => {
    h = await requestHarness();
    await h.request('PUT', '/api/requests/settings', {
      intake_per_person_per_hour: 2,
      intake_per_ip_per_hour: 50,
    });
  });
  after(async () => {
    await h.close();
  });

  const form = (email: string, extra: Record<string, string | Blob> = {}) => {
    const f = new FormData();
    f.set('type', 'access');
    f.set('jurisdiction', 'gdpr');
    f.set('email', email);
    for (const [k, v] of Object.entries(extra)) f.set(k, v);
    return f;
  };

  test('an agent uploads signed permission; the person is asked to confirm directly; reviewers can read the file', async () => {
    const permission = new Blob([Buffer.from('%PDF-1.4 signed permission')], { type: 'application/pdf' });
    const res = await h.app.request('/privacy-center/requests', {
      method: 'POST',
      body: form('pat@example.com', {
        agent_name: 'Acme Agents',
        agent_email: 'agent@acme.example',
        permission,
      }),
    });
    assert.equal(res.status, 303);
    const id = res.headers.get('location')!.split('/')[3]!;
    const code = await h.smtp.waitFor(
      (m) => m.to.includes('pat@example.com') && /verification code/.test(m.subject),
    );
    assert.match(mailText(code), /Acme Agents \(agent@acme\.example\) made this request on your behalf/);
    await h.smtp.waitFor((m) => m.to.includes('agent@acme.example') && /received/.test(m.subject));
    const file = await h.request('GET', `/api/requests/${id}/permission`, undefined, h.keys.reviewer);
    assert.equal(file.status, 200);
    assert.equal(await file.text(), '%PDF-1.4 signed permission');
    const row = (await (
      await h.request('GET', `/api/requests/${id}`, undefined, h.keys.reviewer)
    ).json()) as {
      channel: string;
    };
    assert.equal(row.channel, 'agent');
  });

  test('an agent without the permission file is asked for it; files over 5 MB are refused', async () => {
    const missing = await h.app.request('/privacy-center/requests', {
      method: 'POST',
      body: form('quin@example.com', { agent_name: 'A', agent_email: 'a@acme.example' }),
    });
    assert.equal(missing.status, 422);
    assert.match(await missing.text(), /<a href="#permission">Attach the signed permission/);
    const big = new Blob([new Uint8Array(6 * 1024 * 1024)], { type: 'application/pdf' });
    const tooBig = await h.app.request('/privacy-center/requests', {
      method: 'POST',
      body: form('quin@example.com', { agent_name: 'A', agent_email: 'a@acme.example', permission: big }),
    });
    assert.equal(tooBig.status, 413);
  });

  test('known and unknown addresses get the same answer; a person is limited per hour', async () => {
    // alice is in the data stores of the fixture program, zed is not: intake never looks.
    const known = await h.app.request('/privacy-center/requests', {
      method: 'POST',
      body: form('alice@example.com'),
    });
    const unknown = await h.app.request('/privacy-center/requests', {
      method: 'POST',
      body: form('zed@example.com'),
    });
    assert.equal(known.status, unknown.status);
    const knownPage = await (await h.app.request(known.headers.get('location')!)).text();
    const unknownPage = await (await h.app.request(unknown.headers.get('location')!)).text();
    const strip = (s: string) => s.replace(/[0-9a-f-]{36}/g, 'ID');
    assert.equal(strip(knownPage), strip(unknownPage));
    await h.app.request('/privacy-center/requests', { method: 'POST', body: form('zed@example.com') });
    const third = await h.app.request('/privacy-center/requests', {
      method: 'POST',
      body: form('zed@example.com'),
    });
    assert.equal(third.status, 429);
    assert.ok(Number(third.headers.get('retry-after')) > 0, 'Retry-After says when to come back');
    assert.match(await third.text(), /Please try again in (60 minutes|1 hour)/);
    // An hour after the first of the two, the person may ask again.
    h.clock.advanceDays(1 / 24);
    const later = await h.app.request('/privacy-center/requests', {
      method: 'POST',
      body: form('zed@example.com'),
    });
    assert.equal(later.status, 303);
  });
});
