// Lighthouse, run on the main pages as a signed-in user sees them: accessibility and best practices
// (among them: no error in the console) must both score 1.0. A failing audit is named in the report.
import { test, expect, freePort, signIn } from './fixtures';
import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

test('the main pages score 1.0 in Lighthouse for accessibility and best practices', async ({ keel }) => {
  test.setTimeout(600_000);
  const port = await freePort();
  const profile = mkdtempSync(path.join(os.tmpdir(), 'keel-lighthouse-'));
  // One browser profile shared with Lighthouse (it opens its own tab), so the session is shared.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', `--remote-debugging-port=${port}`],
    baseURL: keel.url,
    viewport: { width: 1440, height: 900 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await signIn(page);
    await page.goto('/contacts');
    const contact = await page.getByRole('table').getByRole('row').nth(1).getByRole('link').first().getAttribute('href');
    await page.goto('/pipeline');
    const deal = `/deals/${await page.locator('.cards li[data-deal]').first().getAttribute('data-deal')}`;
    const pages = ['/pipeline', '/contacts', '/companies', '/leads', contact!, deal, '/activities', '/settings'];
    // The wide layout for every page, and the tablet one (touch, tabs on record pages) for the
    // screens a tablet user lives in.
    const desktop = { formFactor: 'desktop', screenEmulation: { disabled: true } } as const;
    const tablet = {
      formFactor: 'mobile',
      screenEmulation: { mobile: true, width: 1024, height: 768, deviceScaleFactor: 1, disabled: false },
    } as const;
    const runs = [
      ...pages.map((p) => ({ p, size: 'desktop', settings: desktop })),
      ...['/pipeline', '/contacts', contact!, deal].map((p) => ({ p, size: 'tablet', settings: tablet })),
    ];

    const { default: lighthouse } = await import('lighthouse');
    const failures: string[] = [];
    for (const { p, size, settings } of runs) {
      const result = await lighthouse(`${keel.url}${p}`, {
        port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['accessibility', 'best-practices'],
        disableStorageReset: true,
        throttlingMethod: 'provided',
        ...settings,
      });
      const lhr = result!.lhr;
      for (const category of Object.values(lhr.categories)) {
        console.log(`${p} (${size}): ${category.title} ${category.score}`);
        if (category.score === 1) continue;
        const failed = category.auditRefs
          .filter((ref) => ref.weight > 0 && lhr.audits[ref.id].score !== null && lhr.audits[ref.id].score! < 1)
          .map((ref) => {
            const audit = lhr.audits[ref.id];
            const items = ((audit.details as { items?: unknown[] } | undefined)?.items ?? []).slice(0, 3);
            return `${ref.id} (${JSON.stringify(items).slice(0, 600)})`;
          });
        failures.push(`${p} (${size}) ${category.title} ${category.score}: ${failed.join('; ')}`);
      }
    }
    expect(failures).toEqual([]);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
