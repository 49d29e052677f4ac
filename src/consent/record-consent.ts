import { z } from 'zod';
import { AppError } from '../errors.ts';
import { getConsentNoticeVersion } from '../notice/consent-version.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import type { ConsentPurposes } from './consent-purposes.ts';
import { type CurrentConsentProgram, currentConsentProgram } from './current-purposes.ts';
import { ledgerWriterFor, type PendingEvent } from './ledger-writer.ts';
import { keyedHash, workspaceSecret } from './workspace-secret.ts';

export const consentMethods = ['banner', 'preference_center', 'api', 'import', 'gpc'] as const;
export type ConsentMethod = (typeof consentMethods)[number];

/** A subject: a known id (`user:42`, `email:a@b.c`) or an anonymous device id (`device:…`). */
export const subjectSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s]+$/, 'a subject id without spaces, such as user:42 or device:3f2a…');

export const consentInputSchema = z.object({
  subject: subjectSchema,
  /** Notice key → granted (true) or denied (false). */
  choices: z.record(z.string(), z.boolean()),
  /**
   * Service key (from the program's cookie register) → allowed (true) or refused (false), for
   * services inside the notices chosen here. A choice stays until the person changes it.
   */
  services: z.record(z.string().max(100), z.boolean()).optional(),
  method: z.enum(consentMethods).default('api'),
  /** The consent notice version shown (0 before any notice is published). */
  notice_version: z.number().int().min(0).optional(),
  wording_hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest')
    .optional(),
  jurisdiction: z.string().max(20).optional(),
  page_url: z.string().max(2000).optional(),
  gpc: z.boolean().default(false),
});
export type ConsentInput = z.infer<typeof consentInputSchema>;

