import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Figures, Issue } from '../src/core/model.js';
import { checkFile } from '../src/node/check-path.js';
import { bdg, ROOT } from './helpers/cli.js';
import { districtFigures } from './helpers/figures.js';
import { tempDir, writeHandMade, type HandMadeOptions } from './helpers/workbooks.js';
import { readHierarchy } from '../src/node/unit-list-file.js';
import { Command } from 'commander';
import { commanderError } from '../src/cli/cli.js';
import { loadCatalogue } from '../src/core/catalogue/catalogue.js';
import { issue } from '../src/core/rules/rules.js';
import { sortIssues } from '../src/core/validate/issue-order.js';
import { verdictLine } from '../src/core/validate/verdict.js';

const UNITS = join(ROOT, 'fixtures/dak-lak/don-vi.csv');
let dir: string;
let n = 0;
beforeAll(() => {
  dir = tempDir();
});

async function check(opts: HandMadeOptions & { withUnits?: boolean } = {}) {
  const made = await writeHandMade(join(dir, `f${++n}.xlsx`), opts);
  const units = opts.withUnits ? await readHierarchy(UNITS) : undefined;
  return { made, result: await checkFile(made.path, { units }) };
}

function figuresWith(changes: Figures): Figures {
  const f = districtFigures();
  for (const [code, fig] of Object.entries(changes)) f[code] = { ...f[code], ...fig };
  return f;
}

const rules = (issues: Issue[]) => issues.map((i) => `${i.rule}@${i.cell ?? ''}`);

describe('reading a clean submission', () => {
  it('accepts a hand-made workbook and reads back exactly the figures written', async () => {
    const { result } = await check();
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.unit).toEqual({ code: '655', name: 'Huyện Krông A Na' });
    expect(result.period).toBe('2024');
    expect(result.figures).toEqual(districtFigures());
  });

  it('finds columns by header text in any order and rows by code in any order', async () => {
    const { result, made } = await check({
      columns: ['Ghi chú', 'Mã số', 'DTTS', 'Nữ', 'Tổng số', 'STT', 'Chỉ tiêu', 'Đơn vị tính'],
      reverseRows: true,
      titleRows: 4,
    });
    expect(made.cell('DA8.05', 'nu')).toMatch(/^D\d+$/);
    expect(result.errors).toEqual([]);
    expect(result.figures).toEqual(districtFigures());
  });

  it('reads a one-row header and sheet names typed loosely', async () => {
    const { result } = await check({
      header: 'one-row',
      titleRows: 0,
      sheetNames: { info: ' thông tin ', data: 'SỐ LIỆU' },
    });
    expect(result.errors).toEqual([]);
    expect(result.figures).toEqual(districtFigures());
  });

  it('reads Vietnamese numbers typed as text, and keeps empty and "-" apart from 0', async () => {
    const { result } = await check({
      raw: {
        'DA8.05': ' 2.150 ',
        'DA8.05.nu': '1.320',
        'DA8.06': '3400',
        'DA8.20': '1.643,5',
        'BDG.26': '900,0',
        'BDG.28': '-',
        'BDG.29': '   ',
      },
    });
    expect(result.errors).toEqual([]);
    expect(result.figures!['DA8.05']).toEqual({ total: 2150, nu: 1320, dtts: 980 });
    expect(result.figures!['DA8.20']!.total).toBe(1643.5);
    expect(result.figures!['BDG.26']!.total).toBe(900);
    expect(result.figures!['BDG.28']!.total).toBeNull();
    expect(result.figures!['BDG.29']!.total).toBeNull();
    expect(result.figures!['DA8.16']!.total).toBe(2);
  });

  it('uses the cached result of formulas, including a cached 0', async () => {
    const { result } = await check({
      raw: {
        'DA8.05': { formula: 'F10+G10-150', result: 2150 } as never,
        'BDG.28': { formula: 'E1-E1', result: 0 } as never,
        'BDG.29': { formula: 'E1*0', result: 0 } as never,
      },
    });
    expect(result.errors).toEqual([]);
    expect(result.figures!['DA8.05']!.total).toBe(2150);
    expect(result.figures!['BDG.28']!.total).toBe(0);
  });

  it('pads a unit code typed as a number to the code in the unit list', async () => {
    const { result } = await check({ info: { 'Mã đơn vị': 655 }, withUnits: true });
    expect(result.errors).toEqual([]);
    expect(result.unit).toEqual({ code: '655', name: 'Huyện Krông A Na' });
  });

  it('gathers the Thuyết minh text', async () => {
    const { result } = await check({
      narrative: {
        'Kết quả nổi bật': 'Thành lập 4 tổ truyền thông mới.',
        'Khó khăn, hạn chế:': 'Thiếu kinh phí.\nCán bộ kiêm nhiệm.',
      },
    });
    expect(result.submission!.narrative).toEqual({
      highlights: 'Thành lập 4 tổ truyền thông mới.',
      difficulties: 'Thiếu kinh phí.\nCán bộ kiêm nhiệm.',
    });
  });
});

