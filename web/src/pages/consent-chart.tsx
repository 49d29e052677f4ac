import { Empty } from '../components/states.tsx';
import { formatDate } from '../format.ts';

/** Opt-ins and opt-outs per purpose per day, as the consent statistics API returns them. */
export interface ConsentStats {
  purposes: { key: string; name?: string; days: { date: string; granted: number; denied: number }[] }[];
}

const palette = ['#1f4e79', '#b5520b', '#1d6b3a', '#7b2d8e', '#a4161a', '#0f6e73', '#6b5b00'];

/** Opt-in rate per purpose over time as lines (inline SVG), with a table for screen readers. */
export function ConsentChart({ stats }: { stats: ConsentStats }) {
  const series = stats.purposes.filter((p) => p.days.some((d) => d.granted + d.denied > 0));
  if (!series.length)
    return (
      <Empty title="No consent decisions recorded in this period">
        Add the banner script to your site (<code>/banner.js</code>) or record decisions with{' '}
        <code>POST /api/consent</code>.
      </Empty>
    );
  const dates = [...new Set(series.flatMap((s) => s.days.map((d) => d.date)))].sort();
  const w = 560;
  const h = 200;
  const left = 36;
  const bottom = 24;
  const x = (i: number) =>
    left + (dates.length === 1 ? (w - left) / 2 : (i / (dates.length - 1)) * (w - left - 10));
  const y = (rate: number) => 8 + (1 - rate) * (h - bottom - 8);
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${w} ${h}`} className="graph" role="img" aria-labelledby="consent-chart-title">
        <title id="consent-chart-title">Opt-in rate per purpose per day</title>
        {[0, 0.5, 1].map((r) => (
          <g key={r}>
            <line x1={left} x2={w} y1={y(r)} y2={y(r)} stroke="#d5dae0" />
            <text x={4} y={y(r) + 4} fontSize="11" fill="#545d68">
              {r * 100}%
            </text>
          </g>
        ))}
        <text x={left} y={h - 6} fontSize="11" fill="#545d68">
          {formatDate(dates[0])}
        </text>
        <text x={w - 4} y={h - 6} fontSize="11" fill="#545d68" textAnchor="end">
          {formatDate(dates.at(-1))}
        </text>
        {series.map((s, si) => {
          const points = dates
            .map((date, i) => {
              const d = s.days.find((day) => day.date === date);
              const total = d ? d.granted + d.denied : 0;
              return total ? `${x(i)},${y(d!.granted / total)}` : null;
            })
            .filter(Boolean);
          const color = palette[si % palette.length];
          return (
            <g key={s.key}>
              <polyline points={points.join(' ')} fill="none" stroke={color} strokeWidth="2" />
              {points.map((p) => {
                const [cx, cy] = p!.split(',');
                return <circle key={p} cx={cx} cy={cy} r="3" fill={color} />;
              })}
            </g>
          );
        })}
      </svg>
      <figcaption className="chart-legend">
        {series.map((s, si) => {
          const granted = s.days.reduce((n, d) => n + d.granted, 0);
          const denied = s.days.reduce((n, d) => n + d.denied, 0);
          return (
            <span key={s.key}>
              <span className="swatch" style={{ background: palette[si % palette.length] }} />
              {s.name ?? s.key}: {Math.round((granted / Math.max(1, granted + denied)) * 100)}% opt-in (
              {granted} in / {denied} out)
            </span>
          );
        })}
      </figcaption>
    </figure>
  );
}
