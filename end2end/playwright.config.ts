import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded browser. Each worker starts its own keel (see fixtures.ts).
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    launchOptions: chromium,
    locale: 'en-US',
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
    // The screenshot and Lighthouse specs set both sizes themselves: they run once, in the first project.
    {
      name: 'tablet',
      use: { viewport: { width: 1024, height: 768 }, hasTouch: true },
      testIgnore: ['**/visual.spec.ts', '**/lighthouse.spec.ts'],
    },
  ],
});
