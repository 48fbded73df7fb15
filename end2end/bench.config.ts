import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// Browser benchmarks (scripts/bench-board.sh runs them): against a keel that the script has already
// started on its own seeded database (KEEL_BENCH_URL), in the same Chromium as the tests, one
// desktop viewport. They print figures and assert no timings.
export default defineConfig({
  testDir: './bench',
  testMatch: '*.bench.ts',
  outputDir: './test-results/bench',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    ...base.use,
    baseURL: process.env.KEEL_BENCH_URL,
    trace: 'off',
    viewport: { width: 1280, height: 800 },
  },
});
