import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Figures, Rollup } from '../src/core/model.js';
import { builtinUnits, findEdition } from '../src/core/units/builtin.js';
import { formatNumber } from '../src/core/util/number.js';
import { bdg } from './helpers/cli.js';
import { openDocx } from './helpers/docx.js';
import { figuresFor, sumFigures, writeSubmission } from './helpers/province.js';
import { tempDir, writeHandMade } from './helpers/workbooks.js';

const units2025 = builtinUnits(findEdition('2025')!);
const units2024 = builtinUnits(findEdition('2024')!);

function json<T>(r: { stdout: string; stderr: string }): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON: ${r.stdout}\n${r.stderr}`);
  }
}

/** Fills a template made by `bdg template` the way a person does: figures typed into its `Số liệu` sheet. */
async function fillTemplate(path: string, values: Record<string, number>): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const ws = wb.getWorksheet('Số liệu')!;
  let codeCol = 0;
  let totalCol = 0;
  ws.eachRow((row) => {
    row.eachCell((cell, c) => {
      if (cell.value === 'Mã số') codeCol = c;
      if (cell.value === 'Tổng số') totalCol = c;
    });
    const code = codeCol ? row.getCell(codeCol).value : null;
    if (typeof code === 'string' && code in values) row.getCell(totalCol).value = values[code]!;
  });
  await wb.xlsx.writeFile(path);
}

describe('built-in units: no --units needed', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('bdg-builtin-');
  });

  it('template and validation for a real 2025 commune (22057 Xã Xuân Lộc, Đắk Lắk), no --units', async () => {
    const path = join(dir, 'xuan-loc.xlsx');
    const t = bdg(['template', '--unit', '22057', '--period', '2025', '--out', path]);
    expect(t.status, t.stderr).toBe(0);
    expect(t.stderr).toContain(
      'Xã Xuân Lộc (mã 22057, theo danh mục đơn vị hành chính từ 1/7/2025 (có sẵn trong bdg))',
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    const info = book.getWorksheet('Thông tin')!;
    expect([info.getCell('B1').value, info.getCell('B2').value, info.getCell('B3').value]).toEqual([
      '22057',
      'Xã Xuân Lộc',
      'Năm 2025',
    ]);

    await fillTemplate(path, { 'DA8.04': 3, 'DA8.05': 240, 'BDG.19': 1 });
    const v = bdg(['validate', path, '--json']);
    expect(v.status, v.stdout).toBe(0);
    expect(json<{ unit: unknown; period: string; valid: boolean }>(v)).toMatchObject({
      valid: true,
      unit: { code: '22057', name: 'Xã Xuân Lộc' },
      period: '2025',
    });
    const human = bdg(['validate', path]);
    expect(human.stdout).toContain('Đối chiếu với danh mục đơn vị hành chính từ 1/7/2025 (có sẵn trong bdg).');

    // A commune counts itself: 2 communes "with a model" in one commune is refused against the 2025 list.
    await fillTemplate(path, { 'BDG.19': 2 });
    const tooMany = json<{ errors: { rule: string; message: string }[] }>(bdg(['validate', path, '--json']));
    expect(tooMany.errors.map((e) => e.rule)).toEqual(['communes-exceed-units']);
    expect(tooMany.errors[0]!.message).toContain('Xã Xuân Lộc chỉ có 1 đơn vị cấp xã');
  });

  it('names are matched folding tone placement, apostrophes and case; a province is checked against its real commune count', async () => {
    const path = join(dir, 'dak-lak.xlsx');
    // 66 Tỉnh Đắk Lắk has 102 communes in the 2025 edition; the unit name typed old-style and lower case.
    const h = await writeHandMade(path, {
      info: { 'Mã đơn vị': 66, 'Tên đơn vị': 'tỉnh đắk lắk', 'Kỳ báo cáo': 'Năm 2025' },
      raw: { 'BDG.19': 103 },
    });
    const r = json<{
      unit: unknown;
      errors: { rule: string; cell: string; message: string }[];
      warnings: { rule: string }[];
    }>(bdg(['validate', path, '--json']));
    expect(r.unit).toEqual({ code: '66', name: 'Tỉnh Đắk Lắk' });
    expect(r.errors.filter((e) => e.rule === 'communes-exceed-units').map((e) => [e.cell, e.message])).toEqual([
      [h.cell('BDG.19'), expect.stringContaining('103 xã, nhưng theo danh mục, Tỉnh Đắk Lắk chỉ có 102 đơn vị cấp xã')],
    ]);
    expect(r.warnings.map((w) => w.rule)).not.toContain('unit-name-mismatch');

    const hoa = join(dir, 'hoa.xlsx');
    const hoaUnit = units2025.units.find((u) => u.name.includes('Hòa') && u.level === 'Xã')!;
    await writeHandMade(hoa, {
      info: {
        'Mã đơn vị': hoaUnit.code,
        'Tên đơn vị': hoaUnit.name.replace('Hòa', 'Hoà').toUpperCase(),
        'Kỳ báo cáo': 'Năm 2025',
      },
      figures: figuresFor(5, 1),
    });
    const named = json<{ warnings: { rule: string }[] }>(bdg(['validate', hoa, '--json']));
    expect(named.warnings.map((w) => w.rule)).not.toContain('unit-name-mismatch');
  });

  it('a code of the other edition is explained, not just "unknown"', async () => {
    // 00001 Phường Phúc Xá (Quận Ba Đình, Hà Nội) exists only before 1/7/2025.
    const old = join(dir, 'phuc-xa-2025.xlsx');
    const h = await writeHandMade(old, {
      info: { 'Mã đơn vị': '00001', 'Tên đơn vị': 'Phường Phúc Xá', 'Kỳ báo cáo': 'Năm 2025' },
      figures: figuresFor(7, 1),
    });
    const r = json<{ valid: boolean; errors: { rule: string; cell: string; message: string }[] }>(
      bdg(['validate', old, '--json']),
    );
    expect(r.valid).toBe(false);
    expect(r.errors.map((e) => [e.rule, e.cell])).toEqual([['unit-unknown', h.infoCell('Mã đơn vị')]]);
    expect(r.errors[0]!.message).toContain(
      'mã "00001" là mã của danh mục đơn vị hành chính trước 1/7/2025 (Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội), không còn trong danh mục đơn vị hành chính từ 1/7/2025',
    );
    // 00004 is Phường Trúc Bạch before 1/7/2025 and Phường Ba Đình after: the old name is recognised and said.
    const reused = join(dir, 'truc-bach-2025.xlsx');
    await writeHandMade(reused, {
      info: { 'Mã đơn vị': '00004', 'Tên đơn vị': 'Phường Trúc Bạch', 'Kỳ báo cáo': 'Năm 2025' },
      figures: figuresFor(8, 1),
    });
    const w = json<{ valid: boolean; unit: unknown; warnings: { rule: string; message: string }[] }>(
      bdg(['validate', reused, '--json']),
    );
    expect(w.unit).toEqual({ code: '00004', name: 'Phường Ba Đình' });
    expect(w.warnings.filter((x) => x.rule === 'unit-name-mismatch').map((x) => x.message)).toEqual([
      expect.stringContaining(
        'khác tên trong danh mục của mã 00004 ("Phường Ba Đình"). "Phường Trúc Bạch" là tên của mã 00004 trong danh mục đơn vị hành chính trước 1/7/2025',
      ),
    ]);
    // The same file for 2024 is fine: the period picks the edition.
    const ok = join(dir, 'phuc-xa-2024.xlsx');
    await writeHandMade(ok, {
      info: { 'Mã đơn vị': '00001', 'Tên đơn vị': 'Phường Phúc Xá', 'Kỳ báo cáo': 'Năm 2024' },
      figures: figuresFor(7, 1),
    });
    expect(bdg(['validate', ok, '--json']).status).toBe(0);

    // 26732 Đặc khu Côn Đảo is new in 2025: used for 2024 it is explained the other way round.
    const t = bdg(['template', '--unit', '26732', '--period', '2024', '--out', join(dir, 'con-dao.xlsx')]);
    expect([t.status, t.stderr]).toEqual([
      2,
      expect.stringContaining(
        'mã "26732" là mã của danh mục đơn vị hành chính từ 1/7/2025 (Đặc khu Côn Đảo, Thành phố Hồ Chí Minh), chưa có trong danh mục đơn vị hành chính trước 1/7/2025',
      ),
    ]);
    // A district code for 2025, when districts no longer exist.
    const d = bdg(['template', '--unit', '655', '--period', '2025', '--out', join(dir, 'krong-a-na.xlsx')]);
    expect([d.status, d.stderr]).toEqual([
      2,
      expect.stringContaining(
        'mã "655" là mã của danh mục đơn vị hành chính trước 1/7/2025 (Huyện Krông A Na, Tỉnh Đắk Lắk)',
      ),
    ]);
    // --units-edition overrides the period.
    const forced = bdg([
      'template',
      '--unit',
      '655',
      '--period',
      '2025',
      '--units-edition',
      '2024',
      '--out',
      join(dir, 'krong-a-na.xlsx'),
    ]);
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('Huyện Krông A Na (mã 655, theo danh mục đơn vị hành chính trước 1/7/2025');
    expect(readdirSync(dir)).not.toContain('con-dao.xlsx');
  });

  it('consolidates commune files of one 2025 province with no --units: root found, completeness against its real communes', async () => {
    const folder = join(dir, 'lai-chau');
    const communes = units2025.children('12');
    expect(communes).toHaveLength(38);
    const sent = communes.slice(0, 5);
    const figures: Figures[] = [];
    for (const [i, u] of sent.entries()) {
      figures.push(figuresFor(20 + i, 1));
      await writeSubmission(join(folder, `${u.code}.xlsx`), u, figures[i]!, {
        period: '2025',
        preparedOn: '2025-12-10',
      });
    }
    const out = join(dir, 'out-lai-chau');
    const r = bdg(['consolidate', folder, '--out', out, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const rollup = json<Rollup>(r);
    expect(rollup.root).toEqual({ code: '12', name: 'Tỉnh Lai Châu' });
    expect(rollup.period).toBe('2025');
    expect(rollup.completeness).toMatchObject({ expected: 38, received: 5 });
    expect(rollup.completeness.missing).toEqual(communes.slice(5).map((u) => ({ code: u.code, name: u.name })));
    expect(rollup.communes).toBe(38);
    // The types present in Lai Châu (form-2026.md §8): xã and phường, no đặc khu.
    expect(rollup.scope).toMatchObject({
      level: 'Tỉnh',
      type: 'Tỉnh',
      words: 'toàn tỉnh',
      communeTypes: 'xã, phường',
      rootChosenBy: 'files',
      unitsEdition: '2025',
    });
    const sum = sumFigures(figures);
    expect(rollup.totals['DA8.05']).toEqual({ ...sum['DA8.05'], reported: 5, expected: 38 });
    expect(rollup.units).toHaveLength(38);
    expect(r.stderr).toContain(
      'Đơn vị tổng hợp: 12 Tỉnh Lai Châu – đơn vị nhỏ nhất chứa mọi tệp hợp lệ (chọn đơn vị khác bằng --root MÃ)',
    );
    expect(r.stderr).toContain('Đơn vị có số liệu: 5/38 (13,2%)');
    expect(readdirSync(out).sort()).toEqual(['bao-cao-12-2025.docx', 'tong-hop-12-2025.json', 'tong-hop-12-2025.xlsx']);
    const doc = await openDocx(join(out, 'bao-cao-12-2025.docx'));
    const bdg19 = sum['BDG.19']!.total!;
    // 5 of 38 communes reported: the sentence names its base and rates over the 5 (issue 21), never "toàn tỉnh".
    const texts = doc.paragraphs.map((p) => p.text);
    expect(texts).toContainEqual(
      expect.stringMatching(
        new RegExp(`^5/38 đơn vị cấp xã đã báo cáo: có ${formatNumber(bdg19)}/5 (?:xã|phường)[^(]* [(][\\d,]+%[)]`),
      ),
    );
    expect(texts.join('\n')).not.toMatch(/toàn tỉnh/i);
  });

  it('files of two provinces make the whole country the root, and the summary says which provinces', async () => {
    const folder = join(dir, 'hai-tinh');
    await writeSubmission(join(folder, 'a.xlsx'), { code: '22057', name: 'Xã Xuân Lộc' }, figuresFor(60, 1), {
      period: '2025',
    });
    await writeSubmission(join(folder, 'b.xlsx'), { code: '03388', name: 'Phường Đoàn Kết' }, figuresFor(61, 1), {
      period: '2025',
    });
    const r = bdg(['consolidate', folder, '--out', join(dir, 'out-hai-tinh')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Tổng hợp Toàn quốc – Năm 2025');
    expect(r.stdout).toContain(
      'Các tệp thuộc 2 tỉnh, thành phố khác nhau (Tỉnh Đắk Lắk, Tỉnh Lai Châu) nên tổng hợp toàn quốc',
    );
    expect(r.stdout).toContain('Đơn vị có số liệu: 2/34');
    // With --root, the stray province's file is refused instead.
    const one = bdg(['consolidate', folder, '--root', '66', '--out', join(dir, 'out-66'), '--json']);
    expect(one.status).toBe(1);
    expect(json<Rollup>(one).files.map((f) => [f.path, f.status, f.errors?.[0]?.rule])).toEqual([
      ['a.xlsx', 'accepted', undefined],
      ['b.xlsx', 'rejected', 'unit-outside-root'],
    ]);
  }, 180_000);

  it('a district of the 2024 edition with --root: its communes rolled up, "toàn huyện", a commune of another district refused', async () => {
    const folder = join(dir, 'krong-a-na');
    const communes = units2024.children('655');
    expect(communes.map((u) => u.name)).toEqual([
      'Thị trấn Buôn Trấp',
      'Xã Dray Sáp',
      'Xã Ea Na',
      'Xã Ea Bông',
      'Xã Băng A Drênh',
      'Xã Dur KMăl',
      'Xã Bình Hòa',
      'Xã Quảng Điền',
    ]);
    const figures: Figures[] = [];
    for (const [i, u] of communes.slice(0, 6).entries()) {
      figures.push(figuresFor(40 + i, 1));
      await writeSubmission(join(folder, `${u.code}.xlsx`), u, figures[i]!, { period: '2024' });
    }
    // 24595 Xã Buôn Tría belongs to Huyện Lắk (656), not to Krông A Na.
    await writeSubmission(join(folder, 'nham-huyen.xlsx'), { code: '24595', name: 'Xã Buôn Tría' }, figuresFor(50, 1), {
      period: '2024',
    });
    const out = join(dir, 'out-655');
    const r = bdg(['consolidate', folder, '--root', '655', '--out', out, '--json']);
    expect(r.status, r.stderr).toBe(1);
    const rollup = json<Rollup>(r);
    expect(rollup.root).toEqual({ code: '655', name: 'Huyện Krông A Na' });
    expect(rollup.completeness).toMatchObject({
      expected: 8,
      received: 6,
      missing: [
        { code: '24574', name: 'Xã Bình Hòa' },
        { code: '24577', name: 'Xã Quảng Điền' },
      ],
    });
    expect(rollup.scope).toMatchObject({
      level: 'Huyện',
      words: 'toàn huyện',
      communeTypes: 'xã, thị trấn',
      rootChosenBy: 'option',
      unitsEdition: '2024',
    });
    const stray = rollup.files.find((f) => f.path === 'nham-huyen.xlsx')!;
    expect(stray).toMatchObject({ unit: '24595', status: 'rejected' });
    expect(stray.errors!.map((e) => [e.rule, e.message])).toEqual([
      [
        'unit-outside-root',
        expect.stringContaining(
          'Đơn vị 24595 (Xã Buôn Tría) không thuộc Huyện Krông A Na, đơn vị đang tổng hợp (--root 655)',
        ),
      ],
    ]);
    const sum = sumFigures(figures);
    expect(rollup.totals['DA8.05']).toEqual({ ...sum['DA8.05'], reported: 6, expected: 8 });
    const doc = await openDocx(join(out, 'bao-cao-655-2024.docx'));
    const texts = doc.paragraphs.map((p) => p.text);
    const bdg19 = sum['BDG.19']!.total!;
    // 6 of 8 communes reported: the base is named and the rate is over the 6 (issue 21); the unit words are the types present.
    expect(texts).toContainEqual(
      expect.stringContaining(`6/8 đơn vị cấp xã đã báo cáo: có ${formatNumber(bdg19)}/6 xã, thị trấn`),
    );
    expect(texts).toContainEqual(
      expect.stringContaining(`: duy trì ${formatNumber(sum['DA8.07']!.total!)} Địa chỉ tin cậy`),
    );
    expect(texts.join('\n')).not.toContain('Toàn tỉnh');
  });

  it('template --under writes one pre-filled template per unit directly under it, and never overwrites without --force', async () => {
    const out = join(dir, 'mau-66');
    const r = bdg(['template', '--under', '66', '--period', '2025', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(102);
    expect(files).toContain('bieu-mau-22057-xa-xuan-loc-2025.xlsx');
    expect(r.stderr).toContain('Đã tạo 102 biểu mẫu Năm 2025 cho các đơn vị trực thuộc Tỉnh Đắk Lắk');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(out, 'bieu-mau-24595-xa-dak-lieng-2025.xlsx'));
    const info = book.getWorksheet('Thông tin')!;
    expect([info.getCell('B1').value, info.getCell('B2').value]).toEqual(['24595', 'Xã Đắk Liêng']);

    const before = statSync(join(out, files[0]!)).mtimeMs;
    const again = bdg(['template', '--under', '66', '--period', '2025', '--out', out]);
    expect([again.status, again.stderr]).toEqual([2, expect.stringContaining('--force')]);
    expect(statSync(join(out, files[0]!)).mtimeMs).toBe(before);
    expect(readdirSync(out)).toHaveLength(102);

    // 2024: the districts of Đắk Lắk; a commune has nothing under it.
    const districts = bdg(['template', '--under', '66', '--period', '2024', '--out', join(dir, 'mau-66-2024')]);
    expect(districts.status, districts.stderr).toBe(0);
    expect(readdirSync(join(dir, 'mau-66-2024'))).toHaveLength(units2024.children('66').length);
    const leaf = bdg(['template', '--under', '22057', '--period', '2025', '--out', join(dir, 'leaf')]);
    expect([leaf.status, leaf.stderr]).toEqual([
      2,
      expect.stringContaining('Xã Xuân Lộc (mã 22057) không có đơn vị trực thuộc'),
    ]);
    const both = bdg(['template', '--unit', '22057', '--under', '66']);
    expect([both.status, both.stderr]).toEqual([2, expect.stringContaining('cần đúng một trong hai')]);
  }, 180_000);
});
