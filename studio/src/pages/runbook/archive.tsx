// Archiving a runbook (operators): it keeps everything but runs nothing and
// is read-only until restored. The button asks before it acts, and says
// what the archive did; an archived runbook's page says so at the top.

import { useState } from 'preact/hooks';
import type { RunbookDetail } from '../../api/client';
import { ActionButton, ErrorBox, useCan, useSession } from '../../components/ui';
import { ago, time } from '../../lib/format';

export function ArchiveButton({ runbook, onArchived }: { runbook: RunbookDetail; onArchived: (note: string) => void }) {
  const { client } = useSession();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!useCan('operator') || runbook.archived) return null;
  if (!asking) {
    return (
      <button type="button" class="secondary" onClick={() => setAsking(true)}>
        Archive…
      </button>
    );
  }
  return (
    <div class="notice warn" role="alertdialog" aria-label="archive runbook">
      <p>
        Archive <strong>{runbook.name}</strong>? Its queued executions are cancelled and nothing of it runs in any
        environment until it is restored; running executions finish. Versions, rules and history are kept.
      </p>
      <ActionButton
        class="danger"
        onError={setError}
        onClick={async () => {
          const result = await client.archive(runbook.name);
          setAsking(false);
          onArchived(
            `Archived: ${result.cancelled} queued execution(s) cancelled` +
              (result.still_running ? `, ${result.still_running} still running (they finish).` : '.'),
          );
        }}
      >
        Archive
      </ActionButton>{' '}
      <button type="button" class="secondary" onClick={() => setAsking(false)}>
        Keep it
      </button>
      <ErrorBox error={error} />
    </div>
  );
}

export function ArchivedBanner({ runbook, onRestored }: { runbook: RunbookDetail; onRestored: () => void }) {
  const { client } = useSession();
  const canRestore = useCan('operator');
  const [error, setError] = useState<unknown>(null);
  if (!runbook.archived) return null;
  return (
    <div class="notice warn" role="status" aria-label="archived">
      <span title={time(runbook.archived.at)}>
        Archived by {runbook.archived.by} {ago(runbook.archived.at)}. Nothing of it runs, and it is read-only until it is
        restored.
      </span>{' '}
      {canRestore ? (
        <ActionButton
          onError={setError}
          onClick={async () => {
            await client.restore(runbook.name);
            onRestored();
          }}
        >
          Restore
        </ActionButton>
      ) : (
        <span class="muted">An operator can restore it.</span>
      )}
      <ErrorBox error={error} />
    </div>
  );
}
