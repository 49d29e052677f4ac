import { useState } from 'react';
import { api, query } from '../api.ts';
import { Badge, Card, Modal, PageHeader } from '../components/layout.tsx';
import { Async, Empty, FormError } from '../components/states.tsx';
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
}

interface Preview {
  changes: ClassifiedChange[];
  material: boolean;
  /** Who a material change would be told: people subscribed to notice changes, business customers. */
  recipients?: { subscribers?: number; customers?: number; total?: number };
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
            <a className="button" href="/privacy/notice" target="_blank" rel="noreferrer">
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
      {published && (
        <p className="notice" role="status">
          {published.unchanged
            ? `Nothing changed: version ${published.version.version} is still current.`
            : `Published version ${published.version.version} (${published.version.material ? 'material change' : 'not material'}); ${published.queued} people queued to be notified.`}
        </p>
      )}
      <Modal open={confirm} title="Publish a new notice version" onClose={() => setConfirm(false)}>
        <PublishPreview />
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
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Version</th>
                      <th scope="col">Effective</th>
                      <th scope="col">Published</th>
                      <th scope="col">Change</th>
                      <th scope="col">Program</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((v) => (
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
                            <Badge tone="warn">material · {v.changes.length} changes</Badge>
                          ) : (
                            <Badge tone="neutral">{v.changes.length} minor changes</Badge>
                          )}
                        </td>
                        <td className="small">
                          v{v.programVersion} · <code>{v.contentHash.slice(0, 10)}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Card>
              <DiffPicker versions={list} />
            </>
          )
        }
      </Async>
    </>
  );
}

function PublishPreview() {
  const loaded = useApi<Preview>('/api/notice/preview');
  return (
    <Async loaded={loaded} feature="Publication preview">
      {(p) =>
        p.changes.length === 0 ? (
          <p>
            The notice built from the current program is the same as the latest version: publishing changes
            nothing.
          </p>
        ) : (
          <>
            <p>
              {p.material ? (
                <Badge tone="warn">Material change</Badge>
              ) : (
                <Badge tone="neutral">Not material</Badge>
              )}{' '}
              {p.recipients
                ? `${p.recipients.total ?? (p.recipients.subscribers ?? 0) + (p.recipients.customers ?? 0)} people will be notified.`
                : ''}
            </p>
            <ChangeList changes={p.changes} />
          </>
        )
      }
    </Async>
  );
}

function DiffPicker({ versions }: { versions: NoticeVersion[] }) {
  const newest = versions[0]?.version ?? 1;
  const [from, setFrom] = useState(String(versions[1]?.version ?? newest));
  const [to, setTo] = useState(String(newest));
  const diff = useApi<{ changes: ClassifiedChange[]; material?: boolean }>(
    from === to ? null : `/api/notice/diff${query({ from, to })}`,
  );
  const select = (label: string, value: string, set: (v: string) => void) => (
    <label>
      {label}
      <select value={value} onChange={(e) => set(e.target.value)}>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version} ({formatDate(v.effectiveDate)})
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <Card title="Compare versions">
      <div className="filters">
        {select('From', from, setFrom)}
        {select('To', to, setTo)}
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

function show(value: unknown): string {
  if (value === undefined || value === null) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
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
                    c.before !== undefined ||
                    c.after !== undefined) && (
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
                      {c.before !== undefined && <span className="diff-del">− {show(c.before)}</span>}
                      {c.after !== undefined && <span className="diff-add">+ {show(c.after)}</span>}
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
