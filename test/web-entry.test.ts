// The "Nhập số liệu" tab of the offline page (dist/bdg.html) in Chromium, driven as a commune officer would: choose
// a real commune, type, see the core's message at the cell, fix it, reload and find the draft, save the .xlsx and
// let `bdg validate` judge it; open a copy sent back with its errors marked, correct it, save again; paste a column.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBrowser } from './helpers/browser.js';
import { bdg, ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/workbooks.js';
import type { Issue } from '../src/core/model.js';

const PAGE = join(ROOT, 'dist/bdg.html');
/** Phường Ea Kao, Tỉnh Đắk Lắk, in the built-in list in force from 1/7/2025 (so for 2026). */
const COMMUNE = { code: '24169', name: 'Phường Ea Kao', province: 'Tỉnh Đắk Lắk' };

describe('the data-entry tab in chromium', { timeout: 180_000 }, () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let work: string;
  const pageErrors: string[] = [];
  const offMachine: string[] = [];

  beforeAll(async () => {
    work = tempDir('bdg-entry-');
    browser = await chromium.launch(chooseBrowser().launch);
    context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1024, height: 768 },
      locale: 'vi-VN',
    });
    context.on('request', (r) => {
      if (!/^(file|blob|data):/.test(r.url())) offMachine.push(r.url());
    });
    await context.route(/^(?!file:|blob:|data:)/, (route) => route.abort());
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
  });

  const panel = () => page.getByRole('tabpanel', { name: 'Nhập số liệu' });
  const cell = (name: string): Locator => panel().getByRole('textbox', { name, exact: true });

  async function openTab(): Promise<void> {
    await page.goto(pathToFileURL(PAGE).href);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByRole('tab', { name: 'Nhập số liệu', exact: true }).click();
    await panel().getByLabel('Kỳ báo cáo', { exact: true }).selectOption({ label: 'Năm 2026' });
    await panel().getByLabel('Tỉnh', { exact: true }).selectOption({ label: COMMUNE.province });
    await panel().getByLabel('Đơn vị', { exact: true }).selectOption(COMMUNE.code);
  }

  async function save(name: string): Promise<string> {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel().getByRole('button', { name: 'Tải tệp .xlsx' }).click(),
    ]);
    const path = join(work, name);
    await download.saveAs(path);
    return path;
  }

  async function figuresOf(path: string, codes: string[]): Promise<Record<string, unknown[]>> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const ws = wb.getWorksheet('Số liệu')!;
    const out: Record<string, unknown[]> = {};
    ws.eachRow((row) => {
      const code = row.getCell(2).value;
      if (typeof code === 'string' && codes.includes(code)) out[code] = [5, 6, 7].map((c) => row.getCell(c).value);
    });
    return out;
  }

  it('types a report, shows the core’s message at the cell, keeps the draft, and saves a file bdg validate accepts', async () => {
    await openTab();
    // The whole form fits 1024 px: nothing to scroll sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    // Inapplicable cells are greyed and closed.
    await expect.poll(() => cell('BDG.05 – Nữ').isDisabled()).toBe(true);
    await cell('BDG.05 – Tổng số').fill('12');
    await cell('BDG.06 – Tổng số').fill('1.234');
    await cell('BDG.06 – Nữ').fill('2000');
    // Nữ above Tổng số: the message of `bdg validate` beside the cell, and in the list at the top.
    const nu = cell('BDG.06 – Nữ');
    await expect.poll(() => nu.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await nu.getAttribute('aria-describedby'))!;
    const beside = await page.locator(`#${describedBy}`).innerText();
    expect(beside).toContain('BDG.06');
    expect(beside).toContain('1.234');
    expect(beside).toContain('2.000');
    await expect.poll(() => page.locator('#nh-ket-luan').innerText()).toMatch(/^1 lỗi/);
    const jump = page.locator('.entry-issues li.bad button').first();
    expect(await jump.innerText()).toMatch(/^Số liệu F\d+$/);
    await jump.click();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('BDG.06 – Nữ');
    // The README's picture of the tab (1024 px wide), the mistake marked at its cell.
    await page.screenshot({ path: join(ROOT, 'docs/web-nhap-so-lieu.png') });
    // Typed the plain way, shown the Vietnamese way once left.
    await nu.fill('700');
    await nu.press('Enter'); // Enter moves down the column to the next open cell
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('BDG.09 – Nữ');
    await cell('BDG.06 – DTTS').fill('1250');
    await cell('BDG.06 – DTTS').press('Tab');
    expect(await cell('BDG.06 – DTTS').inputValue()).toBe('1.250');
    await expect.poll(() => page.locator('#nh-ket-luan').innerText()).toMatch(/^1 lỗi/);
    await cell('BDG.06 – DTTS').fill('250');
    await expect.poll(() => nu.getAttribute('aria-invalid')).toBe(null);
    await panel().getByLabel('Ngày lập').fill('15/12/2026');
    await panel().getByLabel('Người lập biểu').fill('Nguyễn Thị Hoa');
    await expect.poll(() => page.locator('#nh-ket-luan').innerText()).toMatch(/^Chưa thấy lỗi/);
    expect(await page.locator('#nh-luu').innerText()).toMatch(/^Lưu lúc \d\d:\d\d$/);

    // Reloaded: the draft is there, as typed.
    await openTab();
    expect(await cell('BDG.06 – Tổng số').inputValue()).toBe('1.234');
    expect(await cell('BDG.06 – Nữ').inputValue()).toBe('700');
    expect(await cell('BDG.05 – Tổng số').inputValue()).toBe('12');
    expect(await cell('BDG.07 – Tổng số').inputValue()).toBe(''); // empty stays empty, not 0
    expect(await page.locator('#nh-luu').innerText()).toMatch(/^Lưu lúc \d\d:\d\d$/);

    const path = await save('ea-kao-2026.xlsx');
    const run = bdg(['validate', path, '--json']);
    const json = JSON.parse(run.stdout) as {
      valid: boolean;
      unit: { code: string };
      period: string;
      errors: unknown[];
    };
    expect(json.valid, run.stdout).toBe(true);
    expect(json.unit.code).toBe(COMMUNE.code);
    expect(json.period).toBe('2026');
    expect(await figuresOf(path, ['BDG.05', 'BDG.06', 'BDG.07'])).toEqual({
      'BDG.05': [12, null, null],
      'BDG.06': [1234, 700, 250],
      'BDG.07': [null, null, null],
    });
    expect(offMachine).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('opens a copy sent back with its errors marked, corrects it and saves it again', async () => {
    await openTab();
    await cell('BDG.06 – Nữ').fill('2.000');
    await expect.poll(() => page.locator('#nh-ket-luan').innerText()).toMatch(/^1 lỗi/);
    const wrong = await save('sai.xlsx');
    const marked = join(work, 'sai-danh-dau.xlsx');
    const run = bdg(['validate', wrong, '--annotate', marked]);
    expect(run.status).not.toBe(0);
    // The same findings as the page's, rule by rule and cell by cell.
    const cli = JSON.parse(bdg(['validate', wrong, '--json']).stdout) as { errors: Issue[]; warnings: Issue[] };
    const onPage = await page
      .locator('.entry-issues li')
      .evaluateAll((lis) => lis.map((li) => `${li.getAttribute('data-rule')} ${li.getAttribute('data-cell')}`));
    expect(onPage).toEqual([...cli.errors, ...cli.warnings].map((i) => `${i.rule} ${i.sheet} ${i.cell}`));
    expect(onPage[0]).toMatch(/^breakdown-exceeds-total Số liệu F\d+$/);
    await panel().getByRole('button', { name: 'Xóa bản nháp' }).click();
    expect(await cell('BDG.06 – Tổng số').inputValue()).toBe('');

    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      panel().getByRole('button', { name: 'Mở tệp .xlsx' }).click(),
    ]);
    await chooser.setFiles(marked);
    await expect.poll(() => page.locator('#nh-thong-bao').innerText()).toContain('Đã mở "sai-danh-dau.xlsx"');
    expect(await cell('BDG.06 – Tổng số').inputValue()).toBe('1.234');
    expect(await cell('BDG.06 – Nữ').getAttribute('aria-invalid')).toBe('true');
    await cell('BDG.06 – Nữ').fill('701');
    await expect.poll(() => page.locator('#nh-ket-luan').innerText()).toMatch(/^Chưa thấy lỗi/);
    const fixed = await save('sua.xlsx');
    const again = bdg(['validate', fixed, '--json']);
    expect(JSON.parse(again.stdout).valid, again.stdout).toBe(true);
    expect((await figuresOf(fixed, ['BDG.06']))['BDG.06']).toEqual([1234, 701, 250]);
    expect(pageErrors).toEqual([]);
  });

  it('fills the cells below from a column pasted from Excel', async () => {
    await openTab();
    const first = cell('BDG.01 – Tổng số');
    await first.focus();
    await first.evaluate((input) => {
      const data = new DataTransfer();
      data.setData('text/plain', '3\r\n1.204\r\n2\r\n');
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    expect(await cell('BDG.01 – Tổng số').inputValue()).toBe('3');
    expect(await cell('BDG.02 – Tổng số').inputValue()).toBe('1.204');
    // The cells below in the 2026 form's order: BDG.37 (documents that must be mainstreamed) follows BDG.02.
    expect(await cell('BDG.37 – Tổng số').inputValue()).toBe('2');
    expect(await cell('BDG.03 – Tổng số').inputValue()).toBe('');
    // BDG.37 is part of BDG.02: 2 ≤ 1.204, no error; 1.205 in BDG.37 would be.
    await cell('BDG.37 – Tổng số').fill('1.205');
    await expect.poll(() => cell('BDG.37 – Tổng số').getAttribute('aria-invalid')).toBe('true');
    await cell('BDG.37 – Tổng số').fill('2');
    expect(pageErrors).toEqual([]);
  });
});
