// Aggregates for the charts, computed in the browser from the executions
// list (the API has no aggregate route): executions per hour by outcome and
// duration percentiles per runbook.

import type { Execution } from '../api/types';

export const HOUR = 3_600_000;

export interface HourBucket {
  start: number;
  counts: Record<string, number>;
  total: number;
}

/** `hours` buckets ending with the one holding `now`, oldest first. */
export function perHour(executions: Execution[], hours: number, now: number): HourBucket[] {
  const last = Math.floor(now / HOUR) * HOUR;
  const first = last - (hours - 1) * HOUR;
  const buckets: HourBucket[] = Array.from({ length: hours }, (_, i) => ({
    start: first + i * HOUR,
    counts: {},
    total: 0,
  }));
  for (const e of executions) {
    const index = Math.floor((e.queued_at - first) / HOUR);
    if (index < 0 || index >= hours) continue;
    const bucket = buckets[index];
    bucket.counts[e.status] = (bucket.counts[e.status] ?? 0) + 1;
    bucket.total++;
  }
  return buckets;
}

/** Nearest-rank percentile of `values` (0 < p ≤ 100); null when empty. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
}

export interface DurationRow {
  runbookId: string;
  count: number;
  p50: number;
  p95: number;
}

/** p50/p95 of the sandbox time (wall_time_us) of finished executions. */
export function durations(executions: Execution[]): DurationRow[] {
  const by = new Map<string, number[]>();
  for (const e of executions) {
    if (e.wall_time_us == null) continue;
    const list = by.get(e.runbook_id) ?? [];
    list.push(e.wall_time_us);
    by.set(e.runbook_id, list);
  }
  return [...by.entries()]
    .map(([runbookId, values]) => ({
      runbookId,
      count: values.length,
      p50: percentile(values, 50)!,
      p95: percentile(values, 95)!,
    }))
    .sort((x, y) => y.p95 - x.p95);
}

/** Outcomes oldest first, for a runbook's trend strip. */
export function trend(executions: Execution[], runbookId: string, size: number): string[] {
  return executions
    .filter((e) => e.runbook_id === runbookId)
    .slice(0, size)
    .map((e) => e.status)
    .reverse();
}
