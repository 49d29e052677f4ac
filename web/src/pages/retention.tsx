import { type FormEvent, Fragment, useState } from 'react';
import { api } from '../api.ts';
import { TextField } from '../components/form.tsx';
import { Badge, Card, Modal, PageHeader, runTone } from '../components/layout.tsx';
import { Async, Empty, FormError, noProgram } from '../components/states.tsx';
import { DataTable } from '../components/table.tsx';
import { formatDateTime, humanize } from '../format.ts';
import type { CurrentProgram } from '../program-types.ts';
import { roleAtLeast, useSession } from '../session.ts';
import { useAction, useApi, useOffers } from '../use-api.ts';

export interface RulePlan {
  rule: string;
  action: string;
  target: string;
  system?: string;
  status: 'ready' | 'held' | 'error';
  error?: string;
  cutoffs: { field: string; period: string; cutoff: string }[];
  rows: number;
  oldest: string | null;
  newest: string | null;
  keptByExceptions: number;
  holds: { id: string; covers: string; reason: string; rows: number | 'all' }[];
  cascade: string[];
}

export interface MaskedField {
  field: string;
  strategy: string;
  source: string;
}

/** How a rule tells rows apart and masks them (`GET /api/retention/rules`). */
export interface RuleDescription {
  rule: string;
  action: string;
  target: string;
  system: string | null;
  key: string[];
  mask: MaskedField[];
  status: 'ready' | 'refused' | 'unchecked';
  reason?: string;
}

export interface RunRecord {
  id: string;
  rule: string;
  action: string;
  target: string;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  reason: string | null;
  trigger: string;
  programHash: string;
  cutoffs: { field: string; period: string; cutoff: string }[];
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  affected: number;
  cascaded: Record<string, number>;
  batches: number;
  holdsApplied: { id: string; kind: string; reason: string; rows: number | 'all' }[];
  keyColumns: string[];
  masking: MaskedField[];
}

/** One rule's outcome of a sweep started from the console. */
export interface StartedRun {
  rule: string;
  status?: 'succeeded' | 'failed' | 'skipped';
  reason?: string;
  runId?: string;
  jobId?: string | null;
  affected?: number;
}

export interface RuleSchedule {
  rule: string;
  cron: string;
  next: string | null;
  scheduled: boolean;
  error?: string;
}

function NextRun({
  schedule,
  rule,
}: {
  schedule: { status: string; data?: { queue: 'running' | 'off'; schedule: RuleSchedule[] } | undefined };
  rule: string;
}) {
  const entry = schedule.data?.schedule.find((s) => s.rule === rule);
  if (!entry) return <span className="muted">—</span>;
  return (
    <>
      {entry.next ? formatDateTime(entry.next) : <span className="bad-text">{entry.error ?? 'never'}</span>}
      <div className="muted">
        <code>{entry.cron}</code>
        {schedule.data?.queue === 'off' && ' · no job queue on this server'}
      </div>
    </>
  );
}

/** Key columns as code, `(a, b)` for a composite key. */
function KeyColumns({ columns }: { columns: string[] }) {
  if (columns.length === 0) return <span className="muted">none</span>;
  const list = columns.map((c, i) => (
    <span key={c}>
      {i > 0 && ', '}
      <code>{c}</code>
    </span>
  ));
  return columns.length === 1 ? (
    list
  ) : (
    <>
      ({list}) <span className="small muted">composite</span>
    </>
  );
}

/** Each masked field: `field → strategy`, and where the strategy came from. */
function Masking({ mask }: { mask: MaskedField[] }) {
  return (
    <ul className="plain small masking">
      {mask.map((m) => (
        <li key={m.field}>
          <code>{m.field}</code> → {m.strategy} <span className="muted">({m.source})</span>
        </li>
      ))}
    </ul>
  );
}