describe('each rule, with the cell it names', () => {
  // Layout of the hand-made default: title rows 1–2, header 3–4, ND1 heading on row 5, DA8.01 on row 6.
  it('breakdown-exceeds-total names the breakdown cell', async () => {
    const { result } = await check({ figures: figuresWith({ 'DA8.05': { nu: 2500 } }) });
    expect(rules(result.errors)).toEqual(['breakdown-exceeds-total@F10']);
    expect(result.errors[0]).toMatchObject({ sheet: 'Số liệu', indicator: 'DA8.05', value: 2500 });
    expect(result.errors[0]!.message).toContain('2.500');
    expect(result.errors[0]!.message).toContain('2.150');
  });

  it('breakdown-not-applicable when a greyed cell holds a number', async () => {
    const { made, result } = await check({ figures: figuresWith({ 'DA8.01': { nu: 3 } }) });
    expect(rules(result.errors)).toEqual([`breakdown-not-applicable@${made.cell('DA8.01', 'nu')}`]);
    expect(made.cell('DA8.01', 'nu')).toBe('F6');
  });

  it('breakdown-without-total', async () => {
    const { made, result } = await check({ figures: figuresWith({ 'DA8.15': { total: null } }) });
    expect(rules(result.errors)).toContain(`breakdown-without-total@${made.cell('DA8.15')}`);
  });

  it('part-exceeds-whole, for the total and for a shared breakdown', async () => {
    const { made, result } = await check({
      figures: figuresWith({ 'DA8.02': { total: 20 }, 'BDG.16': { total: 19, nu: 18 } }),
    });
    expect(rules(result.errors)).toEqual([
      `part-exceeds-whole@${made.cell('DA8.02')}`,
      `part-exceeds-whole@${made.cell('BDG.16', 'nu')}`,
    ]);
    expect(made.cell('DA8.02')).toBe('E7');
  });

  it('attendance-without-event and event-without-attendance', async () => {
    const { made, result } = await check({
      figures: figuresWith({
        'DA8.04': { total: 0 },
        'DA8.18': { total: 7 },
        'DA8.19': { total: null, nu: null, dtts: null },
      }),
    });
    expect(rules(result.errors)).toEqual([
      `attendance-without-event@${made.cell('DA8.05')}`,
      `event-without-attendance@${made.cell('DA8.19')}`,
    ]);
  });

  it('communes-exceed-units uses the unit list', async () => {
    const { made, result } = await check({ figures: figuresWith({ 'BDG.19': { total: 9 } }), withUnits: true });
    expect(rules(result.errors)).toEqual([`communes-exceed-units@${made.cell('BDG.19')}`]);
    expect(result.errors[0]!.message).toContain('8 đơn vị cấp xã');
  });

  it('value kind: negative, not whole, money precision', async () => {
    const { made, result } = await check({
      figures: figuresWith({ 'DA8.06': { total: -5 }, 'DA8.07': { total: 7.5 }, 'DA8.20': { total: 1643.12345 } }),
    });
    expect(rules(result.errors)).toEqual([
      `value-negative@${made.cell('DA8.06')}`,
      `value-not-whole@${made.cell('DA8.07')}`,
      `money-precision@${made.cell('DA8.20')}`,
    ]);
  });

  it('value kind: one finding per cell, the first rule broken (negative before not whole), in every column', async () => {
    const { made, result } = await check({
      figures: figuresWith({
        'DA8.05': { total: -1.5, nu: 2.5, dtts: 3 },
        'DA8.06': { total: 2e9 },
        'DA8.20': { total: -0.0001 },
      }),
    });
    expect(rules(result.errors)).toEqual([
      `value-negative@${made.cell('DA8.05')}`,
      `value-not-whole@${made.cell('DA8.05', 'nu')}`,
      `value-too-large@${made.cell('DA8.06')}`,
      `value-negative@${made.cell('DA8.20')}`,
    ]);
  });

  it('text that is not a number, ambiguous separators, formula errors and formulas without a result', async () => {
    const { made, result } = await check({
      raw: {
        'DA8.06': 'x',
        'DA8.13': '10 người',
        'DA8.17': 'không',
        'BDG.07': '1,234',
        'BDG.20': '12.5',
        'BDG.21': { error: '#DIV/0!' } as never,
        'BDG.27': { formula: 'E5+E6' } as never,
      },
    });
    expect(rules(result.errors)).toEqual([
      `value-not-number@${made.cell('DA8.06')}`,
      `value-not-number@${made.cell('DA8.13')}`,
      `value-not-number@${made.cell('DA8.17')}`,
      `value-ambiguous@${made.cell('BDG.07')}`,
      `value-ambiguous@${made.cell('BDG.20')}`,
      `value-error@${made.cell('BDG.21')}`,
      `formula-no-result@${made.cell('BDG.27')}`,
    ]);
    expect(result.errors[1]!.value).toBe('10 người');
    expect(result.errors[6]!.message).toContain('lưu lại');
  });

  it('unknown, duplicated and missing codes name their rows', async () => {
    const { made, result } = await check({
      omit: ['BDG.30'],
      extraRows: [
        { code: 'DA8.99', total: 1 },
        { code: 'BDG.01', total: 5 },
      ],
    });
    const got = rules(result.errors);
    expect(got).toContain(`code-unknown@${made.extraCell('DA8.99')}`);
    expect(got).toContain(`code-duplicate@${made.extraCell('BDG.01')}`);
    expect(result.errors.find((e) => e.rule === 'code-duplicate')!.message).toContain(
      `đã có ở ô ${made.cell('BDG.01').replace('E', 'B')}`,
    );
    expect(result.errors.find((e) => e.rule === 'code-missing')).toMatchObject({
      indicator: 'BDG.30',
      sheet: 'Số liệu',
    });
  });

  it('missing sheet, missing header, missing column', async () => {
    const noData = await check({ sheetNames: { data: 'Sheet1' } });
    expect(noData.result.errors.map((e) => e.rule)).toEqual(['sheet-missing']);
    expect(noData.result.errors[0]!.message).toContain('"Sheet1"');
    const noDtts = await check({
      header: 'one-row',
      columns: ['STT', 'Mã số', 'Chỉ tiêu', 'Đơn vị tính', 'Tổng số', 'Nữ', 'Ghi chú'] as never,
    });
    expect(noDtts.result.errors.map((e) => e.rule)).toEqual(['column-missing']);
    expect(noDtts.result.errors[0]!.message).toContain('DTTS');
  });

  it('Thông tin: missing fields, bad period, unknown version, unknown unit', async () => {
    const a = await check({ info: { 'Mã đơn vị': undefined, 'Kỳ báo cáo': 'năm nay' } });
    expect(rules(a.result.errors)).toEqual([`period-invalid@${a.made.infoCell('Kỳ báo cáo')}`, 'info-missing@A8']);
    const b = await check({ info: { 'Phiên bản biểu mẫu': 'BDG-2019.1' } });
    expect(rules(b.result.errors)).toEqual([`version-unknown@${b.made.infoCell('Phiên bản biểu mẫu')}`]);
    const c = await check({ info: { 'Mã đơn vị': '999' }, withUnits: true });
    expect(rules(c.result.errors)).toEqual([`unit-unknown@${c.made.infoCell('Mã đơn vị')}`]);
  });

  it('plausibility warnings never block', async () => {
    const { made, result } = await check({
      figures: figuresWith({
        'DA8.03': { total: 500, nu: 300, dtts: 200 },
        'DA8.05': { total: 30000, nu: 15000, dtts: 9000 },
        'BDG.15': { total: 10, nu: 10 },
        'BDG.16': { total: 5, nu: 5 },
        'DA8.21': { total: 2000 },
      }),
    });
    expect(result.valid).toBe(true);
    expect(rules(result.warnings)).toEqual([
      `members-per-unit-unusual@${made.cell('DA8.03')}`,
      `attendance-per-event-high@${made.cell('DA8.05')}`,
      `value-above-reference@${made.cell('DA8.21')}`,
      `victims-fewer-than-cases@${made.cell('BDG.15')}`,
    ]);
  });
});

