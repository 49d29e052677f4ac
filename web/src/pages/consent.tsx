import { type FormEvent, useState } from 'react';
import { api, download, query } from '../api.ts';
import { TextField } from '../components/form.tsx';
import { Badge, Card, PageHeader } from '../components/layout.tsx';
import { Async, Empty, FormError } from '../components/states.tsx';
import { DataTable } from '../components/table.tsx';
import { formatDateTime, humanize } from '../format.ts';
import { setSearch, useLocation } from '../router.tsx';
import { roleAtLeast, useSession } from '../session.ts';
import { useAction, useApi } from '../use-api.ts';
import { ConsentChart, type ConsentStats } from './consent-chart.tsx';

interface ConsentProof {
  subject: string;
  current: {
    data_use: string;
    notice_key: string;
    granted: boolean;
    method: string;
    gpc: boolean;
    since: string;
  }[];
  services: { service: string; granted: boolean; method: string; since: string }[];
  events: {
    seq: number;
    at: string;
    method: string;
    granted: string[];
    denied: string[];
    notice_version: number;
    wording: string | null;
    jurisdiction: string | null;
    page_url: string | null;
    gpc: boolean;
    services: Record<string, boolean> | null;
    hash: string;
  }[];
}

interface LedgerVerification {
  ok: boolean;
  events: number;
  headSeq: number;
  problems: { seq: number; problem: string; message: string }[];
}

interface Suppression {
  id: string;
  list: string | null;
  reason: string;
  source: string;
  created_at: string;
}

export default function Consent() {
  const { search } = useLocation();
  const subject = search.get('subject') ?? '';
  const [input, setInput] = useState(subject);
  const stats = useApi<ConsentStats>('/api/consent/stats?days=30');
  const lookup = (e: FormEvent) => {
    e.preventDefault();
    setSearch({ subject: input.trim() || undefined });
  };
  return (
    <>
      <PageHeader
        title="Consent"
        description="Look up what a person agreed to and when, export the proof, and check that the ledger has not been altered."
      />
      <div className="grid-2">
        <LedgerStatus />
        <Card title="Opt-in rates, last 30 days">
          <Async loaded={stats} feature="Consent statistics">
            {(stats) => <ConsentChart stats={stats} />}
          </Async>
        </Card>
      </div>
      <Card title="Subject lookup">
        <form className="row" onSubmit={lookup} aria-label="Look up a subject">
          <TextField
            label="Subject id"
            value={input}
            onChange={setInput}
            placeholder="email:ada@example.com or user:42"
            size={40}
            spellCheck={false}
          />
          <button type="submit" className="primary">
            Look up
          </button>
        </form>
        <p className="hint">Each lookup is recorded in the audit log, as it reads personal data.</p>
      </Card>
      {subject && <SubjectHistory key={subject} subject={subject} />}
      <SuppressionSearch />
    </>
  );
}

function LedgerStatus() {
  const loaded = useApi<LedgerVerification>('/api/consent/verify');
  return (
    <Card
      title="Ledger verification"
      actions={
        <button type="button" onClick={loaded.reload}>
          Verify again
        </button>
      }
    >
      <Async loaded={loaded} feature="Consent ledger verification">
        {(v) =>
          v.ok ? (
            <p>
              <Badge tone="good">Intact</Badge> {v.events} events re-hashed up to #{v.headSeq}; none edited,
              deleted or re-linked.
            </p>
          ) : (
            <>
              <p>
                <Badge tone="bad">Altered</Badge> {v.problems.length} problem(s) in {v.events} events:
              </p>
              <ul className="plain small">
                {v.problems.map((p) => (
                  <li key={`${p.seq}:${p.problem}`}>
                    #{p.seq} {p.problem}: {p.message}
                  </li>
                ))}
              </ul>
            </>
          )
        }
      </Async>
    </Card>
  );
}

