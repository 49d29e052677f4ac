import { type FormEvent, type ReactNode, useState } from 'react';
import { api, download, query } from '../api.ts';
import { TextField } from '../components/form.tsx';
import { Badge, Card, PageHeader, Pager } from '../components/layout.tsx';
import { Async, Empty, FormError } from '../components/states.tsx';
import { actionsColumn, DataTable } from '../components/table.tsx';
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
  const field = (
    name: keyof typeof draft,
    label: string,
    props: { placeholder?: string; size?: number; type?: string } = {},
  ) => (
    <TextField
      label={label}
      value={draft[name]}
      onChange={(value) => setDraft({ ...draft, [name]: value })}
      {...props}
    />
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
        {field('actor', 'Actor', { placeholder: 'key:… or user:…', size: 16 })}
        {field('action', 'Action', { placeholder: 'request.* or consent.history.read', size: 20 })}
        {field('object', 'Object', { placeholder: 'type or type:id', size: 16 })}
        {field('from', 'From', { type: 'date' })}
        {field('to', 'To', { type: 'date' })}
        <button type="submit">Filter</button>
      </form>
      <Async loaded={loaded} feature="Audit log">
        {({ entries, next_cursor }) => (
          <DataTable
            items={entries}
            columns={['#', 'When', 'Actor', 'Action', 'Object', 'Details']}
            caption="Audit entries, newest first"
            empty={
              <Empty title="No entries match">
                Every action and every read of personal data is recorded here.
              </Empty>
            }
            wrap
            style={{ marginTop: '0.75rem' }}
            footer={<Pager cursors={cursors} nextCursor={next_cursor} onChange={setCursors} />}
          >
            {(e) => (
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
                      <code>{e.object_id.length > 20 ? `${e.object_id.slice(0, 20)}…` : e.object_id}</code>
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
            )}
          </DataTable>
        )}
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
  state: 'requested' | 'active' | 'expired' | 'denied' | 'revoked';
  hours_left: number;
  approver_email: string;
  requested_at: string;
  decided_by: string | null;
  decision_reason: string | null;
  expires_at: string | null;
}

