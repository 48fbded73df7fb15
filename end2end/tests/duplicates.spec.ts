import { test, expect, open, signIn, unique } from './fixtures';

test('creating a contact that likely exists warns with a link to it; the Duplicates page lists them', async ({ page }) => {
  await signIn(page);
  const tag = unique();
  const name = `Dup ${tag} Person`;
  await open(page, '/contacts/new');
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Emails').fill(`dup.${tag}@example.cn`);
  await page.getByRole('button', { name: 'Create contact' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();

  // The same email in another case: a warning names the existing contact and links to it.
  await open(page, '/contacts/new');
  await page.getByLabel('Full name').fill(`Someone ${tag}`);
  await page.getByLabel('Emails').fill(`DUP.${tag}@Example.cn`);
  await page.getByLabel('Emails').blur();
  const warning = page.getByRole('status', { name: 'Possible duplicates' });
  await expect(warning).toContainText('This may already exist:');
  await expect(warning.getByRole('listitem')).toContainText('same email');
  // Created anyway (the warning never blocks), both now show on the Duplicates page.
  await page.getByRole('button', { name: 'Create contact' }).click();
  await expect(page.getByRole('heading', { name: `Someone ${tag}`, level: 1 })).toBeVisible();

  await open(page, '/settings');
  await page.getByRole('link', { name: 'Records that may be the same' }).click();
  const row = page.getByRole('row', { name: new RegExp(`dup\\.${tag}@example\\.cn`) });
  await expect(row.getByRole('link', { name })).toBeVisible();
  await row.getByRole('link', { name: `Someone ${tag}` }).click();
  await expect(page.getByRole('heading', { name: `Someone ${tag}`, level: 1 })).toBeVisible();

  // A similar company name warns too.
  await open(page, '/companies/new');
  await page.getByLabel('Company name').fill(`Acme ${tag} Trading`);
  await page.getByRole('button', { name: 'Create company' }).click();
  await expect(page.getByRole('heading', { name: `Acme ${tag} Trading`, level: 1 })).toBeVisible();
  await open(page, '/companies/new');
  await page.getByLabel('Company name').fill(`acme ${tag} trading`);
  await page.getByLabel('Company name').blur();
  await expect(page.getByRole('status', { name: 'Possible duplicates' }).getByRole('link', { name: `Acme ${tag} Trading` })).toBeVisible();
});
