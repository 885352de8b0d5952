import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../src/catalogue/catalogue.js';
import { bdg, ROOT } from './helpers/cli.js';
import { districtFigures } from './helpers/figures.js';
import { tempDir } from './helpers/workbooks.js';

const UNITS = join(ROOT, 'fixtures/dak-lak/don-vi.csv');

describe('bdg template', () => {
  let dir: string;
  let wb: ExcelJS.Workbook;
  let path: string;
  beforeAll(async () => {
    dir = tempDir('bdg-template-');
    path = join(dir, 't.xlsx');
    const r = bdg(['template', '--unit', '655', '--units', UNITS, '--period', '2024', '--out', path]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('Huyện Krông A Na');
    wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
  });

  it('pre-fills Thông tin with the unit from the unit list', () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Thông tin', 'Số liệu', 'Thuyết minh', 'Hướng dẫn']);
    const info = wb.getWorksheet('Thông tin')!;
    const pairs = [1, 2, 3, 4].map((r) => [info.getCell(`A${r}`).value, info.getCell(`B${r}`).value]);
    expect(pairs).toEqual([
      ['Mã đơn vị', '655'],
      ['Tên đơn vị', 'Huyện Krông A Na'],
      ['Kỳ báo cáo', 'Năm 2024'],
      ['Phiên bản biểu mẫu', 'BDG-2024.1'],
    ]);
    expect(info.getCell('B1').numFmt).toBe('@');
  });

  it('lays out Số liệu: title, two-row merged header, section rows, one row per indicator', () => {
    const ws = wb.getWorksheet('Số liệu')!;
    expect(ws.getCell('A1').value).toBe('BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN CÔNG TÁC BÌNH ĐẲNG GIỚI VÀ DỰ ÁN 8');
    expect(['A4', 'B4', 'C4', 'D4', 'E4', 'F4', 'H4', 'F5', 'G5'].map((a) => ws.getCell(a).value)).toEqual([
      'STT', 'Mã số', 'Chỉ tiêu', 'Đơn vị tính', 'Tổng số', 'Trong đó', 'Ghi chú', 'Nữ', 'DTTS',
    ]);
    const merges = (ws.model as unknown as { merges: string[] }).merges;
    expect(merges).toEqual(expect.arrayContaining(['F4:G4', 'A4:A5', 'B4:B5', 'E4:E5', 'H4:H5', 'A1:H1']));
    expect(String(ws.getCell('C6').value)).toMatch(/^A\. DỰ ÁN 8/);
    expect(String(ws.getCell('C7').value)).toMatch(/^I\. Nội dung 1:/);
    expect(ws.getCell('B6').value).toBeNull();
    expect([ws.getCell('B8').value, ws.getCell('B12').value]).toEqual(['DA8.01', 'DA8.05']);
    const codes: string[] = [];
    ws.eachRow((row) => {
      const v = row.getCell('B').value;
      if (typeof v === 'string' && /^[A-Z0-9]+\.\d\d$/.test(v)) codes.push(v);
    });
    expect(codes).toEqual(loadCatalogue().indicators.map((i) => i.code));
  });

  it('greys and locks what does not apply, validates what does, freezes and fits the page', () => {
    const ws = wb.getWorksheet('Số liệu')!;
    const grey = ws.getCell('F8'); // DA8.01 has no Nữ
    expect((grey.fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFD9D9D9');
    expect(grey.protection?.locked).not.toBe(false); // locked is the default; exceljs reads it back as absent
    expect(grey.dataValidation.type).toBe('textLength');
    expect(ws.getCell('F12').protection?.locked).toBe(false); // DA8.05 Nữ applies
    expect(ws.getCell('E12').dataValidation).toMatchObject({ type: 'whole', operator: 'greaterThanOrEqual', formulae: [0] });
    expect(ws.getCell('E12').dataValidation.prompt).toContain('Để trống nếu không có số liệu');
    const moneyRow = 31; // DA8.20: 19 indicators and 6 heading rows (A, I–IV, V. Kinh phí) below row 5
    expect(ws.getCell(`B${moneyRow}`).value).toBe('DA8.20');
    expect(ws.getCell(`E${moneyRow}`).dataValidation.type).toBe('decimal');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: 3, ySplit: 5 });
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '4:5' });
    expect((ws as unknown as { sheetProtection: { sheet: boolean } }).sheetProtection.sheet).toBe(true);
  });

  it('round-trips: filled by a person, validate accepts it and reads back exactly the figures', async () => {
    const ws = wb.getWorksheet('Số liệu')!;
    const figures = districtFigures();
    ws.eachRow((row) => {
      const code = row.getCell('B').value as string;
      const f = figures[code];
      if (!f) return;
      row.getCell('E').value = f.total ?? null;
      if (f.nu !== undefined) row.getCell('F').value = f.nu;
      if (f.dtts !== undefined) row.getCell('G').value = f.dtts;
    });
    const filled = join(dir, 'filled.xlsx');
    await wb.xlsx.writeFile(filled);
    const { checkFile } = await import('../src/validate/check-file.js');
    const { readHierarchy } = await import('../src/read/hierarchy.js');
    const checked = await checkFile(filled, { units: await readHierarchy(UNITS) });
    expect(checked.errors).toEqual([]);
    expect(checked.figures).toEqual(figures);
    expect(bdg(['validate', filled, '--units', UNITS]).status).toBe(0);
  });

  it('refuses to overwrite, an unknown unit and a bad period (exit 2)', () => {
    const again = bdg(['template', '--unit', '655', '--units', UNITS, '--out', path]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('--force');
    expect(bdg(['template', '--unit', '655', '--units', UNITS, '--out', path, '--force']).status).toBe(0);
    expect(bdg(['template', '--unit', '999', '--units', UNITS, '--out', join(dir, 'x.xlsx')]).stderr).toContain('"999"');
    expect(bdg(['template', '--unit', '655', '--period', 'năm sau', '--out', join(dir, 'y.xlsx')]).status).toBe(2);
  });

  it('names the default file after the unit and period', () => {
    const r = bdg(['template', '--unit', '24595', '--units', UNITS, '--period', '2025-H1'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(join(dir, 'bieu-mau-24595-2025-H1.xlsx'));
  });
});
