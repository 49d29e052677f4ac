import { createHmac, randomBytes } from 'node:crypto';
import type { WorkspaceScope } from '../store/workspace-scope.ts';

const secrets = new Map<string, Promise<Buffer>>();

/**
 * The workspace's consent secret: keys the HMACs of IP and e-mail addresses and signs
 * receipts and links. Derived from CUSTODIAN_CONSENT_SECRET when set, else generated once
 * and kept in the store. Either way it must never change: suppression hashes made under
 * one key cannot be compared under another.
 */
export function workspaceSecret(scope: WorkspaceScope): Promise<Buffer> {
  let secret = secrets.get(scope.workspaceId);
  // A secret kept outside the database (CUSTODIAN_CONSENT_SECRET) means a stolen database
  // alone cannot be used to test guessed addresses against the suppression hashes.
  const server = process.env.CUSTODIAN_CONSENT_SECRET;
  if (!secret && server) {
    secret = Promise.resolve(createHmac('sha256', server).update(`workspace\0${scope.workspaceId}`).digest());
    secrets.set(scope.workspaceId, secret);
  }
  if (!secret) {
    secret = (async () => {
      await scope
        .insertInto('consent_keys', { secret: randomBytes(32).toString('base64url') })
        .onConflict((oc) => oc.column('workspace_id').doNothing())
        .execute();
      const row = await scope.selectFrom('consent_keys').select('secret').executeTakeFirstOrThrow();
      return Buffer.from(row.secret, 'base64url');
    })();
    secret.catch(() => secrets.delete(scope.workspaceId));
    secrets.set(scope.workspaceId, secret);
  }
  return secret;
}

/** Keyed hash (HMAC-SHA256, hex) of a value under the workspace secret. */
export function keyedHash(secret: Buffer, purpose: string, value: string): string {
  return createHmac('sha256', secret).update(`${purpose}\0${value}`).digest('hex');
}

/** Lower-cases and trims an e-mail address; the form every suppression hash is made from. */
export function normaliseAddress(address: string): string {
  return address.trim().toLowerCase();
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isEmailAddress(value: string): boolean {
  return emailPattern.test(value.trim());
}

/** The address inside a subject id (`email:a@b.c` or a bare address), if it is one. */
export function subjectAddress(subject: string): string | undefined {
  const value = subject.startsWith('email:') ? subject.slice(6) : subject;
  return isEmailAddress(value) ? normaliseAddress(value) : undefined;
}

/** Hash of a normalised address as kept in the suppression list. */
export function addressHash(secret: Buffer, address: string): string {
  return keyedHash(secret, 'address', normaliseAddress(address));
}

/** Signs a small JSON payload: `<base64url payload>.<base64url hmac>`. */
export function signToken(secret: Buffer, payload: object): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(`token\0${body}`).digest('base64url')}`;
}

/** The payload of a token signed by `signToken`, or undefined when it was altered. */
export function readToken(secret: Buffer, token: string): Record<string, unknown> | undefined {
  const [body, mac] = token.split('.');
  if (!body || !mac) return undefined;
  const expected = createHmac('sha256', secret).update(`token\0${body}`).digest('base64url');
  if (expected.length !== mac.length) return undefined;
  let diff = 0;
  for (let i = 0; i < mac.length; i++) diff |= expected.charCodeAt(i) ^ mac.charCodeAt(i);
  if (diff !== 0) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
