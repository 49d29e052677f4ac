import { type Kysely, type RawBuilder, sql } from 'kysely';
import { AppError } from '../errors.ts';
import { getProgramVersion } from '../program/current-program.ts';
import { PREPARED } from '../store/open-store.ts';
import type { Database } from '../store/schema.ts';
import { WorkspaceScope } from '../store/workspace-scope.ts';
import { type ConsentPurposes, consentPurposes, coversUse } from './consent-purposes.ts';
import { addressHash, subjectAddress, workspaceSecret } from './workspace-secret.ts';

export type DecisionReasonCode =
  | 'consent_given'
  | 'consent_withdrawn'
  | 'consent_absent'
  | 'opt_out_not_exercised'
  | 'notice_only'
  | 'legal_basis'
  | 'restriction'
  | 'objection'
  | 'opt_out_sale'
  | 'limit_sensitive'
  | 'do_not_contact'
  | 'gpc'
  | 'suppressed'
  | 'service_refused'
  | 'unknown_purpose';

export interface DecisionReason {
  code: DecisionReasonCode;
  detail: string;
}

export interface Decision {
  subject: string;
  purpose: string;
  allowed: boolean;
  /** Why: the blocking reasons when denied, the permitting one when allowed. */
  reasons: DecisionReason[];
}

export interface DecisionQuery {
  subject: string;
  purpose: string;
  /** The request carried an opt-out preference signal (Sec-GPC: 1). */
  gpc?: boolean;
  /** The service (cookie register `service` key) that would process the data. */
  service?: string | undefined;
}

export interface DecideOptions {
  /** Where the nth question's service came from, for the 422 on an unknown service. */
  servicePath?(index: number): string;
}

interface StateRow {
  use: string;
  granted: boolean;
  gpc: boolean;
  method: string;
}
interface RestrictionRow {
  kind: string;
  purposes: string[] | null;
}
interface SubjectFacts {
  state: StateRow[];
  restrictions: RestrictionRow[];
  suppressed: boolean;
  /** Service key → allowed, for the services the subject chose one by one. */
  services: Map<string, boolean>;
}

type FactRow = {
  k: 'p' | 's' | 'r' | 'x' | 'v';
  a: string;
  b: string | null;
  g: boolean | null;
  j: unknown;
};

/**
 * The asked subjects as a table to join: one array parameter whatever their number, read
 * through a sub-select so that PostgreSQL cannot see its length while planning. The SQL text
 * and the plan's estimates are then the same for 1 or 64 subjects, and the prepared
 * statement settles on a generic plan instead of being planned on every call (which costs
 * more than running it). Joining (rather than `= ANY`) lets a small table be hashed once
 * instead of comparing each row with every subject.
 */
function asked(values: string[]) {
  return sql`unnest((SELECT ${values}::text[])::text[]) AS asked(value)`;
}

/** The most questions one grouped query answers (it keeps the query and its result small). */
export const maxQuestionsPerQuery = 64;

/**
 * Answers "may we process this subject's data for this data use?" for many questions at
 * once with one indexed query: the current program's hash, the subjects' consent state,
 * their restrictions and suppression entries. The program itself is compiled once per hash.
 */
export async function decide(
  scope: WorkspaceScope,
  queries: DecisionQuery[],
  options: DecideOptions = {},
): Promise<Decision[]> {
  const subjects = [...new Set(queries.map((q) => q.subject))];
  const addresses = subjects.map(subjectAddress).filter((a): a is string => a !== undefined);
  const secret = addresses.length ? await workspaceSecret(scope) : undefined;
  const hashes = new Map<string, string>();
  for (const s of subjects) {
    const a = subjectAddress(s);
    if (a && secret) hashes.set(addressHash(secret, a), s);
  }
  const ws = scope.workspaceId;
  // Raw SQL for the UNION; every branch filters on the scope's workspace id.
  const facts = sql<FactRow>`${sql.raw(PREPARED)}
    SELECT 'p' AS k, p.hash AS a, NULL AS b, NULL::boolean AS g, NULL::jsonb AS j
      FROM (SELECT hash FROM program_versions WHERE workspace_id = ${ws} ORDER BY version DESC LIMIT 1) p
    UNION ALL
    ${stateAndRestrictions(sql`${ws}`, subjects)}
    UNION ALL
    SELECT 'x', t.address_hash, t.list, NULL, NULL
      FROM ${asked([...hashes.keys()])} JOIN suppressions t ON t.address_hash = asked.value
     WHERE t.workspace_id = ${ws} AND t.list IS NULL
  `;
  const { rows } = await (queries.some((q) => q.service !== undefined)
    ? sql<FactRow>`${facts} UNION ALL ${serviceFacts(sql`${ws}`, subjects)}`
    : facts
  ).execute(scope.db);
  return answer(scope, queries, subjects, hashes, rows, options);
}

