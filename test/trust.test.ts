import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Figures, Rollup } from '../src/core/model.js';
import { bdg } from './helpers/cli.js';
import { openDocx } from './helpers/docx.js';
import { figuresFor, sumFigures, THREE_LEVEL, writeSubmission, writeUnits } from './helpers/province.js';
import { tempDir } from './helpers/workbooks.js';

const D = {
  '101': { code: '101', name: 'Huyện Đông' },
  '102': { code: '102', name: 'Huyện Tây' },
  '103': { code: '103', name: 'Thị xã Nam' },
};
const commune = (d: string, i: number) => ({ code: `${d}0${i}`, name: `${i === 1 ? 'Thị trấn' : 'Xã'} ${d}-${i}` });
/** Thị xã Nam and its four communes as the district's own unit list (the district is the root of its consolidation). */
const DISTRICT_103 = [
  'Mã,Tên,Cấp,Mã cấp trên',
  '103,Thị xã Nam,Thị xã,',
  ...[1, 2, 3, 4].map((i) => `${commune('103', i).code},${commune('103', i).name},${i === 1 ? 'Thị trấn' : 'Xã'},103`),
].join('\n');

function run(dir: string, units: string, out: string, extra: string[] = []) {
  const r = bdg(['consolidate', dir, '--units', units, '--out', out, '--json', ...extra]);
  return { ...r, json: r.stdout ? (JSON.parse(r.stdout) as Rollup) : null };
}

/** `Thông tin` of a workbook as label → text. */
async function infoOf(path: string): Promise<Record<string, string>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const out: Record<string, string> = {};
  wb.getWorksheet('Thông tin')!.eachRow((row) => {
    out[String(row.getCell(1).value)] =
      row.getCell(2).value instanceof Date
        ? (row.getCell(2).value as Date).toISOString()
        : String(row.getCell(2).value ?? '');
  });
  return out;
}

