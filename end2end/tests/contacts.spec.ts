import { test, expect, open, signIn, unique, section } from './fixtures';
import type { Page } from '@playwright/test';

async function createContact(page: Page, name: string, email: string): Promise<string> {
  await open(page, '/contacts/new');
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Emails').fill(email);
  await page.getByRole('button', { name: 'Create contact' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  return page.url();
}

test('a bad email shows a field error; fixed, the contact is saved and found by search', async ({ page }) => {
  await signIn(page);
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Contacts' }).click();
  await page.getByRole('link', { name: 'New contact' }).click();
  const name = `Tester ${unique()}`;
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Emails').fill('not-an-email');
  await page.getByLabel('Phones').fill('+86 138 0013 8000');
  await page.getByRole('button', { name: 'Create contact' }).click();
  await expect(page.getByText('Enter a valid email address.')).toBeVisible();
  await expect(page.getByLabel('Emails')).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(/\/contacts\/new$/);

  const email = `${name.replace(' ', '.').toLowerCase()}@example.com`;
  await page.getByLabel('Emails').fill(email);
  await page.getByRole('button', { name: 'Create contact' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/contacts\/[0-9a-f-]{36}$/);

  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Contacts' }).click();
  await page.getByRole('searchbox').fill(email.slice(0, 12));
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=/);
  await expect(page.getByRole('table', { name: 'Contacts' }).getByRole('link', { name })).toBeVisible();
  // The view lives in the URL: a reload shows the same result.
  await page.reload();
  await expect(page.getByRole('table', { name: 'Contacts' }).getByRole('link', { name })).toBeVisible();
});

test('a two-character Chinese name is found', async ({ page }) => {
  await signIn(page);
  const name = `王伟${unique()}`;
  await createContact(page, name, '');
  await open(page, '/contacts?q=' + encodeURIComponent('王伟'));
  await expect(page.getByRole('table', { name: 'Contacts' }).getByRole('link', { name })).toBeVisible();
});

test('two people editing one contact get a conflict, not a lost update', async ({ page, browser, baseURL }) => {
  await signIn(page);
  const name = `Shared ${unique()}`;
  const url = await createContact(page, name, '');

  const other = await browser.newContext({ baseURL, viewport: page.viewportSize()! });
  const theirs = await other.newPage();
  await signIn(theirs);
  await open(theirs, url);

  await page.getByRole('button', { name: 'Edit' }).click();
  await theirs.getByRole('button', { name: 'Edit' }).click();

  await theirs.getByLabel('Job title').fill('Alpha');
  await theirs.getByRole('button', { name: 'Save' }).click();
  await expect(theirs.getByText('Saved.')).toBeVisible();

  await page.getByLabel('Job title').fill('Beta');
  await page.getByRole('button', { name: 'Save' }).click();
  const conflict = page.getByRole('alert').filter({ hasText: 'Someone else saved this record' });
  await expect(conflict).toBeVisible();
  await expect(conflict.getByText('Alpha')).toBeVisible();

  await page.getByRole('button', { name: 'Keep mine and overwrite' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Details' }).getByText('Beta')).toBeVisible();
  await theirs.reload();
  await theirs.locator('body[data-hydrated]').waitFor();
  await section(theirs, 'Details');
  await expect(theirs.getByRole('region', { name: 'Details' }).getByText('Beta')).toBeVisible();
  await other.close();
});

test("a sales user cannot open another team's contact by URL", async ({ page, browser, baseURL }) => {
  await signIn(page, 'sales2@keel.demo');
  const name = `West only ${unique()}`;
  const url = await createContact(page, name, '');

  const east = await browser.newContext({ baseURL, viewport: page.viewportSize()! });
  const eastPage = await east.newPage();
  await signIn(eastPage, 'sales@keel.demo');
  await eastPage.goto(url);
  // 王伟 works in Chinese: the message comes in his language.
  await expect(eastPage.getByRole('alert')).toHaveText('未找到该内容。');
  await expect(eastPage.getByText(name)).toHaveCount(0);
  await east.close();
});

test('the contact form states the longest text each field takes, as the server checks it', async ({ page }) => {
  await signIn(page);
  await open(page, '/contacts/new');
  await expect(page.getByLabel('Full name')).toHaveAttribute('maxlength', '200');
  await expect(page.getByLabel('Address')).toHaveAttribute('maxlength', '500');
  await expect(page.getByLabel('Notes')).toHaveAttribute('maxlength', '10000');
  await expect(page.getByLabel('Tags')).toHaveAttribute('maxlength', '2000');
});
