import { test, expect, open, signIn, unique, newContact } from './fixtures';
import type { Page } from '@playwright/test';

const names = (page: Page, list: string) =>
  page.getByRole('list', { name: list }).getByRole('listitem').getByLabel('Stage name');

test('an administrator builds a pipeline, edits, reorders and archives stages, and the board follows', async ({ page }, info) => {
  await signIn(page);
  await open(page, '/settings');
  await page.getByRole('link', { name: 'Pipelines and stages' }).click();
  const pipeline = `Pipeline ${unique()}`;
  await page.getByLabel('Pipeline name').last().fill(pipeline);
  await page.getByRole('button', { name: 'Add pipeline' }).click();
  const card = page.getByRole('region', { name: pipeline });
  await expect(card).toBeVisible();

  const list = `Stages: ${pipeline}`;
  const add = card.getByRole('group', { name: 'New stage' });
  for (const [stage, p] of [['Intro', '10'], ['Trial', '40'], ['Contract', '80']]) {
    await add.getByLabel('Stage name').fill(stage);
    await add.getByLabel('Win probability (%)').fill(p);
    await add.getByRole('button', { name: 'Add stage' }).click();
    await expect(names(page, list).last()).toHaveValue(stage);
  }
  await expect(names(page, list)).toHaveCount(3);

  // A bad colour is refused next to the field; a rename is saved.
  const trial = page.getByRole('list', { name: list }).getByRole('listitem').nth(1);
  await trial.getByLabel('Colour').fill('blue');
  await trial.getByRole('button', { name: 'Save stage' }).click();
  await expect(trial.getByText('Enter a colour such as #3366ff.')).toBeVisible();
  await trial.getByLabel('Colour').fill('#22aa55');
  await trial.getByLabel('Stage name').fill('Pilot');
  const reloaded = page.waitForResponse((r) => r.url().endsWith('/api/load_pipeline_settings'));
  await trial.getByRole('button', { name: 'Save stage' }).click();
  await reloaded;
  await expect(names(page, list).nth(1)).toHaveValue('Pilot');

  // Without dragging: Move up.
  const movedUp = page.waitForResponse((r) => r.url().endsWith('/api/reorder_stages'));
  await page.getByRole('list', { name: list }).getByRole('listitem').nth(2).getByRole('button', { name: 'Move up' }).click();
  await expect(names(page, list).nth(1)).toHaveValue('Contract');
  expect((await movedUp).ok()).toBe(true);
  // By dragging the handle onto the row above: with a finger on the tablet, else the mouse.
  const handle = page.getByRole('button', { name: 'Drag to reorder: Pilot' });
  await handle.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const above = await page.getByRole('list', { name: list }).getByRole('listitem').nth(1).boundingBox();
  const h = await handle.boundingBox();
  const [sx, sy, tx, ty] = [h!.x + h!.width / 2, h!.y + h!.height / 2, above!.x + 40, above!.y + 20];
  const reordered = page.waitForResponse((r) => r.url().endsWith('/api/reorder_stages'));
  if (info.project.use.hasTouch) {
    const cdp = await page.context().newCDPSession(page);
    const at = (x: number, y: number) => [{ x, y, id: 1 }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(sx, sy) });
    for (let i = 1; i <= 6; i++) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(sx + ((tx - sx) * i) / 6, sy + ((ty - sy) * i) / 6) });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  } else {
    await page.mouse.move(sx, sy);
    await page.mouse.down();
    await page.mouse.move(tx, ty, { steps: 6 });
    await page.mouse.up();
  }
  await expect(names(page, list).nth(1)).toHaveValue('Pilot');
  expect((await reordered).ok()).toBe(true);
  await page.reload();
  await expect(names(page, list)).toHaveCount(3);
  await expect(names(page, list).nth(0)).toHaveValue('Intro');
  await expect(names(page, list).nth(1)).toHaveValue('Pilot');
  await expect(names(page, list).nth(2)).toHaveValue('Contract');

  // A deal in Intro, made on the board.
  await open(page, '/pipeline');
  await page.locator('summary').filter({ hasText: 'Pipelines' }).click();
  await page.getByRole('navigation', { name: 'Pipelines' }).getByRole('link', { name: pipeline }).click();
  await expect(page.getByRole('list', { name: 'Intro' })).toBeVisible();
  // A pipeline without deals says where the first ones come from.
  const empty = page.getByRole('status').filter({ hasText: 'No open deals in this pipeline yet' });
  await expect(empty.getByRole('link', { name: 'Import deals' })).toHaveAttribute('href', '/deals/import');
  const deal = `Deal ${unique()}`;
  await page.getByText('New deal', { exact: true }).click();
  await page.getByLabel('Title', { exact: true }).fill(deal);
  await page.getByLabel('Stage', { exact: true }).selectOption({ label: 'Intro' });
  await page.getByRole('button', { name: 'Create deal' }).click();
  await expect(page.getByRole('list', { name: 'Intro' }).getByRole('listitem', { name: deal })).toBeVisible();
  await expect(empty).toHaveCount(0);
  // A search that hides every deal offers the way back to the whole board.
  await page.getByLabel('Search deals').fill(`nothing ${unique()}`);
  await page.getByLabel('Search deals').press('Enter');
  const none = page.getByRole('status').filter({ hasText: 'No deals match these filters.' });
  await none.getByRole('link', { name: 'Clear filters' }).click();
  await expect(page.getByRole('list', { name: 'Intro' }).getByRole('listitem', { name: deal })).toBeVisible();

  // Archiving Intro hands its deal to Contract.
  await open(page, '/settings/pipelines');
  const intro = page.getByRole('list', { name: list }).getByRole('listitem').nth(0);
  await intro.getByText('Archive…').click();
  await intro.getByLabel('Move its 1 open deal to').selectOption({ label: 'Contract' });
  await intro.getByRole('button', { name: 'Archive stage' }).click();
  await expect(names(page, list)).toHaveCount(2);
  await open(page, '/pipeline');
  await page.locator('summary').filter({ hasText: 'Pipelines' }).click();
  await page.getByRole('navigation', { name: 'Pipelines' }).getByRole('link', { name: pipeline }).click();
  await expect(page.getByRole('list', { name: 'Contract' }).getByRole('listitem', { name: deal })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Intro' })).toHaveCount(0);
});

