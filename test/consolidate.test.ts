import { createHash } from 'node:crypto';
import { cpSync, readFileSync, readdirSync, writeFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../src/core/catalogue/catalogue.js';
import { emptyFigures, rollUp } from '../src/core/rollup/rollup.js';
import { buildHierarchy } from '../src/core/units/hierarchy.js';
import type { Figures, Rollup } from '../src/core/model.js';
import { bdg, ROOT } from './helpers/cli.js';
import { figuresFor, sumFigures, THREE_LEVEL, TWO_LEVEL, writeSubmission, writeUnits } from './helpers/province.js';
import { tempDir } from './helpers/workbooks.js';

const catalogue = loadCatalogue('BDG-2024.1');
const D = {
  '101': { code: '101', name: 'Huyện Đông' },
  '102': { code: '102', name: 'Huyện Tây' },
  '103': { code: '103', name: 'Thị xã Nam' },
};
const commune = (d: string, i: number) => ({ code: `${d}0${i}`, name: `${i === 1 ? 'Thị trấn' : 'Xã'} ${d}-${i}` });

function run(dir: string, units: string, out: string, extra: string[] = []) {
  const r = bdg(['consolidate', dir, '--units', units, '--out', out, '--json', ...extra]);
  return { ...r, json: r.stdout ? (JSON.parse(r.stdout) as Rollup) : null };
}

/** The spec's `totals` entry expected for one indicator, from independently summed figures. */
function expectTotals(json: Rollup, expected: Figures, reported: (code: string) => number, expectedUnits: number) {
  for (const ind of catalogue.indicators)
    expect(json.totals[ind.code], ind.code).toEqual({
      ...expected[ind.code],
      reported: reported(ind.code),
      expected: expectedUnits,
    });
}

describe('bdg consolidate', () => {
  let root: string;
  beforeAll(() => {
    root = tempDir('bdg-consolidate-');
  });

  it('a full three-level province: exact totals, completeness, ratios, outputs', async () => {
    const dir = join(root, 'full');
    const units = writeUnits(root, THREE_LEVEL);
    const figs = { '101': figuresFor(1, 4), '102': figuresFor(2, 4), '103': figuresFor(3, 4) };
    for (const [code, f] of Object.entries(figs))
      await writeSubmission(join(dir, `${code}.xlsx`), D[code as keyof typeof D], f, {
        narrative: { difficulties: `Khó khăn của ${code}` },
      });
    const out = join(root, 'out-full');
    const r = run(dir, units, out);
    expect(r.status, r.stderr).toBe(0);
    const json = r.json!;
    expect(json.root).toEqual({ code: '10', name: 'Tỉnh Thử Nghiệm' });
    expect(json.period).toBe('2024');
    expect(json.completeness).toMatchObject({ expected: 3, received: 3, missing: [] });
    const sum = sumFigures(Object.values(figs));
    expectTotals(json, sum, () => 3, 3);
    // A figure hand-checked: DA8.05 total is the plain sum of three districts.
    expect(json.totals['DA8.05']!.total).toBe(
      figs['101']['DA8.05']!.total! + figs['102']['DA8.05']!.total! + figs['103']['DA8.05']!.total!,
    );
    // Ratios come from the sums, never from averaging the districts' ratios.
    const ratio = (id: string) => json.ratios.find((x) => x.id === id)!;
    expect(ratio('co-quan-lanh-dao-nu')).toMatchObject({
      numerator: sum['BDG.12']!.total,
      denominator: sum['BDG.11']!.total,
      value: sum['BDG.12']!.total! / sum['BDG.11']!.total!,
      target: 60,
    });
    expect(ratio('xa-co-mo-hinh-blgd')).toMatchObject({ numerator: sum['BDG.19']!.total, denominator: 12 });
    expect(json.communes).toBe(12);
    expect(json.units.find((u) => u.code === '102')).toMatchObject({
      level: 'Huyện',
      parent: '10',
      source: 'file',
      values: figs['102'],
    });
    expect(json.narratives.map((n) => n.unit.code)).toEqual(['101', '102', '103']);
    expect(readdirSync(out).sort()).toEqual(['bao-cao-10-2024.docx', 'tong-hop-10-2024.json', 'tong-hop-10-2024.xlsx']);
    expect(JSON.parse(readFileSync(join(out, 'tong-hop-10-2024.json'), 'utf8'))).toEqual(json);

    // The summary workbook is itself a valid submission of the root unit, with the summed figures in their cells.
    const v = bdg(['validate', join(out, 'tong-hop-10-2024.xlsx'), '--units', units, '--json']);
    expect(v.status, v.stdout).toBe(0);
    expect(JSON.parse(v.stdout).unit).toEqual({ code: '10', name: 'Tỉnh Thử Nghiệm' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, 'tong-hop-10-2024.xlsx'));
    // The form's guide sheet is not carried into the summary.
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Thông tin',
      'Số liệu',
      'Thuyết minh',
      'Cấp huyện',
      'Tình hình nộp báo cáo',
    ]);
    const data = wb.getWorksheet('Số liệu')!;
    const row = [...Array(data.rowCount).keys()]
      .map((i) => data.getRow(i + 1))
      .find((rw) => rw.getCell('B').value === 'DA8.05')!;
    expect([row.getCell('E').value, row.getCell('F').value, row.getCell('G').value]).toEqual([
      sum['DA8.05']!.total,
      sum['DA8.05']!.nu,
      sum['DA8.05']!.dtts,
    ]);
    const level = wb.getWorksheet('Cấp huyện')!;
    // Names over the columns, the measure under them, the code in a small row; then the units and a total row.
    expect(level.getCell('E1').value).toBe('Tổ truyền thông cộng đồng (tổ)');
    expect(level.getCell('E2').value).toBe('Tổng số');
    expect(level.getCell('E3').value).toBe('DA8.01');
    expect(level.getCell('E3').font.size).toBe(8);
    const col05 = [...Array(level.columnCount).keys()]
      .map((i) => i + 1)
      .find((c) => level.getCell(3, c).value === 'DA8.05')!;
    expect(level.getCell(1, col05).value).toBe('Lượt người dự truyền thông Dự án 8 (lượt người)');
    expect([
      level.getCell(2, col05).value,
      level.getCell(2, col05 + 1).value,
      level.getCell(2, col05 + 2).value,
    ]).toEqual(['Tổng số', 'Nữ', 'DTTS']);
    expect(level.getCell('A4').value).toBe('101');
    expect(level.getCell('B5').value).toBe('Huyện Tây');
    expect(level.getCell('E5').value).toBe(figs['102']['DA8.01']!.total);
    expect(level.getCell('B7').value).toBe('Tổng cộng');
    expect(level.getCell('B7').font.bold).toBe(true);
    expect(level.getCell(7, col05).value).toEqual({
      formula: `SUM(${level.getColumn(col05).letter}4:${level.getColumn(col05).letter}6)`,
      result: sum['DA8.05']!.total,
    });
    expect(level.getCell(7, col05 + 1).value).toMatchObject({ result: sum['DA8.05']!.nu });
    expect(level.pageSetup).toMatchObject({
      paperSize: 9,
      orientation: 'landscape',
      printTitlesRow: '1:3',
      printTitlesColumn: 'A:B',
    });
    expect(level.views[0]).toMatchObject({ state: 'frozen', xSplit: 2, ySplit: 3 });
  });

  it('a province with a missing unit: partial totals carry reported/expected', async () => {
    const dir = join(root, 'missing');
    const units = writeUnits(root, THREE_LEVEL);
    const figs = { '101': figuresFor(11, 4), '103': figuresFor(13, 4) };
    for (const [code, f] of Object.entries(figs))
      await writeSubmission(join(dir, `${code}.xlsx`), D[code as keyof typeof D], f);
    const r = run(dir, units, join(root, 'out-missing'));
    expect(r.status).toBe(0);
    expect(r.json!.completeness).toEqual({
      expected: 3,
      received: 2,
      missing: [{ code: '102', name: 'Huyện Tây' }],
      late: [],
      partial: [],
    });
    expectTotals(r.json!, sumFigures(Object.values(figs)), () => 2, 3);
    expect(r.json!.units.find((u) => u.code === '102')!.source).toBe('missing');
    // In the level sheet the unit without figures is greyed and italic; codes stay text, figures keep their format.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(root, 'out-missing', 'tong-hop-10-2024.xlsx'));
    const level = wb.getWorksheet('Cấp huyện')!;
    expect([4, 5, 6].map((r) => level.getCell(r, 1).value)).toEqual(['101', '102', '103']);
    expect([4, 5, 6].map((r) => level.getCell(r, 1).numFmt)).toEqual(['@', '@', '@']);
    const money = [...Array(level.columnCount).keys()]
      .map((i) => i + 1)
      .find((c) => level.getCell(3, c).value === 'DA8.20')!;
    for (const r of [4, 6]) {
      expect(level.getCell(r, 2).font?.italic).toBeFalsy();
      expect(level.getCell(r, 5).numFmt).toBe('#,##0');
      expect(level.getCell(r, money).numFmt).toBe('#,##0.###');
    }
    for (const c of [1, 2, 5, money])
      expect(level.getCell(5, c).font).toMatchObject({ italic: true, color: { argb: 'FF9A9A9A' } });
    expect(level.getCell(5, 5).value).toBe(null);
  });

  it('commune files roll up through their district, next to a district file', async () => {
    const dir = join(root, 'communes');
    const units = writeUnits(root, THREE_LEVEL);
    const district = figuresFor(21, 4);
    await writeSubmission(join(dir, '101.xlsx'), D['101'], district);
    const communes = [1, 2, 3].map((i) => figuresFor(30 + i, 1));
    for (const [i, f] of communes.entries())
      await writeSubmission(join(dir, 'nam', `${commune('103', i + 1).code}.xlsx`), commune('103', i + 1), f);
    const r = run(dir, units, join(root, 'out-communes'));
    expect(r.status, r.stderr).toBe(0);
    const nam = r.json!.units.find((u) => u.code === '103')!;
    expect(nam.source).toBe('rollup');
    expect(nam.values).toEqual(sumFigures(communes));
    expect(nam.coverage!['DA8.05']).toEqual({ reported: 3, expected: 4 });
    expect(r.json!.completeness).toMatchObject({
      expected: 3,
      received: 2,
      missing: [{ code: '102', name: 'Huyện Tây' }],
    });
    expectTotals(r.json!, sumFigures([district, ...communes]), () => 2, 3);
    expect(r.json!.units.find((u) => u.code === '10304')!.source).toBe('missing');
  });

  it('a two-level province (after July 2025)', async () => {
    const dir = join(root, 'two');
    const units = writeUnits(join(root), TWO_LEVEL);
    const figs = [1, 2, 3, 4].map((i) => figuresFor(40 + i, 1));
    for (const [i, f] of figs.entries())
      await writeSubmission(join(dir, `x${i + 1}.xlsx`), { code: `2000${i + 1}`, name: `Xã Số ${i + 1}` }, f, {
        period: '2025',
      });
    const r = run(dir, units, join(root, 'out-two'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.json!.period).toBe('2025');
    expect(r.json!.completeness).toMatchObject({
      expected: 5,
      received: 4,
      missing: [{ code: '20005', name: 'Xã Số 5' }],
    });
    expectTotals(r.json!, sumFigures(figs), () => 4, 5);
    expect(r.json!.units.every((u) => u.level === 'Xã' && u.parent === '20')).toBe(true);
    expect(existsSync(join(root, 'out-two', 'tong-hop-20-2025.xlsx'))).toBe(true);
  });

  it('conflicts, a rejected file, another period: each named, none summed', async () => {
    const dir = join(root, 'conflicts');
    const units = writeUnits(root, THREE_LEVEL);
    await writeSubmission(join(dir, '101-a.xlsx'), D['101'], figuresFor(51, 4));
    await writeSubmission(join(dir, '101-b.xlsx'), D['101'], figuresFor(52, 4));
    const ok = figuresFor(53, 4);
    await writeSubmission(join(dir, '102.xlsx'), D['102'], ok);
    const nam = figuresFor(54, 4);
    await writeSubmission(join(dir, '103.xlsx'), D['103'], nam);
    await writeSubmission(join(dir, '10302.xlsx'), commune('103', 2), figuresFor(55, 1));
    const bad = figuresFor(56, 4);
    bad['DA8.05'] = { ...bad['DA8.05'], nu: bad['DA8.05']!.total! + 1 };
    await writeSubmission(join(dir, 'sub/102-sai.xlsx'), D['102'], bad);
    await writeSubmission(join(dir, '102-2023.xlsx'), D['102'], figuresFor(57, 4), { period: '2023' });
    writeFileSync(join(dir, '~$102.xlsx'), 'lock');
    writeFileSync(join(dir, 'bao-cao.docx'), 'not a workbook');
    const r = run(dir, units, join(root, 'out-conflicts'));
    expect(r.status).toBe(1);
    const byPath = Object.fromEntries(r.json!.files.map((f) => [f.path, f]));
    expect(byPath['101-a.xlsx']).toMatchObject({ status: 'rejected', unit: '101' });
    expect(byPath['101-a.xlsx']!.errors!.map((e) => e.rule)).toEqual(['unit-duplicate']);
    expect(byPath['101-a.xlsx']!.errors![0]!.message).toContain('"101-b.xlsx"');
    expect(byPath['101-b.xlsx']!.errors![0]!.message).toContain('"101-a.xlsx"');
    // A district's own file beside one of its communes: the district's covers more, the commune's is set aside.
    expect(byPath['103.xlsx']!.status).toBe('accepted');
    expect(byPath['10302.xlsx']).toMatchObject({ status: 'superseded', supersededBy: '103.xlsx' });
    expect(byPath['10302.xlsx']!.reason).toContain('"103.xlsx" gồm 4/4 đơn vị cấp xã');
    expect(byPath['sub/102-sai.xlsx']!.errors!.map((e) => [e.rule, e.cell])).toEqual([
      ['breakdown-exceeds-total', 'F12'],
    ]);
    expect(byPath['102-2023.xlsx']!.errors!.map((e) => e.rule)).toEqual(['period-mismatch']);
    expect(byPath['102.xlsx']!.status).toBe('accepted');
    expect(byPath['~$102.xlsx']).toMatchObject({ status: 'ignored' });
    expect(byPath['bao-cao.docx']).toMatchObject({ status: 'ignored' });
    expect(r.json!.completeness).toMatchObject({ received: 2, missing: [{ code: '101', name: 'Huyện Đông' }] });
    expectTotals(r.json!, sumFigures([ok, nam]), () => 2, 3);
    expect(r.stderr).toContain('Tệp bị từ chối (4)');
  });

  it('empty stays empty, zero stays zero, and a total where no one reported is null', async () => {
    const dir = join(root, 'empty');
    const units = writeUnits(root, THREE_LEVEL);
    const a = figuresFor(61, 4);
    const b = figuresFor(62, 4);
    a['DA8.13'] = { total: null };
    b['DA8.13'] = { total: 0 };
    a['BDG.07'] = { total: null };
    b['BDG.07'] = { total: null };
    await writeSubmission(join(dir, 'a.xlsx'), D['101'], a);
    await writeSubmission(join(dir, 'b.xlsx'), D['102'], b);
    const r = run(dir, units, join(root, 'out-empty'));
    expect(r.json!.totals['DA8.13']).toEqual({ total: 0, reported: 1, expected: 3 });
    expect(r.json!.totals['BDG.07']).toEqual({ total: null, reported: 0, expected: 3 });
    expect(r.json!.totals['DA8.06']).toEqual({
      total: a['DA8.06']!.total! + b['DA8.06']!.total!,
      reported: 2,
      expected: 3,
    });
  });

  it(
    'never overwrites without --force, never touches its inputs, and writes the same outputs, byte for byte, with 1 or 2 threads',
    { timeout: 240_000 },
    async () => {
      const dir = join(root, 'safety');
      const units = writeUnits(root, THREE_LEVEL);
      for (const code of ['101', '102', '103'] as const)
        await writeSubmission(join(dir, `${code}.xlsx`), D[code], figuresFor(Number(code), 4));
      const digest = () =>
        readdirSync(dir)
          .map((f) =>
            createHash('sha256')
              .update(readFileSync(join(dir, f)))
              .digest('hex'),
          )
          .join();
      const before = digest();
      const env = { SOURCE_DATE_EPOCH: '1735689600' };
      const out1 = join(root, 'out-w1');
      const one = bdg(['consolidate', dir, '--units', units, '--out', out1, '--workers', '1'], { env });
      expect(one.status, one.stderr).toBe(0);
      const two = bdg(['consolidate', dir, '--units', units, '--out', join(root, 'out-w2'), '--workers', '2'], { env });
      expect(two.status).toBe(0);
      // Pinned by SOURCE_DATE_EPOCH, the run date and id too: the same outputs, byte for byte, on 1 or 2 threads.
      for (const name of ['tong-hop-10-2024.json', 'tong-hop-10-2024.xlsx', 'bao-cao-10-2024.docx'])
        expect(readFileSync(join(root, 'out-w2', name)).equals(readFileSync(join(out1, name))), name).toBe(true);
      expect(JSON.parse(readFileSync(join(out1, 'tong-hop-10-2024.json'), 'utf8')).runId).toMatch(/^\d{8}-\d{6}-0000$/);
      // Not pinned, each run has an id of its own.
      const free = bdg(['consolidate', dir, '--units', units, '--out', join(root, 'out-free'), '--workers', '1']);
      expect(free.status, free.stderr).toBe(0);
      expect(JSON.parse(readFileSync(join(root, 'out-free', 'tong-hop-10-2024.json'), 'utf8')).runId).toMatch(
        /^\d{8}-\d{6}-[0-9a-f]{4}$/,
      );
      const again = bdg(['consolidate', dir, '--units', units, '--out', out1]);
      expect(again.status).toBe(2);
      expect(again.stderr).toContain('--force');
      expect(bdg(['consolidate', dir, '--units', units, '--out', out1, '--force']).status).toBe(0);
      expect(digest()).toBe(before);
      expect(readdirSync(out1).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    },
  ); // five full runs: on a shared 2-core machine they can pass the default minute

  it('never writes over an input, even with --force: an output that is a link to a submission, an annotated copy over its file', async () => {
    const dir = join(root, 'linked-inputs');
    const units = writeUnits(root, THREE_LEVEL);
    await writeSubmission(join(dir, '101.xlsx'), D['101'], figuresFor(101, 4));
    await writeSubmission(join(dir, '102.xlsx'), D['102'], {
      ...figuresFor(102, 4),
      'DA8.05': { total: 5, nu: 9, dtts: 1 },
    });
    const before = readFileSync(join(dir, '102.xlsx'));
    // Last year's summary replaced by a link to a district's file (a shortcut a person made).
    const out = join(root, 'out-linked');
    mkdirSync(out, { recursive: true });
    symlinkSync(join(dir, '102.xlsx'), join(out, 'tong-hop-10-2024.xlsx'));
    const r = bdg(['consolidate', dir, '--units', units, '--out', out, '--force']);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain(`tệp kết quả "${join(out, 'tong-hop-10-2024.xlsx')}" trùng với tệp đầu vào`);
    // The marked copy of a file over the file itself, by its name or through a linked folder.
    const linkedDir = join(root, 'linked-folder');
    symlinkSync(dir, linkedDir);
    for (const [copy, said] of [
      [join(dir, '102.xlsx'), 'bản đánh dấu không được ghi đè tệp đang kiểm tra'],
      [join(linkedDir, '102.xlsx'), `tệp kết quả "${join(linkedDir, '102.xlsx')}" trùng với tệp đầu vào`],
    ]) {
      const v = bdg(['validate', join(dir, '102.xlsx'), '--annotate', copy!, '--force']);
      expect(v.status, v.stderr).toBe(2);
      expect(v.stderr).toContain(said);
    }
    expect(readFileSync(join(dir, '102.xlsx')).equals(before)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['101.xlsx', '102.xlsx']);
    expect(readdirSync(out)).toEqual(['tong-hop-10-2024.xlsx']);
  });

  it('with last period’s roll-up: outliers flagged per unit, and the report compares', async () => {
    const units = writeUnits(root, THREE_LEVEL);
    const before = join(root, 'prev-in');
    const now = join(root, 'now-in');
    const a = figuresFor(81, 4);
    const b = figuresFor(82, 4);
    await writeSubmission(join(before, '101.xlsx'), D['101'], a, { period: '2023' });
    await writeSubmission(join(before, '102.xlsx'), D['102'], b, { period: '2023' });
    expect(bdg(['consolidate', before, '--units', units, '--out', join(root, 'prev-out')]).status).toBe(0);
    const grown = { ...a, 'DA8.06': { total: a['DA8.06']!.total! * 6 + 100 } };
    await writeSubmission(join(now, '101.xlsx'), D['101'], grown);
    await writeSubmission(join(now, '102.xlsx'), D['102'], b);
    const previous = join(root, 'prev-out', 'tong-hop-10-2023.json');
    const r = run(now, units, join(root, 'now-out'), ['--previous', previous]);
    expect(r.status, r.stderr).toBe(0);
    const f101 = r.json!.files.find((f) => f.path === '101.xlsx')!;
    expect(f101.warnings!.map((w) => [w.rule, w.indicator])).toEqual([['outlier-vs-previous', 'DA8.06']]);
    expect(r.json!.files.find((f) => f.path === '102.xlsx')!.warnings).toEqual([]);
    const v = bdg(['validate', join(now, '101.xlsx'), '--units', units, '--previous', previous, '--json']);
    expect(JSON.parse(v.stdout).warnings.map((w: { rule: string; cell: string }) => `${w.rule}@${w.cell}`)).toEqual([
      'outlier-vs-previous@E13',
    ]);
    const { openDocx } = await import('./helpers/docx.js');
    const doc = await openDocx(join(root, 'now-out', 'bao-cao-10-2024.docx'));
    expect(doc.paragraphs.some((p) => / so với năm 2023(?: \(số liệu của [^)]*\))?\.$/.test(p.text))).toBe(true);
  });

  it('exits 2 when it cannot run', () => {
    expect(bdg(['consolidate', join(root, 'nope'), '--units', 'x.csv']).status).toBe(2);
    const edition = bdg(['consolidate', root, '--units-edition', '2023']);
    expect([edition.status, edition.stderr]).toEqual([
      2,
      expect.stringMatching(/--units-edition "2023" không có: dùng 2024 .* hoặc 2025/),
    ]);
    const badRoot = bdg(['consolidate', root, '--root', '99999', '--period', '2025', '--out', join(root, 'bad-root')]);
    expect([badRoot.status, badRoot.stderr]).toEqual([
      2,
      expect.stringContaining('--root "99999": không có đơn vị này trong danh mục đơn vị hành chính từ 1/7/2025'),
    ]);
    expect(bdg(['consolidate', root, '--units', writeUnits(root, THREE_LEVEL), '--period', 'năm ngoái']).status).toBe(
      2,
    );
  });
});

