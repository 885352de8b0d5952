import ExcelJS from 'exceljs';
import { MEASURE_LABEL, measuresOf, type Catalogue, type Measure } from '../catalogue/catalogue.js';
import {
  NARRATIVE_LABELS,
  type FileOutcome,
  type Narrative,
  type NarrativeKey,
  type Rollup,
  type UnitFigures,
} from '../model.js';
import type { Hierarchy, Level } from '../units/hierarchy.js';
import { formatPercent } from '../util/number.js';
import { parsePeriodArg } from '../util/period.js';
import { fitCellText } from './cell-text.js';
import type { Codec } from '../ooxml/zip.js';
import { withRawRows, type RawRowBlock } from './raw-rows.js';
import { buildSubmissionWorkbook } from './submission-workbook.js';

const LEVEL_SHEET: Record<Level, string> = {
  'Quốc gia': 'Toàn quốc',
  Tỉnh: 'Cấp tỉnh',
  Huyện: 'Cấp huyện',
  Xã: 'Cấp xã',
};
const SOURCE_LABEL: Record<UnitFigures['source'], string> = {
  file: 'Tệp của đơn vị',
  rollup: 'Cộng từ cấp dưới',
  missing: 'Chưa có số liệu',
};
const STATUS_LABEL = {
  accepted: 'Đã tiếp nhận',
  rejected: 'Bị từ chối',
  ignored: 'Bỏ qua',
  superseded: 'Thay bằng tệp khác',
} as const;

/** What a summary says about itself in `Thông tin` (docs/submission-workbook.md, "A summary workbook…"). */
export interface SummaryStamp {
  /** Codes of the commune-level units whose figures are included. */
  covered: string[];
  runId: string;
  /** "bdg 0.1.0" */
  madeBy: string;
}

/**
 * The consolidated workbook, as the bytes of the .xlsx: `Thông tin` and `Số liệu` for the root unit in the
 * submission format (so it can be sent up and read back by `bdg validate`), the units' words gathered in
 * `Thuyết minh`, a sheet per level with one row per unit, and `Tình hình nộp báo cáo`. exceljs writes all of it
 * but the level sheets' unit rows, which are written as bytes (raw-rows.ts): a country's commune sheet is half a
 * million cells. `codec`: the platform's deflate for the large parts (Node's zlib at the Node edge), else fflate.
 */
export async function writeSummaryWorkbook(
  rollup: Rollup,
  byUnit: Map<string, UnitFigures>,
  hierarchy: Hierarchy,
  catalogue: Catalogue,
  stamp: SummaryStamp,
  codec: Codec = {},
): Promise<Uint8Array> {
  const blocks: RawRowBlock[] = [];
  const wb = buildSummaryWorkbook(rollup, byUnit, hierarchy, catalogue, stamp, blocks);
  // Stored, not deflated: the package is opened again at once for the unit rows, and zipped once after.
  const packed = await wb.xlsx.writeBuffer({ zip: { compression: 'STORE' } });
  return withRawRows(new Uint8Array(packed), blocks, codec);
}

