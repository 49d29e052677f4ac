import { type FormEvent, useState } from 'react';
import { api, download, query } from '../api.ts';
import { SelectField } from '../components/form.tsx';
import { Badge, Card, Modal, PageHeader, Pager, type Tone } from '../components/layout.tsx';
import { Async, Empty, FormError } from '../components/states.tsx';
import { DataTable } from '../components/table.tsx';
import { formatDateTime, humanize, timeLeft } from '../format.ts';
import { Link, setSearch, useLocation } from '../router.tsx';
import { roleAtLeast, useSession } from '../session.ts';
import { useAction, useApi } from '../use-api.ts';

export interface RequestView {
  id: string;
  type: string;
  state: string;
  jurisdiction: string;
  channel: string;
  received_at: string;
  due_at: string;
  legal_due_at: string;
  receipt_confirm_by: string | null;
  deadline_rule: string;
  overdue: boolean;
  extended: boolean;
  extension_reason: string | null;
  verification_level: string;
  verified_at: string | null;
  needs_approval: boolean;
  decided_at: string | null;
  decided_by: string | null;
  denial_reason: string | null;
  denial_text: string | null;
  flags: { code?: string; message?: string }[];
  customer_key: string | null;
  details: Record<string, unknown>;
  result: Record<string, unknown> | null;
  completed_at: string | null;
  /** Set once the records period is over and the personal data was removed. */
  minimised_at?: string | null;
  /** Rectification: the fields a reviewer may set, with the kind of data each holds. */
  correction_fields?: { field: string; category: string; label: string }[];
  identities?: Record<string, string[]>;
  contact_email?: string;
  /** Kinds of identity the request carries; the values come only with ?identities=1. */
  identity_types?: string[];
  collections?: {
    collection: string;
    status: string;
    rows: number;
    error: { message?: string } | null;
    attempts: number;
    updated_at: string;
  }[];
}

const types = [
  'access',
  'portability',
  'erasure',
  'rectification',
  'restriction',
  'objection',
  'opt_out_sale',
  'limit_sensitive',
  'do_not_contact',
  'automated_decision',
];
const states = [
  'received',
  'verifying',
  'verified',
  'approved',
  'denied',
  'in_progress',
  'completed',
  'failed',
  'canceled',
];
const denialReasons: Record<string, string> = {
  identity_not_verified: 'Identity could not be verified',
  manifestly_unfounded: 'Manifestly unfounded',
  excessive: 'Excessive (repetitive)',
  legal_obligation_to_retain: 'A legal obligation requires keeping the data',
  exemption_applies: 'A legal exemption applies',
  not_a_customer_request: 'The business customer (controller) declined',
  access_limit_reached: 'Access limit for 12 months reached (CCPA)',
};

export const stateTone = (state: string): Tone =>
  state === 'completed'
    ? 'good'
    : state === 'failed' || state === 'denied'
      ? 'bad'
      : state === 'canceled'
        ? 'neutral'
        : 'info';

export default function Requests() {
  const { path } = useLocation();
  const id = path.split('/')[2];
  return id ? <RequestPage id={decodeURIComponent(id)} /> : <RequestQueue />;
}

