import { findCurrentProgram } from '../../program/current-program.ts';
import type { Processor } from '../../program/schema.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';

export interface RegisterEntry {
  key: string;
  name: string;
  service: string;
  purpose: string;
  locations: string[];
  transfer_mechanism: string | null;
  url: string | null;
  /** Effective status: the program's, overridden by the change workflow. */
  status: 'active' | 'proposed' | 'retired';
  objection_deadline: string | null;
}

export interface RegisterChange {
  id: string;
  processor_key: string;
  kind: string;
  replaces_key: string | null;
  description: string | null;
  status: string;
  notified_at: string | null;
  objection_deadline: string | null;
  activated_at: string | null;
}

/**
 * The public list of (sub-)processors: the program's entries with their effective status.
 * A `proposed` processor becomes active only through an activated change; one replaced by
 * an activated change is retired. Drafts are not public.
 */
export async function subProcessorRegister(scope: WorkspaceScope) {
  const current = await findCurrentProgram(scope);
  const changes = await scope
    .selectFrom('sub_processor_changes')
    .selectAll()
    .where('status', 'in', ['notified', 'activated'])
    .orderBy('notified_at', 'desc')
    .execute();
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  const processors: Processor[] = current?.program.doc.processors ?? [];
  const entries: RegisterEntry[] = processors
    .filter((p) => p.role !== 'third_party')
    .map((p) => {
      const activated = changes.find((c) => c.processor_key === p.key && c.status === 'activated');
      const pending = changes.find((c) => c.processor_key === p.key && c.status === 'notified');
      const replacedBy = changes.find((c) => c.replaces_key === p.key && c.status === 'activated');
      const status: RegisterEntry['status'] = replacedBy
        ? 'retired'
        : activated
          ? 'active'
          : p.status === 'proposed' || pending
            ? 'proposed'
            : p.status;
      return {
        key: p.key,
        name: p.name,
        service: p.service,
        purpose: p.purpose,
        locations: p.locations,
        transfer_mechanism: p.transfer_mechanism ?? null,
        url: p.url ?? null,
        status,
        objection_deadline: pending ? iso(pending.objection_deadline) : null,
      };
    });
  const publicChanges: RegisterChange[] = changes.map((c) => ({
    id: c.id,
    processor_key: c.processor_key,
    kind: c.kind,
    replaces_key: c.replaces_key,
    description: c.description,
    status: c.status,
    notified_at: iso(c.notified_at),
    objection_deadline: iso(c.objection_deadline),
    activated_at: iso(c.activated_at),
  }));
  return {
    organization: current?.program.doc.organization.name ?? null,
    processors: entries,
    changes: publicChanges,
  };
}