test('a sales user gets no pipeline settings', async ({ page }) => {
  await signIn(page, 'sales@keel.demo');
  await open(page, '/settings');
  await expect(page.getByRole('link', { name: 'Pipelines and stages' })).toHaveCount(0);
  await open(page, '/settings/pipelines');
  await expect(page.getByRole('alert')).toBeVisible();
});

test('an administrator reads the audit log filtered by who, what and when; a manager may not', async ({ page, browser, baseURL }) => {
  await signIn(page);
  const name = `Audited ${unique()}`;
  await newContact(page, name);

  await open(page, '/settings');
  await page.getByRole('link', { name: 'Who changed what, and when' }).click();
  await page.getByLabel('Who').selectOption({ label: 'Alex Admin' });
  await page.getByLabel('Record type').selectOption({ label: 'Contact' });
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(/entity=contact/);
  const log = page.getByRole('table', { name: 'Audit log' });
  const row = log.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('Created');
  await expect(row.getByRole('listitem').filter({ hasText: 'Full name' })).toContainText(name);
  await row.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();

  await open(page, '/settings/audit?from=2099-01-01');
  await expect(page.getByText('No entries match.')).toBeVisible();
  await open(page, '/settings/audit?from=someday');
  await expect(page.getByText('Enter a real date, such as Nov 29, 2026 (a birthday not in the future, a follow-up not in the past).')).toBeVisible();

  const other = await browser.newContext({ baseURL });
  const manager = await other.newPage();
  await signIn(manager, 'manager@keel.demo');
  await open(manager, '/settings/audit');
  await expect(manager.getByRole('alert')).toHaveText('您没有执行此操作的权限。');
  await other.close();
});
