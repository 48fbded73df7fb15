import { test, expect, newContact, open, section, signIn, unique, reload } from './fixtures';
import { readFileSync } from 'node:fs';

const mainNav = (page) => page.getByRole('navigation', { name: 'Main navigation' });

test('a qualified lead converts into a contact at its company with a deal, keeping its history', async ({ page }) => {
  await signIn(page);
  const name = `Lead ${unique()}`;
  const company = `Convert Co ${unique()}`;
  await mainNav(page).getByRole('link', { name: 'Leads' }).click();
  await page.getByRole('link', { name: 'New lead' }).click();
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Company').fill(company);
  await page.getByLabel('Emails').fill(`${unique()}@convert.example.com`);
  await page.getByLabel('Status').selectOption({ label: 'Qualified' });
  await page.getByRole('button', { name: 'Create lead' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();

  const log = page.getByRole('region', { name: 'Log an interaction' });
  await log.getByLabel('Details').fill('Met at the trade fair');
  await log.getByRole('button', { name: 'Log it' }).click();
  await expect(page.getByRole('list', { name: 'Timeline' }).getByText('Met at the trade fair')).toBeVisible();

  const convert = page.getByRole('region', { name: 'Convert lead' });
  await convert.getByLabel('Also create a deal').check();
  await convert.getByLabel('Deal value (CNY)').fill('not money');
  await convert.getByRole('button', { name: 'Convert' }).click();
  await expect(convert.getByText('Enter an amount such as 12,500.00.')).toBeVisible();
  await convert.getByLabel('Deal value (CNY)').fill('80,000');
  await convert.getByRole('button', { name: 'Convert' }).click();

  await expect(page).toHaveURL(/\/contacts\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Timeline' }).getByText('Met at the trade fair')).toBeVisible();
  await section(page, 'Details');
  await page.getByRole('region', { name: 'Details' }).getByRole('link', { name: company }).click();
  await expect(page.getByRole('heading', { name: company, level: 1 })).toBeVisible();
  await section(page, 'Related');
  await expect(page.getByRole('region', { name: 'Contacts' }).getByRole('link', { name })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Deals' }).getByText('¥80,000')).toBeVisible();

  await open(page, '/leads?q=' + encodeURIComponent(name));
  await expect(page.getByRole('table', { name: 'Leads' }).getByRole('row').filter({ hasText: name }).getByText('Converted')).toBeVisible();
});

test('a company with a bad website shows the field error; fixed, it is saved and edited', async ({ page }) => {
  await signIn(page);
  const name = `Firm ${unique()}`;
  await mainNav(page).getByRole('link', { name: 'Companies' }).click();
  await page.getByRole('link', { name: 'New company' }).click();
  await page.getByLabel('Company name').fill(name);
  await page.getByLabel('Website').fill('not a website');
  await page.getByRole('button', { name: 'Create company' }).click();
  await expect(page.getByText('Enter a web address such as example.com.')).toBeVisible();
  await page.getByLabel('Website').fill('firm.example.com');
  await page.getByLabel('Size').selectOption('51-200');
  await page.getByRole('button', { name: 'Create company' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Industry').fill('Robotics');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Details' }).getByText('Robotics')).toBeVisible();
  // The change is in the company's history.
  await section(page, 'Activity');
  await expect(page.getByRole('list', { name: 'Timeline' }).getByText('Robotics')).toBeVisible();

  await open(page, '/companies?q=' + encodeURIComponent('firm.example'));
  await expect(page.getByRole('table', { name: 'Companies' }).getByRole('link', { name })).toBeVisible();
});

test('filters, columns and a saved view live in the URL and survive a reload', async ({ page }) => {
  await signIn(page, 'sales@keel.demo');
  await open(page, '/contacts');
  const menu = (name: string) => page.locator('summary').filter({ hasText: name });
  // The toolbar is one row: search, then menus for the filters, columns and views.
  await menu('筛选').click();
  await page.getByRole('combobox', { name: '负责人' }).selectOption({ label: '我的' });
  await page.getByRole('button', { name: '应用' }).click();
  await expect(page).toHaveURL(/owner=me/);
  await expect(menu('筛选')).toContainText('1');
  await menu('显示列').click();
  await page.getByRole('checkbox', { name: '邮箱' }).uncheck();
  await page.getByRole('checkbox', { name: '来源' }).check();
  await page.getByRole('button', { name: '应用' }).click();
  await expect(page).toHaveURL(/owner=me/);
  await expect(page).toHaveURL(/col=source/);
  const table = page.getByRole('table', { name: '联系人' });
  await expect(table.getByRole('columnheader', { name: '来源' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: '邮箱' })).toHaveCount(0);

  const view = `我的来源 ${unique()}`;
  await menu('视图').click();
  await page.getByLabel('视图名称').fill(view);
  await page.getByRole('button', { name: '保存视图' }).click();
  const views = page.getByRole('navigation', { name: '视图' });
  await expect(views.getByRole('link', { name: view })).toBeVisible();

  await open(page, '/contacts');
  await expect(table.getByRole('columnheader', { name: '邮箱' })).toBeVisible();
  await menu('视图').click();
  await views.getByRole('link', { name: view }).click();
  await expect(page).toHaveURL(/owner=me/);
  await expect(table.getByRole('columnheader', { name: '来源' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: '邮箱' })).toHaveCount(0);
  // The views menu names the view in use.
  await expect(menu('视图')).toContainText(view);
  await reload(page);
  await expect(table.getByRole('columnheader', { name: '来源' })).toBeVisible();

  await menu('视图').click();
  await views.getByRole('button', { name: `删除视图 ${view}` }).click();
  await expect(views.getByRole('link', { name: view })).toHaveCount(0);
});

test('a row’s own actions: Edit opens the record ready to edit, Delete asks once and removes the row', async ({ page }) => {
  await signIn(page);
  const name = `Row ${unique()}`;
  await newContact(page, name);
  const list = '/contacts?q=' + encodeURIComponent(name);
  await open(page, list);
  const row = page.getByRole('table', { name: 'Contacts' }).getByRole('row').filter({ hasText: name });
  await row.hover();
  await row.getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByLabel('Full name')).toHaveValue(name);

  await open(page, list);
  await row.hover();
  await row.getByRole('button', { name: 'Delete' }).click();
  await row.getByRole('button', { name: 'Delete' }).click();
  // Nothing matches any more, and the empty list says how to get back to all.
  await expect(page.getByText('Nothing matches.')).toBeVisible();
  await page.getByRole('link', { name: 'Clear filters' }).click();
  await expect(page.getByRole('table', { name: 'Contacts' })).toBeVisible();
});

test('an export is the view on screen: its rows, columns and order, in the user’s language', async ({ page }) => {
  // Exporting is for admins and managers (Li Na, a manager, reads Chinese).
  await signIn(page, 'manager@keel.demo');
  await open(page, '/contacts?owner=me&cols=email,source&sort=name&desc=1');
  const table = page.getByRole('table', { name: '联系人' });
  await expect(table.getByRole('columnheader', { name: '来源' })).toBeVisible();
  const shown = await table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((r) => Array.from(r.querySelectorAll('td:not(.pick):not(.row-actions)')).map((c) => (c.textContent ?? '').trim())),
  );
  const total = Number((await page.locator('p.count').innerText()).replace(/\D/g, ''));
  expect(shown.length).toBeGreaterThan(1);

  const download = page.waitForEvent('download');
  await page.locator('summary').filter({ hasText: '更多' }).click();
  await page.getByRole('link', { name: '导出 CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^contacts-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = readFileSync((await file.path())!, 'utf8');
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const lines = text.slice(1).trim().split(/\r?\n/);
  expect(lines[0]).toBe('姓名,邮箱,来源');
  expect(lines.length - 1).toBe(total);
  expect(lines.slice(1, shown.length + 1).map((l) => l.split(','))).toEqual(shown);
});

test('sales users and viewers get no export button', async ({ page }) => {
  await signIn(page, 'sales2@keel.demo');
  await open(page, '/contacts');
  await expect(page.getByRole('table', { name: 'Contacts' })).toBeVisible();
  await page.locator('summary').filter({ hasText: 'More' }).click();
  await expect(page.getByRole('link', { name: 'Import contacts' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Export CSV' })).toHaveCount(0);
});

test('bulk actions: tag the ticked contacts, then hand all that match a search to a colleague', async ({ page, browser, baseURL }) => {
  await signIn(page);
  const tag = unique();
  const csv = 'Name\n' + Array.from({ length: 60 }, (_, i) => `Bulk ${tag} ${String(i).padStart(2, '0')}`).join('\n') + '\n';
  await open(page, '/contacts/import');
  await page.getByLabel('CSV file').setInputFiles({ name: 'bulk.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload and preview' }).click();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('60 created')).toBeVisible();

  await open(page, `/contacts?q=${tag}&sort=name`);
  const table = page.getByRole('table', { name: 'Contacts' });
  const bar = page.getByRole('region', { name: 'Bulk actions' });
  await table.getByRole('checkbox', { name: `Select Bulk ${tag} 00` }).check();
  await table.getByRole('checkbox', { name: `Select Bulk ${tag} 01` }).check();
  await expect(bar.getByText('2 selected')).toBeVisible();
  await bar.getByLabel('Tag').fill(`t${tag}`);
  await bar.getByRole('button', { name: 'Add tag' }).click();
  await expect(page.getByText('2 changed, 0 already so.')).toBeVisible();
  await open(page, `/contacts?tag=t${tag}`);
  await expect(table.getByRole('row')).toHaveCount(3);

  // More than a page: all that match the search.
  await open(page, `/contacts?q=${tag}`);
  await table.getByRole('checkbox', { name: 'Select all on this page' }).check();
  await expect(bar.getByText('50 selected')).toBeVisible();
  await bar.getByRole('button', { name: 'Select all 60 matching' }).click();
  await expect(bar.getByText('60 selected')).toBeVisible();
  await bar.getByLabel('Owner').selectOption({ label: 'Sarah Miller' });
  await bar.getByRole('button', { name: 'Assign' }).click();
  await expect(page.getByText('60 changed, 0 already so.')).toBeVisible();
  await expect(bar).toHaveCount(0);

  const colleague = await browser.newContext({ baseURL });
  const theirs = await colleague.newPage();
  await signIn(theirs, 'sales2@keel.demo');
  await open(theirs, `/contacts?q=${tag}&owner=me`);
  await expect(theirs.getByText('60 results')).toBeVisible();
  await colleague.close();
});
