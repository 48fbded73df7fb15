// The board with thousands of open deals in Chromium: how soon it renders and hydrates, and how
// smooth a pointer drag across columns is (frame times recorded by requestAnimationFrame in the
// page, and the time the page spends handling each pointer move). Run by scripts/bench-board.sh
// against its own server (KEEL_BENCH_URL); prints figures ("bench| ...") and asserts no timings.
import { test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { signIn } from '../tests/fixtures';

const LOADS = 5;
const PAGES = Number(process.env.KEEL_BENCH_PAGES ?? '19');

const out = (line: string) => console.log(`bench| ${line}`);
const ms = (x: number) => `${x.toFixed(1).padStart(7)} ms`;
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.max(0, Math.ceil((s.length * p) / 100) - 1)] : NaN;
}
const median = (xs: number[]) => pct(xs, 50);

declare global {
  interface Window {
    __longtasks: [number, number][];
    __hydrated?: number;
    __frames: number[];
    __moves: number[];
    __recording: boolean;
  }
}

// Before any page script: long tasks from the start, and the moment the app marks itself hydrated.
function instrument() {
  window.__longtasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no long task timing
  }
  new MutationObserver((_, observer) => {
    if (document.body?.hasAttribute('data-hydrated')) {
      window.__hydrated = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-hydrated'] });
  // Pointer moves: from the first listener (window, capture) to the last (window, bubble), i.e.
  // the app's handling of each move, rendering not included; recorded only during a drag.
  window.__moves = [];
  let start = 0;
  window.addEventListener('pointermove', () => (start = performance.now()), { capture: true });
  window.addEventListener('pointermove', () => {
    if (window.__recording) window.__moves.push(performance.now() - start);
  });
}

type Load = { html: number; fcp: number; dcl: number; hydrated: number; longTasks: number; longSum: number; cards: number };

async function load(page: Page): Promise<Load> {
  await page.goto('/pipeline');
  await page.locator('body[data-hydrated]').waitFor();
  await page.locator('section.column [data-deal]').first().waitFor();
  // Let the paint entries and the last long tasks land.
  await page.waitForTimeout(300);
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const fcp = performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint');
    const upTo = window.__hydrated ?? performance.now();
    const long = window.__longtasks.filter(([start]) => start <= upTo);
    return {
      html: nav.responseEnd,
      fcp: fcp?.startTime ?? NaN,
      dcl: nav.domContentLoadedEventEnd,
      hydrated: window.__hydrated ?? NaN,
      longTasks: long.length,
      longSum: long.reduce((s, [, d]) => s + d, 0),
      cards: document.querySelectorAll('[data-deal]').length,
    };
  });
}

const columns = (page: Page) => page.locator('section.column');

/** Drags the first card of column `from` along `path` (points relative to the page) and drops it,
 *  recording frames and pointer-move handling; returns the figures and the deal's id. */
