import type { WorkspaceScope } from '../store/workspace-scope.ts';

export interface HistoryEvent {
  seq: number;
  at: string;
  method: string;
  granted: string[];
  denied: string[];
  granted_uses: string[];
  denied_uses: string[];
  notice_version: number;
  wording_hash: string | null;
  wording: string | null;
  jurisdiction: string | null;
  page_url: string | null;
  ip_hash: string | null;
  user_agent: string | null;
  gpc: boolean;
  /** Per-service choices the event carried (service key → allowed), or null. */
  services: Record<string, boolean> | null;
  prev_hash: string;
  hash: string;
}

export interface ConsentProof {
  subject: string;
  current: {
    data_use: string;
    notice_key: string;
    granted: boolean;
    method: string;
    gpc: boolean;
    since: string;
  }[];
  /** The current choice per service the subject chose one by one. */
  services: {
    service: string;
    granted: boolean;
    method: string;
    since: string;
  }[];
  events: HistoryEvent[];
}

/**
 * Everything needed to prove a subject's consent: each event with the exact wording shown
 * and its place in the hash chain (verifiable with `custodian consent verify`).
 */
export async function consentHistory(scope: WorkspaceScope, subject: string): Promise<ConsentProof> {
  const rows = await scope
    .selectFrom('consent_events')
    .leftJoin('consent_wordings', (join) =>
      join
        .onRef('consent_wordings.hash', '=', 'consent_events.wording_hash')
        .onRef('consent_wordings.workspace_id', '=', 'consent_events.workspace_id'),
    )
    .select([
      'consent_events.seq',
      'consent_events.at',
      'consent_events.method',
      'consent_events.granted',
      'consent_events.denied',
      'consent_events.granted_uses',
      'consent_events.denied_uses',
      'consent_events.notice_version',
      'consent_events.wording_hash',
      'consent_wordings.text as wording',
      'consent_events.jurisdiction',
      'consent_events.page_url',
      'consent_events.ip_hash',
      'consent_events.user_agent',
      'consent_events.gpc',
      'consent_events.services',
      'consent_events.prev_hash',
      'consent_events.hash',
    ])
    .where('consent_events.subject', '=', subject)
    .orderBy('consent_events.seq')
    .execute();
  const state = await scope
    .selectFrom('consent_state')
    .select(['data_use', 'notice_key', 'granted', 'method', 'gpc', 'updated_at'])
    .where('subject', '=', subject)
    .orderBy('data_use')
    .execute();
  const services = await scope
    .selectFrom('consent_service_state')
    .select(['service', 'granted', 'method', 'updated_at'])
    .where('subject', '=', subject)
    .orderBy('service')
    .execute();
  return {
    subject,
    current: state.map((s) => ({
      data_use: s.data_use,
      notice_key: s.notice_key,
      granted: s.granted,
      method: s.method,
      gpc: s.gpc,
      since: new Date(s.updated_at).toISOString(),
    })),
    services: services.map((s) => ({
      service: s.service,
      granted: s.granted,
      method: s.method,
      since: new Date(s.updated_at).toISOString(),
    })),
    events: rows.map((r) => ({
      ...r,
      seq: Number(r.seq),
      at: new Date(r.at).toISOString(),
      wording: r.wording ?? null,
    })),
  };
}

/** Per-service choices as `key=allowed key=refused`, sorted by key. */
export function serviceChoicesText(services: Record<string, boolean> | null): string {
  return Object.entries(services ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v ? 'allowed' : 'refused'}`)
    .join(' ');
}

function csvCell(value: unknown): string {
  const text = Array.isArray(value)
    ? value.join(' ')
    : value === null || value === undefined
      ? ''
      : String(value);
  // A leading = + - @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The proof as CSV, one event per line. */
export function historyToCsv(proof: ConsentProof): string {
  const columns = [
    'seq',
    'at',
    'method',
    'granted',
    'denied',
    'granted_uses',
    'denied_uses',
    'notice_version',
    'wording_hash',
    'jurisdiction',
    'page_url',
    'ip_hash',
    'user_agent',
    'gpc',
    'services',
    'prev_hash',
    'hash',
  ] as const;
  const lines = [['subject', ...columns].join(',')];
  for (const e of proof.events)
    lines.push(
      [
        csvCell(proof.subject),
        ...columns.map((c) => csvCell(c === 'services' ? serviceChoicesText(e.services) : e[c])),
      ].join(','),
    );
  return `${lines.join('\n')}\n`;
}
