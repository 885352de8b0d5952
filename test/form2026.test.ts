import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { formEditionForPeriod, loadCatalogue } from '../src/core/catalogue/catalogue.js';
import { conversionBetween } from '../src/core/catalogue/crosswalk.js';
import type { Figures, Rollup } from '../src/core/model.js';
import { parsePeriodArg, periodDates, periodEnd, periodStart } from '../src/core/util/period.js';
import {
  buildSubmissionWorkbook,
  submissionLayout,
  type SubmissionWorkbookInput,
} from '../src/core/write/submission-workbook.js';
import { provinceOwnRefusal, templateFileName, templateWorkbook } from '../src/core/form/template.js';
import '../src/node/package-data-files.js';
import { bdg } from './helpers/cli.js';
import { openDocx } from './helpers/docx.js';
import { tempDir } from './helpers/workbooks.js';

/**
 * The 2026 form on a real 2025 province (Đắk Lắk, 66, 102 commune-level units in the built-in list): communes in and
 * out of the Project 8 area, a commune still on the 2024 form, two own files of the province from two agencies, and
 * a quarter's file beside the year's.
 */
const NEW = 'BDG-2026.1';
const OLD = 'BDG-2024.1';
const PROVINCE = { code: '66', name: 'Tỉnh Đắk Lắk' };
const XUAN_LOC = { code: '22057', name: 'Xã Xuân Lộc' };
const XUAN_CANH = { code: '22060', name: 'Xã Xuân Cảnh' };
const TUY_HOA = { code: '22015', name: 'Phường Tuy Hòa' };
const SONG_CAU = { code: '22051', name: 'Phường Sông Cầu' };

type Extra = Pick<SubmissionWorkbookInput, 'info'> & { kps?: string[]; edition?: string };

async function write(
  path: string,
  unit: { code: string; name: string },
  period: string,
  figures: Figures,
  extra: Extra = {},
) {
  const catalogue = loadCatalogue(extra.edition ?? NEW);
  const wb = buildSubmissionWorkbook({
    catalogue,
    unit,
    period: parsePeriodArg(period)!,
    figures,
    info: { preparedOn: new Date('2027-01-10T00:00:00Z'), ...extra.info },
  });
  // "không phát sinh" typed as text, the way an officer writes it.
  const rowOf = submissionLayout(catalogue).rowOf;
  for (const code of extra.kps ?? [])
    wb.getWorksheet('Số liệu')!.getCell(`E${rowOf.get(code)}`).value = 'Không phát sinh';
  mkdirSync(join(path, '..'), { recursive: true });
  await wb.xlsx.writeFile(path);
}

const own = (agency: string) => ({ info: { scope: 'Cơ quan, đơn vị cấp tỉnh', agency } });

describe('the 2026 edition as data', () => {
  it('is the edition of every 2026 period, with its 92 rows, levels and a crosswalk from the 2024 form', () => {
    for (const p of ['2026', '2026-H1', '2026-M9', '2026-Q1', 'Quý IV năm 2026'])
      expect(formEditionForPeriod(parsePeriodArg(p)).id).toBe(NEW);
    expect(formEditionForPeriod(parsePeriodArg('2025')).id).toBe(OLD);
    const c = loadCatalogue(NEW);
    expect(c.indicators).toHaveLength(92);
    expect(c.byCode.get('BDG.40')!.levels).toEqual(['tinh']);
    expect(c.byCode.get('DA8.18')!.levels).toEqual(['xa', 'tinh']);
    expect(c.byCode.get('DA8.05')!.checks.map((k) => k.type)).toEqual(['attendance-of']);
    expect(c.byCode.get('DA8.18')!.checks).toEqual([
      { type: 'sum-of', parts: ['DA8.25', 'DA8.26', 'DA8.27', 'DA8.28'], exact: false },
    ]);
    expect(c.groups.map((g) => g.code)).toEqual(['DA8', 'BC', 'BDG']);
    expect(conversionBetween(OLD, NEW)).not.toBeNull();
  });

  it('reads every period of a year, with its first and last day', () => {
    const cases: [string, string, string, string][] = [
      ['2026', '2026', '2026-01-01', '2026-12-31'],
      ['2026S1', '2026-H1', '2026-01-01', '2026-06-30'],
      ['9 tháng đầu năm 2026', '2026-M9', '2026-01-01', '2026-09-30'],
      ['2026-Q3', '2026-Q3', '2026-07-01', '2026-09-30'],
      ['2026Q1', '2026-Q1', '2026-01-01', '2026-03-31'],
      ['Quý 2/2026', '2026-Q2', '2026-04-01', '2026-06-30'],
      ['quý iv năm 2026', '2026-Q4', '2026-10-01', '2026-12-31'],
    ];
    for (const [raw, id, start, end] of cases) {
      const p = parsePeriodArg(raw)!;
      expect([p.id, periodStart(p), periodEnd(p)], raw).toEqual([id, start, end]);
    }
    expect(parsePeriodArg('2026-M9')!.label).toBe('9 tháng năm 2026');
    expect(parsePeriodArg('2026-Q3')!.label).toBe('Quý III năm 2026');
    expect(parsePeriodArg('Quý V năm 2026')).toBeNull();
  });
});

