import { chromium } from '@playwright/test';
const base = process.env.BASE;
const out = '/tmp/shots';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const sizes = { desktop: { width: 1366, height: 900 }, tablet: { width: 820, height: 1180 } };
async function signIn(page, email = 'admin@keel.demo') {
  await page.goto(base + '/login');
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', 'keel-demo');
  await page.click('button.primary[type=submit]');
  await page.waitForURL(u => !u.pathname.startsWith('/login'));
  await page.locator('body[data-hydrated]').waitFor();
}
async function lang(page, zh) {
  const want = zh ? 'zh-CN' : 'en';
  const cur = await page.evaluate(() => document.documentElement.lang);
  if (cur !== want) { await page.click('button.lang-switch'); await page.waitForTimeout(800); }
}
for (const [size, viewport] of Object.entries(sizes)) {
  for (const zh of [false, true]) {
    const tag = `${size}-${zh ? 'zh' : 'en'}`;
    // Customer pages
    const c = await browser.newPage({ viewport });
    await c.goto(base + '/support/Service');
    await lang(c, zh);
    await c.screenshot({ path: `${out}/form-${tag}.png`, fullPage: true });
    await c.fill('input[name="input[name]"]', zh ? '王小明' : 'Web Customer');
    await c.fill('input[name="input[email]"]', `shot-${tag}@example.cn`);
    await c.fill('input[name="input[subject]"]', zh ? '打印机卡纸' : 'Printer jams every morning');
    await c.fill('textarea[name="input[description]"]', zh ? '每天早上都卡纸。' : 'It jams every morning at nine.');
    await c.click('button.primary[type=submit]');
    await c.waitForURL(/\/support\/t\//);
    const follow = c.url();
    await c.screenshot({ path: `${out}/follow-${tag}.png`, fullPage: true });
    // Agent side
    const a = await browser.newPage({ viewport });
    await signIn(a);
    await lang(a, zh);
    const id = follow.split('/support/t/')[1].split('.')[0];
    await a.goto(base + '/tickets/' + id);
    await a.locator('body[data-hydrated]').waitFor();
    await a.getByRole('radio').first().check();
    await a.locator('#m-body').fill(zh ? '我们已安排技术人员。' : 'We are sending a technician.');
    await a.locator('form button[type=submit]').last().click();
    await a.waitForTimeout(800);
    await a.locator('select[name="input[status]"]').selectOption('resolved');
    await a.locator('.ticket-side form button[type=submit]').first().click();
    await a.waitForTimeout(800);
    await c.goto(follow);
    await c.screenshot({ path: `${out}/follow-resolved-${tag}.png`, fullPage: true });
    const rate = await c.locator('a[href^="/support/rate/"]').getAttribute('href');
    await c.goto(base + rate + '?score=5');
    await c.screenshot({ path: `${out}/rate-${tag}.png`, fullPage: true });
    await c.fill('textarea[name=comment]', zh ? '很快，谢谢！' : 'Quick and kind.');
    await c.click('button.primary[type=submit]');
    await c.waitForTimeout(500);
    await c.screenshot({ path: `${out}/rated-${tag}.png`, fullPage: true });
    await a.reload();
    await a.locator('body[data-hydrated]').waitFor();
    await a.screenshot({ path: `${out}/ticket-${tag}.png`, fullPage: true });
    // Queue with bulk bar
    await a.goto(base + '/tickets?queue=open');
    await a.locator('body[data-hydrated]').waitFor();
    const boxes = a.locator('tbody input[type=checkbox]');
    await boxes.nth(0).check(); await boxes.nth(1).check();
    await a.screenshot({ path: `${out}/queue-bulk-${tag}.png` });
    // Bell
    await a.locator('details.bell > summary').click();
    await a.waitForTimeout(600);
    await a.screenshot({ path: `${out}/bell-${tag}.png` });
    // Settings and tasks
    await a.goto(base + '/settings/desk');
    await a.locator('body[data-hydrated]').waitFor();
    await a.screenshot({ path: `${out}/desk-${tag}.png`, fullPage: true });
    await a.goto(base + '/activities');
    await a.locator('body[data-hydrated]').waitFor();
    await a.screenshot({ path: `${out}/tasks-${tag}.png`, fullPage: true });
    await a.close(); await c.close();
  }
}
await browser.close();
