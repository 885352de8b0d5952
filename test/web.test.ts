// The offline page (dist/bdg.html, built by `npm test`'s pretest) in a real browser driven by playwright-core (which
// Chromium: test/helpers/browser.ts), the page opened from file:// with every request off the machine refused, its
// three tabs used as a person would (picking files), the downloads caught and compared with what the CLI writes for
// the same inputs.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import ExcelJS from 'exceljs';
import { chromium, type Browser, type BrowserContext, type Download, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBrowser } from './helpers/browser.js';
import { bdg, ROOT } from './helpers/cli.js';
import { openDocx } from './helpers/docx.js';
import { figuresSheetXml, infoSheetXml, rawWorkbook } from './helpers/raw-xlsx.js';
import { tempDir } from './helpers/workbooks.js';
import { excelLike, lyingWorkbook } from './helpers/annotate-sources.js';
import { THREE_LEVEL, writeUnits } from './helpers/province.js';
import { loadCatalogue } from '../src/core/catalogue/catalogue.js';
import { installDataFiles } from '../src/core/data-files.js';
import { parsePeriodArg } from '../src/core/util/period.js';
import { buildSubmissionWorkbook } from '../src/core/write/submission-workbook.js';
import { packageDataFiles } from '../src/node/package-data-files.js';

const PAGE = join(ROOT, 'dist/bdg.html');
const DAK_LAK = join(ROOT, 'fixtures/dak-lak');
const SUBMISSIONS = join(DAK_LAK, 'nop-bao-cao-2024');
const UNITS = join(DAK_LAK, 'don-vi.csv');
const CONFIG = join(DAK_LAK, 'cau-hinh.json');
const DOCS = join(ROOT, 'docs');

/** The JSON of a run without what differs from run to run. */
function stable(json: Record<string, unknown>): Record<string, unknown> {
  const { generatedAt: _g, runId: _r, ...rest } = json;
  return rest;
}

/** The CLI run beside the browser (2 cores: one drives the page, one runs bdg), as a person runs it. */
function bdgAsync(
  args: string[],
  cwd = ROOT,
  env: Record<string, string> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/bdg.js'), ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => done({ status: status ?? -1, stdout, stderr }));
  });
}

/** The CLI's "Tệp đã xét: N (tiếp nhận …)" line, as total and parts; the parts must add up to the total. */
function cliCounts(summary: string): { total: string; parts: string } {
  const [, total, parts] = /Tệp đã xét:\s+(\S+) \((.*)\)/.exec(summary) ?? [];
  expect(parts, summary).toBeDefined();
  const sum = [...parts!.matchAll(/\d+/g)].reduce((n, m) => n + Number(m[0]), 0);
  expect(sum, parts).toBe(Number(total!.replace(/\./g, '')));
  return { total: total!, parts: parts! };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));
}

