import { createHmac, generateKeyPairSync, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { AppError } from '../errors.ts';
import { WorkspaceScope } from '../store/workspace-scope.ts';

export interface AnchorKey {
  id: string;
  publicKeyPem: string;
  privateKeyPem: string;
}

/**
 * The workspace's Ed25519 key for signing audit anchors, generated on first use and kept
 * in the store so every server process against the same database signs with it.
 */
export async function getAnchorKey(scope: WorkspaceScope): Promise<AnchorKey> {
  const row = await ensureKey(scope, 'audit_anchor', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    return {
      public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      secret: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  });
  return { id: row.id, publicKeyPem: row.public_key ?? '', privateKeyPem: row.secret };
}

async function ensureKey(
  scope: WorkspaceScope,
  purpose: 'audit_anchor' | 'link_signing',
  make: () => { public_key: string | null; secret: string },
) {
  const find = () =>
    scope
      .selectFrom('server_keys')
      .select(['id', 'public_key', 'secret'])
      .where('purpose', '=', purpose)
      .executeTakeFirst();
  const existing = await find();
  if (existing) return existing;
  // Two processes starting together must agree on one key: the unique index picks the winner.
  await scope
    .insertInto('server_keys', { id: randomUUID(), purpose, ...make() })
    .onConflict((oc) => oc.columns(['workspace_id', 'purpose']).doNothing())
    .execute();
  const row = await find();
  if (!row) throw new AppError('internal', `could not create the ${purpose} key`);
  return row;
}

async function linkSecret(scope: WorkspaceScope): Promise<Buffer> {
  const row = await ensureKey(scope, 'link_signing', () => ({
    public_key: null,
    secret: randomBytes(32).toString('base64url'),
  }));
  return Buffer.from(row.secret, 'base64url');
}

/** What a signed link carries: its kind, the object it acts on, the workspace and an expiry. */
export interface LinkClaims {
  kind: string;
  id: string;
  /** Extra claim such as the customer key the link was sent to. */
  sub?: string;
  exp: number;
}

/**
 * A token for an emailed link: `<workspace>.<claims>.<hmac>`. It names its workspace so a
 * public page can find the secret, and the HMAC makes every other part unforgeable.
 */
export async function signLink(scope: WorkspaceScope, claims: LinkClaims): Promise<string> {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const head = `${scope.workspaceId}.${body}`;
  const mac = createHmac('sha256', await linkSecret(scope))
    .update(head)
    .digest('base64url');
  return `${head}.${mac}`;
}

/** Checks a link token; returns the workspace and claims, or throws a clear error. */
export async function verifyLink(
  db: WorkspaceScope['db'],
  token: string,
  kind: string,
  now: Date,
): Promise<{ workspaceId: string; claims: LinkClaims }> {
  const invalid = new AppError('forbidden', 'this link is not valid: it may have been altered or cut short');
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid;
  const [workspaceId, body, mac] = parts as [string, string, string];
  if (!/^[0-9a-f-]{36}$/.test(workspaceId)) throw invalid;
  const scope = new WorkspaceScope(db, workspaceId);
  const exists = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM workspaces WHERE id = ${workspaceId}`.execute(db);
  if (!exists.rows[0]?.n) throw invalid;
  const expected = createHmac('sha256', await linkSecret(scope))
    .update(`${workspaceId}.${body}`)
    .digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid;
  let claims: LinkClaims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LinkClaims;
  } catch {
    throw invalid;
  }
  if (claims.kind !== kind) throw invalid;
  if (claims.exp * 1000 < now.getTime()) throw new AppError('gone', 'this link has expired');
  return { workspaceId, claims };
}
