import { test, expect, open, section, signIn, unique, newContact, writeNote } from './fixtures';

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
