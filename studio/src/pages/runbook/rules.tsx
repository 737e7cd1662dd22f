// Triggers and rules: the runbook's rules, a spec editor, and a live
// "would this event match, and with which parameters?" beside it.

import { useEffect, useState } from 'preact/hooks';
import type { Rule, RuleTestResult, RunbookDetail } from '../../api/client';
import { ActionButton, ErrorBox, Json, Show, useAsync, useCan, useSession } from '../../components/ui';
import { time } from '../../lib/format';
import { parseJson } from './run';

const SPEC = `{
  "source": "alertmanager",
  "kind": "alert.*",
  "criteria": {"path": "$.labels.severity", "op": "in", "value": ["page", "critical"]},
  "params": {
    "service": {"path": "$.labels.service", "type": "string"}
  }
}`;

const EVENT = `{
  "labels": {"alertname": "HighErrorRate", "service": "checkout", "severity": "page"},
  "status": "firing"
}`;

interface Draft {
  id: string | null;
  name: string;
  environment: string;
  spec: string;
}

export function RulesTab({ runbook }: { runbook: RunbookDetail }) {
  const { client } = useSession();
  const rules = useAsync(() => client.rules(runbook.name), [runbook.name]);
  const canEdit = useCan('author');
  const fresh = (): Draft => ({ id: null, name: '', environment: runbook.environments[0], spec: SPEC });
  const [draft, setDraft] = useState<Draft>(fresh);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const edit = (rule: Rule) => {
    setError(null);
    setNotice(null);
    setDraft({ id: rule.id, name: rule.name, environment: rule.environment, spec: JSON.stringify(rule.spec, null, 2) });
  };

  let specError: string | null = null;
  let spec: unknown = null;
  try {
    spec = parseJson(draft.spec, 'the spec');
  } catch (e) {
    specError = (e as Error).message;
  }
  const nameError = draft.id || /^[a-z0-9-]{1,64}$/.test(draft.name) ? null : 'name: 1-64 characters of a-z, 0-9 and -';

  async function save() {
    setError(null);
    try {
      if (draft.id) await client.updateRule(runbook.name, draft.id, { spec });
      else {
        const created = await client.createRule(runbook.name, { name: draft.name, environment: draft.environment, spec });
        setDraft({ ...draft, id: created.id });
      }
      setNotice(`Saved rule ${draft.name}.`);
      rules.reload();
    } catch (e) {
      setNotice(null);
      setError(e);
    }
  }

  return (
    <div class="rules-tab">
      <Show value={rules}>
        {(items) =>
          items.length === 0 ? (
            <p class="muted">No rules: this runbook runs only by hand.</p>
          ) : (
            <table class="list" aria-label="rules">
              <thead>
                <tr>
                  <th>Rule</th>
                  <th>Environment</th>
                  <th>Trigger</th>
                  <th>Enabled</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((rule) => {
                  const s = rule.spec as { source?: string; kind?: string };
                  return (
                    <tr data-rule={rule.name}>
                      <td>{rule.name}</td>
                      <td>{rule.environment}</td>
                      <td>
                        <code>
                          {s.source} / {s.kind}
                        </code>
                      </td>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`enable ${rule.name}`}
                          checked={rule.enabled}
                          disabled={!canEdit}
                          onChange={async (e) => {
                            try {
                              await client.updateRule(runbook.name, rule.id, { enabled: e.currentTarget.checked });
                              rules.reload();
                            } catch (err) {
                              setError(err);
                            }
                          }}
                        />
                      </td>
                      <td class="actions">
                        <button type="button" class="secondary" onClick={() => edit(rule)}>
                          Edit
                        </button>
                        {canEdit && (
                          <ActionButton
                            class="danger"
                            onClick={async () => {
                              if (!confirm(`Delete rule ${rule.name}?`)) return;
                              await client.deleteRule(runbook.name, rule.id);
                              if (draft.id === rule.id) setDraft(fresh());
                              rules.reload();
                            }}
                            onError={setError}
                          >
                            Delete
                          </ActionButton>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </Show>
      <div class="split">
        <form
          class="stack"
          aria-label="rule"
          onSubmit={(e) => {
            e.preventDefault();
            if (!specError && !nameError) save();
          }}
        >
          <h2>{draft.id ? `Edit rule ${draft.name}` : 'New rule'}</h2>
          <div class="row">
            <label>
              Name
              <input
                name="rule-name"
                value={draft.name}
                disabled={!!draft.id}
                aria-invalid={!!draft.name && !!nameError}
                onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
              />
            </label>
            <label>
              Environment
              <select
                name="rule-environment"
                value={draft.environment}
                disabled={!!draft.id}
                onChange={(e) => setDraft({ ...draft, environment: e.currentTarget.value })}
              >
                {runbook.environments.map((env) => (
                  <option value={env}>{env}</option>
                ))}
              </select>
            </label>
            {draft.id && (
              <button type="button" class="secondary" onClick={() => setDraft(fresh())}>
                New rule instead
              </button>
            )}
          </div>
          <label>
            Spec (JSON: source, kind, criteria, params, correlation)
            <textarea name="spec" rows={14} spellcheck={false} value={draft.spec} onInput={(e) => setDraft({ ...draft, spec: e.currentTarget.value })} />
          </label>
          {specError && <p class="hint bad">{specError}</p>}
          {draft.name && nameError && <p class="hint bad">{nameError}</p>}
          {canEdit && (
            <div class="row">
              <button type="submit" disabled={!!specError || !!nameError}>
                {draft.id ? 'Save rule' : 'Create rule'}
              </button>
            </div>
          )}
          {notice && (
            <p class="notice ok" role="status">
              {notice}
            </p>
          )}
          <ErrorBox error={error} />
        </form>
        <RuleTester runbook={runbook.name} spec={specError ? undefined : spec} />
      </div>
      <RuleErrors runbook={runbook.name} rules={rules.data ?? []} />
    </div>
  );
}

/** Firings whose parameters failed: the alert matched but nothing ran. */
function RuleErrors({ runbook, rules }: { runbook: string; rules: Rule[] }) {
  const { client } = useSession();
  const errors = useAsync(() => client.ruleErrors(runbook), [runbook]);
  const ruleName = (id: string) => rules.find((r) => r.id === id)?.name ?? id;
  return (
    <section class="stack">
      <h2>Recent rule errors</h2>
      <Show value={errors}>
        {(page) =>
          page.items.length === 0 ? (
            <p class="muted">None: every matching event became an execution.</p>
          ) : (
            <table class="list" aria-label="rule errors">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Rule</th>
                  <th>Environment</th>
                  <th>Why no execution</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((e) => (
                  <tr>
                    <td>{time(e.at)}</td>
                    <td>{ruleName(e.rule_id)}</td>
                    <td>{e.environment}</td>
                    <td>
                      <code>{e.message}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </section>
  );
}

/** Tests the spec being edited against a sample event as either changes. */
function RuleTester({ runbook, spec }: { runbook: string; spec: unknown }) {
  const { client } = useSession();
  const [source, setSource] = useState('alertmanager');
  const [kind, setKind] = useState('alert.firing');
  const [payload, setPayload] = useState(EVENT);
  const [result, setResult] = useState<RuleTestResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const specText = JSON.stringify(spec);

  useEffect(() => {
    if (spec === undefined) return;
    let event: unknown;
    try {
      event = parseJson(payload, 'the event payload');
    } catch (e) {
      setError(e);
      setResult(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      client.testRule(runbook, spec, { source, kind, payload: event }).then(
        (r) => live && (setResult(r), setError(null)),
        (e) => live && (setError(e), setResult(null)),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [specText, source, kind, payload]);

  return (
    <section class="stack tester" aria-label="rule test">
      <h2>Would this event match?</h2>
      <div class="row">
        <label>
          Source
          <input name="test-source" value={source} onInput={(e) => setSource(e.currentTarget.value)} />
        </label>
        <label>
          Kind
          <input name="test-kind" value={kind} onInput={(e) => setKind(e.currentTarget.value)} />
        </label>
      </div>
      <label>
        Event payload (JSON)
        <textarea name="test-payload" rows={8} spellcheck={false} value={payload} onInput={(e) => setPayload(e.currentTarget.value)} />
      </label>
      <ErrorBox error={error} />
      {result && (
        <div class="test-result" aria-live="polite">
          <p>
            {result.matched && !result.mapping_error ? (
              <span class="badge ok">matches</span>
            ) : result.mapping_error ? (
              <span class="badge bad">matches, but the parameters fail</span>
            ) : (
              <span class="badge idle">{result.triggered ? 'trigger matches, criteria do not' : 'no match: source/kind differ'}</span>
            )}
            {result.correlation_key && <span class="muted"> correlation key {result.correlation_key}</span>}
          </p>
          {result.mapping_error && <pre class="error-text">{result.mapping_error}</pre>}
          {result.params && (
            <>
              <h3>Parameters</h3>
              <Json value={result.params} label="parameters" />
            </>
          )}
          {result.conditions.length > 0 && (
            <ul class="conditions">
              {result.conditions.map((c) => (
                <li style={{ marginLeft: `${c.depth}em` }} class={c.held ? 'held' : 'not-held'}>
                  {c.held ? '✓' : '✗'} {c.condition}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
