// Renders the PWA icons from public/favicon.svg's design in Debian's Chromium (in end2end/:
// `node icons.mjs`). The PNGs are committed; rerun only when the logo changes.
import { chromium } from '@playwright/test';

const K = 'M18 46V18h6v12l12-12h8L31 31l14 15h-8L24 33v13z';
// "any": the rounded tile as in the favicon. "maskable": full-bleed colour, the letter inside the
// central 80% safe zone so that any mask shape keeps it whole.
const svg = (maskable) => maskable
  ? `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#0f4c81"/><g transform="translate(12.8 12.8) scale(.6)"><path d="${K}" fill="#fff"/></g></svg>`
  : `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#0f4c81"/><path d="${K}" fill="#fff"/></svg>`;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
for (const [file, size, maskable] of [['icon-192.png', 192, false], ['icon-512.png', 512, false], ['maskable-512.png', 512, true]]) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg(maskable)}`);
  await page.locator('svg').screenshot({ path: new URL(`../public/icons/${file}`, import.meta.url).pathname, omitBackground: true });
}
await browser.close();
