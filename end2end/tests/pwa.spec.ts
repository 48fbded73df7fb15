import { test, expect, loadedFiles, open, signIn, unique, reload, board, stage, LEAD, newContact, writeNote } from './fixtures';
import { chromium, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The width and height a PNG declares in its header. */
const pngSize = (b: Buffer) => [b.readUInt32BE(16), b.readUInt32BE(20)];

/** What the worker precaches: the app's files, no one's data (and the front end's, below). */
const SHELL_FILES = [
  '/shell.html', '/shell.js', '/manifest.webmanifest',
  '/favicon.svg', '/icons/icon-192.png', '/icons/icon-512.png', '/icons/maskable-512.png',
  // The route chunks' loader, which the main script imports (the suite runs the split build).
  '/pkg/__wasm_split.______________________.js',
];

/** Every chunk of the pages' code, as the split build's manifest names them. */
async function chunkFiles(page: Page): Promise<string[]> {
  const manifest: Record<string, string[]> = await page.evaluate(async () => (await fetch('/pkg/__wasm_split_manifest.json')).json());
  const chunks = [...new Set(Object.values(manifest).flat())].map((stem) => `/pkg/${stem}.wasm`);
  expect(chunks.length).toBeGreaterThan(4);
  return chunks;
}

/** The front end's files as the page names them (script, wasm, style), each named after its hash. */
async function frontFiles(page: Page): Promise<string[]> {
  const code = [...new Set((await loadedFiles(page)).filter((f) => /^\/pkg\/keel\..*\.(js|wasm)$/.test(f)))];
  const css = await page.evaluate(() => new URL((document.querySelector('link#leptos') as HTMLLinkElement).href).pathname);
  const files = [...code, css];
  expect(files).toHaveLength(3);
  for (const f of files) expect(f).toMatch(/^\/pkg\/keel\.[\w-]{8,}\.(js|wasm|css)$/);
  return files;
}

/** The keys of the data kept on this device for reading offline (IndexedDB `keel`, store `kept`). */
function keptKeys(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('keel');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('kept')) {
            db.close();
            return resolve([]);
          }
          const req = db.transaction('kept').objectStore('kept').getAllKeys();
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            db.close();
            resolve(req.result.map(String));
          };
        };
      }),
  );
}

/** Waits until the service worker is active and controls the page (a reload makes it so). */
async function controlled(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready);
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await reload(page);
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
}

