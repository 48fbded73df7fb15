// Starts a real keel on a free port with a fresh, demo-seeded database for each test worker,
// and gives tests a way to restart it.
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export type Keel = {
  url: string;
  restart: (env?: Record<string, string>) => Promise<void>;
  /** Runs SQL against this keel's database (to set up what only time would bring, such as a due time already past). */
  sql: (query: string) => string;
};

const KEEL_BIN = process.env.KEEL_BIN ?? '';
const BASE_DB = process.env.DATABASE_URL ?? '';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function databaseUrl(name: string): string {
  const u = new URL(BASE_DB);
  u.pathname = `/${name}`;
  return u.toString();
}

async function waitHealthy(url: string, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`keel exited with ${proc.exitCode}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('keel did not become healthy within 60 s');
}

function stop(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
  });
}

/** Starts a keel of its own on a fresh, demo-seeded database named `db`. */
export async function startKeel(db: string): Promise<{ keel: Keel; stop: () => Promise<void> }> {
  if (!KEEL_BIN || !BASE_DB) throw new Error('KEEL_BIN and DATABASE_URL must be set (make test sets them)');
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl(db),
    KEEL_LOG: process.env.KEEL_LOG ?? 'warn',
    // Breaches are told within a second, so a test sees one live.
    KEEL_BREACH_SCAN_SECS: '1',
  };
  execFileSync(KEEL_BIN, ['seed-demo'], { env, stdio: 'ignore' });
  // The password never goes on the command line (it would show in `ps`).
  execFileSync(KEEL_BIN, ['create-admin', '--email', CLI_ADMIN.email, '--name', 'CLI Admin'], {
    env: { ...env, KEEL_ADMIN_PASSWORD: CLI_ADMIN.password },
    stdio: 'ignore',
  });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const start = async (extra: Record<string, string> = {}) => {
    const proc = spawn(KEEL_BIN, ['serve'], { env: { ...env, ...extra, KEEL_ADDR: `127.0.0.1:${port}` }, stdio: ['ignore', 'ignore', 'inherit'] });
    await waitHealthy(url, proc);
    return proc;
  };
  let proc = await start();
  return {
    keel: {
      url,
      /** Stops the server and starts it again (with `env` added, e.g. another release). */
      restart: async (extra?: Record<string, string>) => {
        await stop(proc);
        proc = await start(extra);
      },
      sql: (query: string) =>
        execFileSync('psql', [databaseUrl(db), '-tAqc', query], { encoding: 'utf8' }).trim(),
    },
    stop: () => stop(proc),
  };
}

/** A worker fixture: a keel of the worker's own on a fresh database named after `prefix`. */
export function ownKeel(prefix: string) {
  return [
    async ({}, use: (k: Keel) => Promise<void>, workerInfo: { workerIndex: number }) => {
      const started = await startKeel(`${prefix}_${Date.now()}_${workerInfo.workerIndex}`);
      await use(started.keel);
      await started.stop();
    },
    { scope: 'worker' },
  ] as const;
}

export const test = base.extend<{}, { keel: Keel }>({
  keel: ownKeel('keel_e2e'),
  baseURL: async ({ keel }, use) => use(keel.url),
});

export { expect };

/** The errors the page reports from now on (uncaught, or written to the console as errors). */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

/** The paths of the files this page has loaded so far (scripts, wasm, styles, fetches). */
export function loadedFiles(page: Page): Promise<string[]> {
  return page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
}

/** Opens `path` and waits until the WASM app has hydrated the server-rendered page. */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.locator('body[data-hydrated]').waitFor();
}

/** Reloads the page and waits until the WASM app has hydrated it again (before that, presses and
 *  drags land on server-rendered markup that nothing listens to yet). */
export async function reload(page: Page): Promise<void> {
  await page.reload();
  await page.locator('body[data-hydrated]').waitFor();
}

/** Creates a contact named `name` from the New contact form; the page shows it when this returns. */
export async function newContact(page: Page, name: string): Promise<void> {
  await open(page, '/contacts/new');
  await page.getByLabel('Full name').fill(name);
  await page.getByRole('button', { name: 'Create contact' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
}

/** Logs a note on the record page open in `page` (what follows is the caller's to check). */
export async function writeNote(page: Page, text: string): Promise<void> {
  const log = page.getByRole('region', { name: 'Log an interaction' });
  await log.getByRole('radio', { name: 'Note' }).check();
  await log.getByLabel('Details').fill(text);
  await log.getByRole('button', { name: 'Log it' }).click();
}

/** A short random tag that keeps a test's records apart from every other test's in the shared database. */
/** Opens a section of a record page: a tab below 1280 px; wider, every section is in view. */
export async function section(page: Page, name: string): Promise<void> {
  const tab = page.getByRole('tab', { name, exact: true });
  if (await tab.isVisible()) await tab.click();
}

export const unique = () => Math.random().toString(36).slice(2, 8);

/** The demo's first stage, and a stage's column (a list named after the stage). */
export const LEAD = 'Lead 线索';
export const stage = (page: Page, name: string) => page.getByRole('list', { name });

/** Opens the pipeline board (with `query`) and waits for its first column. */
export async function board(page: Page, query = ''): Promise<void> {
  await open(page, `/pipeline${query}`);
  await expect(stage(page, LEAD)).toBeVisible();
}

export const DEMO_PASSWORD = 'keel-demo';
/** An administrator made with `keel create-admin` (no prompt) before the server starts. */
export const CLI_ADMIN = { email: 'ops@keel.test', password: 'ops-password-1' };

/** Signs in through the login form like a person would. */
export async function signIn(page: Page, email = 'admin@keel.demo', password = DEMO_PASSWORD): Promise<void> {
  // The sign-in page loads no code (its forms are plain forms): nothing to wait for.
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Signed in: the app loads afresh (in the user's own language) away from the sign-in page.
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.getByRole('navigation').first()).toBeVisible();
}

/** Drags `from` to the point (x, y) like the project's user would: a mouse that presses and moves,
 *  or a finger that rests on the card first (a quick swipe scrolls instead). */
export async function drag(page: Page, touch: boolean, from: Locator, x: number, y: number) {
  // Hover waits until the card stands still, so the press lands on it.
  await from.hover({ position: { x: 20, y: 15 } });
  const box = (await from.boundingBox())!;
  const sx = box.x + 20, sy = box.y + 15;
  if (touch) {
    const cdp = await page.context().newCDPSession(page);
    const at = (px: number, py: number) => [{ x: px, y: py, id: 1 }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(sx, sy) });
    await page.waitForTimeout(450);
    for (let i = 1; i <= 10; i++) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(sx + ((x - sx) * i) / 10, sy + ((y - sy) * i) / 10) });
    }
    await expect(page.locator('.drop-zones.visible')).toBeVisible();
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  } else {
    await page.mouse.down();
    await page.mouse.move(sx + 20, sy + 20, { steps: 3 });
    await expect(page.locator('.drop-zones.visible')).toBeVisible();
    await page.mouse.move(x, y, { steps: 10 });
    await page.mouse.up();
  }
  // Dropped: nothing is left lifted.
  await expect(page.locator('.drop-zones.visible')).toHaveCount(0);
  await expect(page.locator('[aria-grabbed="true"]')).toHaveCount(0);
}
