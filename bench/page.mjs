// @ts-check
/**
 * `node bench/page.mjs --set province-184 --reps 3` (after `npm run build`): the page's "Tổng hợp" tab (dist/bdg.html)
 * in Chromium over a generated set, as an official uses it: the unit list chosen, then the set's files picked at once.
 * Measured inside the page, from the files' `change` event (the choice made) to the three download links (summary
 * workbook, JSON, DOCX) on screen and the progress bar gone; the first run in a fresh page (its workers cold),
 * the others again in the same page (warm). Prints one JSON line: { set, files, ms: [...] }; bench.mjs runs it.
 * The browser: BDG_CHROMIUM, else Debian's /usr/bin/chromium (as test/helpers/browser.ts, short).
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { ensureSet } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const set = opt('set', 'province-184');
const reps = Number(opt('reps', '3'));
const dir = await ensureSet(join(here, 'cache'), set, (m) => process.stderr.write(`${m}\n`));
const files = readdirSync(join(dir, 'files'))
  .sort()
  .map((f) => join(dir, 'files', f));

const browser = await chromium.launch({
  executablePath: process.env.BDG_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
  headless: true,
});
try {
  const context = await browser.newContext({
    acceptDownloads: true,
    viewport: { width: 1366, height: 768 },
    locale: 'vi-VN',
  });
  // The page is offline: anything else it asked for would be a bug, not a cost to measure.
  await context.route(/^(?!file:|blob:|data:)/, (route) => route.abort());
  const page = await context.newPage();
  await page.goto(pathToFileURL(join(here, '../dist/bdg.html')).href);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.click('#the-tong-hop');
  await page.setInputFiles('#danh-muc', join(dir, 'units.csv'));
  await page.waitForFunction(() => /Tỉnh/.test(document.querySelector('#trang-thai-danh-muc')?.textContent ?? ''));
  const ms = [];
  for (let r = 0; r < reps; r++) {
    // The clock starts in the page when the choice is made (listening before the page's own handler), and stops
    // once the three links are there and the progress bar gone (seen within a frame).
    await page.evaluate(() => {
      const input = /** @type {HTMLInputElement} */ (document.getElementById('tep-tong-hop'));
      const w = /** @type {any} */ (window);
      input.addEventListener('change', () => (w.bdgChosenAt = performance.now()), { capture: true, once: true });
    });
    await page.setInputFiles('#tep-tong-hop', files);
    await page.waitForFunction(
      () =>
        ['tai-tong-hop-xlsx', 'tai-tong-hop-json', 'tai-bao-cao-docx'].every((id) => document.getElementById(id)) &&
        document.getElementById('tien-do-tong-hop')?.hidden,
      undefined,
      { timeout: 300_000 },
    );
    ms.push(Math.round(await page.evaluate(() => performance.now() - /** @type {any} */ (window).bdgChosenAt)));
  }
  console.log(JSON.stringify({ set, files: files.length, ms }));
} finally {
  await browser.close();
}
