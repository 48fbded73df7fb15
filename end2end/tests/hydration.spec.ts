import { test, expect, open, pageErrors, section, signIn, unique, newContact, writeNote } from './fixtures';

test('record pages opened directly hydrate without an error and load what they list', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page);
  const name = `Hydrate ${unique()}`;
  await newContact(page, name);
  const contact = page.url();

  // Loaded in full (as a bookmark or the offline copy would be): the page comes alive.
  await open(page, contact);
  await section(page, 'Related');
  await expect(page.getByRole('region', { name: 'Deals' })).toContainText('No deals yet.');
  await section(page, 'Activity');
  await expect(page.getByRole('region', { name: 'Timeline' })).toBeVisible();
  await writeNote(page, `Hydrated ${name}`);
  await expect(page.getByRole('list', { name: 'Timeline' }).getByText(`Hydrated ${name}`)).toBeVisible();

  // A demo company, with its contacts listed once the page is alive.
  await open(page, '/companies');
  const company = page.getByRole('table', { name: 'Companies' }).getByRole('row').nth(1).getByRole('link').first();
  const companyName = (await company.textContent())!;
  await company.click();
  await expect(page.getByRole('heading', { name: companyName, level: 1 })).toBeVisible();
  await open(page, page.url());
  await section(page, 'Related');
  const contacts = page.getByRole('region', { name: 'Contacts' });
  await expect(contacts.getByRole('listitem').first().or(contacts.getByText("No contacts yet."))).toBeVisible();
  expect(errors).toEqual([]);
});

test('every route comes alive loaded in full and reached through the app, with no error', async ({ page }) => {
  const errors = pageErrors(page);
  await signIn(page);
  await open(page, '/contacts');
  const ids = await page.getByRole('table', { name: 'Contacts' }).locator('tbody tr td a').evaluateAll((links) =>
    links.map((a) => a.getAttribute('href')!).filter((h) => /^\/contacts\/[0-9a-f-]{36}$/.test(h)).map((h) => h.split('/').pop()!).slice(0, 2),
  );
  // Some of these load their code only when first opened (see app/src/shell/parts.rs).
  const routes: [string, string][] = [
    ['/pipeline', 'Pipeline'],
    ['/contacts', 'Contacts'],
    ['/companies', 'Companies'],
    ['/leads', 'Leads'],
    ['/tickets', 'Tickets'],
    ['/tickets/new', 'New ticket'],
    ['/activities', 'My tasks'],
    ['/settings', 'Settings'],
    ['/settings/pipelines', 'Pipelines and stages'],
    ['/settings/audit', 'Audit log'],
    ['/settings/desk', 'Service desk'],
    ['/trash', 'Trash'],
    ['/duplicates', 'Duplicates'],
    ['/contacts/import', 'Import contacts'],
    [`/merge?kind=contacts&a=${ids[0]}&b=${ids[1]}`, 'Merge contacts'],
  ];
  for (const [path, title] of routes) {
    await open(page, path);
    await expect(page.getByRole('heading', { level: 1 }), path).toHaveText(title);
  }
  // Through the app's own links (the router, not the server), from a page that is alive.
  for (const [path, title] of routes) {
    await page.evaluate((href) => {
      const a = document.createElement('a');
      a.href = href;
      a.textContent = 'go';
      document.querySelector('main')!.append(a);
      a.click();
    }, path);
    await expect(page.getByRole('heading', { level: 1 }), path).toHaveText(title);
  }
  expect(errors).toEqual([]);
});

