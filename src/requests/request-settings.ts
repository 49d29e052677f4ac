import { z } from 'zod';
import { type RequestType, requestTypes } from '../program/schema.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';

/**
 * How much proof a request needs:
 * - `none`: nothing (CCPA opt-outs must not ask for more than needed);
 * - `code`: the emailed one-time code (or its link);
 * - `code_and_account`: the code plus a signed-in account vouched for by the company's
 *   app (`POST /api/requests/:id/verify`) or a reviewer — CCPA specific pieces of
 *   information need a high degree of certainty (11 CCR 7062).
 */
export const verificationLevels = ['none', 'code', 'code_and_account'] as const;
export type VerificationLevel = (typeof verificationLevels)[number];

const typeKey = z.enum(requestTypes);

export const requestSettingsSchema = z.strictObject({
  verification: z.partialRecord(typeKey, z.enum(verificationLevels)).default({}),
  /** Per type: does a reviewer approve before the run? Erasure is on unless turned off. */
  manual_approval: z.partialRecord(typeKey, z.boolean()).default({}),
  /** CCPA access requests above the yearly limit: `flag` for a reviewer, or `refuse` outright. */
  access_limit_action: z.enum(['flag', 'refuse']).default('flag'),
  /** Days an access package link stays valid. */
  download_days: z.number().int().min(1).max(45).default(7),
  /** Days before the due date a reminder goes to the privacy team. */
  reminder_days: z.array(z.number().int().min(0).max(60)).max(5).default([7, 2]),
  /** Per-IP and per-person limits on public intake, per hour. */
  intake_per_ip_per_hour: z.number().int().min(1).max(10_000).default(20),
  intake_per_person_per_hour: z.number().int().min(1).max(100).default(3),
  /**
   * Months a closed request keeps its personal data before it is minimised (type, dates and
   * outcome stay for the records log and metrics). CCPA requests keep it at least 24 months
   * whatever this says (11 CCR 7101).
   */
  records_kept_months: z.number().int().min(1).max(120).default(24),
});

/** The law's floor for keeping records of consumer requests, in months (CCPA 11 CCR 7101). */
export const CCPA_RECORDS_MONTHS = 24;

/** Months the records of a closed request in `jurisdiction` keep their personal data. */
export function recordsKeptMonths(settings: RequestSettings, jurisdiction: string): number {
  return jurisdiction === 'ccpa'
    ? Math.max(settings.records_kept_months, CCPA_RECORDS_MONTHS)
    : settings.records_kept_months;
}
export type RequestSettings = z.infer<typeof requestSettingsSchema>;

/** The level a request type needs unless the workspace settings say otherwise. */
export function defaultVerification(type: RequestType, jurisdiction: string): VerificationLevel {
  if (type === 'opt_out_sale' || type === 'limit_sensitive') return 'none';
  if (jurisdiction === 'ccpa' && type === 'access') return 'code_and_account';
  return 'code';
}

export function verificationLevelFor(
  settings: RequestSettings,
  type: RequestType,
  jurisdiction: string,
): VerificationLevel {
  return settings.verification[type] ?? defaultVerification(type, jurisdiction);
}

export function needsManualApproval(settings: RequestSettings, type: RequestType): boolean {
  return settings.manual_approval[type] ?? type === 'erasure';
}

export async function getRequestSettings(scope: WorkspaceScope): Promise<RequestSettings> {
  const row = await scope.selectFrom('dsr_settings').select('settings').executeTakeFirst();
  return requestSettingsSchema.parse(row?.settings ?? {});
}

export async function saveRequestSettings(
  scope: WorkspaceScope,
  settings: RequestSettings,
  now: Date,
): Promise<RequestSettings> {
  const json = JSON.stringify(settings);
  await scope.transaction(async (tx) => {
    const updated = await tx
      .updateTable('dsr_settings')
      .set({ settings: json as never, updated_at: now })
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0)
      await tx.insertInto('dsr_settings', { settings: json as never, updated_at: now }).execute();
  });
  return settings;
}
