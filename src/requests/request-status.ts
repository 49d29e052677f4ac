import type { Kysely } from 'kysely';
import { AppError } from '../errors.ts';
import { signLink, verifyLink } from '../governance/server-keys.ts';
import type { Services } from '../http/services.ts';
import type { Database } from '../store/schema.ts';
import { WorkspaceScope } from '../store/workspace-scope.ts';
import { getRequest, type RequestRow } from './request-record.ts';
import { getRequestSettings, recordsKeptMonths } from './request-settings.ts';

const STATUS_LINK = 'request_status';

/**
 * How long a status link is signed for, from the request's receipt: longer than any request
 * stays open plus the longest records period (120 months), so in practice the link works
 * until the request's records are minimised, and then says so.
 */
const STATUS_LINK_YEARS = 15;

/**
 * The token of a request's status page: signed with the workspace's link key and bound to
 * this request, so it cannot be guessed or turned into another request's. The same request
 * always gets the same token, so every mail carries one link.
 */
export function statusToken(scope: WorkspaceScope, row: Pick<RequestRow, 'id' | 'received_at'>) {
  const exp = new Date(row.received_at);
  exp.setUTCFullYear(exp.getUTCFullYear() + STATUS_LINK_YEARS);
  return signLink(scope, { kind: STATUS_LINK, id: row.id, exp: Math.floor(exp.getTime() / 1000) });
}

/** The address of a request's status page, for the mails to the person. */
export async function statusUrl(
  scope: WorkspaceScope,
  services: Pick<Services, 'publicUrl'>,
  row: Pick<RequestRow, 'id' | 'received_at'>,
): Promise<string> {
  return `${services.publicUrl}/privacy-center/status/${await statusToken(scope, row)}`;
}

/** The request a status link names, or why the link does not work. */
export type StatusLookup =
  | { ok: true; scope: WorkspaceScope; row: RequestRow }
  | { ok: false; why: 'invalid' | 'expired' };

/**
 * Opens a status link: the signature must match and name a request of that workspace. The
 * token names its workspace (like a download token), so this read is the unscoped one.
 */
export async function openStatusLink(db: Kysely<Database>, token: string, now: Date): Promise<StatusLookup> {
  try {
    const { workspaceId, claims } = await verifyLink(db, token, STATUS_LINK, now);
    const scope = new WorkspaceScope(db, workspaceId);
    const row = await getRequest(scope, String(claims.id));
    return { ok: true, scope, row };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, why: err.code === 'gone' ? 'expired' : 'invalid' };
    throw err;
  }
}

/** One step of the request that concerns the person, in the order it happened. */
export type TimelineEntry =
  | { at: Date; kind: 'received' | 'verifying' | 'verified' | 'routed' | 'started' | 'delayed' }
  | { at: Date; kind: 'extended'; due: Date; reason: string }
  | { at: Date; kind: 'completed' | 'canceled' | 'downloaded' }
  | { at: Date; kind: 'denied' };

/** What the status page shows of a request, read from its record and history. */
export interface RequestStatus {
  row: RequestRow;
  timeline: TimelineEntry[];
  /** The access package waiting to be downloaded (its single-use link not spent, not expired). */
  download?: { until: Date } | undefined;
  /** The package's last link expired or was used (when the request made one). */
  downloadEnded?: { at: Date; used: boolean } | undefined;
  /** Set once the records period is over: the months after closure its details were kept. */
  minimisedAfterMonths?: number | undefined;
}

/**
 * The person's view of their request. Only steps they are told of by mail appear; reviewer
 * notes, approvals, engine results and staff reasons do not (the reason of an extension and
 * of a denial are theirs: the law says they are told).
 */
export async function requestStatus(
  scope: WorkspaceScope,
  row: RequestRow,
  now: Date,
): Promise<RequestStatus> {
  const events = await scope
    .selectFrom('dsr_request_events')
    .select(['at', 'kind', 'to_state', 'details'])
    .where('request_id', '=', row.id)
    .orderBy('at')
    .orderBy('id')
    .execute();
  if (row.minimised_at) {
    const minimised = events.find((e) => e.kind === 'minimised');
    const months =
      typeof minimised?.details?.months === 'number'
        ? minimised.details.months
        : recordsKeptMonths(await getRequestSettings(scope), row.jurisdiction);
    return { row, timeline: [], minimisedAfterMonths: months };
  }
  const timeline: TimelineEntry[] = [{ at: row.received_at, kind: 'received' }];
  for (const e of events) {
    if (e.kind === 'transition') {
      const kind = (
        {
          verifying: 'verifying',
          verified: 'verified',
          in_progress: 'started',
          failed: 'delayed',
          completed: 'completed',
          denied: 'denied',
          canceled: 'canceled',
        } as const
      )[e.to_state ?? ''];
      // A retry after a delay starts again: it is said once.
      if (kind && !(kind === 'started' && timeline.some((t) => t.kind === 'started')))
        timeline.push({ at: e.at, kind } as TimelineEntry);
    } else if (e.kind === 'extended') {
      const due = typeof e.details?.due_at === 'string' ? new Date(e.details.due_at) : row.due_at;
      timeline.push({ at: e.at, kind: 'extended', due, reason: row.extension_reason ?? '' });
    } else if (e.kind === 'routed_to_customer') {
      timeline.push({ at: e.at, kind: 'routed' });
    } else if (e.kind === 'package_downloaded') {
      timeline.push({ at: e.at, kind: 'downloaded' });
    }
  }
  let download: RequestStatus['download'];
  let downloadEnded: RequestStatus['downloadEnded'];
  if (row.state === 'completed' && row.package_path) {
    const link = await scope
      .selectFrom('dsr_tokens')
      .select(['expires_at', 'used_at'])
      .where('request_id', '=', row.id)
      .where('purpose', '=', 'download')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (link && !link.used_at && link.expires_at.getTime() > now.getTime())
      download = { until: link.expires_at };
    else if (link) downloadEnded = { at: link.used_at ?? link.expires_at, used: Boolean(link.used_at) };
  }
  return { row, timeline, download, downloadEnded };
}

/**
 * The download offered on the status page: the request's current download link, spent as if
 * the emailed one were opened (either works once, until it expires).
 */
export async function currentDownloadToken(
  scope: WorkspaceScope,
  requestId: string,
  now: Date,
): Promise<string | undefined> {
  const link = await scope
    .selectFrom('dsr_tokens')
    .select('id')
    .where('request_id', '=', requestId)
    .where('purpose', '=', 'download')
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return link?.id;
}
