// Every HTTP call of the Studio, typed. Pages never call `fetch` themselves,
// so a change of the API's routes is a change of this file only.

import { readSse, type SseMessage } from './sse';
import type {
  ApiErrorBody,
  Archived,
  AuditEntry,
  DeploymentResult,
  Deployments,
  Execution,
  ExecutionDetail,
  ExecutionFilters,
  Grant,
  LogLine,
  Page,
  QuotaSettings,
  Rule,
  RuleError,
  RuleTestResult,
  RunRequest,
  RunStarted,
  Runbook,
  RunbookDetail,
  RunbookSummary,
  TestEvent,
  Version,
  VersionDetail,
  WhoAmI,
} from './types';

export * from './types';

/** A failed call: the API's error object, or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
  get code(): string {
    return this.body.code;
  }
}

const BASE = '/api/v1';
const seg = encodeURIComponent;

type Query = Record<string, string | number | boolean | undefined>;

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export class Client {
  /** Called with every 401, so the app can send the user back to login. */
  onUnauthorized: (() => void) | null = null;

  constructor(private token: string) {}

  private async request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    let response: Response;
    try {
      response = await fetch(BASE + path + queryString(query), {
        method,
        headers: {
          Authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(0, { code: 'network', message: `the server did not answer (${String(error)})` });
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: reported below
    }
    if (!response.ok) {
      if (response.status === 401) this.onUnauthorized?.();
      const error = (json as { error?: ApiErrorBody } | null)?.error;
      throw new ApiError(
        response.status,
        error ?? { code: 'http_' + response.status, message: text || response.statusText },
      );
    }
    return json as T;
  }

  // --- identity
  whoami = () => this.request<WhoAmI>('GET', '/whoami');

  // --- runbooks
  runbooks = (archived = false) =>
    this.request<{ items: RunbookSummary[] }>('GET', '/runbooks', undefined, {
      archived: archived ? 'true' : undefined,
    }).then((r) => r.items);
  createRunbook = (name: string, description?: string) =>
    this.request<Runbook>('POST', '/runbooks', { name, description: description || undefined });
  runbook = (name: string) => this.request<RunbookDetail>('GET', `/runbooks/${seg(name)}`);
  archive = (name: string) => this.request<Archived>('POST', `/runbooks/${seg(name)}/archive`);
  restore = (name: string) => this.request<Runbook>('POST', `/runbooks/${seg(name)}/restore`);
  setDescription = (name: string, description: string) =>
    this.request<Runbook>('PATCH', `/runbooks/${seg(name)}`, { description });

  // --- versions and deployments
  versions = (name: string) =>
    this.request<{ items: Version[] }>('GET', `/runbooks/${seg(name)}/versions`).then((r) => r.items);
  version = (name: string, number: number) =>
    this.request<VersionDetail>('GET', `/runbooks/${seg(name)}/versions/${number}`);
  /** Builds the source on the server; a build error is an `ApiError` with
   * code `build_failed` and `file`/`line`/`log`. */
  saveSource = (name: string, files: Record<string, string>, message: string) =>
    this.request<Version>('POST', `/runbooks/${seg(name)}/versions`, { files, message });
  deployments = (name: string) => this.request<Deployments>('GET', `/runbooks/${seg(name)}/deployments`);
  promote = (name: string, to: string, version?: number, force = false) =>
    this.request<DeploymentResult>('POST', `/runbooks/${seg(name)}/promote`, { to, version, force });
  rollback = (name: string, environment: string, version?: number) =>
    this.request<DeploymentResult>('POST', `/runbooks/${seg(name)}/rollback`, { environment, version });

  // --- rules
  rules = (name: string) =>
    this.request<{ items: Rule[] }>('GET', `/runbooks/${seg(name)}/rules`).then((r) => r.items);
  createRule = (name: string, rule: { name: string; environment: string; spec: unknown }) =>
    this.request<Rule>('POST', `/runbooks/${seg(name)}/rules`, rule);
  updateRule = (name: string, id: string, change: { spec?: unknown; enabled?: boolean }) =>
    this.request<Rule>('PUT', `/runbooks/${seg(name)}/rules/${seg(id)}`, change);
  deleteRule = (name: string, id: string) =>
    this.request<void>('DELETE', `/runbooks/${seg(name)}/rules/${seg(id)}`);
  ruleErrors = (name: string, cursor?: string) =>
    this.request<Page<RuleError>>('GET', `/runbooks/${seg(name)}/rule-errors`, undefined, { cursor });
  testRule = (name: string, spec: unknown, event: TestEvent) =>
    this.request<RuleTestResult>('POST', `/runbooks/${seg(name)}/rules/test`, { spec, event });

  // --- settings
  quotas = (name: string) => this.request<QuotaSettings>('GET', `/runbooks/${seg(name)}/quotas`);
  setQuotas = (name: string, settings: QuotaSettings) =>
    this.request<QuotaSettings>('PUT', `/runbooks/${seg(name)}/quotas`, {
      max_attempts: settings.max_attempts,
      concurrency_limit: settings.concurrency_limit,
      quotas: settings.quotas,
    });
  grant = (name: string, environment: string) =>
    this.request<{ grant: Grant }>('GET', `/runbooks/${seg(name)}/grants/${seg(environment)}`).then((r) => r.grant);
  setGrant = (name: string, environment: string, grant: Grant) =>
    this.request<{ grant: Grant }>('PUT', `/runbooks/${seg(name)}/grants/${seg(environment)}`, grant).then(
      (r) => r.grant,
    );
  failureTargets = (name: string, environment: string) =>
    this.request<{ targets: string[] }>('GET', `/runbooks/${seg(name)}/failure-notifications/${seg(environment)}`).then(
      (r) => r.targets,
    );
  setFailureTargets = (name: string, environment: string, targets: string[]) =>
    this.request<{ targets: string[] }>(
      'PUT',
      `/runbooks/${seg(name)}/failure-notifications/${seg(environment)}`,
      { targets },
    ).then((r) => r.targets);

  // --- runs and executions
  run = (name: string, run: RunRequest) => this.request<RunStarted>('POST', `/runbooks/${seg(name)}/runs`, run);
  executions = (filters: ExecutionFilters) =>
    this.request<Page<Execution>>('GET', '/executions', undefined, { ...filters });
  execution = (id: string) => this.request<ExecutionDetail>('GET', `/executions/${seg(id)}`);

  /** Follows an execution's logs live until its `end` event (or `signal`
   * aborts); resolves with the final status. */
  async streamLogs(
    id: string,
    handlers: { onStatus?: (status: string) => void; onLog?: (line: LogLine) => void },
    signal?: AbortSignal,
  ): Promise<string | null> {
    const response = await fetch(`${BASE}/executions/${seg(id)}/logs/stream`, {
      headers: { Authorization: `Bearer ${this.token}`, Accept: 'text/event-stream' },
      signal,
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: ApiErrorBody } | null;
      throw new ApiError(response.status, body?.error ?? { code: 'stream', message: response.statusText });
    }
    let final: string | null = null;
    await readSse(
      response,
      (message: SseMessage) => {
        if (message.event === 'error') throw new ApiError(503, { code: 'stream', message: message.data });
        const data = JSON.parse(message.data || 'null');
        if (message.event === 'status') handlers.onStatus?.(data.status);
        else if (message.event === 'log') handlers.onLog?.(data as LogLine);
        else if (message.event === 'end') {
          final = data.status;
          handlers.onStatus?.(data.status);
        }
      },
      signal,
    ).catch((error) => {
      if (!signal?.aborted) throw error;
    });
    return final;
  }

  // --- audit
  audit = (cursor?: string, limit = 50) => this.request<Page<AuditEntry>>('GET', '/audit', undefined, { cursor, limit });
}
