// One execution in full: result, parameters, events, logs (live while it
// runs), attempts and the audit trail of its host calls.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { LogLine } from '../api/client';
import { Json, Show, StatusBadge, useAsync, useSession } from '../components/ui';
import { bytes, count, micros, millis, time } from '../lib/format';
import { href } from '../lib/route';

const TERMINAL = new Set(['succeeded', 'failed', 'abandoned', 'cancelled']);

export function LogView({ lines, live }: { lines: LogLine[]; live?: boolean }) {
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (live) end.current?.scrollIntoView({ block: 'nearest' });
  }, [lines.length, live]);
  return (
    <div class="logs" role="log" aria-live="polite" aria-label="logs">
      {lines.length === 0 && <p class="muted">{live ? 'Waiting for logs…' : 'No log records.'}</p>}
      {lines.map((l) => (
        <div class={`line lv-${l.level}`}>
          <span class="muted">
            #{l.attempt} {l.at_ms}ms
          </span>{' '}
          <b>{l.level}</b> {l.message}
          {l.fields != null && <span class="muted"> {JSON.stringify(l.fields)}</span>}
        </div>
      ))}
      <div ref={end} />
    </div>
  );
}

export function ExecutionPage({ id }: { id: string }) {
  const { client } = useSession();
  const detail = useAsync(() => client.execution(id), [id]);
  const [liveLogs, setLiveLogs] = useState<LogLine[] | null>(null);
  const status = detail.data?.status;

  // While it runs: follow the logs live, then reload the whole record.
  useEffect(() => {
    if (!status || TERMINAL.has(status)) return;
    const abort = new AbortController();
    setLiveLogs([]);
    client
      .streamLogs(id, { onLog: (line) => setLiveLogs((l) => [...(l ?? []), line]) }, abort.signal)
      .then(() => !abort.signal.aborted && detail.reload())
      .catch(() => undefined);
    return () => abort.abort();
  }, [id, status]);

  return (
    <section>
      <div class="heading">
        <h1>
          <a href={href('executions')} class="muted">
            Executions
          </a>{' '}
          / <code>{id}</code>
        </h1>
      </div>
      <Show value={detail}>
        {(e) => (
          <div class="execution">
            <dl class="facts">
              <div>
                <dt>Status</dt>
                <dd>
                  <StatusBadge status={e.status} /> {e.dry_run && <span class="badge idle">dry run</span>}
                </dd>
              </div>
              <div>
                <dt>Runbook</dt>
                <dd>{e.runbook ? <a href={href('runbooks', e.runbook)}>{e.runbook}</a> : '—'}</dd>
              </div>
              <div>
                <dt>Environment</dt>
                <dd>{e.environment}</dd>
              </div>
              <div>
                <dt>Attempts</dt>
                <dd>
                  {e.attempt}/{e.max_attempts}
                </dd>
              </div>
              <div>
                <dt>Fuel</dt>
                <dd data-fact="fuel">{count(e.fuel_consumed)}</dd>
              </div>
              <div>
                <dt>Peak memory</dt>
                <dd data-fact="memory">{bytes(e.peak_memory_bytes)}</dd>
              </div>
              <div>
                <dt>Sandbox time</dt>
                <dd data-fact="duration">{micros(e.wall_time_us)}</dd>
              </div>
              <div>
                <dt>Queued → finished</dt>
                <dd>{millis(e.duration_ms)}</dd>
              </div>
              <div>
                <dt>Queued</dt>
                <dd>{time(e.queued_at)}</dd>
              </div>
              <div>
                <dt>Rule</dt>
                <dd>{e.rule_id ? <code>{e.rule_id}</code> : 'run by hand'}</dd>
              </div>
            </dl>

            {e.error && (
              <>
                <h2>Error</h2>
                <pre class="error-text" aria-label="error">
                  {e.error.message}
                </pre>
                {e.error.detail != null && (
                  <pre class="traceback">{typeof e.error.detail === 'string' ? e.error.detail : JSON.stringify(e.error.detail, null, 2)}</pre>
                )}
              </>
            )}
            <h2>Output</h2>
            <Json value={e.output} label="output" />
            <h2>Parameters</h2>
            <Json value={e.params} label="parameters" />
            <h2>Logs</h2>
            <LogView lines={liveLogs && !TERMINAL.has(e.status) ? liveLogs : e.logs} live={!TERMINAL.has(e.status)} />
            {e.attempts
              .filter((a) => a.log_dropped.lines > 0)
              .map((a) => (
                <p class="notice warn" role="status">
                  Attempt {a.attempt}'s log is cut: its quota dropped {count(a.log_dropped.lines)} more line(s) (
                  {bytes(a.log_dropped.bytes)}). Raise max_log_lines / max_log_bytes in the runbook's quotas to keep them.
                </p>
              ))}
            <h2>Events</h2>
            {e.events.length === 0 ? (
              <p class="muted">none</p>
            ) : (
              e.events.map((ev) => (
                <details open={e.events.length === 1}>
                  <summary>
                    {ev.source} / {ev.kind} · {time(ev.received_at)} · <code>{ev.id}</code>
                  </summary>
                  <Json value={ev.payload} label="event payload" />
                </details>
              ))
            )}
            <h2>Attempts</h2>
            <table class="list" aria-label="attempts">
              <thead>
                <tr>
                  <th>#</th>
                  <th>Outcome</th>
                  <th>Runner</th>
                  <th>Started</th>
                  <th>Finished</th>
                  <th>Log</th>
                </tr>
              </thead>
              <tbody>
                {e.attempts.map((a) => (
                  <tr>
                    <td>{a.attempt}</td>
                    <td>
                      <StatusBadge status={a.outcome ?? 'running'} />
                    </td>
                    <td>
                      <code class="small">{a.runner}</code>
                    </td>
                    <td>{time(a.started_at)}</td>
                    <td>
                      {time(a.finished_at)}
                      {a.stopped_at != null && <div class="muted small">sandbox stopped {time(a.stopped_at)}</div>}
                    </td>
                    <td>
                      {a.log_dropped.lines > 0
                        ? `${count(a.log_dropped.lines)} line(s) dropped`
                        : a.finished_at != null && 'complete'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h2>Host calls</h2>
            {e.host_calls.length === 0 ? (
              <p class="muted">No host calls besides logging.</p>
            ) : (
              <table class="list" aria-label="host calls">
                <thead>
                  <tr>
                    <th>Attempt</th>
                    <th>Call</th>
                    <th>Target</th>
                    <th>Outcome</th>
                    <th>Side effect</th>
                    <th>Took</th>
                  </tr>
                </thead>
                <tbody>
                  {e.host_calls.map((c) => (
                    <tr>
                      <td>
                        {c.attempt}.{c.seq}
                      </td>
                      <td>
                        <code>
                          {c.interface}.{c.operation}
                        </code>
                      </td>
                      <td>{c.target ?? '—'}</td>
                      <td>
                        {c.outcome}
                        {c.error && <span class="muted"> {c.error}</span>}
                      </td>
                      <td>{c.side_effect ? 'yes' : 'no'}</td>
                      <td>{micros(c.duration_us)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        )}
      </Show>
    </section>
  );
}