describe('templates of each period and of the province itself', () => {
  const dir = tempDir('bdg-2026-tpl-');

  async function sheet(path: string) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    return wb;
  }

  it('bdg template --period writes the 2026 form for a year, a half, nine months and a quarter', async () => {
    const periods: [string, string][] = [
      ['2026', 'Năm 2026'],
      ['2026-H1', '6 tháng đầu năm 2026'],
      ['2026-M9', '9 tháng năm 2026'],
      ['2026-Q3', 'Quý III năm 2026'],
      ['Quý I năm 2026', 'Quý I năm 2026'],
    ];
    for (const [period, label] of periods) {
      const out = join(dir, `${period}.xlsx`);
      const r = bdg(['template', '--unit', XUAN_LOC.code, '--period', period, '--out', out]);
      expect(r.status, r.stderr).toBe(0);
      const info = (await sheet(out)).getWorksheet('Thông tin')!;
      const values = new Map<string, unknown>();
      info.eachRow((row) => values.set(String(row.getCell(1).value), row.getCell(2).value));
      expect([values.get('Kỳ báo cáo'), values.get('Phiên bản biểu mẫu')]).toEqual([label, NEW]);
      expect(values.has('Phạm vi số liệu')).toBe(false);
    }
  });

  it('a commune’s form greys the province’s rows; the province’s own form greys the communes’ rows', async () => {
    const layout = submissionLayout(loadCatalogue(NEW));
    const grey = (ws: ExcelJS.Worksheet, code: string) =>
      (ws.getCell(`E${layout.rowOf.get(code)}`).fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb;
    const commune = (await sheet(join(dir, '2026.xlsx'))).getWorksheet('Số liệu')!;
    expect([grey(commune, 'BDG.46'), grey(commune, 'BDG.47'), grey(commune, 'DA8.18')]).toEqual([
      'FFD9D9D9',
      'FFFFFFF0',
      'FFFFFFF0',
    ]);

    const out = join(dir, 'own.xlsx');
    const r = bdg([
      'template',
      '--unit',
      '66',
      '--province-own',
      '--agency',
      'Sở Nội vụ',
      '--period',
      '2026',
      '--out',
      out,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('cho các cơ quan, đơn vị cấp tỉnh của Tỉnh Đắk Lắk (mã 66');
    const wb = await sheet(out);
    const values = new Map<string, unknown>();
    wb.getWorksheet('Thông tin')!.eachRow((row) => values.set(String(row.getCell(1).value), row.getCell(2).value));
    expect([values.get('Mã đơn vị'), values.get('Phạm vi số liệu'), values.get('Cơ quan lập biểu')]).toEqual([
      '66',
      'Cơ quan, đơn vị cấp tỉnh',
      'Sở Nội vụ',
    ]);
    const ws = wb.getWorksheet('Số liệu')!;
    expect([grey(ws, 'BDG.46'), grey(ws, 'BDG.47'), grey(ws, 'DA8.18'), grey(ws, 'BDG.14')]).toEqual([
      'FFFFFFF0',
      'FFD9D9D9',
      'FFFFFFF0',
      'FFD9D9D9',
    ]);
    expect(ws.getCell(`E${layout.rowOf.get('BDG.47')}`).dataValidation.error).toBe(
      'Chỉ tiêu BDG.47 do đơn vị cấp xã báo cáo. Để trống ô này.',
    );
    // A figure cell takes a number or "không phát sinh".
    const at = `E${layout.rowOf.get('BDG.46')}`;
    expect(ws.getCell(at).dataValidation).toMatchObject({
      type: 'custom',
      formulae: [
        `OR(AND(ISNUMBER(${at}),${at}>=0,INT(${at})=${at}),LOWER(TRIM(${at}))="không phát sinh",LOWER(TRIM(${at}))="kps")`,
      ],
    });

    const commune2 = bdg([
      'template',
      '--unit',
      XUAN_LOC.code,
      '--province-own',
      '--period',
      '2026',
      '--out',
      join(dir, 'x.xlsx'),
    ]);
    expect(commune2.status).toBe(2);
    expect(commune2.stderr).toContain('Xã Xuân Lộc (mã 22057) không phải đơn vị cấp tỉnh');
  });
});

describe('validating a 2026 file: levels, không phát sinh and the new checks', () => {
  const dir = tempDir('bdg-2026-val-');
  const rules = (file: string) => {
    const r = bdg(['validate', file, '--json']);
    const json = JSON.parse(r.stdout) as {
      errors: { rule: string; cell?: string; message: string }[];
      warnings: { rule: string; message: string }[];
    };
    return json;
  };

  it('a commune filling a province row is refused; không phát sinh is a reported 0', async () => {
    const file = join(dir, 'level.xlsx');
    await write(
      file,
      XUAN_LOC,
      '2026',
      { 'BDG.46': { total: 50 }, 'BDG.05': { total: 2 }, 'BDG.06': { total: 80 } },
      { kps: ['BDG.24', 'BDG.40'] },
    );
    const r = rules(file);
    expect(r.errors.map((e) => e.rule)).toEqual(['level-not-applicable']);
    expect(r.errors[0]!.message).toContain(
      'chỉ tiêu này do cơ quan, đơn vị cấp tỉnh (tệp riêng của tỉnh) báo cáo, không phải đơn vị cấp xã',
    );
  });

  it('sum-of, sum-of exact, not-above a sum, max, max-per-commune, rural-communes, term and event', async () => {
    const file = join(dir, 'checks.xlsx');
    await write(file, TUY_HOA, '2026-Q2', {
      'DA8.18': { total: 3 },
      'DA8.19': { total: 60 },
      'DA8.25': { total: 2 },
      'DA8.26': { total: 2 },
      'DA8.20': { total: 100 },
      'DA8.39': { total: 50 },
      'DA8.40': { total: 40 },
      'DA8.41': { total: 10 },
      'DA8.21': { total: 130 },
      'BDG.54': { total: 3 },
      'BDG.24': { total: 1 },
      'BDG.41': { total: 25, nu: 8 },
      'BDG.44': { total: 40, nu: 15 },
    });
    const r = rules(file);
    expect(r.errors.map((e) => e.rule).sort()).toEqual([
      'communes-of-type-exceed',
      'parts-exceed-whole',
      'value-above-max-per-commune',
    ]);
    expect(r.warnings.map((w) => w.rule).sort()).toEqual([
      'event-out-of-period',
      'parts-differ-from-total',
      'term-out-of-window',
      'value-above-reference',
      'value-outside-year-to-date',
    ]);
    const msg = (rule: string) => [...r.errors, ...r.warnings].find((i) => i.rule === rule)!.message;
    expect(msg('parts-exceed-whole')).toContain('tổng DA8.25 + DA8.26 + DA8.27 + DA8.28 là 4, lớn hơn DA8.18 (3)');
    expect(msg('parts-differ-from-total')).toContain('tổng số là 100, nhưng DA8.39 + DA8.40 = 90');
    expect(msg('value-above-reference')).toContain('130 lớn hơn DA8.20 + DA8.41 "tổng" (110');
    expect(msg('value-above-max-per-commune')).toContain(
      '3, nhưng mỗi đơn vị cấp xã có nhiều nhất 2 và Phường Tuy Hòa có 1 đơn vị cấp xã',
    );
    expect(msg('communes-of-type-exceed')).toContain('Phường Tuy Hòa chỉ có 0 đơn vị loại "Xã"');
    expect(msg('term-out-of-window')).toContain(
      '25 người của nhiệm kỳ 2021-2026, nhưng kỳ báo cáo Quý II năm 2026 không thuộc nhiệm kỳ này',
    );
    expect(msg('event-out-of-period')).toContain('diễn ra ngày 15/03/2026, ngoài kỳ báo cáo Quý II năm 2026');
    // Funds carried over (DA8.41) are recognised in Quý I and the periods counted from the year's start only.
    expect(msg('value-outside-year-to-date')).toMatch(
      /^Ô E\d+ \(sheet "Số liệu", chỉ tiêu DA8\.41, cột Tổng số\): 10 triệu đồng, nhưng chỉ tiêu này chỉ ghi trong Quý I và các kỳ tính từ đầu năm \(6 tháng, 9 tháng, Năm\), không ghi trong Quý II năm 2026\. Số này không được cộng khi tổng hợp/,
    );

    // The same figures of Quý I: the old term and the election belong there.
    const q1 = join(dir, 'q1.xlsx');
    await write(q1, TUY_HOA, '2026-Q1', {
      'BDG.41': { total: 25, nu: 8 },
      'BDG.44': { total: 40, nu: 15 },
      'BDG.52': { total: 3 },
    });
    const r1 = rules(q1);
    expect(r1.warnings.map((w) => w.rule)).toEqual([]);
    // BDG.52 is the province's row: refused at a commune before its max:2 is looked at.
    expect(r1.errors.map((e) => e.rule)).toEqual(['level-not-applicable']);
  });
});

describe('consolidating a 2026 province folder', () => {
  const dir = tempDir('bdg-2026-');
  const folder = join(dir, '2026');
  const out = join(dir, 'out');
  let rollup: Rollup;
  let stderr: string;

  beforeAll(async () => {
    // Last year, on the 2024 form, for --previous.
    await write(
      join(dir, '2025/xuan-loc.xlsx'),
      XUAN_LOC,
      '2025',
      { 'BDG.05': { total: 10 }, 'BDG.06': { total: 400, nu: 200 }, 'DA8.18': { total: 4 }, 'DA8.19': { total: 80 } },
      { edition: OLD },
    );
    const prev = bdg(['consolidate', join(dir, '2025'), '--root', '66', '--out', join(dir, 'out25'), '--json']);
    expect(prev.status, prev.stderr).toBe(0);

    await write(
      join(folder, 'xuan-loc.xlsx'),
      XUAN_LOC,
      '2026',
      {
        'DA8.01': { total: 2 },
        'DA8.18': { total: 5 },
        'DA8.25': { total: 2 },
        'DA8.26': { total: 3 },
        'DA8.19': { total: 100, nu: 60 },
        'BDG.05': { total: 10 },
        'BDG.06': { total: 500, nu: 260 },
        'BDG.08': { total: 6 },
        'BDG.09': { total: 150 },
        'BDG.47': { total: 25, nu: 8 },
        'BDG.24': { total: 1 },
        'BDG.19': { total: 1 },
        'DA8.20': { total: 100 },
        'DA8.39': { total: 60 },
        'DA8.40': { total: 40 },
        'DA8.21': { total: 90 },
        'BDG.54': { total: 2 },
        'BDG.55': { total: 1 },
      },
      { kps: ['BDG.15', 'BDG.16'] },
    );
    await write(join(folder, 'xuan-canh.xlsx'), XUAN_CANH, '2026', {
      'DA8.01': { total: 1 },
      'DA8.18': { total: 3 },
      'DA8.27': { total: 3 },
      'DA8.19': { total: 60, nu: 30 },
      'BDG.08': { total: 3 },
      'BDG.09': { total: 60 },
      'BDG.47': { total: 20, nu: 6 },
      'BDG.24': { total: 0 },
      'BC.03': { total: 40 },
      'BC.01': { total: 2 },
      'BDG.54': { total: 2 },
      'BDG.55': { total: 2 },
    });
    // A ward: BDG.24 does not arise there.
    // A ward outside the Project 8 area: BDG.24 does not arise there; it reported Project 8 leaflets all the same.
    await write(
      join(folder, 'tuy-hoa.xlsx'),
      TUY_HOA,
      '2026',
      { 'BDG.08': { total: 2 }, 'BDG.09': { total: 50 }, 'BDG.47': { total: 30, nu: 12 }, 'DA8.06': { total: 20 } },
      { kps: ['BDG.24'] },
    );
    // Still on the 2024 form.
    await write(
      join(folder, 'song-cau.xlsx'),
      SONG_CAU,
      '2026',
      {
        'DA8.18': { total: 4 },
        'DA8.19': { total: 80 },
        'BDG.08': { total: 4 },
        'BDG.09': { total: 80 },
        'BDG.10': { total: 50, nu: 10 },
        'DA8.22': { total: 1 },
        'DA8.24': { total: 30 },
      },
      { edition: OLD },
    );
    // The province's own: two agencies.
    await write(
      join(folder, 'so-noi-vu.xlsx'),
      PROVINCE,
      '2026',
      {
        'BDG.08': { total: 7 },
        'BDG.09': { total: 613, nu: 400 },
        'BDG.46': { total: 50, nu: 16, dtts: 9 },
        'BDG.52': { total: 2 },
        'BDG.53': { total: 1 },
        'BDG.13': { total: 40, nu: 12 },
      },
      own('Sở Nội vụ'),
    );
    await write(
      join(folder, 'hoi-lhpn.xlsx'),
      PROVINCE,
      '2026',
      {
        'DA8.18': { total: 2 },
        'DA8.26': { total: 2 },
        'DA8.19': { total: 70, nu: 65 },
        'BDG.08': { total: 2 },
        'BDG.09': { total: 70 },
      },
      own('Hội Liên hiệp Phụ nữ tỉnh'),
    );
    // A quarter's file beside the year's.
    await write(join(folder, 'quy-3/xuan-loc-q3.xlsx'), XUAN_LOC, '2026-Q3', {
      'DA8.18': { total: 1 },
      'DA8.26': { total: 1 },
      'DA8.19': { total: 20 },
    });
    const programmeArea = { '2026': [XUAN_LOC.code, XUAN_CANH.code, SONG_CAU.code, '22081'] };
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ agency: { name: 'SỞ NỘI VỤ', nameInText: 'Sở Nội vụ tỉnh Đắk Lắk' }, programmeArea }),
    );

    const r = bdg([
      'consolidate',
      folder,
      '--root',
      '66',
      '--out',
      out,
      '--json',
      '--previous',
      join(dir, 'out25/tong-hop-66-2025.json'),
      '--config',
      join(dir, 'config.json'),
    ]);
    // 1: the quarter's file is refused (another period); every other output is written.
    expect(r.status, r.stderr).toBe(1);
    rollup = JSON.parse(r.stdout) as Rollup;
    stderr = r.stderr;
  });

  it('adds the province’s own files to the communes exactly (§5), never adding HĐND levels together', () => {
    expect(rollup.edition).toBe(NEW);
    expect(rollup.period).toBe('2026');
    // Classes: 5 + 3 (xã) + 4 (the ward on the 2024 form) + 2 (Hội LHPN tỉnh), each counted once by its organiser;
    // all classes: 6 + 3 + 2 + 4 + 7 (Sở Nội vụ) + 2 (Hội LHPN tỉnh).
    // Project 8 rows over the area (4 communes of the config) and the province: the ward is never missing for them.
    expect(rollup.totals['DA8.18']).toEqual({ total: 14, reported: 4, expected: 5 });
    // The ward outside the area gave 20 leaflets: warned, kept in its own figures, not added to the area's total.
    expect(rollup.totals['DA8.06']).toEqual({ total: null, reported: 0, expected: 5 });
    expect(rollup.units.find((u) => u.code === TUY_HOA.code)!.values['DA8.06']).toMatchObject({ total: 20 });
    expect(rollup.programmeArea).toEqual({
      source: 'config',
      communes: 4,
      outside: [{ ...TUY_HOA, figures: { 'DA8.06': 20 } }],
    });
    expect(rollup.totals['BDG.08']).toEqual({ total: 24, reported: 5, expected: 103 });
    expect(rollup.totals['BDG.09']).toMatchObject({ total: 1023, reported: 5 });
    expect(rollup.totals['DA8.19']).toMatchObject({ total: 310, nu: 155, reported: 4, expected: 5 });
    // HĐND cấp xã from the communes only, HĐND cấp tỉnh from the province only: two figures, never one sum.
    expect(rollup.totals['BDG.47']).toMatchObject({ total: 75, nu: 26, reported: 3, expected: 102 });
    expect(rollup.totals['BDG.46']).toEqual({ total: 50, nu: 16, dtts: 9, reported: 1, expected: 1 });
    const ratio = (id: string) => rollup.ratios.find((x) => x.id === id)!;
    expect([ratio('nu-dai-bieu-hdnd-xa').numerator, ratio('nu-dai-bieu-hdnd-xa').denominator]).toEqual([26, 75]);
    expect([ratio('nu-dai-bieu-hdnd-tinh').numerator, ratio('nu-dai-bieu-hdnd-tinh').denominator]).toEqual([16, 50]);
    // BDG.24 over xã only: the ward wrote không phát sinh (reported, 0).
    expect(rollup.totals['BDG.24']).toMatchObject({ total: 1, reported: 3 });
    expect(rollup.units.find((u) => u.code === TUY_HOA.code)!.values['BDG.24']).toMatchObject({ total: 0, kps: true });
    const xa = ratio('xa-dat-chi-tieu-bdg');
    expect(xa.numerator).toBe(1);
    expect(xa.denominator).toBeGreaterThan(50);
    expect(xa.denominator).toBeLessThan(102);
    // Child marriage moved from Project 8 to the context group through the crosswalk.
    expect(rollup.totals['BC.01']).toMatchObject({ total: 3, reported: 2 });
    expect(rollup.provinceOwn).toEqual([
      { file: 'hoi-lhpn.xlsx', agency: 'Hội Liên hiệp Phụ nữ tỉnh' },
      { file: 'so-noi-vu.xlsx', agency: 'Sở Nội vụ' },
    ]);
    expect(rollup.completeness.expected).toBe(103);
    expect(rollup.completeness.received).toBe(5);
  });

  it('the 2024-form file is converted and said to be; the quarter’s file is not mixed into the year', () => {
    const song = rollup.files.find((f) => f.path === 'song-cau.xlsx')!;
    expect(song).toMatchObject({ status: 'accepted', convertedFrom: OLD });
    expect(song.notConverted).toEqual(['BDG.10']);
    // The 41 new codes said as runs of codes, not one by one; the JSON keeps the whole list.
    expect(song.warnings!.find((w) => w.rule === 'edition-converted')!.message).toBe(
      'Tệp theo biểu mẫu BDG-2024.1, đã chuyển sang biểu mẫu BDG-2026.1 đang tổng hợp. Không chuyển được (chỉ tiêu đã tách hoặc bỏ): BDG.10. ' +
        'Tệp không có 41 chỉ tiêu mới (DA8.25–DA8.36, DA8.39–DA8.42, BDG.35–BDG.37, BDG.40–BDG.61): đơn vị được tính là chưa báo cáo các chỉ tiêu này. ' +
        'Để đủ số liệu, đề nghị đơn vị điền biểu mẫu BDG-2026.1 (bdg template --form BDG-2026.1).',
    );
    expect(song.lacking).toHaveLength(41);
    const ward = rollup.files.find((f) => f.path === 'tuy-hoa.xlsx')!;
    expect(ward.status).toBe('accepted');
    expect(ward.warnings!.map((w) => w.message)).toEqual([
      'Phường Tuy Hòa (mã 22015) không thuộc địa bàn Dự án 8 đã khai báo (trong cấu hình hoặc danh mục đơn vị), nhưng có số liệu ở DA8.06. Số liệu này không được cộng vào số liệu Dự án 8 của địa bàn (báo cáo nêu rõ); kiểm tra lại với đơn vị: nếu xã không thực hiện Dự án 8 thì để trống hoặc ghi "không phát sinh", nếu có thì bổ sung xã vào "programmeArea" của cấu hình (hoặc đánh dấu x ở cột "Địa bàn Dự án 8" của danh mục đơn vị) rồi tổng hợp lại.',
    ]);
    const q3 = rollup.files.find((f) => f.path.endsWith('xuan-loc-q3.xlsx'))!;
    expect(q3.status).toBe('rejected');
    expect(q3.errors!.map((e) => e.rule)).toEqual(['period-mismatch']);
    expect(stderr).toContain(`Biểu mẫu:       ${NEW}`);
  });

  it('the report reads HĐND by level and term, the election and Project 8 by its contents, and compares with 2025', async () => {
    const paragraphs = (await openDocx(join(out, 'bao-cao-66-2026.docx'))).paragraphs.map((p) => p.text);
    const find = (start: string) => paragraphs.find((t) => t.startsWith(start));
    expect(find('Đã tổng hợp số liệu của 4/102 ')).toMatch(
      / và của các cơ quan, đơn vị cấp tỉnh \(Hội Liên hiệp Phụ nữ tỉnh, Sở Nội vụ\); 98 đơn vị chưa gửi báo cáo \(danh sách tại Phụ lục [IVX]+ kèm theo\)\.$/,
    );
    expect(find('Hội đồng nhân dân cấp tỉnh nhiệm kỳ 2026 - 2031')).toBe(
      'Hội đồng nhân dân cấp tỉnh nhiệm kỳ 2026 - 2031 có 50 đại biểu, trong đó nữ 16 đại biểu, chiếm 32,0%; người dân tộc thiểu số 9 đại biểu.',
    );
    expect(find('Hội đồng nhân dân cấp xã nhiệm kỳ 2026 - 2031')).toMatch(
      /^Hội đồng nhân dân cấp xã nhiệm kỳ 2026 - 2031 có 75 đại biểu, trong đó nữ 26 đại biểu, chiếm 34,7%/,
    );
    expect(paragraphs).toContain(
      'Cuộc bầu cử đại biểu Quốc hội khóa XVI và đại biểu Hội đồng nhân dân các cấp nhiệm kỳ 2026 - 2031 diễn ra ngày 15/3/2026.',
    );
    expect(paragraphs.some((t) => t.includes('các cấp … '))).toBe(false);
    expect(find('Dự án 8 "Thực hiện bình đẳng giới')).toContain('giai đoạn 2026 - 2035');
    expect(find('Dự án 8 "Thực hiện bình đẳng giới')).not.toContain('giai đoạn I');
    expect(paragraphs).toContain(
      'Số liệu Dự án 8 được tổng hợp trên 4 đơn vị cấp xã thuộc địa bàn Dự án 8 (theo danh sách địa bàn trong cấu hình); ' +
        'số liệu Dự án 8 của 1 đơn vị cấp xã ngoài địa bàn đã gửi (Phường Tuy Hòa (DA8.06: 20)) không được cộng vào các số liệu trên.',
    );
    // "Không phát sinh" said where every unit that gave the figures wrote it (Xuân Lộc: BDG.15, BDG.16).
    expect(find('Trong năm 2026, không phát sinh')).toBe(
      'Trong năm 2026, không phát sinh nạn nhân bạo lực gia đình, bạo lực trên cơ sở giới (số liệu của 1/102 đơn vị cấp xã).',
    );
    expect(find('Theo chương trình tập huấn:')).toMatch(
      /^Theo chương trình tập huấn: 2 lớp Chương trình 1, 5 lớp Chương trình 2, 3 lớp Chương trình 3/,
    );
    expect(find('Trong số 24 lớp tập huấn nêu tại mục 2, Dự án 8 đã tổ chức 14 lớp')).toBeDefined();
    expect(find('Kinh phí Dự án 8 được giao')).toMatch(
      /^Kinh phí Dự án 8 được giao năm 2026 là 100 triệu đồng, trong đó ngân sách trung ương 60 triệu đồng, ngân sách địa phương 40 triệu đồng/,
    );
    // Child marriage in the context group (the 2024-form ward's DA8.22/24 moved to BC.01/03); no cận huyết figure.
    // Two of 102 communes gave these figures: the sentence names its base, never "toàn tỉnh" (issue 21).
    expect(find('2/102 đơn vị cấp xã đã báo cáo: trong năm 2026')).toBe(
      '2/102 đơn vị cấp xã đã báo cáo: trong năm 2026, có 70 cặp kết hôn, trong đó 3 cặp tảo hôn, chiếm 4,3%.',
    );
    // Disbursed of the year's allocation: DA8.42 (from carried-over funds) empty counts 0, not as unreported.
    expect(find('Đến thời điểm báo cáo đã giải ngân 90 triệu đồng')).toBe(
      'Đến thời điểm báo cáo đã giải ngân 90 triệu đồng; tỷ lệ giải ngân vốn giao trong kỳ đạt 90,0% (số liệu của 1/4 xã, phường thuộc địa bàn Dự án 8).',
    );
    // The twenty indicators of Nghị quyết 28, from the edition's targets-nq28.csv.
    const table = (await openDocx(join(out, 'bao-cao-66-2026.docx'))).rows;
    const head = table.findIndex((r) => r[3] === 'Mốc năm 2025');
    const nq28 = table.slice(head + 1, head + 21);
    expect(nq28.map((r) => r[0])).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
    expect(nq28[0]).toEqual([
      '1',
      'Tỷ lệ cơ quan quản lý nhà nước, chính quyền địa phương các cấp có lãnh đạo chủ chốt là nữ',
      '66,7% (4/6)',
      '60%',
      '75%',
      'Đạt mốc 2025, chưa đạt mục tiêu 2030',
    ]);
    expect(nq28[1]![5]).toBe('Chưa có số liệu: nguồn Cục Thống kê (điều tra lao động việc làm)');
    expect(nq28[5]!.slice(2)).toEqual(['Không phát sinh', '80%', '90%', 'Không phát sinh']);
    expect(nq28[6]!.slice(2)).toEqual(['-', '50%', '70%', 'Chưa có số liệu']);
    expect(nq28[11]!.slice(3)).toEqual([
      'Chưa xác định',
      'Chưa xác định',
      'Chưa có số liệu: nguồn Sở Y tế / Cục Thống kê',
    ]);
    // A row of the communes and of the province's bodies names both in its base, never "5/103 đơn vị cấp xã".
    expect(find('Trong năm 2026, các cơ quan, đơn vị đã tổ chức 24 lớp tập huấn')).toBe(
      'Trong năm 2026, các cơ quan, đơn vị đã tổ chức 24 lớp tập huấn, bồi dưỡng về giới, bình đẳng giới, lồng ghép giới cho 1.023 lượt người tham dự; ' +
        'trong đó nữ 400 lượt, chiếm 39,1% (số liệu của 4/102 đơn vị cấp xã và của các cơ quan, đơn vị cấp tỉnh).',
    );
    // Compared with 2025 through the crosswalk: BDG.06 kept its code.
    expect(find('Trong năm 2026, các cấp, các ngành đã tổ chức 10 cuộc truyền thông')).toContain(
      'tăng 25,0% so với năm 2025',
    );
  });
});

