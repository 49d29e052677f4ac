import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors.ts';
import { findCurrentProgram } from '../../program/current-program.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type Actor, appendAudit } from '../append-audit.ts';
import { estimateBreachScope } from './estimate-scope.ts';
import { AUTHORITY_DEADLINE_HOURS, presentBreach } from './present-breach.ts';

export interface RecordBreachOptions {
  title: string;
  /** When the company became aware; the 72-hour clock starts here (default: now). */
  became_aware_at?: Date | undefined;
  occurred_at?: Date | undefined;
  nature: string;
  breach_types?: ('confidentiality' | 'integrity' | 'availability')[] | undefined;
  systems?: string[] | undefined;
  datasets?: string[] | undefined;
  /** Business customers whose data is affected (when acting as a processor). */
  customers?: string[] | undefined;
  subjects_estimate?: number | undefined;
  records_estimate?: number | undefined;
  consequences?: string | undefined;
  measures?: string | undefined;
}

/** Registers a breach (every one, notified or not: Art. 33(5)) and starts its clock. */
export async function recordBreach(
  scope: WorkspaceScope,
  options: RecordBreachOptions,
  actor: Actor,
  now: Date,
) {
  const current = await findCurrentProgram(scope);
  const aware = options.became_aware_at ?? now;
  if (aware.getTime() > now.getTime() + 60_000)
    throw new AppError('validation_failed', 'became_aware_at is in the future', {
      details: [{ path: 'body.became_aware_at', message: 'must not be in the future' }],
    });
  const systems = options.systems ?? [];
  const customers = options.customers ?? [];
  if (current) {
    const unknown = systems.filter((s) => !current.program.doc.systems.some((x) => x.key === s));
    if (unknown.length)
      throw new AppError('validation_failed', `unknown systems: ${unknown.join(', ')}`, {
        details: [{ path: 'body.systems', message: `not in the program: ${unknown.join(', ')}` }],
      });
    const unknownCustomers = customers.filter((k) => !current.program.doc.customers.some((c) => c.key === k));
    if (unknownCustomers.length)
      throw new AppError('validation_failed', `unknown customers: ${unknownCustomers.join(', ')}`, {
        details: [{ path: 'body.customers', message: `not in the program: ${unknownCustomers.join(', ')}` }],
      });
  }
  const estimate = current
    ? estimateBreachScope(current.program, {
        systems,
        datasets: options.datasets ?? [],
        subjects: options.subjects_estimate,
        records: options.records_estimate,
      })
    : {
        datasets: options.datasets ?? [],
        data_categories: [],
        data_subjects: [],
        basis: 'No program has been pushed: nothing could be derived.',
      };
  const id = randomUUID();
  const row = {
    id,
    title: options.title,
    became_aware_at: aware,
    occurred_at: options.occurred_at ?? null,
    due_at: new Date(aware.getTime() + AUTHORITY_DEADLINE_HOURS * 3_600_000),
    nature: options.nature,
    breach_types: JSON.stringify(options.breach_types ?? []) as never,
    systems: JSON.stringify(systems) as never,
    datasets: JSON.stringify(estimate.datasets) as never,
    data_categories: JSON.stringify(estimate.data_categories) as never,
    data_subjects: JSON.stringify(estimate.data_subjects) as never,
    customers: JSON.stringify(customers) as never,
    subjects_estimate: options.subjects_estimate ?? null,
    records_estimate: options.records_estimate ?? null,
    estimate_basis: estimate.basis,
    consequences: options.consequences ?? null,
    measures: options.measures ?? null,
    notify_subjects: null,
    notify_subjects_reason: null,
    authority_notified_at: null,
    authority_reference: null,
    status: 'open' as const,
    created_by: actor.id,
    created_at: now,
  };
  await scope.transaction(async (tx) => {
    await tx.insertInto('breaches', row).execute();
    await tx
      .insertInto('breach_updates', {
        id: randomUUID(),
        breach_id: id,
        at: now,
        phase: 'initial',
        text: options.nature,
        changes: JSON.stringify({}) as never,
        actor: actor.id,
      })
      .execute();
    await appendAudit(
      tx,
      {
        actor,
        action: 'breach.record',
        objectType: 'breach',
        objectId: id,
        details: { title: options.title, became_aware_at: aware.toISOString(), systems, customers },
      },
      now,
    );
  });
  const stored = await scope
    .selectFrom('breaches')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return presentBreach(stored, now);
}
