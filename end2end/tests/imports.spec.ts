import { test, expect, open, signIn, unique, section } from './fixtures';

/** Text in GBK, as a spreadsheet saved in China writes it (ASCII is the same in both). */
const GBK: Record<string, string> = { 姓名: 'd0d5c3fb', 邮箱: 'd3cacfe4', 王伟: 'cdf5ceb0', 李娜: 'c0eec4c8', 备注: 'b1b8d7a2' };
const gbk = (...parts: string[]) => Buffer.concat(parts.map((p) => (GBK[p] ? Buffer.from(GBK[p], 'hex') : Buffer.from(p, 'ascii'))));

test('a GBK file is mapped, checked row by row, imported, and a duplicate updates when asked', async ({ page }) => {
  await signIn(page);
  await open(page, '/contacts');
  await page.locator('summary').filter({ hasText: 'More' }).click();
  await page.getByRole('link', { name: 'Import contacts' }).click();
  const tag = unique();
  const file = gbk(
    '姓名', ',', '邮箱', ',Shoe size,', '备注', '\n',
    '王伟', ` ${tag},w${tag}@t.test,42,first\n`,
    '李娜', ` ${tag},not-an-email,40,\n`,
  );
  await page.getByLabel('CSV file').setInputFiles({ name: `people-${tag}.csv`, mimeType: 'text/csv', buffer: file });
  await page.getByRole('button', { name: 'Upload and preview' }).click();
  await expect(page).toHaveURL(/\/imports\/[0-9a-f-]{36}$/);
  await expect(page.getByText('GB18030')).toBeVisible();

  // Guessed from the Chinese headers; the unknown column is left out until mapped.
  await expect(page.getByLabel('姓名')).toHaveValue('full_name');
  await expect(page.getByLabel('邮箱')).toHaveValue('emails');
  await expect(page.getByLabel('Shoe size')).toHaveValue('');
  const checked = page.getByRole('table', { name: 'First rows, checked' });
  await expect(checked.getByRole('row').nth(1)).toContainText('Ready');
  await expect(checked.getByRole('row').nth(2)).toContainText('Emails: Enter a valid email address.');
  // Mapping the name away shows every row refused, before anything is sent.
  await page.getByLabel('姓名').selectOption('');
  await expect(checked.getByRole('row').nth(1)).toContainText('Full name: This field is required.');
  await page.getByLabel('姓名').selectOption('full_name');

  // All or nothing: the bad row stops it.
  await page.getByLabel('Import nothing if any row has an error').check();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Nothing was imported: some rows have errors' })).toBeVisible();
  const refused = page.getByRole('table', { name: 'Refused rows' });
  await expect(refused.getByRole('row').nth(1)).toContainText('3');
  await expect(refused.getByRole('row').nth(1)).toContainText('Emails');

  // The same file again, importing the good rows.
  await open(page, '/contacts/import');
  await page.getByLabel('CSV file').setInputFiles({ name: `people-${tag}.csv`, mimeType: 'text/csv', buffer: file });
  await page.getByRole('button', { name: 'Upload and preview' }).click();
  await expect(page).toHaveURL(/\/imports\//);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Import finished' })).toBeVisible();
  await expect(page.getByText('1 created')).toBeVisible();
  await expect(page.getByText('1 row refused')).toBeVisible();
  await open(page, `/contacts?q=${tag}`);
  await expect(page.getByRole('table', { name: 'Contacts' }).getByRole('link', { name: `王伟 ${tag}` })).toBeVisible();

  // A row whose email is already there updates that contact instead of adding one.
  await open(page, '/contacts/import');
  const again = Buffer.from(`Name,E-mail,Notes\nWang Wei ${tag},W${tag}@T.TEST,second\n`, 'utf8');
  await page.getByLabel('CSV file').setInputFiles({ name: 'again.csv', mimeType: 'text/csv', buffer: again });
  await page.getByRole('button', { name: 'Upload and preview' }).click();
  await expect(page.getByText('UTF-8')).toBeVisible();
  await page.getByLabel('Update the existing record').check();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('1 updated')).toBeVisible();
  await expect(page.getByText('0 created')).toBeVisible();
  await open(page, `/contacts?q=${tag}`);
  const rows = page.getByRole('table', { name: 'Contacts' }).getByRole('row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText(`Wang Wei ${tag}`);
});

test('companies and deals import from their own lists, guessed from Chinese headers', async ({ page }) => {
  await signIn(page);
  const tag = unique();
  const upload = async (list: string, link: string, csv: string) => {
    await open(page, list);
    await page.locator('summary').filter({ hasText: 'More' }).click();
    await page.getByRole('link', { name: link }).click();
    await expect(page.getByRole('heading', { name: link, level: 1 })).toBeVisible();
    await page.getByLabel('CSV file').setInputFiles({ name: `${tag}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByRole('button', { name: 'Upload and preview' }).click();
    await expect(page).toHaveURL(/\/imports\/[0-9a-f-]{36}$/);
  };

  await upload('/companies', 'Import companies', `公司名称,行业,官网\n华信 ${tag},软件,huaxin.cn\nBad ${tag},,not a site\n`);
  await expect(page.getByLabel('公司名称')).toHaveValue('name');
  await expect(page.getByLabel('官网')).toHaveValue('website');
  const checked = page.getByRole('table', { name: 'First rows, checked' });
  await expect(checked.getByRole('row').nth(2)).toContainText('Website: Enter a web address');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('1 created')).toBeVisible();
  await expect(page.getByText('1 row refused')).toBeVisible();
  await open(page, `/companies?q=${tag}`);
  await expect(page.getByRole('table', { name: 'Companies' }).getByRole('link', { name: `华信 ${tag}` })).toBeVisible();

  // Deals match by their old system's id only: without an id column, no duplicate choice.
  await upload('/pipeline', 'Import deals', `商机名称,金额,客户名称\nDeal ${tag},"1,200",华信 ${tag}\n`);
  await expect(page.getByLabel('商机名称')).toHaveValue('title');
  await expect(page.getByRole('group', { name: /already belongs/ })).toHaveCount(0);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('1 created')).toBeVisible();
  await open(page, `/companies?q=${tag}`);
  await page.getByRole('table', { name: 'Companies' }).getByRole('link', { name: `华信 ${tag}` }).click();
  await expect(page.getByRole('heading', { name: `华信 ${tag}`, level: 1 })).toBeVisible();
  await section(page, 'Related');
  await expect(page.getByRole('link', { name: `Deal ${tag}` })).toBeVisible();
});