test.describe(() => {
  // The worker precaches every chunk and would answer for the network this test holds back.
  test.use({ serviceWorkers: 'block' });

  test("what the browser says while a lazy page's code still loads does not break its hydration", async ({ page }) => {
    const errors = pageErrors(page);
    await signIn(page);
    // Hold the code of My tasks (in the records part, loaded on its own: see app/src/shell/parts.rs) until
    // the browser has said something that changes what the page shows: it went offline.
    let held!: () => void;
    const chunkRequested = new Promise<void>((resolve) => (held = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/pkg\/split_[^/]*records_route[^/]*\.wasm$/, async (route) => {
      held();
      await released;
      await route.continue();
    });
    await page.goto('/activities', { waitUntil: 'domcontentloaded' });
    await chunkRequested;
    await page.evaluate(() => window.dispatchEvent(new Event('offline')));
    release();
    await expect(page.locator('body[data-hydrated=true]')).toBeAttached();
    await expect(page.getByRole('heading', { name: 'My tasks', level: 1 })).toBeVisible();
    expect(errors).toEqual([]);
    // The page is alive, and hears the browser from now on.
    await page.evaluate(() => window.dispatchEvent(new Event('offline')));
    await expect(page.getByRole('status').filter({ hasText: 'Offline.' })).toBeVisible();
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect(page.getByRole('status').filter({ hasText: 'Offline.' })).toHaveCount(0);
    expect(errors).toEqual([]);
  });
});

test('a page that answers with an error (not allowed, not found) comes alive without an error', async ({ page }) => {
  const errors = pageErrors(page);
  const failures: string[] = [];
  const none = '00000000-0000-4000-8000-000000000000';
  const other = '00000000-0000-4000-8000-000000000001';
  const notFound = ['contacts', 'companies', 'leads', 'deals', 'imports'].map((kind) => `/${kind}/${none}`);
  // A read-only user: every page, those that refuse them included, and records that do not exist.
  for (const [who, routes] of [
    ['viewer@keel.demo', ['/settings/pipelines', '/settings/audit', '/trash', '/duplicates', `/merge?kind=contacts&a=${none}&b=${other}`, ...notFound]],
    ['sales@keel.demo', ['/settings/pipelines', '/settings/audit', `/merge?kind=companies&a=${none}&b=${other}`]],
  ] as const) {
    await page.context().clearCookies();
    await signIn(page, who);
    for (const path of routes) {
      await page.goto(path);
      const alive = await page
        .locator('body[data-hydrated]')
        .waitFor({ timeout: 10_000 })
        .then(() => true, () => false);
      const alert = await page.getByRole('alert').first().isVisible();
      if (!alive || !alert || errors.length) failures.push(`${who} ${path}: alive ${alive}, alert ${alert}, ${errors.join(' | ').slice(0, 200)}`);
      errors.length = 0;
    }
  }
  expect(failures).toEqual([]);
});

test("a lazy page's code loads when a pointer rests on a link to it or the keyboard reaches one, before it is opened", async ({ page }) => {
  const errors = pageErrors(page);
  await signIn(page);
  await open(page, '/settings');
  const chunks: string[] = [];
  page.on('request', (r) => {
    const name = r.url().split('/').pop()!;
    if (name.startsWith('split___')) chunks.push(name);
  });
  // Nothing loads ahead unasked.
  await page.waitForTimeout(500);
  expect(chunks).toEqual([]);

  // The settings page is in the records part; its cards lead to the tools part, and the main
  // navigation to the lists part.
  const audit = page.getByRole('link', { name: /Audit log/ });
  await audit.hover();
  await expect.poll(() => chunks.some((c) => c.startsWith('split___tools_route_view'))).toBe(true);
  const contacts = page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Contacts' });
  await contacts.focus();
  await expect.poll(() => chunks.some((c) => c.startsWith('split___lists_route_view'))).toBe(true);

  // Opened afterwards, the page comes alive without asking for its code again.
  const before = chunks.length;
  await audit.click();
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  expect(chunks.length).toBe(before);
  expect(errors).toEqual([]);
});

test("hydration takes over the page the server sent: it removes none of the server's elements", async ({ page }) => {
  // A page that hydration rebuilt instead of adopting would look the same, but it would paint its
  // largest element again once the code had run (a late Largest Contentful Paint on a tablet).
  await page.addInitScript(() => {
    const removed: string[] = [];
    (window as unknown as { removedByApp: string[] }).removedByApp = removed;
    new MutationObserver((records) => {
      for (const r of records)
        for (const n of r.removedNodes)
          // A panel that loads in the browser (a record's timeline, its related lists) replaces
          // its skeleton: that is its loading state, not the server's page rebuilt.
          if (n instanceof Element && !n.classList.contains('skeleton')) removed.push(`${n.tagName.toLowerCase()}.${n.className} in ${(r.target as Element).tagName?.toLowerCase()}.${(r.target as Element).className ?? ''}`);
    }).observe(document, { childList: true, subtree: true });
  });
  const errors = pageErrors(page);
  await signIn(page);
  await open(page, '/contacts');
  const contact = await page.getByRole('table', { name: 'Contacts' }).locator('tbody tr td a').first().getAttribute('href');
  for (const path of ['/pipeline', '/contacts', contact!, '/companies', '/leads', '/activities', '/settings', '/settings/audit']) {
    await open(page, path);
    expect(await page.evaluate(() => (window as unknown as { removedByApp: string[] }).removedByApp), path).toEqual([]);
  }
  expect(errors).toEqual([]);
});
