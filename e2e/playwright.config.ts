import { defineConfig } from '@playwright/test';

// Chromium from the OS (Debian's package): Playwright cannot download browsers here.
export const CHROMIUM = {
  executablePath: process.env.FRONTDESK_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};

export default defineConfig({
  testDir: './tests',
  globalSetup: './fixtures/stack.ts',
  // One server and one database for the run; two cores.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    browserName: 'chromium',
    viewport: { width: 1400, height: 900 },
    launchOptions: CHROMIUM,
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
    trace: 'retain-on-failure',
    timezoneId: 'America/New_York',
  },
});