describe('consolidation a province can trust', () => {
  let root: string;
  let units: string;
  beforeAll(() => {
    root = tempDir('bdg-trust-');
    units = writeUnits(root, THREE_LEVEL);
  });

  it(
    'a corrected re-send with a later Ngày lập replaces the first; the same date rejects both',
    { timeout: 300_000 },
    async () => {
      const dir = join(root, 'resend');
      const first = figuresFor(102, 4);
      const corrected = figuresFor(202, 4);
      const others = { '101': figuresFor(101, 4), '103': figuresFor(103, 4) };
      await writeSubmission(join(dir, '101.xlsx'), D['101'], others['101']);
      await writeSubmission(join(dir, '103.xlsx'), D['103'], others['103']);
      await writeSubmission(join(dir, '102-huyen-tay.xlsx'), D['102'], first, { preparedOn: '2024-12-10' });
      await writeSubmission(join(dir, '102-huyen-tay-ban-sua-lan-2.xlsx'), D['102'], corrected, {
        preparedOn: '2024-12-18',
      });
      const out = join(root, 'out-resend');
      const r = run(dir, units, out);
      expect(r.status, r.stderr).toBe(0);
      const json = r.json!;
      expect(json.completeness).toMatchObject({ expected: 3, received: 3, missing: [], partial: [] });
      const sum = sumFigures([others['101'], corrected, others['103']]);
      expect(json.totals['DA8.05']).toEqual({ ...sum['DA8.05'], reported: 3, expected: 3 });
      expect(json.units.find((u) => u.code === '102')!.values).toEqual(corrected);
      const old = json.files.find((f) => f.path === '102-huyen-tay.xlsx')!;
      expect(old).toMatchObject({
        unit: '102',
        status: 'superseded',
        supersededBy: '102-huyen-tay-ban-sua-lan-2.xlsx',
      });
      expect(old.reason).toContain('lập ngày 18/12/2024, sau tệp này (lập ngày 10/12/2024)');
      expect(json.files.find((f) => f.path === '102-huyen-tay-ban-sua-lan-2.xlsx')!.status).toBe('accepted');
      // The terminal summary and the status sheet say it too.
      expect(r.stderr).toContain('Thay bằng tệp khác (1):');
      expect(r.stderr).toContain('102-huyen-tay.xlsx → 102-huyen-tay-ban-sua-lan-2.xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(join(out, 'tong-hop-10-2024.xlsx'));
      const status = wb.getWorksheet('Tình hình nộp báo cáo')!;
      const row = [...Array(status.rowCount).keys()]
        .map((i) => status.getRow(i + 1))
        .find((rw) => rw.getCell(1).value === '102-huyen-tay.xlsx')!;
      expect([row.getCell(4).value, row.getCell(6).value]).toEqual([
        'Thay bằng tệp khác',
        '102-huyen-tay-ban-sua-lan-2.xlsx',
      ]);

      // Same date: nobody can tell which came later, so neither is used (and each names the other).
      const same = join(root, 'resend-same');
      await writeSubmission(join(same, '101.xlsx'), D['101'], others['101']);
      await writeSubmission(join(same, 'a.xlsx'), D['102'], first, { preparedOn: '2024-12-10' });
      await writeSubmission(join(same, 'b.xlsx'), D['102'], corrected, { preparedOn: '2024-12-10' });
      const s = run(same, units, join(root, 'out-resend-same'));
      expect(s.status).toBe(1);
      for (const [file, other] of [
        ['a.xlsx', 'b.xlsx'],
        ['b.xlsx', 'a.xlsx'],
      ]) {
        const f = s.json!.files.find((x) => x.path === file)!;
        expect(f.status).toBe('rejected');
        expect(f.errors!.map((e) => e.rule)).toEqual(['unit-duplicate']);
        expect(f.errors![0]!.message).toContain(`"${other}"`);
      }
      expect(s.json!.completeness.missing.map((m) => m.code)).toEqual(['102', '103']);
    },
  );

  it(
    'a district summary beside its own communes: the source covering more is used, never both',
    { timeout: 300_000 },
    async () => {
      const dir = join(root, 'beside');
      const district = figuresFor(303, 4);
      const communes = [1, 2].map((i) => figuresFor(310 + i, 1));
      await writeSubmission(join(dir, '101.xlsx'), D['101'], figuresFor(301, 4));
      await writeSubmission(join(dir, '103-thi-xa-nam.xlsx'), D['103'], district);
      for (const [i, f] of communes.entries())
        await writeSubmission(join(dir, 'nam', `${commune('103', i + 1).code}.xlsx`), commune('103', i + 1), f);
      const r = run(dir, units, join(root, 'out-beside'));
      expect(r.status, r.stderr).toBe(0);
      expect(r.json!.units.find((u) => u.code === '103')).toMatchObject({ source: 'file', values: district });
      for (const i of [1, 2])
        expect(r.json!.files.find((f) => f.path === `nam/1030${i}.xlsx`)).toMatchObject({
          status: 'superseded',
          supersededBy: '103-thi-xa-nam.xlsx',
        });
      expect(r.json!.totals['DA8.06']!.total).toBe(sumFigures([figuresFor(301, 4), district])['DA8.06']!.total);
      expect(r.json!.completeness).toMatchObject({
        expected: 3,
        received: 2,
        missing: [{ code: '102', name: 'Huyện Tây' }],
      });
    },
  );

  it(
    'a partial district summary: says 3/4 in Thông tin, and one level up the missing commune counts as missing',
    { timeout: 300_000 },
    async () => {
      // The district consolidates 3 of its 4 communes and sends the summary up.
      const districtDir = join(root, 'nam-xa');
      const districtUnits = join(root, 'nam-units');
      mkdirSync(districtUnits, { recursive: true });
      const communeUnits = writeUnits(districtUnits, DISTRICT_103);
      const communes = [1, 2, 3].map((i) => figuresFor(400 + i, 1));
      for (const [i, f] of communes.entries())
        await writeSubmission(join(districtDir, `${commune('103', i + 1).code}.xlsx`), commune('103', i + 1), f);
      const districtOut = join(root, 'out-nam');
      const d = run(districtDir, communeUnits, districtOut);
      expect(d.status, d.stderr).toBe(0);
      const summary = join(districtOut, 'tong-hop-103-2024.xlsx');
      const info = await infoOf(summary);
      expect(info['Số đơn vị đã tổng hợp']).toBe('3/4');
      expect(info['Đơn vị đã tổng hợp']).toBe('10301, 10302, 10303');
      expect(info['Mã lần tổng hợp']).toBe(d.json!.runId);
      expect(info['Lập bởi']).toMatch(/^bdg \d+\.\d+\.\d+$/);

      // validate shows the coverage.
      const v = bdg(['validate', summary, '--units', units]);
      expect(v.status, v.stdout).toBe(0);
      expect(v.stdout).toContain('Bảng tổng hợp: gồm số liệu của 3/4 đơn vị trực thuộc (3 đơn vị cấp xã)');
      expect(v.stdout).toContain('Số liệu chưa đầy đủ: mới tổng hợp 3/4 đơn vị trực thuộc.');
      const vj = JSON.parse(bdg(['validate', summary, '--units', units, '--json']).stdout);
      expect(vj.coverage).toMatchObject({ units: '3/4', included: ['10301', '10302', '10303'], runId: d.json!.runId });

      // The province reads it beside two district files.
      const provinceDir = join(root, 'tinh');
      const a = figuresFor(501, 4);
      const b = figuresFor(502, 4);
      await writeSubmission(join(provinceDir, '101.xlsx'), D['101'], a);
      await writeSubmission(join(provinceDir, '102.xlsx'), D['102'], b);
      mkdirSync(join(provinceDir, 'nam'), { recursive: true });
      copyFileSync(summary, join(provinceDir, 'nam', 'tong-hop-103-2024.xlsx'));
      const out = join(root, 'out-tinh');
      const p = run(provinceDir, units, out);
      expect(p.status, p.stderr).toBe(0);
      expect(p.json!.completeness).toEqual({
        expected: 3,
        received: 3,
        missing: [],
        late: [],
        partial: [
          { code: '103', name: 'Thị xã Nam', reported: 3, expected: 4, missing: [{ code: '10304', name: 'Xã 103-4' }] },
        ],
      });
      expect(p.json!.totals['DA8.05']).toEqual({
        ...sumFigures([a, b, ...communes])['DA8.05'],
        reported: 3,
        expected: 3,
      });
      // The province's own summary says what it includes: the 8 communes of the two districts, and 3 of Thị xã Nam's.
      const provinceInfo = await infoOf(join(out, 'tong-hop-10-2024.xlsx'));
      expect(provinceInfo['Số đơn vị đã tổng hợp']).toBe('3/3');
      expect(provinceInfo['Đơn vị đã tổng hợp']).toBe(
        '10101, 10102, 10103, 10104, 10201, 10202, 10203, 10204, 10301, 10302, 10303',
      );
      const doc = await openDocx(join(out, 'bao-cao-10-2024.docx'));
      // The report's reception sentence says whose figures are partial (file details stay in the workbook's status sheet).
      expect(doc.paragraphs.map((x) => x.text).join('\n')).toContain(
        'số liệu của thị xã Nam chưa đầy đủ (3/4 đơn vị trực thuộc, chưa có số liệu của xã 103-4)',
      );
      expect(p.stderr).toContain(
        'Số liệu chưa đầy đủ: 103 Thị xã Nam mới tổng hợp 3/4 đơn vị trực thuộc (chưa có 10304 Xã 103-4)',
      );

      // The 3/4 summary beside all four commune files: the communes cover more, so they are used and the summary is not.
      const fourth = figuresFor(404, 1);
      for (const [i, f] of [...communes, fourth].entries())
        await writeSubmission(
          join(provinceDir, 'nam', 'xa', `${commune('103', i + 1).code}.xlsx`),
          commune('103', i + 1),
          f,
        );
      const q = run(provinceDir, units, join(root, 'out-tinh-2'));
      expect(q.status, q.stderr).toBe(0);
      expect(q.json!.files.find((f) => f.path === 'nam/tong-hop-103-2024.xlsx')).toMatchObject({
        status: 'superseded',
        supersededBy: 'nam/xa/10301.xlsx',
      });
      expect(q.json!.units.find((u) => u.code === '103')).toMatchObject({
        source: 'rollup',
        values: sumFigures([...communes, fourth]),
      });
      expect(q.json!.completeness.partial).toEqual([]);
    },
  );

  it(
    'an old out/ inside the input folder is never read as the province’s own submission',
    { timeout: 300_000 },
    async () => {
      const dir = join(root, 'old-out');
      const figs = { '101': figuresFor(601, 4), '102': figuresFor(602, 4) };
      await writeSubmission(join(dir, '101.xlsx'), D['101'], figs['101']);
      await writeSubmission(join(dir, '102.xlsx'), D['102'], figs['102']);
      // Last week's run wrote into the input folder's out/ (asked for explicitly).
      expect(run(dir, units, join(dir, 'out')).status).toBe(0);
      const r = run(dir, units, join(root, 'out-old-out'));
      expect(r.status, r.stderr).toBe(0);
      expect(r.json!.files.find((f) => f.path === 'out')).toMatchObject({
        status: 'ignored',
        reason: expect.stringContaining('thư mục kết quả'),
      });
      expect(r.json!.files.filter((f) => f.status === 'accepted').map((f) => f.path)).toEqual(['101.xlsx', '102.xlsx']);

      // The summary alone (copied by hand, without the roll-up beside it) is still recognised and set aside.
      rmSync(join(dir, 'out', 'tong-hop-10-2024.json'));
      const s = run(dir, units, join(root, 'out-old-out-2'));
      expect(s.status, s.stderr).toBe(0);
      const own = s.json!.files.find((f) => f.path === 'out/tong-hop-10-2024.xlsx')!;
      expect(own).toMatchObject({ unit: '10', status: 'ignored' });
      expect(own.reason).toContain('tệp của chính Tỉnh Thử Nghiệm');
      expect(s.json!.files.filter((f) => f.status === 'accepted').map((f) => f.path)).toEqual(['101.xlsx', '102.xlsx']);
      expect(s.json!.totals['DA8.05']!.total).toBe(sumFigures(Object.values(figs))['DA8.05']!.total);
    },
  );

  it(
    'money typed in đồng is an error; a count far above the level’s bound is a warning listed per unit',
    { timeout: 300_000 },
    async () => {
      const dir = join(root, 'money');
      // Project 8's communication events are part of all events (DA8.04 ≤ BDG.05): kept so, to meet only the warnings asked.
      const a701 = figuresFor(701, 4);
      const a: Figures = { ...a701, 'BDG.05': { total: Math.max(a701['BDG.05']!.total!, a701['DA8.04']!.total!) } };
      const b: Figures = { ...figuresFor(702, 4), 'DA8.20': { total: 150_000_000 } };
      const c: Figures = { ...figuresFor(703, 4), 'DA8.06': { total: 750_000 } };
      await writeSubmission(join(dir, '101.xlsx'), D['101'], a);
      await writeSubmission(join(dir, '102.xlsx'), D['102'], b);
      await writeSubmission(join(dir, '103.xlsx'), D['103'], c);
      const v = JSON.parse(bdg(['validate', join(dir, '102.xlsx'), '--units', units, '--json']).stdout);
      expect(v.valid).toBe(false);
      expect(v.errors.map((e: { rule: string; cell: string }) => `${e.rule}@${e.cell}`)).toEqual(['money-in-dong@E31']);
      expect(v.errors[0].message).toContain('có thể đã nhập theo đồng; đơn vị tính là triệu đồng');
      expect(v.errors[0].message).toContain('150.000.000');
      const w = JSON.parse(bdg(['validate', join(dir, '103.xlsx'), '--units', units, '--json']).stdout);
      expect(w.valid).toBe(true);
      expect(w.warnings.map((e: { rule: string; cell: string }) => `${e.rule}@${e.cell}`)).toEqual([
        'value-above-level-bound@E13',
      ]);
      expect(w.warnings[0].message).toContain('750.000');
      expect(w.warnings[0].message).toContain('cấp huyện (thường không quá 500.000)');

      const r = bdg(['consolidate', dir, '--units', units, '--out', join(root, 'out-money')]);
      expect(r.status).toBe(1);
      const json = JSON.parse(readFileSync(join(root, 'out-money', 'tong-hop-10-2024.json'), 'utf8')) as Rollup;
      expect(json.files.find((f) => f.path === '102.xlsx')!.status).toBe('rejected');
      expect(json.totals['DA8.20']).toEqual({
        total: a['DA8.20']!.total! + c['DA8.20']!.total!,
        reported: 2,
        expected: 3,
      });
      expect(r.stdout).toContain('Cảnh báo cần xem lại (1 đơn vị):');
      expect(r.stdout).toContain('103 Thị xã Nam (103.xlsx): 1 cảnh báo');
      expect(r.stdout).toMatch(/ {6}- Ô E13 \(sheet "Số liệu", chỉ tiêu DA8\.06, cột Tổng số\): 750\.000/);
      const doc = await openDocx(join(root, 'out-money', 'bao-cao-10-2024.docx'));
      // The report never prints the đồng figure (the file is rejected; its details are in the workbook's status sheet).
      expect(doc.paragraphs.filter((x) => x.text.includes('150.0')).map((x) => x.text)).toEqual([]);
    },
  );

  it(
    'small things: --version, a missing file, a file for a folder and the reverse, a mistyped --period',
    { timeout: 300_000 },
    async () => {
      const version = bdg(['--version']);
      expect(version.status).toBe(0);
      expect(version.stdout.trim()).toBe(
        JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')).version,
      );
      const missing = bdg(['validate', join(root, 'khong-co.xlsx')]);
      expect(missing.status).toBe(2);
      expect(missing.stderr).toContain('không tìm thấy tệp');
      expect(missing.stdout).toBe('');
      const folder = bdg(['validate', root]);
      expect(folder.status).toBe(2);
      expect(folder.stderr).toContain('là một thư mục, không phải tệp');
      expect(folder.stderr).toContain('bdg consolidate');
      const dir = join(root, 'period');
      await writeSubmission(join(dir, '101.xlsx'), D['101'], figuresFor(801, 4));
      await writeSubmission(join(dir, '102.xlsx'), D['102'], figuresFor(802, 4));
      const file = bdg(['consolidate', join(dir, '101.xlsx'), '--units', units]);
      expect(file.status).toBe(2);
      expect(file.stderr).toContain('là một tệp, không phải thư mục');
      expect(file.stderr).toContain('bdg validate');
      const out = join(root, 'out-period');
      const wrong = bdg(['consolidate', dir, '--units', units, '--out', out, '--period', '2023']);
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toContain('Không tệp nào được tiếp nhận (2 tệp bị từ chối)');
      expect(wrong.stderr).toContain(
        'Các tệp ghi kỳ: Năm 2024 (2 tệp); đang tổng hợp Năm 2023 (--period 2023). Kiểm tra lại --period.',
      );
      expect(existsSync(out)).toBe(false);
    },
  );

  it(
    'rejected files come back marked in out/tra-lai/, and validate --annotate does the same for one file',
    { timeout: 300_000 },
    async () => {
      const dir = join(root, 'tra-lai');
      const bad = figuresFor(902, 4);
      bad['DA8.05'] = { ...bad['DA8.05'], nu: bad['DA8.05']!.total! + 10 };
      bad['DA8.20'] = { total: 150_000_000 };
      await writeSubmission(join(dir, '101.xlsx'), D['101'], figuresFor(901, 4));
      await writeSubmission(join(dir, 'tay', '102 Huyện Tây.xlsx'), D['102'], bad);
      writeFileSync(join(dir, 'hong.xlsx'), 'not a zip');
      const input = readFileSync(join(dir, 'tay', '102 Huyện Tây.xlsx'));
      const out = join(root, 'out-tra-lai');
      const r = run(dir, units, out);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(join(out, 'tra-lai', 'tay', '102 Huyện Tây.xlsx'));
      // Only a file that could be opened as a workbook gets a copy; inputs are untouched.
      expect(readdirSync(join(out, 'tra-lai'), { recursive: true }).map(String).sort()).toEqual([
        'tay',
        'tay/102 Huyện Tây.xlsx',
      ]);
      expect(readFileSync(join(dir, 'tay', '102 Huyện Tây.xlsx'))).toEqual(input);

      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(join(out, 'tra-lai', 'tay', '102 Huyện Tây.xlsx'));
      expect(wb.worksheets.map((w) => w.name)).toEqual([
        'Lỗi cần sửa',
        'Thông tin',
        'Số liệu',
        'Thuyết minh',
        'Hướng dẫn',
      ]);
      const list = wb.getWorksheet('Lỗi cần sửa')!;
      expect(list.getCell('A1').value).toBe('Tệp "102 Huyện Tây.xlsx" bị trả lại: 2 lỗi cần sửa');
      // In the order of the sheet (row 12 before row 31), not the order the rules were checked in.
      expect([4, 5].map((row) => [2, 3, 4, 5, 7].map((c) => list.getRow(row).getCell(c).value))).toEqual([
        ['Lỗi', 'Số liệu', 'F12', 'DA8.05', 'breakdown-exceeds-total'],
        ['Lỗi', 'Số liệu', 'E31', 'DA8.20', 'money-in-dong'],
      ]);
      const data = wb.getWorksheet('Số liệu')!;
      for (const ref of ['F12', 'E31']) {
        expect((data.getCell(ref).fill as ExcelJS.FillPattern).fgColor?.argb, ref).toBe('FFFF7C80');
        expect(
          String(
            (data.getCell(ref).note as ExcelJS.Comment).texts?.map((t) => t.text).join('') ?? data.getCell(ref).note,
          ),
        ).toContain('Lỗi: Ô');
      }
      // Figures, number formats, validation and protection are as the unit left them.
      expect(data.getCell('E31').value).toBe(150_000_000);
      expect(data.getCell('F12').value).toBe(bad['DA8.05']!.nu);
      expect(data.getCell('E12').value).toBe(bad['DA8.05']!.total);
      expect(data.getCell('E12').numFmt).toBe('#,##0');
      expect(data.getCell('F12').numFmt).toBe('#,##0');
      expect(data.getCell('E12').dataValidation).toMatchObject({ type: 'whole', operator: 'greaterThanOrEqual' });
      expect(data.getCell('E31').dataValidation).toMatchObject({ type: 'decimal' });
      const original = new ExcelJS.Workbook();
      await original.xlsx.load(input as unknown as ArrayBuffer);
      expect((data as unknown as { sheetProtection: unknown }).sheetProtection).toEqual(
        (original.getWorksheet('Số liệu') as unknown as { sheetProtection: unknown }).sheetProtection,
      );
      // The copy reads back as the same submission with the same errors.
      const again = JSON.parse(
        bdg(['validate', join(out, 'tra-lai', 'tay', '102 Huyện Tây.xlsx'), '--units', units, '--json']).stdout,
      );
      expect(again.errors.map((e: { rule: string; cell: string }) => `${e.rule}@${e.cell}`)).toEqual([
        'breakdown-exceeds-total@F12',
        'money-in-dong@E31',
      ]);

      // validate --annotate: one file, never over an existing file without --force.
      const copy = join(root, 'ban-danh-dau.xlsx');
      const v = bdg(['validate', join(dir, 'tay', '102 Huyện Tây.xlsx'), '--units', units, '--annotate', copy]);
      expect(v.status).toBe(1);
      expect(v.stdout).toContain(`Đã ghi bản đánh dấu lỗi: ${copy}`);
      const one = new ExcelJS.Workbook();
      await one.xlsx.readFile(copy);
      expect(one.worksheets[0]!.name).toBe('Lỗi cần sửa');
      expect((one.getWorksheet('Số liệu')!.getCell('F12').fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFF7C80');
      const refused = bdg(['validate', join(dir, 'tay', '102 Huyện Tây.xlsx'), '--annotate', copy]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain('--force');
      expect(
        bdg([
          'validate',
          join(dir, 'tay', '102 Huyện Tây.xlsx'),
          '--annotate',
          join(dir, 'tay', '102 Huyện Tây.xlsx'),
          '--force',
        ]).status,
      ).toBe(2);
      expect(readFileSync(join(dir, 'tay', '102 Huyện Tây.xlsx'))).toEqual(input);
    },
  );
});
