// The token the user logged in with. Kept in sessionStorage: it lasts as
// long as the tab and is not shared with other tabs or written to disk.
// `wolfe serve` prints a login URL with the token in the fragment
// (`/#token=...`), which browsers never send to the server.

const KEY = 'wolfe.token';

export function takeTokenFromFragment(): string | null {
  const match = /^#token=([^&]+)/.exec(window.location.hash);
  if (!match) return null;
  const token = decodeURIComponent(match[1]);
  // Drop the secret from the address bar and the history.
  history.replaceState(null, '', window.location.pathname + '#/');
  return token;
}

export function storedToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}
