import { test, expect, signIn } from './fixtures';

const background = (page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

test('the theme follows the system until the user picks light or dark, and the pick survives a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await signIn(page);
  const html = page.locator('html');
  await expect(html).not.toHaveAttribute('data-theme', /./);
  const systemDark = await background(page);

  await page.emulateMedia({ colorScheme: 'light' });
  const systemLight = await background(page);
  expect(systemLight).not.toBe(systemDark);

  await page.getByLabel('User menu').click();
  const theme = page.getByRole('group', { name: 'Theme' });
  await theme.getByLabel('Dark').check();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  expect(await background(page)).toBe(systemDark);

  // Written by the server on the next page, before any script runs.
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  expect(await background(page)).toBe(systemDark);

  await page.locator('body[data-hydrated]').waitFor();
  await page.getByLabel('User menu').click();
  await page.getByRole('group', { name: 'Theme' }).getByLabel('System').check();
  await expect(html).not.toHaveAttribute('data-theme', /./);
  expect(await background(page)).toBe(systemLight);
});

test('compact density packs more rows on a screen, and the choice survives a reload', async ({ page }, info) => {
  await signIn(page);
  await page.goto('/contacts');
  await page.locator('body[data-hydrated]').waitFor();
  const html = page.locator('html');
  const rowHeight = () => page.getByRole('table', { name: 'Contacts' }).getByRole('row').nth(1).evaluate((r) => r.getBoundingClientRect().height);
  await expect(html).not.toHaveAttribute('data-density', /./);
  const comfortable = await rowHeight();

  await page.getByLabel('User menu').click();
  await page.getByRole('group', { name: 'Density' }).getByLabel('Compact').check();
  await expect(html).toHaveAttribute('data-density', 'compact');
  const compact = await rowHeight();
  // On a touch screen the controls keep their fingertip size; only the padding goes.
  expect(compact).toBeLessThan(comfortable);
  if (!info.project.use.hasTouch) expect(compact).toBeLessThanOrEqual(comfortable - 10);

  await page.reload();
  await expect(html).toHaveAttribute('data-density', 'compact');
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByLabel('User menu').click();
  await page.getByRole('group', { name: 'Density' }).getByLabel('Comfortable').check();
  await expect(html).not.toHaveAttribute('data-density', /./);
});
