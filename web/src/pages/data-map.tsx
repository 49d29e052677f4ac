import { useState } from 'react';
import { Badge, BadgeList, Card, PageHeader, type Tone } from '../components/layout.tsx';
import { Async, Empty, noProgram } from '../components/states.tsx';
import { DataTable } from '../components/table.tsx';
import { humanize } from '../format.ts';
import {
  type CurrentProgram,
  type Dataset,
  flattenFields,
  type LintFinding,
  type LintReport,
  type ProgramDoc,
} from '../program-types.ts';
import { useApi } from '../use-api.ts';

const tabs = ['Systems', 'Datasets', 'Activities', 'Flows'] as const;
type Tab = (typeof tabs)[number];

const severityTone: Record<LintFinding['severity'], Tone> = { error: 'bad', warning: 'warn', info: 'info' };

export default function DataMap() {
  const program = useApi<CurrentProgram>('/api/programs/current');
  const lint = useApi<LintReport>('/api/programs/current/lint');
  const [tab, setTab] = useState<Tab>('Systems');
  const findings = lint.status === 'ok' ? lint.data.findings : [];

  return (
    <>
      <PageHeader
        title="Data map"
        description="Systems, datasets and processing activities from the current program, and where personal data flows."
      />
      <Async loaded={program} feature="Program" notFound={noProgram}>
        {(p) => (
          <>
            <p className="muted small">
              Program version {p.version} · <code>{p.hash.slice(0, 12)}</code> · {p.program.systems.length}{' '}
              systems · {p.datasets.length} datasets · {p.program.activities.length} activities ·{' '}
              {p.program.processors.length} processors
              {lint.status === 'ok' && (
                <>
                  {' '}
                  · lint: {lint.data.counts.error} errors, {lint.data.counts.warning} warnings
                </>
              )}
              {lint.status === 'error' && <> · lint unavailable ({lint.error.message})</>}
            </p>
            <div className="tabs" role="tablist" aria-label="Data map views">
              {tabs.map((t) => (
                <button
                  key={t}
                  type="button"
                  role="tab"
                  id={`tab-${t}`}
                  aria-selected={tab === t}
                  aria-controls={`panel-${t}`}
                  tabIndex={tab === t ? 0 : -1}
                  onClick={() => setTab(t)}
                  onKeyDown={(e) => {
                    const i = tabs.indexOf(t);
                    const next =
                      e.key === 'ArrowRight'
                        ? tabs[(i + 1) % tabs.length]
                        : e.key === 'ArrowLeft'
                          ? tabs.at(i - 1)
                          : undefined;
                    if (next) {
                      setTab(next);
                      document.getElementById(`tab-${next}`)?.focus();
                    }
                  }}
                >
                  {t}
                </button>
              ))}
            </div>
            <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
              {tab === 'Systems' && <Systems doc={p.program} findings={findings} />}
              {tab === 'Datasets' && <Datasets datasets={p.datasets} findings={findings} />}
              {tab === 'Activities' && <Activities doc={p.program} findings={findings} />}
              {tab === 'Flows' && <Flows doc={p.program} findings={findings} />}
            </div>
          </>
        )}
      </Async>
    </>
  );
}

/** Findings whose path starts at `prefix` (e.g. `activities[2]`) in the program document. */
function findingsAt(findings: LintFinding[], file: string, prefix: string): LintFinding[] {
  return findings.filter(
    (f) =>
      f.file === file &&
      (f.path === prefix || f.path.startsWith(`${prefix}.`) || f.path.startsWith(`${prefix}[`)),
  );
}

function Findings({ list }: { list: LintFinding[] }) {
  if (!list.length) return null;
  return (
    <ul className="plain small">
      {list.map((f) => (
        <li key={`${f.code}:${f.path}:${f.message}`}>
          <Badge tone={severityTone[f.severity]}>{f.severity}</Badge> <code>{f.code}</code> {f.message}
        </li>
      ))}
    </ul>
  );
}

