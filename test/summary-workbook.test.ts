import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, measuresOf, type Measure } from '../src/core/catalogue/catalogue.js';
import type { Figures, FileOutcome, Issue, Rollup, UnitFigures } from '../src/core/model.js';
import { buildHierarchy, type Hierarchy } from '../src/core/units/hierarchy.js';
import { readSubmissionBytes } from '../src/core/read/submission.js';
import { openXlsx, type Scalar } from '../src/core/read/xlsx.js';
import { rollUp, totalsOf } from '../src/core/rollup/rollup.js';
import { writeSummaryWorkbook } from '../src/core/write/summary-workbook.js';
import { figuresFor } from './helpers/province.js';
import { tempDir } from './helpers/workbooks.js';
import { nativeCodec } from '../src/node/native-codec.js';
import { unzipSync } from 'fflate';

const catalogue = loadCatalogue('BDG-2024.1');
const columns = catalogue.indicators.flatMap((ind) =>
  measuresOf(ind).map((m) => ({ code: ind.code, measure: m as Measure, money: ind.kind === 'money' })),
);
const FIXED = 4;
const SOURCE = { file: 'Tệp của đơn vị', rollup: 'Cộng từ cấp dưới', missing: 'Chưa có số liệu' };

// Nine districts of 125 communes. District 9 sends one file for all its communes: they are not listed.
const DISTRICTS = 9;
const COMMUNES = 125;
/** User data as unit lists carry it: markup characters and a control character that XML forbids. */
const ODD_NAME = 'Xã "Ấp & Bến" <mới>\u0001 ';
const ODD_DISTRICT = 'Huyện A&B <Đông>';

function province(): Hierarchy {
  const rows = [{ code: '90', name: 'Tỉnh Kiểm Tra', level: 'Tỉnh', parent: '' }];
  for (let d = 1; d <= DISTRICTS; d++) {
    rows.push({ code: `9${d}`, name: d === 2 ? ODD_DISTRICT : `Huyện Số ${d}`, level: 'Huyện', parent: '90' });
    for (let c = 1; c <= COMMUNES; c++)
      rows.push({
        code: `9${d}${String(c).padStart(3, '0')}`,
        name: d === 2 && c === 7 ? ODD_NAME : `Xã ${d}-${c}`,
        level: 'Xã',
        parent: `9${d}`,
      });
  }
  return buildHierarchy(rows);
}

