import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors.ts';
import { getCurrentProgram } from '../../program/current-program.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type Actor, appendAudit } from '../append-audit.ts';

export const DEFAULT_OBJECTION_DAYS = 30;

export interface ProposeChangeOptions {
  processor: string;
  replaces?: string | undefined;
  description?: string | undefined;
  dpia_ref?: string | undefined;
  window_days?: number | undefined;
}

/**
 * Starts a change: adding a sub-processor (in the program with status `proposed`) or
 * replacing an existing one. Nothing is announced yet; `notifyChange` does that.
 */
export async function proposeChange(
  scope: WorkspaceScope,
  options: ProposeChangeOptions,
  actor: Actor,
  now: Date,
) {
  const { program } = await getCurrentProgram(scope);
  const processor = program.doc.processors.find((p) => p.key === options.processor);
  if (!processor) {
    throw new AppError('validation_failed', `no processor "${options.processor}" in the program`, {
      details: [
        { path: 'body.processor', message: 'add it to processors[] with status: proposed and push first' },
      ],
    });
  }
  if (options.replaces && !program.doc.processors.some((p) => p.key === options.replaces)) {
    throw new AppError('validation_failed', `no processor "${options.replaces}" to replace`, {
      details: [{ path: 'body.replaces', message: 'not in the program' }],
    });
  }
  const open = await scope
    .selectFrom('sub_processor_changes')
    .select('id')
    .where('processor_key', '=', processor.key)
    .where('status', 'in', ['draft', 'notified'])
    .executeTakeFirst();
  if (open) throw new AppError('conflict', `a change for ${processor.key} is already under way (${open.id})`);
  const id = randomUUID();
  const row = {
    id,
    processor_key: processor.key,
    kind: options.replaces ? ('replace' as const) : ('add' as const),
    replaces_key: options.replaces ?? null,
    description: options.description ?? `${processor.name}: ${processor.service} (${processor.purpose})`,
    dpia_ref: options.dpia_ref ?? processor.dpia ?? null,
    window_days: options.window_days ?? DEFAULT_OBJECTION_DAYS,
    status: 'draft' as const,
    notified_at: null,
    objection_deadline: null,
    activated_at: null,
    activated_by: null,
    created_by: actor.id,
    created_at: now,
  };
  await scope.insertInto('sub_processor_changes', row).execute();
  await appendAudit(
    scope,
    {
      actor,
      action: 'sub_processor_change.propose',
      objectType: 'sub_processor_change',
      objectId: id,
      details: {
        processor: processor.key,
        replaces: row.replaces_key,
        dpia_ref: row.dpia_ref,
        window_days: row.window_days,
      },
    },
    now,
  );
  return row;
}
