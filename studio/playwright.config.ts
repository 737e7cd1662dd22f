import { defineConfig } from '@playwright/test';

// Browser tests drive Debian's chromium (no browser download) against a
// real `wolfe serve` that the tests start (tests/wolfe.ts).
export default defineConfig({
  testDir: 'tests',
  // Saving source builds a Python component on the server (10-20 s here).
  timeout: 180_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results/artifacts',
  use: {
    headless: true,
    viewport: { width: 1366, height: 860 },
    launchOptions: { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' },
    trace: 'retain-on-failure',
  },
});
