import { test, expect, open, signIn, board } from './fixtures';
import type { Page } from '@playwright/test';

/** Every visible control on the page smaller than a fingertip (44 × 44 CSS px), by its name. */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const controls = document.querySelectorAll<HTMLElement>(
      'button, select, summary, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea, .main-nav a, a.button',
    );
    return [...controls]
      .filter((e) => e.checkVisibility() && !e.closest('.visually-hidden'))
      .filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && (r.height < 44 || r.width < 44);
      })
      .map((e) => `${e.tagName.toLowerCase()} "${(e.getAttribute('aria-label') ?? e.textContent ?? '').trim().slice(0, 30)}" ${Math.round(e.getBoundingClientRect().width)}×${Math.round(e.getBoundingClientRect().height)}`);
  });
}

test('every control is at least 44 px (a fingertip, on the tablet project too), and forms open the right keyboards', async ({ page }) => {
  await signIn(page);
  await board(page);
  expect(await smallTargets(page)).toEqual([]);
  await open(page, '/contacts');
  expect(await smallTargets(page)).toEqual([]);
  await open(page, '/contacts/new');
  expect(await smallTargets(page)).toEqual([]);
  await expect(page.getByLabel('Emails')).toHaveAttribute('inputmode', 'email');
  await expect(page.getByLabel('Phones')).toHaveAttribute('type', 'tel');
  await expect(page.getByLabel('Birthday')).toHaveAttribute('type', 'text');
  await expect(page.getByLabel('Birthday')).toHaveAttribute('placeholder', 'e.g. Nov 29, 2026');
});
