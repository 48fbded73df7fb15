// Measures the pipeline page's cold, warm and offline start in Chromium (see scripts/bench-start.sh).
import { chromium } from '@playwright/test';

const url = process.env.KEEL_URL;
const runs = Number(process.env.RUNS ?? 5);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
});

// A signed-in session to start every run with (cookies only: no cache, no worker).
const login = await browser.newContext({ baseURL: url });
const lp = await login.newPage();
await lp.goto('/login');
await lp.getByLabel('Email').fill('admin@keel.demo');
await lp.getByLabel('Password').fill('keel-demo');
await lp.getByRole('button', { name: 'Sign in' }).click();
await lp.waitForURL((u) => !u.pathname.startsWith('/login'));
const session = await login.storageState();
await login.close();

/** Loads /pipeline in `page`: FCP, time until interactive (hydrated, or mounted from the app shell
 *  offline), time until the board's first column shows, and bytes fetched over the network. */
async function load(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const fromWorker = new Set();
  let bytes = 0;
  // The page itself always crosses the network (the worker fetches it first); the shell does not
  // when the worker or the HTTP cache has it.
  const sizes = new Map();
  cdp.on('Network.responseReceived', (e) => {
    if (e.type !== 'Document' && (e.response.fromServiceWorker || e.response.fromDiskCache)) fromWorker.add(e.requestId);
  });
  cdp.on('Network.dataReceived', (e) => sizes.set(e.requestId, (sizes.get(e.requestId) ?? 0) + e.dataLength));
  cdp.on('Network.loadingFinished', (e) => {
    if (!fromWorker.has(e.requestId)) bytes += e.encodedDataLength || sizes.get(e.requestId) || 0;
  });
  const start = Date.now();
  await page.goto('/pipeline');
  await page.locator('body[data-hydrated]').waitFor();
  const tti = Date.now() - start;
  await page.getByRole('list', { name: 'Lead 线索' }).waitFor();
  const board = Date.now() - start;
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
  await cdp.detach();
  return { fcp, tti, board, bytes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cold = [], warm = [], offline = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext({ baseURL: url, storageState: session, viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  cold.push(await load(page));
  // The worker installs on the first visit; once it controls the page, the next start is warm.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  warm.push(await load(page));
  // Offline: the worker answers with the app shell; the board comes from IndexedDB.
  await context.setOffline(true);
  offline.push(await load(page));
  await context.close();
}
for (const [name, xs] of [['cold', cold], ['warm', warm], ['offline', offline]]) {
  console.log(`${name} start (median of ${runs}): first contentful paint ${median(xs.map((x) => x.fcp)).toFixed(0)} ms; ` +
    `interactive ${median(xs.map((x) => x.tti)).toFixed(0)} ms; board shown ${median(xs.map((x) => x.board)).toFixed(0)} ms; ` +
    `${(median(xs.map((x) => x.bytes)) / 1024).toFixed(1)} KiB over the network`);
}
await browser.close();