function RequestQueue() {
  const { search } = useLocation();
  const filters = {
    type: search.get('type') ?? '',
    state: search.get('state') ?? '',
    jurisdiction: search.get('jurisdiction') ?? '',
    due: search.get('due') ?? '',
  };
  const [cursors, setCursors] = useState<string[]>([]);
  const due =
    filters.due === 'overdue'
      ? { overdue: 'true' }
      : filters.due === 'week'
        ? // A date (not a timestamp) keeps the URL stable between renders.
          { due_before: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10) }
        : {};
  const loaded = useApi<{ requests: RequestView[]; next?: string | null }>(
    `/api/requests${query({
      type: filters.type,
      state: filters.state,
      jurisdiction: filters.jurisdiction,
      ...due,
      limit: 25,
      cursor: cursors.at(-1),
    })}`,
  );
  const change = (name: string, value: string) => {
    setCursors([]);
    setSearch({ [name]: value || undefined });
  };
  const select = (name: keyof typeof filters, label: string, options: [string, string][]) => (
    <SelectField
      label={label}
      value={filters[name]}
      onChange={(value) => change(name, value)}
      options={[['', 'All'], ...options]}
    />
  );
  return (
    <>
      <PageHeader
        title="Requests"
        description="Data subject requests, newest first. Overdue requests are red; those due within a week are amber."
        actions={
          <button type="button" onClick={() => void download('/api/requests/export.csv', 'requests.csv')}>
            Export records (CSV)
          </button>
        }
      />
      <fieldset className="filters" style={{ border: 'none', padding: 0 }}>
        <legend className="sr-only">Filter requests</legend>
        {select(
          'type',
          'Type',
          types.map((t) => [t, humanize(t)]),
        )}
        {select(
          'state',
          'State',
          states.map((s) => [s, humanize(s)]),
        )}
        {select('jurisdiction', 'Jurisdiction', [
          ['gdpr', 'GDPR'],
          ['uk_gdpr', 'UK GDPR'],
          ['ccpa', 'CCPA'],
        ])}
        {select('due', 'Due', [
          ['overdue', 'Overdue'],
          ['week', 'Within 7 days'],
        ])}
      </fieldset>
      <Async loaded={loaded} feature="Requests">
        {({ requests, next }) => (
          <DataTable
            items={requests}
            columns={['Request', 'State', 'Jurisdiction', 'Received', 'Due']}
            caption="Requests"
            empty={
              <Empty
                title={
                  Object.values(filters).some(Boolean)
                    ? 'No request matches these filters'
                    : 'No requests yet'
                }
              >
                People submit requests on your privacy center (<a href="/privacy-center">/privacy-center</a>);
                your apps can submit them with <code>POST /api/requests</code>.
              </Empty>
            }
            wrap="card"
            footer={<Pager cursors={cursors} nextCursor={next} onChange={setCursors} />}
          >
            {(r) => {
              const open = !['completed', 'denied', 'canceled'].includes(r.state);
              const left = timeLeft(r.due_at);
              const soon = open && !left.overdue && left.ms < 7 * 86_400_000;
              return (
                <tr key={r.id} className={open && left.overdue ? 'overdue' : soon ? 'soon' : undefined}>
                  <td>
                    <Link to={`/requests/${r.id}`}>{humanize(r.type)}</Link>
                    <div className="small muted">
                      <code>{r.id.slice(0, 8)}</code> · {r.channel}
                    </div>
                  </td>
                  <td>
                    <Badge tone={stateTone(r.state)}>{humanize(r.state)}</Badge>
                    {r.extended && <Badge tone="warn">extended</Badge>}
                  </td>
                  <td>{r.jurisdiction.toUpperCase()}</td>
                  <td>{formatDateTime(r.received_at)}</td>
                  <td>
                    {open ? (
                      <Badge tone={left.overdue ? 'bad' : soon ? 'warn' : 'neutral'}>{left.text}</Badge>
                    ) : (
                      <span className="muted">closed</span>
                    )}
                    <div className="small muted">{formatDateTime(r.due_at)}</div>
                  </td>
                </tr>
              );
            }}
          </DataTable>
        )}
      </Async>
    </>
  );
}

interface RequestEvent {
  id: string;
  at: string;
  actor: string;
  kind: string;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
}

type Dialog = 'verify' | 'approve' | 'deny' | 'extend' | 'cancel' | null;

