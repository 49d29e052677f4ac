import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { canonicalJson } from './canonical-json.ts';
import { currentRequestId } from './request-context.ts';

/** Who did something: an API key, a signed-in user, the system itself, or a data subject. */
export interface Actor {
  id: string;
  role: string | null;
}

export interface AuditEntry {
  actor: Actor;
  action: string;
  objectType?: string;
  objectId?: string;
  reason?: string;
  requestId?: string;
  details?: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an entry that its hash covers, in the form both writer and verifier build. */
export interface AuditRecord {
  workspace_id: string;
  seq: number;
  at: string;
  actor: string;
  role: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  reason: string | null;
  request_id: string | null;
  details: Record<string, unknown> | null;
}

/**
 * The hash of one entry: it covers the previous hash, so editing any entry breaks every
 * later link. Keys are sorted so the stored (jsonb) form hashes the same as the written one.
 */
export function auditHash(prevHash: string, entry: AuditRecord): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(entry)).digest('hex');
}

/**
 * Appends an entry to the workspace's hash-chained audit log. Entries are serialised per
 * workspace with a transaction-scoped advisory lock so the chain never forks.
 */
export async function appendAudit(
  scope: WorkspaceScope,
  entry: AuditEntry,
  at: Date = new Date(),
): Promise<void> {
  // Inside a caller's transaction the entry commits (or rolls back) with the change it records.
  if (scope.db.isTransaction) return appendInTransaction(scope, entry, at);
  await scope.transaction((tx) => appendInTransaction(tx, entry, at));
}

async function appendInTransaction(tx: WorkspaceScope, entry: AuditEntry, at: Date): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`audit:${tx.workspaceId}`}))`.execute(tx.db);
  const last = await tx
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const details = entry.details
    ? (JSON.parse(canonicalJson(entry.details)) as Record<string, unknown>)
    : null;
  const record: AuditRecord = {
    workspace_id: tx.workspaceId,
    seq,
    at: at.toISOString(),
    actor: entry.actor.id,
    role: entry.actor.role,
    action: entry.action,
    object_type: entry.objectType ?? null,
    object_id: entry.objectId ?? null,
    reason: entry.reason ?? null,
    request_id: entry.requestId ?? currentRequestId() ?? null,
    details,
  };
  await tx
    .insertInto('audit_log', {
      seq,
      at,
      actor: record.actor,
      role: record.role,
      action: record.action,
      object_type: record.object_type,
      object_id: record.object_id,
      reason: record.reason,
      request_id: record.request_id,
      details: record.details === null ? null : JSON.stringify(record.details),
      prev_hash: prevHash,
      hash: auditHash(prevHash, record),
    } as never)
    .execute();
}
