/** Formatting shared by the pages; dates show in the viewer's locale and time zone. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : dateTime.format(d);
}

export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : dateOnly.format(d);
}

/** "3 days left", "5 hours overdue": the time between now and a deadline, in words. */
export function timeLeft(
  due: string | Date,
  now = Date.now(),
): { text: string; overdue: boolean; ms: number } {
  const ms = new Date(due).getTime() - now;
  const abs = Math.abs(ms);
  const hours = abs / 3_600_000;
  const amount =
    hours < 1
      ? `${Math.max(1, Math.round(abs / 60_000))} min`
      : hours < 48
        ? `${Math.round(hours)} h`
        : `${Math.round(hours / 24)} days`;
  return { text: ms >= 0 ? `${amount} left` : `${amount} overdue`, overdue: ms < 0, ms };
}

export function humanize(code: string): string {
  const s = code.replace(/[_.-]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function percent(part: number, whole: number): string {
  if (!whole) return '—';
  return `${Math.round((part / whole) * 100)}%`;
}
