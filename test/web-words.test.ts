// The words a commune officer meets on the offline page (issue 18, point 8), in Debian's chromium: messages in the
// page's phrasing (no command, no option), the closing line, dates dd/mm/yyyy, "Dự án 8". Small on purpose: the page
// as a whole is test/web.test.ts.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bdg, ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/workbooks.js';

const PAGE = join(ROOT, 'dist/bdg.html');
const CHROMIUM = process.env.BDG_CHROMIUM ?? '/usr/bin/chromium';
const UNITS = join(ROOT, 'fixtures/dak-lak/don-vi.csv');

describe.skipIf(!existsSync(CHROMIUM))('the page speaks to a commune officer', { timeout: 120_000 }, () => {
  let browser: Browser;
  let page: Page;
  let work: string;

  beforeAll(async () => {
    work = tempDir('bdg-web-words-');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
    // An English browser: what made its date fields show mm/dd/yyyy.
    const context = await browser.newContext({ locale: 'en-US' });
    await context.route(/^(?!file:|blob:|data:)/, (route) => route.abort());
    page = await context.newPage();
    await page.goto(pathToFileURL(PAGE).href);
    await page.waitForSelector('body[data-ready="true"]');
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function validate(path: string): Promise<{ verdict: string; messages: string[] }> {
    const name = path.split('/').at(-1)!;
    await page.setInputFiles('#tep-kiem-tra', path);
    await page.waitForFunction((n) => document.querySelector('#ket-qua-kiem-tra h3')?.textContent?.includes(n), name);
    const verdict = (await page.textContent('#ket-luan-kiem-tra')) ?? '';
    const messages = await page.locator('#ket-qua-kiem-tra tbody td:nth-child(4)').allInnerTexts();
    return { verdict, messages };
  }

  it('a blank form: no-figures first, in the page’s words, and nothing that suggests a command', async () => {
    const blank = join(work, 'bieu-mau-trong.xlsx');
    expect(bdg(['template', '--unit', '655', '--units', UNITS, '--period', '2024', '--out', blank]).status).toBe(0);
    const { verdict, messages } = await validate(blank);
    expect(verdict).toBe('✖ Tệp CHƯA hợp lệ: sửa 1 lỗi dưới đây, lưu lại rồi kiểm tra lần nữa.');
    expect(messages[0]).toMatch(/^Biểu mẫu chưa có số liệu nào/);
    expect(messages[1]).toMatch(/^Sheet "Thông tin": chưa ghi "Ngày lập"/);
  });

  it('what to do is said with the page (bdg.html), never with a command or an option', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').addRow(['Mã số', 'Tổng số']);
    const noSheets = join(work, 'thieu-sheet.xlsx');
    writeFileSync(noSheets, Buffer.from(await wb.xlsx.writeBuffer()));
    const { messages } = await validate(noSheets);
    expect(messages).toHaveLength(2);
    for (const m of messages) {
      expect(m).toContain('Hãy dùng biểu mẫu mới tải ở mục "Tải biểu mẫu" của trang bdg.html');
      expect(m).not.toMatch(/bdg |--/);
    }
    // The same file on the command line is told the command.
    expect(JSON.parse(bdg(['validate', noSheets, '--json']).stdout).errors[0].message).toContain(
      'biểu mẫu mới do bdg template tạo',
    );
    const text = await page.innerText('main'); // what a person reads on the page
    expect(text).not.toMatch(/bdg (validate|template|consolidate)|--[a-z]/);
  });

  it('a damaged file is to be got again', async () => {
    const whole = join(work, 'nguyen.xlsx');
    expect(bdg(['template', '--unit', '655', '--units', UNITS, '--period', '2024', '--out', whole]).status).toBe(0);
    const cut = join(work, 'tai-do.xlsx');
    writeFileSync(cut, readFileSync(whole).subarray(0, 3000));
    const { verdict } = await validate(cut);
    expect(verdict).toMatch(
      /^✖ Tệp CHƯA hợp lệ: không đọc được tệp nên chưa kiểm tra được số liệu\. Lấy lại tệp theo hướng dẫn dưới đây/,
    );
    expect(verdict).not.toContain('sửa 1 lỗi');
  });

  it('dates are typed and shown dd/mm/yyyy in an English browser; the config keeps ISO; Dự án 8', async () => {
    await page.click('#the-tong-hop');
    if (!(await page.locator('#khung-cau-hinh').evaluate((d: HTMLDetailsElement) => d.open)))
      await page.click('#khung-cau-hinh summary');
    expect(await page.textContent('label[for="ch-chuong-trinh"]')).toBe('Chương trình (Dự án 8 thuộc)');
    expect(await page.getAttribute('#ch-han-nop', 'placeholder')).toBe('dd/mm/yyyy');
    expect(await page.getAttribute('#ch-han-nop', 'type')).toBeNull(); // a text field: type=date follows the browser
    await page.fill('#ch-han-nop', '20/12/2024');
    await page.fill('#ch-ngay', '5/1/2025');
    expect(await page.isHidden('#loi-cau-hinh')).toBe(true);
    const saved = JSON.parse((await page.evaluate(() => localStorage.getItem('bdg.cau-hinh'))) ?? '{}');
    expect([saved.deadline, saved.documentDate]).toEqual(['2024-12-20', '2025-01-05']);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect([await page.inputValue('#ch-han-nop'), await page.inputValue('#ch-ngay')]).toEqual([
      '20/12/2024',
      '05/01/2025',
    ]);
    await page.click('#the-tong-hop');
    if (!(await page.locator('#khung-cau-hinh').evaluate((d: HTMLDetailsElement) => d.open)))
      await page.click('#khung-cau-hinh summary');
    await page.fill('#ch-han-nop', '12/31/2024');
    expect(await page.textContent('#loi-cau-hinh')).toBe(
      'Thông tin báo cáo chưa đúng: Hạn nộp báo cáo: "12/31/2024" không phải một ngày viết dạng dd/mm/yyyy (ví dụ 15/12/2024).',
    );
    expect(await page.getAttribute('#ch-han-nop', 'aria-invalid')).toBe('true');
  });
});
