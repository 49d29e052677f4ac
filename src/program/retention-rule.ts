import { z } from 'zod';
import { type MaskingStrategy, maskingStrategySchema } from '../execution/masking.ts';

/**
 * The shape of a retention rule in the program. Periods are ISO 8601 durations
 * (`P90D`, `P1Y`, `P5Y`, `P3M`), counted back from "now" in calendar UTC; fields are column
 * names of the target collection (or of the related collection inside `related`).
 *
 * A row is past retention when `when` holds and no `except` entry holds. Timestamps are
 * compared strictly: a row created exactly 90 days ago is kept by `P90D`, a day later it goes.
 *
 * ```yaml
 * retention_rules:
 *   - key: support-recordings
 *     target: { dataset: support, collection: recordings }
 *     when: { older_than: { field: created_at, period: P90D } }
 *   - key: newsletter-lapsed
 *     target: { dataset: marketing, collection: subscribers }
 *     when:
 *       all:
 *         - older_than: { field: signed_up_at, period: P5Y }
 *         - related:
 *             collection: campaign_deliveries   # one row per subscriber per campaign
 *             last: 5
 *             order_by: sent_at
 *             none: { field: opened_at, is_null: false }
 *   - key: engagement
 *     target: { dataset: crm, collection: contacts }
 *     # the clock starts at the latest of these; a click (related row) resets it
 *     when: { latest_older_than: { fields: [created_at], related: [{ collection: clicks, field: clicked_at }], period: P3Y } }
 *   - key: expired-subscriptions
 *     target: { dataset: billing, collection: subscriptions }
 *     when: { older_than: { field: expires_at, period: P30D } }
 *     except: [{ field: status, equals: active }]
 *     action: anonymise
 *     mask: { email: 'null', name: { fixed: anonymised }, ip: hash }
 * ```
 *
 * Keys kept stable for existing programs: `older_than`, `latest_older_than.fields`, `field`
 * with `equals`/`in`/`is_null`, `related` (`collection`, `last`, `order_by`, `none`, `any`),
 * `all`/`any`/`not`, `except`, `action`, `schedule`, `batch_size`. Added: `related` on
 * `latest_older_than`, `mask` (anonymise), `archive` (archive_anonymised), `task` (manual_task).
 */
export const isoDuration = z
  .string()
  .regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/, 'an ISO 8601 duration such as P90D, P1Y or P5Y');

export interface RetentionCondition {
  /** Row is past `period` since the value of `field` (a timestamp or date). Null never matches. */
  older_than?: { field: string; period: string } | undefined;
  /**
   * Clock from the latest of several timestamps: any engagement resets it. `related` adds the
   * newest timestamp of rows in related collections (clicks, opens) reached by a dataset reference.
   */
  latest_older_than?:
    | { fields: string[]; related?: { collection: string; field: string }[] | undefined; period: string }
    | undefined;
  /** Field comparisons, for exceptions such as "while active". */
  field?: string | undefined;
  equals?: string | number | boolean | null | undefined;
  in?: (string | number)[] | undefined;
  is_null?: boolean | undefined;
  /** Conditions over a related collection reached through a dataset reference. */
  related?:
    | {
        collection: string;
        /** Consider only the newest `last` related rows per target row, by `order_by`. */
        last?: number | undefined;
        order_by?: string | undefined;
        /** Holds when no related row matches (`none`) or at least one does (`any`). */
        none?: RetentionCondition | undefined;
        any?: RetentionCondition | undefined;
      }
    | undefined;
  all?: RetentionCondition[] | undefined;
  any?: RetentionCondition[] | undefined;
  not?: RetentionCondition | undefined;
}

export const retentionConditionSchema: z.ZodType<RetentionCondition> = z.lazy(() =>
  z.strictObject({
    older_than: z.strictObject({ field: z.string(), period: isoDuration }).optional(),
    latest_older_than: z
      .strictObject({
        fields: z.array(z.string()).min(1),
        related: z.array(z.strictObject({ collection: z.string(), field: z.string() })).optional(),
        period: isoDuration,
      })
      .optional(),
    field: z.string().optional(),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    in: z.array(z.union([z.string(), z.number()])).optional(),
    is_null: z.boolean().optional(),
    related: z
      .strictObject({
        collection: z.string(),
        last: z.number().int().positive().optional(),
        order_by: z.string().optional(),
        none: retentionConditionSchema.optional(),
        any: retentionConditionSchema.optional(),
      })
      .optional(),
    all: z.array(retentionConditionSchema).optional(),
    any: z.array(retentionConditionSchema).optional(),
    not: retentionConditionSchema.optional(),
  }),
);

/**
 * How one field is masked by `anonymise`, with the strategies of the erasure policy:
 * `'null'`, `hash` (HMAC-SHA-256, hex), `{ fixed: value }` (or `{ type: fixed, value }`),
 * `delete` (the row goes). `random` is refused: a random value cannot be told from an
 * original one, so a scheduled sweep could not know a row is already anonymised.
 */
export const maskStrategySchema = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? { type: value === 'delete' ? 'delete_row' : value }
      : value && typeof value === 'object' && 'fixed' in value
        ? { type: 'fixed', value: String((value as { fixed: unknown }).fixed) }
        : value,
  maskingStrategySchema,
);
export type MaskStrategy = MaskingStrategy;

export const retentionRuleSchema = z.strictObject({
  key: z.string().min(1),
  description: z.string().optional(),
  /** The collection the rule sweeps: `dataset.collection`. */
  target: z.strictObject({ dataset: z.string(), collection: z.string() }),
  when: retentionConditionSchema,
  /** Rows matching any exception are kept ("while the subscription is active"). */
  except: z.array(retentionConditionSchema).optional(),
  action: z.enum(['delete', 'anonymise', 'archive_anonymised', 'manual_task']).default('delete'),
  /**
   * Fields to mask for `anonymise`; other columns (counts, dates, plan) stay so aggregates
   * survive. Default: every field of the collection with a `user.*` data category that is
   * neither a primary key nor a reference, set to null.
   */
  mask: z.record(z.string(), maskStrategySchema).optional(),
  /**
   * For `archive_anonymised`: the archive table (created in the same database if missing)
   * and the non-identifying fields copied to it before the row is deleted.
   */
  archive: z.strictObject({ table: z.string().min(1), keep: z.array(z.string()).min(1) }).optional(),
  /** For `manual_task`: who should act, and what they should do. */
  task: z.strictObject({ assignee: z.string().optional(), instructions: z.string().optional() }).optional(),
  /** Cron expression for the scheduled sweep; nightly by default. */
  schedule: z.string().default('0 3 * * *'),
  batch_size: z.number().int().positive().max(100_000).default(1000),
});

export type RetentionRule = z.infer<typeof retentionRuleSchema>;
