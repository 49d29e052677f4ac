import { AppError } from '../errors.ts';

/**
 * The instant `period` (ISO 8601 duration such as P90D, P1Y, P3M) before `now`, in calendar
 * UTC. Months and years step the calendar (end-of-month clamps: 31 May − P3M = 28/29 Feb).
 */
export function subtractPeriod(now: Date, period: string): Date {
  const match = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(period);
  if (!match) throw new AppError('validation_failed', `"${period}" is not an ISO 8601 duration such as P90D`);
  const [years, months, weeks, days] = match.slice(1).map((v) => (v ? Number(v) : 0)) as [
    number,
    number,
    number,
    number,
  ];
  const totalMonths = now.getUTCFullYear() * 12 + now.getUTCMonth() - years * 12 - months;
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const shifted = new Date(
    Date.UTC(
      year,
      month,
      Math.min(now.getUTCDate(), lastDay),
      now.getUTCHours(),
      now.getUTCMinutes(),
      now.getUTCSeconds(),
      now.getUTCMilliseconds(),
    ),
  );
  return new Date(shifted.getTime() - (weeks * 7 + days) * 86_400_000);
}

/** Where "now" comes from: the wall clock in production, a fixed instant in tests (`--now`). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A clock frozen at `iso`; rejects anything that is not an ISO 8601 instant. */
export function fixedClock(iso: string): Clock {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) {
    throw new AppError('bad_request', `--now "${iso}" is not a date-time such as 2027-01-01T00:00:00Z`);
  }
  return () => new Date(at);
}
