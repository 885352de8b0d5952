import { readdirSync, readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, type Catalogue } from '../src/core/catalogue/catalogue.js';
import { NARRATIVE_LABELS } from '../src/core/model.js';
import { yearPeriod } from '../src/core/util/period.js';
import { buildSubmissionWorkbook, NUMBER_FORMAT, submissionLayout } from '../src/core/write/submission-workbook.js';
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
    const rest = [5, 6, 7, 8].map((r) => [info.getCell(`A${r}`).value, info.getCell(`B${r}`).value]);
    expect(rest).toEqual([
      ['Người lập biểu', null],
      ['Điện thoại', null],
      ['Ngày lập', null],
      ['Thủ trưởng đơn vị', null],
    ]);
    // Day first, with slashes (not the computer's date separator): exceljs reads the escapes away, the part has them.
    expect(info.getCell('B7').numFmt).toBe('dd/mm/yyyy');
    expect(strFromU8(unzipSync(readFileSync(path))['xl/styles.xml']!)).toContain('formatCode="dd\\/mm\\/yyyy"');
    // A real date or the text dd/mm/yyyy (what Excel in a month-first locale keeps of "15/12/2024") are both let in.
    const check = info.getCell('B7').dataValidation;
    expect(check.type).toBe('custom');
    expect(check.formulae![0]).toMatch(
      /^OR\(AND\(ISNUMBER\(B7\),B7>36526\),AND\(LEN\(B7\)=10,MID\(B7,3,1\)="\/",MID\(B7,6,1\)="\/"/,
    );
    expect(check.error).toBe('Nhập ngày dạng dd/mm/yyyy (ngày trước, tháng sau), ví dụ 15/12/2024.');
    expect(info.getCell('C1').value).toMatch(/^Bắt buộc/); // required ones are marked beside, not in the label
  });

  it('lays out Số liệu: title, two-row merged header, section rows, one row per indicator', () => {
    const ws = wb.getWorksheet('Số liệu')!;
    expect(ws.getCell('A1').value).toBe('BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN CÔNG TÁC BÌNH ĐẲNG GIỚI VÀ DỰ ÁN 8');
    expect(['A4', 'B4', 'C4', 'D4', 'E4', 'F4', 'H4', 'F5', 'G5'].map((a) => ws.getCell(a).value)).toEqual([
      'STT',
      'Mã số',
      'Chỉ tiêu',
      'Đơn vị tính',
      'Tổng số',
      'Trong đó',
      'Ghi chú',
      'Nữ',
      'DTTS',
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
    expect(codes).toEqual(loadCatalogue('BDG-2024.1').indicators.map((i) => i.code));
  });

  it('greys and locks what does not apply, validates what does, freezes and fits the page', () => {
    const ws = wb.getWorksheet('Số liệu')!;
    const grey = ws.getCell('F8'); // DA8.01 has no Nữ
    expect((grey.fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFD9D9D9');
    expect(grey.protection?.locked).not.toBe(false); // locked is the default; exceljs reads it back as absent
    expect(grey.dataValidation.type).toBe('textLength');
    expect(ws.getCell('F12').protection?.locked).toBe(false); // DA8.05 Nữ applies
    expect(ws.getCell('E12').dataValidation).toMatchObject({
      type: 'whole',
      operator: 'greaterThanOrEqual',
      formulae: [0],
    });
    expect(ws.getCell('E12').dataValidation.prompt).toContain('Để trống nếu không có số liệu');
    const moneyRow = 31; // DA8.20: 19 indicators and 6 heading rows (A, I–IV, V. Kinh phí) below row 5
    expect(ws.getCell(`B${moneyRow}`).value).toBe('DA8.20');
    expect(ws.getCell(`E${moneyRow}`).dataValidation.type).toBe('decimal');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: 3, ySplit: 5 });
    expect(ws.pageSetup).toMatchObject({
      paperSize: 9,
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '4:5',
    });
    expect(ws.pageSetup.orientation).toBe('landscape');
    const protection = (ws as unknown as { sheetProtection: Record<string, unknown> }).sheetProtection;
    expect(protection).toMatchObject({ sheet: true, formatCells: true, formatColumns: true, formatRows: true });
    expect(protection.password ?? protection.hashValue).toBeUndefined(); // no password: a user can lift it
    expect(ws.getCell('H12').protection?.locked).toBe(false); // Ghi chú
    expect([ws.getCell('E12').numFmt, ws.getCell(`E${moneyRow}`).numFmt]).toEqual(['#,##0', '#,##0.0##']);
    const layout = submissionLayout(loadCatalogue('BDG-2024.1'));
    expect(layout).toMatchObject({
      headerRow: 4,
      firstDataRow: 6,
      columns: { stt: 'A', code: 'B', name: 'C', unit: 'D', total: 'E', nu: 'F', dtts: 'G', note: 'H' },
    });
    for (const [code, row] of layout.rowOf) expect(ws.getCell(`B${row}`).value).toBe(code);
  });

  it('has the Thuyết minh labels and a guide that spells out the catalogue rules', () => {
    const tm = wb.getWorksheet('Thuyết minh')!;
    expect([1, 2, 3, 4, 5, 6].map((r) => tm.getCell(`A${r}`).value)).toEqual(Object.values(NARRATIVE_LABELS));
    expect(tm.getCell('B1').protection?.locked).toBe(false);
    const guide: string[] = [];
    wb.getWorksheet('Hướng dẫn')!.eachRow((row) => guide.push(String(row.getCell(1).value)));
    const text = guide.join(' ');
    expect(text).toContain('Để trống khi không có số liệu; ghi 0 khi số liệu bằng không');
    // A commune officer checks with the page: no command, no option.
    expect(text).toContain('kiểm tra tệp trên trang kiểm tra bdg.html');
    expect(text).not.toMatch(/bdg validate|--/);
    // What a check of this blank form finds, said before: no figure is an error, no Ngày lập a warning, and why.
    expect(text).toContain(
      'Biểu mẫu chưa có số liệu nào (mọi ô số liệu để trống) chưa phải là báo cáo: tệp bị báo lỗi',
    );
    expect(text).toContain(
      'Ghi Ngày lập mỗi lần gửi: khi gửi lại bản sửa, ngày lập là cách duy nhất biết bản nào gửi sau.',
    );
    expect(text).toMatch(/\[no-figures\].*• Cảnh báo.*\[date-missing\]/);
    for (const ind of loadCatalogue('BDG-2024.1').indicators.filter((i) => i.partOf))
      expect(text).toContain(`${ind.code} (`);
    // The cross-indicator checks are said from the edition's rules (part_of, check, checks.csv), in one wording.
    const errors = guide.slice(guide.findIndex((l) => l.includes('Các ràng buộc giữa các chỉ tiêu')));
    const said = errors.join(' ');
    expect(said).toContain('– DA8.05 (Số lượt người tham dự truyền thông) bằng 0, khi DA8.04 bằng 0.');
    expect(said).toContain(
      '– DA8.05 (Số lượt người tham dự truyền thông) lớn hơn 0, khi DA8.04 lớn hơn 0 (ô để trống tính là 0).',
    );
    expect(said).toMatch(/– BDG\.19 \(Số xã, phường, thị trấn có .*\) không lớn hơn số đơn vị cấp xã trực thuộc\./);
    expect(said).toContain(
      '– DA8.03 (Số thành viên Tổ truyền thông cộng đồng) từ 3 × DA8.01 đến 30 × DA8.01, khi DA8.03 lớn hơn 0.',
    );
    // The rule of checks.csv (Project 8's events are part of all events) is a warning, listed with the others.
    const warned = said.slice(said.indexOf('Các điểm sẽ được nhắc xem lại'));
    expect(warned).toMatch(/– DA8\.04 \(Số cuộc truyền thông, .*\) không lớn hơn BDG\.05\./);
    expect(Math.max(...guide.map((l) => l.length))).toBeLessThanOrEqual(100); // broken to the page, not wrapped
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
    const { checkFile } = await import('../src/node/check-path.js');
    const { readHierarchy } = await import('../src/node/unit-list-file.js');
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
    const unknown = bdg(['template', '--unit', '999', '--units', UNITS, '--out', join(dir, 'x.xlsx')]);
    expect([unknown.status, unknown.stderr]).toEqual([2, expect.stringContaining('"999"')]);
    const badPeriod = bdg(['template', '--unit', '655', '--period', 'năm sau', '--out', join(dir, 'y.xlsx')]);
    expect([badPeriod.status, badPeriod.stderr]).toEqual([2, expect.stringContaining('--period')]);
    expect(readdirSync(dir).filter((f) => !['t.xlsx', 'filled.xlsx'].includes(f))).toEqual([]); // nothing left behind
  });

  it('without --units takes the name from the built-in list of the period (before 1/7/2025 here)', async () => {
    const out = join(dir, 'khong-danh-muc.xlsx');
    const r = bdg(['template', '--unit', '058', '--period', '2024-H1', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'Thành phố Bắc Kạn (mã 058, theo danh mục đơn vị hành chính trước 1/7/2025 (có sẵn trong bdg))',
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const info = book.getWorksheet('Thông tin')!;
    expect([info.getCell('B1').value, info.getCell('B2').value, info.getCell('B3').value]).toEqual([
      '058',
      'Thành phố Bắc Kạn',
      '6 tháng đầu năm 2024',
    ]);
  });

  it("the CLI's bundle carries exceljs's writing only: its stream reader and writer and its CSV are left out", () => {
    // scripts/build-node.mjs: they would load unzipper, archiver and fast-csv with every summary's writer.
    const dir = join(ROOT, 'dist/bundle');
    const bundle = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    expect(bundle).toContain('this part of exceljs is not in the bundle');
    for (const lib of ['unzipper', 'archiver', 'fast-csv']) expect(bundle).not.toContain(lib);
  });

  it('names the default file after the unit and period', () => {
    const r = bdg(['template', '--unit', '24595', '--units', UNITS, '--period', '2025-H1'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(join(dir, 'bieu-mau-24595-2025-H1.xlsx'));
  });
});

describe('buildSubmissionWorkbook', () => {
  const catalogue = loadCatalogue('BDG-2024.1');
  const unit = { code: '655', name: 'Huyện Krông A Na' };

  it('writes figures as numbers (null stays empty), notes, words, who and when, and a title of its own', async () => {
    const wb = buildSubmissionWorkbook({
      catalogue,
      unit,
      period: yearPeriod(2024),
      figures: { 'DA8.05': { total: 2150, nu: 1320, dtts: null }, 'DA8.20': { total: 1643.5 } },
      notes: { 'DA8.20': 'Gồm vốn năm 2023 chuyển sang, được phân bổ bổ sung trong quý IV' },
      narrative: { highlights: 'Tổ chức 12 cuộc truyền thông.\nThành lập 4 tổ.' },
      info: {
        preparedBy: 'Nguyễn Thị Hoa',
        phone: '0262 3812 345',
        preparedOn: new Date(Date.UTC(2024, 11, 15)),
        head: 'Y Bhim Niê',
      },
      title: 'BIỂU TỔNG HỢP – TỈNH ĐẮK LẮK',
    });
    const back = new ExcelJS.Workbook();
    await back.xlsx.load(await wb.xlsx.writeBuffer());
    const ws = back.getWorksheet('Số liệu')!;
    const row = (code: string) => submissionLayout(catalogue).rowOf.get(code)!;
    expect(['E', 'F', 'G'].map((c) => ws.getCell(`${c}${row('DA8.05')}`).value)).toEqual([2150, 1320, null]);
    expect(ws.getCell(`E${row('DA8.20')}`).value).toBe(1643.5);
    expect(ws.getCell(`E${row('DA8.01')}`).value).toBeNull();
    expect(ws.getCell(`H${row('DA8.20')}`).value).toBe(
      'Gồm vốn năm 2023 chuyển sang, được phân bổ bổ sung trong quý IV',
    );
    expect(ws.getRow(row('DA8.20')).height).toBeGreaterThan(40); // the long note shows whole
    expect(ws.getCell('A1').value).toBe('BIỂU TỔNG HỢP – TỈNH ĐẮK LẮK');
    const info = back.getWorksheet('Thông tin')!;
    expect([5, 6, 8].map((r) => info.getCell(`B${r}`).value)).toEqual([
      'Nguyễn Thị Hoa',
      '0262 3812 345',
      'Y Bhim Niê',
    ]);
    expect(info.getCell('B7').value).toEqual(new Date(Date.UTC(2024, 11, 15)));
    expect(back.getWorksheet('Thuyết minh')!.getCell('B1').value).toBe(
      'Tổ chức 12 cuộc truyền thông.\nThành lập 4 tổ.',
    );
  });

  it('follows the catalogue: an indicator added to it, even out of order, needs no code change', () => {
    const added = {
      ...catalogue.byCode.get('DA8.01')!,
      code: 'DA8.99',
      name: 'Số tổ truyền thông mới thêm vào danh mục',
      kind: 'money' as const,
      breakdowns: ['dtts' as const],
    };
    const extra = { ...added, code: 'XX.01', group: 'XX', section: 'ZZ', name: 'Chỉ tiêu nhóm mới' };
    const changed: Catalogue = {
      ...catalogue,
      indicators: [...catalogue.indicators, added, extra],
      byCode: new Map([...catalogue.byCode, [added.code, added], [extra.code, extra]]),
      sections: [...catalogue.sections, { code: 'ZZ', group: 'XX', heading: 'Phần mới' }],
      groups: [...catalogue.groups, { code: 'XX', heading: 'NHÓM MỚI', programmeArea: false }],
    };
    const layout = submissionLayout(changed);
    const ws = buildSubmissionWorkbook({ catalogue: changed, unit, period: yearPeriod(2024) }).getWorksheet('Số liệu')!;
    // DA8.99 is listed under Nội dung 1 with the other ND1 rows, which all move one row down.
    expect(layout.rowOf.get('DA8.99')).toBe(layout.rowOf.get('DA8.06')! + 1);
    expect(layout.rowOf.get('DA8.07')).toBe(submissionLayout(catalogue).rowOf.get('DA8.07')! + 1);
    const r = layout.rowOf.get('DA8.99')!;
    expect([ws.getCell(`B${r}`).value, ws.getCell(`E${r}`).numFmt, ws.getCell(`E${r}`).dataValidation.type]).toEqual([
      'DA8.99',
      NUMBER_FORMAT.money,
      'decimal',
    ]);
    expect([ws.getCell(`F${r}`).dataValidation.type, ws.getCell(`G${r}`).protection?.locked]).toEqual([
      'textLength',
      false,
    ]);
    const x = layout.rowOf.get('XX.01')!;
    expect([ws.getCell(`C${x - 2}`).value, ws.getCell(`C${x - 1}`).value]).toEqual(['C. NHÓM MỚI', 'I. Phần mới']);
    const headings: string[] = [];
    ws.eachRow((row) => {
      const v = row.getCell('C').value;
      if (row.getCell('B').value === null && typeof v === 'string' && /^[IVX]+\. /.test(v)) headings.push(v);
    });
    expect(headings.filter((h) => h.includes('Nội dung 1'))).toHaveLength(1);
    expect(headings.filter((h) => h.includes('Kinh phí'))).toHaveLength(2); // KP: once under each group that has some
  });
});