function Systems({ doc, findings }: { doc: ProgramDoc; findings: LintFinding[] }) {
  if (!doc.systems.length)
    return (
      <Empty title="No systems declared">
        Add the databases and services that hold personal data under <code>systems:</code> in{' '}
        <code>custodian.yaml</code>, with the datasets they store and how Custodian connects to them.
      </Empty>
    );
  return (
    <DataTable
      items={doc.systems}
      columns={['System', 'Datasets', 'Connection', 'Locations', 'Processor', 'Lint']}
      caption="Systems"
      wrap="card"
    >
      {(s, i) => (
        <tr key={s.key}>
          <td>
            <strong>{s.name}</strong>
            <div className="muted small">
              <code>{s.key}</code>
            </div>
          </td>
          <td>{s.datasets.join(', ') || '—'}</td>
          <td>{s.connection ? s.connection.type : <Badge tone="warn">not connected</Badge>}</td>
          <td>{s.locations.join(', ') || '—'}</td>
          <td>{s.processor ?? '—'}</td>
          <td>
            <Findings list={findingsAt(findings, 'program', `systems[${i}]`)} />
          </td>
        </tr>
      )}
    </DataTable>
  );
}

function Activities({ doc, findings }: { doc: ProgramDoc; findings: LintFinding[] }) {
  if (!doc.activities.length)
    return (
      <Empty title="No processing activities">
        List what you do with personal data under <code>activities:</code> — purpose, legal basis, data
        categories, systems and retention.
      </Empty>
    );
  return (
    <DataTable
      items={doc.activities}
      columns={['Activity', 'Legal basis', 'Data categories', 'Systems and processors', 'Retention', 'Lint']}
      caption="Processing activities"
      wrap="card"
    >
      {(a, i) => (
        <tr key={a.key}>
          <td>
            <strong>{a.name}</strong>
            <div className="muted small">{a.purpose}</div>
          </td>
          <td>
            {typeof a.legal_basis === 'string'
              ? humanize(a.legal_basis)
              : a.legal_basis
                ? Object.entries(a.legal_basis).map(([who, basis]) => (
                    <div key={who}>
                      {who}: {humanize(basis)}
                    </div>
                  ))
                : '—'}
          </td>
          <td>
            <BadgeList items={a.data_categories} />
          </td>
          <td className="small">{[...a.systems, ...a.processors].join(', ') || '—'}</td>
          <td className="small">{a.retention?.description ?? '—'}</td>
          <td>
            <Findings list={findingsAt(findings, 'program', `activities[${i}]`)} />
          </td>
        </tr>
      )}
    </DataTable>
  );
}

interface GraphNode {
  id: string;
  dataset: string;
  collection: string;
  identities: string[];
  depth: number;
}
interface GraphEdge {
  from: string;
  to: string;
  label: string;
  directed: boolean;
}

/** Collections as nodes, field references as edges, laid out in columns by distance from an identity. */
export function datasetGraph(datasets: Dataset[]): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  for (const ds of datasets) {
    for (const c of ds.collections) {
      const id = `${ds.fides_key}.${c.name}`;
      const identities = flattenFields(c.fields)
        .map((f) => f.field.fides_meta?.identity)
        .filter((x): x is string => Boolean(x));
      nodes.set(id, { id, dataset: ds.fides_key, collection: c.name, identities, depth: -1 });
    }
  }
  for (const ds of datasets) {
    for (const c of ds.collections) {
      const here = `${ds.fides_key}.${c.name}`;
      for (const { path, field } of flattenFields(c.fields)) {
        for (const ref of field.fides_meta?.references ?? []) {
          const there = `${ref.dataset}.${ref.field.split('.')[0]}`;
          if (!nodes.has(there)) continue;
          const label = `${c.name}.${path} ↔ ${ref.field}`;
          // "from": the referenced field's value finds rows here, so the walk goes there → here.
          if (ref.direction === 'from') edges.push({ from: there, to: here, label, directed: true });
          else edges.push({ from: here, to: there, label, directed: ref.direction === 'to' });
        }
      }
    }
  }
  // Breadth-first from the collections a request can start at (they hold an identity field).
  const queue = [...nodes.values()].filter((n) => n.identities.length);
  for (const n of queue) n.depth = 0;
  while (queue.length) {
    const n = queue.shift()!;
    for (const e of edges) {
      const next = e.from === n.id ? e.to : !e.directed && e.to === n.id ? e.from : undefined;
      const m = next ? nodes.get(next) : undefined;
      if (m && m.depth < 0) {
        m.depth = n.depth + 1;
        queue.push(m);
      }
    }
  }
  return { nodes: [...nodes.values()], edges };
}