function AccessGrants() {
  const session = useSession();
  const loaded = useApi<{ grants: Grant[] }>('/api/access-grants');
  const revoke = useAction(async (id: string) => {
    await api('POST', `/api/access-grants/${encodeURIComponent(id)}/revoke`, {
      body: { reason: 'Ended early from the console' },
    });
    loaded.reload();
  });
  const canRevoke = roleAtLeast(session.role, 'admin');
  return (
    <Async loaded={loaded} feature="Access grants">
      {({ grants }) => {
        const pending = grants.filter((g) => g.state === 'requested');
        const live = grants.filter((g) => g.state === 'active');
        const rest = grants.filter((g) => g.state !== 'requested' && g.state !== 'active');
        return (
          <>
            <Card title="Awaiting the customer's approval">
              {pending.length === 0 ? (
                <Empty title="Nothing waiting">
                  Staff ask a customer for time-boxed access to its data (<code>POST /api/access-grants</code>
                  ); the customer's privacy contact approves or denies from the link emailed to them.
                </Empty>
              ) : (
                <ul className="plain">
                  {pending.map((g) => (
                    <li key={g.id}>
                      <strong>{g.staff_id}</strong> asks <strong>{g.customer_key}</strong> for {g.mode} access
                      to {g.systems.join(', ') || 'all systems'} for {g.hours} h — ticket {g.ticket}:{' '}
                      {g.purpose}
                      <div className="small muted">
                        Waiting for {g.approver_email} since {formatDateTime(g.requested_at)}. Only the
                        customer can approve.
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
            <Card title="Live grants">
              <FormError error={revoke.error} />
              {live.length === 0 ? (
                <p className="muted">No one has access to customer data right now.</p>
              ) : (
                <GrantTable
                  grants={live}
                  action={(g) =>
                    canRevoke ? (
                      <button type="button" className="danger" onClick={() => void revoke.run(g.id)}>
                        Revoke
                        <span className="sr-only">
                          {' '}
                          access of {g.staff_id} to {g.customer_key}
                        </span>
                      </button>
                    ) : null
                  }
                />
              )}
            </Card>
            <Card title="Past grants">
              {rest.length === 0 ? <p className="muted">No past grants.</p> : <GrantTable grants={rest} />}
            </Card>
          </>
        );
      }}
    </Async>
  );
}

function GrantTable({ grants, action }: { grants: Grant[]; action?: (g: Grant) => ReactNode }) {
  return (
    <DataTable
      items={grants}
      columns={['Staff', 'Customer', 'Scope', 'State', 'Ends', !!action && actionsColumn]}
    >
      {(g) => (
        <tr key={g.id}>
          <td>{g.staff_id}</td>
          <td>{g.customer_key}</td>
          <td className="small">
            {g.mode} · {g.systems.join(', ') || 'all systems'} · ticket {g.ticket}
          </td>
          <td>
            <Badge tone={g.state === 'active' ? 'good' : g.state === 'denied' ? 'bad' : 'neutral'}>
              {g.state}
            </Badge>
            {g.decided_by && <div className="small muted">by {g.decided_by}</div>}
          </td>
          <td>
            {g.expires_at
              ? `${formatDateTime(g.expires_at)}${g.state === 'active' ? ` (${g.hours_left} h left)` : ''}`
              : '—'}
          </td>
          {action && <td>{action(g)}</td>}
        </tr>
      )}
    </DataTable>
  );
}

interface SubprocessorChange {
  id: string;
  processor_key: string;
  kind: 'add' | 'replace';
  replaces_key: string | null;
  description: string | null;
  window_days: number;
  status: 'draft' | 'notified' | 'activated' | 'withdrawn';
  notified_at: string | null;
  objection_deadline: string | null;
  window_open: boolean;
  notices: {
    customer_key: string;
    email: string;
    sent_at: string;
    accepted: boolean;
    error: string | null;
  }[];
  objections: { customer_key: string; reason: string | null; via: string; recorded_at: string }[];
}

function SubprocessorChanges() {
  const loaded = useApi<{ changes: SubprocessorChange[] }>('/api/subprocessor-changes');
  return (
    <Card title="Sub-processor changes">
      <Async loaded={loaded} feature="Sub-processor changes">
        {({ changes }) => (
          <DataTable
            items={changes}
            columns={['Processor', 'Change', 'Objection window', 'Objections']}
            empty={
              <Empty title="No sub-processor changes announced">
                Add or change a processor in <code>custodian.yaml</code> and push: customers are notified and
                can object before it takes effect.
              </Empty>
            }
          >
            {(c) => (
              <tr key={c.id}>
                <td>
                  <strong>{c.processor_key}</strong>
                  {c.description && <div className="small muted">{c.description}</div>}
                </td>
                <td>
                  {c.kind === 'replace' ? `replaces ${c.replaces_key}` : 'new sub-processor'} ·{' '}
                  <Badge
                    tone={c.status === 'activated' ? 'good' : c.status === 'withdrawn' ? 'neutral' : 'info'}
                  >
                    {c.status}
                  </Badge>
                  {c.notices.length > 0 && (
                    <div className="small muted">{c.notices.length} customers notified</div>
                  )}
                </td>
                <td>
                  {c.objection_deadline ? (
                    <>
                      {formatDateTime(c.objection_deadline)}
                      <div className="small">
                        {c.window_open ? (
                          <Badge tone="warn">{timeLeft(c.objection_deadline).text}</Badge>
                        ) : (
                          <Badge>closed</Badge>
                        )}
                      </div>
                    </>
                  ) : (
                    <span className="muted">not notified yet ({c.window_days} days once sent)</span>
                  )}
                </td>
                <td className="small">
                  {c.objections.length === 0
                    ? 'none'
                    : c.objections.map((o) => (
                        <div key={`${o.customer_key}:${o.recorded_at}`}>
                          <Badge tone="bad">{o.customer_key}</Badge> {o.reason ?? ''}{' '}
                          <span className="muted">({o.via})</span>
                        </div>
                      ))}
                </td>
              </tr>
            )}
          </DataTable>
        )}
      </Async>
    </Card>
  );
}

interface BreachRecord {
  id: string;
  title: string;
  status: 'open' | 'closed';
  became_aware_at: string;
  due_at: string;
  nature: string;
  subjects_estimate: number | null;
  authority_notified_at: string | null;
  hours_left: number | null;
  overdue: boolean;
  late_notification: boolean;
}

function Breaches() {
  const loaded = useApi<{ breaches: BreachRecord[] }>('/api/breaches');
  return (
    <Card title="Breach register">
      <Async loaded={loaded} feature="Breach register">
        {({ breaches }) => (
          <DataTable
            items={breaches}
            columns={['Breach', 'Status', 'Aware since', 'Authority notification']}
            empty={
              <Empty title="No breaches recorded">
                Record a personal data breach as soon as you are aware of it: the 72-hour clock to notify the
                authority (GDPR Art. 33) starts then.
              </Empty>
            }
          >
            {(b) => {
              const left = b.hours_left === null ? undefined : timeLeft(b.due_at);
              return (
                <tr key={b.id}>
                  <td>
                    <strong>{b.title}</strong>
                    <div className="small muted">{b.nature}</div>
                  </td>
                  <td>
                    <Badge tone={b.status === 'open' ? 'warn' : 'neutral'}>{humanize(b.status)}</Badge>
                  </td>
                  <td>{formatDateTime(b.became_aware_at)}</td>
                  <td>
                    {b.authority_notified_at ? (
                      <Badge tone={b.late_notification ? 'warn' : 'good'}>
                        notified {formatDateTime(b.authority_notified_at)}
                        {b.late_notification ? ' (late: reasons needed)' : ''}
                      </Badge>
                    ) : left ? (
                      <Badge tone={left.overdue ? 'bad' : 'warn'}>72-hour clock: {left.text}</Badge>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              );
            }}
          </DataTable>
        )}
      </Async>
    </Card>
  );
}
