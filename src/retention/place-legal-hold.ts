import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { type LegalHold, type LegalHoldInput, legalHoldInputSchema } from './legal-hold.ts';

/** Places a legal hold; it applies to every sweep from the next batch on. */
export async function placeLegalHold(
  scope: WorkspaceScope,
  input: LegalHoldInput,
  actor: string | null = null,
): Promise<LegalHold> {
  const parsed = legalHoldInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError('validation_failed', 'invalid legal hold', {
      details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const h = parsed.data;
  const row = {
    id: randomUUID(),
    kind: h.kind,
    identity_type: h.kind === 'identity' ? h.identity_type : null,
    value: h.kind === 'collection' ? null : h.value,
    dataset: h.kind === 'collection' ? h.dataset : null,
    collection: h.kind === 'collection' ? (h.collection ?? null) : null,
    reason: h.reason,
    expires_at: h.expires_at ? new Date(h.expires_at) : null,
    created_by: actor,
    released_at: null,
    released_by: null,
  };
  const inserted = await scope.insertInto('retention_holds', row).returningAll().executeTakeFirstOrThrow();
  return toLegalHold(inserted);
}

export function toLegalHold(row: {
  id: string;
  kind: LegalHold['kind'];
  identity_type: string | null;
  value: string | null;
  dataset: string | null;
  collection: string | null;
  reason: string;
  expires_at: Date | null;
  created_at: Date;
  created_by: string | null;
  released_at: Date | null;
}): LegalHold {
  return {
    id: row.id,
    kind: row.kind,
    identity_type: row.identity_type,
    value: row.value,
    dataset: row.dataset,
    collection: row.collection,
    reason: row.reason,
    expires_at: row.expires_at,
    created_at: row.created_at,
    created_by: row.created_by,
    released_at: row.released_at,
  };
}
