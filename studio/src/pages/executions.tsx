// The executions list: filters (kept in the address, so a filtered list
// can be shared), newest first, cursor-paged.

import { useState } from 'preact/hooks';
import type { Execution } from '../api/client';
import { ErrorBox, StatusBadge, useAsync, useSession } from '../components/ui';
import { ago, micros, shortId, time } from '../lib/format';
import { href, navigate, withQuery } from '../lib/route';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'abandoned', 'cancelled'];

/** `datetime-local` text ↔ ms since the epoch (local time). */
const toMs = (text: string | null) => (text ? new Date(text).getTime() : undefined);

export function ExecutionList({ query }: { query: URLSearchParams }) {
  const { client } = useSession();
  const filters = {
    runbook: query.get('runbook') ?? '',
    environment: query.get('environment') ?? '',
    status: query.get('status') ?? '',
    since: query.get('since') ?? '',
    until: query.get('until') ?? '',
  };
  const key = JSON.stringify(filters);
  const runbooks = useAsync(() => client.runbooks(), []);
  const [pages, setPages] = useState<{ key: string; items: Execution[]; next: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const load = (cursor?: string) =>
    client.executions({
      runbook: filters.runbook || undefined,
      environment: filters.environment || undefined,
      status: filters.status || undefined,
      since: toMs(filters.since),
      until: toMs(filters.until),
      cursor,
      limit: 50,
    });
  const first = useAsync(async () => {
    setError(null);
    const page = await load();
    setPages({ key, items: page.items, next: page.next_cursor });
    return page;
  }, [key]);

  const names = new Map((runbooks.data ?? []).map((r) => [r.id, r.name]));
  const environments = runbooks.data?.[0]?.environments.map((e) => e.environment) ?? ['dev', 'test', 'prod'];
  const set = (change: Partial<typeof filters>) => navigate(withQuery(href('executions'), { ...filters, ...change }));
  const current = pages?.key === key ? pages : null;

  return (
    <section>
      <div class="heading">
        <h1>Executions</h1>
        <button type="button" class="secondary" onClick={first.reload}>
          Refresh
        </button>
      </div>
      <form class="filters" aria-label="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Runbook
          <select name="runbook" value={filters.runbook} onChange={(e) => set({ runbook: e.currentTarget.value })}>
            <option value="">all</option>
            {(runbooks.data ?? []).map((r) => (
              <option value={r.name}>{r.name}</option>
            ))}
            {filters.runbook && !names.size && <option value={filters.runbook}>{filters.runbook}</option>}
          </select>
        </label>
        <label>
          Environment
          <select name="environment" value={filters.environment} onChange={(e) => set({ environment: e.currentTarget.value })}>
            <option value="">all</option>
            {environments.map((env) => (
              <option value={env}>{env}</option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="status" value={filters.status} onChange={(e) => set({ status: e.currentTarget.value })}>
            <option value="">all</option>
            {STATUSES.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Since
          <input type="datetime-local" name="since" value={filters.since} onChange={(e) => set({ since: e.currentTarget.value })} />
        </label>
        <label>
          Until
          <input type="datetime-local" name="until" value={filters.until} onChange={(e) => set({ until: e.currentTarget.value })} />
        </label>
        {Object.values(filters).some(Boolean) && (
          <button type="button" class="link" onClick={() => navigate(href('executions'))}>
            Clear filters
          </button>
        )}
      </form>
      <ErrorBox error={first.error ?? error} />
      {!current ? (
        !first.error && <p class="muted">Loading…</p>
      ) : current.items.length === 0 ? (
        <p class="muted">No executions match.</p>
      ) : (
        <>
          <table class="list" aria-label="executions">
            <thead>
              <tr>
                <th>Execution</th>
                <th>Runbook</th>
                <th>Env</th>
                <th>Status</th>
                <th>Attempt</th>
                <th>Sandbox time</th>
                <th>Queued</th>
              </tr>
            </thead>
            <tbody>
              {current.items.map((e) => (
                <tr data-execution={e.id}>
                  <td>
                    <a href={href('executions', e.id)}>
                      <code>{shortId(e.id)}</code>
                    </a>
                    {e.dry_run && <span class="badge idle">dry run</span>}
                  </td>
                  <td>{names.get(e.runbook_id) ?? <code>{shortId(e.runbook_id)}</code>}</td>
                  <td>{e.environment}</td>
                  <td>
                    <StatusBadge status={e.status} />
                  </td>
                  <td>
                    {e.attempt}/{e.max_attempts}
                  </td>
                  <td>{micros(e.wall_time_us)}</td>
                  <td title={time(e.queued_at)}>{ago(e.queued_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {current.next && (
            <button
              type="button"
              class="secondary"
              disabled={loadingMore}
              onClick={async () => {
                setLoadingMore(true);
                try {
                  const page = await load(current.next!);
                  setPages({ key, items: [...current.items, ...page.items], next: page.next_cursor });
                } catch (e) {
                  setError(e);
                } finally {
                  setLoadingMore(false);
                }
              }}
            >
              {loadingMore ? 'Loading…' : 'Load more'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
