// Small building blocks shared by the pages.

import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Client, type WhoAmI } from '../api/client';

export interface Session {
  client: Client;
  me: WhoAmI;
  logout: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a session');
  return session;
}

const RANK = { viewer: 0, author: 1, operator: 2, admin: 3 } as const;

/** Whether the logged-in token's role is at least `role`. */
export function useCan(role: keyof typeof RANK): boolean {
  return RANK[useSession().me.role] >= RANK[role];
}

export interface Async<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change; `reload` runs it again. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const live = useRef(0);
  useEffect(() => {
    const call = ++live.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => call === live.current && setState({ data, loading: false }),
      (error) => call === live.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : null;
  return (
    <div class="error" role="alert">
      {code && <code class="code">{code}</code>} {errorMessage(error)}
    </div>
  );
}

export function Loading({ what }: { what?: string }) {
  return <p class="muted" aria-busy="true">Loading{what ? ` ${what}` : ''}…</p>;
}

/** Shows loading/error/data of an `Async` value. */
export function Show<T>({ value, children }: { value: Async<T>; children: (data: T) => ComponentChildren }) {
  if (value.data === undefined) return value.error ? <ErrorBox error={value.error} /> : <Loading />;
  return (
    <>
      {value.error ? <ErrorBox error={value.error} /> : null}
      {children(value.data)}
    </>
  );
}

const STATUS_CLASS: Record<string, string> = {
  succeeded: 'ok',
  failed: 'bad',
  abandoned: 'bad',
  cancelled: 'warn',
  running: 'live',
  queued: 'idle',
};

export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return <span class="badge idle">never run</span>;
  return <span class={`badge ${STATUS_CLASS[status] ?? 'warn'}`}>{status}</span>;
}

export function EnvBadge({ environment, version }: { environment: string; version?: number | null }) {
  return (
    <span class={`env env-${environment}`} title={`${environment}${version ? ` runs v${version}` : ''}`}>
      {environment}
      {version != null && <b> v{version}</b>}
    </span>
  );
}

export function Json({ value, label }: { value: unknown; label?: string }) {
  if (value === null || value === undefined) return <p class="muted">none</p>;
  return (
    <pre class="json" aria-label={label}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** A button that runs an async action, shows it is busy and reports errors. */
export function ActionButton(props: {
  onClick: () => Promise<unknown>;
  children: ComponentChildren;
  class?: string;
  disabled?: boolean;
  title?: string;
  onError?: (error: unknown) => void;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      class={props.class}
      title={props.title}
      disabled={busy || props.disabled}
      aria-busy={busy}
      onClick={async () => {
        setBusy(true);
        try {
          await props.onClick();
        } catch (error) {
          props.onError?.(error);
        } finally {
          setBusy(false);
        }
      }}
    >
      {props.children}
    </button>
  );
}
