import { test, expect, open, signIn, board, stage, drag, LEAD } from './fixtures';
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
/** A cell compared as the number it shows (¥1,200 and 1200.00 are one amount), else as text. */
const same = (s: string) => {
  const p = plain(s);
  return p !== '' && !Number.isNaN(Number(p)) ? Number(p) : p;
};

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
    expect(csv[i].map(same)).toEqual(table[i].map(same));
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

const num = (s: string) => Number(plain(s)) || 0;

test('a manager opens the funnel, switches to last quarter, and opens a stage\'s deals from the chart', async ({ page }) => {
  await signIn(page);
  await open(page, '/reports/funnel?view=table&period=this_year');
  const reached = async () => (await tableRows(page)).slice(1).map((r) => num(r[1]));
  const thisYear = await reached();
  expect(thisYear[0]).toBeGreaterThan(0);
  await page.getByLabel('Period').selectOption('last_quarter');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/period=last_quarter/);
  await expect.poll(reached).not.toEqual(thisYear);
  // Back to the chart: each stage is a link named after it and its figure.
  await page.getByRole('link', { name: 'Show chart' }).click();
  const chart = page.getByRole('group', { name: 'Sales funnel' });
  const lead = chart.getByRole('link', { name: new RegExp(`^${LEAD}, Reached: `) });
  await expect(lead).toBeVisible();
  await lead.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/pipeline\?.*view=table.*stage=/);
  // Every deal listed sits in that stage (each row's stage picker shows it).
  const pickers = page.getByRole('combobox', { name: /^Stage: / });
  await expect(pickers.first()).toBeVisible();
  for (const picker of await pickers.all()) {
    await expect(picker.locator('option:checked')).toHaveText(LEAD);
  }
});

test('the dashboard shows a deal won on another screen against the target, live', async ({ page, browser, baseURL }) => {
  await signIn(page);
  const won = page.getByTestId('won-this-month');
  await expect(won).toBeVisible();
  await expect(page.getByText(/% of ¥/)).toBeVisible();
  const before = num(await won.innerText());
  const other = await browser.newContext({ baseURL, viewport: page.viewportSize()! });
  const seller = await other.newPage();
  await signIn(seller);
  await board(seller);
  const card = stage(seller, LEAD).getByRole('listitem').filter({ hasText: '¥' }).first();
  const title = (await card.getAttribute('aria-label'))!;
  // Dragged onto the Won zone (left of the two, fixed below the board while a card is lifted).
  const view = seller.viewportSize()!;
  await drag(seller, false, card, view.width / 2 - 60, view.height - 40);
  await expect(stage(seller, LEAD).getByRole('listitem', { name: title, exact: true })).toHaveCount(0);
  await expect.poll(async () => num(await won.innerText()), { timeout: 15_000 }).toBeGreaterThan(before);
  await other.close();
});

test('an administrator sets a team\'s yearly target month by month, and a bad amount is refused', async ({ page }) => {
  await signIn(page);
  await open(page, '/settings/targets?year=2030');
  await expect(page.getByText('No targets for this year yet.')).toBeVisible();
  await page.getByText('New target').click();
  await page.getByRole('combobox', { name: 'For', exact: true }).selectOption({ label: 'West' });
  await page.getByLabel('Jan 2030').fill('12,500');
  await page.getByLabel('Feb 2030').fill('ten');
  await page.getByRole('button', { name: 'Save target' }).click();
  await expect(page.getByText('Enter an amount such as 12,500.00.')).toBeVisible();
  await page.getByLabel('Feb 2030').fill('');
  await page.getByRole('button', { name: 'Save target' }).click();
  await expect(page.getByRole('heading', { name: /West · CNY · ¥12,500/ })).toBeVisible();
  await expect(page.getByRole('region', { name: /West · CNY/ }).getByLabel('Jan 2030')).toHaveValue('12,500.00');
});
