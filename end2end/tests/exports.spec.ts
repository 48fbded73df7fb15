import { test, expect, open, section, signIn, unique } from './fixtures';

/** HubSpot's companies and contacts exports, as HubSpot writes them (its documented columns). */
const hubspot = (tag: string) => ({
  companies: [
    'Record ID,Company name,Company Domain Name,Industry,Phone Number,City,Company owner,Create Date,Number of Employees',
    `${tag}01,Acme Robotics ${tag},acme-${tag}.example,Computer Software,+1 415 555 0100,San Francisco,Sarah Miller,2023-04-12 09:30,250`,
    `${tag}02,Globex ${tag},globex-${tag}.example,Manufacturing,,Springfield,Ghost Rep,2021-01-20 08:00,5000`,
  ].join('\n'),
  contacts: [
    'Record ID,First Name,Last Name,Email,Phone Number,Company Name,Job Title,Lifecycle Stage,Contact owner,Create Date,Associated Company IDs',
    `${tag}11,Ada,Lovelace ${tag},ada-${tag}@acme.example,+1 415 555 0101,Acme Robotics ${tag},CTO,customer,sales@keel.demo,2023-05-01 10:00,${tag}01`,
    `${tag}12,Grace,Hopper ${tag},grace-${tag}@globex.example,,Globex Corporation,VP Engineering,lead,Sarah Miller,2024-01-05 10:22,${tag}02`,
  ].join('\n'),
});

test('a HubSpot companies export and then its contacts export move in: names joined, contacts on their companies', async ({ page }) => {
  await signIn(page);
  const tag = unique();
  const files = hubspot(tag);
  const upload = async (path: string, name: string, csv: string) => {
    await open(page, path);
    await page.getByLabel('CSV file or Excel workbook').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByRole('button', { name: 'Upload and preview' }).click();
    await expect(page).toHaveURL(/\/imports\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('status').filter({ hasText: 'Looks like a HubSpot export' })).toBeVisible();
  };

  // The upload page shows the order a move takes.
  await open(page, '/contacts/import');
  const steps = page.getByRole('region', { name: 'Moving from another CRM?' });
  await expect(steps.getByRole('listitem')).toHaveText(['Import companies', 'Import contacts', 'Import deals', 'Import notes']);
  await steps.getByRole('link', { name: 'Import companies' }).click();
  await expect(page.getByRole('heading', { name: 'Import companies', level: 1 })).toBeVisible();

  await upload('/companies/import', 'hubspot-companies.csv', files.companies);
  await expect(page.getByLabel('Record ID')).toHaveValue('external_id');
  await expect(page.getByLabel('Company owner')).toHaveValue('owner');
  await expect(page.getByLabel('Create Date')).toHaveValue('created_at');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('2 created')).toBeVisible();
  await expect(page.getByText('Owners not found among your colleagues (their rows are yours): Ghost Rep')).toBeVisible();

  await upload('/contacts/import', 'hubspot-contacts.csv', files.contacts);
  await expect(page.getByLabel('First Name')).toHaveValue('first_name');
  await expect(page.getByLabel('Last Name')).toHaveValue('last_name');
  await expect(page.getByLabel('Associated Company IDs')).toHaveValue('company_external_id');
  // The name is joined live in the checked rows.
  const checked = page.getByRole('table', { name: 'First rows, checked' });
  await expect(checked.getByRole('row').nth(1)).toContainText(`Ada Lovelace ${tag}`);
  await expect(checked.getByRole('row').nth(1)).toContainText('Ready');
  // Each lifecycle stage becomes a tag, as chosen.
  const values = page.getByRole('table', { name: 'Values' });
  await expect(values.getByRole('row')).toHaveCount(3);
  await page.getByLabel('customer', { exact: true }).fill('VIP');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('2 created')).toBeVisible();

  // Grace is on Globex, found by its HubSpot id though her row names "Globex Corporation".
  await open(page, `/contacts?q=${tag}`);
  const contacts = page.getByRole('table', { name: 'Contacts' });
  await expect(contacts.getByRole('row')).toHaveCount(3);
  await contacts.getByRole('link', { name: `Grace Hopper ${tag}` }).click();
  await expect(page.getByRole('heading', { name: `Grace Hopper ${tag}`, level: 1 })).toBeVisible();
  await section(page, 'Details');
  const details = page.getByRole('region', { name: 'Details' });
  await expect(details.getByRole('link', { name: `Globex ${tag}` })).toBeVisible();
  await open(page, `/contacts?q=${tag}`);
  await page.getByRole('table', { name: 'Contacts' }).getByRole('link', { name: `Ada Lovelace ${tag}` }).click();
  await expect(page.getByRole('heading', { name: `Ada Lovelace ${tag}`, level: 1 })).toBeVisible();
  await section(page, 'Details');
  await expect(details.getByRole('link', { name: `Acme Robotics ${tag}` })).toBeVisible();
  await expect(details.getByText('VIP')).toBeVisible();
  await open(page, `/companies?q=${tag}`);
  await expect(page.getByRole('table', { name: 'Companies' }).getByRole('row')).toHaveCount(3);

  // The same contacts export again adds no one.
  await upload('/contacts/import', 'hubspot-contacts.csv', files.contacts);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('0 created')).toBeVisible();
  await expect(page.getByText('2 duplicates skipped')).toBeVisible();
});
