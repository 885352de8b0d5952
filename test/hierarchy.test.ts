import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildHierarchy, HierarchyError, type UnitRow } from '../src/core/units/hierarchy.js';
import { readHierarchy } from '../src/node/unit-list-file.js';
import { unitSourceData, unitSourceFrom } from '../src/core/units/source.js';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/workbooks.js';

const row = (code: string, name: string, level: string, parent = ''): UnitRow => ({ code, name, level, parent });

function problems(rows: UnitRow[]): string[] {
  try {
    buildHierarchy(rows);
  } catch (err) {
    if (err instanceof HierarchyError) return err.problems;
    throw err;
  }
  return [];
}

describe('unit list (danh mục đơn vị hành chính)', () => {
  it('reads the three-level Đắk Lắk list of before July 2025', async () => {
    const h = await readHierarchy(join(ROOT, 'fixtures/dak-lak/don-vi.csv'));
    expect(h.root).toMatchObject({ code: '66', name: 'Tỉnh Đắk Lắk', level: 'Tỉnh' });
    expect(h.depth).toBe(3);
    expect(h.children('66')).toHaveLength(15);
    expect(h.communesUnder('655')).toBe(8);
    expect(h.communesUnder('66')).toBe(184);
    expect(h.byCode.get('644')).toMatchObject({ level: 'Huyện', levelLabel: 'Thị xã' });
    expect(h.byCode.get('24592')).toMatchObject({ name: 'Thị trấn Buôn Trấp', level: 'Xã', parent: '655' });
    expect(h.ancestors('24592').map((u) => u.code)).toEqual(['655', '66']);
    expect(h.resolve(655)?.name).toBe('Huyện Krông A Na');
    expect(h.resolve(' 655 ')?.code).toBe('655');
    expect(h.resolve('999')).toBeUndefined();
  });

  it('reads a two-level list of after July 2025: no district level assumed', async () => {
    const h = await readHierarchy(join(ROOT, 'fixtures/sau-2025/don-vi.csv'));
    expect(h.depth).toBe(2);
    expect(h.children(h.root.code).every((u) => u.level === 'Xã')).toBe(true);
    expect(h.communesUnder(h.root.code)).toBe(8);
    expect(h.byCode.get('30121')).toMatchObject({ level: 'Xã', levelLabel: 'Đặc khu' });
  });

  it('accepts a national root above the provinces, for a national roll-up', () => {
    const h = buildHierarchy([
      row('00', 'Toàn quốc', 'Quốc gia'),
      row('01', 'Thành phố Hà Nội', 'Thành phố trực thuộc trung ương', '00'),
      row('66', 'Tỉnh Đắk Lắk', 'Tỉnh', '00'),
      row('00004', 'Phường Ba Đình', 'Phường', '01'),
      row('24121', 'Phường Buôn Ma Thuột', 'Phường', '66'),
      row('24124', 'Xã Hòa Phú', 'Xã', '66'),
    ]);
    expect(h.root).toMatchObject({ code: '00', level: 'Quốc gia' });
    expect(h.depth).toBe(3);
    expect(h.children('00').map((u) => u.level)).toEqual(['Tỉnh', 'Tỉnh']);
    expect(h.communesUnder('00')).toBe(3);
    expect(
      problems([
        row('00', 'Toàn quốc', 'Quốc gia'),
        row('66', 'Tỉnh A', 'Tỉnh', '00'),
        row('67', 'Tỉnh B', 'Tỉnh', '66'),
      ]),
    ).toEqual(['Dòng 4: đơn vị cấp tỉnh 67 chỉ có thể thuộc cấp quốc gia']);
  });

  it('pads codes typed as numbers: 58 finds 058, in a file and in an XLSX list', async () => {
    const h = buildHierarchy([
      row('01', 'Thành phố Hà Nội', 'Thành phố trực thuộc trung ương'),
      row('058', 'Huyện X', 'Huyện', '01'),
      row('00091', 'Xã Y', 'Xã', '058'),
    ]);
    expect(h.resolve(58)?.code).toBe('058');
    expect(h.resolve(91)?.code).toBe('00091');
    const dir = tempDir();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('DM');
    ws.addRow(['Mã', 'Tên', 'Cấp', 'Mã cấp trên']);
    ws.addRow([1, 'Thành phố Hà Nội', 'Thành phố trực thuộc trung ương', null]);
    ws.addRow([1, 'Quận Ba Đình', 'Quận', 1]);
    ws.addRow([1, 'Phường Phúc Xá', 'Phường', 1]);
    const file = join(dir, 'dm.xlsx');
    await wb.xlsx.writeFile(file);
    // Same number 1 at three levels: only lengths of codes of the same level can tell; here all are width 1.
    await expect(readHierarchy(file)).rejects.toThrow(/trùng/);
    ws.getCell('A3').value = 2;
    ws.getCell('A4').value = 3;
    ws.getCell('D4').value = 2;
    await wb.xlsx.writeFile(file);
    const x = await readHierarchy(file);
    expect(x.children('1').map((u) => u.code)).toEqual(['2']);
    expect(x.communesUnder('1')).toBe(1);
  });

  it('accepts a CSV saved by Excel with a BOM and ";" separators', async () => {
    const dir = tempDir();
    const file = join(dir, 'dm.csv');
    writeFileSync(file, '\uFEFFMã;Tên;Cấp;Mã cấp trên\r\n99;Tỉnh A;Tỉnh;\r\n99001;"Xã B; C";Xã;99\r\n');
    const h = await readHierarchy(file);
    expect(h.byCode.get('99001')?.name).toBe('Xã B; C');
  });

  it('names every problem with its row', async () => {
    expect(
      problems([
        row('66', 'Tỉnh A', 'Tỉnh'),
        row('643', 'Huyện B', 'Huyện', '66'),
        row('643', 'Huyện C', 'Huyện', '66'),
        row('700', 'Huyện D', 'Vùng', '66'),
        row('24000', 'Xã E', 'Xã', '999'),
        row('24003', 'Xã F', 'Xã', '24006'),
        row('24006', 'Xã G', 'Xã', '24003'),
        row('77', 'Tỉnh H', 'Tỉnh'),
      ]),
    ).toEqual([
      'Dòng 4: mã "643" bị trùng với dòng 3',
      'Dòng 5: cấp "Vùng" không hợp lệ (dùng Tỉnh, Huyện/Thị xã/Thành phố/Quận, Xã/Phường/Thị trấn/Đặc khu)',
      'Dòng 6: mã cấp trên "999" của 24000 không có trong danh mục',
      'Dòng 7: 24003 nằm dưới 24006, là đơn vị cấp xã',
      'Dòng 8: 24006 nằm dưới 24003, là đơn vị cấp xã',
      'Dòng 7: mã cấp trên của 24003 tạo thành vòng lặp',
      'Dòng 8: mã cấp trên của 24006 tạo thành vòng lặp',
      'có 2 đơn vị gốc (66, 77); danh mục chỉ được có một tỉnh',
    ]);
    expect(problems([row('643', 'Huyện B', 'Huyện', '644'), row('644', 'Huyện C', 'Huyện', '643')])).toContain(
      'không có đơn vị gốc (đơn vị cấp tỉnh không có mã cấp trên)',
    );
  });

  it('says which columns are missing, and when the file is not there', async () => {
    const dir = tempDir();
    const file = join(dir, 'dm.csv');
    writeFileSync(file, 'Mã,Tên\n66,Tỉnh A\n');
    await expect(readHierarchy(file)).rejects.toThrow('thiếu cột "Cấp"');
    await expect(readHierarchy(join(dir, 'none.csv'))).rejects.toThrow('không tồn tại');
  });
});

