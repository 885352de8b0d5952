import { strToU8, zipSync } from 'fflate';
import { loadCatalogue, type Measure } from '../../src/core/catalogue/catalogue.js';
import type { Figures } from '../../src/core/model.js';
import { districtFigures } from './figures.js';

/**
 * Workbooks written byte by byte, the way a small exporter (or a broken one) writes them: raw SpreadsheetML parts
 * in a zip, no spreadsheet library involved. `Số liệu` has a one-row header in row 1 (A STT, B Mã số, C Chỉ tiêu,
 * D Đơn vị tính, E Tổng số, F Nữ, G DTTS, H Ghi chú) and one indicator per row from row 2, in catalogue order.
 */

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
export const MEASURE_COLUMN: Record<Measure, string> = { total: 'E', nu: 'F', dtts: 'G' };

export const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export const inlineCell = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${esc(text)}</t></is></c>`;
export const numberCell = (ref: string, n: number | string, style?: number) =>
  `<c r="${ref}"${style ? ` s="${style}"` : ''}><v>${n}</v></c>`;

export interface RawSheet {
  name: string;
  state?: 'hidden' | 'veryHidden';
  /** The whole <worksheet> document. */
  xml: string;
}

/** The row of each indicator code in the `Số liệu` sheet made by `figuresSheet`. */
export function rowOf(code: string): number {
  return loadCatalogue('BDG-2024.1').indicators.findIndex((i) => i.code === code) + 2;
}

export function cellOf(code: string, m: Measure = 'total'): string {
  return `${MEASURE_COLUMN[m]}${rowOf(code)}`;
}

export interface FiguresSheetOptions {
  figures?: Figures;
  /** Raw `<c>` XML replacing a figure's cell, by "CODE" (total) or "CODE.nu". */
  raw?: Record<string, string>;
  /** Extra XML after </sheetData> (merges, validations…), placed in schema order by the caller. */
  after?: string;
  /** Extra XML inside <sheetData> after the indicator rows. */
  moreRows?: string;
  /** Leave out `r` on rows and cells (positional, as the standard allows). */
  positional?: boolean;
}

export function figuresSheetXml(opts: FiguresSheetOptions = {}): string {
  const catalogue = loadCatalogue('BDG-2024.1');
  const figures = opts.figures ?? districtFigures();
  const r = (ref: string) => (opts.positional ? '' : ` r="${ref}"`);
  const text = (ref: string, t: string) => `<c${r(ref)} t="inlineStr"><is><t>${esc(t)}</t></is></c>`;
  const rows: string[] = [];
  const headers = ['STT', 'Mã số', 'Chỉ tiêu', 'Đơn vị tính', 'Tổng số', 'Nữ', 'DTTS', 'Ghi chú'];
  rows.push(`<row${r('1')}>${headers.map((h, i) => text(`${String.fromCharCode(65 + i)}1`, h)).join('')}</row>`);
  catalogue.indicators.forEach((ind, i) => {
    const n = i + 2;
    const cells = [
      `<c${r(`A${n}`)}><v>${i + 1}</v></c>`,
      text(`B${n}`, ind.code),
      text(`C${n}`, ind.name),
      text(`D${n}`, ind.unit),
    ];
    for (const m of ['total', 'nu', 'dtts'] as const) {
      const ref = `${MEASURE_COLUMN[m]}${n}`;
      const key = m === 'total' ? ind.code : `${ind.code}.${m}`;
      const v = figures[ind.code]?.[m];
      cells.push(opts.raw?.[key] ?? (v === undefined || v === null ? `<c${r(ref)}/>` : `<c${r(ref)}><v>${v}</v></c>`));
    }
    rows.push(`<row${r(String(n))}>${cells.join('')}</row>`);
  });
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetData>${rows.join('')}${opts.moreRows ?? ''}</sheetData>${opts.after ?? ''}</worksheet>`;
}

export function infoSheetXml(info: Record<string, string> = {}): string {
  const values = {
    'Mã đơn vị': '655',
    'Tên đơn vị': 'Huyện Krông A Na',
    'Kỳ báo cáo': 'Năm 2024',
    'Phiên bản biểu mẫu': 'BDG-2024.1',
    'Ngày lập': '15/12/2024',
    ...info,
  };
  const rows = Object.entries(values).map(
    ([label, value], i) => `<row r="${i + 1}">${inlineCell(`A${i + 1}`, label)}${inlineCell(`B${i + 1}`, value)}</row>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>${rows.join('')}</sheetData></worksheet>`;
}

export interface RawWorkbookOptions {
  sheets?: RawSheet[];
  /** Parts added or replaced as they are (e.g. xl/styles.xml, xl/sharedStrings.xml). */
  parts?: Record<string, string | Uint8Array>;
  /** Parts left out (e.g. _rels/.rels). */
  omit?: string[];
  date1904?: boolean;
}

/** The zip of a workbook whose sheets default to `Thông tin` and `Số liệu` (districtFigures()). */
export function rawWorkbook(opts: RawWorkbookOptions = {}): Uint8Array {
  const sheets = opts.sheets ?? [
    { name: 'Thông tin', xml: infoSheetXml() },
    { name: 'Số liệu', xml: figuresSheetXml() },
  ];
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('')}</Types>`,
    ),
    '_rels/.rels': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    'xl/workbook.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="${REL}">${opts.date1904 ? '<workbookPr date1904="1"/>' : ''}<sheets>${sheets
        .map(
          (s, i) =>
            `<sheet name="${esc(s.name)}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ''} r:id="rId${i + 1}"/>`,
        )
        .join('')}</sheets></workbook>`,
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets
        .map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`)
        .join(
          '',
        )}<Relationship Id="rIdS" Type="${REL}/styles" Target="styles.xml"/><Relationship Id="rIdT" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    ),
  };
  sheets.forEach((s, i) => (files[`xl/worksheets/sheet${i + 1}.xml`] = strToU8(s.xml)));
  for (const [name, data] of Object.entries(opts.parts ?? {}))
    files[name] = typeof data === 'string' ? strToU8(data) : data;
  for (const name of opts.omit ?? []) delete files[name];
  return zipSync(files, { level: 6 });
}

/** UTF-16LE bytes with a byte-order mark, as some exporters write parts. */
export function utf16le(text: string): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + 2 * i] = c & 0xff;
    out[3 + 2 * i] = c >> 8;
  }
  return out;
}

/** Renames a zip entry in place (local and central headers), e.g. to make two entries of one name. */
export function renameEntry(zip: Uint8Array, from: string, to: string): Uint8Array {
  if (from.length !== to.length) throw new Error('same length only');
  const out = zip.slice();
  const a = strToU8(from);
  const b = strToU8(to);
  outer: for (let i = 0; i + a.length <= out.length; i++) {
    for (let j = 0; j < a.length; j++) if (out[i + j] !== a[j]) continue outer;
    out.set(b, i);
  }
  return out;
}
