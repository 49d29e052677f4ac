import { z } from 'zod';

/**
 * A legal hold stops every retention action on what it covers until it is released or
 * expires: rows of a data subject (by identity value such as an email), rows of one business
 * customer (by account id, through the system's `customer_link`), or a whole dataset or
 * collection.
 */
export interface LegalHold {
  id: string;
  kind: 'identity' | 'account' | 'collection';
  /** For `identity`: the fideslang identity type (`email`, `phone_number`, …). */
  identity_type: string | null;
  /** For `identity` and `account`: the value held. */
  value: string | null;
  /** For `collection`: the dataset, and optionally one collection of it. */
  dataset: string | null;
  collection: string | null;
  reason: string;
  expires_at: Date | null;
  created_at: Date;
  created_by: string | null;
  released_at: Date | null;
}

/** Input to place a hold, as the CLI and the API accept it. */
export const legalHoldInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('identity'),
    identity_type: z.string().min(1).default('email'),
    value: z.string().min(1),
    reason: z.string().min(1),
    expires_at: z.iso.datetime({ offset: true }).optional(),
  }),
  z.strictObject({
    kind: z.literal('account'),
    value: z.union([z.string().min(1), z.number()]).transform(String),
    reason: z.string().min(1),
    expires_at: z.iso.datetime({ offset: true }).optional(),
  }),
  z.strictObject({
    kind: z.literal('collection'),
    dataset: z.string().min(1),
    collection: z.string().min(1).optional(),
    reason: z.string().min(1),
    expires_at: z.iso.datetime({ offset: true }).optional(),
  }),
]);
export type LegalHoldInput = z.input<typeof legalHoldInputSchema>;

/** Whether a hold is in force at `now`. */
export function holdActive(hold: LegalHold, now: Date): boolean {
  return hold.released_at === null && (hold.expires_at === null || hold.expires_at.getTime() > now.getTime());
}

/** A short human description: `email a@b.c`, `account 42`, `marketing.subscribers`. */
export function describeHold(hold: LegalHold): string {
  if (hold.kind === 'identity') return `${hold.identity_type} ${hold.value}`;
  if (hold.kind === 'account') return `account ${hold.value}`;
  return hold.collection ? `${hold.dataset}.${hold.collection}` : `dataset ${hold.dataset}`;
}
