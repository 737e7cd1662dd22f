// The shell: login state, the top navigation and the page for the route.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { Client, type WhoAmI } from './api/client';
import { SessionContext, useSession, type Session } from './components/ui';
import { href, useRoute, type Route } from './lib/route';
import { forgetToken, storedToken, storeToken, takeTokenFromFragment } from './lib/session';
import { Login } from './pages/login';
import { RunbookList } from './pages/runbooks';
import { RunbookPage } from './pages/runbook';
import { ExecutionList } from './pages/executions';
import { ExecutionPage } from './pages/execution';
import { Charts } from './pages/charts';
import { AuditLog } from './pages/audit';

export function App() {
  const [token, setToken] = useState<string | null>(() => {
    const fromUrl = takeTokenFromFragment();
    if (fromUrl) storeToken(fromUrl);
    return fromUrl ?? storedToken();
  });
  const [me, setMe] = useState<WhoAmI | null>(null);
  const [loginError, setLoginError] = useState<unknown>(null);
  const client = useMemo(() => (token ? new Client(token) : null), [token]);

  const logout = () => {
    forgetToken();
    setToken(null);
    setMe(null);
  };

  useEffect(() => {
    if (!client) return;
    client.onUnauthorized = logout;
    client.whoami().then(setMe, (error) => {
      setLoginError(error);
      logout();
    });
  }, [client]);

  if (!client || !me) {
    return (
      <Login
        checking={!!client}
        error={loginError}
        onToken={(t) => {
          setLoginError(null);
          storeToken(t);
          setToken(t);
        }}
      />
    );
  }
  const session: Session = { client, me, logout };
  return (
    <SessionContext.Provider value={session}>
      <Shell />
    </SessionContext.Provider>
  );
}

const NAV: [string, string, string][] = [
  ['runbooks', 'Runbooks', href()],
  ['executions', 'Executions', href('executions')],
  ['charts', 'Charts', href('charts')],
  ['audit', 'Audit log', href('audit')],
];

function Shell() {
  const route = useRoute();
  const { me, logout } = useSession();
  const section = route.parts[0] ?? 'runbooks';
  return (
    <>
      <header class="top">
        <a class="brand" href={href()}>
          Wolfe Studio
        </a>
        <nav aria-label="main">
          {NAV.map(([key, label, target]) => (
            <a href={target} aria-current={section === key ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class="who">
          {me.team.name} · {me.token.name} ({me.role})
        </span>
        <button type="button" class="link" onClick={logout}>
          Log out
        </button>
      </header>
      <main>
        <Page route={route} />
      </main>
    </>
  );
}

function Page({ route }: { route: Route }) {
  const [section, id, tab] = route.parts;
  switch (section) {
    case undefined:
    case 'runbooks':
      return id ? <RunbookPage name={id} tab={tab ?? 'editor'} /> : <RunbookList query={route.query} />;
    case 'executions':
      return id ? <ExecutionPage id={id} /> : <ExecutionList query={route.query} />;
    case 'charts':
      return <Charts />;
    case 'audit':
      return <AuditLog />;
    default:
      return (
        <p>
          No page here. <a href={href()}>Back to the runbooks</a>
        </p>
      );
  }
}
