// @ts-check
/**
 * `node bench/entry.mjs` (after `npm run build`): the page's "Nhập số liệu" tab (issue 22) in Chromium. Measures
 *  - opening the form of a commune (choosing the unit: laying out the edition, reading its draft, the first check),
 *    target < 0,5 s;
 *  - re-checking one change (a figure typed: draft saved, read by the core's reader, every rule, marks redrawn),
 *    target < 50 ms.
 * Each measured inside the page, from the event to the next frame painted (layout included), median and worst of --reps runs
 * (default 20). Not a test: timings depend on the machine and its load.
 */
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] || 20) || 20;

// As the tests choose it (test/helpers/browser.ts), short: BDG_CHROMIUM, else Debian's.
const browser = await chromium.launch({
  executablePath: process.env.BDG_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
  headless: true,
});
const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
await page.goto(pathToFileURL(join(root, 'dist/bdg.html')).href);
await page.locator('body[data-ready="true"]').waitFor();
await page.getByRole('tab', { name: 'Nhập số liệu', exact: true }).click();
await page.locator('#nh-tinh').selectOption('66');

const opening = [];
const rechecks = [];
for (let i = 0; i < reps; i++) {
  opening.push(
    await page.evaluate(async () => {
      const painted = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
      const select = /** @type {HTMLSelectElement} */ (document.getElementById('nh-don-vi'));
      select.value = '';
      select.dispatchEvent(new Event('change'));
      const t = performance.now();
      select.value = '24169';
      select.dispatchEvent(new Event('change'));
      await painted();
      return performance.now() - t;
    }),
  );
  rechecks.push(
    await page.evaluate(async (n) => {
      const painted = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
      const input = /** @type {HTMLInputElement} */ (document.querySelector('input[aria-label="BDG.06 – Nữ"]'));
      const t = performance.now();
      input.value = String(1000 + n);
      input.dispatchEvent(new Event('input'));
      await painted();
      return performance.now() - t;
    }, i),
  );
}
await browser.close();

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { first: xs[0], median: s[Math.floor(s.length / 2)], worst: s[s.length - 1] };
};
const fmt = (ms) => `${ms.toFixed(1).replace('.', ',')} ms`;
const o = stats(opening);
const r = stats(rechecks);
console.log(`Nhập số liệu (${reps} lần), Phường Ea Kao, năm 2026:`);
console.log(
  `  mở biểu mẫu:      lần đầu ${fmt(o.first)}, trung vị ${fmt(o.median)}, chậm nhất ${fmt(o.worst)} (mục tiêu < 500 ms)`,
);
console.log(
  `  kiểm tra lại:     lần đầu ${fmt(r.first)}, trung vị ${fmt(r.median)}, chậm nhất ${fmt(r.worst)} (mục tiêu < 50 ms)`,
);
