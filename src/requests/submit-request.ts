import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '../errors.ts';
import { appendAudit } from '../governance/append-audit.ts';
import type { Services } from '../http/services.ts';
import type { NoticeLanguage } from '../notice/i18n/translator.ts';
import { programNoticeLanguages } from '../notice/notice-languages.ts';
import { findCurrentProgram } from '../program/current-program.ts';
import type { RequestType } from '../program/schema.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { continueVerification } from './advance-request.ts';
import { computeDeadlines, type JurisdictionCode } from './compute-deadlines.ts';
import { fieldChangesFor, publicIdentityTypes } from './correctable-data.ts';
import { denyRequest } from './decide-request.ts';
import { type RequestActor, recordRequestEvent } from './record-transition.ts';
import type { PermissionFile, SubmitRequestInput } from './request-input.ts';
import { receivedMail, sendRequestMail } from './request-mail.ts';
import { getRequest, json, type RequestRow } from './request-record.ts';
import { getRequestSettings, needsManualApproval, verificationLevelFor } from './request-settings.ts';
import { absoluteObjections, typesOffered } from './request-types.ts';
import { normaliseEmail, subjectKey } from './subject-key.ts';

export type Channel = 'web' | 'api' | 'opendsr' | 'agent';

export interface SubmitOptions {
  channel: Channel;
  actor: RequestActor;
  /** An authorized agent's signed permission (privacy center upload). */
  permission?: PermissionFile | undefined;
  /** The language of the page it was made on (privacy center); else `lang` of the input, else the program's first. */
  lang?: NoticeLanguage | undefined;
}

function invalid(path: string, message: string): AppError {
  return new AppError('validation_failed', `invalid body: ${path}: ${message}`, {
    details: [{ path, message }],
  });
}

/** Largest permission file an agent may upload. */
export const MAX_PERMISSION_BYTES = 5 * 1024 * 1024;

/**
 * Receives a request: checks the program offers it where the person lives, sets its
 * deadlines, flags the CCPA access limit, records it, confirms receipt by email, and
 * starts verification (or skips it where the law says no proof may be asked).
 */
