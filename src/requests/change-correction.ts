import { AppError } from '../errors.ts';
import type { Services } from '../http/services.ts';
import { getCurrentProgram } from '../program/current-program.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { assertCorrectableFields, publicIdentityTypes } from './correctable-data.ts';
import { patchRequest, type RequestActor, recordRequestEvent } from './record-transition.ts';
import { getRequest, json, type RequestRow } from './request-record.ts';

/** States in which the field changes of a rectification may still be changed: before any run. */
const editable = ['received', 'verifying', 'verified'];

/**
 * A reviewer sets the field changes a rectification will apply (pre-filled from what the
 * person said by category, or written from their own words). The history records which
 * fields changed, never the values.
 */
export async function changeCorrection(
  scope: WorkspaceScope,
  services: Services,
  requestId: string,
  actor: RequestActor,
  changes: Record<string, string>,
): Promise<RequestRow> {
  const now = services.clock();
  const row = await getRequest(scope, requestId);
  if (row.type !== 'rectification') throw new AppError('conflict', `a ${row.type} request has no correction`);
  if (!editable.includes(row.state)) {
    throw new AppError('conflict', `the correction of a request that is ${row.state} can no longer change`);
  }
  const { program } = await getCurrentProgram(scope);
  const identityTypes = [...new Set([...publicIdentityTypes, ...Object.keys(row.identities)])];
  assertCorrectableFields(program, identityTypes, changes, 'body.changes');
  const before = (row.details.correction as Record<string, string> | undefined) ?? {};
  await patchRequest(scope, requestId, { details: json({ ...row.details, correction: changes }) }, now);
  await recordRequestEvent(
    scope,
    requestId,
    {
      kind: 'correction_changed',
      actor,
      details: {
        added: Object.keys(changes).filter((f) => !(f in before)),
        removed: Object.keys(before).filter((f) => !(f in changes)),
        changed: Object.keys(changes).filter((f) => f in before && before[f] !== changes[f]),
      },
    },
    now,
  );
  return getRequest(scope, requestId);
}