function buildSummaryWorkbook(
  rollup: Rollup,
  byUnit: Map<string, UnitFigures>,
  hierarchy: Hierarchy,
  catalogue: Catalogue,
  stamp: SummaryStamp,
  blocks: RawRowBlock[],
): ExcelJS.Workbook {
  const root = byUnit.get(rollup.root.code)!;
  const wb = buildSubmissionWorkbook({
    catalogue,
    unit: rollup.root,
    period: parsePeriodArg(rollup.period)!,
    figures: root.values,
    narrative: gatherNarrative(rollup),
    info: {
      preparedOn: new Date(rollup.generatedAt),
      coverage: `${rollup.completeness.received}/${rollup.completeness.expected}`,
      coveredUnits: stamp.covered.join(', '),
      runId: stamp.runId,
      madeBy: stamp.madeBy,
    },
    typingChecks: false,
    title: `BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN CÔNG TÁC BÌNH ĐẲNG GIỚI VÀ DỰ ÁN 8 – ${rollup.root.name.toUpperCase()}`,
  });
  wb.created = wb.modified = new Date(rollup.generatedAt);
  // Real document properties: what it is and who made it, never the library's defaults.
  wb.title = `Tổng hợp kết quả thực hiện công tác bình đẳng giới – ${rollup.root.name} – ${rollup.periodLabel}`;
  wb.subject = 'Biểu tổng hợp số liệu bình đẳng giới và Dự án 8';
  wb.creator = wb.lastModifiedBy = 'bdg';
  wb.description = `Lập bằng ${stamp.madeBy} từ ${rollup.completeness.received}/${rollup.completeness.expected} đơn vị; mã lần tổng hợp ${stamp.runId}.`;
  wb.keywords = 'bình đẳng giới; Dự án 8; tổng hợp';
  // The form's guide is for people filling it in; a summary is read, not filled.
  const guide = wb.getWorksheet('Hướng dẫn');
  if (guide) wb.removeWorksheet(guide.id);
  const levels = [...new Set(hierarchy.units.filter((u) => u.code !== rollup.root.code).map((u) => u.level))];
  // A commune whose district sent one file for all its communes has no figures of its own: not listed.
  const coveredAbove = (u: UnitFigures) =>
    u.source === 'missing' && hierarchy.ancestors(u.code).some((a) => byUnit.get(a.code)?.source === 'file');
  for (const level of levels) {
    const rows = rollup.units.filter((u) => u.level === level && !coveredAbove(u));
    if (rows.length) blocks.push(addLevelSheet(wb, LEVEL_SHEET[level], rows, catalogue, hierarchy));
  }
  blocks.push(addSubmissionStatusSheet(wb, rollup, hierarchy));
  return wb;
}

function gatherNarrative(rollup: Rollup): Narrative {
  const out: Narrative = {};
  for (const key of Object.keys(NARRATIVE_LABELS) as NarrativeKey[]) {
    const parts = rollup.narratives.filter((n) => n.narrative[key]).map((n) => `${n.unit.name}: ${n.narrative[key]}`);
    // The units' words of a country do not fit in one cell: cut, saying so (the .json has them whole).
    if (parts.length) out[key] = fitCellText(parts.join('\n'));
  }
  return out;
}

const thin = { style: 'thin' as const };
const border = { top: thin, left: thin, bottom: thin, right: thin };

const HEADER_ROWS = 3;

/**
 * One row per unit of a level: names over the figure columns (the codes in a small row under them, so a column
 * can still be matched with the form), a "Tổng cộng" row, and on paper A4 landscape with the header rows and the
 * unit columns repeated on every page. exceljs writes one prototype row per kind of unit row; the unit rows are
 * the block returned, written over them.
 */
function addLevelSheet(
  wb: ExcelJS.Workbook,
  name: string,
  units: UnitFigures[],
  catalogue: Catalogue,
  hierarchy: Hierarchy,
): RawRowBlock {
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: 2, ySplit: HEADER_ROWS }],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      // Fitted to the page width, as many pages down as the units need: one unit a row, never split across pages.
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `1:${HEADER_ROWS}`,
      printTitlesColumn: 'A:B',
      margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
  });
  const columns = addLevelHeader(ws, catalogue);
  const col = LEVEL_FIXED.length + columns.length + 1;
  const numFmt = (c: number) =>
    catalogue.byCode.get(columns[c - LEVEL_FIXED.length - 1]!.code)!.kind === 'money' ? '#,##0.###' : '#,##0';
  const { kinds, styleOf } = addPrototypeRows(ws, units, col, numFmt);
  const first = HEADER_ROWS + 1;
  addLevelTotal(ws, units, columns, numFmt, first, HEADER_ROWS + units.length);
  return {
    sheet: name,
    first,
    count: units.length,
    row: (i) => {
      const u = units[i]!;
      return {
        kind: kinds.indexOf(styleOf(u)),
        cells: [
          u.code,
          u.name,
          u.parent ? (hierarchy.byCode.get(u.parent)?.name ?? u.parent) : '',
          SOURCE_LABEL[u.source],
          ...columns.map((c) => u.values[c.code]?.[c.measure] ?? null),
        ],
      };
    },
  };
}