function RequestPage({ id }: { id: string }) {
  const session = useSession();
  const canAct = roleAtLeast(session.role, 'reviewer');
  // Fetched once on Reveal (that read is audited); reloads after actions do not ask again.
  const [revealed, setRevealed] = useState<Pick<RequestView, 'identities' | 'contact_email'> | null>(null);
  const loaded = useApi<RequestView>(`/api/requests/${encodeURIComponent(id)}`);
  const events = useApi<{ events: RequestEvent[] }>(`/api/requests/${encodeURIComponent(id)}/events`);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [dryRun, setDryRun] = useState<{ collections: unknown[] } | null>(null);
  const reload = () => {
    loaded.reload();
    events.reload();
  };
  const act = useAction(async (path: string, body: unknown) => {
    await api('POST', `/api/requests/${encodeURIComponent(id)}/${path}`, { body });
    setDialog(null);
    reload();
  });
  const reveal = useAction(async () => {
    const r = await api<RequestView>('GET', `/api/requests/${encodeURIComponent(id)}?identities=1`);
    setRevealed({
      identities: r.identities ?? {},
      ...(r.contact_email ? { contact_email: r.contact_email } : {}),
    });
  });
  const dry = useAction(async () => {
    setDryRun(
      await api<{ collections: unknown[] }>('POST', `/api/requests/${encodeURIComponent(id)}/dry-run`),
    );
  });

  return (
    <>
      <p>
        <Link to="/requests">← All requests</Link>
      </p>
      <Async
        loaded={loaded}
        feature="Request"
        notFound={<Empty title="No such request">It may belong to another workspace.</Empty>}
      >
        {(r) => {
          const open = !['completed', 'denied', 'canceled'].includes(r.state);
          const left = timeLeft(r.due_at);
          return (
            <>
              <PageHeader
                title={`${humanize(r.type)} request`}
                description={
                  <>
                    <Badge tone={stateTone(r.state)}>{humanize(r.state)}</Badge>{' '}
                    {r.jurisdiction.toUpperCase()} · received {formatDateTime(r.received_at)} ·{' '}
                    {open ? (
                      <Badge tone={left.overdue ? 'bad' : left.ms < 7 * 86_400_000 ? 'warn' : 'neutral'}>
                        {left.text}
                      </Badge>
                    ) : (
                      `closed ${formatDateTime(r.completed_at ?? r.decided_at)}`
                    )}
                  </>
                }
                actions={
                  canAct && open ? (
                    <div className="actions">
                      {(r.state === 'received' || r.state === 'verifying') && (
                        <button type="button" onClick={() => setDialog('verify')}>
                          Verify identity
                        </button>
                      )}
                      {r.state === 'verified' && (
                        <button type="button" className="primary" onClick={() => setDialog('approve')}>
                          Approve
                        </button>
                      )}
                      {['received', 'verifying', 'verified'].includes(r.state) && (
                        <button type="button" className="danger" onClick={() => setDialog('deny')}>
                          Deny
                        </button>
                      )}
                      {!r.extended && (
                        <button type="button" onClick={() => setDialog('extend')}>
                          Extend deadline
                        </button>
                      )}
                      {['received', 'verifying', 'verified', 'approved', 'failed'].includes(r.state) && (
                        <button type="button" onClick={() => setDialog('cancel')}>
                          Cancel
                        </button>
                      )}
                    </div>
                  ) : undefined
                }
              />
              {act.error && !dialog && <FormError error={act.error} />}
              <div className="grid-2">
                <Card title="Facts">
                  <dl className="facts">
                    <dt>Deadline</dt>
                    <dd>
                      {formatDateTime(r.due_at)} ({humanize(r.deadline_rule)})
                      {r.legal_due_at !== r.due_at && (
                        <div className="small muted">legal limit {formatDateTime(r.legal_due_at)}</div>
                      )}
                    </dd>
                    {r.receipt_confirm_by && (
                      <>
                        <dt>Confirm receipt by</dt>
                        <dd>{formatDateTime(r.receipt_confirm_by)}</dd>
                      </>
                    )}
                    {r.extended && (
                      <>
                        <dt>Extended</dt>
                        <dd>{r.extension_reason}</dd>
                      </>
                    )}
                    <dt>Channel</dt>
                    <dd>{r.channel}</dd>
                    <dt>Verification</dt>
                    <dd>
                      {humanize(r.verification_level)}
                      {r.verified_at ? ` · verified ${formatDateTime(r.verified_at)}` : ' · not verified yet'}
                    </dd>
                    <dt>Approval</dt>
                    <dd>{r.needs_approval ? 'needed from a reviewer' : 'not needed'}</dd>
                    {r.denial_reason && (
                      <>
                        <dt>Denied</dt>
                        <dd>
                          {denialReasons[r.denial_reason] ?? r.denial_reason}: {r.denial_text}
                        </dd>
                      </>
                    )}
                    {r.customer_key && (
                      <>
                        <dt>Customer</dt>
                        <dd>{r.customer_key}</dd>
                      </>
                    )}
                    {r.minimised_at && (
                      <>
                        <dt>Personal data</dt>
                        <dd>removed {formatDateTime(r.minimised_at)} (records period over)</dd>
                      </>
                    )}
                    <dt>Identities</dt>
                    <dd>
                      {!canAct ? (
                        <span className="muted">shown to reviewers only</span>
                      ) : revealed ? (
                        <>
                          {Object.entries(revealed.identities ?? {}).map(([k, v]) => (
                            <div key={k}>
                              {k}: {v.join(', ')}
                            </div>
                          ))}
                          {revealed.contact_email && <div>contact: {revealed.contact_email}</div>}
                        </>
                      ) : (
                        <>
                          <button
                            type="button"
                            className="link"
                            disabled={reveal.busy}
                            onClick={() => void reveal.run()}
                          >
                            Reveal identities ({(r.identity_types ?? []).join(', ') || 'none'}) — recorded in
                            the audit log
                          </button>
                          <FormError error={reveal.error} />
                        </>
                      )}
                    </dd>
                  </dl>
                  {r.flags.length > 0 && (
                    <>
                      <h3>Flags</h3>
                      <ul className="plain small">
                        {r.flags.map((f) => (
                          <li key={`${f.code}:${f.message}`}>
                            <Badge tone="warn">{f.code ?? 'flag'}</Badge> {f.message}
                          </li>
                        ))}
                      </ul>
                    </>
                  )}
                </Card>
                <Card title="Timeline">
                  <Async loaded={events} feature="Request history">
                    {({ events: list }) => (
                      <ol className="timeline">
                        {list.map((e) => (
                          <li key={e.id}>
                            <strong>{humanize(e.kind)}</strong>
                            {e.to_state && (
                              <>
                                {' '}
                                → <Badge tone={stateTone(e.to_state)}>{humanize(e.to_state)}</Badge>
                              </>
                            )}
                            <div className="small muted">
                              {formatDateTime(e.at)} · {e.actor}
                            </div>
                            {e.reason && <div className="small">{e.reason}</div>}
                          </li>
                        ))}
                      </ol>
                    )}
                  </Async>
                </Card>
              </div>
              {r.type === 'rectification' && (
                <CorrectionCard
                  request={r}
                  editable={canAct && ['received', 'verifying', 'verified'].includes(r.state)}
                  onSaved={reload}
                />
              )}
              <Card
                title="Systems and collections"
                actions={
                  canAct && ['erasure', 'rectification'].includes(r.type) && open ? (
                    <button type="button" onClick={() => void dry.run()} disabled={dry.busy}>
                      Preview changes (dry run)
                    </button>
                  ) : r.state === 'failed' && canAct ? (
                    <button type="button" className="primary" onClick={() => void act.run('retry', {})}>
                      Retry failed systems
                    </button>
                  ) : undefined
                }
              >
                <FormError error={dry.error} />
                {dryRun && (
                  <>
                    <h3>Dry run — nothing was written</h3>
                    <pre className="diff">{JSON.stringify(dryRun.collections, null, 2)}</pre>
                  </>
                )}
                {!r.collections?.length ? (
                  <p className="muted">
                    {open
                      ? 'Nothing has run yet: the request runs against your systems once it is verified and approved.'
                      : 'No system was touched by this request.'}
                  </p>
                ) : (
                  <DataTable
                    items={r.collections}
                    columns={['Collection', 'Result', 'Rows', 'Attempts', 'Error']}
                  >
                    {(c) => (
                      <tr key={c.collection}>
                        <td>
                          <code>{c.collection}</code>
                        </td>
                        <td>
                          <Badge
                            tone={
                              c.status === 'succeeded' ? 'good' : c.status === 'failed' ? 'bad' : 'neutral'
                            }
                          >
                            {c.status}
                          </Badge>
                        </td>
                        <td>{c.rows}</td>
                        <td>{c.attempts}</td>
                        <td className="small">{c.error?.message ?? ''}</td>
                      </tr>
                    )}
                  </DataTable>
                )}
                {r.result && (
                  <>
                    <h3>{['access', 'portability'].includes(r.type) ? 'Access package' : 'Result'}</h3>
                    <ResultSummary result={r.result} />
                  </>
                )}
              </Card>
              <ActionDialog dialog={dialog} request={r} onClose={() => setDialog(null)} act={act} />
            </>
          );
        }}
      </Async>
    </>
  );
}

