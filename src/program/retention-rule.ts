import { z } from 'zod';

/**
 * The shape of a retention rule in the program. Periods are ISO 8601 durations
 * (`P90D`, `P1Y`, `P5Y`); fields are column names of the target collection.
 */
export const isoDuration = z
  .string()
  .regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/, 'an ISO 8601 duration such as P90D, P1Y or P5Y');

export interface RetentionCondition {
  /** Row is past `period` since the value of `field` (a timestamp or date). */
  older_than?: { field: string; period: string } | undefined;
  /** Clock from the latest of several timestamps: any engagement resets it. */
  latest_older_than?: { fields: string[]; period: string } | undefined;
  /** Field comparisons, for exceptions such as "while active". */
  field?: string | undefined;
  equals?: string | number | boolean | null | undefined;
  in?: (string | number)[] | undefined;
  is_null?: boolean | undefined;
  /** Conditions over a related collection reached through a dataset reference. */
  related?:
    | {
        collection: string;
        /** Count only the newest `last` related rows by `order_by`. */
        last?: number | undefined;
        order_by?: string | undefined;
        /** How many of those rows must match `where` for the condition to hold. */
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
    latest_older_than: z.strictObject({ fields: z.array(z.string()).min(1), period: isoDuration }).optional(),
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

export const retentionRuleSchema = z.strictObject({
  key: z.string().min(1),
  description: z.string().optional(),
  /** The collection the rule sweeps: `dataset.collection`. */
  target: z.strictObject({ dataset: z.string(), collection: z.string() }),
  when: retentionConditionSchema,
  /** Rows matching any exception are kept ("while the subscription is active"). */
  except: z.array(retentionConditionSchema).optional(),
  action: z.enum(['delete', 'anonymise', 'archive_anonymised', 'manual_task']).default('delete'),
  /** Cron expression for the scheduled sweep; nightly by default. */
  schedule: z.string().default('0 3 * * *'),
  batch_size: z.number().int().positive().max(100_000).default(1000),
});

export type RetentionRule = z.infer<typeof retentionRuleSchema>;
