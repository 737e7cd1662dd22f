// Quotas, grants and failure notifications, each a form validated here
// before the API validates it again (operators only may save).

import { useState } from 'preact/hooks';
import type { Grant, QuotaSettings, RunbookDetail } from '../../api/client';
import { useSaveForm } from '../../components/save-form';
import { ErrorBox, Show, useCan, useSession } from '../../components/ui';
import { list, validateGrant, validateQuotas, type GrantFields, type QuotaFields } from '../../lib/validate';

function Saved({ error, saved }: { error: unknown; saved: boolean }) {
  return (
    <>
      {saved && (
        <span class="notice ok" role="status">
          Saved.
        </span>
      )}
      <ErrorBox error={error} />
    </>
  );
}

export function SettingsTab({ runbook }: { runbook: RunbookDetail }) {
  const [environment, setEnvironment] = useState(runbook.environments[0]);
  return (
    <div class="settings">
      <QuotasForm name={runbook.name} />
      <div class="row">
        <label>
          Environment for grants and notifications
          <select name="settings-environment" value={environment} onChange={(e) => setEnvironment(e.currentTarget.value)}>
            {runbook.environments.map((env) => (
              <option value={env}>{env}</option>
            ))}
          </select>
        </label>
      </div>
      <GrantForm name={runbook.name} environment={environment} />
      <NotificationsForm name={runbook.name} environment={environment} />
    </div>
  );
}

function fieldsOf(q: QuotaSettings): QuotaFields {
  const over = q.quotas ?? {};
  const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  return {
    max_attempts: str(q.max_attempts),
    concurrency_limit: str(q.concurrency_limit),
    fuel: str(over.fuel),
    memory_mib: over.memory_bytes ? String(over.memory_bytes / (1 << 20)) : '',
    timeout: str(over.timeout),
    max_output_bytes: str(over.max_output_bytes),
    max_log_lines: str(over.max_log_lines),
  };
}

function QuotasForm({ name }: { name: string }) {
  const { client } = useSession();
  const canEdit = useCan('operator');
  const form = useSaveForm(() => client.quotas(name), fieldsOf, [name]);
  const { loaded, fields } = form;
  const problems = fields ? validateQuotas(fields) : {};
  const input = (key: keyof QuotaFields, label: string, placeholder?: string) => (
    <label>
      {label}
      <input
        name={key}
        value={fields![key]}
        placeholder={placeholder}
        disabled={!canEdit}
        aria-invalid={!!problems[key]}
        onInput={(e) => form.edit({ ...fields!, [key]: e.currentTarget.value })}
      />
      {problems[key] && <span class="hint bad">{problems[key]}</span>}
    </label>
  );
  const effective = loaded.data?.effective ?? {};
  return (
    <Show value={loaded}>
      {() =>
        fields && (
          <form
            class="stack"
            aria-label="quotas"
            onSubmit={form.save((fields) => {
              const quotas: Record<string, unknown> = {};
              if (fields.fuel.trim()) quotas.fuel = Number(fields.fuel);
              if (fields.memory_mib.trim()) quotas.memory_bytes = Number(fields.memory_mib) * (1 << 20);
              if (fields.timeout.trim()) quotas.timeout = fields.timeout.replace(/\s+/g, '');
              if (fields.max_output_bytes.trim()) quotas.max_output_bytes = Number(fields.max_output_bytes);
              if (fields.max_log_lines.trim()) quotas.max_log_lines = Number(fields.max_log_lines);
              return client.setQuotas(name, {
                max_attempts: Number(fields.max_attempts),
                concurrency_limit: Number(fields.concurrency_limit),
                quotas,
              });
            })}
          >
            <h2>Quotas</h2>
            <p class="muted small">Empty limits take the engine's defaults (shown as placeholders).</p>
            <div class="grid">
              {input('max_attempts', 'Attempts')}
              {input('concurrency_limit', 'Concurrent executions')}
              {input('fuel', 'Fuel', effective.fuel?.toString())}
              {input('memory_mib', 'Memory (MiB)', effective.memory_bytes ? String(effective.memory_bytes / (1 << 20)) : undefined)}
              {input('timeout', 'Timeout', effective.timeout)}
              {input('max_output_bytes', 'Output bytes', effective.max_output_bytes?.toString())}
              {input('max_log_lines', 'Log lines', effective.max_log_lines?.toString())}
            </div>
            {canEdit ? (
              <div class="row">
                <button type="submit" disabled={Object.keys(problems).length > 0}>
                  Save quotas
                </button>
                <Saved error={form.error} saved={form.saved} />
              </div>
            ) : (
              <p class="muted small">Operators set quotas.</p>
            )}
          </form>
        )
      }
    </Show>
  );
}

