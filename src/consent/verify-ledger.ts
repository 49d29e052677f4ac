import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { LEDGER_GENESIS, ledgerHash } from './ledger-hash.ts';

export interface LedgerProblem {
  seq: number;
  problem: 'edited' | 'deleted' | 'relinked' | 'truncated';
  message: string;
}

export interface LedgerVerification {
  ok: boolean;
  events: number;
  headSeq: number;
  problems: LedgerProblem[];
}

/**
 * Walks the workspace's consent chain in order and recomputes every hash. An edited event
 * no longer matches its hash; a deleted one leaves a gap in seq; deleting the newest events
 * leaves the chain short of the recorded head.
 */
export async function verifyLedger(scope: WorkspaceScope, pageSize = 5000): Promise<LedgerVerification> {
  const problems: LedgerProblem[] = [];
  let prevHash = LEDGER_GENESIS;
  let expected = 1;
  let count = 0;
  let after = 0;
  for (;;) {
    const rows = await scope
      .selectFrom('consent_events')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      count += 1;
      const seq = Number(row.seq);
      if (seq > expected) {
        const missing = seq - expected === 1 ? `${expected}` : `${expected}–${seq - 1}`;
        problems.push({
          seq: expected,
          problem: 'deleted',
          message: `event ${missing} deleted (gap before seq ${seq})`,
        });
      }
      const recomputed = ledgerHash(row.prev_hash, {
        workspace_id: row.workspace_id,
        seq,
        subject: row.subject,
        granted: row.granted,
        denied: row.denied,
        granted_uses: row.granted_uses,
        denied_uses: row.denied_uses,
        notice_version: row.notice_version,
        wording_hash: row.wording_hash,
        method: row.method,
        jurisdiction: row.jurisdiction,
        at: new Date(row.at).toISOString(),
        page_url: row.page_url,
        ip_hash: row.ip_hash,
        user_agent: row.user_agent,
        gpc: row.gpc,
        services: row.services,
      });
      if (recomputed !== row.hash) {
        problems.push({
          seq,
          problem: 'edited',
          message: `event ${seq} was edited: its content no longer matches its hash`,
        });
      } else if (row.prev_hash !== prevHash && seq === expected) {
        problems.push({
          seq,
          problem: 'relinked',
          message: `event ${seq - 1} was edited or replaced (hash rewritten): event ${seq} no longer links to it`,
        });
      }
      prevHash = row.hash;
      expected = seq + 1;
      after = seq;
    }
  }
  const head = await scope.selectFrom('consent_chain_heads').select(['seq', 'hash']).executeTakeFirst();
  const headSeq = head ? Number(head.seq) : 0;
  if (headSeq > after) {
    problems.push({
      seq: after + 1,
      problem: 'truncated',
      message: `events ${after + 1}–${headSeq} deleted: the chain ends at ${after} but ${headSeq} were recorded`,
    });
  } else if (head && headSeq === after && head.hash !== prevHash) {
    problems.push({
      seq: after,
      problem: 'edited',
      message: `event ${after} differs from the recorded chain head`,
    });
  }
  return { ok: problems.length === 0, events: count, headSeq, problems };
}
