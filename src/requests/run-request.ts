import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.ts';
import type { Services } from '../http/services.ts';
import { getCurrentProgram } from '../program/current-program.ts';
import type { ProgramDoc } from '../program/schema.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import type { EngineCollectionResult, EngineRequestType, RestrictionKind } from './engine-port.ts';
import { recordRequestEvent, systemActor, transitionRequest } from './record-transition.ts';
import {
  accessReadyMail,
  type DoneSummary,
  doneMail,
  failedMail,
  requestMailLanguage,
  sendRequestMail,
} from './request-mail.ts';
import { getRequest, json, type RequestRow } from './request-record.ts';
import { requestServices } from './request-services.ts';
import { getRequestSettings } from './request-settings.ts';
import { engineTypes } from './request-types.ts';
import { createToken } from './single-use-token.ts';
import { recordCollectionResults, storeRunJournal } from './store-run-journal.ts';

export interface RunOutcome {
  requestId: string;
  state: RequestRow['state'];
  results: EngineCollectionResult[];
}

/** Processors the data went to: told of erasures and corrections (GDPR Art. 19). */
export function dataRecipients(doc: ProgramDoc): string[] {
  return doc.processors.filter((p) => p.status === 'active').map((p) => p.name);
}

/**
 * Runs an approved (or failed, for a retry) request: engine types against the data stores
 * through the run journal, the others recorded as restrictions; then tells the person.
 * A request left `in_progress` by a killed worker is picked up again the same way.
 */
export async function runRequest(
  scope: WorkspaceScope,
  services: Services,
  requestId: string,
): Promise<RunOutcome> {
  let row = await getRequest(scope, requestId);
  if (row.state === 'approved' || row.state === 'failed') {
    row = await transitionRequest(
      scope,
      requestId,
      {
        to: 'in_progress',
        actor: systemActor,
        from: ['approved', 'failed'],
        reason: row.state === 'failed' ? 'retry' : undefined,
      },
      services.clock(),
    );
  } else if (row.state !== 'in_progress') {
    return { requestId, state: row.state, results: [] };
  }
  const { program } = await getCurrentProgram(scope);
  const deps = requestServices(services);
  let results: EngineCollectionResult[] = [];
  let packagePath: string | undefined;
  try {
    if (engineTypes.includes(row.type)) {
      if (row.type === 'access' || row.type === 'portability') {
        const dir = path.join(deps.packageDir, scope.workspaceId);
        await mkdir(dir, { recursive: true });
        packagePath = path.join(dir, `${row.id}.zip`);
      }
      const output = await deps.engine.run({
        requestId,
        type: row.type as EngineRequestType,
        program,
        identities: row.identities,
        correction: row.details.correction as Record<string, unknown> | undefined,
        dryRun: false,
        journal: storeRunJournal(scope, requestId, services.clock),
        packagePath,
      });
      results = output.results;
      packagePath = output.package?.location ?? (results.length ? packagePath : undefined);
    } else {
      const kind: RestrictionKind =
        row.type === 'automated_decision' ? 'objection' : (row.type as RestrictionKind);
      const purposes =
        row.type === 'automated_decision'
          ? ['automated_decision_making']
          : (row.details.processing as string[] | undefined);
      const recorded = await deps.restrictions.recordRestriction(scope, {
        requestId,
        kind,
        email: row.contact_email,
        purposes,
        at: services.clock(),
      });
      results = [
        { collection: `consent:${kind}`, status: 'succeeded', rows: 1, reason: `restriction ${recorded.id}` },
      ];
    }
  } catch (err) {
    const message = err instanceof AppError ? err.message : 'the run stopped unexpectedly';
    if (!(err instanceof AppError)) console.error('[custodian] request run failed:', err);
    results = [
      ...results,
      {
        collection: '*',
        status: 'failed',
        rows: 0,
        error: { code: err instanceof AppError ? err.code : 'internal', message },
      },
    ];
  }

  const now = services.clock();
  await recordCollectionResults(scope, requestId, results, now);
  const failed = results.filter((r) => r.status === 'failed');
  const summary = {
    collections: results,
    succeeded: results.filter((r) => r.status === 'succeeded').length,
    failed: failed.length,
    pending: results.filter((r) => r.status === 'pending').length,
  };
  const doc = program.doc;
  if (failed.length) {
    const after = await transitionRequest(
      scope,
      requestId,
      {
        to: 'failed',
        actor: systemActor,
        reason: failed
          .map((f) => `${f.collection}: ${f.error?.message ?? f.reason ?? 'failed'}`)
          .join('; ')
          .slice(0, 1000),
        patch: { result: json(summary) },
      },
      now,
    );
    await sendRequestMail(scope, services, after, failedMail(after, doc), now);
    return { requestId, state: 'failed', results };
  }
  const recipients = row.type === 'erasure' || row.type === 'rectification' ? dataRecipients(doc) : [];
  const completed = await transitionRequest(
    scope,
    requestId,
    {
      to: 'completed',
      actor: systemActor,
      patch: {
        result: json({ ...summary, recipients_notified: recipients }),
        completed_at: now,
        closed_response: 'fulfilled',
        package_path: packagePath ?? null,
      },
    },
    now,
  );
  if (recipients.length) {
    await recordRequestEvent(
      scope,
      requestId,
      { kind: 'recipients_notified', actor: systemActor, details: { recipients, article: 'GDPR Art. 19' } },
      now,
    );
  }
  await deliver(scope, services, completed, doc, recipients, now);
  return { requestId, state: 'completed', results };
}