/**
 * A rectification: what the person said (by kind of data, and in words) and the field changes
 * the run applies, pre-filled from their choices; a reviewer adjusts them before approving.
 */
function CorrectionCard({
  request,
  editable,
  onSaved,
}: {
  request: RequestView;
  editable: boolean;
  onSaved: () => void;
}) {
  const fields = request.correction_fields ?? [];
  const labelOf = (category: string) => fields.find((f) => f.category === category)?.label ?? category;
  const asked = (request.details.category_corrections ?? {}) as Record<string, string>;
  const text = request.details.correction_text as string | undefined;
  const [rows, setRows] = useState<[string, string][]>(() =>
    Object.entries((request.details.correction ?? {}) as Record<string, string>),
  );
  const save = useAction(async () => {
    await api('PUT', `/api/requests/${encodeURIComponent(request.id)}/correction`, {
      body: { changes: Object.fromEntries(rows.filter(([f]) => f)) },
    });
    onSaved();
  });
  const set = (i: number, at: 0 | 1, value: string) =>
    setRows(rows.map((row, j) => (j === i ? (at === 0 ? [value, row[1]] : [row[0], value]) : row)));
  return (
    <Card title="Correction">
      <h3>What the person asked</h3>
      <ul className="plain">
        {Object.entries(asked).map(([category, value]) => (
          <li key={category}>
            <strong>{labelOf(category)}</strong> should be “{value}”
          </li>
        ))}
        {text && <li>In their words: “{text}”</li>}
        {!Object.keys(asked).length && !text && <li className="muted">Field changes given by the app.</li>}
      </ul>
      <h3>Field changes the run applies</h3>
      {rows.length === 0 && <p className="muted">None yet: name the fields before approving.</p>}
      <table>
        <tbody>
          {rows.map(([field, value], i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, by position
            <tr key={i}>
              <td>
                <select
                  aria-label="Field"
                  value={field}
                  disabled={!editable}
                  onChange={(e) => set(i, 0, e.target.value)}
                >
                  <option value="">Choose a field</option>
                  {!fields.some((f) => f.field === field) && field && <option value={field}>{field}</option>}
                  {fields.map((f) => (
                    <option key={f.field} value={f.field}>
                      {f.label} — {f.field}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <input
                  aria-label={`New value for ${field || 'the field'}`}
                  value={value}
                  disabled={!editable}
                  onChange={(e) => set(i, 1, e.target.value)}
                />
              </td>
              <td>
                {editable && (
                  <button
                    type="button"
                    className="link"
                    onClick={() => setRows(rows.filter((_, j) => j !== i))}
                  >
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editable && (
        <div className="actions">
          <button type="button" onClick={() => setRows([...rows, ['', '']])}>
            Add a field
          </button>
          <button type="button" className="primary" disabled={save.busy} onClick={() => void save.run()}>
            Save field changes
          </button>
        </div>
      )}
      <FormError error={save.error} />
    </Card>
  );
}

/** What a finished request produced: counts per collection, package size; never the data itself. */
function ResultSummary({ result }: { result: Record<string, unknown> }) {
  const entries = Object.entries(result).filter(([, v]) => v !== null && typeof v !== 'object');
  const nested = Object.entries(result).filter(([, v]) => v !== null && typeof v === 'object');
  return (
    <>
      <dl className="facts">
        {entries.map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>{humanize(k)}</dt>
            <dd>{String(v)}</dd>
          </div>
        ))}
      </dl>
      {nested.map(([k, v]) => (
        <details key={k}>
          <summary>{humanize(k)}</summary>
          <pre className="diff">{JSON.stringify(v, null, 2)}</pre>
        </details>
      ))}
    </>
  );
}

type Act = ReturnType<typeof useAction<[string, unknown], void>>;

function ActionDialog({
  dialog,
  request,
  onClose,
  act,
}: {
  dialog: Dialog;
  request: RequestView;
  onClose: () => void;
  act: Act;
}) {
  return (
    <Modal open={dialog !== null} title={dialog ? titles[dialog] : ''} onClose={onClose}>
      {dialog && <ActionForm key={dialog} dialog={dialog} request={request} onClose={onClose} act={act} />}
    </Modal>
  );
}

const titles: Record<Exclude<Dialog, null>, string> = {
  verify: 'Verify the person’s identity',
  approve: 'Approve the request',
  deny: 'Deny the request',
  extend: 'Extend the deadline',
  cancel: 'Cancel the request',
};

function ActionForm({
  dialog,
  request,
  onClose,
  act,
}: {
  dialog: Exclude<Dialog, null>;
  request: RequestView;
  onClose: () => void;
  act: Act;
}) {
  const [text, setText] = useState('');
  const [reason, setReason] = useState('identity_not_verified');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body =
      dialog === 'verify'
        ? { method: 'reviewer_check', note: text }
        : dialog === 'approve'
          ? text
            ? { note: text }
            : {}
          : dialog === 'deny'
            ? { reason, text }
            : { reason: text };
    void act.run(dialog, body);
  };
  const help: Record<Exclude<Dialog, null>, string> = {
    verify:
      'Say how you checked who the person is (e.g. matched the account email and the last invoice number).',
    approve: 'Approving runs the request against your systems. An optional note goes into the history.',
    deny: 'The person receives this reason and is told how to complain to the supervisory authority.',
    extend:
      request.jurisdiction === 'ccpa'
        ? 'CCPA allows 45 more days once. The person is told this reason.'
        : 'GDPR allows two more months when requests are complex or numerous (Art. 12(3)). The person is told this reason.',
    cancel: 'Only requests that have not run can be cancelled. The reason is kept in the history.',
  };
  return (
    <form onSubmit={submit}>
      <p className="hint">{help[dialog]}</p>
      {dialog === 'deny' && (
        <SelectField
          label="Reason the law allows"
          value={reason}
          onChange={setReason}
          options={Object.entries(denialReasons)}
        />
      )}
      <label>
        {dialog === 'approve' ? 'Note (optional)' : dialog === 'verify' ? 'How you verified' : 'Explanation'}
        <textarea value={text} onChange={(e) => setText(e.target.value)} required={dialog !== 'approve'} />
      </label>
      <FormError error={act.error} />
      <div className="actions">
        <button type="submit" className={dialog === 'deny' ? 'danger' : 'primary'} disabled={act.busy}>
          {titles[dialog].split(' ')[0]}
        </button>
        <button type="button" onClick={onClose}>
          Back
        </button>
      </div>
    </form>
  );
}
