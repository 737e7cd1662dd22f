// One runbook: its deployments at a glance and one tab per concern.

import { EnvBadge, Show, useAsync, useSession } from '../components/ui';
import { href } from '../lib/route';
import { EditorTab } from './runbook/editor';
import { RunTab } from './runbook/run';
import { VersionsTab } from './runbook/versions';
import { RulesTab } from './runbook/rules';
import { SettingsTab } from './runbook/settings';

const TABS: [string, string][] = [
  ['editor', 'Editor'],
  ['run', 'Run now'],
  ['versions', 'Versions'],
  ['rules', 'Triggers & rules'],
  ['settings', 'Quotas, grants & notifications'],
];

export function RunbookPage({ name, tab }: { name: string; tab: string }) {
  const { client } = useSession();
  const runbook = useAsync(() => client.runbook(name), [name, tab]);
  return (
    <section>
      <div class="heading">
        <h1>
          <a href={href()} class="muted">
            Runbooks
          </a>{' '}
          / {name}
        </h1>
        {runbook.data && (
          <span class="envs" aria-label="deployments">
            {runbook.data.environments.map((environment) => (
              <EnvBadge
                environment={environment}
                version={runbook.data!.deployments.find((d) => d.environment === environment)?.version ?? null}
              />
            ))}
          </span>
        )}
        <a class="button secondary" href={`${href('executions')}?runbook=${encodeURIComponent(name)}`}>
          Executions
        </a>
      </div>
      {runbook.data?.description && <p class="muted">{runbook.data.description}</p>}
      <nav class="tabs" role="tablist" aria-label="runbook">
        {TABS.map(([key, label]) => (
          <a role="tab" href={href('runbooks', name, key)} aria-selected={tab === key}>
            {label}
          </a>
        ))}
      </nav>
      <Show value={runbook}>
        {(detail) => {
          const reload = runbook.reload;
          switch (tab) {
            case 'run':
              return <RunTab runbook={detail} />;
            case 'versions':
              return <VersionsTab runbook={detail} onChange={reload} />;
            case 'rules':
              return <RulesTab runbook={detail} />;
            case 'settings':
              return <SettingsTab runbook={detail} />;
            default:
              return <EditorTab runbook={detail} onSaved={reload} />;
          }
        }}
      </Show>
    </section>
  );
}
