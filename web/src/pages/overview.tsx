import { Badge, Card, PageHeader, runTone } from '../components/layout.tsx';
import { Async, Empty } from '../components/states.tsx';
import { DataTable } from '../components/table.tsx';
import { formatDateTime, humanize, timeLeft } from '../format.ts';
import type { LintReport } from '../program-types.ts';
import { Link } from '../router.tsx';
import { useApi } from '../use-api.ts';
import { ConsentChart, type ConsentStats } from './consent-chart.tsx';
import type { RuleSchedule, RunRecord } from './retention.tsx';

export interface RequestSummary {
  id: string;
  type: string;
  state: string;
  jurisdiction: string;
  received_at: string;
  due_at: string;
  extended?: boolean;
}

interface AuditVerification {
  ok: boolean;
  entries: number;
  anchorsChecked: number;
  firstBreak?: { seq: number; kind: string; message: string };
}

export interface Breach {
  id: string;
  title: string;
  status: 'open' | 'closed';
  due_at: string;
  authority_notified_at: string | null;
  hours_left: number | null;
}

const week = 7 * 24 * 3_600_000;
const farAhead = new Date(Date.now() + 3 * 365 * 86_400_000).toISOString().slice(0, 10);

function OpenRequests() {
  // `due_before` lists only open requests; far ahead, it lists them all, sorted here by due date.
  const loaded = useApi<{ requests: RequestSummary[]; next?: string | null }>(
    `/api/requests?due_before=${farAhead}&limit=200`,
  );
  return (
    <Card title="Open requests" actions={<Link to="/requests">All requests</Link>}>
      <Async loaded={loaded} feature="Requests">
        {({ requests: all, next }) => {
          const requests = [...all].sort((a, b) => a.due_at.localeCompare(b.due_at)).slice(0, 8);
          const overdue = all.filter((r) => timeLeft(r.due_at).overdue).length;
          const thisWeek = all.filter((r) => {
            const t = timeLeft(r.due_at);
            return !t.overdue && t.ms < week;
          }).length;
          return all.length === 0 ? (
            <Empty title="No open requests">
              Requests arrive from the privacy center and <code>POST /api/requests</code>.
            </Empty>
          ) : (
            <>
              <div className="stat-row">
                <div>
                  <span className="stat">
                    {all.length}
                    {next ? '+' : ''}
                  </span>
                  <span className="muted">open</span>
                </div>
                <div>
                  <span className={`stat ${overdue ? 'bad-text' : ''}`}>{overdue}</span>
                  <span className="muted">overdue</span>
                </div>
                <div>
                  <span className={`stat ${thisWeek ? 'warn-text' : ''}`}>{thisWeek}</span>
                  <span className="muted">due this week</span>
                </div>
              </div>
              <DataTable items={requests} columns={['Request', 'State', 'Due']}>
                {(r) => {
                  const left = timeLeft(r.due_at);
                  const soon = !left.overdue && left.ms < week;
                  return (
                    <tr key={r.id} className={left.overdue ? 'overdue' : soon ? 'soon' : undefined}>
                      <td>
                        <Link to={`/requests/${r.id}`}>{humanize(r.type)}</Link>
                        <div className="small muted">{r.jurisdiction.toUpperCase()}</div>
                      </td>
                      <td>{humanize(r.state)}</td>
                      <td>
                        <Badge tone={left.overdue ? 'bad' : soon ? 'warn' : 'neutral'}>{left.text}</Badge>
                        <div className="small muted">{formatDateTime(r.due_at)}</div>
                      </td>
                    </tr>
                  );
                }}
              </DataTable>
            </>
          );
        }}
      </Async>
    </Card>
  );
}

function ConsentRates() {
  const loaded = useApi<ConsentStats>('/api/consent/stats?days=30');
  return (
    <Card title="Consent over the last 30 days" actions={<Link to="/consent">Consent</Link>}>
      <Async loaded={loaded} feature="Consent statistics">
        {(stats) => <ConsentChart stats={stats} />}
      </Async>
    </Card>
  );
}