describe('a blank form is not a report', () => {
  it('two blank templates among real files: rejected as no-figures, their units still missing, counts that agree', () => {
    const root = tempDir('bdg-blank-');
    const dir = join(root, 'nop');
    const units = join(ROOT, 'fixtures/dak-lak/don-vi.csv');
    // The districts' own files, without the communes of 655 and 656 (their folders): those two sent nothing, and
    // here they send the form back as they got it.
    cpSync(join(ROOT, 'fixtures/dak-lak/nop-bao-cao-2024'), dir, {
      recursive: true,
      filter: (from) => !/krong-a-na|[/\\]lak$/.test(from),
    });
    for (const unit of ['655', '656'])
      expect(
        bdg([
          'template',
          '--unit',
          unit,
          '--units',
          units,
          '--period',
          '2024',
          '--out',
          join(dir, `${unit}-trong.xlsx`),
        ]).status,
      ).toBe(0);
    const r = run(dir, units, join(root, 'out'));
    expect(r.status, r.stderr).toBe(1); // files were rejected: the outputs are written, the exit says so
    const json = r.json!;
    for (const unit of ['655', '656']) {
      const outcome = json.files.find((f) => f.path === `${unit}-trong.xlsx`)!;
      expect(outcome).toMatchObject({ unit, status: 'rejected' });
      expect(outcome.errors!.map((e) => e.rule)).toEqual(['no-figures']);
      expect(outcome.warnings!.map((e) => e.rule)).toEqual(['date-missing']);
    }
    const k = json.completeness;
    expect(k.missing.map((m) => m.code)).toEqual(['646', '655', '656']); // 646's file has an error of its own
    expect(k.received).toBe(k.expected - 3);
    expect(json.units.filter((u) => u.parent === '66' && u.source === 'file').map((u) => u.code)).not.toContain('655');
    // No figure counts more reporting units than "Đơn vị có số liệu"; the ones every file fills count exactly that.
    const reported = Object.values(json.totals).map((t) => t.reported);
    expect(Math.max(...reported)).toBe(k.received);
    expect(json.totals['DA8.05']).toMatchObject({ reported: k.received, expected: k.expected });
    // The same count in the text of the run and in the report's sentence.
    const text = bdg(['consolidate', dir, '--units', units, '--out', join(root, 'out-text')]);
    expect(text.stdout).toContain(`Đơn vị có số liệu: ${k.received}/${k.expected} `);
    expect(text.stdout).toContain('Chưa có số liệu: 646 Huyện Ea Súp; 655 Huyện Krông A Na; 656 Huyện Lắk');
  }, 120_000);
});

describe('roll-up: a file without a figure never counts as reported', () => {
  it('even past validation, a unit whose figures are all empty stays missing and adds nothing', () => {
    const tree = buildHierarchy([
      { code: '1', name: 'Tỉnh Một', level: 'Tỉnh', parent: '' },
      { code: '2', name: 'Xã A', level: 'Xã', parent: '1' },
      { code: '3', name: 'Xã B', level: 'Xã', parent: '1' },
    ]);
    const blank = emptyFigures(catalogue);
    const filled = emptyFigures(catalogue);
    filled['DA8.04'] = { ...filled['DA8.04'], total: 3 };
    const byUnit = rollUp(
      tree,
      catalogue,
      new Map([
        ['2', blank],
        ['3', filled],
      ]),
    );
    expect(byUnit.get('2')!.source).toBe('missing');
    expect(byUnit.get('3')!.source).toBe('file');
    expect(byUnit.get('1')!.coverage!['DA8.04']).toEqual({ reported: 1, expected: 2 });
    expect(rollUp(tree, catalogue, new Map([['2', blank]])).get('1')!.source).toBe('missing');
  });
});