function SubjectHistory({ subject }: { subject: string }) {
  const session = useSession();
  const path = `/api/consent/${encodeURIComponent(subject)}/history`;
  const loaded = useApi<ConsentProof>(path);
  const withdraw = useAction(async () => {
    await api('POST', `/api/consent/${encodeURIComponent(subject)}/withdraw`, { body: {} });
    loaded.reload();
  });
  return (
    <Card
      title={`Consent of ${subject}`}
      actions={
        <div className="actions">
          <button type="button" onClick={() => void download(`${path}?format=csv`, 'consent.csv')}>
            Export proof (CSV)
          </button>
          {roleAtLeast(session.role, 'reviewer') && (
            <button
              type="button"
              className="danger"
              onClick={() => void withdraw.run()}
              disabled={withdraw.busy}
            >
              Withdraw all consent
            </button>
          )}
        </div>
      }
    >
      <FormError error={withdraw.error} />
      <Async loaded={loaded} feature="Consent history">
        {(proof) =>
          proof.events.length === 0 ? (
            <Empty title="No consent recorded for this subject">
              Check the id: the banner records devices as <code>device:…</code>; your apps record people as{' '}
              <code>user:…</code> or <code>email:…</code>.
            </Empty>
          ) : (
            <>
              <h3>Current state</h3>
              <DataTable items={proof.current} columns={['Notice', 'Data use', 'State', 'How', 'Since']}>
                {(c) => (
                  <tr key={`${c.notice_key}:${c.data_use}`}>
                    <td>{c.notice_key}</td>
                    <td>
                      <code>{c.data_use}</code>
                    </td>
                    <td>
                      <Badge tone={c.granted ? 'good' : 'neutral'}>{c.granted ? 'granted' : 'denied'}</Badge>
                      {c.gpc && <Badge tone="info">GPC</Badge>}
                    </td>
                    <td>{humanize(c.method)}</td>
                    <td>{formatDateTime(c.since)}</td>
                  </tr>
                )}
              </DataTable>
              {proof.services.length > 0 && (
                <>
                  <h3>Services</h3>
                  <DataTable
                    items={proof.services}
                    columns={['Service', 'State', 'How', 'Since']}
                    label="Service choices"
                  >
                    {(s) => (
                      <tr key={s.service}>
                        <td>
                          <code>{s.service}</code>
                        </td>
                        <td>
                          <Badge tone={s.granted ? 'good' : 'neutral'}>
                            {s.granted ? 'allowed' : 'refused'}
                          </Badge>
                        </td>
                        <td>{humanize(s.method)}</td>
                        <td>{formatDateTime(s.since)}</td>
                      </tr>
                    )}
                  </DataTable>
                </>
              )}
              <h3>History (ledger events)</h3>
              <ol className="timeline">
                {[...proof.events].reverse().map((e) => (
                  <li key={e.seq}>
                    <strong>#{e.seq}</strong> {formatDateTime(e.at)} · {humanize(e.method)} · notice v
                    {e.notice_version}
                    {e.gpc && ' · GPC'}
                    <div className="small">
                      {e.granted.length > 0 && <>granted {e.granted.join(', ')} </>}
                      {e.denied.length > 0 && <>denied {e.denied.join(', ')}</>}
                    </div>
                    {e.services && <ServiceChoices services={e.services} />}
                    {e.wording && <div className="small muted">“{e.wording.slice(0, 200)}”</div>}
                    <div className="small muted">
                      hash <code>{e.hash.slice(0, 16)}</code>
                      {e.page_url ? ` · ${e.page_url}` : ''}
                    </div>
                  </li>
                ))}
              </ol>
            </>
          )
        }
      </Async>
    </Card>
  );
}

function ServiceChoices({ services }: { services: Record<string, boolean> }) {
  const allowed = Object.keys(services).filter((k) => services[k]);
  const refused = Object.keys(services).filter((k) => !services[k]);
  return (
    <div className="small">
      services: {allowed.length > 0 && <>allowed {allowed.join(', ')} </>}
      {refused.length > 0 && <>refused {refused.join(', ')}</>}
    </div>
  );
}

function SuppressionSearch() {
  const [address, setAddress] = useState('');
  const [searched, setSearched] = useState<string | null>(null);
  const loaded = useApi<{ suppressed: boolean; since: string | null; suppressions: Suppression[] }>(
    searched === null ? null : `/api/suppressions${query({ address: searched })}`,
  );
  return (
    <Card title="Suppression list">
      <form
        className="row"
        aria-label="Search the suppression list"
        onSubmit={(e) => {
          e.preventDefault();
          setSearched(address.trim());
        }}
      >
        <TextField
          label="Email address"
          type="email"
          value={address}
          onChange={setAddress}
          required
          size={36}
        />
        <button type="submit">Search</button>
      </form>
      <p className="hint">
        Unsubscribed addresses are kept (as a keyed hash) so they are never mailed again; search by the full
        address.
      </p>
      {searched !== null && (
        <Async loaded={loaded} feature="Suppression search">
          {({ suppressions, since }) =>
            suppressions.length === 0 ? (
              <p>
                <Badge tone="neutral">Not suppressed</Badge> {searched} may be mailed on lists it subscribed
                to.
              </p>
            ) : (
              <ul className="plain" aria-label="Suppression entries">
                {since && (
                  <li>
                    <strong>{searched}</strong> is suppressed since {formatDateTime(since)}
                  </li>
                )}
                {suppressions.map((s) => (
                  <li key={s.id}>
                    <Badge tone="bad">Suppressed</Badge> {s.list ? `list ${s.list}` : 'all lists'} ·{' '}
                    {s.reason} · {s.source} · {formatDateTime(s.created_at)}
                  </li>
                ))}
              </ul>
            )
          }
        </Async>
      )}
    </Card>
  );
}
