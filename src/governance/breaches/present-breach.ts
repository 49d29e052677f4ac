import type { Selectable } from 'kysely';
import type { BreachesTable } from '../../store/schema.ts';

export const AUTHORITY_DEADLINE_HOURS = 72;

export type BreachRow = Selectable<BreachesTable>;

/** A breach as the API shows it: with the time left on the 72-hour clock. */
export function presentBreach(breach: BreachRow, now: Date) {
  const due = new Date(breach.due_at).getTime();
  const stopped = breach.authority_notified_at !== null || breach.status === 'closed';
  const hoursLeft = Math.round(((due - now.getTime()) / 3_600_000) * 10) / 10;
  return {
    ...breach,
    /** Hours until the authority must have been told; negative when late; null once told (or closed). */
    hours_left: stopped ? null : hoursLeft,
    overdue: !stopped && hoursLeft < 0,
    /** Art. 33(1): a notification after 72 hours must say why it is late. */
    late_notification:
      breach.authority_notified_at !== null && new Date(breach.authority_notified_at).getTime() > due,
  };
}
