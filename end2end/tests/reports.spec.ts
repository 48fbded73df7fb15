import { test, expect, open, signIn } from './fixtures';
import { readFileSync } from 'node:fs';

/** The table's rows as the CSV writes them: label, then each cell as a plain number. */
async function tableRows(page): Promise<string[][]> {
  const rows = page.getByRole('table').getByRole('row');
  const out: string[][] = [];
  for (const row of await rows.all()) {
    const cells = await row.getByRole('cell').or(row.getByRole('rowheader')).or(row.getByRole('columnheader')).allInnerTexts();
    out.push(cells.map((c) => c.trim()));
  }
  return out;
}

const plain = (s: string) => s.replace(/[¥$€£,%]/g, '').replace(/^—$/, '').trim();

test('a manager reads the win rate as a table, changes the period and exports the same figures as CSV', async ({ page }) => {
  await signIn(page);
  await open(page, '/reports');
  await page.getByRole('link', { name: /Win rate/ }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Win rate' })).toBeVisible();
  // The chart names itself and each bar.
  await expect(page.getByRole('group', { name: 'Win rate' })).toBeVisible();
  await page.getByRole('link', { name: 'Show table' }).click();
  await expect(page.getByRole('table')).toBeVisible();
  await page.getByLabel('Period').selectOption('this_year');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/period=this_year/);
  await expect(page.getByRole('table')).toBeVisible();
  const table = await tableRows(page);
  expect(table.length).toBeGreaterThan(2);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const file = readFileSync(await (await download).path(), 'utf8').replace(/^\uFEFF/, '');
  const csv = file.trim().split('\r\n').map((l) => l.split(','));
  expect(csv.length).toBe(table.length);
  expect(csv[0]).toEqual(table[0]);
  for (let i = 1; i < csv.length; i++) {
    expect(csv[i].map(plain)).toEqual(table[i].map(plain));
  }
});

test('a bad custom range is a field error on the report, not a failure', async ({ page }) => {
  await signIn(page);
  await open(page, '/reports/revenue?period=custom&from=2026-05-01&to=2026-01-01');
  await expect(page.getByText('The end date must not come before the start date.')).toBeVisible();
});

test('the home page shows each role its own dashboard', async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Won this month' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sales funnel' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Tasks due today' })).toHaveCount(0);
});
