import { test, expect, open, signIn, unique, section } from './fixtures';

test('a deleted contact waits in the trash and comes back with its history; a forgotten one is gone', async ({ page }) => {
  await signIn(page);
  const tag = unique();
  const [kept, forgotten] = [`Trash ${tag} A`, `Trash ${tag} B`];
  await open(page, '/contacts/import');
  await page.getByLabel('CSV file').setInputFiles({ name: 'trash.csv', mimeType: 'text/csv', buffer: Buffer.from(`Name\n${kept}\n${forgotten}\n`) });
  await page.getByRole('button', { name: 'Upload and preview' }).click();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('2 created')).toBeVisible();

  // A note on the first, then it goes to the trash.
  await open(page, `/contacts?q=${tag}&sort=name`);
  const table = page.getByRole('table', { name: 'Contacts' });
  await table.getByRole('link', { name: kept }).click();
  const log = page.getByRole('region', { name: 'Log an interaction' });
  await log.getByLabel('Details').fill(`Met ${tag} at the fair`);
  await log.getByRole('button', { name: 'Log it' }).click();
  await expect(page.getByRole('list', { name: 'Timeline' }).getByText(`Met ${tag} at the fair`)).toBeVisible();
  await open(page, `/contacts?q=${tag}&sort=name`);
  await table.getByRole('checkbox', { name: `Select ${kept}` }).check();
  const bar = page.getByRole('region', { name: 'Bulk actions' });
  await bar.getByRole('button', { name: 'Delete…' }).click();
  await bar.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByText('1 changed, 0 already so.')).toBeVisible();
  await open(page, `/contacts?q=${tag}`);
  await expect(page.getByText('1 result', { exact: true })).toBeVisible();

  // Settings → Trash: restore it.
  await open(page, '/settings');
  await page.getByRole('link', { name: 'Deleted records you can restore' }).click();
  await expect(page.getByRole('heading', { name: 'Trash', level: 1 })).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(kept) });
  await expect(row).toContainText('30 days');
  await row.getByRole('button', { name: `Restore ${kept}` }).click();
  await expect(page.getByRole('row', { name: new RegExp(kept) })).toHaveCount(0);
  await open(page, `/contacts?q=${tag}&sort=name`);
  await table.getByRole('link', { name: kept }).click();
  await expect(page.getByRole('list', { name: 'Timeline' }).getByText(`Met ${tag} at the fair`)).toBeVisible();

  // An administrator forgets the other for good.
  await open(page, `/contacts?q=${tag}&sort=name`);
  await table.getByRole('link', { name: forgotten }).click();
  await expect(page.getByRole('heading', { name: forgotten, level: 1 })).toBeVisible();
  await section(page, 'Details');
  await page.getByRole('button', { name: 'Forget this person' }).click();
  await expect(page.getByRole('alert')).toContainText(`Forget ${forgotten} for good?`);
  await page.getByRole('button', { name: 'Forget for good' }).click();
  await expect(page).toHaveURL(/\/contacts$/);
  await open(page, `/contacts?q=${tag}`);
  await expect(page.getByText('1 result', { exact: true })).toBeVisible();
  await open(page, '/trash');
  await expect(page.getByRole('row', { name: new RegExp(forgotten) })).toHaveCount(0);
});
