import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { mailText, startTestSmtp, type TestSmtp } from '../../testing/smtp.ts';
import { call, type GovernanceFixture, governanceFixture } from '../testing/governance-fixture.ts';
import { sendBreachReminders } from './send-breach-reminders.ts';

let smtp: TestSmtp;
let fx: GovernanceFixture;
const HOUR = 3_600_000;

before(async () => {
  smtp = await startTestSmtp();
  fx = await governanceFixture({ mailer: smtp.mailer });
});
after(async () => {
  await fx.close();
  await smtp.close();
});

interface Breach {
  id: string;
  due_at: string;
  hours_left: number | null;
  overdue: boolean;
  data_categories: string[];
  data_subjects: string[];
  estimate_basis: string;
  updates?: { phase: string; text: string }[];
  reminders?: { threshold_hours: number }[];
}

test('the 72-hour clock: due time, hours left, reminders as it runs down, stopped by the notification', async () => {
  const aware = new Date(Date.parse('2025-03-03T09:00:00Z') - 2 * HOUR);
  const res = await call(fx, 'POST', '/api/breaches', fx.keys.reviewer, {
    title: 'Support laptop stolen',
    became_aware_at: aware.toISOString(),
    nature: 'An unencrypted support laptop with an export of the application database was stolen.',
    breach_types: ['confidentiality'],
    systems: ['app_db'],
    customers: ['acme'],
    subjects_estimate: 1200,
  });
  assert.equal(res.status, 201);
  const breach = (await res.json()) as Breach;
  assert.equal(breach.due_at, new Date(aware.getTime() + 72 * HOUR).toISOString());
  assert.equal(breach.hours_left, 70);
  // Derived from the program: the app dataset's field categories and the activity's subjects.
  assert.deepEqual(breach.data_categories, [
    'system.operations',
    'user.contact.email',
    'user.name',
    'user.unique_id',
  ]);
  assert.deepEqual(breach.data_subjects, ['employee']);
  assert.match(breach.estimate_basis, /datasets app/);
  assert.match(breach.estimate_basis, /reporter's estimate/);

  const run = () => sendBreachReminders(fx.services, fx.services.clock());
  assert.deepEqual(await run(), [], 'nothing due with 70 hours left');
  fx.advance(23 * HOUR); // 47 h left
  assert.deepEqual(
    (await run()).map((r) => [r.threshold_hours, r.status]),
    [[48, 'sent']],
  );
  assert.deepEqual(await run(), [], 'the same threshold is not sent twice');
  const reminder = await smtp.waitFor(
    (m) => m.to.includes('dpo@teamhub.test') && /47\s+h left/.test(m.subject),
  );
  assert.match(mailText(reminder), /Support laptop stolen/);

  fx.advance(48 * HOUR); // -1 h: overdue
  const late = (await (
    await call(fx, 'GET', `/api/breaches/${breach.id}`, fx.keys.auditor)
  ).json()) as Breach;
  assert.equal(late.overdue, true);
  assert.equal(late.hours_left, -1);
  assert.deepEqual(
    (await run()).map((r) => r.threshold_hours),
    [0],
    'one reminder for the tightest threshold crossed',
  );

  // Art. 34 decision needs its reason.
  const noReason = await call(fx, 'POST', `/api/breaches/${breach.id}/updates`, fx.keys.reviewer, {
    phase: 'assessment',
    text: 'Decided to tell people',
    changes: { notify_subjects: true },
  });
  assert.equal(noReason.status, 422);
  const decided = await call(fx, 'POST', `/api/breaches/${breach.id}/updates`, fx.keys.reviewer, {
    phase: 'assessment',
    text: 'Emails and names exposed; phishing risk is high.',
    changes: {
      notify_subjects: true,
      notify_subjects_reason: 'High risk: contact data usable for targeted phishing',
      consequences: 'Targeted phishing of product users',
      measures: 'Laptop remotely wiped; disk encryption enforced on all support laptops',
    },
  });
  assert.equal(decided.status, 201);
  const drafts = (await (
    await call(fx, 'GET', `/api/breaches/${breach.id}/drafts`, fx.keys.auditor)
  ).json()) as {
    authority: string;
    data_subjects: string;
    late: boolean;
  };
  assert.match(drafts.authority, /^To: CNIL/);
  assert.match(drafts.authority, /approximate number of people: about 1200/);
  assert.match(drafts.authority, /Reasons for the delay beyond 72 hours/);
  assert.match(drafts.data_subjects, /Targeted phishing/);

  const notified = await call(fx, 'POST', `/api/breaches/${breach.id}/notify-customers`, fx.keys.admin);
  assert.equal(notified.status, 201);
  await smtp.waitFor((m) => m.to.includes('admin@acme.test') && /breach affecting Acme/.test(m.subject));

  await call(fx, 'POST', `/api/breaches/${breach.id}/updates`, fx.keys.reviewer, {
    phase: 'notification',
    text: 'Notified the CNIL through its online form',
    changes: {
      authority_notified_at: fx.services.clock().toISOString(),
      authority_reference: 'CNIL-2025-0042',
    },
  });
  const done = (await (
    await call(fx, 'GET', `/api/breaches/${breach.id}`, fx.keys.auditor)
  ).json()) as Breach;
  assert.equal(done.hours_left, null);
  assert.deepEqual(
    done.updates?.map((u) => u.phase),
    ['initial', 'assessment', 'notification', 'notification'],
  );
  assert.deepEqual(
    done.reminders?.map((r) => r.threshold_hours),
    [48, 0],
  );
  fx.advance(HOUR);
  assert.deepEqual(await run(), [], 'no reminders once the authority is notified');
  // Updates are history: the database refuses to rewrite them.
  await assert.rejects(
    sql`UPDATE breach_updates SET text = 'nothing happened'`.execute(fx.services.store.db),
    /append-only/,
  );
});
