import { randomUUID } from 'node:crypto';
import { recordRestriction } from '../consent/record-restriction.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import type { RestrictionInput, RestrictionRecorder } from './engine-port.ts';
import { normaliseEmail, subjectKey } from './subject-key.ts';

/**
 * Restrictions go to the consent module's ledger (`recordRestriction`, which the decision
 * API honours) under the subject id `email:<address>`, and a copy of the fact stays with
 * the request as proof of what was done.
 */
export const consentRestrictionRecorder: RestrictionRecorder = {
  async recordRestriction(scope: WorkspaceScope, input: RestrictionInput) {
    const recorded = await recordRestriction(
      scope,
      {
        subject: `email:${normaliseEmail(input.email)}`,
        kind: input.kind,
        ...(input.purposes?.length ? { purposes: input.purposes } : {}),
      },
      input.at,
    );
    await scope
      .insertInto('dsr_restrictions', {
        id: randomUUID(),
        request_id: input.requestId,
        kind: input.kind,
        subject_key: subjectKey(scope.workspaceId, input.email),
        processing: input.purposes?.join(',') ?? null,
        recorded_at: input.at,
      })
      .execute();
    return recorded;
  },
};