/** The columns of a level sheet before the figures. */
const LEVEL_FIXED = ['Mã', 'Tên đơn vị', 'Thuộc', 'Nguồn số liệu'];

/** A level sheet's three header rows; the figure columns in order, from the column after LEVEL_FIXED. */
function addLevelHeader(ws: ExcelJS.Worksheet, catalogue: Catalogue): { code: string; measure: Measure }[] {
  const fixed = LEVEL_FIXED;
  fixed.forEach((h, i) => {
    ws.getCell(1, i + 1).value = h;
    ws.mergeCells(1, i + 1, 2, i + 1);
  });
  let col = fixed.length + 1;
  const columns: { code: string; measure: Measure }[] = [];
  for (const ind of catalogue.indicators) {
    const ms = measuresOf(ind);
    ws.getCell(1, col).value = `${ind.shortName} (${ind.unit})`;
    ws.getCell(1, col).note = ind.name;
    if (ms.length > 1) {
      ws.mergeCells(1, col, 1, col + ms.length - 1);
      ws.mergeCells(3, col, 3, col + ms.length - 1);
    }
    ws.getCell(3, col).value = ind.code;
    for (const m of ms) {
      ws.getCell(2, col).value = MEASURE_LABEL[m];
      columns.push({ code: ind.code, measure: m });
      ws.getColumn(col).width = ms.length > 1 ? 9 : 12;
      col++;
    }
  }
  for (let r = 1; r <= HEADER_ROWS; r++) {
    const row = ws.getRow(r);
    row.font = r === 3 ? { size: 8, color: { argb: 'FF7F7F7F' } } : { bold: true };
    row.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    for (let c = 1; c < col; c++) row.getCell(c).border = border;
  }
  ws.getRow(1).height = 66;
  ws.getColumn(1).width = 8;
  ws.getColumn(2).width = 30;
  ws.getColumn(3).width = 26;
  ws.getColumn(4).width = 18;
  return columns;
}

/**
 * One prototype row per kind of unit row (reported, missing), styled, under the header: raw-rows.ts writes the
 * unit rows over them. `kinds` in the order the rows first show them.
 */
function addPrototypeRows(ws: ExcelJS.Worksheet, units: UnitFigures[], col: number, numFmt: (c: number) => string) {
  const fixed = LEVEL_FIXED;
  // One style object per kind of cell, shared by the cells of a prototype row: exceljs files a style once per object.
  // (No row-level setter may touch these rows: it would change the shared object.)
  const rowStyles = (font?: Partial<ExcelJS.Font>) => {
    const f = font ? { font } : {};
    return {
      code: { numFmt: '@', ...f },
      plain: { ...f },
      figure: [...Array(col).keys()].map((c) => (c > fixed.length ? { numFmt: numFmt(c), ...f } : f)),
    };
  };
  const reported = rowStyles();
  const missing = rowStyles({ color: { argb: 'FF9A9A9A' }, italic: true });
  const styleOf = (u: UnitFigures) => (u.source === 'missing' ? missing : reported);
  // The kinds in the order the rows first show them, so exceljs files their styles in the order it always has.
  const kinds = [...new Set(units.map(styleOf))];
  const first = HEADER_ROWS + 1;
  kinds.forEach((style, k) => {
    const row = ws.getRow(first + k);
    row.getCell(1).style = style.code;
    for (let c = 2; c <= fixed.length; c++) row.getCell(c).style = style.plain;
    for (let c = fixed.length + 1; c < col; c++) row.getCell(c).style = style.figure[c]!;
  });
  return { kinds, styleOf };
}

