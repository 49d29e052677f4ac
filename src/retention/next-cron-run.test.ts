import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextCronRun } from './next-cron-run.ts';

test('next cron run in UTC: nightly, steps, weekdays, month ends, OR of day fields, bad input', () => {
  const at = new Date('2027-03-10T03:00:00Z');
  const next = (cron: string, from = at) => nextCronRun(cron, from)?.toISOString() ?? null;
  assert.equal(next('0 3 * * *'), '2027-03-11T03:00:00.000Z', 'strictly after now');
  assert.equal(next('0 3 * * *', new Date('2027-03-10T02:59:30Z')), '2027-03-10T03:00:00.000Z');
  assert.equal(next('*/15 * * * *'), '2027-03-10T03:15:00.000Z');
  assert.equal(next('30 1 * * mon'), '2027-03-15T01:30:00.000Z');
  assert.equal(next('0 0 31 * *'), '2027-03-31T00:00:00.000Z');
  assert.equal(next('0 0 1 jan *'), '2028-01-01T00:00:00.000Z');
  assert.equal(next('0 0 29 2 *'), '2028-02-29T00:00:00.000Z', 'leap day');
  assert.equal(next('0 12 13 * 5'), '2027-03-12T12:00:00.000Z', 'Friday or the 13th');
  assert.equal(next('0 0 * * 7'), '2027-03-14T00:00:00.000Z', '7 is Sunday');
  assert.equal(next('@daily'), '2027-03-11T00:00:00.000Z');
  assert.equal(next('0 0 30 2 *'), null);
  assert.throws(() => nextCronRun('0 3 * *', at), /5 fields/);
  assert.throws(() => nextCronRun('61 3 * * *', at), /minute "61"/);
});