describe('the province’s own files that cannot be added', () => {
  it('a stock in two own files, and a province file that says neither what it is', async () => {
    const dir = tempDir('bdg-2026-own-');
    await write(join(dir, 'xuan-loc.xlsx'), XUAN_LOC, '2026', { 'BDG.08': { total: 6 }, 'BDG.09': { total: 150 } });
    await write(
      join(dir, 'so-noi-vu.xlsx'),
      PROVINCE,
      '2026',
      { 'BDG.13': { total: 40, nu: 12 }, 'BDG.08': { total: 7 }, 'BDG.09': { total: 613 } },
      own('Sở Nội vụ'),
    );
    await write(
      join(dir, 'van-phong.xlsx'),
      PROVINCE,
      '2026',
      { 'BDG.13': { total: 38, nu: 11 } },
      own('Văn phòng UBND tỉnh'),
    );
    await write(join(dir, 'tinh.xlsx'), PROVINCE, '2026', { 'BDG.08': { total: 9 }, 'BDG.09': { total: 100 } });
    const r = bdg(['consolidate', dir, '--root', '66', '--out', join(dir, 'out'), '--json']);
    const rollup = JSON.parse(r.stdout) as Rollup;
    const file = (name: string) => rollup.files.find((f) => f.path === name)!;
    expect(file('so-noi-vu.xlsx').errors!.map((e) => e.rule)).toEqual(['province-own-duplicate-stock']);
    expect(file('van-phong.xlsx').errors![0]!.message).toContain('38, nhưng "so-noi-vu.xlsx" cũng ghi chỉ tiêu BDG.13');
    expect(file('tinh.xlsx').errors!.map((e) => e.rule)).toEqual(['province-file-ambiguous']);
    // Nothing of the refused files is added; the province's bodies are counted missing.
    expect(rollup.totals['BDG.08']).toMatchObject({ total: 6, reported: 1, expected: 103 });
    expect(rollup.completeness.missing.at(-1)).toEqual({ code: '66', name: 'các cơ quan, đơn vị cấp tỉnh' });
    // No area in the config: the communes that filled a Project 8 figure (none here), and the report says so.
    expect(rollup.programmeArea).toEqual({ source: 'filled', communes: 0 });
    const paragraphs = (await openDocx(join(dir, 'out/bao-cao-66-2026.docx'))).paragraphs.map((p) => p.text);
    expect(paragraphs.find((t) => t.startsWith('Đã tổng hợp số liệu của 1/102 '))).toMatch(
      /; chưa có báo cáo của các cơ quan, đơn vị cấp tỉnh; 101 đơn vị chưa gửi báo cáo \(danh sách tại Phụ lục [IVX]+ kèm theo\)\.$/,
    );
    expect(
      paragraphs.some((t) =>
        t.startsWith(
          'Chưa có danh sách địa bàn Dự án 8 trong cấu hình, nên số liệu Dự án 8 được tổng hợp trên 0 đơn vị cấp xã',
        ),
      ),
    ).toBe(true);
  });
});