// Each test drives the page and runs the CLI beside it: slow on a busy 2-core machine, hence the generous limit.
describe('the web page (dist/bdg.html) in chromium', { timeout: 240_000 }, () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let work: string;
  /** Every request the page made that did not stay on this machine. */
  const offMachine: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    work = tempDir('bdg-web-');
    browser = await chromium.launch(chooseBrowser().launch);
    context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1366, height: 768 },
      locale: 'vi-VN',
    });
    context.on('request', (r) => {
      if (!/^(file|blob|data):/.test(r.url())) offMachine.push(r.url());
    });
    await context.route(/^(?!file:|blob:|data:)/, (route) => route.abort());
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(pathToFileURL(PAGE).href);
    await page.waitForSelector('body[data-ready="true"]');
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function download(selector: string): Promise<{ name: string; path: string }> {
    const [dl] = (await Promise.all([page.waitForEvent('download'), page.click(selector)])) as [Download, void];
    const path = join(work, dl.suggestedFilename());
    await dl.saveAs(path);
    return { name: dl.suggestedFilename(), path };
  }

  const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

  it('is one file of at most 700 KB gzipped, with every shipped data file inside', () => {
    const html = readFileSync(PAGE, 'utf8');
    const gz = gzipSync(html, { level: 9 }).length;
    expect(gz).toBeLessThanOrEqual(700 * 1024);
    // Nothing to fetch: no script, style or image from elsewhere; the only script is the page's own.
    const markup = html.slice(0, html.indexOf('<script id="bdg-code">'));
    expect(markup).not.toMatch(/<script|<link|<img|<iframe|src=|@import|url\(/i);
    expect(html.indexOf('<script id="bdg-code">')).toBeGreaterThan(0);
    for (const dir of ['catalogue', 'data'])
      for (const file of filesUnder(join(ROOT, dir))) {
        // A line the bundler keeps as written (no quote or escape to re-encode).
        const line = readFileSync(file, 'utf8')
          .split(/\r?\n/)
          .find((l) => l.length > 12 && !/["'`\\$]/.test(l));
        if (line) expect(html.includes(line), relative(ROOT, file)).toBe(true);
      }
    // The page's own words are NFC (composed diacritics), as every text bdg writes.
    expect(markup.normalize('NFC') === markup).toBe(true);
  });

  it('Kiểm tra tệp: the same JSON as `bdg validate --json` for good, wrong and hostile files', async () => {
    await page.setInputFiles('#danh-muc', UNITS);
    await expect.poll(() => page.textContent('#trang-thai-danh-muc')).toContain('Tỉnh Đắk Lắk');
    const files = [
      join(SUBMISSIONS, '646-huyen-ea-sup.xlsx'),
      join(SUBMISSIONS, '643-thanh-pho-buon-ma-thuot.xlsx'),
      join(ROOT, 'fixtures/broken/zip-bom.xlsx'),
      join(ROOT, 'fixtures/broken/mat-khau.xlsx'),
      join(ROOT, 'fixtures/broken/xml-thuc-the.xlsx'),
    ];
    const cliRuns = files.map((file) =>
      bdgAsync(['validate', basename(file), '--units', UNITS, '--json'], dirname(file)),
    );
    for (const [n, file] of files.entries()) {
      const name = basename(file);
      await page.setInputFiles('#tep-kiem-tra', file);
      await page.waitForFunction(
        (n) =>
          document.querySelector('#ket-qua-kiem-tra h3')?.textContent?.includes(n) &&
          document.querySelector('#tai-kiem-tra-json'),
        name,
      );
      const got = await download('#tai-kiem-tra-json');
      expect(got.name).toBe(`kiem-tra-${name.replace(/\.xlsx$/, '')}.json`);
      const cli = await cliRuns[n]!;
      expect(readJson(got.path), name).toEqual(JSON.parse(cli.stdout));
      const verdict = await page.textContent('#ket-luan-kiem-tra');
      expect(verdict).toContain(cli.status === 0 ? 'Tệp hợp lệ' : 'CHƯA hợp lệ');
      if (name.startsWith('646')) {
        // Grouped as the CLI prints them: sheet, cell, indicator, value, what to do.
        const row = await page.locator('#ket-qua-kiem-tra .issues-error tbody tr').first().innerText();
        expect(row).toMatch(/F12\s+DA8\.05\s+4\.320\s+Ô F12 \(sheet "Số liệu", chỉ tiêu DA8\.05, cột Nữ\)/);
        expect(row).toContain('breakdown-exceeds-total');
        mkdirSync(DOCS, { recursive: true });
        await page.screenshot({ path: join(DOCS, 'web-kiem-tra.png') });
      }
      if (cli.status === 0 || name.startsWith('mat-khau') || name.startsWith('zip-bom') || name.startsWith('xml-')) {
        // Nothing to mark on a valid file; a file that cannot be opened has no cells to mark.
        if (cli.status === 0) expect(await page.locator('#tai-danh-dau-loi').count(), name).toBe(0);
      } else {
        // The annotated copy is the one `bdg validate --annotate` writes.
        const theirs = join(work, `cli-${name}`);
        const annotateRun = await bdgAsync(['validate', name, '--units', UNITS, '--annotate', theirs], dirname(file));
        expect(annotateRun.status).toBe(1);
        const mine = await download('#tai-danh-dau-loi');
        expect(mine.name).toBe(name.replace(/\.xlsx$/, '-danh-dau-loi.xlsx'));
        // Same parts with the same bytes (the zip's own dates are those of each run).
        const parts = (path: string) =>
          Object.entries(unzipSync(new Uint8Array(readFileSync(path)))).map(([k, v]) => [
            k,
            Buffer.from(v).toString('base64'),
          ]);
        expect(parts(mine.path)).toEqual(parts(theirs));
        const marked = new ExcelJS.Workbook();
        await marked.xlsx.readFile(mine.path);
        expect(marked.getWorksheet('Lỗi cần sửa'), name).toBeDefined();
      }
    }
  });

  it('Kiểm tra tệp: the marked copy is made on the worker; one over the limits is skipped with the reason, errors listed', async () => {
    await page.setInputFiles('#danh-muc', UNITS);
    await expect.poll(() => page.textContent('#trang-thai-danh-muc')).toContain('Tỉnh Đắk Lắk');
    const lying = join(work, 'noi-doi.xlsx');
    writeFileSync(lying, lyingWorkbook());
    await page.setInputFiles('#tep-kiem-tra', lying);
    await page.waitForSelector('#bo-qua-danh-dau');
    expect(await page.textContent('#bo-qua-danh-dau')).toBe(
      'Không tạo bản đánh dấu lỗi: nội dung giải nén của tệp vượt giới hạn dung lượng; các lỗi vẫn được liệt kê dưới đây. Gửi danh sách lỗi này cho đơn vị; đơn vị mở tệp bằng Excel hoặc LibreOffice, xóa dòng, cột thừa, sửa các lỗi rồi gửi lại.',
    );
    expect(await page.locator('#tai-danh-dau-loi').count()).toBe(0);
    expect(await page.locator('#tien-do-danh-dau').count()).toBe(0);
    expect(await page.textContent('#ket-qua-kiem-tra .issues-error')).toContain('breakdown-exceeds-total');
    // The same file without the lying sheet: its copy comes from the worker, the progress line replaced by the link.
    const good = join(work, 'dung.xlsx');
    writeFileSync(good, excelLike());
    await page.setInputFiles('#tep-kiem-tra', good);
    const copy = await download('#tai-danh-dau-loi');
    expect(copy.name).toBe('dung-danh-dau-loi.xlsx');
    expect(await page.locator('#tien-do-danh-dau').count()).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(copy.path);
    expect(wb.worksheets[0]!.name).toBe('Lỗi cần sửa');
  });

  it('Kiểm tra tệp without a unit list: the built-in list of the file’s period names the unit', async () => {
    await page.click('#bo-danh-muc');
    await page.setInputFiles('#tep-kiem-tra', join(SUBMISSIONS, '644-thi-xa-buon-ho.xlsx'));
    await page.waitForFunction(
      () =>
        document.querySelector('#ket-qua-kiem-tra h3')?.textContent?.includes('644-') &&
        document.querySelector('#tai-kiem-tra-json'),
    );
    expect(await page.textContent('#ket-qua-kiem-tra')).toContain('danh mục đơn vị hành chính trước 1/7/2025');
    const json = readJson((await download('#tai-kiem-tra-json')).path);
    expect(json).toMatchObject({
      file: '644-thi-xa-buon-ho.xlsx',
      valid: true,
      unit: { code: '644', name: 'Thị xã Buôn Hồ' },
      period: '2024',
    });
  });

  it('Tổng hợp a folder: the JSON of `bdg consolidate --json`, the summary workbook and the DOCX report', async () => {
    await page.click('#the-tong-hop');
    await page.setInputFiles('#danh-muc', UNITS);
    await expect.poll(() => page.textContent('#trang-thai-danh-muc')).toContain('Tỉnh Đắk Lắk');
    await page.click('#khung-cau-hinh summary');
    await page.setInputFiles('#cau-hinh', CONFIG);
    await expect.poll(() => page.inputValue('#ch-co-quan')).toBe('SỞ LAO ĐỘNG - THƯƠNG BINH\nVÀ XÃ HỘI'); // its printed lines, one a line
    const out = join(work, 'cli-folder');
    // Run beside the list (the config names it), so the CLI names it as the page does: by the file's name.
    const cliRun = bdgAsync(['consolidate', SUBMISSIONS, '--config', CONFIG, '--out', out, '--json'], dirname(UNITS));
    await page.setInputFiles('#thu-muc-tong-hop', SUBMISSIONS);
    await page.waitForSelector('#tai-tong-hop-json', { timeout: 120_000 });
    const cli = await cliRun;
    expect(cli.status).toBe(1); // the sample has one wrong file
    const json = await download('#tai-tong-hop-json');
    expect(json.name).toBe('tong-hop-66-2024.json');
    const pageJson = readJson(json.path);
    expect(pageJson.runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(stable(pageJson)).toEqual(stable(JSON.parse(cli.stdout)));

    const xlsx = await download('#tai-tong-hop-xlsx');
    expect(xlsx.name).toBe('tong-hop-66-2024.xlsx');
    const [mine, theirs] = [new ExcelJS.Workbook(), new ExcelJS.Workbook()];
    await mine.xlsx.readFile(xlsx.path);
    await theirs.xlsx.readFile(join(out, 'tong-hop-66-2024.xlsx'));
    expect(mine.worksheets.map((w) => w.name)).toEqual(theirs.worksheets.map((w) => w.name));
    for (const sheet of theirs.worksheets) {
      // Ngày lập of the summary is the run's date.
      // Each run has its own id (checked below to be the one in its JSON).
      const values = (ws: ExcelJS.Worksheet) =>
        ws.getSheetValues().map((r) =>
          JSON.stringify(r)
            ?.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'thời điểm chạy')
            .replace(/\d{8}-\d{6}-[0-9a-f]{4}/g, 'mã lần chạy'),
        );
      expect(values(mine.getWorksheet(sheet.name)!), sheet.name).toEqual(values(sheet));
    }
    const runIdCell = (wb: ExcelJS.Workbook) =>
      wb
        .getWorksheet('Thông tin')!
        .getSheetValues()
        .find((r) => Array.isArray(r) && r[1] === 'Mã lần tổng hợp') as unknown[];
    expect(runIdCell(mine)[2]).toBe(pageJson.runId);
    expect(runIdCell(theirs)[2]).toBe(JSON.parse(cli.stdout).runId);

    const docx = await download('#tai-bao-cao-docx');
    expect(docx.name).toBe('bao-cao-66-2024.docx');
    const [report, cliReport] = [await openDocx(docx.path), await openDocx(join(out, 'bao-cao-66-2024.docx'))];
    expect(report.paragraphs.map((p) => p.text)).toEqual(cliReport.paragraphs.map((p) => p.text));
    expect(report.rows).toEqual(cliReport.rows);
    const text = report.paragraphs.map((p) => p.text).join('\n');
    expect(text).toMatch(/SỞ LAO ĐỘNG - THƯƠNG BINH\s*VÀ XÃ HỘI/); // the issuer on its two printed lines

    const shown = await page.textContent('#ket-qua-tong-hop');
    expect(shown).toContain('Tổng hợp Tỉnh Đắk Lắk – Năm 2024');
    expect(shown).toContain('14/15');
    expect(shown).toContain('646 Huyện Ea Súp');
    const counts = cliCounts(cli.stderr);
    const countsShown = new RegExp(`^${counts.total}\\s+Tệp đã xét\\s+${counts.parts}$`);
    expect(await page.locator('#so-tep').innerText()).toMatch(countsShown);
    expect(await page.textContent('#ma-lan-tong-hop')).toBe(`Mã lần tổng hợp: ${pageJson.runId}`);
    // The copy sent back, as the CLI's tra-lai/: made on the page's worker, a link in the refused file's row.
    const copyLink = '#bang-tu-choi tbody tr a.button';
    await page.waitForSelector(copyLink, { timeout: 60_000 });
    const copy = await download(copyLink);
    expect(copy.name).toBe('646-huyen-ea-sup.xlsx');
    const parts = (path: string) =>
      Object.entries(unzipSync(new Uint8Array(readFileSync(path)))).map(([k, v]) => [
        k,
        Buffer.from(v).toString('base64'),
      ]);
    expect(parts(copy.path)).toEqual(parts(join(out, 'tra-lai/646-huyen-ea-sup.xlsx')));
    // The CLI's warned unit, with its warning.
    const warned = await page.locator('#canh-bao-tong-hop').innerText();
    // Cư Kuin's disbursement above its allocation, and four units whose Project 8 events exceed all events (BDG.05).
    expect(warned).toContain('Cảnh báo cần xem lại (5 đơn vị)');
    expect(warned).toContain('657 Huyện Cư Kuin (657-huyen-cu-kuin.xlsx): 1 cảnh báo');
    expect(warned).toContain("648 Huyện Cư M'gar (648-huyen-cu-m-gar.xlsx): 1 cảnh báo");
    const cliWarnings = cli.stderr.split('\n').filter((l) => l.startsWith('      - '));
    expect(cliWarnings).toHaveLength(5);
    for (const line of cliWarnings) expect(warned).toContain(line.slice('      - '.length));
    expect(await page.locator('#bang-tu-choi tbody tr').count()).toBe(1);
    await page.click('#khung-cau-hinh summary'); // folded away, as after filling it once
    await page.locator('#trang-tong-hop').evaluate((e) => e.scrollIntoView());
    await page.screenshot({ path: join(DOCS, 'web-tong-hop.png') });
  });

  it('Tổng hợp picked files with hostile ones among them: each refused as the CLI refuses it, the others read', async () => {
    // input#tep-tong-hop gives names without folders: compared with the CLI on the same files in one folder.
    const flat = join(work, 'phang');
    mkdirSync(flat);
    const picked = [
      ...filesUnder(SUBMISSIONS).filter((f) => !f.includes('/lak/')),
      ...['zip-bom.xlsx', 'xml-long-sau.xlsx', 'bieu-mau-excel-97.xls', 'rong.xlsx'].map((f) =>
        join(ROOT, 'fixtures/broken', f),
      ),
    ];
    for (const f of picked) copyFileSync(f, join(flat, basename(f)));
    // Run beside the list, so the CLI names it as the page does (by the file's name: a page knows no paths).
    const cliRun = bdgAsync(
      ['consolidate', flat, '--config', CONFIG, '--units', basename(UNITS), '--out', join(work, 'cli-flat'), '--json'],
      dirname(UNITS),
    );
    await page.setInputFiles('#tep-tong-hop', picked);
    await page.waitForFunction(
      () =>
        document.querySelector('#tai-tong-hop-json') &&
        document.querySelector('#tien-do-tong-hop')?.hasAttribute('hidden'),
      undefined,
      { timeout: 120_000 },
    );
    const cli = await cliRun;
    const json = await download('#tai-tong-hop-json');
    const got = stable(readJson(json.path));
    expect(got).toEqual(stable(JSON.parse(cli.stdout)));
    const status = Object.fromEntries(
      (got.files as { path: string; status: string; errors?: { rule: string }[] }[]).map((f) => [
        f.path,
        `${f.status} ${f.errors?.[0]?.rule ?? ''}`.trim(),
      ]),
    );
    expect(status).toMatchObject({
      'zip-bom.xlsx': 'rejected file-too-large',
      'xml-long-sau.xlsx': 'rejected file-unsafe',
      'bieu-mau-excel-97.xls': 'rejected file-not-xlsx',
      'rong.xlsx': 'rejected file-empty',
      '643-thanh-pho-buon-ma-thuot.xlsx': 'accepted',
    });
  });

  it('Tổng hợp with no file accepted: nothing to download, and why, in the CLI’s words', async () => {
    // A wrong file and a note: the CLI writes nothing, exits 1 and says why on stderr.
    const dir = join(work, 'khong-tiep-nhan');
    mkdirSync(dir);
    const picked = [join(SUBMISSIONS, '646-huyen-ea-sup.xlsx'), join(SUBMISSIONS, 'ghi-chu.txt')];
    for (const f of picked) copyFileSync(f, join(dir, basename(f)));
    const cliOut = join(work, 'cli-khong-tiep-nhan');
    const args = ['consolidate', dir, '--config', CONFIG, '--units', basename(UNITS), '--out', cliOut];
    const cliRun = bdgAsync(args, dirname(UNITS));
    await page.setInputFiles('#tep-tong-hop', picked);
    await page.waitForSelector('#khong-tiep-nhan', { timeout: 120_000 });
    const cli = await cliRun;
    expect(cli.status).toBe(1);
    expect(existsSync(join(cliOut, 'tong-hop-66-2024.json'))).toBe(false);
    expect(await page.locator('#ket-qua-tong-hop a, #ket-qua-tong-hop button').count()).toBe(0);
    const shown = await page.locator('#khong-tiep-nhan').innerText();
    const [reason, ...rest] = cli.stderr.trim().split('\n');
    expect(reason).toBe('Không tệp nào được tiếp nhận (1 tệp bị từ chối), nên không lập bảng tổng hợp và báo cáo.');
    expect(shown).toContain(reason);
    // Each file and why it was not used, as the CLI lists them.
    const perFile = rest.filter((l) => l.startsWith('  '));
    expect(perFile.map((l) => l.trim().split(':')[0])).toEqual(['646-huyen-ea-sup.xlsx', 'ghi-chu.txt']);
    for (const line of perFile) expect(shown).toContain(line.trim());
    expect(shown).toContain('Không có kết quả nào để tải.');
  });

  it('Tổng hợp a unit’s re-send: the earlier file shown as superseded, with why, and counts that add up', async () => {
    // Two files of one unit, the second dated later: the CLI uses the later one and explains the earlier.
    const dir = join(work, 'gui-lai');
    mkdirSync(dir);
    const sends = { '655-lan-dau.xlsx': '10/12/2024', '655-gui-lai.xlsx': '18/12/2024' };
    for (const [name, date] of Object.entries(sends)) {
      const info = { name: 'Thông tin', xml: infoSheetXml({ 'Ngày lập': date }) };
      writeFileSync(join(dir, name), rawWorkbook({ sheets: [info, { name: 'Số liệu', xml: figuresSheetXml() }] }));
    }
    const cliOut = join(work, 'cli-gui-lai');
    const args = ['consolidate', dir, '--config', CONFIG, '--units', basename(UNITS), '--out', cliOut, '--json'];
    const cliRun = bdgAsync(args, dirname(UNITS));
    await page.setInputFiles(
      '#tep-tong-hop',
      Object.keys(sends).map((name) => join(dir, name)),
    );
    await page.waitForSelector('#bang-thay-the', { timeout: 120_000 });
    const cli = await cliRun;
    expect(cli.status).toBe(0);
    type Outcome = { path: string; status: string; supersededBy?: string; reason?: string };
    const cliJson = JSON.parse(cli.stdout) as { files: Outcome[] };
    expect(stable(readJson((await download('#tai-tong-hop-json')).path))).toEqual(stable(cliJson));
    const earlier = cliJson.files.find((f) => f.path === '655-lan-dau.xlsx')!;
    expect(earlier).toMatchObject({ status: 'superseded', supersededBy: '655-gui-lai.xlsx' });
    // The CLI's section, and the page's table row: file, unit, the file used, the reason.
    const cliSection = `  Thay bằng tệp khác (1):\n    655-lan-dau.xlsx → 655-gui-lai.xlsx: ${earlier.reason}`;
    expect(cli.stderr).toContain(cliSection);
    expect(await page.textContent('#ket-qua-tong-hop')).toContain('Thay bằng tệp khác (1)');
    const row = await page.locator('#bang-thay-the tbody tr').allInnerTexts();
    expect(row.map((r) => r.split('\t'))).toEqual([['655-lan-dau.xlsx', '655', '655-gui-lai.xlsx', earlier.reason]]);
    expect(earlier.reason).toContain('lập ngày 18/12/2024, sau tệp này (lập ngày 10/12/2024)');
    const counts = cliCounts(cli.stderr);
    expect(counts).toEqual({ total: '2', parts: 'tiếp nhận 1, từ chối 0, thay bằng tệp khác 1, bỏ qua 0' });
    expect(await page.locator('#so-tep').innerText()).toMatch(new RegExp(`^2\\s+Tệp đã xét\\s+${counts.parts}$`));
  });

  it('Tổng hợp settings are remembered in the browser and exported as the CLI’s config JSON', async () => {
    if (!(await page.locator('#khung-cau-hinh').evaluate((d: HTMLDetailsElement) => d.open)))
      await page.click('#khung-cau-hinh summary');
    await page.fill('#ch-nguoi-ky', 'Nguyễn Văn A');
    const exported = readJson((await download('#xuat-cau-hinh')).path);
    const original = readJson(CONFIG);
    expect(exported).toEqual({ ...original, signer: { ...(original.signer as object), name: 'Nguyễn Văn A' } });
    const again = await context.newPage();
    await again.goto(pathToFileURL(PAGE).href);
    await again.waitForSelector('body[data-ready="true"]');
    expect(await again.inputValue('#ch-nguoi-ky')).toBe('Nguyễn Văn A');
    expect(await again.inputValue('#ch-han-nop')).toBe('20/12/2024'); // the config's ISO date, shown dd/mm/yyyy
    await again.close();
  });

  it('Biểu mẫu: province and unit from the built-in lists → that unit’s blank template', async () => {
    // Keyboard: the tabs are buttons, arrow keys move between them.
    await page.focus('#the-tong-hop');
    await page.keyboard.press('ArrowRight');
    expect(await page.getAttribute('#the-bieu-mau', 'aria-selected')).toBe('true');
    expect(await page.isVisible('#trang-bieu-mau')).toBe(true);
    const cliOut = join(work, 'cli-bieu-mau.xlsx');
    const cliRun = bdgAsync(['template', '--unit', '646', '--units', UNITS, '--period', '2024', '--out', cliOut]);
    await page.selectOption('#bm-ky', '2024');
    expect(await page.inputValue('#bm-danh-muc')).toBe('2024');
    await page.selectOption('#bm-tinh', '66');
    await page.selectOption('#bm-don-vi', '646');
    await page.screenshot({ path: join(DOCS, 'web-bieu-mau.png') });
    const got = await download('#tai-bieu-mau');
    expect(got.name).toBe('bieu-mau-646-2024.xlsx');
    // What the CLI makes for the same unit.
    expect((await cliRun).status).toBe(0);
    const [mine, theirs] = [new ExcelJS.Workbook(), new ExcelJS.Workbook()];
    await mine.xlsx.readFile(got.path);
    await theirs.xlsx.readFile(cliOut);
    for (const sheet of theirs.worksheets)
      expect(
        mine
          .getWorksheet(sheet.name)!
          .getSheetValues()
          .map((r) => JSON.stringify(r)),
        sheet.name,
      ).toEqual(sheet.getSheetValues().map((r) => JSON.stringify(r)));
    const info = JSON.stringify(mine.getWorksheet('Thông tin')!.getSheetValues());
    expect(info).toContain('Huyện Ea Súp');
  });

  it('Biểu mẫu: the province’s own form (form-2026.md §5), as bdg template --province-own makes it', async () => {
    if (!(await page.isVisible('#trang-bieu-mau'))) await page.click('#the-bieu-mau');
    const cliOut = join(work, 'cli-cap-tinh.xlsx');
    const cliRun = bdgAsync([
      'template',
      '--unit',
      '66',
      '--province-own',
      '--agency',
      'Sở Nội vụ',
      '--period',
      '2026-Q3',
      '--out',
      cliOut,
    ]);
    await page.selectOption('#bm-ky', '2026-Q3');
    await page.selectOption('#bm-tinh', '66');
    await page.selectOption('#bm-don-vi', '22057');
    expect(await page.isDisabled('#bm-co-quan')).toBe(true);
    await page.check('#bm-cap-tinh');
    await page.fill('#bm-co-quan', 'Sở Nội vụ');
    // A commune cannot send the province's own form: said, nothing downloaded.
    await page.click('#tai-bieu-mau');
    expect(await page.textContent('#trang-thai-bieu-mau')).toBe(
      'Không tạo được biểu mẫu riêng của các cơ quan, đơn vị cấp tỉnh: Xã Xuân Lộc (mã 22057) không phải đơn vị cấp tỉnh.',
    );
    await page.selectOption('#bm-don-vi', '66');
    const got = await download('#tai-bieu-mau');
    expect(got.name).toBe('bieu-mau-66-cap-tinh-2026-Q3.xlsx');
    expect(await page.textContent('#trang-thai-bieu-mau')).toBe(
      'Đã tạo bieu-mau-66-cap-tinh-2026-Q3.xlsx (các cơ quan, đơn vị cấp tỉnh của Tỉnh Đắk Lắk, Quý III năm 2026, biểu mẫu BDG-2026.1).',
    );
    expect((await cliRun).status).toBe(0);
    const [mine, theirs] = [new ExcelJS.Workbook(), new ExcelJS.Workbook()];
    await mine.xlsx.readFile(got.path);
    await theirs.xlsx.readFile(cliOut);
    for (const sheet of theirs.worksheets)
      expect(
        mine
          .getWorksheet(sheet.name)!
          .getSheetValues()
          .map((r) => JSON.stringify(r)),
        sheet.name,
      ).toEqual(sheet.getSheetValues().map((r) => JSON.stringify(r)));
    expect(JSON.stringify(mine.getWorksheet('Thông tin')!.getSheetValues())).toContain('Cơ quan, đơn vị cấp tỉnh');
    await page.uncheck('#bm-cap-tinh');
  });

  it('asked nothing of the network and threw no error', () => {
    expect(offMachine).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

describe('bdg web', () => {
  it('writes the page, and never over an existing file (without --force)', () => {
    const dir = tempDir('bdg-web-cli-');
    const out = join(dir, 'trang.html');
    expect(bdg(['web', '--out', out]).status).toBe(0);
    expect(readFileSync(out).equals(readFileSync(PAGE))).toBe(true);
    const again = bdg(['web', '--out', out]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('--force');
    expect(existsSync(join(dir, 'bdg.html'))).toBe(false);
  });
});

/** The second edition of test/fixtures/editions, built into a page of its own (BDG_CATALOGUE_OVERLAY). */
const EDITIONS = join(ROOT, 'test/fixtures/editions');
const [OLD, TEST] = ['BDG-2024.1', 'TEST-2026.1'];

describe(
  'the page making and reading both editions (a page built with BDG_CATALOGUE_OVERLAY)',
  { timeout: 240_000 },
  () => {
    const env = { BDG_CATALOGUE_OVERLAY: EDITIONS };
    let browser: Browser;
    let page: Page;
    let work: string;
    let units: string;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      work = tempDir('bdg-web-editions-');
      const built = join(work, 'bdg.html');
      const build = spawn(process.execPath, [join(ROOT, 'scripts/build-web.mjs')], {
        env: { ...process.env, ...env, BDG_WEB_OUT: built },
      });
      expect(await new Promise((done) => build.on('close', done))).toBe(0);
      units = writeUnits(work, THREE_LEVEL);
      // A file of each edition for 2026, written as the editions' own templates are.
      installDataFiles(packageDataFiles(EDITIONS));
      try {
        for (const [edition, figures] of [
          [TEST, { 'DA8.31': { total: 25 }, 'DA8.04': { total: 8 }, 'DA8.05': { total: 240 }, 'DA8.01': { total: 3 } }],
          [OLD, { 'DA8.06': { total: 40 }, 'DA8.04': { total: 10 }, 'DA8.05': { total: 300 }, 'DA8.01': { total: 5 } }],
        ] as const) {
          const wb = buildSubmissionWorkbook({
            catalogue: loadCatalogue(edition),
            unit: { code: '101', name: 'Huyện Đông' },
            period: parsePeriodArg('2026')!,
            figures,
            info: { preparedOn: new Date('2026-12-10T00:00:00Z') },
          });
          await wb.xlsx.writeFile(join(work, `101-${edition}.xlsx`));
        }
      } finally {
        installDataFiles(packageDataFiles(undefined));
      }
      browser = await chromium.launch(chooseBrowser().launch);
      const context = await browser.newContext({ acceptDownloads: true, locale: 'vi-VN' });
      await context.route(/^(?!file:|blob:|data:)/, (route) => route.abort());
      page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(pathToFileURL(built).href);
      await page.waitForSelector('body[data-ready="true"]');
    });

    afterAll(async () => {
      await browser?.close();
    });

    async function download(selector: string, as: string): Promise<{ name: string; path: string }> {
      const [dl] = (await Promise.all([page.waitForEvent('download'), page.click(selector)])) as [Download, void];
      const path = join(work, as);
      await dl.saveAs(path);
      return { name: dl.suggestedFilename(), path };
    }

    const sheets = async (path: string) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(path);
      return Object.fromEntries(
        wb.worksheets.map((ws) => [ws.name, ws.getSheetValues().map((r) => JSON.stringify(r))]),
      );
    };

    it('Biểu mẫu: a template of each edition, chosen in "Phiên bản biểu mẫu", as `bdg template --form` writes it', async () => {
      await page.click('#the-bieu-mau');
      await page.selectOption('#bm-ky', '2026');
      const offered = await page
        .locator('#bm-phien-ban option')
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      expect(offered).toEqual(['', OLD, TEST]);
      const unit = await page.inputValue('#bm-don-vi');
      for (const edition of [TEST, OLD]) {
        await page.selectOption('#bm-phien-ban', edition);
        const got = await download('#tai-bieu-mau', `bieu-mau-${edition}.xlsx`);
        expect(got.name).toBe(`bieu-mau-${unit}-2026.xlsx`);
        expect(await page.textContent('#trang-thai-bieu-mau')).toContain(`biểu mẫu ${edition})`);
        const cliOut = join(work, `cli-bieu-mau-${edition}.xlsx`);
        const cli = await bdgAsync(
          ['template', '--unit', unit, '--period', '2026', '--form', edition, '--out', cliOut],
          ROOT,
          env,
        );
        expect(cli.status, cli.stderr).toBe(0);
        const [mine, theirs] = [await sheets(got.path), await sheets(cliOut)];
        expect(mine).toEqual(theirs);
        const codes = mine['Số liệu']!.join(' ');
        expect(codes.includes('"DA8.31"'), edition).toBe(edition === TEST);
        expect(codes.includes('"DA8.06"'), edition).toBe(edition === OLD);
        expect(mine['Thông tin']!.join(' ')).toContain(`"Phiên bản biểu mẫu","${edition}"`);
      }
    });

    it('Kiểm tra tệp: a file of each edition checked against its own, as `bdg validate --json`; the old one warned', async () => {
      await page.click('#the-kiem-tra');
      await page.setInputFiles('#danh-muc', units);
      await expect.poll(() => page.textContent('#trang-thai-danh-muc')).toContain('Tỉnh Thử Nghiệm');
      for (const edition of [TEST, OLD]) {
        const name = `101-${edition}.xlsx`;
        await page.setInputFiles('#tep-kiem-tra', join(work, name));
        await page.waitForFunction(
          (n) =>
            document.querySelector('#ket-qua-kiem-tra h3')?.textContent?.includes(n) &&
            document.querySelector('#tai-kiem-tra-json'),
          name,
        );
        const got = JSON.parse(
          readFileSync((await download('#tai-kiem-tra-json', `kiem-tra-${edition}.json`)).path, 'utf8'),
        );
        const cli = await bdgAsync(['validate', name, '--units', units, '--json'], work, env);
        expect(cli.status, cli.stdout).toBe(0);
        // The same findings; the page words what to do without a command (its own tab, see web-words.test.ts).
        type Json = { warnings: { message: string }[] };
        const unworded = (j: Json) => ({ ...j, warnings: j.warnings.map(({ message: _m, ...w }) => w) });
        expect(unworded(got)).toEqual(unworded(JSON.parse(cli.stdout)));
        expect(got.valid).toBe(true);
        expect(got.warnings.map((w: { rule: string }) => w.rule)).toEqual(edition === OLD ? ['form-outdated'] : []);
        if (edition === OLD) expect(got.warnings[0].message).toContain(`chọn phiên bản ${TEST}`);
        expect(await page.textContent('#ket-qua-kiem-tra')).toContain(`Biểu mẫu: ${edition}`);
      }
    });

    it('threw no error', () => {
      expect(pageErrors).toEqual([]);
    });
  },
);