function DatasetGraph({ datasets }: { datasets: Dataset[] }) {
  const { nodes, edges } = datasetGraph(datasets);
  const unreachable = nodes.filter((n) => n.depth < 0);
  const maxDepth = Math.max(0, ...nodes.map((n) => n.depth));
  const columns: GraphNode[][] = [];
  for (let d = 0; d <= maxDepth; d++) columns.push(nodes.filter((n) => n.depth === d));
  if (unreachable.length) columns.push(unreachable);
  const colW = 250;
  const rowH = 64;
  const boxW = 200;
  const boxH = 44;
  const height = Math.max(...columns.map((c) => c.length), 1) * rowH + 50;
  const width = columns.length * colW + 20;
  const pos = new Map<string, { x: number; y: number }>();
  columns.forEach((col, ci) => {
    col.forEach((n, ri) => {
      pos.set(n.id, { x: 20 + ci * colW, y: 40 + ri * rowH });
    });
  });
  return (
    <figure className="card" style={{ margin: 0 }}>
      <svg
        className="graph"
        viewBox={`0 0 ${width} ${height}`}
        style={{ maxHeight: `${Math.max(height, 200)}px` }}
        role="img"
        aria-labelledby="graph-title graph-desc"
      >
        <title id="graph-title">Dataset graph</title>
        <desc id="graph-desc">
          {nodes.length} collections; {edges.length} references. A request starts at the collections in the
          first column (they hold an identity such as an email address) and follows the arrows.
        </desc>
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" fill="#545d68" />
          </marker>
        </defs>
        {columns
          .map((_, ci) =>
            unreachable.length && ci === columns.length - 1
              ? 'Not reached from an identity'
              : ci === 0
                ? 'Start: identity'
                : `Step ${ci}`,
          )
          .map((label, ci) => (
            <text key={label} x={20 + ci * colW} y={22} fontSize="12" fill="#545d68">
              {label}
            </text>
          ))}
        {edges.map((e) => {
          const a = pos.get(e.from);
          const b = pos.get(e.to);
          if (!a || !b) return null;
          const forward = b.x >= a.x;
          const x1 = forward ? a.x + boxW : a.x;
          const x2 = forward ? b.x : b.x + boxW;
          const y1 = a.y + boxH / 2;
          const y2 = b.y + boxH / 2;
          const mid = (x1 + x2) / 2;
          const path =
            a.x === b.x
              ? `M${a.x + boxW},${y1} C${a.x + boxW + 40},${y1} ${a.x + boxW + 40},${y2} ${a.x + boxW},${y2}`
              : `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
          return (
            <path
              key={`${e.from}-${e.to}-${e.label}`}
              d={path}
              fill="none"
              stroke="#7b8591"
              strokeWidth="1.5"
              markerEnd={e.directed ? 'url(#arrow)' : undefined}
            >
              <title>{e.label}</title>
            </path>
          );
        })}
        {nodes.map((n) => {
          const p = pos.get(n.id)!;
          const start = n.depth === 0;
          return (
            <g key={n.id} transform={`translate(${p.x},${p.y})`}>
              <rect
                width={boxW}
                height={boxH}
                rx="6"
                fill={start ? '#e3eef9' : n.depth < 0 ? '#fde8e8' : '#ffffff'}
                stroke={start ? '#1f4e79' : n.depth < 0 ? '#a4161a' : '#8a939e'}
              />
              <text x="10" y="18" fontSize="13" fontWeight="600" fill="#1b1f24">
                {n.collection.length > 26 ? `${n.collection.slice(0, 25)}…` : n.collection}
              </text>
              <text x="10" y="35" fontSize="11" fill="#545d68">
                {n.dataset.length > 22 ? `${n.dataset.slice(0, 21)}…` : n.dataset}
                {n.identities.length ? ` · ${n.identities.join(', ')}` : ''}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="small muted">
        Blue: where a request starts (a field holds the subject's identity). Red: collections no reference
        reaches — a request will not find personal data there.
      </figcaption>
    </figure>
  );
}

function Datasets({ datasets, findings }: { datasets: Dataset[]; findings: LintFinding[] }) {
  if (!datasets.length)
    return (
      <Empty title="No datasets">
        Describe your databases as fideslang dataset files, list them under <code>datasets:</code> in{' '}
        <code>custodian.yaml</code> and push again.
      </Empty>
    );
  return (
    <>
      <DatasetGraph datasets={datasets} />
      {datasets.map((ds) => {
        const dsFindings = findings.filter((f) => f.file === `dataset:${ds.fides_key}`);
        return (
          <Card key={ds.fides_key} title={ds.name ?? ds.fides_key}>
            {ds.description && <p className="muted small">{ds.description}</p>}
            <Findings list={dsFindings} />
            <DataTable
              items={ds.collections.flatMap((c) => flattenFields(c.fields).map((f) => ({ ...f, c })))}
              columns={['Collection', 'Field', 'Data categories', 'Identity / references']}
              caption={`Fields of ${ds.fides_key}`}
              wrap
            >
              {({ c, path, field }) => (
                <tr key={`${c.name}.${path}`}>
                  <td>{c.name}</td>
                  <td>
                    <code>{path}</code>
                  </td>
                  <td>
                    <BadgeList items={field.data_categories ?? []} />
                  </td>
                  <td className="small">
                    {field.fides_meta?.identity && (
                      <Badge tone="info">identity: {field.fides_meta.identity}</Badge>
                    )}
                    {(field.fides_meta?.references ?? []).map((r) => (
                      <div key={`${r.dataset}.${r.field}`}>
                        {r.direction === 'from' ? '←' : '→'} {r.dataset}.{r.field}
                      </div>
                    ))}
                  </td>
                </tr>
              )}
            </DataTable>
          </Card>
        );
      })}
    </>
  );
}

const mechanismTone = (m: string | undefined): Tone =>
  !m ? 'warn' : m === 'none' || m === 'privacy_shield' ? 'bad' : m === 'adequacy' ? 'good' : 'info';
const toneColor: Record<Tone, string> = {
  good: '#1d6b3a',
  info: '#134e86',
  warn: '#b07000',
  bad: '#a4161a',
  neutral: '#7b8591',
};

/** Systems → processors → countries, coloured by the transfer mechanism. */
function Flows({ doc, findings }: { doc: ProgramDoc; findings: LintFinding[] }) {
  if (!doc.systems.length && !doc.processors.length)
    return (
      <Empty title="No flows to draw">
        Declare <code>systems:</code> and <code>processors:</code> (with their locations and transfer
        mechanism) to see where personal data goes.
      </Empty>
    );
  const systems = doc.systems;
  const processors = doc.processors.filter((p) => p.status !== 'retired');
  const countries = [
    ...new Set([...systems.flatMap((s) => s.locations), ...processors.flatMap((p) => p.locations)]),
  ].sort();
  const rowH = 40;
  const height = Math.max(systems.length, processors.length, countries.length, 1) * rowH + 50;
  const cols = { systems: 20, processors: 380, countries: 760 };
  const boxW = 230;
  const y = (i: number) => 40 + i * rowH;
  const lines: { x1: number; y1: number; x2: number; y2: number; color: string; label: string }[] = [];
  systems.forEach((s, i) => {
    const pi = processors.findIndex((p) => p.key === s.processor);
    if (pi >= 0)
      lines.push({
        x1: cols.systems + boxW,
        y1: y(i) + 14,
        x2: cols.processors,
        y2: y(pi) + 14,
        color: toneColor.neutral,
        label: `${s.name} runs on ${processors[pi]!.name}`,
      });
    else
      for (const c of s.locations)
        lines.push({
          x1: cols.systems + boxW,
          y1: y(i) + 14,
          x2: cols.countries,
          y2: y(countries.indexOf(c)) + 14,
          color: toneColor.neutral,
          label: `${s.name} stores data in ${c}`,
        });
  });
  processors.forEach((p, i) => {
    for (const c of p.locations)
      lines.push({
        x1: cols.processors + boxW,
        y1: y(i) + 14,
        x2: cols.countries,
        y2: y(countries.indexOf(c)) + 14,
        color: toneColor[mechanismTone(p.transfer_mechanism)],
        label: `${p.name} → ${c} (${p.transfer_mechanism ?? 'no transfer mechanism stated'})`,
      });
  });
  const box = (x: number, i: number, label: string, stroke = '#8a939e', fill = '#fff') => (
    <g key={`${x}-${i}-${label}`} transform={`translate(${x},${y(i)})`}>
      <rect width={boxW} height={28} rx="5" fill={fill} stroke={stroke} />
      <text x="8" y="19" fontSize="12" fill="#1b1f24">
        {label.length > 32 ? `${label.slice(0, 31)}…` : label}
      </text>
    </g>
  );
  return (
    <>
      <figure className="card" style={{ margin: 0 }}>
        <svg
          className="graph"
          viewBox={`0 0 ${cols.countries + boxW + 20} ${height}`}
          role="img"
          aria-labelledby="flow-title flow-desc"
        >
          <title id="flow-title">Data flows to processors and countries</title>
          <desc id="flow-desc">
            {systems.length} systems, {processors.length} processors, {countries.length} countries. The table
            below lists every flow.
          </desc>
          <text x={cols.systems} y="22" fontSize="12" fill="#545d68">
            Systems
          </text>
          <text x={cols.processors} y="22" fontSize="12" fill="#545d68">
            Processors
          </text>
          <text x={cols.countries} y="22" fontSize="12" fill="#545d68">
            Countries
          </text>
          {lines.map((l) => (
            <path
              key={l.label}
              d={`M${l.x1},${l.y1} C${(l.x1 + l.x2) / 2},${l.y1} ${(l.x1 + l.x2) / 2},${l.y2} ${l.x2},${l.y2}`}
              stroke={l.color}
              strokeWidth="1.6"
              fill="none"
            >
              <title>{l.label}</title>
            </path>
          ))}
          {systems.map((s, i) => box(cols.systems, i, s.name, '#1f4e79', '#e3eef9'))}
          {processors.map((p, i) => box(cols.processors, i, p.name))}
          {countries.map((c, i) => box(cols.countries, i, c))}
        </svg>
        <figcaption className="chart-legend">
          <span>
            <span className="swatch" style={{ background: toneColor.good }} />
            Adequacy
          </span>
          <span>
            <span className="swatch" style={{ background: toneColor.info }} />
            SCCs, DPF, IDTA, BCRs
          </span>
          <span>
            <span className="swatch" style={{ background: toneColor.warn }} />
            Mechanism not stated
          </span>
          <span>
            <span className="swatch" style={{ background: toneColor.bad }} />
            None or invalid (Privacy Shield)
          </span>
        </figcaption>
      </figure>
      <Card title="Processors">
        <DataTable
          items={processors}
          columns={['Processor', 'Service', 'Locations', 'Transfer mechanism', 'DPA', 'Lint']}
          empty={
            <Empty title="No processors declared">
              List the vendors that process personal data for you under <code>processors:</code>.
            </Empty>
          }
          wrap
        >
          {(p) => {
            const index = doc.processors.indexOf(p);
            return (
              <tr key={p.key}>
                <td>
                  <strong>{p.name}</strong>
                  <div className="muted small">{humanize(p.role)}</div>
                </td>
                <td className="small">{p.service}</td>
                <td>{p.locations.join(', ') || <Badge tone="warn">unknown</Badge>}</td>
                <td>
                  <Badge tone={mechanismTone(p.transfer_mechanism)}>
                    {p.transfer_mechanism ? humanize(p.transfer_mechanism) : 'not stated'}
                  </Badge>
                </td>
                <td className="small">{p.dpa ?? '—'}</td>
                <td>
                  <Findings list={findingsAt(findings, 'program', `processors[${index}]`)} />
                </td>
              </tr>
            );
          }}
        </DataTable>
      </Card>
    </>
  );
}
