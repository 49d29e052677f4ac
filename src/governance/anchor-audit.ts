import { createPrivateKey, createPublicKey, randomUUID, sign, verify } from 'node:crypto';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { canonicalJson } from './canonical-json.ts';
import { getAnchorKey } from './server-keys.ts';

/** A signed statement "the chain of this workspace had this head at this time": exportable, checkable offline. */
export interface AuditAnchor {
  id: string;
  workspace_id: string;
  seq: number;
  head_hash: string;
  signed_at: string;
  algorithm: 'ed25519';
  /** SPKI PEM; anyone holding it can check the signature without the server. */
  public_key: string;
  /** base64 Ed25519 signature over `anchorMessage(...)`. */
  signature: string;
}

/** The exact bytes an anchor signs. */
export function anchorMessage(a: {
  workspace_id: string;
  seq: number;
  head_hash: string;
  signed_at: string;
}) {
  return Buffer.from(
    canonicalJson({
      workspace_id: a.workspace_id,
      seq: a.seq,
      head_hash: a.head_hash,
      signed_at: a.signed_at,
    }),
  );
}

export function checkAnchorSignature(anchor: AuditAnchor): boolean {
  try {
    return verify(
      null,
      anchorMessage(anchor),
      createPublicKey(anchor.public_key),
      Buffer.from(anchor.signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/**
 * Signs the current head of the workspace's chain. Nothing new since the last anchor →
 * the last anchor is returned; an empty log has nothing to anchor (undefined).
 */
export async function anchorAuditLog(scope: WorkspaceScope, now: Date): Promise<AuditAnchor | undefined> {
  const head = await scope
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!head) return undefined;
  const key = await getAnchorKey(scope);
  const latest = (await listAnchors(scope, 1))[0];
  if (latest && latest.seq === head.seq && latest.head_hash === head.hash) return latest;
  const signedAt = now.toISOString();
  const message = anchorMessage({
    workspace_id: scope.workspaceId,
    seq: head.seq,
    head_hash: head.hash,
    signed_at: signedAt,
  });
  const signature = sign(null, message, createPrivateKey(key.privateKeyPem)).toString('base64');
  const id = randomUUID();
  await scope
    .insertInto('audit_anchors', {
      id,
      seq: head.seq,
      head_hash: head.hash,
      signed_at: now,
      key_id: key.id,
      signature,
    })
    .execute();
  return {
    id,
    workspace_id: scope.workspaceId,
    seq: head.seq,
    head_hash: head.hash,
    signed_at: signedAt,
    algorithm: 'ed25519',
    public_key: key.publicKeyPem,
    signature,
  };
}

/** Anchors newest first, each with the public key that checks it. */
export async function listAnchors(scope: WorkspaceScope, limit = 100): Promise<AuditAnchor[]> {
  const rows = await scope
    .selectFrom('audit_anchors')
    .innerJoin('server_keys', 'server_keys.id', 'audit_anchors.key_id')
    .select([
      'audit_anchors.id',
      'audit_anchors.workspace_id',
      'audit_anchors.seq',
      'audit_anchors.head_hash',
      'audit_anchors.signed_at',
      'audit_anchors.signature',
      'server_keys.public_key',
    ])
    .orderBy('audit_anchors.seq', 'desc')
    .orderBy('audit_anchors.signed_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    workspace_id: r.workspace_id,
    seq: r.seq,
    head_hash: r.head_hash,
    signed_at: new Date(r.signed_at).toISOString(),
    algorithm: 'ed25519' as const,
    public_key: r.public_key ?? '',
    signature: r.signature,
  }));
}
