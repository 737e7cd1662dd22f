// The team's audit log: every change, who and when, newest first.

import { useState } from 'preact/hooks';
import type { AuditEntry } from '../api/client';
import { ErrorBox, Show, useAsync, useSession } from '../components/ui';
import { ago, time } from '../lib/format';

export function AuditLog() {
  const { client } = useSession();
  const first = useAsync(() => client.audit(), []);
  const [more, setMore] = useState<{ items: AuditEntry[]; next: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <section>
      <div class="heading">
        <h1>Audit log</h1>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            setMore(null);
            first.reload();
          }}
        >
          Refresh
        </button>
      </div>
      <Show value={first}>
        {(page) => {
          const items = [...page.items, ...(more?.items ?? [])];
          const next = more ? more.next : page.next_cursor;
          return (
            <>
              <table class="list" aria-label="audit log">
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Who</th>
                    <th>What</th>
                    <th>Detail</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((entry) => (
                    <tr data-action={entry.action}>
                      <td title={time(entry.at)}>{ago(entry.at)}</td>
                      <td>{entry.actor}</td>
                      <td>
                        <code>{entry.action}</code>
                      </td>
                      <td>
                        <code class="small">{entry.detail == null ? '' : JSON.stringify(entry.detail)}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {items.length === 0 && <p class="muted">Nothing has changed yet.</p>}
              <ErrorBox error={error} />
              {next && (
                <button
                  type="button"
                  class="secondary"
                  disabled={busy}
                  onClick={async () => {
                    setBusy(true);
                    try {
                      const p = await client.audit(next);
                      setMore({ items: [...(more?.items ?? []), ...p.items], next: p.next_cursor });
                    } catch (e) {
                      setError(e);
                    } finally {
                      setBusy(false);
                    }
                  }}
                >
                  Load more
                </button>
              )}
            </>
          );
        }}
      </Show>
    </section>
  );
}