/** The rule's key columns, checked against its database, or why the sweep refuses it. */
function RuleKey({ described }: { described: RuleDescription | undefined }) {
  if (!described) return <span className="muted">—</span>;
  return (
    <>
      <KeyColumns columns={described.key} />
      <div className="small">
        {described.status === 'ready' ? (
          <span className="muted">{described.key.length ? 'unique in the database' : 'no key needed'}</span>
        ) : described.status === 'refused' ? (
          <Badge tone="bad">refused</Badge>
        ) : (
          <Badge tone="warn">not checked</Badge>
        )}
      </div>
    </>
  );
}

interface Hold {
  id: string;
  kind: 'identity' | 'account' | 'collection';
  identity_type: string | null;
  value: string | null;
  dataset: string | null;
  collection: string | null;
  reason: string;
  expires_at: string | null;
  created_at: string;
  created_by: string | null;
}

export default function Retention() {
  const session = useSession();
  const program = useApi<CurrentProgram>('/api/programs/current');
  const runs = useApi<{ runs: RunRecord[] }>('/api/retention/runs?limit=50');
  const described = useApi<{ rules: RuleDescription[] }>('/api/retention/rules');
  const [plan, setPlan] = useState<RulePlan[] | null>(null);
  const preview = useAction(async () => {
    const result = await api<{ plans: RulePlan[] }>('GET', '/api/retention/plan');
    setPlan(result.plans);
  });
  const canRunHere = useOffers('post', '/api/retention/runs');
  const schedule = useApi<{ queue: 'running' | 'off'; schedule: RuleSchedule[] }>('/api/retention/schedule');
  const [confirming, setConfirming] = useState(false);
  const [started, setStarted] = useState<{ mode: 'queued' | 'ran'; runs: StartedRun[] } | null>(null);
  const run = useAction(async () => {
    const result = await api<{ mode: 'queued' | 'ran'; runs: StartedRun[] }>('POST', '/api/retention/runs', {
      body: {},
    });
    setConfirming(false);
    setStarted(result);
    setPlan(null);
    runs.reload();
  });
  const canRun = roleAtLeast(session.role, 'admin');
  return (
    <>
      <PageHeader
        title="Retention"
        description="Rules from the program, what a sweep would remove today, the evidence of past sweeps, and legal holds that stop deletion."
      />
      <Async loaded={program} feature="Program" notFound={noProgram}>
        {(p) =>
          p.program.retention_rules.length === 0 ? (
            <Empty title="No retention rules">
              Add <code>retention_rules:</code> to <code>custodian.yaml</code> (for example “delete inactive
              accounts after 1 year”) and push; Custodian then enforces them on your systems.
            </Empty>
          ) : (
            <Card
              title="Rules and plan"
              actions={
                <div className="actions">
                  <button type="button" onClick={() => void preview.run()} disabled={preview.busy}>
                    {preview.busy ? 'Counting…' : 'Preview plan (dry run)'}
                  </button>
                  {canRun && canRunHere && (
                    <button
                      type="button"
                      className="primary"
                      disabled={!plan || run.busy}
                      title={plan ? undefined : 'Preview the plan first'}
                      onClick={() => setConfirming(true)}
                    >
                      Run now…
                    </button>
                  )}
                </div>
              }
            >
              <FormError error={preview.error} />
              <Modal
                open={confirming}
                title="Run the retention sweep now?"
                onClose={() => setConfirming(false)}
              >
                <p>
                  Every rule acts on its systems now, as previewed:{' '}
                  {(plan ?? []).filter((x) => x.status === 'ready').reduce((n, x) => n + x.rows, 0)} rows are
                  due.
                  {(plan ?? []).some((x) => x.status !== 'ready') &&
                    ` ${(plan ?? []).filter((x) => x.status !== 'ready').length} of ${(plan ?? []).length} rules are held or in error and will be recorded as such.`}{' '}
                  Legal holds are respected. This cannot be undone.
                </p>
                <FormError error={run.error} />
                <div className="actions">
                  <button type="button" onClick={() => setConfirming(false)}>
                    Cancel
                  </button>
                  <button type="button" className="danger" disabled={run.busy} onClick={() => void run.run()}>
                    {run.busy ? 'Running…' : 'Run sweep'}
                  </button>
                </div>
              </Modal>
              {started && (
                <div className="state" role="status" aria-label="Sweep result">
                  <strong>
                    {started.mode === 'queued' ? 'Sweep queued' : 'Sweep finished'} ({started.runs.length}{' '}
                    {started.runs.length === 1 ? 'rule' : 'rules'})
                  </strong>
                  <ul className="plain small">
                    {started.runs.map((r) => (
                      <li key={r.rule}>
                        <code>{r.rule}</code>{' '}
                        {r.status ? (
                          <>
                            <Badge tone={runTone(r.status)}>{r.status}</Badge> {r.affected ?? 0} rows
                            {r.reason ? ` — ${r.reason}` : ''}
                          </>
                        ) : (
                          <>queued as job {r.jobId ?? '(already queued)'}</>
                        )}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              {canRunHere === false && (
                <p className="hint">
                  Sweeps run on each rule's schedule; to run one now, use{' '}
                  <code>npx custodian retention run</code>. This server does not start sweeps from the
                  console.
                </p>
              )}
              {described.status === 'error' && !described.error.unavailable && (
                <p className="hint">Key columns and masking could not be read: {described.error.message}</p>
              )}
              <DataTable
                items={p.program.retention_rules}
                columns={[
                  'Rule',
                  'Key columns',
                  'Action',
                  'Due now',
                  'Held / kept',
                  'Cutoff',
                  'Next run (UTC)',
                ]}
                wrap
              >
                {(r) => {
                  const planned = plan?.find((x) => x.rule === r.key);
                  const about = described.data?.rules.find((x) => x.rule === r.key);
                  return (
                    <Fragment key={r.key}>
                      <tr className={about?.reason ? 'has-note' : undefined}>
                        <td>
                          <code>{r.key}</code>
                          {r.description && <div className="small muted">{r.description}</div>}
                          <div className="small">
                            {r.target.dataset}.{r.target.collection}
                            {about?.system && <span className="muted"> · system {about.system}</span>}
                          </div>
                        </td>
                        <td>
                          <RuleKey described={about} />
                        </td>
                        <td>
                          {humanize(planned?.action ?? r.action ?? 'delete')}
                          {about && about.mask.length > 0 && <Masking mask={about.mask} />}
                        </td>
                        <td>
                          {!planned ? (
                            <span className="muted">preview to count</span>
                          ) : planned.status === 'error' ? (
                            <Badge tone="bad">error</Badge>
                          ) : (
                            <>
                              <strong>{planned.rows}</strong> rows
                              {planned.cascade.length > 0 && (
                                <div className="small muted">then {planned.cascade.join(', ')}</div>
                              )}
                            </>
                          )}
                          {planned?.error && <div className="small bad-text">{planned.error}</div>}
                        </td>
                        <td className="small">
                          {planned
                            ? [
                                ...planned.holds.map((h) => `${h.rows} held (${h.reason})`),
                                planned.keptByExceptions
                                  ? `${planned.keptByExceptions} kept by exceptions`
                                  : '',
                              ]
                                .filter(Boolean)
                                .join('; ') || '—'
                            : '—'}
                        </td>
                        <td className="small">
                          {planned?.cutoffs.map((c) => (
                            <div key={c.field}>
                              {c.field} before {formatDateTime(c.cutoff)} ({c.period})
                            </div>
                          )) ?? '—'}
                        </td>
                        <td className="small">
                          <NextRun schedule={schedule} rule={r.key} />
                        </td>
                      </tr>
                      {about?.reason && (
                        <tr className="note-row">
                          <td colSpan={7} className={`small ${about.status === 'refused' ? 'bad-text' : ''}`}>
                            {about.status === 'refused'
                              ? 'The sweep refuses this rule: '
                              : 'The database could not be reached, so the key is as the dataset declares it, not yet checked: '}
                            {about.reason}
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                }}
              </DataTable>
            </Card>
          )
        }
      </Async>
      <Card title="Run history and evidence">
        <Async loaded={runs} feature="Retention runs">
          {({ runs: list }) => (
            <DataTable
              items={list}
              columns={['Started', 'Rule', 'Result', 'Rows', 'Key and masking', 'Evidence']}
              empty={
                <Empty title="No sweep has run yet">
                  Sweeps run on each rule's schedule (or with <code>npx custodian retention run</code>); every
                  run appears here with its cutoff, counts, holds applied and the program it enforced.
                </Empty>
              }
              wrap
            >
              {(r) => (
                <tr key={r.id}>
                  <td>
                    {formatDateTime(r.startedAt)}
                    <div className="small muted">{r.trigger}</div>
                  </td>
                  <td>
                    <code>{r.rule}</code>
                    <div className="small muted">
                      {humanize(r.action)} {r.target}
                    </div>
                  </td>
                  <td>
                    <Badge tone={runTone(r.status)}>{r.status}</Badge>
                    {r.reason && <div className="small">{r.reason}</div>}
                  </td>
                  <td>
                    {r.affected}
                    {Object.entries(r.cascaded).map(([k, v]) => (
                      <div key={k} className="small muted">
                        +{v} {k}
                      </div>
                    ))}
                  </td>
                  <td className="small">
                    {r.keyColumns.length > 0 ? (
                      <>
                        key <KeyColumns columns={r.keyColumns} />
                      </>
                    ) : (
                      <span className="muted">no key recorded</span>
                    )}
                    {r.masking.length > 0 && <Masking mask={r.masking} />}
                  </td>
                  <td className="small evidence">
                    {r.cutoffs.map((c) => (
                      <div key={c.field}>
                        cutoff {c.field} &lt; {formatDateTime(c.cutoff)}
                      </div>
                    ))}
                    {r.batches} batches
                    {r.durationMs !== null ? ` in ${(r.durationMs / 1000).toFixed(1)} s` : ''} · program{' '}
                    <code>{r.programHash.slice(0, 10)}</code>
                    {r.holdsApplied.map((h) => (
                      <div key={h.id}>
                        hold: {h.reason} ({h.rows})
                      </div>
                    ))}
                  </td>
                </tr>
              )}
            </DataTable>
          )}
        </Async>
      </Card>
      <LegalHolds canPlace={canRun} />
    </>
  );
}

function LegalHolds({ canPlace }: { canPlace: boolean }) {
  const loaded = useApi<{ holds: Hold[] }>('/api/retention/holds?active=true');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const place = useAction(async () => {
    await api('POST', '/api/retention/holds', {
      body: { kind: 'identity', identity_type: 'email', value, reason },
    });
    setValue('');
    setReason('');
    loaded.reload();
  });
  const release = useAction(async (id: string) => {
    await api('DELETE', `/api/retention/holds/${encodeURIComponent(id)}`);
    loaded.reload();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void place.run();
  };
  return (
    <Card title="Legal holds">
      <Async loaded={loaded} feature="Legal holds">
        {({ holds }) => (
          <>
            {holds.length === 0 ? (
              <p className="muted">No active hold: every rule applies in full.</p>
            ) : (
              <ul className="plain">
                {holds.map((h) => (
                  <li key={h.id}>
                    <Badge tone="warn">{h.kind}</Badge>{' '}
                    {h.kind === 'collection'
                      ? `${h.dataset}${h.collection ? `.${h.collection}` : ''}`
                      : h.value}{' '}
                    — {h.reason}
                    <span className="small muted">
                      {' '}
                      · since {formatDateTime(h.created_at)}
                      {h.expires_at ? ` · until ${formatDateTime(h.expires_at)}` : ''}
                    </span>{' '}
                    {canPlace && (
                      <button type="button" onClick={() => void release.run(h.id)}>
                        Release<span className="sr-only"> hold {h.reason}</span>
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {canPlace && (
              <form
                className="row"
                onSubmit={submit}
                style={{ marginTop: '0.75rem' }}
                aria-label="Place a legal hold"
              >
                <TextField
                  label="Email of the person"
                  type="email"
                  required
                  value={value}
                  onChange={setValue}
                />
                <TextField label="Reason" required value={reason} onChange={setReason} size={30} />
                <button type="submit">Place hold</button>
              </form>
            )}
            <FormError error={place.error ?? release.error} />
          </>
        )}
      </Async>
    </Card>
  );
}
