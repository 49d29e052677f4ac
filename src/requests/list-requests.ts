import { z } from 'zod';
import { requestType } from '../program/schema.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import type { RequestRow } from './request-record.ts';
import { closedStates, requestStates } from './request-states.ts';

export const listQuerySchema = z.strictObject({
  type: requestType.optional(),
  state: z.enum(requestStates).optional(),
  jurisdiction: z.enum(['gdpr', 'uk_gdpr', 'ccpa']).optional(),
  /** Open requests due on or before this date (ISO). */
  due_before: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Opaque cursor from the previous page's `next`. */
  cursor: z.string().max(200).optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

function decodeCursor(cursor: string): { at: string; id: string } | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      at?: unknown;
      id?: unknown;
    };
    return typeof value.at === 'string' && typeof value.id === 'string'
      ? { at: value.at, id: value.id }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Requests newest first, filtered, in pages (keyset on received_at, id). */
export async function listRequests(scope: WorkspaceScope, query: ListQuery, now: Date) {
  let q = scope.selectFrom('dsr_requests').selectAll();
  if (query.type) q = q.where('type', '=', query.type);
  if (query.state) q = q.where('state', '=', query.state);
  if (query.jurisdiction) q = q.where('jurisdiction', '=', query.jurisdiction);
  if (query.due_before || query.overdue === 'true') {
    q = q.where('state', 'not in', closedStates as string[]);
    if (query.due_before) q = q.where('due_at', '<=', new Date(query.due_before));
    if (query.overdue === 'true') q = q.where('due_at', '<', now);
  }
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
  if (cursor) {
    q = q.where((eb) =>
      eb.or([
        eb('received_at', '<', new Date(cursor.at)),
        eb.and([eb('received_at', '=', new Date(cursor.at)), eb('id', '<', cursor.id)]),
      ]),
    );
  }
  const rows = (await q
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute()) as RequestRow[];
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const next =
    rows.length > query.limit && last
      ? Buffer.from(JSON.stringify({ at: last.received_at.toISOString(), id: last.id })).toString('base64url')
      : null;
  return { rows: page, next };
}