/** The total of the rows shown, as a formula a person can follow; empty where no unit has the figure. */
function addLevelTotal(
  ws: ExcelJS.Worksheet,
  units: UnitFigures[],
  columns: { code: string; measure: Measure }[],
  numFmt: (c: number) => string,
  first: number,
  last: number,
): void {
  const fixed = LEVEL_FIXED;
  const col = fixed.length + columns.length + 1;
  const total = ws.getRow(last + 1);
  ['', 'Tổng cộng', '', ''].forEach((v, i) => (total.getCell(i + 1).value = v));
  for (let c = fixed.length + 1; c < col; c++) {
    const { code, measure } = columns[c - fixed.length - 1]!;
    const values = units.map((u) => u.values[code]?.[measure]).filter((v): v is number => typeof v === 'number');
    if (!values.length) continue;
    const letter = ws.getColumn(c).letter;
    const result = Math.round(values.reduce((a, b) => a + b, 0) * 1000) / 1000;
    total.getCell(c).value = { formula: `SUM(${letter}${first}:${letter}${last})`, result };
    total.getCell(c).numFmt = numFmt(c);
  }
  total.font = { bold: true };
  for (let c = 1; c < col; c++) total.getCell(c).border = { top: { style: 'double' }, bottom: thin };
}

/**
 * Every file with its status and why, then the units without figures, with figures still partial, and late.
 * exceljs writes the title and header rows and one prototype row per kind of row; the rows themselves are the
 * block returned (a country's run lists thousands of files).
 */
function addSubmissionStatusSheet(wb: ExcelJS.Workbook, rollup: Rollup, hierarchy: Hierarchy): RawRowBlock {
  const ws = addStatusSheetHead(wb, rollup);
  const kinds = statusRowKinds();
  const rows: (StatusRow | null)[] = [
    ...rollup.files.map((f) => fileStatusRow(f, hierarchy, kinds)),
    ...unitStatusRows(rollup.completeness, kinds),
  ];
  return statusRowBlock(ws, rows);
}

/** The status sheet with its page, its columns, the title and figure lines and the column headers. */
function addStatusSheetHead(wb: ExcelJS.Workbook, rollup: Rollup): ExcelJS.Worksheet {
  const ws = wb.addWorksheet('Tình hình nộp báo cáo', {
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `${STATUS_HEADER_ROW}:${STATUS_HEADER_ROW}`,
    },
  });
  ws.columns = [{ width: 34 }, { width: 11 }, { width: 26 }, { width: 15 }, { width: 80 }, { width: 34 }];
  const { completeness: c } = rollup;
  ws.getCell('A1').value = `TÌNH HÌNH NỘP BÁO CÁO – ${rollup.periodLabel.toUpperCase()}`;
  ws.getCell('A1').font = { bold: true, size: 13 };
  ws.getCell('A2').value =
    `Đã có số liệu của ${c.received}/${c.expected} đơn vị${c.expected ? ` (${formatPercent(c.received / c.expected)})` : ''}`;
  ws.getCell('A3').value = `Mã lần tổng hợp: ${rollup.runId ?? ''}`;
  const header = ws.getRow(STATUS_HEADER_ROW);
  ['Tệp', 'Mã đơn vị', 'Tên đơn vị', 'Trạng thái', 'Lỗi / lý do', 'Thay bằng tệp'].forEach(
    (h, i) => (header.getCell(i + 1).value = h),
  );
  header.font = { bold: true };
  return ws;
}

/**
 * The kinds of row of the status sheet, each a style per column. New objects for each workbook: exceljs files one
 * style per object.
 */
function statusRowKinds() {
  const top = { vertical: 'top', wrapText: true } as const;
  const fileKind = [
    { alignment: top },
    { alignment: top, numFmt: '@' },
    { alignment: top },
    { alignment: top },
    { alignment: top },
    { alignment: top },
  ];
  return {
    file: fileKind,
    rejected: fileKind.map((st, i) => (i === 3 ? { ...st, font: { bold: true, color: { argb: 'FFC00000' } } } : st)),
    title: [{ font: { bold: true } }],
    unit: [{}, { numFmt: '@' }],
  } satisfies Record<string, Partial<ExcelJS.Style>[]>;
}