function grantFields(g: Grant): GrantFields {
  const join = (v?: string[]) => (v ?? []).join('\n');
  return {
    kv: g.kv ?? '',
    http: join(g.http),
    secrets: join(g.secrets),
    metrics: join(g.metrics),
    discovery: join(g.discovery),
    notify: join(g.notify),
    events: join(g.events),
    applications: join(g.instances?.applications),
    actions: join(g.instances?.actions),
  };
}

function GrantForm({ name, environment }: { name: string; environment: string }) {
  const { client } = useSession();
  const canEdit = useCan('operator');
  const form = useSaveForm(() => client.grant(name, environment), grantFields, [name, environment]);
  const { loaded, fields } = form;
  const problems = fields ? validateGrant(fields) : {};
  const area = (key: keyof GrantFields, label: string, hint: string) => (
    <label>
      {label}
      <textarea
        name={`grant-${key}`}
        rows={2}
        placeholder={hint}
        value={fields![key]}
        disabled={!canEdit}
        aria-invalid={!!problems[key]}
        onInput={(e) => form.edit({ ...fields!, [key]: e.currentTarget.value })}
      />
      {problems[key] && <span class="hint bad">{problems[key]}</span>}
    </label>
  );
  return (
    <Show value={loaded}>
      {() =>
        fields && (
          <form
            class="stack"
            aria-label="grant"
            onSubmit={form.save((fields) => {
              const grant: Grant = {};
              if (fields.kv) grant.kv = fields.kv;
              for (const key of ['http', 'secrets', 'metrics', 'discovery', 'notify', 'events'] as const) {
                const values = list(fields[key]);
                if (values.length) grant[key] = values;
              }
              const applications = list(fields.applications);
              const actions = list(fields.actions);
              if (applications.length || actions.length) grant.instances = { applications, actions };
              return client.setGrant(name, environment, grant);
            })}
          >
            <h2>Grant in {environment}</h2>
            <p class="muted small">Deny by default: an empty grant allows logging only. One entry per line.</p>
            <div class="grid">
              <label>
                Key-value store
                <select
                  name="grant-kv"
                  value={fields.kv}
                  disabled={!canEdit}
                  onChange={(e) => form.edit({ ...fields, kv: e.currentTarget.value as GrantFields['kv'] })}
                >
                  <option value="">none</option>
                  <option value="runbook">its own keys</option>
                  <option value="team">its own and the team's keys</option>
                </select>
              </label>
              {area('http', 'HTTP origins', 'https://api.example.com:443')}
              {area('secrets', 'Secrets', 'pagerduty-key')}
              {area('metrics', 'Metrics backends', 'prometheus')}
              {area('discovery', 'Discovery applications', 'checkout')}
              {area('notify', 'Notify targets', 'oncall-chat')}
              {area('events', 'Event kinds it may emit', 'chain.*')}
              {area('applications', 'Instances: applications', 'kafka')}
              {area('actions', 'Instances: actions', 'reboot')}
            </div>
            {canEdit ? (
              <div class="row">
                <button type="submit" disabled={Object.keys(problems).length > 0}>
                  Save grant
                </button>
                <Saved error={form.error} saved={form.saved} />
              </div>
            ) : (
              <p class="muted small">Operators set grants.</p>
            )}
          </form>
        )
      }
    </Show>
  );
}

function NotificationsForm({ name, environment }: { name: string; environment: string }) {
  const { client } = useSession();
  const canEdit = useCan('operator');
  const form = useSaveForm(
    () => client.failureTargets(name, environment),
    (targets) => targets.join('\n'),
    [name, environment],
  );
  const { loaded, fields: text } = form;
  const targets = list(text ?? '');
  const problem = targets.find((t) => t.length > 128) ? 'a target name has at most 128 characters' : null;
  return (
    <Show value={loaded}>
      {() =>
        text !== null && (
          <form
            class="stack"
            aria-label="failure notifications"
            onSubmit={form.save(() => client.setFailureTargets(name, environment, targets))}
          >
            <h2>Failure notifications in {environment}</h2>
            <label>
              Notify targets told when an execution does not succeed (names from the providers configuration)
              <textarea
                name="failure-targets"
                rows={2}
                value={text}
                disabled={!canEdit}
                aria-invalid={!!problem}
                onInput={(e) => form.edit(e.currentTarget.value)}
              />
              {problem && <span class="hint bad">{problem}</span>}
            </label>
            {canEdit && (
              <div class="row">
                <button type="submit" disabled={!!problem}>
                  Save notifications
                </button>
                <Saved error={form.error} saved={form.saved} />
              </div>
            )}
          </form>
        )
      }
    </Show>
  );
}