/** The subjects' consent state and their restrictions in force. */
function stateAndRestrictions(workspace: RawBuilder<unknown>, subjects: string[]) {
  return sql`SELECT 's', t.subject, t.data_use, t.granted, jsonb_build_array(t.gpc, t.method)
      FROM ${asked(subjects)} JOIN consent_state t ON t.subject = asked.value
     WHERE t.workspace_id = ${workspace}
    UNION ALL
    SELECT 'r', t.subject, t.kind, NULL, t.purposes
      FROM ${asked(subjects)} JOIN subject_restrictions t ON t.subject = asked.value
     WHERE t.workspace_id = ${workspace} AND t.lifted_at IS NULL`;
}

/** The subjects' per-service choices: read only for questions that name a service. */
function serviceFacts(workspace: RawBuilder<unknown>, subjects: string[]) {
  return sql`SELECT 'v', t.subject, t.service, t.granted, NULL
      FROM ${asked(subjects)} JOIN consent_service_state t ON t.subject = asked.value
     WHERE t.workspace_id = ${workspace}`;
}

async function answer(
  scope: WorkspaceScope,
  queries: DecisionQuery[],
  subjects: string[],
  hashes: Map<string, string>,
  rows: FactRow[],
  options: DecideOptions,
): Promise<Decision[]> {
  let programHash: string | undefined;
  const facts = new Map<string, SubjectFacts>(
    subjects.map((s) => [s, { state: [], restrictions: [], suppressed: false, services: new Map() }]),
  );
  for (const row of rows) {
    if (row.k === 'p') programHash = row.a;
    else if (row.k === 's') {
      const [gpc, method] = row.j as [boolean, string];
      facts.get(row.a)?.state.push({ use: row.b!, granted: row.g === true, gpc, method });
    } else if (row.k === 'r') {
      facts.get(row.a)?.restrictions.push({ kind: row.b!, purposes: (row.j as string[] | null) ?? null });
    } else if (row.k === 'v') {
      facts.get(row.a)?.services.set(row.b!, row.g === true);
    } else {
      const subject = hashes.get(row.a);
      const f = subject ? facts.get(subject) : undefined;
      if (f) f.suppressed = true;
    }
  }
  if (!programHash) throw new AppError('not_found', 'no program has been pushed yet: run `custodian push`');
  const purposes = await purposesFor(scope, programHash);
  checkServices(purposes, queries, options);
  return queries.map((q) => decideOne(purposes, q, facts.get(q.subject)!));
}

function checkServices(purposes: ConsentPurposes, queries: DecisionQuery[], options: DecideOptions): void {
  const unknown = queries.flatMap((q, i) =>
    q.service !== undefined && !purposes.services.has(q.service)
      ? [
          {
            path: options.servicePath?.(i) ?? 'service',
            message: `"${q.service}" is not a service of the program's cookie register (known: ${[...purposes.services.keys()].join(', ') || 'none'})`,
          },
        ]
      : [],
  );
  if (unknown.length)
    throw new AppError(
      'validation_failed',
      `unknown service: ${unknown.map((u) => `${u.path}: ${u.message}`).join('; ')}`,
      {
        details: unknown,
      },
    );
}

/**
 * The decision API's hot path for an API key: the key lookup and the facts in one query,
 * so a request costs one round trip. Returns undefined when the key is unknown or revoked
 * (the caller answers 401 as for any route), and `fallback` for e-mail subjects, whose
 * suppression check needs the workspace secret first.
 */
export async function decideWithApiKey(
  db: Kysely<Database>,
  keyHash: string,
  queries: DecisionQuery[],
  options: DecideOptions = {},
): Promise<Decision[] | undefined | 'fallback'> {
  const subjects = [...new Set(queries.map((q) => q.subject))];
  if (subjects.some((s) => subjectAddress(s) !== undefined)) return 'fallback';
  // Every branch is bound to the key's workspace: the key is the scope.
  // Prepared on PostgreSQL: planning this UNION costs more than running it.
  const facts = sql<FactRow | { k: 'w'; a: string }>`${sql.raw(PREPARED)}
    WITH key AS (SELECT workspace_id FROM api_keys WHERE key_hash = ${keyHash} AND revoked_at IS NULL)
    SELECT 'w' AS k, workspace_id::text AS a, NULL AS b, NULL::boolean AS g, NULL::jsonb AS j FROM key
    UNION ALL
    SELECT 'p', p.hash, NULL, NULL, NULL
      FROM (SELECT hash FROM program_versions WHERE workspace_id = (SELECT workspace_id FROM key)
            ORDER BY version DESC LIMIT 1) p
    UNION ALL
    ${stateAndRestrictions(sql`(SELECT workspace_id FROM key)`, subjects)}
  `;
  // A question naming a service reads the service choices too (the same query with one more branch).
  const { rows } = await (queries.some((q) => q.service !== undefined)
    ? sql<
        FactRow | { k: 'w'; a: string }
      >`${facts} UNION ALL ${serviceFacts(sql`(SELECT workspace_id FROM key)`, subjects)}`
    : facts
  ).execute(db);
  const workspace = rows.find((r) => r.k === 'w');
  if (!workspace) return undefined;
  const found = rows.filter((r): r is FactRow => r.k !== 'w');
  return answer(new WorkspaceScope(db, workspace.a), queries, subjects, new Map(), found, options);
}