type StatusRowKinds = ReturnType<typeof statusRowKinds>;

/** A row of the status sheet; `null` is an empty row between sections. */
interface StatusRow {
  kind: StatusRowKinds[keyof StatusRowKinds];
  cells: (string | null)[];
  height?: number;
}

/** A file's row: its path, unit, status, and its errors and warnings (or why it was set aside). */
function fileStatusRow(f: FileOutcome, hierarchy: Hierarchy, kinds: StatusRowKinds): StatusRow {
  const detail =
    f.status === 'ignored' || f.status === 'superseded'
      ? (f.reason ?? '')
      : [
          ...(f.errors ?? []).map((e) => `Lỗi: ${e.message}`),
          ...(f.warnings ?? []).map((w) => `Cảnh báo: ${w.message}`),
        ].join('\n');
  // Wrapped text does not grow the row by itself in every program: size it from the text.
  const lines = detail.split('\n').reduce((n, l) => n + Math.max(1, Math.ceil(l.length / 95)), 0);
  return {
    kind: f.status === 'rejected' ? kinds.rejected : kinds.file,
    cells: [
      f.path,
      f.unit ?? null,
      f.unit ? (hierarchy.byCode.get(f.unit)?.name ?? null) : null,
      STATUS_LABEL[f.status],
      detail || null,
      f.supersededBy ?? null,
    ],
    // Excel's rows are at most 409 points high.
    height: Math.min(409, Math.max(15, 15 * lines)),
  };
}

/** The sections under the files: units without figures (always), with figures still partial, and late. */
function unitStatusRows(c: Rollup['completeness'], kinds: StatusRowKinds): (StatusRow | null)[] {
  const rows: (StatusRow | null)[] = [];
  const section = (title: string, units: (string | null)[][]) => {
    rows.push(null, { kind: kinds.title, cells: [title] });
    for (const cells of units) rows.push({ kind: kinds.unit, cells: [null, ...cells] });
  };
  section(
    `Đơn vị chưa có số liệu (${c.missing.length})`,
    c.missing.map((m) => [m.code, m.name, 'Chưa nộp']),
  );
  if (c.partial.length)
    section(
      `Đơn vị có số liệu chưa đầy đủ (${c.partial.length})`,
      c.partial.map((p) => [
        p.code,
        p.name,
        `${p.reported}/${p.expected}`,
        `Chưa có: ${p.missing.map((m) => `${m.code} ${m.name}`).join('; ')}`,
      ]),
    );
  if (c.late.length)
    section(
      `Đơn vị nộp muộn (${c.late.length})`,
      c.late.map((l) => [l.code, l.name, `Lập ngày ${l.preparedOn.split('-').reverse().join('/')}`]),
    );
  return rows;
}

/** One prototype row per kind under the header, and the rows as the block raw-rows.ts writes over them. */
function statusRowBlock(ws: ExcelJS.Worksheet, rows: (StatusRow | null)[]): RawRowBlock {
  const first = STATUS_HEADER_ROW + 1;
  // The kinds in the order the rows first show them, each a prototype row where the block starts.
  const kinds = [...new Set(rows.flatMap((r) => (r ? [r.kind] : [])))];
  kinds.forEach((kind, k) => kind.forEach((style, i) => (ws.getRow(first + k).getCell(i + 1).style = style)));
  return {
    sheet: ws.name,
    first,
    count: rows.length,
    row: (i) => {
      const r = rows[i]!;
      return r && { kind: kinds.indexOf(r.kind), cells: r.cells, height: r.height };
    },
  };
}

/** The status sheet's column headers: under the title and two lines of figures, repeated on every printed page. */
const STATUS_HEADER_ROW = 5;