test('the manifest parses, its icons load, and Chromium finds the app installable', async ({ page, keel }) => {
  await signIn(page);
  await open(page, '/pipeline');
  const href = await page.locator('link[rel=manifest]').getAttribute('href');
  expect(href).toBe('/manifest.webmanifest');
  const manifest = await (await page.request.get(href!)).json();
  expect(manifest).toMatchObject({ name: 'Keel CRM', short_name: 'Keel', scope: '/', display: 'standalone', theme_color: '#0f4c81' });
  expect(manifest.shortcuts.map((s: { url: string }) => s.url)).toEqual(['/pipeline', '/contacts/new']);
  const sizes: string[] = [];
  for (const icon of manifest.icons.filter((i: { type: string }) => i.type === 'image/png')) {
    const res = await page.request.get(icon.src);
    expect(res.ok()).toBe(true);
    const [w, h] = pngSize(await res.body());
    expect(`${w}x${h}`).toBe(icon.sizes);
    sizes.push(`${icon.sizes} ${icon.purpose}`);
  }
  expect(sizes).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);

  const worker = await page.request.get('/sw.js');
  expect(worker.headers()['service-worker-allowed']).toBe('/');
  expect(worker.headers()['cache-control']).toBe('no-cache');
  expect(await worker.text()).toContain(`const VERSION = '${worker.headers()['x-keel-version']}';`);

  await controlled(page);
  // Chromium never offers to install from an incognito profile (which every test context is), so
  // the check runs in a browser with a profile on disk.
  const profile = mkdtempSync(join(tmpdir(), 'keel-profile-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    baseURL: keel.url,
  });
  try {
    const installed = browser.pages()[0] ?? (await browser.newPage());
    await signIn(installed);
    await open(installed, '/pipeline');
    await controlled(installed);
    const cdp = await browser.newCDPSession(installed);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('offline, the board and visited contacts and companies open from the data kept on this device', async ({ page, context }) => {
  await signIn(page);
  const name = `Offline ${unique()}`;
  await newContact(page, name);
  await writeNote(page, `Seen before ${name}`);
  await expect(page.getByRole('list', { name: 'Timeline' }).getByText(`Seen before ${name}`)).toBeVisible();
  await controlled(page);
  const contact = page.url();
  // A company opened through the app's links (its data loaded in the browser)…
  await open(page, '/companies');
  const link = page.getByRole('table', { name: 'Companies' }).getByRole('row').nth(1).getByRole('link').first();
  const companyName = (await link.textContent())!;
  await link.click();
  await expect(page.getByRole('heading', { name: companyName, level: 1 })).toBeVisible();
  const company = page.url();
  // …the board and the contact loaded in full (their data arrived with the page).
  await board(page);
  await open(page, contact);
  await expect(page.getByRole('list', { name: 'Timeline' }).getByText(`Seen before ${name}`)).toBeVisible();
  const user = (await keptKeys(page)).find((k) => k.includes('/contact/'))!.split('/')[0];
  await expect.poll(() => keptKeys(page)).toEqual(
    expect.arrayContaining([`${user}/contact/"${contact.split('/').pop()}"`, `${user}/company/"${company.split('/').pop()}"`, expect.stringMatching(/\/pipeline\//), expect.stringMatching(/\/timeline\//)]),
  );
  // The worker's cache holds the app's files only, every page's code among them (so that a page
  // whose code this device never loaded opens offline too): no page, no server function's answer.
  const cached = await page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) paths.push(new URL(r.url).pathname);
    return paths.sort();
  });
  expect(cached).toEqual([...SHELL_FILES, ...(await frontFiles(page)), ...(await chunkFiles(page))].sort());

  await context.setOffline(true);
  // A reload: the worker answers with the app shell, and the app renders what it kept.
  await reload(page);
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Offline.' })).toContainText('Showing what was last seen at');
  await expect(page.getByRole('list', { name: 'Timeline' }).getByText(`Seen before ${name}`)).toBeVisible();
  // The app's own links: the board, from what was kept.
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Pipeline' }).click();
  await expect(page.getByRole('heading', { name: 'Pipeline', level: 1 })).toBeVisible();
  await expect(page.getByRole('list', { name: LEAD })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Offline.' })).toContainText('Showing what was last seen at');
  await open(page, company);
  await expect(page.getByRole('heading', { name: companyName, level: 1 })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Offline.' })).toContainText('Showing what was last seen at');
  // A page whose code this device never loaded (the worker precached it) opens, and says that
  // its data needs the server.
  await open(page, '/trash');
  await expect(page.getByRole('heading', { name: 'Trash', level: 1 })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('The server could not be reached');
  // A page never opened: the offline notice, whose "Try again" works once back online.
  await open(page, '/leads');
  await expect(page.getByRole('heading', { name: 'You are offline' })).toBeVisible();
  await context.setOffline(false);
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('heading', { name: 'Leads', level: 1 })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Offline.' })).toHaveCount(0);
});

test('what is kept offline is per user: another user signing in wipes it, and signing out clears it', async ({ page, context }) => {
  await signIn(page);
  await board(page);
  await expect.poll(async () => (await keptKeys(page)).some((k) => k.includes('/pipeline/'))).toBe(true);
  const admin = (await keptKeys(page)).find((k) => k.includes('/pipeline/'))!.split('/')[0];
  // The session ends without signing out (it expired); someone else signs in on this browser.
  await context.clearCookies();
  await signIn(page, 'sales2@keel.demo');
  await board(page);
  await expect.poll(async () => (await keptKeys(page)).some((k) => k.includes('/pipeline/'))).toBe(true);
  const keys = await keptKeys(page);
  expect(keys.filter((k) => k.startsWith(admin))).toEqual([]);
  expect(keys.filter((k) => k.includes('/pipeline/')).every((k) => !k.startsWith(admin))).toBe(true);

  // Signing out leaves nothing behind: offline, no one's board opens.
  await page.getByText('Sarah Miller').click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
  expect(await keptKeys(page)).toEqual([]);
  await context.setOffline(true);
  await open(page, '/pipeline');
  await expect(page.getByRole('heading', { name: 'You are offline' })).toBeVisible();
  await expect(page.getByRole('list', { name: LEAD })).toHaveCount(0);
});

test('a note logged offline is kept on the device and reaches the server once back online', async ({ page, context, keel }) => {
  await signIn(page);
  const name = `Queue ${unique()}`;
  await newContact(page, name);
  await controlled(page);
  await reload(page);

  await context.setOffline(true);
  const log = page.getByRole('region', { name: 'Log an interaction' });
  await log.getByRole('radio', { name: 'Note' }).check();
  await log.getByLabel('Details').fill(`Written on the train ${name}`);
  await log.getByRole('button', { name: 'Log it' }).click();
  await expect(log.getByRole('status').filter({ hasText: 'Saved on this device' })).toHaveText('Saved on this device; it will be sent when you are back online.');
  await expect(page.getByRole('status').filter({ hasText: 'saved on this device, waiting' })).toHaveText('1 change saved on this device, waiting to be sent.');

  // Not on the server yet: another browser does not see it.
  const other = await context.browser()!.newContext({ baseURL: keel.url });
  const second = await other.newPage();
  await signIn(second);
  await second.goto(page.url());
  await expect(second.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(second.getByText(`Written on the train ${name}`)).toHaveCount(0);

  await context.setOffline(false);
  await expect(page.getByRole('status').filter({ hasText: 'saved on this device, waiting' })).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Timeline' }).getByText(`Written on the train ${name}`)).toBeVisible();
  await second.reload();
  await expect(second.getByText(`Written on the train ${name}`)).toBeVisible();
  await other.close();
});

test('two tabs coming back online send a note kept offline once', async ({ page, context }) => {
  await signIn(page);
  const name = `Tabs ${unique()}`;
  await newContact(page, name);
  await controlled(page);
  await reload(page);
  const tab = await context.newPage();
  await open(tab, page.url());

  await context.setOffline(true);
  await writeNote(page, `Kept for two tabs ${name}`);
  await expect(page.getByRole('status').filter({ hasText: 'saved on this device, waiting' })).toHaveText('1 change saved on this device, waiting to be sent.');

  // Both tabs hear the network return and both try to send what the device kept.
  await context.setOffline(false);
  await expect(page.getByRole('status').filter({ hasText: 'saved on this device, waiting' })).toHaveCount(0);
  for (const p of [page, tab]) {
    await reload(p);
    await expect(p.getByRole('list', { name: 'Timeline' }).getByText(`Kept for two tabs ${name}`)).toHaveCount(1);
  }
  await tab.close();
});

test('a deal moved offline that someone else moved meanwhile is shown to resolve, never dropped', async ({ page, context, keel }) => {
  const PROPOSAL = 'Proposal 方案';
  const QUALIFIED = 'Qualified 已确认';
  const card = (p: Page, column: string, title: string) => stage(p, column).getByRole('listitem', { name: title, exact: true });
  const moveTo = async (p: Page, from: string, title: string, to: string) => {
    await card(p, from, title).getByRole('button', { name: `Actions for ${title}`, exact: true }).click();
    await card(p, from, title).getByRole('button', { name: to }).click();
    await expect(card(p, to, title)).toBeVisible();
  };
  await signIn(page);
  await board(page);
  await controlled(page);
  const title = (await stage(page, LEAD).getByRole('listitem').first().getAttribute('aria-label'))!;

  await context.setOffline(true);
  await moveTo(page, LEAD, title, PROPOSAL);
  await expect(page.getByRole('status').filter({ hasText: 'saved on this device, waiting' })).toHaveText('1 change saved on this device, waiting to be sent.');

  // Meanwhile a colleague moves the same deal elsewhere.
  const other = await context.browser()!.newContext({ baseURL: keel.url });
  const second = await other.newPage();
  await signIn(second);
  await board(second);
  await moveTo(second, LEAD, title, QUALIFIED);

  await context.setOffline(false);
  const problems = page.getByRole('region', { name: 'Changes the server did not take' });
  await expect(problems).toContainText(title);
  await expect(problems).toContainText('changed');
  await expect(page.getByRole('status').filter({ hasText: 'saved on this device, waiting' })).toHaveCount(0);
  // The user decides: their move, over the colleague's.
  await problems.getByRole('button', { name: `Send again ${title}` }).click();
  await expect(problems).toHaveCount(0);
  await board(second);
  await expect(card(second, PROPOSAL, title)).toBeVisible();
  await other.close();
});

test('a new release offers "Update available", and Reload runs it', async ({ page, keel }) => {
  await signIn(page);
  await board(page);
  await controlled(page);
  const release = () => page.evaluate(async () => (await fetch('/healthz')).headers.get('x-keel-version'));
  const running = await release();
  expect(running).toMatch(/^[0-9a-f]{12}$/);
  await keel.restart({ KEEL_RELEASE: `next-${running}` });
  expect(await release()).not.toBe(running);
  // The browser checks for a new worker on its own schedule; the test asks at once.
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
  const banner = page.getByRole('status').filter({ hasText: 'Update available.' });
  await expect(banner).toBeVisible();
  await Promise.all([page.waitForEvent('load'), banner.getByRole('button', { name: 'Reload' }).click()]);
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.getByRole('status').filter({ hasText: 'Update available.' })).toHaveCount(0);
  const cache = await page.evaluate(() => caches.keys());
  expect(cache.some((c) => c.includes(running!))).toBe(false);
});