function Retention() {
  const runs = useApi<{ runs: RunRecord[] }>('/api/retention/runs?limit=5');
  const schedule = useApi<{ queue: 'running' | 'off'; schedule: RuleSchedule[] }>('/api/retention/schedule');
  const upcoming = (schedule.data?.schedule ?? [])
    .filter((s): s is RuleSchedule & { next: string } => s.next !== null)
    .sort((a, b) => a.next.localeCompare(b.next))[0];
  return (
    <Card title="Retention" actions={<Link to="/retention">Retention</Link>}>
      {schedule.status === 'ok' && (
        <p data-testid="next-retention-run">
          {upcoming ? (
            <>
              Next run: <code>{upcoming.rule}</code> at {formatDateTime(upcoming.next)}
              {schedule.data.queue === 'off' && (
                <span className="small muted"> (no job queue on this server: schedules do not fire)</span>
              )}
            </>
          ) : (
            <span className="muted">No retention rule is scheduled.</span>
          )}
        </p>
      )}
      <Async loaded={runs} feature="Retention runs">
        {({ runs: list }) =>
          list.length === 0 ? (
            <Empty title="No retention run yet">
              Preview what a sweep would delete on the Retention page, or run{' '}
              <code>npx custodian retention plan</code>.
            </Empty>
          ) : (
            <ul className="plain">
              {list.map((r) => (
                <li key={r.id}>
                  <Badge tone={runTone(r.status)}>{r.status}</Badge> <code>{r.rule}</code> — {r.affected} rows
                  · {formatDateTime(r.startedAt)}
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </Card>
  );
}

function AuditChain() {
  const loaded = useApi<AuditVerification>('/api/audit/verify');
  return (
    <Card title="Audit chain" actions={<Link to="/governance">Audit log</Link>}>
      <Async loaded={loaded} feature="Audit verification">
        {(v) =>
          v.ok ? (
            <p>
              <Badge tone="good">Intact</Badge> {v.entries} entries re-hashed, {v.anchorsChecked} signed
              anchors checked.
            </p>
          ) : (
            <div>
              <p>
                <Badge tone="bad">Broken</Badge> at entry {v.firstBreak?.seq} (
                {humanize(v.firstBreak?.kind ?? '')})
              </p>
              <p className="small">{v.firstBreak?.message}</p>
            </div>
          )
        }
      </Async>
    </Card>
  );
}

function Breaches() {
  const loaded = useApi<{ breaches: Breach[] }>('/api/breaches');
  return (
    <Card title="Open breaches" actions={<Link to="/governance?tab=breaches">Breach register</Link>}>
      <Async loaded={loaded} feature="Breach register">
        {({ breaches: all }) => {
          const breaches = all.filter((b) => b.status === 'open');
          return breaches.length === 0 ? (
            <p>
              <Badge tone="good">None open</Badge>
            </p>
          ) : (
            <ul className="plain">
              {breaches.map((b) => {
                const left = b.hours_left === null ? undefined : timeLeft(b.due_at);
                return (
                  <li key={b.id}>
                    <strong>{b.title}</strong>{' '}
                    {b.authority_notified_at ? (
                      <Badge tone="good">authority notified</Badge>
                    ) : left ? (
                      <Badge tone={left.overdue ? 'bad' : 'warn'}>72-hour clock: {left.text}</Badge>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          );
        }}
      </Async>
    </Card>
  );
}

function Lint() {
  const loaded = useApi<LintReport>('/api/programs/current/lint');
  return (
    <Card title="Program lint" actions={<Link to="/data-map">Data map</Link>}>
      <Async
        loaded={loaded}
        feature="Program lint"
        notFound={
          <Empty title="No program yet">
            Run <code>npx custodian push</code> to load your <code>custodian.yaml</code>.
          </Empty>
        }
      >
        {(r) => (
          <div className="stat-row">
            <div>
              <span className={`stat ${r.counts.error ? 'bad-text' : ''}`}>{r.counts.error}</span>
              <span className="muted">errors</span>
            </div>
            <div>
              <span className="stat">{r.counts.warning}</span>
              <span className="muted">warnings</span>
            </div>
            <div>
              <span className="stat">{r.counts.info}</span>
              <span className="muted">notes</span>
            </div>
            <div>
              <span className="stat">v{r.version}</span>
              <span className="muted">program version</span>
            </div>
          </div>
        )}
      </Async>
    </Card>
  );
}

export default function Overview() {
  return (
    <>
      <PageHeader
        title="Overview"
        description="What needs attention today across requests, consent, retention and governance."
      />
      <div className="grid-2">
        <OpenRequests />
        <ConsentRates />
        <Breaches />
        <AuditChain />
        <Retention />
        <Lint />
      </div>
    </>
  );
}