const byHash = new Map<string, ConsentPurposes>();

async function purposesFor(scope: WorkspaceScope, hash: string): Promise<ConsentPurposes> {
  const cached = byHash.get(`${scope.workspaceId}:${hash}`);
  if (cached) return cached;
  const row = await scope
    .selectFrom('program_versions')
    .select('version')
    .where('hash', '=', hash)
    .orderBy('version', 'desc')
    .executeTakeFirstOrThrow();
  const { program } = await getProgramVersion(scope, row.version);
  const purposes = consentPurposes(program);
  if (byHash.size > 100) byHash.clear();
  byHash.set(`${scope.workspaceId}:${hash}`, purposes);
  return purposes;
}

function listed(purposes: string[] | null, use: string): boolean {
  return (
    purposes === null || purposes.length === 0 || purposes.some((p) => coversUse(p, use) || coversUse(use, p))
  );
}

function decideOne(purposes: ConsentPurposes, q: DecisionQuery, f: SubjectFacts): Decision {
  const use = purposes.use(q.purpose);
  const blocked: DecisionReason[] = [];
  const deny = (code: DecisionReasonCode, detail: string) => blocked.push({ code, detail });
  if (!use.known) {
    return {
      subject: q.subject,
      purpose: q.purpose,
      allowed: false,
      reasons: [
        { code: 'unknown_purpose', detail: `no activity or consent notice of the program uses ${q.purpose}` },
      ],
    };
  }
  for (const r of f.restrictions) {
    if (r.kind === 'restriction' && listed(r.purposes, q.purpose))
      deny('restriction', 'processing is restricted at the person’s request (GDPR Art. 18)');
    if (r.kind === 'do_not_contact' && (use.marketing || (r.purposes && listed(r.purposes, q.purpose))))
      deny('do_not_contact', 'the person asked not to be contacted');
    if (r.kind === 'objection') {
      const applies = r.purposes?.length
        ? listed(r.purposes, q.purpose)
        : use.marketing || use.otherBases.some((b) => b === 'legitimate_interests' || b === 'public_task');
      if (applies) deny('objection', 'the person objected to this processing (GDPR Art. 21)');
    }
    if (r.kind === 'opt_out_sale' && use.soldOrShared)
      deny('opt_out_sale', 'the person opted out of the sale or sharing of their data');
    if (r.kind === 'limit_sensitive' && r.purposes?.length && listed(r.purposes, q.purpose))
      deny('limit_sensitive', 'the person limited the use of their sensitive data');
  }
  if (q.gpc && use.soldOrShared) deny('gpc', 'the request carries an opt-out preference signal (GPC)');
  if (f.suppressed && coversUse('marketing.communications', q.purpose))
    deny('suppressed', 'the address is on the suppression list');
  const service = q.service === undefined ? undefined : purposes.services.get(q.service);
  if (service && f.services.get(service.key) === false) {
    // A refusal counts for the purposes of the notices it was refused under (its categories).
    const under = service.notices.filter((key) =>
      purposes.notices.get(key)?.data_uses.some((u) => coversUse(u, q.purpose)),
    );
    if (under.length)
      deny(
        'service_refused',
        `the person refused ${service.name} (${service.key}) inside ${under.map((k) => purposes.notices.get(k)!.name).join(', ')}`,
      );
  }
  const state = f.state
    .filter((s) => coversUse(s.use, q.purpose))
    .sort((a, b) => b.use.length - a.use.length)[0];
  if (state && !state.granted) {
    deny(
      state.gpc ? 'gpc' : 'consent_withdrawn',
      state.gpc
        ? 'opted out by an opt-out preference signal (GPC)'
        : `consent refused or withdrawn (${state.method})`,
    );
  }
  const result = (allowed: boolean, reasons: DecisionReason[]): Decision => ({
    subject: q.subject,
    purpose: q.purpose,
    allowed,
    reasons,
  });
  if (blocked.length) return result(false, blocked);
  if (state?.granted)
    return result(true, [{ code: 'consent_given', detail: `consent given (${state.method})` }]);
  if (use.notices.some((n) => n.mechanism === 'opt_out'))
    return result(true, [{ code: 'opt_out_not_exercised', detail: 'on until the person opts out' }]);
  if (use.notices.length > 0 && use.notices.every((n) => n.mechanism === 'notice_only'))
    return result(true, [{ code: 'notice_only', detail: 'covered by notice; no choice is offered' }]);
  if (!use.needsConsent && use.otherBases.length > 0) {
    return result(true, [{ code: 'legal_basis', detail: `legal basis: ${use.otherBases.join(', ')}` }]);
  }
  return result(false, [{ code: 'consent_absent', detail: 'no consent has been given' }]);
}
