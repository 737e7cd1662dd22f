// Login with a token: the admin token `wolfe serve` prints on first start,
// or any token an admin created (POST /api/v1/tokens).

import { useState } from 'preact/hooks';
import { ErrorBox } from '../components/ui';

export function Login(props: { onToken: (token: string) => void; error: unknown; checking: boolean }) {
  const [token, setToken] = useState('');
  return (
    <main class="login">
      <h1>Wolfe Studio</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) props.onToken(token.trim());
        }}
      >
        <label for="token">API token</label>
        <input
          id="token"
          type="password"
          autocomplete="off"
          autofocus
          placeholder="wolfe_…"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <button type="submit" disabled={!token.trim() || props.checking}>
          {props.checking ? 'Checking…' : 'Log in'}
        </button>
        <ErrorBox error={props.error} />
        <p class="muted">
          <code>wolfe serve</code> prints a login link with an admin token on its first start (also in the data
          directory's <code>admin-token</code> file).
        </p>
      </form>
    </main>
  );
}
