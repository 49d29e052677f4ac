import { useState } from 'react';
import { api, query } from '../api.ts';
import { SelectField } from '../components/form.tsx';
import { Badge, Card, Modal, PageHeader } from '../components/layout.tsx';
import { Async, Empty, FormError } from '../components/states.tsx';
import { DataTable } from '../components/table.tsx';
import { formatDate, formatDateTime, humanize } from '../format.ts';
import { roleAtLeast, useSession } from '../session.ts';
import { useAction, useApi } from '../use-api.ts';

export interface ClassifiedChange {
  section: string;
  kind: 'added' | 'removed' | 'changed';
  item?: { key: string; label: string };
  field?: string;
  before?: unknown;
  after?: unknown;
  added?: string[];
  removed?: string[];
  affectsCustomers: boolean;
  summary: string;
  material: boolean;
  reason: string;
}

interface NoticeVersion {
  version: number;
  programVersion: number;
  programHash: string;
  effectiveDate: string;
  publishedAt: string;
  publishedBy: string | null;
  contentHash: string;
  material: boolean;
  consentVersion: number;
  changes: ClassifiedChange[];
}

interface PublishResult {
  unchanged: boolean;
  version: NoticeVersion;
  queued: number;
  /** `queued`: the server's job queue is delivering; `sent`: `notifications` has each result. */
  delivery: 'queued' | 'sent' | 'none';
  notifications: { id: string; recipient: string; audience: string; status: string; error?: string }[];
}

interface NotificationRow {
  id: string;
  noticeVersion: number;
  recipient: string;
  audience: string;
  customerKey: string | null;
  status: string;
  lastError: string | null;
  sentAt?: string | null;
  /** The language the mail is written in. */
  lang: string | null;
}

export default function Notice() {
  const session = useSession();
  const versions = useApi<{ versions: NoticeVersion[] }>('/api/notice/versions');
  const [published, setPublished] = useState<PublishResult | null>(null);
  const [confirm, setConfirm] = useState(false);
  const publish = useAction(async () => {
    const result = await api<PublishResult>('POST', '/api/notice/versions', { body: {} });
    setPublished(result);
    setConfirm(false);
    versions.reload();
  });
  const canPublish = roleAtLeast(session.role, 'admin');
  return (
    <>
      <PageHeader
        title="Privacy notice"
        description="Every published version of the notice, what changed between any two, and whether the change is material (people are told and asked again where consent depends on it)."
        actions={
          <div className="actions">
            <a className="button" href="/privacy" target="_blank" rel="noreferrer">
              View the public notice
            </a>
            {canPublish && (
              <button type="button" className="primary" onClick={() => setConfirm(true)}>
                Publish from the current program…
              </button>
            )}
          </div>
        }
      />
      {published && <Published result={published} />}
      <Modal open={confirm} title="Publish a new notice version" onClose={() => setConfirm(false)}>
        <p>
          Custodian builds the notice from the current program and compares it with the latest version. Each
          change is classified: a <strong>material</strong> change (a new purpose, recipient, transfer or
          longer retention) is sent to everyone subscribed to notice changes and to your business customers,
          and consent that depends on it is asked again. Other changes are published quietly.
        </p>
        <FormError error={publish.error} />
        <div className="actions" style={{ marginTop: '0.75rem' }}>
          <button
            type="button"
            className="primary"
            onClick={() => void publish.run()}
            disabled={publish.busy}
          >
            {publish.busy ? 'Publishing…' : 'Publish'}
          </button>
          <button type="button" onClick={() => setConfirm(false)}>
            Back
          </button>
        </div>
      </Modal>
      <Async loaded={versions} feature="Notice versions">
        {({ versions: list }) =>
          list.length === 0 ? (
            <Empty title="No notice published yet">
              Push your program (<code>npx custodian push</code>), then publish its notice here or with{' '}
              <code>npx custodian publish</code>.
            </Empty>
          ) : (
            <>
              <Card title="Versions">
                <DataTable items={list} columns={['Version', 'Effective', 'Published', 'Change', 'Program']}>
                  {(v) => (
                    <tr key={v.version}>
                      <td>
                        <strong>v{v.version}</strong>
                      </td>
                      <td>{formatDate(v.effectiveDate)}</td>
                      <td>
                        {formatDateTime(v.publishedAt)}
                        <div className="small muted">{v.publishedBy}</div>
                      </td>
                      <td>
                        {v.version === list.at(-1)?.version ? (
                          <Badge>first version</Badge>
                        ) : v.material ? (
                          <Badge tone="warn">material · {plural(v.changes.length, 'change')}</Badge>
                        ) : (
                          <Badge tone="neutral">{plural(v.changes.length, 'minor change')}</Badge>
                        )}
                      </td>
                      <td className="small">
                        v{v.programVersion} · <code>{v.contentHash.slice(0, 10)}</code>
                      </td>
                    </tr>
                  )}
                </DataTable>
              </Card>
              <DiffPicker key={list[0]?.version} versions={list} />
              <Notifications />
            </>
          )
        }
      </Async>
    </>
  );
}

