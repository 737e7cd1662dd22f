// Test fixtures: one real `wolfe serve` per worker, on a free port with a
// temporary data directory, plus the API calls tests use to set the scene.

import { test as base, expect, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');

/** The binary under test: $WOLFE_BIN, else the debug build. */
function wolfeBinary(): string {
  if (process.env.WOLFE_BIN) return process.env.WOLFE_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? join(REPO, 'target');
  return join(resolve(REPO, target), 'debug', 'wolfe');
}

/** Runs the `wolfe` CLI against this server (e.g. `deploy <dir>`) from the
 *  repository root; throws with its output when it fails. */
export function wolfeCli(wolfe: Wolfe, args: string[], token = wolfe.adminToken): string {
  const run = spawnSync(wolfeBinary(), args, {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, WOLFE_SERVER: wolfe.url, WOLFE_TOKEN: token },
    timeout: 300_000,
  });
  if (run.status !== 0) throw new Error(`wolfe ${args.join(' ')}: exit ${run.status}\n${run.stderr}`);
  return run.stdout;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

export interface Wolfe {
  url: string;
  adminToken: string;
  /** Calls the API as `token` (default: the admin); throws on an error status. */
  api<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<T>;
}

async function startWolfe(): Promise<{ wolfe: Wolfe; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'wolfe-studio-test-'));
  const port = await freePort();
  const config = join(dir, 'wolfe.toml');
  writeFileSync(config, `data_dir = ${JSON.stringify(join(dir, 'data'))}\nlisten = "127.0.0.1:${port}"\n`);
  // The repository root as working directory: the server finds
  // componentize-py in its .venv to build saved source.
  const child: ChildProcess = spawn(wolfeBinary(), ['serve', '--config', config, '--no-examples'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
  });
  let output = '';
  const token = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`wolfe serve printed no login URL in 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /#token=(\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        ok(match[1]);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => fail(new Error(`wolfe serve exited (${code}):\n${output}`)));
    child.on('error', fail);
  });
  const url = `http://127.0.0.1:${port}`;
  const wolfe: Wolfe = {
    url,
    adminToken: token,
    async api(method, path, body, as = token) {
      const response = await fetch(url + '/api/v1' + path, {
        method,
        headers: { Authorization: `Bearer ${as}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
  };
  return {
    wolfe,
    stop: () => {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const GOOD_SOURCE = `import wolfe
from wolfe import log


@wolfe.runbook
def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> dict:
    service = events[0].payload.get("service", "unknown")
    log.info(f"checking {service}")
    log.warn("nothing to fix")
    return {"service": service, "events": len(events)}
`;

/** Line 6 lacks its colon: a SyntaxError at main.py line 6. */
export const BROKEN_SOURCE = GOOD_SOURCE.replace('-> dict:', '-> dict');

export const test = base.extend<
  { login: (token?: string) => Promise<void> },
  { wolfe: Wolfe; deployed: string }
>({
  wolfe: [
    async ({}, use) => {
      const { wolfe, stop } = await startWolfe();
      await use(wolfe);
      stop();
    },
    { scope: 'worker', timeout: 90_000 },
  ],
  // A runbook with one saved (built) version in dev, made through the API,
  // for the tests about what comes after saving.
  deployed: [
    async ({ wolfe }, use) => {
      const name = 'disk-check';
      await wolfe.api('POST', '/runbooks', { name, description: 'made by the test fixture' });
      await wolfe.api('POST', `/runbooks/${name}/versions`, { files: { 'main.py': GOOD_SOURCE }, message: 'first' });
      await use(name);
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  // Logs in through the login URL `wolfe serve` prints (token in the fragment).
  login: async ({ page, wolfe }, use) => {
    await use(async (token = wolfe.adminToken) => {
      await page.goto(`${wolfe.url}/#token=${token}`);
      await expect(page.getByRole('navigation', { name: 'main' })).toBeVisible();
    });
  },
});

export { expect };

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(HERE, '..', 'test-results', 'screenshots', `${name}.png`), fullPage: true });
}

/** Runs `runbook` through the API and waits until it has finished. */
export async function runToEnd(wolfe: Wolfe, runbook: string, payload: unknown): Promise<string> {
  const { execution_id } = await wolfe.api('POST', `/runbooks/${runbook}/runs`, { environment: 'dev', payload });
  for (let i = 0; i < 240; i++) {
    const e = await wolfe.api('GET', `/executions/${execution_id}`);
    if (!['queued', 'running'].includes(e.status)) return execution_id;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`execution ${execution_id} did not finish`);
}
