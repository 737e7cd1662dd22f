// The JSON shapes of the management API (server/src/api/views.rs and the
// handlers). Times are milliseconds since the epoch.

export type Role = 'viewer' | 'author' | 'operator' | 'admin';

export interface WhoAmI {
  team: { id: string; name: string };
  token: { id: string; name: string };
  role: Role;
}

export interface LastExecution {
  status: string;
  queued_at: number;
}

export interface EnvironmentSummary {
  environment: string;
  version: number | null;
  last_execution: LastExecution | null;
}

export interface Runbook {
  id: string;
  name: string;
  description: string | null;
  max_attempts: number;
  concurrency_limit: number;
  quotas: Record<string, unknown>;
  /** Set while archived: nothing of it runs and it is read-only. */
  archived: { at: number; by: string } | null;
}

export interface Archived {
  runbook: Runbook;
  /** Queued executions the archive cancelled. */
  cancelled: number;
  /** Executions still running; they finish. */
  still_running: number;
}

export interface RunbookSummary extends Runbook {
  environments: EnvironmentSummary[];
}

export interface Deployment {
  environment: string;
  version: number;
  version_id: string;
  artifact_sha256: string;
}

export interface RunbookDetail extends Runbook {
  deployments: Deployment[];
  environments: string[];
}

export interface Version {
  id: string;
  number: number;
  artifact_sha256: string;
  language: string;
  author: string;
  message: string;
  capabilities: unknown;
  created_at: number;
  deployed_in: string[];
  build_log?: string | null;
}

export interface VersionDetail extends Version {
  files: Record<string, string> | null;
  build_log: string | null;
}

export interface DeploymentChange {
  environment: string;
  version: number;
  version_id: string;
  action: string;
  actor: string;
  at: number;
}

export interface Deployments {
  items: Deployment[];
  history: DeploymentChange[];
}

export interface DeploymentResult {
  environment: string;
  version: number;
  previous_version: number | null;
  changed: boolean;
  action: string;
}

export interface Rule {
  id: string;
  name: string;
  environment: string;
  enabled: boolean;
  spec: unknown;
}

export interface RuleError {
  id: string;
  rule_id: string;
  environment: string;
  event_id: string;
  message: string;
  at: number;
}

export interface TestEvent {
  source: string;
  kind: string;
  payload: unknown;
}

export interface RuleCondition {
  location: string;
  depth: number;
  condition: string;
  held: boolean;
}

export interface RuleTestResult {
  triggered: boolean;
  matched: boolean;
  params: Record<string, unknown> | null;
  correlation_key: string | null;
  mapping_error: string | null;
  conditions: RuleCondition[];
}

export interface QuotaLimits {
  fuel?: number;
  memory_bytes?: number;
  timeout?: string;
  max_output_bytes?: number;
  max_log_lines?: number;
  max_log_bytes?: number;
}

export interface QuotaSettings {
  max_attempts: number;
  concurrency_limit: number;
  quotas: QuotaLimits;
  effective?: QuotaLimits | null;
}

export interface Grant {
  kv?: 'runbook' | 'team';
  http?: string[];
  secrets?: string[];
  metrics?: string[];
  instances?: { applications?: string[]; tags?: Record<string, string>; actions?: string[] };
  discovery?: string[];
  notify?: string[];
  events?: string[];
}

export interface RunRequest {
  environment: string;
  payload: unknown;
  params: Record<string, unknown>;
  dry_run: boolean;
}

export interface RunStarted {
  execution_id: string;
  dry_run: boolean;
}

export type ExecutionStatus =
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'abandoned'
  | 'cancelled'
  | string;

export interface Execution {
  id: string;
  runbook_id: string;
  environment: string;
  version_id: string;
  rule_id: string | null;
  status: ExecutionStatus;
  attempt: number;
  max_attempts: number;
  params: unknown;
  dry_run: boolean;
  output: unknown;
  error: { message: string; detail: unknown } | null;
  fuel_consumed: number | null;
  peak_memory_bytes: number | null;
  wall_time_us: number | null;
  queued_at: number;
  finished_at: number | null;
}

export interface LogLine {
  attempt: number;
  seq: number;
  at_ms: number;
  level: string;
  stream: string;
  message: string;
  fields: unknown;
}

export interface Attempt {
  attempt: number;
  runner: string;
  started_at: number;
  finished_at: number | null;
  outcome: string | null;
  /** When its runner stopped it after a cancel. */
  stopped_at: number | null;
  /** What the log quota dropped of this attempt's log. */
  log_dropped: { lines: number; bytes: number };
}

export interface HostCall {
  attempt: number;
  seq: number;
  at: number;
  interface: string;
  operation: string;
  target: string;
  outcome: string;
  error: string | null;
  side_effect: boolean;
  duration_us: number | null;
}

export interface EventRecord {
  id: string;
  environment: string;
  source: string;
  kind: string;
  status: string;
  dedupe_key: string | null;
  payload: unknown;
  raw_body: string | null;
  error: string | null;
  received_at: number;
  /** How many runbook emissions led to it (0: from outside). */
  depth: number;
  /** The execution that emitted it, if a runbook did. */
  emitted_by: string | null;
}

export interface ExecutionDetail extends Execution {
  runbook: string | null;
  logs: LogLine[];
  host_calls: HostCall[];
  attempts: Attempt[];
  events: EventRecord[];
  duration_ms: number | null;
}

export interface ExecutionFilters {
  runbook?: string;
  environment?: string;
  status?: string;
  since?: number;
  until?: number;
  cursor?: string;
  limit?: number;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface AuditEntry {
  id: string;
  at: number;
  actor: string;
  action: string;
  target: string;
  detail: unknown;
}

/** The one error format: `{"error": {"code", "message", ...}}`. */
export interface ApiErrorBody {
  code: string;
  message: string;
  field?: string;
  file?: string;
  line?: number;
  log?: string;
  [key: string]: unknown;
}
