// Hand-rolled SVG charts: a trend strip, stacked hourly bars, and p50/p95
// bars. Small, and readable without colour (titles carry the numbers).

import type { HourBucket } from '../lib/stats';

export const OUTCOME_COLORS: Record<string, string> = {
  succeeded: '#2f9e44',
  failed: '#e03131',
  abandoned: '#862e9c',
  cancelled: '#f08c00',
  running: '#1c7ed6',
  queued: '#adb5bd',
};

const color = (status: string) => OUTCOME_COLORS[status] ?? '#868e96';

/** The last outcomes of a runbook as small squares, oldest first. */
export function Trend({ outcomes }: { outcomes: string[] }) {
  if (outcomes.length === 0) return <span class="muted">—</span>;
  const size = 9;
  return (
    <svg
      class="trend"
      width={outcomes.length * (size + 2)}
      height={size}
      role="img"
      aria-label={`last ${outcomes.length} outcomes: ${outcomes.join(', ')}`}
    >
      {outcomes.map((status, i) => (
        <rect x={i * (size + 2)} width={size} height={size} rx={2} fill={color(status)}>
          <title>{status}</title>
        </rect>
      ))}
    </svg>
  );
}

export function Legend({ statuses }: { statuses: string[] }) {
  return (
    <p class="legend">
      {statuses.map((s) => (
        <span>
          <i style={{ background: color(s) }} /> {s}
        </span>
      ))}
    </p>
  );
}

/** Executions per hour, stacked by outcome. */
export function HourlyChart({ buckets, statuses }: { buckets: HourBucket[]; statuses: string[] }) {
  const width = 720;
  const height = 180;
  const pad = { left: 32, bottom: 20, top: 8 };
  const max = Math.max(1, ...buckets.map((b) => b.total));
  const slot = (width - pad.left) / buckets.length;
  const scale = (height - pad.bottom - pad.top) / max;
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label="executions per hour by outcome">
      <line x1={pad.left} x2={width} y1={height - pad.bottom} y2={height - pad.bottom} class="axis" />
      <text x={pad.left - 4} y={pad.top + 8} class="tick" text-anchor="end">
        {max}
      </text>
      <text x={pad.left - 4} y={height - pad.bottom} class="tick" text-anchor="end">
        0
      </text>
      {buckets.map((bucket, i) => {
        let y = height - pad.bottom;
        const x = pad.left + i * slot + 1;
        const hour = new Date(bucket.start).getHours();
        return (
          <g data-hour={bucket.start} data-total={bucket.total}>
            {statuses
              .filter((s) => bucket.counts[s])
              .map((s) => {
                const h = bucket.counts[s] * scale;
                y -= h;
                return (
                  <rect x={x} y={y} width={Math.max(slot - 2, 1)} height={h} fill={color(s)} class={`bar bar-${s}`}>
                    <title>{`${String(hour).padStart(2, '0')}:00 ${s}: ${bucket.counts[s]}`}</title>
                  </rect>
                );
              })}
            {i % 3 === 0 && (
              <text x={x + slot / 2} y={height - 6} class="tick" text-anchor="middle">
                {String(hour).padStart(2, '0')}h
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

/** One row per runbook: a p50 bar and a p95 bar (log-free, linear). */
export function DurationChart({ rows }: { rows: { label: string; p50: number; p95: number; count: number }[] }) {
  const width = 720;
  const row = 34;
  const left = 180;
  const max = Math.max(1, ...rows.map((r) => r.p95));
  // Room right of the longest bar for its "p50 … · p95 …" label.
  const scale = (width - left - 230) / max;
  const ms = (us: number) => (us < 1000 ? `${us} µs` : `${(us / 1000).toFixed(1)} ms`);
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${rows.length * row + 4}`} role="img" aria-label="p50 and p95 duration per runbook">
      {rows.map((r, i) => (
        <g transform={`translate(0 ${i * row + 2})`} data-runbook={r.label}>
          <text x={left - 8} y={18} class="label" text-anchor="end">
            {r.label}
          </text>
          <rect x={left} y={3} height={12} width={Math.max(r.p50 * scale, 1)} class="p50">
            <title>{`p50 ${ms(r.p50)} (${r.count} executions)`}</title>
          </rect>
          <rect x={left} y={17} height={12} width={Math.max(r.p95 * scale, 1)} class="p95">
            <title>{`p95 ${ms(r.p95)}`}</title>
          </rect>
          <text x={left + r.p95 * scale + 6} y={28} class="tick">
            p50 {ms(r.p50)} · p95 {ms(r.p95)}
          </text>
        </g>
      ))}
    </svg>
  );
}