describe('summary workbook: the level sheets written as raw rows', () => {
  const hierarchy = province();
  const submitted = new Map<string, Figures>();
  let communes: UnitFigures[];
  let districts: UnitFigures[];
  let bytes: Uint8Array;
  let wb: ExcelJS.Workbook;
  let rollup: Rollup;
  let byUnit: Map<string, UnitFigures>;

  /** A file of each status: accepted (some with warnings, one message of several lines' length), rejected, ignored, superseded. */
  function statusFiles(): FileOutcome[] {
    const warn = (message: string): Issue => ({ rule: 'outlier', severity: 'warning', message });
    const error = (message: string): Issue => ({ rule: 'value-not-number', severity: 'error', message });
    const files: FileOutcome[] = [...submitted.keys()].map((code, i) => ({
      path: `huyen-${code.slice(1, 2)}/${code}.xlsx`,
      unit: code,
      status: 'accepted',
      errors: [],
      warnings:
        i % 50 === 0
          ? [warn(`Ô D${i + 7} tăng bất thường so với kỳ trước & cần xem lại <ghi chú>.`), warn('x'.repeat(200))]
          : [],
    }));
    files.splice(3, 0, {
      path: 'hong.xlsx',
      unit: '91004',
      status: 'rejected',
      errors: [error('Ô E12: "12,5" không phải là số.'), error('Thiếu sheet "Thuyết minh".')],
      warnings: [],
    });
    files.push({ path: 'ghi-chu.txt', unit: null, status: 'ignored', reason: 'không phải tệp .xlsx' });
    files.push({
      path: 'cu/91003.xlsx',
      unit: '91003',
      status: 'superseded',
      supersededBy: 'huyen-1/91003.xlsx',
      reason: 'có bản lập sau',
    });
    return files;
  }

  beforeAll(async () => {
    let seed = 1;
    for (const u of hierarchy.units) {
      if (u.level !== 'Xã' || u.parent === '99') continue;
      // Every 13th commune sent nothing; one commune left an indicator empty.
      if (Number(u.code.slice(2)) % 13 === 0) continue;
      const f = figuresFor(seed++, 1);
      if (u.code === '91005') f['DA8.05'] = { total: null, nu: null, dtts: null };
      submitted.set(u.code, f);
    }
    submitted.set('99', figuresFor(999, COMMUNES));
    byUnit = rollUp(hierarchy, catalogue, submitted);
    const units = hierarchy.units.filter((u) => u.code !== '90').map((u) => byUnit.get(u.code)!);
    communes = units.filter((u) => u.level === 'Xã' && u.parent !== '99');
    districts = units.filter((u) => u.level === 'Huyện');
    const root = byUnit.get('90')!;
    rollup = {
      runId: '20241210-080000-abcd',
      root: { code: '90', name: 'Tỉnh Kiểm Tra' },
      period: '2024',
      periodLabel: 'Năm 2024',
      catalogueVersion: catalogue.version,
      generatedAt: '2024-12-10T08:00:00.000Z',
      completeness: {
        expected: DISTRICTS,
        received: DISTRICTS,
        missing: communes.filter((u) => u.source === 'missing').map((u) => ({ code: u.code, name: u.name })),
        late: [{ code: '91002', name: 'Xã 1-2', preparedOn: '2025-01-20' }],
        partial: [
          {
            code: '99',
            name: 'Huyện Số 9',
            reported: 124,
            expected: 125,
            missing: [{ code: '99125', name: 'Xã 9-125' }],
          },
        ],
      },
      files: statusFiles(),
      totals: totalsOf(catalogue, root, DISTRICTS),
      ratios: [],
      communes: DISTRICTS * COMMUNES,
      units,
      narratives: [],
    };
    bytes = await writeSummaryWorkbook(rollup, byUnit, hierarchy, catalogue, {
      covered: [],
      runId: rollup.runId!,
      madeBy: 'bdg test',
    });
    wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  });

  it("Node's zlib as the codec (the CLI's): the same parts, byte for byte, inflated", async () => {
    const zipped = await writeSummaryWorkbook(
      rollup,
      byUnit,
      hierarchy,
      catalogue,
      { covered: [], runId: rollup.runId!, madeBy: 'bdg test' },
      nativeCodec,
    );
    const parts = (b: Uint8Array) => Object.entries(unzipSync(b)).map(([name, data]) => [name, Buffer.from(data)]);
    expect(parts(zipped)).toEqual(parts(bytes));
    // Deflated by zlib (it stores no part; the order of the parts is kept): not the same bytes as fflate's.
    expect(Buffer.compare(zipped, bytes)).not.toBe(0);
  });

  it('has every sheet of the summary', () => {
    expect(communes.length).toBe(1000);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Thông tin',
      'Số liệu',
      'Thuyết minh',
      'Cấp huyện',
      'Cấp xã',
      'Tình hình nộp báo cáo',
    ]);
  });

  it.each([
    ['Cấp xã', () => communes],
    ['Cấp huyện', () => districts],
  ])('%s: every unit row, cell by cell, with its style; then the total row', (sheet, unitsOf) => {
    const units = unitsOf();
    const ws = wb.getWorksheet(sheet)!;
    const parentName = (u: UnitFigures) => hierarchy.byCode.get(u.parent!)!.name;
    // The header rows as exceljs wrote them, and nothing after the total row.
    expect(ws.getCell('A1').value).toBe('Mã');
    expect(ws.getCell(3, FIXED + 1).value).toBe(columns[0]!.code);
    expect(ws.rowCount).toBe(3 + units.length + 1);
    units.forEach((u, i) => {
      const row = ws.getRow(4 + i);
      const missing = u.source === 'missing';
      expect(row.getCell(1).value, `row ${4 + i}`).toBe(u.code);
      expect(row.getCell(1).numFmt).toBe('@');
      expect(row.getCell(2).value).toBe(u.name === ODD_NAME ? 'Xã "Ấp & Bến" <mới> ' : u.name);
      expect(row.getCell(3).value).toBe(parentName(u));
      expect(row.getCell(4).value).toBe(SOURCE[u.source]);
      const figures = columns.map((_, k) => row.getCell(FIXED + 1 + k).value);
      expect(figures, u.code).toEqual(columns.map((c) => u.values[c.code]?.[c.measure] ?? null));
      columns.forEach((c, k) => expect(row.getCell(FIXED + 1 + k).numFmt).toBe(c.money ? '#,##0.###' : '#,##0'));
      for (const c of [1, 2, 3, 4, FIXED + 1, FIXED + columns.length]) {
        if (missing)
          expect(row.getCell(c).font, `${u.code} col ${c}`).toMatchObject({
            italic: true,
            color: { argb: 'FF9A9A9A' },
          });
        else expect(row.getCell(c).font?.italic, `${u.code} col ${c}`).toBeFalsy();
      }
    });
    const last = 3 + units.length;
    const total = ws.getRow(last + 1);
    expect(total.getCell(2).value).toBe('Tổng cộng');
    expect(total.getCell(2).font.bold).toBe(true);
    columns.forEach((c, k) => {
      const cell = total.getCell(FIXED + 1 + k);
      const values = units.map((u) => u.values[c.code]?.[c.measure]).filter((v): v is number => typeof v === 'number');
      const letter = ws.getColumn(FIXED + 1 + k).letter;
      if (!values.length) return expect(cell.value, c.code).toBe(null);
      // (cell.result, not cell.value: exceljs leaves a result of 0 out of the value it gives back.)
      expect(cell.formula, `${c.code} ${c.measure}`).toBe(`SUM(${letter}4:${letter}${last})`);
      expect(cell.result, `${c.code} ${c.measure}`).toBe(Math.round(values.reduce((a, b) => a + b, 0) * 1000) / 1000);
      expect(cell.numFmt).toBe(c.money ? '#,##0.###' : '#,##0');
      expect(cell.border.top).toEqual({ style: 'double' });
    });
  });

  it('the unit without figures and the empty indicator are empty cells, styled like their row', () => {
    const ws = wb.getWorksheet('Cấp xã')!;
    const at = (code: string) => 4 + communes.findIndex((u) => u.code === code);
    const missing = ws.getRow(at('91013'));
    expect(missing.getCell(4).value).toBe('Chưa có số liệu');
    expect(missing.getCell(FIXED + 1).value).toBe(null);
    expect(missing.getCell(FIXED + 1).font).toMatchObject({ italic: true });
    const gap = columns.findIndex((c) => c.code === 'DA8.05');
    const row = ws.getRow(at('91005'));
    expect([0, 1, 2].map((k) => row.getCell(FIXED + 1 + gap + k).value)).toEqual([null, null, null]);
    expect(row.getCell(FIXED + 1 + gap).numFmt).toBe('#,##0');
    expect(row.getCell(FIXED + 1 + gap + 3).value).toBe(
      submitted.get('91005')![columns[gap + 3]!.code]?.[columns[gap + 3]!.measure] ?? null,
    );
  });

  it('Tình hình nộp báo cáo: every file with its status and why, then the units missing, partial and late', () => {
    const ws = wb.getWorksheet('Tình hình nộp báo cáo')!;
    expect(ws.getCell('A1').value).toBe('TÌNH HÌNH NỘP BÁO CÁO – NĂM 2024');
    expect(ws.getCell('A1').font).toMatchObject({ bold: true, size: 13 });
    expect(ws.getCell('A2').value).toBe('Đã có số liệu của 9/9 đơn vị (100%)');
    expect(ws.getCell('A3').value).toBe('Mã lần tổng hợp: 20241210-080000-abcd');
    expect(ws.getRow(5).values).toEqual([
      undefined,
      'Tệp',
      'Mã đơn vị',
      'Tên đơn vị',
      'Trạng thái',
      'Lỗi / lý do',
      'Thay bằng tệp',
    ]);
    expect(ws.getCell('A5').font.bold).toBe(true);
    // Printed, the header row is repeated on every page.
    expect(ws.pageSetup.printTitlesRow).toBe('5:5');
    const files = rollup.files;
    const label = {
      accepted: 'Đã tiếp nhận',
      rejected: 'Bị từ chối',
      ignored: 'Bỏ qua',
      superseded: 'Thay bằng tệp khác',
    };
    files.forEach((f, i) => {
      const row = ws.getRow(6 + i);
      const detail =
        f.status === 'ignored' || f.status === 'superseded'
          ? f.reason!
          : [...f.errors!.map((e) => `Lỗi: ${e.message}`), ...f.warnings!.map((w) => `Cảnh báo: ${w.message}`)].join(
              '\n',
            );
      const name = f.unit ? hierarchy.byCode.get(f.unit)!.name : null;
      expect(
        [1, 2, 3, 4, 5, 6].map((c) => row.getCell(c).value),
        `row ${6 + i}`,
      ).toEqual([
        f.path,
        f.unit,
        name === ODD_NAME ? 'Xã "Ấp & Bến" <mới> ' : name,
        label[f.status],
        detail || null,
        f.supersededBy ?? null,
      ]);
      expect(row.getCell(2).numFmt).toBe('@');
      for (const c of [1, 5, 6]) expect(row.getCell(c).alignment).toEqual({ vertical: 'top', wrapText: true });
      if (f.status === 'rejected')
        expect(row.getCell(4).font).toMatchObject({ bold: true, color: { argb: 'FFC00000' } });
      else expect(row.getCell(4).font?.bold).toBeFalsy();
    });
    // Rows sized to their text: one line of 15 pt, the two warnings (one of 200 characters) 15 + 45.
    expect(ws.getRow(6).height).toBe(15 + 45);
    expect(ws.getRow(7).height).toBe(15);
    const rejected = 6 + files.findIndex((f) => f.status === 'rejected');
    expect(ws.getRow(rejected).height).toBe(30);
    let r = 6 + files.length;
    const section = (title: string, rows: unknown[][]) => {
      expect(ws.getRow(r).cellCount, `row ${r}`).toBe(0);
      expect(ws.getCell(r + 1, 1).value).toBe(title);
      expect(ws.getCell(r + 1, 1).font.bold).toBe(true);
      r += 2;
      for (const cells of rows) {
        expect(
          cells.map((_, c) => ws.getCell(r, c + 1).value),
          `row ${r}`,
        ).toEqual(cells);
        expect(ws.getCell(r, 2).numFmt).toBe('@');
        r++;
      }
    };
    const { missing, partial, late } = rollup.completeness;
    expect(missing.length).toBeGreaterThan(50);
    section(
      `Đơn vị chưa có số liệu (${missing.length})`,
      missing.map((m) => [null, m.code, m.name, 'Chưa nộp']),
    );
    section('Đơn vị có số liệu chưa đầy đủ (1)', [[null, '99', 'Huyện Số 9', '124/125', 'Chưa có: 99125 Xã 9-125']]);
    section('Đơn vị nộp muộn (1)', [[null, late[0]!.code, 'Xã 1-2', 'Lập ngày 20/01/2025']]);
    expect(partial.length).toBe(1);
    expect(ws.rowCount).toBe(r - 1);
  });

  it('our own reader reads the same cells', () => {
    const opened = openXlsx(bytes);
    if (!opened.ok) throw new Error(opened.issue.message);
    const sheet = opened.book.readSheet(opened.book.sheets.find((s) => s.name === 'Cấp xã')!);
    const odd = 4 + communes.findIndex((u) => u.name === ODD_NAME);
    // A shared string's text is read when asked for: compared as what it reads.
    const text = (s: Scalar | undefined) => (s?.kind === 'text' ? s.text : s);
    expect(text(sheet.rows.get(odd)!.get(2))).toBe('Xã "Ấp & Bến" <mới> ');
    expect(text(sheet.rows.get(odd)!.get(3))).toBe(ODD_DISTRICT);
    const u = communes[500]!;
    const cells = sheet.rows.get(504)!;
    expect(text(cells.get(1))).toBe(u.code);
    columns.forEach((c, k) => {
      const v = u.values[c.code]?.[c.measure];
      expect(cells.get(FIXED + 1 + k) ?? { kind: 'empty' }, c.code).toEqual(
        typeof v === 'number' ? { kind: 'number', value: v } : { kind: 'empty' },
      );
    });
  });

  // LibreOffice, when installed, opens it too: every sheet to CSV, the commune sheet's rows as written.
  it.skipIf(!['/usr/bin/soffice', '/usr/local/bin/soffice'].some(existsSync))(
    'LibreOffice reads the level sheet',
    () => {
      const dir = tempDir('bdg-summary-lo-');
      writeFileSync(join(dir, 'tong-hop.xlsx'), bytes);
      execFileSync(
        'soffice',
        [
          `-env:UserInstallation=file://${dir}/profile`,
          '--headless',
          '--convert-to',
          'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
          '--outdir',
          dir,
          join(dir, 'tong-hop.xlsx'),
        ],
        {
          stdio: 'ignore',
          timeout: 120_000,
        },
      );
      const file = readdirSync(dir).find((f) => f.normalize('NFC').endsWith('Cấp xã.csv'))!;
      const lines = readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean);
      expect(lines.length).toBe(3 + communes.length + 1);
      const odd = communes.findIndex((u) => u.name === ODD_NAME);
      expect(
        lines[3 + odd]!.startsWith(`${communes[odd]!.code},"Xã ""Ấp & Bến"" <mới> ",${ODD_DISTRICT},Tệp của đơn vị,`),
      ).toBe(true);
      // Figures as shown, with their number format: a count, and the total row's cached sums.
      const first = communes[0]!;
      expect(lines[3]!.split(',').slice(0, 5)).toEqual([
        first.code,
        first.name,
        'Huyện Số 1',
        'Tệp của đơn vị',
        String(first.values[columns[0]!.code]![columns[0]!.measure]),
      ]);
      expect(lines.at(-1)!.split(',')[1]).toBe('Tổng cộng');
    },
  );
});

