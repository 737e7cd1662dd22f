// Versions with their environments, diffs between versions, and the
// promotion and rollback buttons of each environment.

import { useState } from 'preact/hooks';
import type { DeploymentChange, RunbookDetail, Version, VersionDetail } from '../../api/client';
import { ActionButton, EnvBadge, ErrorBox, Show, useAsync, useCan, useSession } from '../../components/ui';
import { diffFiles } from '../../lib/diff';
import { ago, time } from '../../lib/format';

export function VersionsTab({ runbook, onChange }: { runbook: RunbookDetail; onChange: () => void }) {
  const { client } = useSession();
  const versions = useAsync(() => client.versions(runbook.name), [runbook]);
  const deployments = useAsync(() => client.deployments(runbook.name), [runbook]);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [diff, setDiff] = useState<number | null>(null);

  const changed = (text: string) => {
    setError(null);
    setNotice(text);
    onChange();
  };

  return (
    <div>
      <h2>Environments</h2>
      <Show value={deployments}>
        {(d) => (
          <Environments
            runbook={runbook}
            history={d.history}
            onDone={changed}
            onError={(e) => {
              setNotice(null);
              setError(e);
            }}
          />
        )}
      </Show>
      {notice && (
        <p class="notice ok" role="status">
          {notice}
        </p>
      )}
      <ErrorBox error={error} />
      <h2>Versions</h2>
      <Show value={versions}>
        {(items) =>
          items.length === 0 ? (
            <p class="muted">No versions yet: save the source in the editor.</p>
          ) : (
            <table class="list" aria-label="versions">
              <thead>
                <tr>
                  <th>Version</th>
                  <th>Runs in</th>
                  <th>Message</th>
                  <th>Author</th>
                  <th>Saved</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((v, i) => (
                  <>
                    <tr data-version={v.number}>
                      <td>
                        <b>v{v.number}</b> <code class="small muted" title={v.artifact_sha256}>{v.artifact_sha256.slice(0, 10)}</code>
                      </td>
                      <td>
                        {runbook.environments
                          .filter((e) => v.deployed_in.includes(e))
                          .map((e) => (
                            <EnvBadge environment={e} />
                          ))}
                      </td>
                      <td>{v.message || <span class="muted">—</span>}</td>
                      <td>{v.author}</td>
                      <td title={time(v.created_at)}>{ago(v.created_at)}</td>
                      <td>
                        {items[i + 1] && (
                          <button type="button" class="secondary" aria-expanded={diff === v.number} onClick={() => setDiff(diff === v.number ? null : v.number)}>
                            {diff === v.number ? 'Hide diff' : `Diff with v${items[i + 1].number}`}
                          </button>
                        )}
                      </td>
                    </tr>
                    {diff === v.number && items[i + 1] && (
                      <tr>
                        <td colSpan={6}>
                          <VersionDiff name={runbook.name} before={items[i + 1]} after={v} />
                        </td>
                      </tr>
                    )}
                  </>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </div>
  );
}

function Environments(props: {
  runbook: RunbookDetail;
  history: DeploymentChange[];
  onDone: (text: string) => void;
  onError: (error: unknown) => void;
}) {
  const { client } = useSession();
  const { runbook, history } = props;
  const isAuthor = useCan('author');
  const isOperator = useCan('operator');
  const running = (env: string) => runbook.deployments.find((d) => d.environment === env);
  const last = runbook.environments[runbook.environments.length - 1];
  return (
    <table class="list" aria-label="environments">
      <tbody>
        {runbook.environments.map((env, index) => {
          const current = running(env);
          const upstream = index > 0 ? running(runbook.environments[index - 1]) : undefined;
          const mayChange = env === last ? isOperator : isAuthor;
          const earlier = history.find((h) => h.environment === env && h.version_id !== current?.version_id);
          const promoteWhy =
            index === 0
              ? null
              : !upstream
                ? `nothing runs in ${runbook.environments[index - 1]}`
                : upstream.version_id === current?.version_id
                  ? `${env} already runs v${upstream.version}`
                  : !mayChange
                    ? `needs the ${env === last ? 'operator' : 'author'} role`
                    : null;
          return (
            <tr data-environment={env}>
              <td>
                <EnvBadge environment={env} version={current?.version ?? null} />
              </td>
              <td class="muted small">
                {history
                  .filter((h) => h.environment === env)
                  .slice(0, 1)
                  .map((h) => `${h.action} v${h.version} by ${h.actor}, ${ago(h.at)}`)}
              </td>
              <td class="actions">
                {index > 0 && (
                  <ActionButton
                    disabled={promoteWhy !== null}
                    title={promoteWhy ?? `promote v${upstream?.version} from ${runbook.environments[index - 1]} to ${env}`}
                    onClick={async () => {
                      const r = await client.promote(runbook.name, env);
                      props.onDone(`Promoted v${r.version} to ${env}.`);
                    }}
                    onError={props.onError}
                  >
                    Promote{upstream ? ` v${upstream.version}` : ''} to {env}
                  </ActionButton>
                )}
                <ActionButton
                  class="secondary"
                  disabled={!earlier || !mayChange}
                  title={!earlier ? `${env} has run no other version` : !mayChange ? 'your role cannot change this environment' : `point ${env} back at v${earlier.version}`}
                  onClick={async () => {
                    const r = await client.rollback(runbook.name, env);
                    props.onDone(`Rolled ${env} back to v${r.version}.`);
                  }}
                  onError={props.onError}
                >
                  Roll back {env}
                  {earlier ? ` to v${earlier.version}` : ''}
                </ActionButton>
                {index > 0 && promoteWhy && <span class="hint">{promoteWhy}</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function VersionDiff({ name, before, after }: { name: string; before: Version; after: Version }) {
  const { client } = useSession();
  const pair = useAsync(
    () => Promise.all([client.version(name, before.number), client.version(name, after.number)]),
    [name, before.number, after.number],
  );
  return (
    <Show value={pair}>
      {([a, b]: [VersionDetail, VersionDetail]) => {
        const files = diffFiles(a.files, b.files);
        if (files.length === 0) return <p class="muted">Same source as v{before.number}.</p>;
        return (
          <div class="diff" aria-label={`diff v${before.number} to v${after.number}`}>
            {files.map((f) => (
              <div>
                <h4>{f.file}</h4>
                <pre>
                  {f.lines.map((l) => (
                    <div class={`d-${l.kind}`}>
                      <span class="ln">{l.old ?? ''}</span>
                      <span class="ln">{l.new ?? ''}</span>
                      {l.kind === 'add' ? '+ ' : l.kind === 'del' ? '- ' : '  '}
                      {l.text}
                    </div>
                  ))}
                </pre>
              </div>
            ))}
          </div>
        );
      }}
    </Show>
  );
}
