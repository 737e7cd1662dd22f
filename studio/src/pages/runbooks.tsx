// The runbook list: each environment's version and last outcome, a trend
// of recent outcomes, and a form to create a runbook; `?archived=true`
// lists the archived runbooks instead.

import { useState } from 'preact/hooks';
import type { Runbook } from '../api/client';
import { Trend } from '../components/charts';
import { EnvBadge, ErrorBox, Show, StatusBadge, useAsync, useCan, useSession } from '../components/ui';
import { ago, time } from '../lib/format';
import { href, navigate, withQuery } from '../lib/route';
import { trend } from '../lib/stats';

export function RunbookList({ query }: { query: URLSearchParams }) {
  return query.get('archived') === 'true' ? <ArchivedList /> : <ActiveList />;
}

function ActiveList() {
  const { client } = useSession();
  const runbooks = useAsync(() => client.runbooks(), []);
  // The trend strip: the newest executions of the team, grouped here.
  const recent = useAsync(() => client.executions({ limit: 500 }), []);
  const canCreate = useCan('author');
  return (
    <section>
      <div class="heading">
        <h1>Runbooks</h1>
        <a href={withQuery(href('runbooks'), { archived: 'true' })}>Archived runbooks</a>
      </div>
      {canCreate && <NewRunbook />}
      <Show value={runbooks}>
        {(items) =>
          items.length === 0 ? (
            <p class="muted">No runbooks yet{canCreate ? ': create one above.' : '.'}</p>
          ) : (
            <table class="list" aria-label="runbooks">
              <thead>
                <tr>
                  <th>Runbook</th>
                  {items[0].environments.map((e) => (
                    <th>{e.environment}</th>
                  ))}
                  <th>Trend</th>
                </tr>
              </thead>
              <tbody>
                {items.map((runbook) => (
                  <tr data-runbook={runbook.name}>
                    <NameCell runbook={runbook} />
                    {runbook.environments.map((e) => (
                      <td data-environment={e.environment}>
                        {e.version != null ? <EnvBadge environment={e.environment} version={e.version} /> : <span class="muted">not deployed</span>}{' '}
                        {e.last_execution && (
                          <span title={new Date(e.last_execution.queued_at).toISOString()}>
                            <StatusBadge status={e.last_execution.status} />{' '}
                            <span class="muted small">{ago(e.last_execution.queued_at)}</span>
                          </span>
                        )}
                      </td>
                    ))}
                    <td>
                      <Trend outcomes={recent.data ? trend(recent.data.items, runbook.id, 20) : []} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </section>
  );
}

function ArchivedList() {
  const { client } = useSession();
  const runbooks = useAsync(() => client.runbooks(true), []);
  return (
    <section>
      <div class="heading">
        <h1>
          <a href={href('runbooks')} class="muted">
            Runbooks
          </a>{' '}
          / archived
        </h1>
      </div>
      <Show value={runbooks}>
        {(items) =>
          items.length === 0 ? (
            <p class="muted">No archived runbooks.</p>
          ) : (
            <table class="list" aria-label="archived runbooks">
              <thead>
                <tr>
                  <th>Runbook</th>
                  <th>Archived</th>
                  <th>By</th>
                </tr>
              </thead>
              <tbody>
                {items.map((runbook) => (
                  <tr data-runbook={runbook.name}>
                    <NameCell runbook={runbook} />
                    <td title={time(runbook.archived?.at)}>{ago(runbook.archived?.at)}</td>
                    <td>{runbook.archived?.by}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </section>
  );
}

function NameCell({ runbook }: { runbook: Runbook }) {
  return (
    <td>
      <a href={href('runbooks', runbook.name)}>{runbook.name}</a>
      {runbook.description && <div class="muted small">{runbook.description}</div>}
    </td>
  );
}

// The API's rule (server/src/api/lookup.rs): 1-64 of a-z, 0-9 and '-'.
const NAME = /^[a-z0-9-]{1,64}$/;

function NewRunbook() {
  const { client } = useSession();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const invalid = name !== '' && !NAME.test(name);
  return (
    <form
      class="inline-form"
      aria-label="new runbook"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await client.createRunbook(name, description);
          navigate(href('runbooks', name, 'editor'));
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <label>
        New runbook
        <input
          name="name"
          placeholder="name: a-z, 0-9 and -"
          value={name}
          aria-invalid={invalid}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <label>
        Description
        <input name="description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </label>
      <button type="submit" disabled={!name || invalid || busy}>
        Create
      </button>
      {invalid && <span class="hint bad">1-64 characters of a-z, 0-9 and -</span>}
      <ErrorBox error={error} />
    </form>
  );
}
