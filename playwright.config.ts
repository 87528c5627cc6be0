import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './testkit/chromium';

// End-to-end tests against the production build in Debian's Chromium (no browser download needed).
const port = Number(process.env.E2E_PORT ?? 3210);

// E2E_STANDALONE=1: the API tests against `npm run build:standalone`'s server, copied out of the repository first so
// that the repository's node_modules cannot stand in for a file the standalone folder lacks.
const standalone = process.env.E2E_STANDALONE === '1';
const standaloneCopy = path.join(os.tmpdir(), `brain-tumor-standalone-${port}`);
const standaloneTests = /the standalone server|the API answers the same as the page|the API answers with the same volume|pages and API answers carry the security headers/;

export default defineConfig({
  testDir: './e2e',
  globalSetup: './e2e/global-setup.ts',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1, // two cores: the server needs one of them
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'off',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
  projects: standalone
    ? [{ name: 'standalone', use: { ...devices['Desktop Chrome'] }, testMatch: /(standalone|slice|volume|headers)\.spec\.ts/, grep: standaloneTests }]
    : [{ name: 'chromium', use: { ...devices['Desktop Chrome'] }, testIgnore: /standalone\.spec\.ts/ }],
  webServer: {
    command: standalone
      ? `rm -rf ${standaloneCopy} && cp -R .next/standalone ${standaloneCopy} && exec node ${standaloneCopy}/server.js`
      : `node node_modules/next/dist/bin/next start -p ${port} -H 127.0.0.1`,
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: !process.env.CI && !standalone,
    timeout: 60_000,
    // as `npm start` and the Dockerfile run it (docs/deploy.md)
    env: { NEXT_TELEMETRY_DISABLED: '1', ORT_DISABLE_TELEMETRY: '1', MALLOC_ARENA_MAX: '2', ...(standalone ? { PORT: String(port), HOSTNAME: '127.0.0.1' } : {}) },
  },
});
