import { type FormEvent, useState } from 'react';
import { api, download, query } from '../api.ts';
import { Badge, Card, PageHeader, Pager } from '../components/layout.tsx';
import { Async, Empty, FormError } from '../components/states.tsx';
import { formatDateTime, humanize, timeLeft } from '../format.ts';
import { setSearch, useLocation } from '../router.tsx';
import { roleAtLeast, useSession } from '../session.ts';
import { useAction, useApi } from '../use-api.ts';

const tabs = [
  ['audit', 'Audit log'],
  ['grants', 'Access grants'],
  ['subprocessors', 'Sub-processor changes'],
  ['breaches', 'Breaches'],
] as const;
type Tab = (typeof tabs)[number][0];

export default function Governance() {
  const { search } = useLocation();
  const tab = (tabs.find(([k]) => k === search.get('tab'))?.[0] ?? 'audit') as Tab;
  return (
    <>
      <PageHeader
        title="Governance"
        description="The tamper-evident audit log, staff access to customer data, sub-processor changes and the breach register."
      />
      <div className="tabs" role="tablist" aria-label="Governance views">
        {tabs.map(([k, label]) => (
          <button
            key={k}
            type="button"
            role="tab"
            id={`tab-${k}`}
            aria-selected={tab === k}
            aria-controls={`panel-${k}`}
            onClick={() => setSearch({ tab: k === 'audit' ? undefined : k })}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'audit' && <AuditLog />}
        {tab === 'grants' && <AccessGrants />}
        {tab === 'subprocessors' && <SubprocessorChanges />}
        {tab === 'breaches' && <Breaches />}
      </div>
    </>
  );
}

interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  role: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  reason: string | null;
  details: Record<string, unknown> | null;
}

function AuditLog() {
  const [filters, setFilters] = useState({ actor: '', action: '', object: '', from: '', to: '' });
  const [draft, setDraft] = useState(filters);
  const [cursors, setCursors] = useState<string[]>([]);
  const params = {
    actor: filters.actor,
    action: filters.action,
    object: filters.object,
    from: filters.from,
    to: filters.to,
  };
  const loaded = useApi<{ entries: AuditEntry[]; next_cursor?: string }>(
    `/api/audit${query({ ...params, limit: 50, cursor: cursors.at(-1) })}`,
  );
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setCursors([]);
    setFilters(draft);
  };
  const field = (name: keyof typeof draft, label: string, props: Record<string, string> = {}) => (
    <label>
      {label}
      <input
        value={draft[name]}
        onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
        {...props}
      />
    </label>
  );
  return (
    <Card
      title="Audit log"
      actions={
        <div className="actions">
          <button
            type="button"
            onClick={() =>
              void download(`/api/audit/export${query({ ...params, format: 'csv' })}`, 'audit-log.csv')
            }
          >
            Export CSV
          </button>
          <button
            type="button"
            onClick={() =>
              void download(`/api/audit/export${query({ ...params, format: 'json' })}`, 'audit-log.json')
            }
          >
            Export JSON
          </button>
        </div>
      }
    >
      <form className="row" onSubmit={apply} aria-label="Filter the audit log">
        {field('actor', 'Actor', { placeholder: 'key:… or user:…', size: '16' })}
        {field('action', 'Action', { placeholder: 'request.* or consent.history.read', size: '20' })}
        {field('object', 'Object', { placeholder: 'type or type:id', size: '16' })}
        {field('from', 'From', { type: 'date' })}
        {field('to', 'To', { type: 'date' })}
        <button type="submit">Filter</button>
      </form>
      <Async loaded={loaded} feature="Audit log">
        {({ entries, next_cursor }) =>
          entries.length === 0 ? (
            <Empty title="No entries match">
              Every action and every read of personal data is recorded here.
            </Empty>
          ) : (
            <div className="table-wrap" style={{ marginTop: '0.75rem' }}>
              <table>
                <caption className="sr-only">Audit entries, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">When</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Object</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {entries.map((e) => (
                    <tr key={e.seq}>
                      <td>{e.seq}</td>
                      <td>{formatDateTime(e.at)}</td>
                      <td className="small">
                        {e.actor}
                        {e.role && <div className="muted">{e.role}</div>}
                      </td>
                      <td>
                        <code>{e.action}</code>
                      </td>
                      <td className="small">
                        {e.object_type}
                        {e.object_id && (
                          <div className="muted">
                            <code>
                              {e.object_id.length > 20 ? `${e.object_id.slice(0, 20)}…` : e.object_id}
                            </code>
                          </div>
                        )}
                      </td>
                      <td className="small">
                        {e.reason && <div>{e.reason}</div>}
                        {e.details && Object.keys(e.details).length > 0 && (
                          <code>{JSON.stringify(e.details).slice(0, 120)}</code>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager cursors={cursors} nextCursor={next_cursor} onChange={setCursors} />
            </div>
          )
        }
      </Async>
    </Card>
  );
}

interface Grant {
  id: string;
  staff_id: string;
  staff_role: string | null;
  customer_key: string;
  ticket: string;
  purpose: string;
  systems: string[];
  mode: string;
  hours: number;
  status: string;
  state?: string;
  requested_at: string;
  decided_by: string | null;
  expires_at: string | null;
}

function AccessGrants() {
  const session = useSession();
  const loaded = useApi<{ grants: Grant[] }>('/api/access-grants');
  const [reason, setReason] = useState<Record<string, string>>({});
  const decide = useAction(async (id: string, decision: 'approve' | 'deny') => {
    await api('POST', `/api/access-grants/${encodeURIComponent(id)}/${decision}`, {
      body: { reason: reason[id] ?? '' },
    });
    loaded.reload();
  });
  const canDecide = roleAtLeast(session.role, 'admin');
  return (
    <Async loaded={loaded} feature="Access grants">
      {({ grants }) => {
        const pending = grants.filter((g) => (g.state ?? g.status) === 'requested');
        const live = grants.filter((g) => (g.state ?? g.status) === 'approved' || g.state === 'active');
        const rest = grants.filter((g) => !pending.includes(g) && !live.includes(g));
        return (
          <>
            <Card title="Awaiting approval">
              <FormError error={decide.error} />
              {pending.length === 0 ? (
                <Empty title="Nothing waiting">
                  Staff ask for time-boxed access to a customer's data with{' '}
                  <code>npx custodian access request</code>; the customer's approver decides.
                </Empty>
              ) : (
                <ul className="plain">
                  {pending.map((g) => (
                    <li key={g.id}>
                      <strong>{g.staff_id}</strong> asks for {g.mode} access to{' '}
                      <strong>{g.customer_key}</strong> ({g.systems.join(', ') || 'all systems'}) for{' '}
                      {g.hours} h — ticket {g.ticket}: {g.purpose}
                      {canDecide && (
                        <div className="actions" style={{ marginTop: '0.4rem' }}>
                          <label className="inline">
                            Reason
                            <input
                              value={reason[g.id] ?? ''}
                              onChange={(e) => setReason({ ...reason, [g.id]: e.target.value })}
                            />
                          </label>
                          <button
                            type="button"
                            className="primary"
                            onClick={() => void decide.run(g.id, 'approve')}
                          >
                            Approve
                          </button>
                          <button
                            type="button"
                            className="danger"
                            onClick={() => void decide.run(g.id, 'deny')}
                          >
                            Deny
                          </button>
                        </div>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </Card>
            <GrantTable
              title="Live grants"
              grants={live}
              empty="No one has access to customer data right now."
            />
            <GrantTable title="Past grants" grants={rest} empty="No past grants." />
          </>
        );
      }}
    </Async>
  );
}

function GrantTable({ title, grants, empty }: { title: string; grants: Grant[]; empty: string }) {
  return (
    <Card title={title}>
      {grants.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Staff</th>
              <th scope="col">Customer</th>
              <th scope="col">Scope</th>
              <th scope="col">State</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {grants.map((g) => (
              <tr key={g.id}>
                <td>{g.staff_id}</td>
                <td>{g.customer_key}</td>
                <td className="small">
                  {g.mode} · {g.systems.join(', ') || 'all systems'} · {g.purpose}
                </td>
                <td>
                  <Badge>{humanize(g.state ?? g.status)}</Badge>
                </td>
                <td>
                  {g.expires_at ? `${formatDateTime(g.expires_at)} (${timeLeft(g.expires_at).text})` : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

interface SubprocessorChange {
  id: string;
  processor_key?: string;
  processor_name?: string;
  kind?: string;
  status: string;
  announced_at?: string;
  effective_at?: string;
  objection_deadline?: string;
  objections?: { customer_key: string; reason?: string; at?: string }[];
}

function SubprocessorChanges() {
  const loaded = useApi<{ changes: SubprocessorChange[] }>('/api/subprocessor-changes');
  return (
    <Card title="Sub-processor changes">
      <Async loaded={loaded} feature="Sub-processor changes">
        {({ changes }) =>
          changes.length === 0 ? (
            <Empty title="No sub-processor changes announced">
              Add or change a processor in <code>custodian.yaml</code> and push: customers are notified and
              can object before it takes effect.
            </Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Processor</th>
                  <th scope="col">Change</th>
                  <th scope="col">Objection window</th>
                  <th scope="col">Objections</th>
                </tr>
              </thead>
              <tbody>
                {changes.map((c) => (
                  <tr key={c.id}>
                    <td>{c.processor_name ?? c.processor_key}</td>
                    <td>
                      {humanize(c.kind ?? 'change')} · <Badge>{humanize(c.status)}</Badge>
                    </td>
                    <td>
                      {c.objection_deadline
                        ? `${formatDateTime(c.objection_deadline)} (${timeLeft(c.objection_deadline).text})`
                        : '—'}
                    </td>
                    <td className="small">
                      {(c.objections ?? []).length === 0
                        ? 'none'
                        : c.objections?.map((o) => (
                            <div key={o.customer_key}>
                              {o.customer_key}
                              {o.reason ? `: ${o.reason}` : ''}
                            </div>
                          ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
    </Card>
  );
}

interface BreachRecord {
  id: string;
  title: string;
  status: string;
  aware_at?: string;
  authority_due_at?: string;
  notified_authority_at?: string | null;
  description?: string;
  severity?: string;
}

function Breaches() {
  const loaded = useApi<{ breaches: BreachRecord[] }>('/api/breaches');
  return (
    <Card title="Breach register">
      <Async loaded={loaded} feature="Breach register">
        {({ breaches }) =>
          breaches.length === 0 ? (
            <Empty title="No breaches recorded">
              Record a personal data breach as soon as you are aware of it: the 72-hour clock to notify the
              authority (GDPR Art. 33) starts then.
            </Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Breach</th>
                  <th scope="col">Status</th>
                  <th scope="col">Aware since</th>
                  <th scope="col">Authority notification</th>
                </tr>
              </thead>
              <tbody>
                {breaches.map((b) => {
                  const left = b.authority_due_at ? timeLeft(b.authority_due_at) : undefined;
                  return (
                    <tr key={b.id}>
                      <td>
                        <strong>{b.title}</strong>
                        {b.description && <div className="small muted">{b.description}</div>}
                      </td>
                      <td>
                        <Badge>{humanize(b.status)}</Badge>
                      </td>
                      <td>{formatDateTime(b.aware_at)}</td>
                      <td>
                        {b.notified_authority_at ? (
                          <Badge tone="good">notified {formatDateTime(b.notified_authority_at)}</Badge>
                        ) : left ? (
                          <Badge tone={left.overdue ? 'bad' : 'warn'}>72-hour clock: {left.text}</Badge>
                        ) : (
                          '—'
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </Async>
    </Card>
  );
}
