import { test, expect, open, signIn, unique, writeNote, section } from './fixtures';

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
  await expect(row.getByRole('link', { name, exact: true })).toBeVisible();
  await row.getByRole('link', { name: `Someone ${tag}`, exact: true }).click();
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

test('two contacts are merged field by field, keeping the timeline of both', async ({ page }) => {
  await signIn(page);
  const tag = unique();
  const email = `merge.${tag}@example.cn`;
  const create = async (name: string, title: string, emails: string, note: string) => {
    await open(page, '/contacts/new');
    await page.getByLabel('Full name').fill(name);
    await page.getByLabel('Job title').fill(title);
    await page.getByLabel('Emails').fill(emails);
    await page.getByRole('button', { name: 'Create contact' }).click();
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
    await writeNote(page, note);
    await expect(page.getByRole('list', { name: 'Timeline' }).getByText(note)).toBeVisible();
  };
  await create(`Merge ${tag} Li`, 'Buyer', email, `First note ${tag}`);
  const first = new URL(page.url()).pathname;
  await create(`Merge ${tag} 李娜`, 'CTO', `${email}, lina.${tag}@example.cn`, `Second note ${tag}`);

  // The Duplicates page pairs them, with a link to merge them.
  await open(page, '/duplicates?kind=contacts');
  const row = page.getByRole('row', { name: new RegExp(`merge\\.${tag}@example\\.cn`) });
  await expect(row.getByRole('link', { name: `Merge Merge ${tag} Li · Merge ${tag} 李娜` })).toBeVisible();

  // From the first one's page, "Merge with…" offers the other as a likely duplicate, and a
  // search finds it too.
  await open(page, first);
  await page.locator('summary').filter({ hasText: 'Merge with…' }).click();
  const likely = page.getByRole('list', { name: 'Likely duplicates' });
  await expect(likely.getByRole('listitem')).toHaveCount(1);
  await expect(likely.getByRole('listitem')).toContainText('same email');
  await page.getByLabel('Find the other record').fill(`${tag} 李`);
  const found = page.getByRole('list', { name: 'Found' });
  await expect(found.getByRole('link')).toHaveText([`Merge ${tag} 李娜`]);
  await page.getByLabel('Find the other record').fill(`${tag} nobody`);
  await expect(page.getByRole('status').filter({ hasText: 'Nothing found.' })).toBeVisible();
  await page.getByLabel('Find the other record').fill('');
  await likely.getByRole('link', { name: `Merge ${tag} 李娜` }).click();
  await expect(page.getByRole('heading', { name: 'Merge contacts', level: 1 })).toBeVisible();
  const keep = page.getByRole('group', { name: 'Record to keep' });
  await expect(keep.getByRole('radio', { name: new RegExp(`Merge ${tag} Li\\b`) })).toBeChecked();
  await expect(keep).toContainText('1 timeline entries');
  // The name and title come from the second record; the emails of both are kept.
  await page.getByRole('group', { name: 'Full name' }).getByRole('radio', { name: `Merge ${tag} 李娜` }).check();
  await page.getByRole('group', { name: 'Job title' }).getByRole('radio', { name: 'CTO' }).check();
  await expect(page.getByRole('group', { name: 'Emails' }).getByRole('radio', { name: /^Both:/ })).toBeChecked();
  await page.getByRole('button', { name: 'Merge…' }).click();
  await expect(page.getByRole('alert')).toContainText(`Merge Merge ${tag} 李娜 into Merge ${tag} Li?`);
  await page.getByRole('button', { name: 'Merge now' }).click();

  await expect(page.getByRole('heading', { name: `Merge ${tag} 李娜`, level: 1 })).toBeVisible();
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await expect(timeline.getByText(`First note ${tag}`)).toBeVisible();
  await expect(timeline.getByText(`Second note ${tag}`)).toBeVisible();
  await section(page, 'Details');
  const facts = page.getByRole('definition');
  await expect(facts.filter({ hasText: `lina.${tag}@example.cn` })).toHaveText(`${email}, lina.${tag}@example.cn`);
  await expect(facts.filter({ hasText: 'CTO' })).toHaveText('CTO');
  // One of them is left: the Duplicates page no longer pairs them.
  await open(page, '/duplicates?kind=contacts');
  await expect(page.getByRole('row', { name: new RegExp(`merge\\.${tag}@example\\.cn`) })).toHaveCount(0);
});
