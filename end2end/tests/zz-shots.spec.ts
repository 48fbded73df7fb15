import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect, open, signIn, unique } from './fixtures';

test('shots', async ({ page }) => {
  const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(req.url?.includes('fail') ? 500 : 200); res.end(); }); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await signIn(page);
  for (const path of ['ok', 'fail']) {
    await open(page, '/settings/webhooks');
    await page.getByText('New webhook').click();
    await page.getByLabel('Address (URL)').fill(`http://127.0.0.1:${port}/${path}/${unique()}`);
    await page.getByRole('checkbox', { name: 'contact.*', exact: true }).check();
    await page.getByRole('checkbox', { name: 'deal.won' }).check();
    await page.getByRole('checkbox', { name: /Allow a private/ }).check();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await expect(page.getByRole('heading', { name: 'Webhook added' })).toBeVisible();
  }
  await page.screenshot({ path: '/tmp/shots/created-desktop-en.png', fullPage: true });
  for (let i = 0; i < 3; i++) {
    await open(page, '/contacts/new');
    await page.getByLabel('Full name').fill(`Shot ${unique()}`);
    await page.getByRole('button', { name: 'Create contact' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }
  await page.waitForTimeout(4000);
  for (const [size, vp] of [['desktop', { width: 1440, height: 900 }], ['tablet', { width: 1024, height: 768 }]] as const) {
    await page.setViewportSize(vp);
    for (const lang of ['en', 'zh-CN']) {
      await open(page, '/settings/webhooks');
      if ((await page.locator('html').getAttribute('lang')) !== lang) {
        await page.getByRole('button', { name: lang === 'en' ? 'English' : '中文' }).click();
        await expect(page.locator('html')).toHaveAttribute('lang', lang);
      }
      await page.locator('table.webhooks tbody tr').last().getByRole('button').first().click();
      await expect(page.locator('table.deliveries')).toBeVisible();
      await page.locator('details.new-policy summary').click();
      await page.screenshot({ path: `/tmp/shots/webhooks-${size}-${lang}.png`, fullPage: true });
    }
  }
  await page.getByRole('button', { name: 'English' }).click();
  server.close();
});
