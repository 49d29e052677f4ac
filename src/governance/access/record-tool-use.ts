import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type Actor, appendAudit } from '../append-audit.ts';
import { checkAccess, findTool } from './check-access.ts';

export interface ToolUseOptions {
  tool: string;
  staff: string;
  customer?: string | undefined;
  ticket?: string | undefined;
  /** The purpose the user states; it must be the tool's declared purpose. */
  purpose?: string | undefined;
}

/**
 * Records one use of a purpose-bound tool (IRIS Connect's content oversight tool). The
 * use is logged with the purpose the program declares for the tool; a use for another
 * stated purpose, or without the customer grant a tool needs, is refused and logged.
 */
export async function recordToolUse(
  scope: WorkspaceScope,
  options: ToolUseOptions,
  caller: Actor,
  now: Date,
) {
  const tool = await findTool(scope, options.tool);
  if (!tool) throw new AppError('not_found', `no tool "${options.tool}" in access_policies.tools`);
  const refuse = async (message: string) => {
    await appendAudit(
      scope,
      {
        actor: caller,
        action: 'tool_use.refused',
        objectType: 'tool',
        objectId: tool.key,
        reason: message,
        details: {
          staff: options.staff,
          customer: options.customer ?? null,
          stated_purpose: options.purpose ?? null,
        },
      },
      now,
    );
    throw new AppError('forbidden', message);
  };
  if (options.purpose && options.purpose.trim() !== tool.purpose.trim()) {
    await refuse(`${tool.name} may be used only for: ${tool.purpose}`);
  }
  let grantId: string | null = null;
  if (tool.requires_grant) {
    if (!options.customer) await refuse(`${tool.name} needs a customer and that customer's grant`);
    const answer = await checkAccess(
      scope,
      { staff: options.staff, customer: options.customer ?? '', mode: 'read' },
      caller,
      now,
    );
    if (!answer.allowed) await refuse(answer.reason);
    grantId = answer.grant_id;
  }
  const id = randomUUID();
  await scope
    .insertInto('tool_uses', {
      id,
      tool_key: tool.key,
      staff_id: options.staff,
      customer_key: options.customer ?? null,
      purpose: tool.purpose,
      ticket: options.ticket ?? null,
      grant_id: grantId,
      used_at: now,
      recorded_by: caller.id,
    })
    .execute();
  await appendAudit(
    scope,
    {
      actor: caller,
      action: 'tool_use.record',
      objectType: 'tool',
      objectId: tool.key,
      reason: tool.purpose,
      details: {
        use_id: id,
        staff: options.staff,
        customer: options.customer ?? null,
        ticket: options.ticket ?? null,
      },
    },
    now,
  );
  return {
    id,
    tool: tool.key,
    purpose: tool.purpose,
    staff: options.staff,
    used_at: now.toISOString(),
    grant_id: grantId,
  };
}
