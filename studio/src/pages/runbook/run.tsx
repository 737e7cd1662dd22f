// "Run now": a sample event (and parameters) run by hand in one
// environment; the status and logs arrive live over server-sent events,
// then the result.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { ExecutionDetail, LogLine, RunbookDetail } from '../../api/client';
import { ErrorBox, Json, StatusBadge, useSession } from '../../components/ui';
import { micros } from '../../lib/format';
import { href } from '../../lib/route';
import { LogView } from '../execution';

const SAMPLE = `{
  "labels": {"alertname": "HighErrorRate", "service": "checkout", "severity": "page"},
  "annotations": {"value": "0.084"},
  "status": "firing"
}`;

/** Parses a JSON field of the form; the error names the field. */
export function parseJson(text: string, field: string): unknown {
  try {
    return text.trim() === '' ? null : JSON.parse(text);
  } catch (error) {
    throw new Error(`${field} is not valid JSON: ${(error as Error).message}`);
  }
}

export function RunTab({ runbook }: { runbook: RunbookDetail }) {
  const { client } = useSession();
  const deployed = runbook.environments.filter((e) => runbook.deployments.some((d) => d.environment === e));
  const [environment, setEnvironment] = useState(deployed[0] ?? runbook.environments[0]);
  const [payload, setPayload] = useState(SAMPLE);
  const [params, setParams] = useState('{}');
  const [dryRun, setDryRun] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [execution, setExecution] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [logs, setLogs] = useState<LogLine[]>([]);
  const [result, setResult] = useState<ExecutionDetail | null>(null);
  const [running, setRunning] = useState(false);
  const stop = useRef<AbortController | null>(null);

  useEffect(() => () => stop.current?.abort(), []);

  let formError: string | null = null;
  try {
    parseJson(payload, 'the sample event');
    const p = parseJson(params, 'params');
    if (p !== null && (typeof p !== 'object' || Array.isArray(p))) formError = 'params must be a JSON object';
  } catch (e) {
    formError = (e as Error).message;
  }

  async function run() {
    stop.current?.abort();
    const abort = new AbortController();
    stop.current = abort;
    setError(null);
    setLogs([]);
    setResult(null);
    setStatus(null);
    setRunning(true);
    try {
      const started = await client.run(runbook.name, {
        environment,
        payload: parseJson(payload, 'the sample event'),
        params: (parseJson(params, 'params') ?? {}) as Record<string, unknown>,
        dry_run: dryRun,
      });
      setExecution(started.execution_id);
      setStatus('queued');
      await client.streamLogs(
        started.execution_id,
        { onStatus: setStatus, onLog: (line) => setLogs((l) => [...l, line]) },
        abort.signal,
      );
      if (!abort.signal.aborted) setResult(await client.execution(started.execution_id));
    } catch (e) {
      if (!abort.signal.aborted) setError(e);
    } finally {
      if (stop.current === abort) setRunning(false);
    }
  }

  return (
    <div class="run-tab">
      {deployed.length === 0 && (
        <p class="notice warn">
          Nothing is deployed yet: <a href={href('runbooks', runbook.name, 'editor')}>save the source</a> first.
        </p>
      )}
      <form
        class="stack"
        aria-label="run now"
        onSubmit={(e) => {
          e.preventDefault();
          if (!formError) run();
        }}
      >
        <div class="row">
          <label>
            Environment
            <select name="environment" value={environment} onChange={(e) => setEnvironment(e.currentTarget.value)}>
              {runbook.environments.map((env) => (
                <option value={env}>
                  {env}
                  {runbook.deployments.find((d) => d.environment === env) ? ` (v${runbook.deployments.find((d) => d.environment === env)!.version})` : ' (not deployed)'}
                </option>
              ))}
            </select>
          </label>
          <label class="check">
            <input type="checkbox" name="dry_run" checked={dryRun} onChange={(e) => setDryRun(e.currentTarget.checked)} /> Dry
            run (side effects recorded, not performed)
          </label>
        </div>
        <div class="row">
          <label class="grow">
            Sample event payload (JSON)
            <textarea name="payload" rows={8} spellcheck={false} value={payload} onInput={(e) => setPayload(e.currentTarget.value)} />
          </label>
          <label class="grow">
            Parameters (JSON object)
            <textarea name="params" rows={8} spellcheck={false} value={params} onInput={(e) => setParams(e.currentTarget.value)} />
          </label>
        </div>
        {formError && <p class="hint bad">{formError}</p>}
        <div class="row">
          <button type="submit" disabled={!!formError || running}>
            {running ? 'Running…' : 'Run now'}
          </button>
          {running && (
            <button type="button" class="secondary" onClick={() => stop.current?.abort()}>
              Stop watching
            </button>
          )}
        </div>
      </form>
      <ErrorBox error={error} />
      {execution && (
        <section class="run-result" aria-label="run result">
          <h2>
            Execution <a href={href('executions', execution)}>{execution}</a> <StatusBadge status={status} />
          </h2>
          <h3>Logs</h3>
          <LogView lines={logs} live={running} />
          {result && (
            <>
              <p class="muted">
                {micros(result.wall_time_us)} in the sandbox · attempt {result.attempt}/{result.max_attempts}
              </p>
              {result.error ? (
                <>
                  <h3>Error</h3>
                  <pre class="error-text">{result.error.message}</pre>
                  {result.error.detail != null && <Json value={result.error.detail} />}
                </>
              ) : (
                <>
                  <h3>Output</h3>
                  <Json value={result.output} label="output" />
                </>
              )}
            </>
          )}
        </section>
      )}
    </div>
  );
}
