import { unlink } from 'node:fs/promises';
import { appendAudit } from '../governance/append-audit.ts';
import { findCurrentProgram } from '../program/current-program.ts';
import { describeHold, type LegalHold } from '../retention/legal-hold.ts';
import { listLegalHolds } from '../retention/list-legal-holds.ts';
import { subtractPeriod } from '../retention/period.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { type RequestActor, systemActor } from './record-transition.ts';
import { json, type RequestRow } from './request-record.ts';
import { getRequestSettings, type RequestSettings, recordsKeptMonths } from './request-settings.ts';
import { closedStates } from './request-states.ts';
import { type DenialReason, denialReasonLabels } from './request-types.ts';

/** What happened to one closed request whose records period is over. */
export type MinimiseOutcome =
  | { id: string; status: 'minimised' }
  | { id: string; status: 'held'; holds: string[] }
  | { id: string; status: 'failed'; error: string };

export interface MinimiseResult {
  /** Closed before these instants → minimised (CCPA requests use their own, later floor). */
  closed_before: { default: string; ccpa: string };
  minimised: number;
  held: number;
  failed: number;
  outcomes: MinimiseOutcome[];
}

export interface MinimiseOptions {
  now: Date;
  /** Requests read per query; each is then minimised in a transaction of its own. */
  batchSize?: number;
  /** Who started it: the daily job (system) or an admin through the API. */
  actor?: RequestActor;
}

/**
 * Removes the personal data of closed requests whose records period has passed (request
 * settings `records_kept_months`, at least 24 months for CCPA requests): identities,
 * contact address, the person's words, agent documents, verification proofs, tokens, the
 * engine journal (previous values) and the access package. What the records log (CCPA
 * 11 CCR 7101) and the metrics (7102) read stays: type, jurisdiction, channel, dates, state,
 * outcome and the basis of a denial. Open requests are never touched; a request whose
 * person or business customer is under an active legal hold is kept whole until released.
 * Each request is one transaction marked `minimised_at`, so a killed sweep resumes where it
 * stopped and a second sweep changes nothing.
 */
export async function minimiseRequestRecords(
  scope: WorkspaceScope,
  options: MinimiseOptions,
): Promise<MinimiseResult> {
  const { now } = options;
  const settings = await getRequestSettings(scope);
  const cutoffs = {
    default: subtractPeriod(now, `P${recordsKeptMonths(settings, 'gdpr')}M`),
    ccpa: subtractPeriod(now, `P${recordsKeptMonths(settings, 'ccpa')}M`),
  };
  const holds = (await listLegalHolds(scope, { activeAt: now })).filter((h) => h.kind !== 'collection');
  const accounts = new Map(
    ((await findCurrentProgram(scope))?.program.doc.customers ?? []).map((c) => [
      c.key,
      c.account_id === undefined ? undefined : String(c.account_id),
    ]),
  );
  const outcomes: MinimiseOutcome[] = [];
  let after: string | undefined;
  for (;;) {
    // Keyset pages by id: held requests stay unminimised and must not be read again.
    let query = scope
      .selectFrom('dsr_requests')
      .selectAll()
      .where('minimised_at', 'is', null)
      .where('state', 'in', closedStates)
      .where((eb) =>
        eb.or([
          eb.and([
            eb('jurisdiction', '=', 'ccpa'),
            eb(eb.fn.coalesce('completed_at', 'updated_at'), '<=', cutoffs.ccpa),
          ]),
          eb.and([
            eb('jurisdiction', '<>', 'ccpa'),
            eb(eb.fn.coalesce('completed_at', 'updated_at'), '<=', cutoffs.default),
          ]),
        ]),
      );
    if (after) query = query.where('id', '>', after);
    const batch = (await query
      .orderBy('id')
      .limit(options.batchSize ?? 200)
      .execute()) as RequestRow[];
    if (batch.length === 0) break;
    after = batch.at(-1)!.id;
    for (const row of batch) {
      const holding = holds.filter((h) => holdCovers(h, row, accounts));
      if (holding.length) {
        outcomes.push({ id: row.id, status: 'held', holds: holding.map(describeHold) });
        continue;
      }
      try {
        if (await minimiseOne(scope, row, settings, now, options.actor ?? systemActor))
          outcomes.push({ id: row.id, status: 'minimised' });
      } catch (err) {
        console.error(`[custodian] minimising request ${row.id} failed:`, err);
        outcomes.push({ id: row.id, status: 'failed', error: (err as Error).message });
      }
    }
  }
  const count = (status: MinimiseOutcome['status']) => outcomes.filter((o) => o.status === status).length;
  return {
    closed_before: { default: cutoffs.default.toISOString(), ccpa: cutoffs.ccpa.toISOString() },
    minimised: count('minimised'),
    held: count('held'),
    failed: count('failed'),
    outcomes,
  };
}