describe('summary workbook: no cell over Excel’s 32.767 characters', () => {
  it('a 40.000-character Thuyết minh and a file’s long error list are cut, with a note, and read back', async () => {
    const hierarchy = buildHierarchy([
      { code: '80', name: 'Tỉnh Dài', level: 'Tỉnh', parent: '' },
      { code: '81', name: 'Huyện Một', level: 'Huyện', parent: '80' },
      { code: '82', name: 'Huyện Hai', level: 'Huyện', parent: '80' },
    ]);
    const submitted = new Map<string, Figures>([
      ['81', figuresFor(1, 10)],
      ['82', figuresFor(2, 10)],
    ]);
    const byUnit = rollUp(hierarchy, catalogue, submitted);
    const long = 'Cán bộ kiêm nhiệm, thường xuyên thay đổi. '.repeat(1000).slice(0, 40_000);
    const errors: Issue[] = Array.from({ length: 900 }, (_, i) => ({
      rule: 'value-not-number',
      severity: 'error',
      message: `Ô E${i + 7} (sheet "Số liệu"): "mười" không phải là số.`,
    }));
    const rollup: Rollup = {
      runId: '20250110-080000-abcd',
      root: { code: '80', name: 'Tỉnh Dài' },
      period: '2024',
      periodLabel: 'Năm 2024',
      catalogueVersion: catalogue.version,
      generatedAt: '2025-01-10T08:00:00.000Z',
      completeness: { expected: 2, received: 2, missing: [], late: [], partial: [] },
      files: [
        { path: '81.xlsx', unit: '81', status: 'accepted', errors: [], warnings: [] },
        { path: '82.xlsx', unit: '82', status: 'accepted', errors: [], warnings: [] },
        { path: 'hong.xlsx', unit: '82', status: 'rejected', errors, warnings: [] },
      ],
      totals: totalsOf(catalogue, byUnit.get('80')!, 2),
      ratios: [],
      communes: 20,
      units: ['81', '82'].map((c) => byUnit.get(c)!),
      narratives: [
        { unit: { code: '81', name: 'Huyện Một' }, narrative: { difficulties: long, proposals: 'Bố trí kinh phí.' } },
        { unit: { code: '82', name: 'Huyện Hai' }, narrative: { difficulties: 'Thiếu cán bộ.' } },
      ],
    };
    const bytes = await writeSummaryWorkbook(rollup, byUnit, hierarchy, catalogue, {
      covered: [],
      runId: rollup.runId!,
      madeBy: 'bdg test',
    });

    // Read back by the reader, as the summary is read when it is sent up.
    const read = await readSubmissionBytes(bytes, 'tong-hop.xlsx');
    const difficulties = read.submission!.narrative.difficulties!;
    const note =
      '[Đã cắt bớt: văn bản dài 40.036 ký tự, quá giới hạn 32.767 ký tự của một ô Excel; bản đầy đủ có trong tệp tổng hợp .json.]';
    expect(difficulties.length).toBeLessThanOrEqual(32_767);
    expect(difficulties.endsWith(`…\n${note}`)).toBe(true);
    expect(difficulties.startsWith(`Huyện Một: ${long.slice(0, 30_000)}`)).toBe(true);
    // 11 + 40.000 + 1 + 24 characters in all; cut to the limit, Huyện Hai’s line past it.
    expect(difficulties.length).toBe(32_767);
    expect(read.submission!.narrative.proposals).toBe('Huyện Một: Bố trí kinh phí.');

    // The status sheet's error list, written as raw rows.
    const opened = openXlsx(bytes);
    if (!opened.ok) throw new Error(opened.issue.message);
    const status = opened.book.readSheet(opened.book.sheetsNamed('Tình hình nộp báo cáo', (s) => s)[0]!);
    const detail = [...status.rows.values()]
      .map((r) => r.get(5))
      .find((c) => c?.kind === 'text' && c.text.startsWith('Lỗi: Ô E7'));
    const text = (detail as { text: string }).text;
    expect(text.length).toBeLessThanOrEqual(32_767);
    expect(text).toMatch(
      /…\n\[Đã cắt bớt: văn bản dài [\d.]+ ký tự, quá giới hạn 32\.767 ký tự của một ô Excel; bản đầy đủ có trong tệp tổng hợp \.json\.\]$/,
    );
  });
});
