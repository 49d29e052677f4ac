import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { WorkspaceScope } from '../store/workspace-scope.ts';
import { type AuditAnchor, checkAnchorSignature, listAnchors } from './anchor-audit.ts';
import { type AuditRecord, auditHash, GENESIS_HASH } from './append-audit.ts';

/** The first place the chain stops being what was written. */
export interface AuditBreak {
  seq: number;
  kind: 'content_changed' | 'link_broken' | 'missing_entry' | 'anchor_mismatch' | 'anchor_signature';
  /** What differs, in words: which check failed and the two values compared. */
  message: string;
  expected?: string;
  actual?: string;
}

export interface AuditVerification {
  workspaceId: string;
  entries: number;
  anchorsChecked: number;
  ok: boolean;
  firstBreak?: AuditBreak;
}

const PAGE = 1000;

/**
 * Re-computes every hash of the workspace's chain in order and checks every signed anchor
 * against it. Stops at the first broken link: every later entry depends on it.
 */
export async function verifyAuditLog(scope: WorkspaceScope): Promise<AuditVerification> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let entries = 0;
  const hashes = new Map<number, string>();
  const anchors = await listAnchors(scope, 10_000);
  const anchoredSeqs = new Set(anchors.map((a) => a.seq));
  const result = (firstBreak?: AuditBreak): AuditVerification => ({
    workspaceId: scope.workspaceId,
    entries,
    anchorsChecked: firstBreak ? 0 : anchors.length,
    ok: !firstBreak,
    ...(firstBreak ? { firstBreak } : {}),
  });
  for (;;) {
    const rows = await scope
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      if (row.seq !== expectedSeq) {
        return result({
          seq: expectedSeq,
          kind: 'missing_entry',
          message: `entry ${expectedSeq} is missing: the chain jumps from ${expectedSeq - 1} to ${row.seq}`,
        });
      }
      if (row.prev_hash !== prevHash) {
        return result({
          seq: row.seq,
          kind: 'link_broken',
          message: `prev_hash of entry ${row.seq} does not equal the hash of entry ${row.seq - 1}`,
          expected: prevHash,
          actual: row.prev_hash,
        });
      }
      const record: AuditRecord = {
        workspace_id: row.workspace_id,
        seq: row.seq,
        at: new Date(row.at).toISOString(),
        actor: row.actor,
        role: row.role,
        action: row.action,
        object_type: row.object_type,
        object_id: row.object_id,
        reason: row.reason,
        request_id: row.request_id,
        details: row.details,
      };
      const recomputed = auditHash(prevHash, record);
      if (recomputed !== row.hash) {
        return result({
          seq: row.seq,
          kind: 'content_changed',
          message: `entry ${row.seq} (${row.action} by ${row.actor} at ${record.at}) no longer matches its hash: its content was changed after it was written`,
          expected: row.hash,
          actual: recomputed,
        });
      }
      if (anchoredSeqs.has(row.seq)) hashes.set(row.seq, row.hash);
      prevHash = row.hash;
      expectedSeq += 1;
      entries += 1;
    }
    if (rows.length < PAGE) break;
  }
  for (const anchor of [...anchors].sort((a, b) => a.seq - b.seq)) {
    const problem = checkAnchor(anchor, hashes.get(anchor.seq), entries);
    if (problem) return result(problem);
  }
  return result();
}

function checkAnchor(
  anchor: AuditAnchor,
  chainHash: string | undefined,
  entries: number,
): AuditBreak | undefined {
  if (!checkAnchorSignature(anchor)) {
    return {
      seq: anchor.seq,
      kind: 'anchor_signature',
      message: `the anchor signed at ${anchor.signed_at} for entry ${anchor.seq} has an invalid signature`,
    };
  }
  if (chainHash === undefined) {
    return {
      seq: anchor.seq,
      kind: 'missing_entry',
      message: `an anchor signed at ${anchor.signed_at} covers entry ${anchor.seq}, but the log has only ${entries} entries: entries were removed`,
    };
  }
  if (chainHash !== anchor.head_hash) {
    return {
      seq: anchor.seq,
      kind: 'anchor_mismatch',
      message: `entry ${anchor.seq} differs from the head signed at ${anchor.signed_at}: the chain was rewritten`,
      expected: anchor.head_hash,
      actual: chainHash,
    };
  }
  return undefined;
}

/** Verifies every workspace in the store (the CLI's offline check). */
export async function verifyAllWorkspaces(db: Kysely<Database>): Promise<AuditVerification[]> {
  const workspaces = await db.selectFrom('workspaces').select('id').orderBy('created_at').execute();
  const out: AuditVerification[] = [];
  for (const ws of workspaces) out.push(await verifyAuditLog(new WorkspaceScope(db, ws.id)));
  return out;
}