/** A hold on the person (one of the request's identity values) or on their business customer. */
function holdCovers(hold: LegalHold, row: RequestRow, accounts: Map<string, string | undefined>): boolean {
  const value = hold.value?.trim().toLowerCase();
  if (!value) return false;
  if (hold.kind === 'account')
    return row.customer_key !== null && accounts.get(row.customer_key)?.toLowerCase() === value;
  const type = hold.identity_type ?? 'email';
  const given = [...(row.identities[type] ?? []), ...(type === 'email' ? [row.contact_email] : [])];
  return given.some((v) => v.trim().toLowerCase() === value);
}

/** Minimises one request; false when another sweep got there first. */
async function minimiseOne(
  scope: WorkspaceScope,
  row: RequestRow,
  settings: RequestSettings,
  now: Date,
  actor: RequestActor,
): Promise<boolean> {
  // The file goes first: if the process dies before the commit, the next sweep finds the
  // request unminimised, and a missing file is not an error.
  if (row.package_path) {
    await unlink(row.package_path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
  return scope.transaction(async (tx) => {
    const updated = await tx
      .updateTable('dsr_requests')
      .set({
        identities: json({}),
        contact_email: '',
        subject_key: '',
        details: json({}),
        verification: json(proofsKept(row.verification)),
        agent: null,
        extension_reason: null,
        denial_text: row.denial_reason
          ? (denialReasonLabels[row.denial_reason as DenialReason] ?? null)
          : null,
        result: row.result ? json(resultKept(row.result)) : null,
        package_path: null,
        minimised_at: now,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .where('minimised_at', 'is', null)
      .where('state', 'in', closedStates)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    // Free text in the history (notes, reasons, reviewer checks) and event details go; who
    // did what and when stays.
    await tx
      .updateTable('dsr_request_events')
      .set({ reason: null, details: null })
      .where('request_id', '=', row.id)
      .execute();
    await tx.updateTable('dsr_run_journal').set({ error: null }).where('request_id', '=', row.id).execute();
    for (const table of [
      'dsr_verification_codes',
      'dsr_tokens',
      'dsr_attachments',
      'dsr_engine_journals',
    ] as const)
      await tx.deleteFrom(table).where('request_id', '=', row.id).execute();
    const months = recordsKeptMonths(settings, row.jurisdiction);
    await tx
      .insertInto('dsr_request_events', {
        request_id: row.id,
        at: now,
        actor: actor.id,
        kind: 'minimised',
        from_state: null,
        to_state: null,
        reason: `records period of ${months} months after closure is over: personal data removed`,
        details: json({ months }),
      })
      .execute();
    await appendAudit(
      tx,
      {
        actor,
        action: 'request.minimised',
        objectType: 'dsr_request',
        objectId: row.id,
        details: {
          type: row.type,
          jurisdiction: row.jurisdiction,
          closed_at: (row.completed_at ?? row.updated_at).toISOString(),
          months,
          package_deleted: Boolean(row.package_path),
        },
      },
      now,
    );
    return true;
  });
}

/** Which proofs verified the person, and when; not the account ids or notes that came with them. */
function proofsKept(verification: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(verification).map(([proof, detail]) => [
      proof,
      { at: (detail as { at?: unknown } | null)?.at ?? null },
    ]),
  );
}

/** Counts per collection and who was notified; no error texts, which can quote values. */
function resultKept(result: Record<string, unknown>): Record<string, unknown> {
  const collections = Array.isArray(result.collections)
    ? (result.collections as { collection?: unknown; status?: unknown; rows?: unknown }[]).map((c) => ({
        collection: c.collection,
        status: c.status,
        rows: c.rows,
      }))
    : undefined;
  return {
    ...Object.fromEntries(Object.entries(result).filter(([, v]) => typeof v === 'number')),
    ...(collections ? { collections } : {}),
    ...(Array.isArray(result.recipients_notified) ? { recipients_notified: result.recipients_notified } : {}),
  };
}