export async function submitRequest(
  scope: WorkspaceScope,
  services: Services,
  input: SubmitRequestInput,
  options: SubmitOptions,
): Promise<RequestRow> {
  const now = services.clock();
  const current = await findCurrentProgram(scope);
  if (!current)
    throw new AppError('unavailable', 'requests cannot be taken yet: no privacy program has been published');
  const doc = current.program.doc;
  const languages = programNoticeLanguages(doc);
  if (input.lang && !languages.includes(input.lang)) {
    throw invalid(
      'body.lang',
      `the program does not publish in "${input.lang}"; it publishes in ${languages.join(', ')}`,
    );
  }
  const jurisdiction = doc.jurisdictions.find((j) => j.code === input.jurisdiction);
  if (!jurisdiction) {
    throw invalid(
      'body.jurisdiction',
      `not one of this company's jurisdictions (${doc.jurisdictions.map((j) => j.code).join(', ')})`,
    );
  }
  const offered = typesOffered(doc, input.jurisdiction);
  if (!offered.includes(input.type)) {
    throw invalid('body.type', `not offered under ${input.jurisdiction} (offered: ${offered.join(', ')})`);
  }
  const { correction, category_corrections: byCategory, correction_text: correctionText } = input.details;
  if (input.type === 'rectification' && !correction && !byCategory && !correctionText) {
    throw invalid('body.details.correction', 'say what to correct: field → corrected value');
  }
  // What the person said by category becomes field changes a reviewer checks before the run.
  const details =
    input.type === 'rectification' && byCategory
      ? {
          ...input.details,
          correction: fieldChangesFor(
            current.program,
            [...new Set([...publicIdentityTypes, ...Object.keys(input.identities)])],
            byCategory,
            correction,
          ),
        }
      : input.details;
  const reviewCorrection = input.type === 'rectification' && Boolean(byCategory || correctionText);
  if (input.type === 'objection' && !input.details.processing?.length) {
    throw invalid('body.details.processing', 'say which processing you object to (e.g. direct_marketing)');
  }
  if (input.agent && !doc.rights.authorized_agents && input.jurisdiction !== 'ccpa') {
    throw invalid('body.agent', 'this company does not take requests through authorized agents');
  }
  if (input.external_id) {
    const existing = await scope
      .selectFrom('dsr_requests')
      .select('id')
      .where('external_id', '=', input.external_id)
      .executeTakeFirst();
    if (existing)
      throw new AppError('conflict', `a request with id ${input.external_id} exists`, {
        details: { id: existing.id },
      });
  }

  const email = normaliseEmail(input.identities.email![0]!);
  const identities = { ...input.identities, email: input.identities.email!.map(normaliseEmail) };
  const key = subjectKey(scope.workspaceId, email);
  const settings = await getRequestSettings(scope);
  const deadlines = computeDeadlines({
    type: input.type,
    jurisdiction: input.jurisdiction as JurisdictionCode,
    receivedAt: now,
    companyDays: jurisdiction.response_days,
  });

  const absolute =
    input.type === 'objection' &&
    (input.details.processing ?? []).every((p) => (absoluteObjections as readonly string[]).includes(p));
  let level = absolute ? 'none' : verificationLevelFor(settings, input.type, input.jurisdiction);
  // An agent's request is confirmed by the person directly, whatever the type.
  if (input.agent && level === 'none') level = 'code';

  const flags: Record<string, unknown>[] = [];
  const limit = doc.rights.access_limit_per_year;
  if (limit && (input.type === 'access' || input.type === 'portability')) {
    const since = new Date(now.getTime() - 365 * 86_400_000);
    const prior = await scope
      .selectFrom('dsr_requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('subject_key', '=', key)
      .where('type', 'in', ['access', 'portability'])
      .where('received_at', '>', since)
      .where('state', 'not in', ['canceled', 'denied'])
      .executeTakeFirstOrThrow();
    if (Number(prior.n) >= limit) {
      flags.push({
        rule: 'access_limit_per_year',
        message: `${Number(prior.n)} access requests in the last 12 months; the program allows ${limit}`,
        limit,
        prior: Number(prior.n),
      });
    }
  }

  const id = randomUUID();
  const agent = input.agent
    ? { name: input.agent.name, email: normaliseEmail(input.agent.email), confirmed: false }
    : null;
  await scope
    .insertInto('dsr_requests', {
      id,
      type: input.type,
      state: 'received',
      jurisdiction: input.jurisdiction,
      channel: agent ? 'agent' : options.channel,
      identities: json(identities),
      contact_email: email,
      subject_key: key,
      details: json(details),
      received_at: now,
      due_at: deadlines.dueAt,
      legal_due_at: deadlines.legalDueAt,
      receipt_confirm_by: deadlines.receiptConfirmBy,
      deadline_rule: deadlines.rule,
      extension_reason: null,
      verification_level: level,
      verification: json(
        input.verified_account
          ? { account: { at: now.toISOString(), ...input.verified_account, by: options.actor.id } }
          : {},
      ),
      verified_at: null,
      needs_approval:
        !absolute && (needsManualApproval(settings, input.type) || flags.length > 0 || reviewCorrection),
      decided_at: null,
      decided_by: null,
      denial_reason: null,
      denial_text: null,
      flags: json(flags),
      customer_key: null,
      customer_decision: null,
      agent: agent ? json(agent) : null,
      result: null,
      package_path: null,
      completed_at: null,
      closed_response: null,
      program_version: current.version,
      external_id: input.external_id ?? null,
      lang: input.lang ?? options.lang ?? languages[0] ?? 'en',
      updated_at: now,
    })
    .execute();
  if (options.permission) {
    const bytes = options.permission.bytes;
    await scope
      .insertInto('dsr_attachments', {
        id: randomUUID(),
        request_id: id,
        kind: 'agent_permission',
        filename: options.permission.filename.slice(0, 200),
        content_type: options.permission.contentType.slice(0, 100),
        size: bytes.byteLength,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        content: bytes,
        created_at: now,
      })
      .execute();
  }
  await scope
    .insertInto('dsr_request_events', {
      request_id: id,
      at: now,
      actor: options.actor.id,
      kind: 'transition',
      from_state: null,
      to_state: 'received',
      reason: null,
      details: json({ channel: agent ? 'agent' : options.channel, deadline_rule: deadlines.rule, flags }),
    })
    .execute();
  await appendAudit(
    scope,
    {
      actor: options.actor,
      action: 'request.received',
      objectType: 'dsr_request',
      objectId: id,
      details: {
        type: input.type,
        jurisdiction: input.jurisdiction,
        channel: options.channel,
        agent: Boolean(agent),
      },
    },
    now,
  );
  for (const flag of flags) {
    await recordRequestEvent(
      scope,
      id,
      { kind: 'flagged', actor: options.actor, reason: String(flag.message), details: flag },
      now,
    );
  }

  let row = await getRequest(scope, id);
  await sendRequestMail(scope, services, row, receivedMail(row, doc), now);
  if (agent) await sendRequestMail(scope, services, row, receivedMail(row, doc), now, agent.email);

  if (flags.length && settings.access_limit_action === 'refuse') {
    return denyRequest(scope, services, id, options.actor, {
      reason: 'access_limit_reached',
      text: String(flags[0]!.message),
    });
  }
  row = await continueVerification(scope, services, row, options.actor, now);
  return row;
}

/** Request types that can be submitted in a jurisdiction (for forms and discovery). */
export function offeredTypes(doc: Parameters<typeof typesOffered>[0], jurisdiction: string): RequestType[] {
  return typesOffered(doc, jurisdiction);
}
