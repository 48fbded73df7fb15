import { test, expect, reload, signIn, LEAD, stage, board, drag } from './fixtures';
import type { Locator, Page } from '@playwright/test';

// The demo's main pipeline: Lead 线索 → Qualified 已确认 → Proposal 方案 → Negotiation 谈判 → Closing 成交中.
const QUALIFIED = 'Qualified 已确认';
const PROPOSAL = 'Proposal 方案';

/** The first deal card of a stage, and its accessible name (the deal's title). */
async function firstCard(page: Page, name: string): Promise<string> {
  const card = stage(page, name).getByRole('listitem').first();
  await expect(card).toBeVisible();
  return (await card.getAttribute('aria-label'))!;
}

const card = (page: Page, column: string, title: string): Locator => stage(page, column).getByRole('listitem', { name: title, exact: true });

/** The "⋯" button that opens a card's menu of actions (Open deal, the other stages, Won, Lost). */
const actions = (page: Page, column: string, title: string): Locator => card(page, column, title).getByRole('button', { name: `Actions for ${title}`, exact: true });

test('a click or a tap on a card opens its deal', async ({ page }, info) => {
  await signIn(page);
  await board(page);
  const title = await firstCard(page, LEAD);
  const body = card(page, LEAD, title).locator('.card-title');
  if (info.project.use.hasTouch) await body.tap();
  else await body.click();
  await expect(page).toHaveURL(/\/deals\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
});

test('a deal moves through its card menu and stays there after a reload', async ({ page }) => {
  await signIn(page);
  await board(page);
  const title = await firstCard(page, LEAD);
  await actions(page, LEAD, title).click();
  await card(page, LEAD, title).getByRole('button', { name: PROPOSAL }).click();
  await expect(card(page, PROPOSAL, title)).toBeVisible();
  await expect(card(page, LEAD, title)).toHaveCount(0);
  await reload(page);
  await expect(card(page, PROPOSAL, title)).toBeVisible();
});

test('the keyboard lifts a card, moves it with the arrows and drops it, announcing each step', async ({ page }) => {
  await signIn(page);
  await board(page);
  const title = await firstCard(page, LEAD);
  await card(page, LEAD, title).focus();
  await page.keyboard.press('Space');
  await expect(page.getByRole('status').filter({ hasText: `Lifted: ${title}` })).toBeAttached();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('status').filter({ hasText: QUALIFIED })).toBeAttached();
  await page.keyboard.press('Space');
  await expect(card(page, QUALIFIED, title)).toBeVisible();
  await expect(card(page, QUALIFIED, title)).toBeFocused();
  await reload(page);
  await expect(card(page, QUALIFIED, title)).toBeVisible();
});

test('a card is one tab stop; Enter opens its menu, the arrows walk it, Escape goes back to the card, and a stage moves the deal', async ({ page }) => {
  await signIn(page);
  await board(page);
  const title = await firstCard(page, LEAD);
  const menu = actions(page, LEAD, title);
  await expect(menu).toHaveAttribute('tabindex', '-1');
  await card(page, LEAD, title).focus();
  await page.keyboard.press('Tab');
  await expect(stage(page, LEAD).getByRole('listitem').nth(1)).toBeFocused();
  await card(page, LEAD, title).focus();
  await page.keyboard.press('Enter');
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(card(page, LEAD, title).getByRole('link', { name: 'Open deal' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(card(page, LEAD, title)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(card(page, LEAD, title).getByRole('link', { name: 'Open deal' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(card(page, LEAD, title).getByRole('button', { name: QUALIFIED })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(card(page, QUALIFIED, title)).toBeVisible();
  await expect(card(page, QUALIFIED, title)).toBeFocused();
});

test('pressing on a card\'s ⋯ never lifts the card, and a click elsewhere closes its menu', async ({ page }, info) => {
  await signIn(page);
  await board(page);
  const title = await firstCard(page, LEAD);
  const menu = actions(page, LEAD, title);
  const box = (await menu.boundingBox())!;
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  if (info.project.use.hasTouch) {
    // A finger resting on it longer than it takes to lift a card, then sliding off (no tap).
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y, id: 1 }] });
    await page.waitForTimeout(450);
    await expect(page.locator('.drop-zones.visible')).toHaveCount(0);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: x - 40, y: y + 40, id: 1 }] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  } else {
    // A mouse pressed on it and moved further than starts a drag elsewhere on the card.
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x - 40, y + 40, { steps: 4 });
    await expect(page.locator('.drop-zones.visible')).toHaveCount(0);
    await page.mouse.up();
  }
  await expect(page.locator('[aria-grabbed="true"]')).toHaveCount(0);
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  if (info.project.use.hasTouch) await menu.tap();
  else await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(card(page, LEAD, title).getByRole('button', { name: 'Won', exact: true })).toBeVisible();
  await page.getByRole('heading', { name: 'Pipeline', level: 1 }).click();
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(card(page, LEAD, title).getByRole('button', { name: 'Won', exact: true })).toHaveCount(0);
});

test('a card dragged with the pointer lands in another stage and reorders within one', async ({ page }, info) => {
  const touch = !!info.project.use.hasTouch;
  await signIn(page);
  await board(page);
  const title = await firstCard(page, LEAD);
  const to = (await stage(page, PROPOSAL).boundingBox())!;
  await drag(page, touch, card(page, LEAD, title), to.x + 40, to.y + 30);
  await expect(card(page, PROPOSAL, title)).toBeVisible();
  await expect(stage(page, PROPOSAL).getByRole('listitem').first()).toHaveAttribute('aria-label', title);
  await reload(page);
  await expect(stage(page, PROPOSAL).getByRole('listitem').first()).toHaveAttribute('aria-label', title);

  // Within a column, ending as [second, title]: the mouse takes the first card below the second; a
  // finger takes the second above the first (on a 768-px tablet the second card's lower half lies
  // under the Won/Lost zones while a card is lifted).
  const second = (await stage(page, PROPOSAL).getByRole('listitem').nth(1).getAttribute('aria-label'))!;
  if (touch) {
    const a = (await card(page, PROPOSAL, title).boundingBox())!;
    await drag(page, touch, card(page, PROPOSAL, second), a.x + 20, a.y + 10);
  } else {
    const b = (await card(page, PROPOSAL, second).boundingBox())!;
    await drag(page, touch, card(page, PROPOSAL, title), b.x + 20, b.y + b.height - 4);
  }
  await expect(stage(page, PROPOSAL).getByRole('listitem').first()).toHaveAttribute('aria-label', second);
  await reload(page);
  await expect(stage(page, PROPOSAL).getByRole('listitem').nth(1)).toHaveAttribute('aria-label', title);
});

test('a lifted card held just above the Won/Lost zones scrolls the page to the cards below', async ({ page }) => {
  await signIn(page);
  await board(page);
  expect(await page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight)).toBe(true);
  await card(page, LEAD, await firstCard(page, LEAD)).hover({ position: { x: 20, y: 15 } });
  await page.mouse.down();
  await page.mouse.move(40, 40, { steps: 3 });
  const zones = (await page.locator('.drop-zones.visible').boundingBox())!;
  for (let i = 0; i < 6; i++) await page.mouse.move(zones.x - 40, zones.y - 20 - (i % 2));
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  await page.keyboard.press('Escape');
  await page.mouse.up();
  await expect(page.locator('[aria-grabbed="true"]')).toHaveCount(0);
});

