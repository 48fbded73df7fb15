// The main screens as pictures: sign-in, board, contacts list, contact page, deal page, settings and
// import mapping, at 1440×900 (mouse) and 1024×768 (touch), in English and Chinese, compared with
// the committed baselines in visual.spec.ts-snapshots/. A layout regression fails here; a change
// of look made on purpose is recorded with `npx playwright test visual --update-snapshots`.
//
// The screens come from a keel of their own on a freshly seeded database (the other tests' records
// never show); what moves with the calendar (dates, times) is masked. Every screen is shot in the
// light theme in both languages, and again in the dark theme (the system's, which Keel follows
// unless the user menu says otherwise) in English: the dark colours come from the same tokens, and
// the language changes no colour.
import { test as base, expect, ownKeel, signIn, type Keel } from './fixtures';
import type { Page } from '@playwright/test';

const test = base.extend<{}, { shots: Keel }>({
  shots: ownKeel('keel_visual'),
  baseURL: async ({ shots }, use) => use(shots.url),
});

const SIZES = [
  { name: 'desktop', viewport: { width: 1440, height: 900 }, hasTouch: false },
  { name: 'tablet', viewport: { width: 1024, height: 768 }, hasTouch: true },
] as const;
const LOOKS = [
  { lang: 'en', scheme: 'light', suffix: '' },
  { lang: 'zh-CN', scheme: 'light', suffix: '' },
  { lang: 'en', scheme: 'dark', suffix: '-dark' },
] as const;

/** Waits until the app's code has brought the page to life (the sign-in page has none). */
async function hydrated(page: Page): Promise<void> {
  if (new URL(page.url()).pathname === '/login') return;
  await page.locator('body[data-hydrated]').waitFor();
}

/** Switches the UI to `lang` with the language button, if it is not in it already. */
async function language(page: Page, lang: string): Promise<void> {
  if ((await page.locator('html').getAttribute('lang')) === lang) return;
  await page.getByRole('button', { name: lang === 'en' ? 'English' : '中文' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
}

/** Compares the viewport with its baseline, with what moves with the calendar masked. */
async function shot(page: Page, name: string): Promise<void> {
  await hydrated(page);
  // Fonts and images settled; no focus ring or hover left over from getting here.
  await page.evaluate(() => document.fonts.ready);
  await expect(page.locator('[aria-busy=true]')).toHaveCount(0);
  await page.mouse.move(0, 0);
  await expect(page).toHaveScreenshot(`${name}.png`, {
    // A list's date cell whole: the date's width changes with the day ("Dec 1" is narrower than "Nov 29").
    mask: [page.locator('time'), page.locator('td:has(> time)'), page.locator('.entry-meta')],
    maxDiffPixelRatio: 0.001,
  });
}

for (const size of SIZES) {
  for (const { lang, scheme, suffix } of LOOKS) {
    test.describe(`${size.name}, ${lang}, ${scheme}`, () => {
      test.use({ viewport: size.viewport, hasTouch: size.hasTouch, colorScheme: scheme });
      test(`the main screens look as recorded (${size.name}, ${lang}, ${scheme})`, async ({ page }) => {
        const file = (screen: string) => `${screen}-${size.name}-${lang}${suffix}`;
        await page.goto('/login');
        await hydrated(page);
        await language(page, lang);
        await shot(page, file('sign-in'));

        // Back to English to sign in with the shared helper, then into the language shown.
        await language(page, 'en');
        await signIn(page);
        await language(page, lang);
        await page.goto('/pipeline');
        await shot(page, file('board'));

        // Ordered by email, which no two contacts share (the seed gives some the same name, and
        // those would come in an order of their random ids).
        await page.goto('/contacts?sort=email');
        await shot(page, file('contacts'));

        await page.getByRole('table').getByRole('row').nth(1).getByRole('link').first().click();
        await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
        await shot(page, file('contact'));

        await page.goto('/pipeline');
        await hydrated(page);
        await page.getByRole('list').filter({ has: page.locator('li.card') }).first().getByRole('listitem').first().locator('.card-title').click();
        await expect(page).toHaveURL(/\/deals\/[0-9a-f-]{36}$/);
        await shot(page, file('deal'));

        await page.goto('/settings');
        await shot(page, file('settings'));

        await page.goto('/contacts/import');
        await hydrated(page);
        const csv = lang === 'en' ? 'Full name,Email,Company\nAda Lovelace,ada@example.com,Analytical Engines\n' : '姓名,邮箱,公司\n王小明,wang@example.cn,星河科技\n';
        await page.getByLabel(lang === 'en' ? 'CSV file or Excel workbook' : 'CSV 或 Excel 文件').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
        await page.getByRole('button', { name: lang === 'en' ? 'Upload and preview' : '上传并预览' }).click();
        await expect(page).toHaveURL(/\/imports\/[0-9a-f-]{36}$/);
        await shot(page, file('import-mapping'));
      });
    });
  }
}