describe('bdg validate (the command)', () => {
  it('prints the JSON of the spec and exits 1 on errors', async () => {
    const made = await writeHandMade(join(dir, 'huyen-krong-a-na.xlsx'), {
      figures: figuresWith({ 'DA8.05': { nu: 2500 } }),
    });
    const r = bdg(['validate', made.path, '--units', UNITS, '--json']);
    expect(r.status).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({
      file: made.path,
      valid: false,
      unit: { code: '655', name: 'Huyện Krông A Na' },
      period: '2024',
      warnings: [],
    });
    expect(json.errors).toEqual([
      expect.objectContaining({
        rule: 'breakdown-exceeds-total',
        sheet: 'Số liệu',
        cell: 'F10',
        indicator: 'DA8.05',
        value: 2500,
      }),
    ]);
  });

  it('prints a readable report and exits 0 on a valid file', async () => {
    const made = await writeHandMade(join(dir, 'ok.xlsx'));
    const r = bdg(['validate', made.path, '--units', UNITS]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Đơn vị: 655 – Huyện Krông A Na · Kỳ báo cáo: Năm 2024 · Biểu mẫu: BDG-2024.1');
    expect(r.stdout).toContain('✔ Tệp hợp lệ');
    expect(r.stdout).not.toMatch(/\x1b\[/); // NO_COLOR
  });

  it('groups errors by sheet with cell, code and rule', async () => {
    const made = await writeHandMade(join(dir, 'bad.xlsx'), {
      raw: { 'DA8.06': 'x' },
      info: { 'Kỳ báo cáo': 'năm nay' },
    });
    const r = bdg(['validate', made.path, '--no-color']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/Sheet "Thông tin"\n\s+B3\s+Ô B3/);
    expect(r.stdout).toMatch(
      /Sheet "Số liệu"\n\s+E11 DA8.06\s+Ô E11 \(sheet "Số liệu", chỉ tiêu DA8.06, cột Tổng số\): "x" không phải là số/,
    );
    expect(r.stdout).toContain('Tệp CHƯA hợp lệ: sửa 2 lỗi');
  });

  it('refuses what is not a workbook with a clear message and exit 1, never a stack trace', async () => {
    const files: Record<string, Buffer> = {
      'empty.xlsx': Buffer.alloc(0),
      'note.xlsx': Buffer.from('Mã số,Tổng số\nDA8.01,3\n'),
      'scan.xlsx': Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n'),
    };
    const ok = await writeHandMade(join(dir, 'whole.xlsx'));
    const { readFileSync } = await import('node:fs');
    const whole = readFileSync(ok.path);
    files['cut.xlsx'] = whole.subarray(0, Math.floor(whole.length / 2));
    const expected: Record<string, [string, RegExp]> = {
      'empty.xlsx': ['file-empty', /rỗng/],
      'note.xlsx': ['file-not-xlsx', /CSV/],
      'scan.xlsx': ['file-not-xlsx', /PDF/],
      'cut.xlsx': ['file-damaged', /tải về chưa hết/],
    };
    for (const [name, content] of Object.entries(files)) {
      const path = join(dir, name);
      writeFileSync(path, content);
      const r = bdg(['validate', path, '--json']);
      expect(r.status, name).toBe(1);
      const json = JSON.parse(r.stdout);
      expect(json.errors[0].rule, name).toBe(expected[name]![0]);
      expect(json.errors[0].message, name).toMatch(expected[name]![1]);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    }
  });

  it('exits 2 when it cannot run', () => {
    expect(bdg(['validate', join(dir, 'ok.xlsx'), '--units', join(dir, 'none.csv')]).status).toBe(2);
    expect(bdg(['validate']).status).toBe(2);
    expect(bdg(['frobnicate']).status).toBe(2);
  });
});

describe('a report has figures', () => {
  it('a blank form from bdg template: exit 1 with exactly no-figures, and the warning for its missing Ngày lập', () => {
    const blank = join(dir, 'bieu-mau-trong.xlsx');
    expect(bdg(['template', '--unit', '655', '--units', UNITS, '--period', '2024', '--out', blank]).status).toBe(0);
    const r = bdg(['validate', blank, '--units', UNITS, '--json']);
    expect(r.status).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.valid).toBe(false);
    expect(json.errors).toEqual([
      {
        rule: 'no-figures',
        severity: 'error',
        sheet: 'Số liệu',
        cell: 'E8',
        message:
          'Biểu mẫu chưa có số liệu nào: mọi ô số liệu của sheet "Số liệu" (cột Tổng số, Nữ, DTTS) đều để trống, nên tệp chưa phải là một báo cáo. ' +
          'Nhập số liệu của kỳ báo cáo từ ô E8 (ghi 0 khi số liệu bằng không, để trống khi không có số liệu), lưu lại rồi kiểm tra lần nữa.',
      },
    ]);
    expect(json.warnings).toEqual([
      {
        rule: 'date-missing',
        severity: 'warning',
        sheet: 'Thông tin',
        cell: 'B7',
        message:
          'Sheet "Thông tin": chưa ghi "Ngày lập" (ô B7 đang trống). Khi đơn vị gửi lại bản sửa, ngày lập là cách duy nhất biết bản nào gửi sau; ' +
          'thiếu ngày lập thì hai bản không phân biệt được và cả hai không được tổng hợp. Ghi ngày lập dạng dd/mm/yyyy, ví dụ 15/12/2024.',
      },
    ]);
    const text = bdg(['validate', blank, '--units', UNITS]);
    expect(text.status).toBe(1);
    expect(text.stdout).not.toContain('✔');
    expect(text.stdout).toContain('Tệp CHƯA hợp lệ: sửa 1 lỗi ở trên, lưu lại rồi kiểm tra lần nữa.');
  });

  it('empty and "-" are no figure; a 0, or anything typed that cannot be read, is one', async () => {
    const none = await check({ figures: {} });
    expect(rules(none.result.errors)).toEqual([`no-figures@${none.made.cell('DA8.01')}`]);
    const dashes = await check({ figures: {}, raw: { 'DA8.01': '-', 'DA8.05': '–', 'DA8.05.nu': ' ' } });
    expect(rules(dashes.result.errors)).toEqual([`no-figures@${dashes.made.cell('DA8.01')}`]);
    const zero = await check({ figures: {}, raw: { 'DA8.20': 0 } });
    expect(zero.result.errors).toEqual([]);
    const typed = await check({ figures: {}, raw: { 'DA8.01': 'không' } });
    expect(rules(typed.result.errors)).toEqual([`value-not-number@${typed.made.cell('DA8.01')}`]);
  });

  it('a missing Ngày lập is a warning naming its cell; one that cannot be read is date-invalid alone', async () => {
    const empty = await check({ info: { 'Ngày lập': null } });
    expect(empty.result.valid).toBe(true);
    expect(rules(empty.result.warnings)).toEqual([`date-missing@${empty.made.infoCell('Ngày lập')}`]);
    const noRow = await check({ info: { 'Ngày lập': undefined } });
    expect(noRow.result.warnings.map((w) => w.rule)).toEqual(['date-missing']);
    expect(noRow.result.warnings[0]!.message).toMatch(
      /^Sheet "Thông tin": chưa ghi "Ngày lập"\. Khi đơn vị gửi lại bản sửa/,
    );
    const wrong = await check({ info: { 'Ngày lập': '31/02/2024' } });
    expect(wrong.result.warnings.map((w) => w.rule)).toEqual(['date-invalid']);
  });
});

describe('issues in the order of the sheet', () => {
  it('sheet by sheet, then row, then column, in the JSON and the text of validate, whatever rule found them first', async () => {
    // Found in this order: the reader's F (DA8.05 Nữ) and its row-40ish error, then validation's E (DA8.05 Tổng số).
    const last = loadCatalogue('BDG-2024.1').indicators.at(-1)!.code;
    const made = await writeHandMade(join(dir, 'thu-tu.xlsx'), {
      figures: figuresWith({ 'DA8.05': { total: 12.5 } }),
      raw: { 'DA8.05.nu': 'x', [last]: 'y' },
      info: { 'Kỳ báo cáo': 'năm nay' },
    });
    const r = bdg(['validate', made.path, '--units', UNITS, '--json']);
    expect(r.status).toBe(1);
    const json = JSON.parse(r.stdout) as { errors: Issue[] };
    const expected = [
      `period-invalid@Thông tin!${made.infoCell('Kỳ báo cáo')}`,
      `value-not-whole@Số liệu!${made.cell('DA8.05')}`,
      `value-not-number@Số liệu!${made.cell('DA8.05', 'nu')}`,
      `value-not-number@Số liệu!${made.cell(last)}`,
    ];
    expect(json.errors.map((i) => `${i.rule}@${i.sheet}!${i.cell}`)).toEqual(expected);
    expect(made.cell('DA8.05')).toMatch(/^E/);
    expect(made.cell('DA8.05', 'nu')).toMatch(/^F/);
    const text = bdg(['validate', made.path, '--units', UNITS]).stdout;
    const at = expected.map((e) => text.indexOf(`[${e.split('@')[0]}]`, text.indexOf(e.split('!')[1]!)));
    expect(at.every((x) => x > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it("sortIssues: the file first, then the form's sheets in order, rows as numbers (9 before 12), columns as letters (Z before AA)", () => {
    const i = (sheet: string | undefined, cell: string | undefined, rule: string): Issue => ({
      rule,
      severity: 'error',
      message: rule,
      ...(sheet ? { sheet } : {}),
      ...(cell ? { cell } : {}),
    });
    const sorted = sortIssues([
      i('Số liệu', 'AA12', 'a'),
      i('Khác', 'A1', 'b'),
      i('Số liệu', 'Z12', 'c'),
      i('SỐ LIỆU ', 'E9', 'd'),
      i('Thông tin', 'B3', 'e'),
      i(undefined, undefined, 'f'),
      i('Số liệu', 'E12:E13', 'g'),
      i('Số liệu', 'E12', 'h'),
    ]);
    expect(sorted.map((x) => x.rule)).toEqual(['f', 'e', 'd', 'g', 'h', 'c', 'a', 'b']);
  });
});

describe('the closing line', () => {
  it('a file that cannot be opened is to be got again, not "fixed and saved"', async () => {
    const ok = await writeHandMade(join(dir, 'nguyen-ven.xlsx'));
    const { readFileSync } = await import('node:fs');
    const cut = join(dir, 'tai-do.xlsx');
    writeFileSync(cut, readFileSync(ok.path).subarray(0, 2000));
    const r = bdg(['validate', cut]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      'Tệp CHƯA hợp lệ: không đọc được tệp nên chưa kiểm tra được số liệu. Lấy lại tệp theo hướng dẫn ở trên (tải lại, xin gửi lại, ' +
        'hoặc mở tệp gốc bằng Excel/LibreOffice rồi lưu, xuất lại thành .xlsx), rồi kiểm tra lần nữa.',
    );
    expect(r.stdout).not.toContain('sửa 1 lỗi');
    // Errors in the cells of a workbook that opens: those are fixed in the file and saved.
    expect(
      verdictLine(
        {
          valid: false,
          errors: [
            issue('file-damaged', { damage: 'zip' }),
            issue(
              'value-error',
              { indicator: 'DA8.05', measure: 'total', value: '#REF!' },
              { sheet: 'Số liệu', cell: 'E10' },
            ),
          ],
          warnings: [],
        },
        'below',
      ),
    ).toBe('Tệp CHƯA hợp lệ: sửa 2 lỗi dưới đây, lưu lại rồi kiểm tra lần nữa.');
  });
});

describe('the command line speaks Vietnamese', () => {
  it('help: Vietnamese words and placeholders', () => {
    const help = bdg(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Cách dùng: bdg \[tùy chọn\] \[lệnh\]/);
    expect(help.stdout).toContain('Lệnh:');
    expect(help.stdout).toMatch(/\n {2}validate \[tùy chọn\] <TỆP> +kiểm tra một tệp/);
    expect(help.stdout).toMatch(/\n {2}consolidate \[tùy chọn\] <THƯ-MỤC> +tổng hợp/);
    expect(help.stdout).toMatch(/\n {2}help \[LỆNH\] +hướng dẫn cho một lệnh/);
    // The descriptions stay aligned in one column, translated words and all.
    const commands = help.stdout
      .slice(help.stdout.indexOf('Lệnh:'))
      .split('\n')
      .filter((l) => /^ {2}\S/.test(l));
    const columns = commands.map((l) => /^ {2}\S.*?\S {2,}/.exec(l)![0].length);
    expect(commands.length).toBeGreaterThanOrEqual(6);
    expect(new Set(columns).size).toBe(1);
    for (const [command, placeholders] of [
      [
        'validate',
        [
          '<TỆP>',
          '--units <TỆP>',
          '--units-edition <NĂM>',
          '--previous <TỆP-TỔNG-HỢP>',
          '--annotate <TỆP-MỚI>',
          '--time-limit <GIÂY>',
        ],
      ],
      [
        'consolidate',
        ['<THƯ-MỤC>', '--root <MÃ>', '--config <TỆP>', '--period <KỲ>', '--out <THƯ-MỤC>', '--workers <SỐ>'],
      ],
      ['template', ['--unit <MÃ>', '--under <MÃ>', '--out <TỆP/THƯ-MỤC>']],
      ['report', ['<TỆP-TỔNG-HỢP>', '--out <TỆP>']],
    ] as const) {
      const out = bdg([command, '--help']).stdout;
      for (const p of placeholders) expect(out, `${command} ${p}`).toContain(p);
      expect(out, command).not.toMatch(/<(file|dir|code|period|rollup|n|out\.xlsx)>|Usage|Options|Arguments|default:/);
    }
  });

  it("commander's errors, said in Vietnamese, exit 2", () => {
    const cases: [string[], string][] = [
      [['validate'], 'Lỗi: thiếu tham số bắt buộc <TỆP> (tệp .xlsx cần kiểm tra).'],
      [['consolidate'], 'Lỗi: thiếu tham số bắt buộc <THƯ-MỤC> (thư mục chứa các tệp .xlsx).'],
      [['validate', 'a.xlsx', '--unit', '655'], "Lỗi: không có tùy chọn '--unit'.\n(Có phải ý bạn là --units?)"],
      [['validate', 'a.xlsx', '--units'], 'Lỗi: tùy chọn --units <TỆP> cần một giá trị.'],
      [['validate', 'a.xlsx', 'b.xlsx'], "Lỗi: thừa tham số cho lệnh 'validate': cần 1, nhận 2."],
      [['valdate', 'x'], "Lỗi: không có lệnh 'valdate'.\n(Có phải ý bạn là validate?)"],
      [
        ['consolidate', '.', '--workers', 'nhiều'],
        'Lỗi: giá trị \'nhiều\' của tùy chọn --workers <SỐ> không hợp lệ: cần một số nguyên dương, nhận "nhiều"',
      ],
    ];
    for (const [args, said] of cases) {
      const r = bdg(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.startsWith(said), `${args.join(' ')}\n${r.stderr}`).toBe(true);
      expect(r.stderr, args.join(' ')).not.toMatch(/error:|missing|unknown|Did you mean|too many|Expected/i);
    }
  });
});

describe('commander error lines not met above', () => {
  it('choices, a conflicting option, an invalid argument and anything else lose their English', () => {
    const program = new Command('bdg');
    program.command('validate').argument('<TỆP>', 'tệp .xlsx cần kiểm tra');
    expect(
      commanderError(
        "error: option '--units-edition <NĂM>' argument '2030' is invalid. Allowed choices are 2024, 2025.\n",
        program,
      ),
    ).toBe(
      "Lỗi: giá trị '2030' của tùy chọn --units-edition <NĂM> không hợp lệ: Chỉ nhận một trong các giá trị: 2024, 2025.\n",
    );
    expect(commanderError("error: option '--json' cannot be used with option '--annotate <TỆP-MỚI>'\n", program)).toBe(
      'Lỗi: không dùng được --json cùng với --annotate <TỆP-MỚI>.\n',
    );
    expect(
      commanderError("error: command-argument value 'x' is invalid for argument 'TỆP'. cần tệp .xlsx\n", program),
    ).toBe("Lỗi: giá trị 'x' của tham số <TỆP> không hợp lệ: cần tệp .xlsx\n");
    expect(commanderError('error: something new\n', program)).toBe('Lỗi: something new\n');
  });
});