async function drag(page: Page, from: number, path: (card: { x: number; y: number }) => { x: number; y: number; steps: number }[]) {
  const card = columns(page).nth(from).locator('[data-deal]').first();
  const deal = (await card.getAttribute('data-deal'))!;
  const box = (await card.boundingBox())!;
  const start = { x: box.x + 20, y: box.y + 15 };
  await page.mouse.move(start.x, start.y);
  await page.evaluate(() => {
    window.__frames = [];
    window.__moves = [];
    window.__recording = true;
    let last = 0;
    const frame = (t: number) => {
      if (last) window.__frames.push(t - last);
      last = t;
      if (window.__recording) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  const cards = await page.locator('[data-deal]').count();
  const t0 = Date.now();
  await page.mouse.down();
  await page.mouse.move(start.x + 30, start.y + 20, { steps: 4 });
  await page.locator('.drop-zones.visible').waitFor();
  for (const p of path(start)) await page.mouse.move(p.x, p.y, { steps: p.steps });
  // Board reloads after the drop: the live event of our own move, unless the app knew it already.
  let reloads = 0;
  const count = (r: { url: () => string }) => void (r.url().includes('/api/board') && reloads++);
  page.on('request', count);
  await page.mouse.up();
  const dragMs = Date.now() - t0;
  // The frames of the drop itself count too.
  await page.waitForTimeout(200);
  const { frames, moves } = await page.evaluate(() => {
    window.__recording = false;
    return { frames: window.__frames, moves: window.__moves };
  });
  await page.waitForTimeout(800);
  page.off('request', count);
  return { deal, frames, moves, dragMs, cards, reloads };
}

function report(name: string, r: { frames: number[]; moves: number[]; dragMs: number; cards: number; reloads: number }) {
  const long = r.frames.filter((f) => f > 50);
  out(
    `${name}: ${r.frames.length} frames in ${r.dragMs} ms + 200 ms after the drop, frame p50 ${ms(median(r.frames))}, p95 ${ms(pct(r.frames, 95))}, ` +
      `max ${ms(Math.max(...r.frames))}; frames over 50 ms: ${long.length}`,
  );
  out(`  pointer moves handled: ${r.moves.length}, p50 ${ms(median(r.moves))}, p95 ${ms(pct(r.moves, 95))}, max ${ms(Math.max(...r.moves))}`);
  out(`  board reloads (/api/board) within 1 s of the drop: ${r.reloads}`);
}

/** The rightmost column whose middle is within the viewport (the board scrolls sideways). */
async function lastVisibleColumn(page: Page): Promise<number> {
  const width = page.viewportSize()!.width;
  const n = await columns(page).count();
  let last = 0;
  for (let i = 0; i < n; i++) {
    const b = (await columns(page).nth(i).boundingBox())!;
    if (b.x + b.width / 2 < width - 60) last = i;
  }
  return last;
}

async function landed(page: Page, column: Locator, deal: string): Promise<void> {
  await column.locator(`[data-deal="${deal}"]`).waitFor();
}

test('the board of thousands of deals: first render and a drag', async ({ page }) => {
  if (!process.env.KEEL_BENCH_URL) throw new Error('KEEL_BENCH_URL must be set (scripts/bench-board.sh sets it)');
  await page.addInitScript(instrument);
  await signIn(page);

  const loads: Load[] = [];
  for (let i = 0; i < LOADS; i++) loads.push(await load(page));
  const counts = await page.locator('section.column .column-figures .count').allTextContents();
  const total = counts.reduce((s, c) => s + Number(c.replace(/\D/g, '') || 0), 0);
  out(`board: ${counts.length} columns, ${total} open deals, ${loads[0].cards} cards in the page`);
  const row = (name: string, f: (l: Load) => number) =>
    out(`${name.padEnd(36)} first ${ms(f(loads[0]))}, then median ${ms(median(loads.slice(1).map(f)))} (of ${LOADS - 1})`);
  row('HTML received (responseEnd)', (l) => l.html);
  row('first contentful paint', (l) => l.fcp);
  row('DOMContentLoaded', (l) => l.dcl);
  row('hydrated (body[data-hydrated])', (l) => l.hydrated);
  row('long tasks until hydrated, total', (l) => l.longSum);
  out(`  long tasks until hydrated, count: first ${loads[0].longTasks}, then median ${median(loads.slice(1).map((l) => l.longTasks))}`);

  // Drag 1: the first card of the first column across the board, down the target column, drop.
  const to = await lastVisibleColumn(page);
  const target = (await columns(page).nth(to).boundingBox())!;
  const height = page.viewportSize()!.height;
  const r1 = await drag(page, 0, () => [
    { x: target.x + 60, y: target.y + 80, steps: 40 },
    { x: target.x + 60, y: Math.min(target.y + target.height, height) - 80, steps: 20 },
    { x: target.x + 60, y: target.y + 140, steps: 10 },
  ]);
  await landed(page, columns(page).nth(to), r1.deal);
  report(`drag 1 (column 1 to ${to + 1}, ${r1.cards} cards in the page)`, r1);

  // Load more pages into the first column ("more" button), then drag within and out of it.
  const first = columns(page).nth(0);
  const times: number[] = [];
  for (let i = 0; i < PAGES; i++) {
    const more = first.locator('button.more');
    if (!(await more.isVisible())) break;
    const before = await first.locator('[data-deal]').count();
    const t = Date.now();
    await more.click();
    await page.waitForFunction(
      ([n]) => document.querySelectorAll('section.column')[0].querySelectorAll('[data-deal]').length > n,
      [before],
      { polling: 'raf' },
    );
    times.push(Date.now() - t);
  }
  const inFirst = await first.locator('[data-deal]').count();
  if (times.length) {
    out(`"more" pages loaded into column 1: ${times.length}, click to cards shown p50 ${ms(median(times))}, max ${ms(Math.max(...times))}; column 1 now shows ${inFirst} cards`);
  }
  const col1 = (await first.boundingBox())!;
  const mid = (await columns(page).nth(Math.min(2, to)).boundingBox())!;
  const r2 = await drag(page, 0, (s) => [
    { x: s.x, y: Math.min(col1.y + col1.height, height) - 100, steps: 20 },
    { x: mid.x + 60, y: mid.y + 100, steps: 30 },
    { x: mid.x + 60, y: Math.min(mid.y + mid.height, height) - 80, steps: 20 },
  ]);
  await landed(page, columns(page).nth(Math.min(2, to)), r2.deal);
  report(`drag 2 (column 1 to ${Math.min(2, to) + 1}, ${r2.cards} cards in the page)`, r2);
});