export interface RequestFacts {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

export interface RecordedConsent {
  seq: number;
  hash: string;
  subject: string;
  granted: string[];
  denied: string[];
  services: Record<string, boolean> | null;
  notice_version: number;
  at: string;
}

/**
 * Appends one choice to the ledger and updates the subject's current state. Notice keys
 * must exist in the current program; the wording, when given, must have been shown (stored).
 */
export async function recordConsent(
  scope: WorkspaceScope,
  input: ConsentInput,
  now: Date,
  facts: RequestFacts = {},
): Promise<RecordedConsent> {
  const event = await prepareConsent(scope, input, now, facts);
  const appended = await ledgerWriterFor(scope.db).append(scope.workspaceId, event);
  return {
    seq: appended.seq,
    hash: appended.hash,
    subject: input.subject,
    granted: event.granted,
    denied: event.denied,
    services: event.services,
    notice_version: event.notice_version,
    at: event.at,
  };
}

const knownWordings = new Set<string>();

export type BatchItemResult =
  | { status: 'succeeded'; seq: number; subject: string }
  | { status: 'failed'; subject: string; error: string };

/**
 * Records many choices (an import, a backfill) with one program lookup; the writer commits
 * them in large batches. Each item succeeds or fails on its own.
 */
export async function recordConsentBatch(
  scope: WorkspaceScope,
  inputs: ConsentInput[],
  now: Date,
): Promise<BatchItemResult[]> {
  const writer = ledgerWriterFor(scope.db);
  const noticeVersion = inputs.some((i) => i.notice_version === undefined)
    ? await getConsentNoticeVersion(scope)
    : 0;
  const current = await currentConsentProgram(scope);
  const prepared = await Promise.all(
    inputs.map((input) =>
      prepareConsent(
        scope,
        { ...input, notice_version: input.notice_version ?? noticeVersion },
        now,
        {},
        current,
      ).then(
        (event) => ({ ok: true as const, event }),
        (err: Error) => ({ ok: false as const, error: err.message }),
      ),
    ),
  );
  return Promise.all(
    prepared.map(async (p, i): Promise<BatchItemResult> => {
      const subject = inputs[i]!.subject;
      if (!p.ok) return { status: 'failed', subject, error: p.error };
      try {
        const appended = await writer.append(scope.workspaceId, p.event);
        return { status: 'succeeded', seq: appended.seq, subject };
      } catch (err) {
        return { status: 'failed', subject, error: (err as Error).message };
      }
    }),
  );
}

/**
 * Service keys must be services of the program's cookie register shown under a consent
 * notice, and the event must choose that notice too: a service is chosen inside its category.
 */
function checkServices(purposes: ConsentPurposes, input: ConsentInput): void {
  const problems: { path: string; message: string }[] = [];
  for (const key of Object.keys(input.services ?? {})) {
    const service = purposes.services.get(key);
    if (!service) {
      problems.push({
        path: `body.services.${key}`,
        message: `not a service of the program's cookie register (known: ${[...purposes.services.keys()].join(', ') || 'none'})`,
      });
    } else if (!service.notices.some((n) => Object.hasOwn(input.choices, n))) {
      problems.push({
        path: `body.services.${key}`,
        message: `belongs to consent notice ${service.notices.join(' or ')}, which this event does not choose: add it to choices`,
      });
    }
  }
  if (problems.length) {
    throw new AppError(
      'validation_failed',
      `invalid service choice: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      { details: problems },
    );
  }
}

/** Checks a choice against the program and turns it into a ledger event (no write). */
export async function prepareConsent(
  scope: WorkspaceScope,
  input: ConsentInput,
  now: Date,
  facts: RequestFacts = {},
  current?: CurrentConsentProgram,
): Promise<PendingEvent> {
  const { purposes } = current ?? (await currentConsentProgram(scope));
  const unknown = Object.keys(input.choices).filter((k) => !purposes.notices.has(k));
  if (unknown.length) {
    throw new AppError(
      'validation_failed',
      `unknown consent notice ${unknown.map((k) => `"${k}"`).join(', ')}`,
      {
        details: unknown.map((k) => ({
          path: `body.choices.${k}`,
          message: `not a consent notice of the program (known: ${[...purposes.notices.keys()].join(', ')})`,
        })),
      },
    );
  }
  if (Object.keys(input.choices).length === 0) {
    throw new AppError('validation_failed', 'choices is empty: grant or deny at least one consent notice', {
      details: [{ path: 'body.choices', message: 'at least one notice key' }],
    });
  }
  checkServices(purposes, input);
  if (input.wording_hash && !knownWordings.has(`${scope.workspaceId}:${input.wording_hash}`)) {
    const shown = await scope
      .selectFrom('consent_wordings')
      .select('hash')
      .where('hash', '=', input.wording_hash)
      .executeTakeFirst();
    if (!shown)
      throw new AppError('validation_failed', 'wording_hash names no wording this server has shown', {
        details: [{ path: 'body.wording_hash', message: 'unknown wording' }],
      });
    // Wordings are never changed once stored, so a hash seen once stays valid.
    if (knownWordings.size > 10_000) knownWordings.clear();
    knownWordings.add(`${scope.workspaceId}:${input.wording_hash}`);
  }
  const granted: string[] = [];
  const denied: string[] = [];
  const grantedUses = new Set<string>();
  const deniedUses = new Set<string>();
  const noticeOfUse: Record<string, string> = {};
  for (const [key, yes] of Object.entries(input.choices).sort(([a], [b]) => a.localeCompare(b))) {
    const notice = purposes.notices.get(key)!;
    (yes ? granted : denied).push(key);
    for (const use of notice.data_uses) {
      (yes ? grantedUses : deniedUses).add(use);
      noticeOfUse[use] = key;
    }
  }
  for (const use of deniedUses) grantedUses.delete(use);
  const secret = await workspaceSecret(scope);
  return {
    subject: input.subject,
    granted,
    denied,
    granted_uses: [...grantedUses].sort(),
    denied_uses: [...deniedUses].sort(),
    notice_version: input.notice_version ?? (await getConsentNoticeVersion(scope)),
    wording_hash: input.wording_hash ?? null,
    method: input.method,
    jurisdiction: input.jurisdiction ?? null,
    at: now.toISOString(),
    page_url: input.page_url ?? null,
    ip_hash: facts.ip ? keyedHash(secret, 'ip', facts.ip) : null,
    user_agent: facts.userAgent?.slice(0, 500) ?? null,
    gpc: input.gpc,
    services: input.services && Object.keys(input.services).length ? input.services : null,
    notice_of_use: noticeOfUse,
  };
}
