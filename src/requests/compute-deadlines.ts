import type { RequestType } from '../program/schema.ts';

/**
 * Response deadlines for data subject requests. Pure functions over UTC instants: the
 * caller passes "now" (the receipt time) and the program's company limit.
 */

export type JurisdictionCode = 'gdpr' | 'uk_gdpr' | 'ccpa';

const DAY_MS = 86_400_000;

/** `date` plus `months` calendar months; a day past the target month's end clamps to its last day (31 Jan + 1 month = 28/29 Feb). */
export function addCalendarMonths(date: Date, months: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  return new Date(
    Date.UTC(
      y,
      m,
      day,
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
      date.getUTCMilliseconds(),
    ),
  );
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/** Adds business days (Monday–Friday); a receipt on a weekend counts from the next Monday. */
export function addBusinessDays(date: Date, days: number): Date {
  let at = new Date(date.getTime());
  let left = days;
  while (left > 0) {
    at = addDays(at, 1);
    const dow = at.getUTCDay();
    if (dow !== 0 && dow !== 6) left -= 1;
  }
  return at;
}

/** Request types whose CCPA answer is due in 15 business days and that need no verification. */
export const optOutTypes: readonly RequestType[] = ['opt_out_sale', 'limit_sensitive'];

export interface DeadlineInput {
  type: RequestType;
  jurisdiction: JurisdictionCode;
  receivedAt: Date;
  /** The company's own limit in days (`jurisdictions[].response_days`), when set. */
  companyDays?: number | undefined;
  /** Whether the legal extension has been taken. */
  extended?: boolean;
}

export interface Deadlines {
  /** The date the answer is due: the earliest of the law's and the company's limit (the extended legal date once extended). */
  dueAt: Date;
  /** The law's limit, without the company promise (extended when taken). */
  legalDueAt: Date;
  /** The latest date the extension may still be announced (before the first period ends). */
  extensionNoticeBy: Date;
  /** The date the extended deadline would be. */
  extendedDueAt: Date;
  /** CCPA: the receipt must be confirmed by then. */
  receiptConfirmBy: Date | null;
  /** Which limit set `dueAt`, in words, for the record. */
  rule: string;
}

/** The deadlines that apply to one request. */
export function computeDeadlines(input: DeadlineInput): Deadlines {
  const { receivedAt, type, jurisdiction } = input;
  let legal: Date;
  let extendedDue: Date;
  let legalRule: string;
  let receiptConfirmBy: Date | null = null;
  if (jurisdiction === 'ccpa') {
    receiptConfirmBy = addBusinessDays(receivedAt, 10);
    if (optOutTypes.includes(type)) {
      legal = addBusinessDays(receivedAt, 15);
      // Opt-outs have no extension in the regulations; the extended date is the same.
      extendedDue = legal;
      legalRule = 'CCPA opt-out: 15 business days (11 CCR 7026(f), 7027(g))';
    } else {
      legal = addDays(receivedAt, 45);
      extendedDue = addDays(receivedAt, 90);
      legalRule = 'CCPA: 45 calendar days, extendable once by 45 with notice (Civ. Code 1798.130(a)(2))';
    }
  } else {
    legal = addCalendarMonths(receivedAt, 1);
    extendedDue = addCalendarMonths(receivedAt, 3);
    legalRule = `${jurisdiction === 'uk_gdpr' ? 'UK GDPR' : 'GDPR'}: one month, extendable by two months with reasons (Art. 12(3))`;
  }
  const extensionNoticeBy = legal;
  if (input.extended) {
    return {
      dueAt: extendedDue,
      legalDueAt: extendedDue,
      extensionNoticeBy,
      extendedDueAt: extendedDue,
      receiptConfirmBy,
      rule: `${legalRule}; extended`,
    };
  }
  let due = legal;
  let rule = legalRule;
  if (input.companyDays !== undefined) {
    const company = addDays(receivedAt, input.companyDays);
    if (company.getTime() < legal.getTime()) {
      due = company;
      rule = `company promise: ${input.companyDays} days (shorter than the law: ${legalRule})`;
    }
  }
  return {
    dueAt: due,
    legalDueAt: legal,
    extensionNoticeBy,
    extendedDueAt: extendedDue,
    receiptConfirmBy,
    rule,
  };
}

/** Whole days from `from` to `to`, rounded up (a part day counts), negative when `to` is past. */
export function daysUntil(from: Date, to: Date): number {
  return Math.ceil((to.getTime() - from.getTime()) / DAY_MS);
}
