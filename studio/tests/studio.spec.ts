// The Studio in a real browser against a real `wolfe serve`. Each flow is
// one test and sets its own scene through the API, so a failing flow does
// not hide the others.

import { BROKEN_SOURCE, expect, GOOD_SOURCE, runToEnd, screenshot, test, wolfeCli } from './wolfe';

test('a new user logs in with a token; a wrong token is refused', async ({ page, wolfe }) => {
  const alice = await wolfe.api('POST', '/tokens', { name: 'alice', role: 'operator' });
  await page.goto(wolfe.url + '/');
  await screenshot(page, 'login');
  await page.getByLabel('API token').fill('wolfe_not-a-token');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('invalid or revoked token');

  await page.getByLabel('API token').fill(alice.secret);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByText('alice (operator)')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Runbooks' })).toBeVisible();
  // The token is kept for the tab: a reload stays logged in.
  await page.reload();
  await expect(page.getByText('alice (operator)')).toBeVisible();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByLabel('API token')).toBeVisible();
});

test('create a runbook, save it, see the build error inline, fix it', async ({ page, login }) => {
  await login();
  await page.getByRole('textbox', { name: 'New runbook' }).fill('Bad Name');
  await expect(page.getByText('1-64 characters of a-z, 0-9 and -')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create' })).toBeDisabled();
  await page.getByRole('textbox', { name: 'New runbook' }).fill('checkout-errors');
  await page.getByLabel('Description').fill('Second-guesses checkout error alerts');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/#\/runbooks\/checkout-errors\/editor$/);

  // Replace the template with a broken source and save: the build error
  // comes back with its line, in the error box and in the editor.
  const editor = page.getByRole('textbox', { name: 'source editor' });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await editor.evaluate((el, text) => {
    // Typing character by character would auto-indent; insert as a paste.
    const data = new DataTransfer();
    data.setData('text/plain', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, BROKEN_SOURCE);
  await page.getByLabel('Message').fill('first try');
  await page.getByRole('button', { name: 'Save & build' }).click();
  const failure = page.locator('.build-error');
  await expect(failure).toContainText('Build failed', { timeout: 90_000 });
  await expect(failure).toContainText('main.py, line 6');
  await expect(failure).toContainText('SyntaxError');
  await expect(page.locator('.cm-lintRange-error')).toHaveCount(1);
  await expect(page.locator('.cm-lint-marker-error')).toHaveCount(1);
  await screenshot(page, 'editor-build-error');

  // Fix line 6 and save with the keyboard.
  await page.locator('.cm-line').nth(5).click();
  await page.keyboard.press('End');
  await page.keyboard.type(':');
  await page.keyboard.press('ControlOrMeta+s');
  await expect(page.getByRole('status')).toContainText('Saved v1 and deployed it to dev', { timeout: 90_000 });
  await expect(failure).toHaveCount(0);
  await expect(page.getByLabel('deployments')).toContainText('dev v1');
  await screenshot(page, 'editor-saved');
});

test('a Rust runbook deployed with `wolfe deploy` shows its source, read-only', async ({ page, login, wolfe }) => {
  test.setTimeout(360_000); // the CLI builds the example for wasm32-wasip2
  const printed = wolfeCli(wolfe, ['deploy', 'examples/disk-pressure-rust', '-m', 'from the CLI']);
  expect(printed).toContain('deployed disk-pressure-rust v1 to dev');
  await login();
  await page.goto(`${wolfe.url}/#/runbooks/disk-pressure-rust/editor`);
  await expect(page.getByRole('note')).toContainText('written in Rust and built outside the Studio');
  await expect(page.getByRole('tab', { name: 'src/lib.rs' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'source editor' })).toContainText('NodeDiskPressure');
  await expect(page.getByRole('textbox', { name: 'source editor' })).toHaveAttribute('contenteditable', 'false');
  await expect(page.getByRole('button', { name: 'Save & build' })).toHaveCount(0);
  await screenshot(page, 'editor-rust-read-only');
});

test('run now with a sample event and watch the logs and result arrive', async ({ page, login, deployed }) => {
  await login();
  await page.getByRole('link', { name: deployed }).click();
  await page.getByRole('tab', { name: 'Run now' }).click();
  await page.getByLabel('Sample event payload (JSON)').fill('{"service": "checkout"');
  await expect(page.getByText('the sample event is not valid JSON')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run now' })).toBeDisabled();
  await page.getByLabel('Sample event payload (JSON)').fill('{"service": "checkout"}');
  await page.getByRole('button', { name: 'Run now' }).click();
  const result = page.getByRole('region', { name: 'run result' });
  await expect(result.getByRole('log')).toContainText('checking checkout', { timeout: 60_000 });
  await expect(result.getByRole('log')).toContainText('nothing to fix');
  await expect(result.locator('.badge')).toHaveText('succeeded');
  await expect(result.getByLabel('output')).toContainText('"service": "checkout"');
  await screenshot(page, 'run-now');
});

test('promote a version to test and prod, diff versions, and roll back', async ({ page, login, wolfe, deployed }) => {
  await login();
  await page.goto(`${wolfe.url}/#/runbooks/${deployed}/versions`);
  const environments = page.getByRole('table', { name: 'environments' });
  const testRow = environments.locator('tr[data-environment=test]');
  const prodRow = environments.locator('tr[data-environment=prod]');
  // Nothing runs in test yet, so prod cannot be promoted to.
  await expect(prodRow.getByRole('button', { name: 'Promote to prod' })).toBeDisabled();
  await expect(prodRow).toContainText('nothing runs in test');
  await testRow.getByRole('button', { name: 'Promote v1 to test' }).click();
  await expect(page.getByRole('status')).toContainText('Promoted v1 to test');
  await prodRow.getByRole('button', { name: 'Promote v1 to prod' }).click();
  await expect(page.getByRole('status')).toContainText('Promoted v1 to prod');
  await expect(page.getByLabel('deployments')).toContainText('prod v1');
  await expect(prodRow.getByRole('button', { name: /Promote/ })).toBeDisabled();

  // A second version, promoted through test to prod with the buttons.
  await wolfe.api('POST', `/runbooks/${deployed}/versions`, {
    files: { 'main.py': GOOD_SOURCE.replace('nothing to fix', 'all good') },
    message: 'friendlier log',
  });
  await page.reload();
  await testRow.getByRole('button', { name: 'Promote v2 to test' }).click();
  await expect(page.getByRole('status')).toContainText('Promoted v2 to test');
  await prodRow.getByRole('button', { name: 'Promote v2 to prod' }).click();
  await expect(page.getByRole('status')).toContainText('Promoted v2 to prod');
  const versions = page.getByRole('table', { name: 'versions' });
  await expect(versions.locator('tr[data-version="2"]')).toContainText('devtestprod');

  // The diff of v2 against v1.
  await versions.getByRole('button', { name: 'Diff with v1' }).click();
  const diff = page.getByLabel('diff v1 to v2');
  await expect(diff.locator('.d-del')).toContainText('nothing to fix');
  await expect(diff.locator('.d-add')).toContainText('all good');
  await screenshot(page, 'versions');

  await prodRow.getByRole('button', { name: 'Roll back prod to v1' }).click();
  await expect(page.getByRole('status')).toContainText('Rolled prod back to v1');
  await expect(page.getByLabel('deployments')).toContainText('prod v1');
});

test('find the execution in the list and open its detail', async ({ page, login, wolfe, deployed }) => {
  const id = await runToEnd(wolfe, deployed, { service: 'payments' });
  await login();
  await page.getByRole('link', { name: 'Executions' }).first().click();
  await page.getByLabel('Runbook').selectOption(deployed);
  await page.getByLabel('Status').selectOption('succeeded');
  await expect(page).toHaveURL(/status=succeeded/);
  const row = page.locator(`tr[data-execution="${id}"]`);
  await expect(row).toContainText(deployed);
  await expect(row).toContainText('succeeded');
  await screenshot(page, 'executions');
  // A filter that excludes it.
  await page.getByLabel('Status').selectOption('failed');
  await expect(row).toHaveCount(0);
  await page.getByLabel('Status').selectOption('succeeded');

  await row.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`#/executions/${id}$`));
  await expect(page.getByRole('log')).toContainText('checking payments');
  await expect(page.getByLabel('output')).toContainText('"service": "payments"');
  await expect(page.getByLabel('event payload')).toContainText('payments');
  await expect(page.locator('[data-fact=fuel]')).not.toHaveText('—');
  await expect(page.locator('[data-fact=memory]')).toContainText('MiB');
  const attempts = page.getByRole('table', { name: 'attempts' });
  await expect(attempts).toContainText('succeeded');
  await expect(attempts).toContainText('complete'); // its log quota dropped nothing
  await screenshot(page, 'execution-detail');
});

test('see executions in the charts', async ({ page, login, wolfe, deployed }) => {
  await runToEnd(wolfe, deployed, { service: 'charts' });
  await login();
  await page.getByRole('link', { name: 'Charts' }).click();
  const hourly = page.getByRole('img', { name: 'executions per hour by outcome' });
  await expect(hourly.locator('rect.bar-succeeded').first()).toBeVisible();
  const durations = page.getByRole('img', { name: 'p50 and p95 duration per runbook' });
  await expect(durations.locator(`g[data-runbook="${deployed}"]`)).toContainText('p95');
  await screenshot(page, 'charts');
  // The runbook list shows the outcome and the trend too.
  await page.getByRole('link', { name: 'Runbooks' }).click();
  const row = page.locator(`tr[data-runbook="${deployed}"]`);
  await expect(row.locator('td[data-environment=dev] .badge')).toHaveText('succeeded');
  await expect(row.getByRole('img', { name: /last \d+ outcomes/ })).toBeVisible();
  await screenshot(page, 'runbooks');
});

test('rules: a live "would this event match, with which parameters?"', async ({ page, login, wolfe, deployed }) => {
  await login();
  await page.goto(`${wolfe.url}/#/runbooks/${deployed}/rules`);
  const tester = page.getByRole('region', { name: 'rule test' });
  await expect(tester).toContainText('matches');
  await expect(tester.getByLabel('parameters')).toContainText('"service": "checkout"');
  // Change the event: the criteria no longer hold.
  await tester.getByLabel('Event payload (JSON)').fill('{"labels": {"severity": "info", "service": "checkout"}}');
  await expect(tester).toContainText('trigger matches, criteria do not');
  await tester.getByLabel('Kind').fill('deploy.finished');
  await expect(tester).toContainText('no match: source/kind differ');

  // An invalid spec is refused with where it is wrong; a valid one is saved.
  await page.getByLabel('Name', { exact: true }).fill('page-alerts');
  await page.getByLabel(/^Spec/).fill('{"source": "alertmanager", "kind": "alert.*", "criteria": {"path": "labels", "op": "eq", "value": 1}}');
  await page.getByRole('button', { name: 'Create rule' }).click();
  await expect(page.getByRole('alert').first()).toContainText('spec.criteria');
  await page.getByLabel(/^Spec/).fill('{"source": "alertmanager", "kind": "alert.*", "criteria": {"path": "$.labels.severity", "op": "eq", "value": "page"}}');
  await page.getByRole('button', { name: 'Create rule' }).click();
  await expect(page.getByRole('status')).toContainText('Saved rule page-alerts');
  await expect(page.getByRole('table', { name: 'rules' })).toContainText('page-alerts');
  await screenshot(page, 'rules');
});

test('quotas, grants and failure notifications are validated and saved', async ({ page, login, wolfe, deployed }) => {
  await login();
  await page.goto(`${wolfe.url}/#/runbooks/${deployed}/settings`);
  const quotas = page.getByRole('form', { name: 'quotas' });
  await quotas.getByLabel('Attempts').fill('50');
  await expect(quotas).toContainText('a whole number from 1 to 20');
  await expect(quotas.getByRole('button', { name: 'Save quotas' })).toBeDisabled();
  await quotas.getByLabel('Attempts').fill('5');
  await quotas.getByLabel('Timeout').fill('ten seconds');
  await expect(quotas).toContainText('a duration such as');
  await quotas.getByLabel('Timeout').fill('30s');
  await quotas.getByRole('button', { name: 'Save quotas' }).click();
  await expect(quotas.getByRole('status')).toHaveText('Saved.');
  expect((await wolfe.api('GET', `/runbooks/${deployed}/quotas`)).max_attempts).toBe(5);

  const grant = page.getByRole('form', { name: 'grant' });
  await grant.getByLabel('HTTP origins').fill('not a url');
  await expect(grant).toContainText('is not scheme://host:port');
  await grant.getByLabel('HTTP origins').fill('https://api.example.com:443');
  await grant.getByLabel('Key-value store').selectOption('runbook');
  await grant.getByRole('button', { name: 'Save grant' }).click();
  await expect(grant.getByRole('status')).toHaveText('Saved.');
  const saved = await wolfe.api('GET', `/runbooks/${deployed}/grants/dev`);
  expect(saved.grant).toEqual({ kv: 'runbook', http: ['https://api.example.com:443'] });

  const notify = page.getByRole('form', { name: 'failure notifications' });
  await notify.getByRole('textbox').fill('oncall-chat\npagerduty');
  const reloaded = page.waitForResponse(
    (r) => r.url().endsWith(`/runbooks/${deployed}/failure-notifications/dev`) && r.request().method() === 'GET',
  );
  await notify.getByRole('button', { name: 'Save notifications' }).click();
  await reloaded;
  await expect(notify.getByRole('status')).toHaveText('Saved.');
  // "Saved." outlasts the form's reload after the save (it once vanished then).
  await expect(grant.getByRole('status')).toHaveText('Saved.');
  expect((await wolfe.api('GET', `/runbooks/${deployed}/failure-notifications/dev`)).targets).toEqual([
    'oncall-chat',
    'pagerduty',
  ]);
  await screenshot(page, 'settings');
});

test('the audit log lists who changed what', async ({ page, login, deployed }) => {
  await login();
  await page.getByRole('link', { name: 'Audit log' }).click();
  const log = page.getByRole('table', { name: 'audit log' });
  await expect(log.locator('tr[data-action="runbook.create"]').first()).toContainText('first-admin');
  await expect(log).toContainText('version.create');
  await screenshot(page, 'audit');
  expect(deployed).toBeTruthy();
});

test('an operator archives a runbook: it leaves the list, is read-only, and comes back restored', async ({
  page,
  login,
  wolfe,
}) => {
  const name = 'retired-check';
  await wolfe.api('POST', '/runbooks', { name, description: 'replaced by disk-check' });
  await login();
  await page.goto(`${wolfe.url}/#/runbooks/${name}/settings`);
  await page.getByRole('button', { name: 'Archive…' }).click();
  const ask = page.getByRole('alertdialog', { name: 'archive runbook' });
  await expect(ask).toContainText('queued executions are cancelled');
  await ask.getByRole('button', { name: 'Archive', exact: true }).click();
  await expect(page.getByRole('status', { name: 'archived' })).toContainText(/Archived by \S*first-admin/);
  await expect(page.getByText('Archived: 0 queued execution(s) cancelled.')).toBeVisible();
  // Read-only until restored: the forms cannot be saved.
  await expect(page.getByRole('form', { name: 'quotas' }).getByRole('button', { name: 'Save quotas' })).toBeDisabled();
  await screenshot(page, 'archived-runbook');

  await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Runbooks' }).click();
  await expect(page.getByRole('table', { name: 'runbooks' })).toBeVisible();
  await expect(page.locator(`tr[data-runbook="${name}"]`)).toHaveCount(0);
  await page.getByRole('link', { name: 'Archived runbooks' }).click();
  const row = page.getByRole('table', { name: 'archived runbooks' }).locator(`tr[data-runbook="${name}"]`);
  await expect(row).toContainText('first-admin');
  await row.getByRole('link', { name }).click();
  await page.getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByText('Restored: its deployments and rules apply again.')).toBeVisible();
  await expect(page.getByRole('status', { name: 'archived' })).toHaveCount(0);
  expect((await wolfe.api('GET', `/runbooks/${name}`)).archived).toBeNull();
});
