// Charts of the last 24 hours: executions per hour by outcome and p50/p95
// sandbox time per runbook, aggregated here from the executions list (the
// API has no aggregate route; at most MAX_PAGES pages are read).

import { DurationChart, HourlyChart, Legend } from '../components/charts';
import { Show, useAsync, useSession } from '../components/ui';
import { durations, HOUR, perHour } from '../lib/stats';
import type { Execution } from '../api/client';

const HOURS = 24;
const MAX_PAGES = 10;
const ORDER = ['succeeded', 'failed', 'abandoned', 'cancelled', 'running', 'queued'];

export function Charts() {
  const { client } = useSession();
  const data = useAsync(async () => {
    const now = Date.now();
    const since = Math.floor(now / HOUR) * HOUR - (HOURS - 1) * HOUR;
    const items: Execution[] = [];
    let cursor: string | undefined;
    let truncated = false;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await client.executions({ since, cursor, limit: 500 });
      items.push(...result.items);
      if (!result.next_cursor) break;
      cursor = result.next_cursor;
      truncated = page === MAX_PAGES - 1;
    }
    const runbooks = await client.runbooks();
    return { now, items, truncated, names: new Map(runbooks.map((r) => [r.id, r.name])) };
  }, []);
  return (
    <section>
      <div class="heading">
        <h1>Charts</h1>
        <button type="button" class="secondary" onClick={data.reload}>
          Refresh
        </button>
      </div>
      <Show value={data}>
        {({ now, items, truncated, names }) => {
          const buckets = perHour(items, HOURS, now);
          const present = ORDER.filter((s) => items.some((e) => e.status === s));
          const rows = durations(items).map((r) => ({ ...r, label: names.get(r.runbookId) ?? r.runbookId }));
          return (
            <>
              <h2>Executions per hour, last {HOURS} hours</h2>
              <p class="muted small">
                {items.length} executions{truncated && ' (the newest only: more than the chart reads)'}
              </p>
              <Legend statuses={present} />
              <HourlyChart buckets={buckets} statuses={ORDER} />
              <h2>Sandbox time per runbook (p50 / p95)</h2>
              {rows.length === 0 ? <p class="muted">No finished executions in this window.</p> : <DurationChart rows={rows} />}
            </>
          );
        }}
      </Show>
    </section>
  );
}
