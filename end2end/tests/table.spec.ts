import { test, expect, open, signIn, unique, LEAD, stage, board, reload } from './fixtures';

// Runs last (files run in name order), after every other suite that changes the demo deals.

test('the deals table sorts, edits in place, moves a stage, updates live and refuses a stale edit', async ({ page, browser, baseURL }) => {
  await signIn(page);
  const tag = unique();
  // The board searched for these deals only (other tests fill the Lead column past its first page).
  await board(page, `?q=${tag}`);
  const [a, b] = [`Tbl ${tag} A`, `Tbl ${tag} B`];
  for (const [title, value] of [[a, '100'], [b, '300']]) {
    await page.getByText('New deal').click();
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByLabel('Value', { exact: true }).fill(value);
    await page.getByRole('button', { name: 'Create deal' }).click();
    await expect(stage(page, LEAD).getByRole('listitem', { name: title, exact: true })).toBeVisible();
  }

  // The same deals as a table, with the board's search.
  await page.getByRole('link', { name: 'Table', exact: true }).click();
  await expect(page).toHaveURL(/view=table/);
  await expect(page.getByLabel('Search deals')).toHaveValue(tag);
  const table = page.getByRole('table', { name: /^Deals · / });
  const rows = table.getByRole('row');
  await expect(rows).toHaveCount(3);
  const value = table.getByRole('columnheader', { name: 'Value', exact: true });
  await value.getByRole('link').click();
  await expect(value).toHaveAttribute('aria-sort', 'ascending');
  await expect(rows.nth(1)).toContainText(a);
  await value.getByRole('link').click();
  await expect(value).toHaveAttribute('aria-sort', 'descending');
  await expect(rows.nth(1)).toContainText(b);

  // In place: a bad value is named and not sent; Enter saves the fix; Escape cancels.
  await table.getByRole('button', { name: `Value: ${a}` }).click();
  const input = table.getByRole('textbox', { name: `Value: ${a}` });
  await expect(input).toBeFocused();
  await input.fill('lots');
  await input.press('Enter');
  await expect(table.getByText('Enter an amount such as 12,500.00.')).toBeVisible();
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await input.fill('2,500');
  await input.press('Enter');
  await expect(table.getByRole('button', { name: `Value: ${a}` })).toHaveText('¥2,500');
  await expect(rows.nth(1)).toContainText(a);
  await table.getByRole('button', { name: `Title: ${a}` }).click();
  await table.getByRole('textbox', { name: `Title: ${a}` }).fill('Not this');
  await page.keyboard.press('Escape');
  await expect(table.getByRole('link', { name: a, exact: true })).toBeVisible();

  // The stage picker moves the deal; the board agrees.
  const moved = page.waitForResponse((r) => r.url().endsWith('/api/move_deal'));
  await table.getByRole('combobox', { name: `Stage: ${a}` }).selectOption({ label: 'Proposal 方案' });
  expect((await moved).ok()).toBe(true);
  await reload(page);
  await expect(table.getByRole('combobox', { name: `Stage: ${a}` }).locator('option:checked')).toHaveText('Proposal 方案');
  await expect(table.getByRole('button', { name: `Value: ${a}` })).toHaveText('¥2,500');
  await page.getByRole('link', { name: 'Board', exact: true }).click();
  await expect(stage(page, 'Proposal 方案').getByRole('listitem', { name: a, exact: true })).toBeVisible();
  await page.getByRole('link', { name: 'Table', exact: true }).click();
  await expect(rows).toHaveCount(3);

  // Someone else's edit shows without a reload; a table that missed it is refused and catches up.
  const other = await browser.newContext({ baseURL, viewport: page.viewportSize()! });
  const theirs = await other.newPage();
  await signIn(theirs);
  const deaf = await other.newPage();
  await deaf.route('**/api/events', (route) => route.abort());
  await open(deaf, page.url());
  await open(theirs, page.url());
  await theirs.getByRole('button', { name: `Win probability: ${b}` }).click();
  await theirs.getByRole('textbox', { name: `Win probability: ${b}` }).fill('35');
  await theirs.keyboard.press('Enter');
  await expect(table.getByRole('button', { name: `Win probability: ${b}` })).toHaveText('35%');
  await deaf.getByRole('button', { name: `Value: ${b}` }).click();
  await deaf.getByRole('textbox', { name: `Value: ${b}` }).fill('1');
  await deaf.keyboard.press('Enter');
  await expect(deaf.getByRole('alert')).toHaveText('Someone else changed this meanwhile. Reload to see their changes.');
  await expect(deaf.getByRole('button', { name: `Win probability: ${b}` })).toHaveText('35%');
  await expect(deaf.getByRole('button', { name: `Value: ${b}` })).toHaveText('¥300');
  await other.close();
});
