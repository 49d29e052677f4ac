import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { addressHash, isEmailAddress, normaliseAddress, workspaceSecret } from './workspace-secret.ts';

export type MessageKind = 'transactional' | 'marketing';

export interface SuppressOptions {
  list?: string | null | undefined;
  reason: string;
  /** Who asked: the person (unsubscribe link, preference center), an import, a bounce handler. */
  source: 'subject' | 'import' | 'admin' | 'complaint';
}

/** Adds keyed hashes of addresses to the suppression list; an address already there stays as it was. */
export async function suppressHashes(
  scope: WorkspaceScope,
  hashes: string[],
  options: SuppressOptions,
  now: Date,
): Promise<number> {
  if (hashes.length === 0) return 0;
  let added = 0;
  for (let i = 0; i < hashes.length; i += 1000) {
    const rows = hashes.slice(i, i + 1000).map((h) => ({
      id: randomUUID(),
      address_hash: h,
      list: options.list ?? null,
      reason: options.reason,
      source: options.source,
      created_at: now,
    }));
    const result = await scope
      .insertMany('suppressions', rows)
      .onConflict((oc) => oc.expression(sql`workspace_id, address_hash, coalesce(list, '')`).doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

/** Suppresses addresses (only their keyed hashes are kept). */
export async function suppressAddresses(
  scope: WorkspaceScope,
  addresses: string[],
  options: SuppressOptions,
  now: Date,
): Promise<number> {
  const secret = await workspaceSecret(scope);
  return suppressHashes(
    scope,
    addresses.map((a) => addressHash(secret, a)),
    options,
    now,
  );
}

/**
 * Lifts suppression of one address. Only the person may do this, after proving they
 * control the address (preference center code); no API key can call it.
 */
export async function liftSuppressionBySubject(scope: WorkspaceScope, address: string): Promise<number> {
  const secret = await workspaceSecret(scope);
  const result = await scope
    .deleteFrom('suppressions')
    .where('address_hash', '=', addressHash(secret, address))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface SuppressionCheck {
  address: string;
  allowed: boolean;
  reason?: 'suppressed' | 'invalid_address';
}

/**
 * Checks many addresses at once (one query) before a send. Transactional mail is never
 * blocked; marketing mail is blocked by a list-wide entry or one for the given list.
 */
export async function checkSuppression(
  scope: WorkspaceScope,
  addresses: string[],
  kind: MessageKind,
  list?: string,
): Promise<SuppressionCheck[]> {
  const secret = await workspaceSecret(scope);
  const hashes = addresses.map((a) => (isEmailAddress(a) ? addressHash(secret, a) : undefined));
  const wanted = [...new Set(hashes.filter((h): h is string => !!h))];
  const blocked = new Set<string>();
  if (kind === 'marketing' && wanted.length) {
    const rows = await scope
      .selectFrom('suppressions')
      .select('address_hash')
      .where('address_hash', 'in', wanted)
      .where((eb) => (list ? eb.or([eb('list', 'is', null), eb('list', '=', list)]) : eb('list', 'is', null)))
      .execute();
    for (const r of rows) blocked.add(r.address_hash);
  }
  return addresses.map((address, i) => {
    const h = hashes[i];
    if (!h)
      return {
        address,
        allowed: kind === 'transactional',
        ...(kind === 'transactional' ? {} : { reason: 'invalid_address' as const }),
      };
    return blocked.has(h)
      ? { address, allowed: false, reason: 'suppressed' as const }
      : { address, allowed: true };
  });
}

export interface ImportReport {
  imported: number;
  already_suppressed: number;
  rejected: { line: number; reason: string }[];
}

/**
 * Imports an existing suppression list from CSV: one address per line, optionally a
 * `list` and a `reason` column; a header line is recognised. Bad lines are reported with
 * their number and why, and the rest are imported.
 */
export async function importSuppressionCsv(
  scope: WorkspaceScope,
  csv: string,
  now: Date,
): Promise<ImportReport> {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rejected: ImportReport['rejected'] = [];
  const seen = new Map<string, number>();
  const byList = new Map<string, string[]>();
  lines.forEach((raw, index) => {
    const line = index + 1;
    const cells = raw.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    const address = cells[0] ?? '';
    if (raw.trim() === '') return;
    if (index === 0 && /^e-?mail(_address)?$|^address$/i.test(address)) return;
    if (!isEmailAddress(address)) {
      rejected.push({ line, reason: `not an e-mail address: "${address.slice(0, 80)}"` });
      return;
    }
    const list = cells[1] || '';
    if (list && !/^[a-z0-9][a-z0-9_.-]{0,63}$/.test(list)) {
      rejected.push({
        line,
        reason: `invalid list name "${list.slice(0, 80)}" (lowercase letters, digits, _ . -)`,
      });
      return;
    }
    const key = `${normaliseAddress(address)}\0${list}`;
    const first = seen.get(key);
    if (first) {
      rejected.push({ line, reason: `duplicate of line ${first}` });
      return;
    }
    seen.set(key, line);
    byList.set(list, [...(byList.get(list) ?? []), address]);
  });
  let imported = 0;
  let total = 0;
  for (const [list, addresses] of byList) {
    total += addresses.length;
    imported += await suppressAddresses(
      scope,
      addresses,
      { list: list || null, reason: 'imported', source: 'import' },
      now,
    );
  }
  return { imported, already_suppressed: total - imported, rejected };
}
