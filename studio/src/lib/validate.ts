// Client-side checks of the settings forms, mirroring what the API
// enforces (server/src/api/quotas.rs, grants.rs), so a mistake is shown at
// its field before anything is sent.

/** Splits a list typed one per line or comma-separated. */
export function list(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const DURATION = /^\s*\d+\s*(ms|s|m|h)\s*$/;

export interface QuotaFields {
  max_attempts: string;
  concurrency_limit: string;
  fuel: string;
  memory_mib: string;
  timeout: string;
  max_output_bytes: string;
  max_log_lines: string;
}

/** Field → problem; empty when the form may be sent. */
export function validateQuotas(f: QuotaFields): Record<string, string> {
  const problems: Record<string, string> = {};
  const int = (key: keyof QuotaFields, min: number, max: number, optional: boolean) => {
    const text = f[key].trim();
    if (text === '' && optional) return;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) problems[key] = `a whole number from ${min} to ${max}`;
  };
  int('max_attempts', 1, 20, false);
  int('concurrency_limit', 1, 1000, false);
  int('fuel', 1, Number.MAX_SAFE_INTEGER, true);
  int('memory_mib', 1, 65536, true);
  int('max_output_bytes', 1, Number.MAX_SAFE_INTEGER, true);
  int('max_log_lines', 1, 1_000_000, true);
  if (f.timeout.trim() && !DURATION.test(f.timeout)) problems.timeout = 'a duration such as 500ms, 10s or 2m';
  else if (f.timeout.trim() && /^\s*0\s*[a-z]+\s*$/.test(f.timeout)) problems.timeout = 'must be positive';
  return problems;
}

const ORIGIN = /^(https?):\/\/(\*\.)?[a-z0-9.-]+(:(\d+|\*))?$/i;

export interface GrantFields {
  kv: '' | 'runbook' | 'team';
  http: string;
  secrets: string;
  metrics: string;
  discovery: string;
  notify: string;
  events: string;
  applications: string;
  actions: string;
}

export function validateGrant(f: GrantFields): Record<string, string> {
  const problems: Record<string, string> = {};
  const bad = list(f.http).find((h) => !ORIGIN.test(h));
  if (bad) problems.http = `"${bad}" is not scheme://host:port (https://*.example.com:443)`;
  const action = list(f.actions).find((a) => a !== 'reboot' && a !== 'terminate');
  if (action) problems.actions = `"${action}": only reboot and terminate`;
  return problems;
}

