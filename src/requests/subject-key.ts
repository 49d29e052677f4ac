import { createHash } from 'node:crypto';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * A stable key for one person within a workspace, from their email: counts and rate limits
 * use it so they never need to read identities.
 */
export function subjectKey(workspaceId: string, email: string): string {
  return createHash('sha256')
    .update(`${workspaceId}:${normaliseEmail(email)}`)
    .digest('hex');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