async function deliver(
  scope: WorkspaceScope,
  services: Services,
  row: RequestRow,
  doc: ProgramDoc,
  recipients: string[],
  now: Date,
): Promise<void> {
  if (row.package_path) {
    const settings = await getRequestSettings(scope);
    const expiresAt = new Date(now.getTime() + settings.download_days * 86_400_000);
    const token = await createToken(scope, row.id, 'download', expiresAt, now);
    const link = `${services.publicUrl}/privacy-center/download/${token}?lang=${requestMailLanguage(row, doc)}`;
    await sendRequestMail(scope, services, row, accessReadyMail(row, doc, link, expiresAt), now);
    return;
  }
  const rows = ((row.result?.collections as EngineCollectionResult[] | undefined) ?? []).reduce(
    (n, r) => n + r.rows,
    0,
  );
  const summary: DoneSummary =
    row.type === 'erasure'
      ? { kind: 'erased', rows }
      : row.type === 'rectification'
        ? { kind: 'corrected', rows }
        : row.type === 'access' || row.type === 'portability'
          ? { kind: 'nothingFound' }
          : { kind: 'recorded' };
  await sendRequestMail(scope, services, row, doneMail(row, doc, summary, recipients), now);
}

/** Erasure or rectification, counted but not applied: what the run would change, kept on the record. */
export async function dryRunRequest(
  scope: WorkspaceScope,
  services: Services,
  requestId: string,
  actor: { id: string; role: string | null },
): Promise<EngineCollectionResult[]> {
  const row = await getRequest(scope, requestId);
  if (row.type !== 'erasure' && row.type !== 'rectification') {
    throw new AppError('conflict', 'only erasure and rectification requests have a dry run');
  }
  if (!['verified', 'approved', 'failed'].includes(row.state)) {
    throw new AppError('conflict', `a request that is ${row.state} cannot be dry-run`);
  }
  const { program } = await getCurrentProgram(scope);
  const output = await requestServices(services).engine.run({
    requestId,
    type: row.type,
    program,
    identities: row.identities,
    correction: row.details.correction as Record<string, unknown> | undefined,
    dryRun: true,
    // A dry run keeps no journal: the real run must not skip what was only counted.
    journal: storeRunJournal(scope, requestId, services.clock),
  });
  await recordRequestEvent(
    scope,
    requestId,
    {
      kind: 'dry_run',
      actor,
      details: {
        collections: output.results.map((r) => ({
          collection: r.collection,
          status: r.status,
          rows: r.rows,
        })),
      },
    },
    services.clock(),
  );
  return output.results;
}
