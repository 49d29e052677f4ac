import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { engines, openWorld } from './retention-test-kit.ts';

const DAY = 86_400_000;
const at = (iso: string, days = 0) => new Date(new Date(iso).getTime() + days * DAY);
const iso = (d: Date) => d.toISOString();

for (const { engine, skip } of engines) {
  describe(`seed promises kept on their last day and gone the day after (${engine})`, { skip }, () => {
    test('IRIS Connect: recordings deleted after 90 days (day 90 kept, day 91 gone)', async (t) => {
      const w = await openWorld(t, engine);
      const made = '2026-03-01T10:00:00.000Z';
      await w.db.insert('recordings', [{ id: 1, account_id: 7, created_at: new Date(made), duration_s: 60 }]);
      let [r] = await w.sweep(iso(at(made, 90)), ['iris-recordings']);
      assert.equal(r?.status, 'succeeded');
      assert.deepEqual(await w.db.ids('recordings'), [1]);
      [r] = await w.sweep(iso(at(made, 91)), ['iris-recordings']);
      assert.equal(r?.affected, 1);
      assert.deepEqual(await w.db.ids('recordings'), []);
    });

    test('All Elements: accounts inactive for 1 year go, with their subscriptions first', async (t) => {
      const w = await openWorld(t, engine);
      const last = '2026-03-01T00:00:00.000Z';
      await w.db.insert('accounts', [
        { id: 1, email: 'old@example.com', last_access_at: new Date(last) },
        { id: 2, email: 'new@example.com', last_access_at: at(last, 200) },
      ]);
      await w.db.insert('subscriptions', [
        { id: 10, account_id: 1, amount: 5, status: 'expired', expires_at: new Date(last) },
      ]);
      await w.sweep('2027-03-01T00:00:00.000Z', ['inactive-accounts']);
      assert.deepEqual(await w.db.ids('accounts'), [1, 2]);
      const [r] = await w.sweep('2027-03-02T00:00:00.000Z', ['inactive-accounts']);
      assert.equal(r?.status, 'succeeded', r?.reason);
      assert.deepEqual(await w.db.ids('accounts'), [2]);
      assert.deepEqual(await w.db.ids('subscriptions'), []);
      assert.deepEqual(r?.cascaded, { 'app.subscriptions': 1 });
    });

    test('All Elements: 30 days after expiry, except while the subscription is active', async (t) => {
      const w = await openWorld(t, engine);
      const expired = '2026-05-10T12:00:00.000Z';
      await w.db.insert('subscriptions', [
        { id: 1, amount: 5, status: 'expired', expires_at: new Date(expired) },
        { id: 2, amount: 5, status: 'active', expires_at: at(expired, -400) },
      ]);
      await w.sweep(iso(at(expired, 30)), ['expired-subscriptions']);
      assert.deepEqual(await w.db.ids('subscriptions'), [1, 2]);
      await w.sweep(iso(at(expired, 31)), ['expired-subscriptions']);
      assert.deepEqual(await w.db.ids('subscriptions'), [2]);
    });

    test('Claromentis: contracts purged 5 years after termination, never while running', async (t) => {
      const w = await openWorld(t, engine);
      await w.db.insert('contracts', [
        { id: 1, contact_name: 'A', value: 10, terminated_at: new Date('2021-06-01T00:00:00Z') },
        { id: 2, contact_name: 'B', value: 10, terminated_at: null },
      ]);
      await w.sweep('2026-06-01T00:00:00Z', ['terminated-contracts']);
      assert.deepEqual(await w.db.ids('contracts'), [1, 2]);
      await w.sweep('2026-06-02T00:00:00Z', ['terminated-contracts']);
      assert.deepEqual(await w.db.ids('contracts'), [2]);
    });

    test('Claromentis: signed up over 5 years ago AND opened none of the last 5 campaigns', async (t) => {
      const w = await openWorld(t, engine);
      const now = '2027-01-01T00:00:00.000Z';
      const fiveYears = '2022-01-01T00:00:00.000Z';
      await w.db.insert('subscribers', [
        { id: 1, email: 'a@example.com', signed_up_at: at(fiveYears, -1) }, // 5y+1d, no opens → purged
        { id: 2, email: 'b@example.com', signed_up_at: at(fiveYears, -1) }, // opened 1 of last 5 → kept
        { id: 3, email: 'c@example.com', signed_up_at: at(fiveYears, 1) }, // 4y364d → kept
        { id: 4, email: 'd@example.com', signed_up_at: at(fiveYears, -1) }, // opened only the 6th newest → purged
      ]);
      let id = 0;
      const deliveries = [];
      for (const subscriber of [1, 2, 3, 4]) {
        for (let c = 0; c < 6; c++) {
          const sent = at(now, -30 * (c + 1));
          const opened =
            (subscriber === 2 && c === 2) || (subscriber === 4 && c === 5) ? at(iso(sent), 1) : null;
          deliveries.push({ id: ++id, subscriber_id: subscriber, sent_at: sent, opened_at: opened });
        }
      }
      await w.db.insert('campaign_deliveries', deliveries);
      const [plan] = await w.plan(now, ['lapsed-subscribers']);
      assert.equal(plan?.rows, 2);
      assert.deepEqual(plan?.examples, ['1', '4']);
      const [r] = await w.sweep(now, ['lapsed-subscribers']);
      assert.equal(r?.status, 'succeeded', r?.reason);
      assert.deepEqual(await w.db.ids('subscribers'), [2, 3]);
      assert.equal(r?.cascaded['app.campaign_deliveries'], 12);
    });

    test('Planisware: 3 years without engagement; a click resets the clock', async (t) => {
      const w = await openWorld(t, engine);
      const last = '2023-04-01T00:00:00.000Z';
      await w.db.insert('contacts', [
        { id: 1, email: 'quiet@example.com', created_at: at(last, -500), last_action_at: new Date(last) },
        { id: 2, email: 'clicker@example.com', created_at: at(last, -500), last_action_at: new Date(last) },
      ]);
      await w.db.insert('clicks', [{ id: 1, contact_id: 2, url: '/pricing', clicked_at: at(last, 100) }]);
      await w.sweep('2026-04-01T00:00:00Z', ['unengaged-contacts']);
      assert.deepEqual(await w.db.ids('contacts'), [1, 2]);
      await w.sweep('2026-04-02T00:00:00Z', ['unengaged-contacts']);
      assert.deepEqual(await w.db.ids('contacts'), [2], 'the click 100 days later keeps contact 2');
      await w.sweep(iso(at('2026-04-01T00:00:00Z', 101)), ['unengaged-contacts']);
      assert.deepEqual(await w.db.ids('contacts'), []);
      assert.deepEqual(await w.db.ids('clicks'), []);
    });

    test('Planisware: visitor data kept up to 3 months', async (t) => {
      const w = await openWorld(t, engine);
      await w.db.insert('visits', [
        { id: 1, visited_at: new Date('2026-10-01T08:00:00Z'), ip: '10.0.0.1', page: '/' },
      ]);
      await w.sweep('2027-01-01T08:00:00Z', ['visitor-data']);
      assert.deepEqual(await w.db.ids('visits'), [1]);
      await w.sweep('2027-01-02T08:00:00Z', ['visitor-data']);
      assert.deepEqual(await w.db.ids('visits'), []);
    });
  });
}
