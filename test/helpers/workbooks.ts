import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { loadCatalogue, type Measure } from '../../src/core/catalogue/catalogue.js';
import type { Figures } from '../../src/core/model.js';
import { districtFigures } from './figures.js';

export function tempDir(prefix = 'bdg-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

type Header = 'STT' | 'Mã số' | 'Chỉ tiêu' | 'Đơn vị tính' | 'Tổng số' | 'Nữ' | 'DTTS' | 'Ghi chú';
const MEASURE_HEADER: Record<Measure, Header> = { total: 'Tổng số', nu: 'Nữ', dtts: 'DTTS' };

export interface HandMadeOptions {
  /** Thông tin values by label; `undefined` drops the row. */
  info?: Record<string, unknown>;
  figures?: Figures;
  /** Raw cell contents replacing a figure: key "DA8.05" (total) or "DA8.05.nu". */
  raw?: Record<string, ExcelJS.CellValue>;
  /** 'two-row': "Trong đó" merged over Nữ/DTTS on a second row; 'one-row': all headers on one row. */
  header?: 'two-row' | 'one-row';
  columns?: Header[];
  reverseRows?: boolean;
  titleRows?: number;
  sheetNames?: { info?: string; data?: string };
  omit?: string[];
  extraRows?: { code: string; total: ExcelJS.CellValue }[];
  narrative?: Record<string, string>;
}

export interface HandMade {
  path: string;
  /** A1 address of a figure's cell in `Số liệu`. */
  cell(code: string, measure?: Measure): string;
  /** The Mã số cell of a row added with `extraRows`. */
  extraCell(code: string): string;
  infoCell(label: string): string;
}

const DEFAULT_INFO: Record<string, unknown> = {
  'Mã đơn vị': '655',
  'Tên đơn vị': 'Huyện Krông A Na',
  'Kỳ báo cáo': 'Năm 2024',
  'Phiên bản biểu mẫu': 'BDG-2024.1',
  'Người lập biểu': 'Nguyễn Thị Hoa',
  'Điện thoại': '0262 3851 234',
  'Ngày lập': '15/12/2024',
  'Thủ trưởng đơn vị': 'Y Bluin Niê',
};

/** Builds a submission by hand, cell by cell, the way a person retypes the form: no template involved. */
export async function writeHandMade(path: string, opts: HandMadeOptions = {}): Promise<HandMade> {
  const catalogue = loadCatalogue('BDG-2024.1');
  const wb = new ExcelJS.Workbook();
  const info = wb.addWorksheet(opts.sheetNames?.info ?? 'Thông tin');
  const infoCells = new Map<string, string>();
  for (const [label, value] of Object.entries({ ...DEFAULT_INFO, ...opts.info })) {
    if (value === undefined) continue;
    const row = info.addRow([label, value as ExcelJS.CellValue]);
    infoCells.set(label, row.getCell(2).address);
  }
  const ws = wb.addWorksheet(opts.sheetNames?.data ?? 'Số liệu');
  const titleRows = opts.titleRows ?? 2;
  for (let i = 1; i <= titleRows; i++)
    ws.getCell(i, 1).value = i === 1 ? 'BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN BÌNH ĐẲNG GIỚI' : 'Năm 2024';
  if (titleRows > 0) ws.mergeCells(1, 1, 1, 8);
  const columns = opts.columns ?? ['STT', 'Mã số', 'Chỉ tiêu', 'Đơn vị tính', 'Tổng số', 'Nữ', 'DTTS', 'Ghi chú'];
  const col = (h: Header) => columns.indexOf(h) + 1;
  const headerRow = titleRows + 1;
  let firstData = headerRow + 1;
  if ((opts.header ?? 'two-row') === 'two-row') {
    // Nữ and DTTS sit side by side under a merged "Trong đó"; every other header is merged down two rows.
    const [a, b] = [col('Nữ'), col('DTTS')].sort((x, y) => x - y) as [number, number];
    if (b !== a + 1) throw new Error('two-row header needs Nữ and DTTS adjacent');
    for (const h of columns) {
      const c = col(h);
      if (h === 'Nữ' || h === 'DTTS') ws.getCell(headerRow + 1, c).value = h;
      else {
        ws.getCell(headerRow, c).value = h;
        ws.mergeCells(headerRow, c, headerRow + 1, c);
      }
    }
    ws.getCell(headerRow, a).value = 'Trong đó';
    ws.mergeCells(headerRow, a, headerRow, b);
    firstData = headerRow + 2;
  } else {
    for (const h of columns) ws.getCell(headerRow, col(h)).value = h;
  }
  const figures = opts.figures ?? districtFigures();
  const indicators = catalogue.indicators.filter((i) => !opts.omit?.includes(i.code));
  if (opts.reverseRows) indicators.reverse();
  const cells = new Map<string, string>();
  let r = firstData;
  let lastSection = '';
  indicators.forEach((ind, i) => {
    if (ind.section !== lastSection) {
      ws.getCell(r, col('Chỉ tiêu')).value = catalogue.sections.find((s) => s.code === ind.section)!.heading;
      r++;
      lastSection = ind.section;
    }
    ws.getCell(r, col('STT')).value = i + 1;
    ws.getCell(r, col('Mã số')).value = ind.code;
    ws.getCell(r, col('Chỉ tiêu')).value = ind.name;
    ws.getCell(r, col('Đơn vị tính')).value = ind.unit;
    for (const m of ['total', 'nu', 'dtts'] as const) {
      if (!columns.includes(MEASURE_HEADER[m])) continue;
      const cell = ws.getCell(r, col(MEASURE_HEADER[m]));
      cells.set(`${ind.code}.${m}`, cell.address);
      const key = m === 'total' ? ind.code : `${ind.code}.${m}`;
      if (opts.raw && key in opts.raw) cell.value = opts.raw[key]!;
      else {
        const v = figures[ind.code]?.[m];
        if (v !== undefined && v !== null) cell.value = v;
      }
    }
    r++;
  });
  for (const extra of opts.extraRows ?? []) {
    ws.getCell(r, col('Mã số')).value = extra.code;
    ws.getCell(r, col('Tổng số')).value = extra.total;
    cells.set(`${extra.code}.extra`, ws.getCell(r, col('Mã số')).address);
    r++;
  }
  if (opts.narrative) {
    const tm = wb.addWorksheet('Thuyết minh');
    for (const [label, text] of Object.entries(opts.narrative)) tm.addRow([label, text]);
  }
  await wb.xlsx.writeFile(path);
  return {
    path,
    cell: (code, measure = 'total') => cells.get(`${code}.${measure}`)!,
    extraCell: (code) => cells.get(`${code}.extra`)!,
    infoCell: (label) => infoCells.get(label)!,
  };
}
