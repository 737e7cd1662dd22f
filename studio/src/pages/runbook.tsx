// One runbook: its deployments at a glance and one tab per concern. An
// archived runbook's tabs are read-only (a disabled fieldset).

import { useState } from 'preact/hooks';
import type { RunbookDetail } from '../api/client';
import { EnvBadge, Show, useAsync, useSession } from '../components/ui';
import { href } from '../lib/route';
import { ArchiveButton, ArchivedBanner } from './runbook/archive';
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
  const [note, setNote] = useState<string | null>(null);
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
        {runbook.data && (
          <ArchiveButton
            runbook={runbook.data}
            onArchived={(text) => {
              setNote(text);
              runbook.reload();
            }}
          />
        )}
      </div>
      {runbook.data && (
        <ArchivedBanner
          runbook={runbook.data}
          onRestored={() => {
            setNote('Restored: its deployments and rules apply again.');
            runbook.reload();
          }}
        />
      )}
      {note && (
        <p class="notice ok" role="status">
          {note}
        </p>
      )}
      {runbook.data?.description && <p class="muted">{runbook.data.description}</p>}
      <nav class="tabs" role="tablist" aria-label="runbook">
        {TABS.map(([key, label]) => (
          <a role="tab" href={href('runbooks', name, key)} aria-selected={tab === key}>
            {label}
          </a>
        ))}
      </nav>
      <Show value={runbook}>
        {(detail) => (
          <fieldset class="plain" disabled={detail.archived != null}>
            <TabContent tab={tab} runbook={detail} reload={runbook.reload} />
          </fieldset>
        )}
      </Show>
    </section>
  );
}

function TabContent({ tab, runbook, reload }: { tab: string; runbook: RunbookDetail; reload: () => void }) {
  switch (tab) {
    case 'run':
      return <RunTab runbook={runbook} />;
    case 'versions':
      return <VersionsTab runbook={runbook} onChange={reload} />;
    case 'rules':
      return <RulesTab runbook={runbook} />;
    case 'settings':
      return <SettingsTab runbook={runbook} />;
    default:
      return <EditorTab runbook={runbook} onSaved={reload} />;
  }
}