describe('a quarter compared with the same quarter of last year', () => {
  it('cùng kỳ: a 2025 Quý III on the 2024 form as --previous of 2026 Quý III; a year is refused', async () => {
    const dir = tempDir('bdg-2026-q-');
    await write(
      join(dir, '2025q3/xuan-loc.xlsx'),
      XUAN_LOC,
      'Quý III năm 2025',
      { 'BDG.05': { total: 4 }, 'BDG.06': { total: 200 } },
      { edition: OLD },
    );
    await write(join(dir, '2026q3/xuan-loc.xlsx'), XUAN_LOC, '2026-Q3', {
      'BDG.05': { total: 6 },
      'BDG.06': { total: 300 },
    });
    const prev = bdg(['consolidate', join(dir, '2025q3'), '--root', '66', '--out', join(dir, 'o25'), '--json']);
    expect(prev.status, prev.stderr).toBe(0);
    expect(JSON.parse(prev.stdout)).toMatchObject({ period: '2025-Q3', periodLabel: 'Quý III năm 2025', edition: OLD });
    const r = bdg([
      'consolidate',
      join(dir, '2026q3'),
      '--root',
      '66',
      '--out',
      join(dir, 'o26'),
      '--previous',
      join(dir, 'o25/tong-hop-66-2025-Q3.json'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    const paragraphs = (await openDocx(join(dir, 'o26/bao-cao-66-2026-Q3.docx'))).paragraphs.map((p) => p.text);
    expect(
      paragraphs.find((t) => t.startsWith('Trong quý III năm 2026, các cấp, các ngành đã tổ chức 6 cuộc')),
    ).toContain('tăng 50,0% so với cùng kỳ năm 2025');

    await write(
      join(dir, '2025/xuan-loc.xlsx'),
      XUAN_LOC,
      '2025',
      { 'BDG.05': { total: 4 }, 'BDG.06': { total: 200 } },
      { edition: OLD },
    );
    expect(bdg(['consolidate', join(dir, '2025'), '--root', '66', '--out', join(dir, 'y25')]).status).toBe(0);
    const mixed = bdg([
      'consolidate',
      join(dir, '2026q3'),
      '--root',
      '66',
      '--out',
      join(dir, 'o26b'),
      '--previous',
      join(dir, 'y25/tong-hop-66-2025.json'),
    ]);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toContain('là số liệu năm 2025, khác loại kỳ với quý III năm 2026: chỉ so sánh cùng kỳ');
  });
});

describe('không phát sinh in the report, both HĐND terms, DA8.41 outside the year-to-date periods', () => {
  it('says "không phát sinh" where every unit that reported wrote it, or reported 0 of 0', async () => {
    const dir = tempDir('bdg-2026-kps-');
    const figures = {
      'BDG.22': { total: 0 },
      'BDG.23': { total: 0 },
      'BDG.27': { total: 2 },
      'BDG.08': { total: 1 },
      'BDG.09': { total: 30 },
    };
    await write(join(dir, 'in/xuan-loc.xlsx'), XUAN_LOC, '2026', figures, { kps: ['BDG.14', 'BDG.15', 'BDG.28'] });
    await write(join(dir, 'in/xuan-canh.xlsx'), XUAN_CANH, '2026', figures, { kps: ['BDG.14', 'BDG.15', 'BDG.28'] });
    // Two wards: the new-rural criterion does not arise there.
    await write(
      join(dir, 'in/tuy-hoa.xlsx'),
      TUY_HOA,
      '2026',
      { 'BDG.08': { total: 1 }, 'BDG.09': { total: 20 } },
      { kps: ['BDG.24'] },
    );
    await write(
      join(dir, 'in/song-cau.xlsx'),
      SONG_CAU,
      '2026',
      { 'BDG.08': { total: 1 }, 'BDG.09': { total: 20 } },
      { kps: ['BDG.24'] },
    );
    const r = bdg(['consolidate', join(dir, 'in'), '--root', '66', '--out', join(dir, 'out'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Rollup).totals['BDG.14']).toEqual({
      total: 0,
      kps: true,
      reported: 2,
      expected: 102,
    });
    const paragraphs = (await openDocx(join(dir, 'out/bao-cao-66-2026.docx'))).paragraphs.map((p) => p.text);
    expect(paragraphs).toContain(
      'Trong năm 2026, không phát sinh vụ bạo lực gia đình, bạo lực trên cơ sở giới (số liệu của 2/102 đơn vị cấp xã).',
    );
    // 0 of 0 victims of trafficking needing support: nothing arose.
    expect(paragraphs).toContain(
      'Trong năm 2026, không phát sinh nạn nhân bị mua bán trở về có nhu cầu hỗ trợ (số liệu của 2/102 đơn vị cấp xã).',
    );
    // BDG.27/28 are also the province's rows: its own file, not sent, is one more expected sender, named apart.
    expect(paragraphs).toContain(
      'Các cơ quan chức năng đã tiến hành 4 cuộc thanh tra, kiểm tra việc thực hiện pháp luật về bình đẳng giới; không phát sinh vụ vi phạm ' +
        '(số liệu của 2/102 đơn vị cấp xã; chưa có số liệu của các cơ quan, đơn vị cấp tỉnh).',
    );
    expect(paragraphs).toContain(
      '2/102 đơn vị cấp xã đã báo cáo: không phát sinh chỉ tiêu về bảo đảm bình đẳng giới theo Bộ tiêu chí quốc gia về xã nông thôn mới.',
    );
    expect(paragraphs.filter((t) => t.includes('xã đạt chỉ tiêu về bảo đảm bình đẳng giới'))).toEqual([]);
    // Never both the figures and "không phát sinh" of the same thing, and never "0 vụ".
    expect(paragraphs.filter((t) => /phát hiện 0 vụ|không phát sinh nạn nhân bạo lực/.test(t))).toEqual([]);
  });

  it('a commune giving both HĐND terms is warned, with the two cells', async () => {
    const dir = tempDir('bdg-2026-terms-');
    const file = join(dir, 'h1.xlsx');
    await write(file, XUAN_LOC, '2026-H1', { 'BDG.41': { total: 25, nu: 8 }, 'BDG.47': { total: 30, nu: 9 } });
    const r = bdg(['validate', file, '--json']);
    const json = JSON.parse(r.stdout) as { warnings: { rule: string; message: string; cell?: string }[] };
    const rowOf = submissionLayout(loadCatalogue(NEW)).rowOf;
    const both = json.warnings.find((w) => w.rule === 'term-both-filled')!;
    expect(both.message).toBe(
      `Ô E${rowOf.get('BDG.47')} (sheet "Số liệu", chỉ tiêu BDG.47, cột Tổng số): 30 người của nhiệm kỳ 2026-2031, nhưng ô E${rowOf.get('BDG.41')} ` +
        '(chỉ tiêu BDG.41, nhiệm kỳ 2021-2026) cũng ghi 25 người. Mỗi đơn vị chỉ ghi số đại biểu của nhiệm kỳ đương nhiệm vào cuối kỳ báo cáo: để trống dòng của nhiệm kỳ kia.',
    );
    // The old term is also outside the window of a period ending on 30/6/2026.
    expect(json.warnings.map((w) => w.rule).sort()).toEqual(['term-both-filled', 'term-out-of-window']);
    // One term only: no such warning.
    await write(join(dir, 'one.xlsx'), XUAN_LOC, '2026-H1', { 'BDG.47': { total: 30, nu: 9 } });
    expect(JSON.parse(bdg(['validate', join(dir, 'one.xlsx'), '--json']).stdout).warnings).toEqual([]);
  });

  it('DA8.41 (funds carried over) is added in Quý I and not in Quý II, where it is warned about', async () => {
    const dir = tempDir('bdg-2026-da841-');
    const figures = {
      'DA8.20': { total: 100 },
      'DA8.39': { total: 100 },
      'DA8.41': { total: 30 },
      'DA8.21': { total: 50 },
    };
    const totals: Record<string, Rollup> = {};
    for (const q of ['2026-Q1', '2026-Q2']) {
      await write(join(dir, q, 'xuan-loc.xlsx'), XUAN_LOC, q, figures);
      const r = bdg(['consolidate', join(dir, q), '--root', '66', '--out', join(dir, `out-${q}`), '--json']);
      expect(r.status, r.stderr).toBe(0);
      totals[q] = JSON.parse(r.stdout) as Rollup;
    }
    expect(totals['2026-Q1']!.totals['DA8.41']).toMatchObject({ total: 30, reported: 1 });
    expect(totals['2026-Q1']!.files[0]!.warnings!.map((w) => w.rule)).toEqual([]);
    expect(totals['2026-Q2']!.totals['DA8.41']).toMatchObject({ total: null, reported: 0 });
    expect(totals['2026-Q2']!.totals['DA8.20']).toMatchObject({ total: 100 });
    expect(totals['2026-Q2']!.files[0]!.warnings!.map((w) => w.rule)).toEqual(['value-outside-year-to-date']);
    // The total-source disbursement ratio of Quý II does not count the carried-over funds again.
    expect(totals['2026-Q2']!.ratios.find((x) => x.id === 'giai-ngan-tong-nguon')).toMatchObject({
      numerator: 50,
      denominator: 100,
    });
  });
});

describe('the programme area from a column of the province’s own unit list', () => {
  const list = (marks: [string, string, string][]) =>
    [
      'Mã,Tên,Cấp,Mã cấp trên,Địa bàn Dự án 8',
      '66,Tỉnh Đắk Lắk,Tỉnh,,',
      ...marks.map(([code, name, mark]) => `${code},${name},Xã,66,${mark}`),
    ].join('\r\n');

  it('expects Project 8 figures from the communes it marks, and leaves out the others’ figures', async () => {
    const dir = tempDir('bdg-2026-area-');
    writeFileSync(
      join(dir, 'don-vi.csv'),
      '\uFEFF' +
        list([
          [XUAN_LOC.code, XUAN_LOC.name, 'x'],
          [XUAN_CANH.code, XUAN_CANH.name, 'Có'],
          [TUY_HOA.code, TUY_HOA.name, ''],
        ]),
    );
    await write(join(dir, 'in/xuan-loc.xlsx'), XUAN_LOC, '2026', {
      'DA8.01': { total: 2 },
      'BDG.05': { total: 3 },
      'BDG.06': { total: 90 },
    });
    await write(join(dir, 'in/tuy-hoa.xlsx'), TUY_HOA, '2026', {
      'DA8.01': { total: 1 },
      'BDG.05': { total: 2 },
      'BDG.06': { total: 40 },
    });
    const r = bdg([
      'consolidate',
      join(dir, 'in'),
      '--units',
      join(dir, 'don-vi.csv'),
      '--out',
      join(dir, 'out'),
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const rollup = JSON.parse(r.stdout) as Rollup;
    expect(rollup.programmeArea).toEqual({
      source: 'units',
      communes: 2,
      codes: [XUAN_LOC.code, XUAN_CANH.code],
      outside: [{ ...TUY_HOA, figures: { 'DA8.01': 1 } }],
    });
    // DA8.01 is the communes' row: expected from the 2 area communes; Tuy Hòa's tổ is not added.
    expect(rollup.totals['DA8.01']).toEqual({ total: 2, reported: 1, expected: 2 });
    expect(rollup.totals['BDG.05']).toMatchObject({ total: 5, reported: 2, expected: 4 });
    expect(rollup.files.find((f) => f.path === 'tuy-hoa.xlsx')!.warnings!.map((w) => w.rule)).toEqual([
      'outside-programme-area',
    ]);
    const paragraphs = (await openDocx(join(dir, 'out/bao-cao-66-2026.docx'))).paragraphs.map((p) => p.text);
    expect(paragraphs).toContain(
      'Số liệu Dự án 8 được tổng hợp trên 2 đơn vị cấp xã thuộc địa bàn Dự án 8 (theo cột "Địa bàn Dự án 8" của danh mục đơn vị); ' +
        'số liệu Dự án 8 của 1 đơn vị cấp xã ngoài địa bàn đã gửi (Phường Tuy Hòa (DA8.01: 1)) không được cộng vào các số liệu trên.',
    );

    // The config's list for the year wins over the column.
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ programmeArea: { '2026': [XUAN_LOC.code, TUY_HOA.code] } }),
    );
    const c = bdg([
      'consolidate',
      join(dir, 'in'),
      '--units',
      join(dir, 'don-vi.csv'),
      '--config',
      join(dir, 'config.json'),
      '--out',
      join(dir, 'out2'),
      '--json',
    ]);
    expect(c.status, c.stderr).toBe(0);
    const withConfig = JSON.parse(c.stdout) as Rollup;
    expect(withConfig.programmeArea).toEqual({ source: 'config', communes: 2 });
    expect(withConfig.totals['DA8.01']).toEqual({ total: 3, reported: 2, expected: 2 });
  });

  it('a mark that is neither yes nor no stops the run, naming the row', () => {
    const dir = tempDir('bdg-2026-area-bad-');
    writeFileSync(
      join(dir, 'don-vi.csv'),
      list([
        [XUAN_LOC.code, XUAN_LOC.name, 'x'],
        [TUY_HOA.code, TUY_HOA.name, 'một phần'],
      ]),
    );
    mkdirSync(join(dir, 'in'));
    const r = bdg(['consolidate', join(dir, 'in'), '--units', join(dir, 'don-vi.csv'), '--out', join(dir, 'out')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'dòng 4: cột "Địa bàn Dự án 8" ghi "một phần"; ghi x (hoặc có, 1) cho xã thuộc địa bàn Dự án 8',
    );
  });
});

describe('the page’s province-own form is the CLI’s (one core function)', () => {
  it('templateWorkbook makes what bdg template --province-own writes; a commune is refused in words for the page', async () => {
    const dir = tempDir('bdg-2026-page-tpl-');
    const out = join(dir, 'cli.xlsx');
    const r = bdg([
      'template',
      '--unit',
      '66',
      '--province-own',
      '--agency',
      'Hội Liên hiệp Phụ nữ tỉnh',
      '--period',
      '2026-Q2',
      '--out',
      out,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const catalogue = loadCatalogue(NEW);
    const form = { catalogue, period: parsePeriodArg('2026-Q2')!, own: { agency: ' Hội Liên hiệp Phụ nữ tỉnh ' } };
    const province = { ...PROVINCE, level: 'Tỉnh' };
    expect(templateFileName(province, form)).toBe('bieu-mau-66-cap-tinh-2026-Q2.xlsx');
    const mine = new ExcelJS.Workbook();
    await mine.xlsx.load((await templateWorkbook(province, form).xlsx.writeBuffer()) as ArrayBuffer);
    const theirs = new ExcelJS.Workbook();
    await theirs.xlsx.readFile(out);
    for (const sheet of theirs.worksheets)
      expect(
        mine
          .getWorksheet(sheet.name)!
          .getSheetValues()
          .map((row) => JSON.stringify(row)),
        sheet.name,
      ).toEqual(sheet.getSheetValues().map((row) => JSON.stringify(row)));
    const rowOf = submissionLayout(catalogue).rowOf;
    const fill = (wb: ExcelJS.Workbook, code: string) =>
      (wb.getWorksheet('Số liệu')!.getCell(`E${rowOf.get(code)}`).fill as ExcelJS.FillPattern).fgColor?.argb;
    expect([fill(mine, 'BDG.47'), fill(mine, 'BDG.46')]).toEqual([fill(theirs, 'BDG.47'), fill(theirs, 'BDG.46')]);
    expect(fill(mine, 'BDG.47')).toBe('FFD9D9D9');

    const refusal = provinceOwnRefusal({ ...XUAN_LOC, level: 'Xã' }, catalogue);
    expect(refusal).toBe('Xã Xuân Lộc (mã 22057) không phải đơn vị cấp tỉnh.');
    expect(provinceOwnRefusal(province, loadCatalogue(OLD))).toBe(
      'biểu mẫu BDG-2024.1 không có phần riêng của các cơ quan, đơn vị cấp tỉnh.',
    );
    expect(provinceOwnRefusal(province, catalogue)).toBeNull();
    // A commune's form from the page greys the province's rows, as the CLI's does.
    const commune = templateWorkbook({ ...XUAN_LOC, level: 'Xã' }, { catalogue, period: form.period });
    expect(fill(commune, 'BDG.46')).toBe('FFD9D9D9');
  });
});

describe('the cut-off of NĐ 09/2019 (config "cutoff": "nd09", catalogue/cutoffs.csv)', () => {
  it('counts a period from the 15th of the month before to the 14th; labels do not change', () => {
    const cases: [string, string, string][] = [
      ['2026', '2025-12-15', '2026-12-14'],
      ['2026-Q1', '2025-12-15', '2026-03-14'],
      ['2026-H1', '2025-12-15', '2026-06-14'],
      ['2026-M9', '2025-12-15', '2026-09-14'],
      ['2026-Q3', '2026-06-15', '2026-09-14'],
    ];
    for (const [id, from, to] of cases) expect(periodDates(parsePeriodArg(id)!, 15), id).toEqual({ from, to });
    expect(periodDates(parsePeriodArg('2026-Q3')!)).toEqual({ from: '2026-07-01', to: '2026-09-30' });
  });

  it('the roll-up and the report say the dates; an unknown cut-off stops the run naming the known ones', async () => {
    const dir = tempDir('bdg-2026-cutoff-');
    await write(join(dir, 'in/xuan-loc.xlsx'), XUAN_LOC, '2026', { 'BDG.05': { total: 3 }, 'BDG.06': { total: 90 } });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ cutoff: 'nd09' }));
    const r = bdg([
      'consolidate',
      join(dir, 'in'),
      '--root',
      '66',
      '--config',
      join(dir, 'config.json'),
      '--out',
      join(dir, 'out'),
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const rollup = JSON.parse(r.stdout) as Rollup;
    expect(rollup.periodLabel).toBe('Năm 2026');
    expect(rollup.periodDates).toEqual({
      cutoff: 'nd09',
      from: '2025-12-15',
      to: '2026-12-14',
      name: 'theo thời điểm chốt số liệu của Nghị định số 09/2019/NĐ-CP',
    });
    const paragraphs = (await openDocx(join(dir, 'out/bao-cao-66-2026.docx'))).paragraphs.map((p) => p.text);
    expect(paragraphs).toContain(
      'Số liệu năm 2026 được tính từ ngày 15/12/2025 đến ngày 14/12/2026 (theo thời điểm chốt số liệu của Nghị định số 09/2019/NĐ-CP).',
    );
    // Without a cut-off the sentence is left out (calendar months, as before).
    const plain = bdg(['consolidate', join(dir, 'in'), '--root', '66', '--out', join(dir, 'out2'), '--json']);
    expect((JSON.parse(plain.stdout) as Rollup).periodDates).toBeUndefined();
    const plainText = (await openDocx(join(dir, 'out2/bao-cao-66-2026.docx'))).paragraphs.map((p) => p.text);
    expect(plainText.some((t) => t.startsWith('Số liệu năm 2026 được tính'))).toBe(false);

    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ cutoff: 'nd9' }));
    const bad = bdg([
      'consolidate',
      join(dir, 'in'),
      '--root',
      '66',
      '--config',
      join(dir, 'bad.json'),
      '--out',
      join(dir, 'out3'),
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(
      'cutoff: "nd9" không có; dùng "calendar" (theo tháng dương lịch) hoặc "nd09" (theo thời điểm chốt số liệu của Nghị định số 09/2019/NĐ-CP)',
    );
  });

  it('the rules with dates follow the cut-off: the election of 15/3 lies in Quý II (15/3–14/6), not in Quý I', () => {
    const dir = tempDir('bdg-2026-cutoff-event-');
    const election = { 'BDG.44': { total: 40, nu: 15 }, 'BDG.45': { total: 20, nu: 8 } };
    const consolidated = async (period: string, config: object) => {
      const folder = join(dir, period, JSON.stringify(config).length > 2 ? 'nd09' : 'calendar');
      await write(join(folder, 'in/xuan-loc.xlsx'), XUAN_LOC, period, election);
      writeFileSync(join(folder, 'config.json'), JSON.stringify(config));
      const args = ['consolidate', join(folder, 'in'), '--root', '66', '--out', join(folder, 'out'), '--json'];
      const r = bdg([...args, '--config', join(folder, 'config.json')]);
      expect(r.status, r.stderr).toBe(0);
      const warnings = (JSON.parse(r.stdout) as Rollup).files[0]!.warnings ?? [];
      return warnings.filter((w) => w.rule === 'event-out-of-period').map((w) => (w as { cell?: string }).cell);
    };
    return (async () => {
      // Calendar months: 15/3 is in Quý I, so Quý II's election figures are warned about (both rows).
      expect(await consolidated('2026-Q2', {})).toEqual(['E73', 'E74']);
      expect(await consolidated('2026-Q1', {})).toEqual([]);
      // NĐ 09's cut-off: Quý I ends on 14/3, the election falls in Quý II.
      expect(await consolidated('2026-Q2', { cutoff: 'nd09' })).toEqual([]);
      expect(await consolidated('2026-Q1', { cutoff: 'nd09' })).toEqual(['E73', 'E74']);
    })();
  });
});