describe('a unit list handed to another thread (unitSourceData / unitSourceFrom)', () => {
  it('comes back, through a structured clone, as the same list: every unit, the root, the tree and the look-ups', async () => {
    const hierarchy = await readHierarchy(join(ROOT, 'fixtures/dak-lak/don-vi.csv'));
    const source = { kind: 'list' as const, hierarchy, file: 'don-vi.csv', programmeArea: ['24616'] };
    const back = unitSourceFrom(structuredClone(unitSourceData(source)));
    if (back.kind !== 'list') throw new Error('not a list');
    const h = back.hierarchy;
    expect(back.file).toBe('don-vi.csv');
    expect(back.programmeArea).toEqual(['24616']);
    expect(h.units).toEqual(hierarchy.units);
    expect(h.root).toEqual(hierarchy.root);
    expect(h.depth).toBe(hierarchy.depth);
    for (const u of hierarchy.units) {
      expect(h.ancestors(u.code)).toEqual(hierarchy.ancestors(u.code));
      expect(h.children(u.code)).toEqual(hierarchy.children(u.code));
      expect(h.communesUnder(u.code)).toBe(hierarchy.communesUnder(u.code));
      expect(h.resolve(Number(u.code), u.name)).toEqual(hierarchy.resolve(Number(u.code), u.name));
    }
    const builtin = { kind: 'builtin' as const };
    expect(unitSourceFrom(structuredClone(unitSourceData(builtin)))).toEqual(builtin);
  });
});
