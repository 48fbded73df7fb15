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
