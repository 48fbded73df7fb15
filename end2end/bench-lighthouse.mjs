// Lighthouse's mobile profile (simulated slow 4G, 4x CPU slowdown, Moto G-sized screen) on the
// pages a tablet user opens first, each from a cold start (Lighthouse clears the cache, storage and
// service worker before every run; the session goes along as a cookie header). Prints, per page:
// the performance score, first contentful paint, time to interactive, total blocking time, largest
// contentful paint, and the bytes transferred (all, and the wasm and JS alone), as medians of RUNS
// runs. DETAILS=1 also prints each run's long tasks and main-thread time by kind, on stderr.
// See scripts/bench-lighthouse.sh.
import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const url = process.env.KEEL_URL;
const runs = Number(process.env.RUNS ?? 3);
const port = 30000 + Math.floor(Math.random() * 20000);
const profile = mkdtempSync(path.join(os.tmpdir(), 'keel-lh-bench-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', `--remote-debugging-port=${port}`],
  baseURL: url,
});
const { default: lighthouse } = await import('lighthouse');
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Lighthouse on `p`, RUNS times (with the session `cookie`, if any); prints the medians. */
async function audit(p, name, cookie) {
  const rows = [];
  for (let i = 0; i < runs; i++) {
    const result = await lighthouse(`${url}${p}`, {
      port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance'],
      extraHeaders: cookie ? { Cookie: cookie } : {},
    });
    const lhr = result.lhr;
    const a = (id) => lhr.audits[id].numericValue;
    const items = lhr.audits['network-requests'].details.items;
    const sum = (f) => items.filter(f).reduce((n, r) => n + (r.transferSize ?? 0), 0) / 1024;
    rows.push({
      score: lhr.categories.performance.score,
      fcp: a('first-contentful-paint') / 1000,
      tti: a('interactive') / 1000,
      tbt: a('total-blocking-time'),
      lcp: a('largest-contentful-paint') / 1000,
      all: sum(() => true),
      wasm: sum((r) => r.url.endsWith('.wasm')),
      js: sum((r) => r.resourceType === 'Script'),
    });
    // With DETAILS=1: the long tasks (what blocks the main thread) and where its time went.
    if (process.env.DETAILS) {
      console.error(name, 'long tasks:', JSON.stringify(lhr.audits['long-tasks'].details.items.map((t) => [t.url.replace(/.*\//, ''), Math.round(t.startTime), Math.round(t.duration)])));
      console.error(name, 'main thread:', JSON.stringify(lhr.audits['mainthread-work-breakdown'].details.items.map((t) => [t.group, Math.round(t.duration)])));
    }
  }
  const m = (k) => median(rows.map((r) => r[k]));
  console.log(
    `${name} | ${m('score').toFixed(2)} | ${m('fcp').toFixed(2)} | ${m('tti').toFixed(2)} | ${m('tbt').toFixed(0)} | ${m('lcp').toFixed(2)} | ${m('all').toFixed(0)} (${m('wasm').toFixed(0)}, ${m('js').toFixed(0)})`,
  );
}

try {
  console.log('page | performance | FCP s | TTI s | TBT ms | LCP s | transferred KiB (wasm, js)');
  // The sign-in page first, with no session in the browser (signed in, /login sends you on to
  // the board, and Lighthouse would measure that).
  await audit('/login', '/login', null);
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto('/login');
  await page.getByLabel('Email').fill('admin@keel.demo');
  await page.getByLabel('Password').fill('keel-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  await page.goto('/contacts');
  const contact = await page.locator('table tbody tr').first().locator('td a').first().getAttribute('href');
  await page.goto('about:blank');
  for (const [p, name] of [['/pipeline', '/pipeline'], ['/contacts', '/contacts'], [contact, '/contacts/<id>']]) {
    await audit(p, name, cookie);
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
