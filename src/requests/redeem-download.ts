import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { AppError } from '../errors.ts';
import type { Database } from '../store/schema.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { recordRequestEvent, subjectActor } from './record-transition.ts';
import { getRequest } from './request-record.ts';
import { findToken, spendToken } from './single-use-token.ts';

export interface PackageDownload {
  filename: string;
  bytes: number;
  body: ReadableStream<Uint8Array>;
}

/**
 * Spends a download token: it works once, until it expires, and each use is on the
 * request's record and in the audit log. The package streams from disk.
 */
export async function redeemDownload(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<PackageDownload> {
  const found = await findToken(db, token, 'download', now);
  if (!found.ok) {
    throw new AppError(
      found.why === 'unknown' ? 'not_found' : 'gone',
      found.why === 'used'
        ? 'this download link has already been used; ask us for a new one'
        : found.why === 'expired'
          ? 'this download link has expired; ask us for a new one'
          : 'unknown download link',
    );
  }
  return spendDownload(found.scope, found.requestId, found.tokenId, now);
}

/**
 * Spends one download token of a request (from the emailed link, or the status page's) and
 * streams the package; the use is on the request's record.
 */
export async function spendDownload(
  scope: WorkspaceScope,
  requestId: string,
  tokenId: string,
  now: Date,
): Promise<PackageDownload> {
  const row = await getRequest(scope, requestId);
  if (!row.package_path) throw new AppError('gone', 'the package is no longer available');
  const info = await stat(row.package_path).catch(() => undefined);
  if (!info) throw new AppError('gone', 'the package is no longer available');
  if (!(await spendToken(scope, tokenId, now))) {
    throw new AppError('gone', 'this download link has already been used; ask us for a new one');
  }
  await recordRequestEvent(
    scope,
    row.id,
    { kind: 'package_downloaded', actor: subjectActor, details: { bytes: info.size } },
    now,
  );
  return {
    filename: `personal-data-${row.id.slice(0, 8)}.zip`,
    bytes: info.size,
    body: Readable.toWeb(createReadStream(row.package_path)) as ReadableStream<Uint8Array>,
  };
}