test('a card dropped on Lost asks for a reason, then leaves the board', async ({ page }, info) => {
  await signIn(page);
  await board(page);
  const title = await firstCard(page, LEAD);
  // The Won and Lost zones show only while a card is lifted, fixed below the board (Lost on the right).
  await expect(page.locator('[data-drop="lost"]')).toBeHidden();
  const view = page.viewportSize()!;
  await drag(page, !!info.project.use.hasTouch, card(page, LEAD, title), view.width / 2 + 60, view.height - 40);
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(title);
  await dialog.getByRole('button', { name: 'Mark lost' }).click();
  await expect(dialog.getByText('This field is required.')).toBeVisible();
  await dialog.getByLabel('Reason').fill('Went with a competitor');
  await dialog.getByRole('button', { name: 'Mark lost' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(card(page, LEAD, title)).toHaveCount(0);
  await reload(page);
  await expect(page.getByRole('listitem', { name: title, exact: true })).toHaveCount(0);
});

test('Lost from the card menu asks for a reason too', async ({ page }) => {
  await signIn(page);
  await board(page);
  const title = await firstCard(page, LEAD);
  await actions(page, LEAD, title).click();
  await card(page, LEAD, title).getByRole('button', { name: 'Lost' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill('No budget this year');
  await dialog.getByRole('button', { name: 'Mark lost' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(card(page, LEAD, title)).toHaveCount(0);
});

test('a second browser sees a move without reloading; a stale move is refused and the board refreshes', async ({ page, browser, baseURL }) => {
  await signIn(page);
  await board(page);
  const other = await browser.newContext({ baseURL, viewport: page.viewportSize()! });
  const theirs = await other.newPage();
  await signIn(theirs);
  await board(theirs);

  const title = await firstCard(page, LEAD);
  await actions(page, LEAD, title).click();
  await card(page, LEAD, title).getByRole('button', { name: QUALIFIED }).click();
  await expect(card(theirs, QUALIFIED, title)).toBeVisible();

  // A third board that hears nothing: its copy of the next deal goes stale.
  const deaf = await other.newPage();
  await deaf.route('**/api/events', (route) => route.abort());
  await board(deaf);
  const next = await firstCard(deaf, LEAD);
  await actions(page, LEAD, next).click();
  await card(page, LEAD, next).getByRole('button', { name: PROPOSAL }).click();
  await expect(card(page, PROPOSAL, next)).toBeVisible();
  await actions(deaf, LEAD, next).click();
  await card(deaf, LEAD, next).getByRole('button', { name: QUALIFIED }).click();
  await expect(deaf.getByRole('alert')).toHaveText('Someone else changed this meanwhile. Reload to see their changes.');
  await expect(card(deaf, PROPOSAL, next)).toBeVisible();
  await other.close();
});
