import { isAppError } from '../errors.ts';
import type { Program } from '../program/load-program.ts';
import type { RetentionRule } from '../program/retention-rule.ts';
import { anonymiseFields } from './anonymise-fields.ts';
import { compileRule, describeMask } from './compile-rule.ts';
import { eachRule, type TargetPool } from './plan-retention.ts';
import { resolveTarget } from './resolve-target.ts';
import { checkKeyIsUnique } from './target-database.ts';

/** How one rule tells rows apart and masks them, as a reviewer reads it before any sweep. */
export interface RuleDescription {
  rule: string;
  description: string | null;
  action: RetentionRule['action'];
  /** `dataset.collection`. */
  target: string;
  /** The system whose database holds the target (null when no system lists the dataset). */
  system: string | null;
  /** The key columns the sweep batches by, as declared (several for a composite key). */
  key: string[];
  /** For anonymise: each field, its strategy and where the strategy comes from. */
  mask: { field: string; strategy: string; source: string }[];
  /**
   * `ready`: the rule compiles and the database keeps its key unique (or it needs no key);
   * `refused`: the sweep refuses the rule (`reason` says why and what to change);
   * `unchecked`: the rule compiles but its database could not be reached (`reason`), so the
   * key is as declared in the dataset, not confirmed by the database.
   */
  status: 'ready' | 'refused' | 'unchecked';
  reason?: string;
}

export interface DescribeRulesOptions {
  program: Program;
  rules?: readonly string[] | undefined;
  now: Date;
  env?: NodeJS.ProcessEnv | undefined;
}

/**
 * Each rule's target, key columns, action and masking, with the refusal a sweep would meet.
 * Reads only the target database's catalogue (its unique keys), never its rows.
 */
export function describeRetentionRules(options: DescribeRulesOptions): Promise<RuleDescription[]> {
  return eachRule(options, (rule, pool) => describeRule(options, rule, pool));
}

async function describeRule(
  options: DescribeRulesOptions,
  rule: RetentionRule,
  pool: TargetPool,
): Promise<RuleDescription> {
  const base: RuleDescription = {
    rule: rule.key,
    description: rule.description ?? null,
    action: rule.action,
    target: `${rule.target.dataset}.${rule.target.collection}`,
    system: null,
    key: [],
    mask: [],
    status: 'ready',
  };
  let compiled: ReturnType<typeof compileRule>;
  try {
    compiled = compileRule(options.program, rule, options.now);
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    return { ...knownWithoutCompiling(options.program, rule, base), status: 'refused', reason: err.message };
  }
  base.system = compiled.model.system.key;
  base.key = compiled.key;
  base.mask = describeMask(compiled.mask);
  if (compiled.key.length === 0) return base;
  try {
    await checkKeyIsUnique(await pool.get(compiled), compiled.model.target);
    return base;
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    if (isAppError(err) && err.code === 'unavailable') {
      return { ...base, status: 'unchecked', reason: err.message };
    }
    return { ...base, status: 'refused', reason: err.message };
  }
}

/** What a rule that does not compile still tells: its system, declared key and masking. */
function knownWithoutCompiling(
  program: Program,
  rule: RetentionRule,
  base: RuleDescription,
): RuleDescription {
  try {
    const model = resolveTarget(program, rule);
    const known = { ...base, system: model.system.key, key: model.target.key };
    if (rule.action !== 'anonymise') return known;
    try {
      return { ...known, mask: describeMask(anonymiseFields(program, rule, model.target)) };
    } catch {
      return known;
    }
  } catch {
    return base;
  }
}