function DiffPicker({ versions }: { versions: NoticeVersion[] }) {
  const newest = versions[0]?.version ?? 1;
  const [from, setFrom] = useState(String(versions[1]?.version ?? newest));
  const [to, setTo] = useState(String(newest));
  const diff = useApi<{ changes: ClassifiedChange[]; material?: boolean }>(
    from === to ? null : `/privacy/diff${query({ from, to, format: 'json' })}`,
  );
  const options = versions.map(
    (v) => [String(v.version), `v${v.version} (${formatDate(v.effectiveDate)})`] as const,
  );
  return (
    <Card title="Compare versions">
      <div className="filters">
        <SelectField label="From" value={from} onChange={setFrom} options={options} />
        <SelectField label="To" value={to} onChange={setTo} options={options} />
      </div>
      {from === to ? (
        <p className="muted">Choose two different versions to see what changed.</p>
      ) : (
        <Async loaded={diff} feature="Notice diff">
          {(d) => <ChangeList changes={d.changes} />}
        </Async>
      )}
    </Card>
  );
}

/** A before/after value worth printing: text, numbers and lists of text (whole items are in the summary). */
function printable(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return '—';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return value.join(', ');
  return undefined;
}

/** Changes grouped by notice section, each with its classification and the reason for it. */
export function ChangeList({ changes }: { changes: ClassifiedChange[] }) {
  if (!changes.length) return <p className="muted">No differences.</p>;
  const sections = [...new Set(changes.map((c) => c.section))];
  return (
    <>
      {sections.map((s) => (
        <section key={s} aria-label={humanize(s)}>
          <h3>{humanize(s)}</h3>
          <ul className="plain">
            {changes
              .filter((c) => c.section === s)
              .map((c) => (
                <li key={`${c.section}:${c.item?.key}:${c.field}:${c.kind}`}>
                  <Badge tone={c.kind === 'added' ? 'good' : c.kind === 'removed' ? 'bad' : 'info'}>
                    {c.kind}
                  </Badge>{' '}
                  {c.material && <Badge tone="warn">material</Badge>} {c.summary}
                  <div className="small muted">{c.reason}</div>
                  {(c.added?.length ||
                    c.removed?.length ||
                    printable(c.before) !== undefined ||
                    printable(c.after) !== undefined) && (
                    <pre className="diff">
                      {c.removed?.map((r) => (
                        <span key={`-${r}`} className="diff-del">
                          − {r}
                        </span>
                      ))}
                      {c.added?.map((a) => (
                        <span key={`+${a}`} className="diff-add">
                          + {a}
                        </span>
                      ))}
                      {printable(c.before) !== undefined && (
                        <span className="diff-del">− {printable(c.before)}</span>
                      )}
                      {printable(c.after) !== undefined && (
                        <span className="diff-add">+ {printable(c.after)}</span>
                      )}
                    </pre>
                  )}
                </li>
              ))}
          </ul>
        </section>
      ))}
    </>
  );
}

function Published({ result }: { result: PublishResult }) {
  if (result.unchanged)
    return (
      <p className="notice" role="status">
        Nothing changed: version {result.version.version} is still the current notice.
      </p>
    );
  const failed = result.notifications.filter((n) => n.status === 'failed');
  return (
    <Card title={`Published version ${result.version.version}`}>
      <p role="status">
        {result.version.material ? <Badge tone="warn">Material change</Badge> : <Badge>Not material</Badge>}{' '}
        {result.version.changes.length} change{result.version.changes.length === 1 ? '' : 's'} · effective{' '}
        {formatDate(result.version.effectiveDate)} ·{' '}
        {result.delivery === 'queued'
          ? `${result.queued} people to notify (being delivered; see who was notified below)`
          : `${result.notifications.length} people notified`}
        {failed.length > 0 && <> ({failed.length} deliveries failed; they are retried)</>}
      </p>
      <ChangeList changes={result.version.changes} />
    </Card>
  );
}

/** Who was told of which version; loaded on demand, as the list holds email addresses. */
function Notifications() {
  const [shown, setShown] = useState(false);
  const loaded = useApi<{ notifications: NotificationRow[] }>(shown ? '/api/notice/notifications' : null);
  return (
    <Card
      title="Who was notified"
      actions={
        !shown && (
          <button type="button" onClick={() => setShown(true)}>
            Show recipients (recorded in the audit log)
          </button>
        )
      }
    >
      {!shown ? (
        <p className="muted">
          People subscribed to notice changes and business customers are told of material changes.
        </p>
      ) : (
        <Async loaded={loaded} feature="Notification log">
          {({ notifications }) => (
            <DataTable
              items={notifications}
              columns={['Version', 'Recipient', 'Audience', 'Language', 'Delivery']}
              empty={<p className="muted">No one has been notified yet: only material changes are sent.</p>}
            >
              {(n) => (
                <tr key={n.id}>
                  <td>v{n.noticeVersion}</td>
                  <td>{n.recipient}</td>
                  <td>{n.customerKey ? `customer ${n.customerKey}` : humanize(n.audience)}</td>
                  <td>{n.lang ?? '—'}</td>
                  <td>
                    <Badge tone={n.status === 'sent' ? 'good' : n.status === 'failed' ? 'bad' : 'neutral'}>
                      {n.status}
                    </Badge>
                    {n.lastError && <div className="small bad-text">{n.lastError}</div>}
                  </td>
                </tr>
              )}
            </DataTable>
          )}
        </Async>
      )}
    </Card>
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
