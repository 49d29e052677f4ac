import { AppError } from '../errors.ts';

interface CronFields {
  minute: Set<number>;
  hour: Set<number>;
  dayOfMonth: Set<number>;
  month: Set<number>;
  dayOfWeek: Set<number>;
  /** Whether day-of-month / day-of-week were restricted (cron ORs them when both are). */
  domRestricted: boolean;
  dowRestricted: boolean;
}

const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const dayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const macros: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function parseField(text: string, min: number, max: number, names: string[] | undefined, what: string) {
  const values = new Set<number>();
  const value = (s: string) => {
    const named = names?.indexOf(s.toLowerCase()) ?? -1;
    const n = named >= 0 ? named + (min === 1 ? 1 : 0) : Number(s);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new AppError('validation_failed', `cron ${what} "${s}" is not in ${min}-${max}`);
    return n;
  };
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new AppError('validation_failed', `cron ${what} step "${stepText}" is not a positive integer`);
    let lo: number;
    let hi: number;
    if (range === '*') {
      lo = min;
      hi = max;
    } else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      lo = value(a);
      hi = value(b);
    } else {
      lo = value(range);
      hi = stepText === undefined ? lo : max;
    }
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return values;
}

/** Parses a 5-field cron expression (minute hour day-of-month month day-of-week) or a macro. */
export function parseCron(expression: string): CronFields {
  const text = macros[expression.trim().toLowerCase()] ?? expression.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5)
    throw new AppError(
      'validation_failed',
      `cron "${expression}" must have 5 fields, it has ${parts.length}`,
    );
  const [minute = '', hour = '', dom = '', month = '', dow = ''] = parts;
  const dayOfWeek = parseField(dow, 0, 7, dayNames, 'day of week');
  // 7 is Sunday too.
  if (dayOfWeek.delete(7)) dayOfWeek.add(0);
  return {
    minute: parseField(minute, 0, 59, undefined, 'minute'),
    hour: parseField(hour, 0, 23, undefined, 'hour'),
    dayOfMonth: parseField(dom, 1, 31, undefined, 'day of month'),
    month: parseField(month, 1, 12, monthNames, 'month'),
    dayOfWeek,
    domRestricted: !dom.startsWith('*'),
    dowRestricted: !dow.startsWith('*'),
  };
}

function dayMatches(f: CronFields, d: Date): boolean {
  const dom = f.dayOfMonth.has(d.getUTCDate());
  const dow = f.dayOfWeek.has(d.getUTCDay());
  if (f.domRestricted && f.dowRestricted) return dom || dow;
  return dom && dow;
}

/**
 * The first minute strictly after `after` (UTC) that the cron expression matches, or null
 * when none falls in the next five years (e.g. 30 February).
 */
export function nextCronRun(expression: string, after: Date): Date | null {
  const f = parseCron(expression);
  const t = new Date(after.getTime());
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  const limit = after.getTime() + 5 * 366 * 86_400_000;
  while (t.getTime() <= limit) {
    if (!f.month.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0);
    } else if (!dayMatches(f, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0);
    } else if (!f.hour.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0);
    } else if (!f.minute.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1);
    } else {
      return t;
    }
  }
  return null;
}
