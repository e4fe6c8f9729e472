// Takes docs/dashboard.png: the dashboard after "Try a sample", in the same
// headless Chromium as the browser tests (browser.mjs); or, with VIEW=year-in-review,
// docs/year-in-review.png: the statistics of the diary fixture
// (tests/fixtures/letterboxd/diary.csv) with its latest year picked.
//
//   cargo run --release -- demo &
//   node tests/e2e/screenshot.mjs http://127.0.0.1:8080 docs/dashboard.png
//   VIEW=year-in-review node tests/e2e/screenshot.mjs http://127.0.0.1:8080 docs/year-in-review.png
//
// Options (environment): SCHEME=dark|light (default dark), WIDTH (1280), HEIGHT (2700, the dashboard only).
// Chromium only: the colour scheme is emulated over CDP.

import { launch, newContext } from './browser.mjs';

const [base = 'http://127.0.0.1:8080', out = 'docs/dashboard.png'] = process.argv.slice(2);
const scheme = process.env.SCHEME || 'dark';
const width = Number(process.env.WIDTH || 1280);
const height = Number(process.env.HEIGHT || 2700);
const yearInReview = process.env.VIEW === 'year-in-review';
const DIARY = new URL('../fixtures/letterboxd/diary.csv', import.meta.url).pathname;

const browser = await launch({ viewport: { width, height: 900, deviceScaleFactor: 1 } });
try {
  // The demo is offline: posters fall back to their placeholders.
  const context = await newContext(browser, { baseURL: base, block: (url) => /image\.tmdb\.org/.test(url) });
  const page = await context.newPage();
  await page.raw.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
  await page.goto('/');
  if (yearInReview) await page.locator('#file-input').setInputFiles(DIARY);
  else await page.getByRole('button', { name: 'Try a sample' }).click();
  await page.waitForURL(/\?session=/);
  await page.waitForFunction(() => document.getElementById('session-status')?.textContent === 'Completed', null, { timeout: 120_000 });
  await page.locator('#chart-genres svg').waitFor();
  await page.locator('#world-map svg').waitFor();
  if (yearInReview) {
    const picker = page.getByLabel('Year', { exact: true });
    await picker.selectOption((await picker.locator('option').allInnerTexts())[1]);
    await page.waitForFunction(() => /\d{4} in review/.test(document.getElementById('year-review-title')?.textContent ?? ''));
    await page.waitForTimeout(1000);
    await page.mouse.move(0, 0);
    await page.locator('section.stats').screenshot({ path: out });
  } else {
    await page.waitForTimeout(2000); // the last highlight fades
    await page.mouse.move(0, 0);
    await page.screenshot({ path: out, clip: { x: 0, y: 0, width, height }, captureBeyondViewport: true });
  }
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
