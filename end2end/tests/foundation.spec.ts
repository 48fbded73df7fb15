import { test, expect, loadedFiles, open, pageErrors, signIn, CLI_ADMIN } from './fixtures';

test('an anonymous visitor is sent to sign in and lands on the pipeline after it', async ({ page }) => {
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/login\?next=%2Fsettings|\/login\?next=\/settings/);
  await page.getByLabel('Email').fill('admin@keel.demo');
  await page.getByLabel('Password').fill('keel-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Pipeline' }).click();
  await expect(page.getByRole('heading', { name: 'Pipeline', level: 1 })).toBeVisible();
  // Demo data: the main pipeline with its first stage.
  await page.locator('summary').filter({ hasText: '销售 Sales' }).click();
  await expect(page.getByRole('link', { name: '销售 Sales' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('list', { name: 'Lead 线索' })).toBeVisible();
});

test('a wrong password shows one message, the same as an unknown user', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill('admin@keel.demo');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');
  await expect(page).toHaveURL(/\/login/);

  await page.getByLabel('Email').fill('nobody@keel.demo');
  await page.getByLabel('Password').fill('whatever-123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');
});

test('switching to Chinese and back is remembered across reloads', async ({ page }) => {
  await signIn(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('button', { name: '中文' }).click();
  await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '联系人' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.reload();
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.getByRole('heading', { name: '首页', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Home', level: 1 })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('the sign-in page loads no code, and its forms work: the language switch and a wrong password', async ({ page }) => {
  const code: string[] = [];
  page.on('request', (r) => {
    if (/\.(wasm|js)$/.test(new URL(r.url()).pathname)) code.push(r.url());
  });
  await page.goto('/login?next=%2Fcontacts');
  await page.getByRole('button', { name: '中文' }).click();
  await expect(page.getByRole('heading', { name: '登录 Keel' })).toBeVisible();
  await expect(page.getByLabel('密码')).toBeVisible();
  // Where the sign-in leads is kept through the switch.
  await expect(page).toHaveURL(/\/login\?next=%2Fcontacts$/);
  await page.getByLabel('邮箱').fill('admin@keel.demo');
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert')).toHaveText('邮箱或密码错误。');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Keel' })).toBeVisible();
  await page.getByLabel('Email').fill('admin@keel.demo');
  await page.getByLabel('Password').fill('keel-demo');
  expect(code).toEqual([]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/contacts$/);
  // The page it leads to loads the app.
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.getByRole('heading', { name: 'Contacts', level: 1 })).toBeVisible();
});

test('logging out ends the session on the server', async ({ page, context, request, keel }) => {
  await signIn(page);
  const session = (await context.cookies()).find((c) => c.name === 'keel_session');
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe('Lax');
  await page.getByRole('banner').getByText('Alex Admin').click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/pipeline');
  await expect(page).toHaveURL(/\/login/);
  // The old cookie no longer opens anything.
  const res = await request.post(`${keel.url}/api/me`, { headers: { cookie: `keel_session=${session!.value}` } });
  expect(res.status()).toBe(401);
  expect(await res.json()).toEqual({ kind: 'unauthorized' });
});

test('a session survives a server restart', async ({ page, keel }) => {
  await signIn(page);
  await keel.restart();
  await open(page, '/settings');
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(page.getByRole('main').getByText('admin@keel.demo')).toBeVisible();
});

test('a touch tablet gets the compact navigation, a desktop the sidebar', async ({ page }, info) => {
  await signIn(page);
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  const box = (await nav.boundingBox())!;
  const viewport = page.viewportSize()!;
  if (info.project.use.hasTouch) {
    // A tab bar across the bottom edge.
    expect(Math.round(box.width)).toBe(viewport.width);
    expect(Math.round(box.y + box.height)).toBe(viewport.height);
    expect(box.height).toBeLessThan(100);
  } else {
    // A full-height sidebar on the left.
    expect(box.x).toBe(0);
    expect(box.width).toBeLessThan(300);
    expect(Math.round(box.height)).toBe(viewport.height);
  }
  await nav.getByRole('link', { name: 'Contacts' }).click();
  await expect(page.getByRole('heading', { name: 'Contacts', level: 1 })).toBeVisible();
});

test('the page hydrates under the content security policy without errors', async ({ page }) => {
  const problems = pageErrors(page);
  const res = await page.goto('/login');
  const csp = res!.headers()['content-security-policy'];
  expect(csp).toContain("script-src 'self' 'nonce-");
  expect(res!.headers()['x-content-type-options']).toBe('nosniff');
  await signIn(page);
  expect(problems).toEqual([]);
  // The bundle is served precompressed, named after its hash and kept for a year.
  const path = (await loadedFiles(page)).find((f) => f.endsWith('.wasm'));
  // Nothing preloads the code: it is asked for once the page has painted, never competing with
  // the stylesheet for the first paint.
  await expect(page.locator('link[rel=preload], link[rel=modulepreload]')).toHaveCount(0);
  const order = await page.evaluate((wasm) => {
    const start = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) => new URL(e.name).pathname === wasm)!.startTime;
    return { start, paint: performance.getEntriesByName('first-contentful-paint')[0].startTime };
  }, path);
  expect(order.start).toBeGreaterThanOrEqual(order.paint);
  expect(path).toMatch(/^\/pkg\/keel\.[\w-]{8,}\.wasm$/);
  const wasm = await page.request.get(path!, { headers: { 'accept-encoding': 'br' } });
  expect(wasm.headers()['content-encoding']).toBe('br');
  expect(wasm.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
});

test('an administrator created on the command line can sign in', async ({ page }) => {
  await signIn(page, CLI_ADMIN.email, CLI_ADMIN.password);
  await page.getByRole('link', { name: 'Settings' }).first().click();
  await expect(page.getByRole('main').getByText('Administrator')).toBeVisible();
  await expect(page.getByRole('main').getByText('CLI Admin')).toBeVisible();
});
