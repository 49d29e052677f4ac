import { createHash } from 'node:crypto';

export const LEDGER_GENESIS = '0'.repeat(64);

/** The fields of a ledger event covered by its hash, in a fixed order. */
export interface LedgerRecord {
  workspace_id: string;
  seq: number;
  subject: string;
  granted: string[];
  denied: string[];
  granted_uses: string[];
  denied_uses: string[];
  notice_version: number;
  wording_hash: string | null;
  method: string;
  jurisdiction: string | null;
  at: string;
  page_url: string | null;
  ip_hash: string | null;
  user_agent: string | null;
  gpc: boolean;
  /** Per-service choices (service key → allowed), or null when the event carried none. */
  services: Record<string, boolean> | null;
}

/**
 * sha256 over the previous hash and the record: changing or removing any event breaks every
 * later link. Per-service choices are hashed only when present (keys in sorted order, as
 * jsonb does not keep them), so events recorded before they existed keep their hashes.
 */
export function ledgerHash(prevHash: string, record: LedgerRecord): string {
  const ordered: Omit<LedgerRecord, 'services'> & { services?: Record<string, boolean> } = {
    workspace_id: record.workspace_id,
    seq: record.seq,
    subject: record.subject,
    granted: record.granted,
    denied: record.denied,
    granted_uses: record.granted_uses,
    denied_uses: record.denied_uses,
    notice_version: record.notice_version,
    wording_hash: record.wording_hash,
    method: record.method,
    jurisdiction: record.jurisdiction,
    at: record.at,
    page_url: record.page_url,
    ip_hash: record.ip_hash,
    user_agent: record.user_agent,
    gpc: record.gpc,
  };
  if (record.services) {
    const entries = Object.entries(record.services).sort(([a], [b]) => (a < b ? -1 : 1));
    ordered.services = Object.fromEntries(entries);
  }
  return createHash('sha256').update(prevHash).update(JSON.stringify(ordered)).digest('hex');
}
