import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LEDGER_GENESIS, type LedgerRecord, ledgerHash } from './ledger-hash.ts';

const record: LedgerRecord = {
  workspace_id: '00000000-0000-4000-8000-000000000001',
  seq: 7,
  subject: 'device:abc123',
  granted: ['analytics'],
  denied: ['marketing'],
  granted_uses: ['analytics.reporting'],
  denied_uses: ['marketing.advertising.third_party.targeted'],
  notice_version: 2,
  wording_hash: null,
  method: 'banner',
  jurisdiction: 'gdpr',
  at: '2026-03-01T10:00:00.000Z',
  page_url: 'https://shop.example/',
  ip_hash: null,
  user_agent: 'test',
  gpc: false,
  services: null,
};

test('an event without service choices hashes exactly as events did before they existed', () => {
  // The digest the ledger computed for this record before per-service choices were added.
  assert.equal(
    ledgerHash(LEDGER_GENESIS, record),
    'a97071351db9479bb424e8b42f8c53f1532ffdd77179fef061d2a3fea803f096',
  );
});

test('service choices are covered by the hash, whatever order their keys come in', () => {
  const withServices = ledgerHash(LEDGER_GENESIS, { ...record, services: { hotjar: false, adnet: true } });
  assert.equal(
    withServices,
    ledgerHash(LEDGER_GENESIS, { ...record, services: { adnet: true, hotjar: false } }),
  );
  assert.notEqual(withServices, ledgerHash(LEDGER_GENESIS, record));
  assert.notEqual(
    withServices,
    ledgerHash(LEDGER_GENESIS, { ...record, services: { hotjar: true, adnet: true } }),
  );
  assert.notEqual(withServices, ledgerHash(LEDGER_GENESIS, { ...record, services: { hotjar: false } }));
});
