import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addBusinessDays, addCalendarMonths, computeDeadlines, daysUntil } from './compute-deadlines.ts';

const d = (iso: string) => new Date(iso);

describe('addCalendarMonths', () => {
  it('clamps to the last day of a shorter month', () => {
    assert.equal(addCalendarMonths(d('2025-01-31T10:00:00Z'), 1).toISOString(), '2025-02-28T10:00:00.000Z');
    assert.equal(addCalendarMonths(d('2024-01-31T10:00:00Z'), 1).toISOString(), '2024-02-29T10:00:00.000Z');
    assert.equal(addCalendarMonths(d('2025-03-31T00:00:00Z'), 1).toISOString(), '2025-04-30T00:00:00.000Z');
  });
  it('keeps the day when the target month has it, and crosses years', () => {
    assert.equal(addCalendarMonths(d('2025-02-28T12:00:00Z'), 1).toISOString(), '2025-03-28T12:00:00.000Z');
    assert.equal(addCalendarMonths(d('2025-12-15T08:00:00Z'), 1).toISOString(), '2026-01-15T08:00:00.000Z');
    assert.equal(addCalendarMonths(d('2025-11-30T08:00:00Z'), 3).toISOString(), '2026-02-28T08:00:00.000Z');
  });
  it('handles 29 February in and out of leap years', () => {
    assert.equal(addCalendarMonths(d('2024-02-29T00:00:00Z'), 12).toISOString(), '2025-02-28T00:00:00.000Z');
    assert.equal(addCalendarMonths(d('2024-02-29T00:00:00Z'), 1).toISOString(), '2024-03-29T00:00:00.000Z');
  });
});

describe('addBusinessDays', () => {
  it('skips weekends', () => {
    // Friday 2025-06-06 + 1 business day = Monday 9th; + 10 = Friday 20th.
    assert.equal(addBusinessDays(d('2025-06-06T09:00:00Z'), 1).toISOString(), '2025-06-09T09:00:00.000Z');
    assert.equal(addBusinessDays(d('2025-06-06T09:00:00Z'), 10).toISOString(), '2025-06-20T09:00:00.000Z');
  });
  it('counts a weekend receipt from the following Monday', () => {
    // Saturday 2025-06-07 + 1 = Monday 9th; + 15 = Friday 27th.
    assert.equal(addBusinessDays(d('2025-06-07T09:00:00Z'), 1).toISOString(), '2025-06-09T09:00:00.000Z');
    assert.equal(addBusinessDays(d('2025-06-07T09:00:00Z'), 15).toISOString(), '2025-06-27T09:00:00.000Z');
  });
});

describe('computeDeadlines', () => {
  it('GDPR: one month, three once extended, the extension notice due before the first month ends', () => {
    const r = computeDeadlines({
      type: 'access',
      jurisdiction: 'gdpr',
      receivedAt: d('2025-01-31T10:00:00Z'),
    });
    assert.equal(r.dueAt.toISOString(), '2025-02-28T10:00:00.000Z');
    assert.equal(r.extensionNoticeBy.toISOString(), '2025-02-28T10:00:00.000Z');
    assert.equal(r.extendedDueAt.toISOString(), '2025-04-30T10:00:00.000Z');
    assert.equal(r.receiptConfirmBy, null);
    const ext = computeDeadlines({
      type: 'access',
      jurisdiction: 'gdpr',
      receivedAt: d('2025-01-31T10:00:00Z'),
      extended: true,
    });
    assert.equal(ext.dueAt.toISOString(), '2025-04-30T10:00:00.000Z');
    assert.match(ext.rule, /extended/);
  });
  it('the company promise applies when shorter than the law (Planisware: 30 days)', () => {
    // 31 days in January: the 30-day promise comes a day before the legal month.
    const r = computeDeadlines({
      type: 'erasure',
      jurisdiction: 'gdpr',
      receivedAt: d('2025-01-01T00:00:00Z'),
      companyDays: 30,
    });
    assert.equal(r.dueAt.toISOString(), '2025-01-31T00:00:00.000Z');
    assert.equal(r.legalDueAt.toISOString(), '2025-02-01T00:00:00.000Z');
    assert.match(r.rule, /company promise/);
    // In February the legal month (28 days) is shorter than 30 days: the law applies.
    const feb = computeDeadlines({
      type: 'erasure',
      jurisdiction: 'gdpr',
      receivedAt: d('2025-02-01T00:00:00Z'),
      companyDays: 30,
    });
    assert.equal(feb.dueAt.toISOString(), '2025-03-01T00:00:00.000Z');
    assert.match(feb.rule, /^GDPR/);
  });
  it('CCPA: 45 days (+45), receipt confirmed within 10 business days', () => {
    const r = computeDeadlines({
      type: 'access',
      jurisdiction: 'ccpa',
      receivedAt: d('2024-02-20T12:00:00Z'),
    });
    // 2024 is a leap year: 20 Feb + 45 days = 5 April.
    assert.equal(r.dueAt.toISOString(), '2024-04-05T12:00:00.000Z');
    assert.equal(r.extendedDueAt.toISOString(), '2024-05-20T12:00:00.000Z');
    assert.equal(r.receiptConfirmBy?.toISOString(), '2024-03-05T12:00:00.000Z');
  });
  it('CCPA opt-outs: 15 business days, no extension', () => {
    const r = computeDeadlines({
      type: 'opt_out_sale',
      jurisdiction: 'ccpa',
      receivedAt: d('2025-06-06T09:00:00Z'),
    });
    assert.equal(r.dueAt.toISOString(), '2025-06-27T09:00:00.000Z');
    assert.equal(r.extendedDueAt.toISOString(), r.dueAt.toISOString());
  });
  it('daysUntil counts part days up and goes negative when overdue', () => {
    assert.equal(daysUntil(d('2025-01-01T00:00:00Z'), d('2025-01-02T01:00:00Z')), 2);
    assert.equal(daysUntil(d('2025-01-05T00:00:00Z'), d('2025-01-02T00:00:00Z')), -3);
  });
});
