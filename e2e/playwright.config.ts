/**
 * QA's end-to-end suite: one set of specs, two targets (issue 6). Run it with `npm run test:e2e`
 * (scripts/e2e.mjs builds what the specs need, picks the targets and runs this config).
 *
 * - project `browser`: each app instance is a browser host child process (`npm run web`) with a
 *   Chromium page on it; Chromium is Debian's /usr/bin/chromium (never `npx playwright install`).
 * - project `electron`: each app instance is the built desktop app through `_electron.launch`.
 *
 * Everything lands under test-results/: artifacts (traces, screenshots on failure) in
 * test-results/e2e/RUN, the HTML report in test-results/e2e-report/RUN (RUN: E2E_RUN_ID, which
 * scripts/e2e.mjs sets; `local` otherwise), and the screenshots spec's pictures in
 * test-results/screenshots.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './support/chromium';

const root = fileURLToPath(new URL('..', import.meta.url));
// One folder per run (scripts/e2e.mjs names it): several engineers' runs on one checkout must not
// wipe each other's traces mid-run, which Playwright's start-of-run cleaning would otherwise do.
const run = process.env.E2E_RUN_ID ?? 'local';

export default defineConfig({
  testDir: './specs',
  outputDir: `${root}test-results/e2e/${run}`,
  // 2 cores: each test runs a server, one or two app instances and a browser.
  workers: 2,
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  // Generous bounds, never expectations: a 2-core box shared with other suites can be slow, and the
  // offline specs wait out a reconnect backoff. Nothing asserts on how long anything took.
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [['list'], ['html', { outputFolder: `${root}test-results/e2e-report`, open: 'never' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 30_000,
    navigationTimeout: 30_000,
  },
  projects: [
    {
      name: 'browser',
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
      },
    },
    { name: 'electron' },
  ],
});
