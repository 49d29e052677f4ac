import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { isUnder } from '../program/taxonomy.ts';
import type { GraphField } from './build-graph.ts';

/** How a targeted field is erased. `delete_row` removes the whole row of its collection. */
export const maskingStrategySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('null') }),
  z.strictObject({ type: z.literal('fixed'), value: z.string() }),
  /** HMAC-SHA-256 with a secret made for the request and thrown away: same input, same output, within one run. */
  z.strictObject({ type: z.literal('hash') }),
  z.strictObject({ type: z.literal('random'), length: z.number().int().min(4).max(256).optional() }),
  z.strictObject({ type: z.literal('delete_row') }),
]);
export type MaskingStrategy = z.infer<typeof maskingStrategySchema>;

/** Target categories → strategy; the most specific matching target wins. */
export const erasurePolicySchema = z.strictObject({
  rules: z
    .array(z.strictObject({ target: z.string().min(1), strategy: maskingStrategySchema }))
    .min(1, 'an erasure policy needs at least one rule'),
});
export type ErasurePolicy = z.infer<typeof erasurePolicySchema>;

export const DEFAULT_ERASURE_POLICY: ErasurePolicy = {
  rules: [{ target: 'user', strategy: { type: 'null' } }],
};

/** The strategy for a field, or undefined when the policy does not target it. */
export function strategyFor(field: GraphField, policy: ErasurePolicy): MaskingStrategy | undefined {
  let best: { length: number; strategy: MaskingStrategy } | undefined;
  for (const rule of policy.rules) {
    if (!field.categories.some((c) => isUnder(c, rule.target))) continue;
    if (!best || rule.target.length > best.length)
      best = { length: rule.target.length, strategy: rule.strategy };
  }
  return best?.strategy;
}

/** Fides' `masking_strategy_override` names, mapped to Custodian strategies. */
export function overrideStrategy(override: {
  strategy: string;
  configuration?: Record<string, unknown> | null;
}) {
  const config = override.configuration ?? {};
  switch (override.strategy) {
    case 'delete':
      return { type: 'delete_row' } as const;
    case 'null_rewrite':
      return { type: 'null' } as const;
    case 'string_rewrite':
      return { type: 'fixed', value: String(config.rewrite_value ?? 'MASKED') } as const;
    case 'hash':
    case 'hmac':
      return { type: 'hash' } as const;
    case 'random_string_rewrite':
      return { type: 'random', length: typeof config.length === 'number' ? config.length : 16 } as const;
    default:
      throw new AppError('validation_failed', `unknown masking_strategy_override "${override.strategy}"`);
  }
}

// A secret imported once as a key: HMAC over a KeyObject is several times faster than over a Buffer.
const keys = new WeakMap<Buffer, KeyObject>();
function hmacKey(secret: Buffer): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(secret);
    keys.set(secret, key);
  }
  return key;
}

/** The masked value for one original value; computed once, at planning, and journaled. */
export function maskValue(
  strategy: MaskingStrategy,
  value: unknown,
  field: GraphField,
  secret: Buffer,
): unknown {
  const fit = (s: string) => (field.length && s.length > field.length ? s.slice(0, field.length) : s);
  switch (strategy.type) {
    case 'null':
      return null;
    case 'fixed':
      return fit(strategy.value);
    case 'hash':
      if (value === null || value === undefined) return null;
      return fit(createHmac('sha256', hmacKey(secret)).update(String(value)).digest('hex'));
    case 'random':
      return fit(
        randomBytes(strategy.length ?? 16)
          .toString('base64url')
          .slice(0, strategy.length ?? 16),
      );
    case 'delete_row':
      return null;
  }
}
