import ExcelJS from 'exceljs';
import { MEASURE_LABEL, type Catalogue, type Indicator, type Level, type Measure } from '../catalogue/catalogue.js';
import { ruleSentences } from '../catalogue/rule-words.js';
import {
  BREAKDOWN_HEADING,
  COLUMNS as FORM_COLUMNS,
  HEADER_OF,
  INFO_FIELDS,
  NARRATIVE_LABELS,
  SHEET,
  type Column,
} from '../form/layout.js';
import type { Figures, Narrative, NarrativeKey, Period, SubmissionInfo } from '../model.js';
import { guideRuleLines } from '../rules/docs.js';
import { formLines as lines, type FormLine } from '../form/lines.js';
import { typingChecks, type TypingCheck } from './typing-checks.js';

export interface SubmissionWorkbookInput {
  catalogue: Catalogue;
  unit: { code: string; name: string };
  period: Period;
  /** When given, figures are written (null → empty cell); the blank template has none. */
  figures?: Figures;
  /** Ghi chú per indicator code. */
  notes?: Record<string, string>;
  narrative?: Narrative;
  info?: Partial<{
    preparedBy: string;
    phone: string;
    preparedOn: Date;
    head: string;
    scope: string;
    agency: string;
    coverage: string;
    coveredUnits: string;
    runId: string;
    madeBy: string;
  }>;
  /** The level that fills this form (a commune, or the province's own submission): other levels' rows are greyed. */
  level?: Level;
  /** Overrides the title line (the consolidated summary uses it). */
  title?: string;
  /** Red fill and a note on a figure that breaks a rule as it is typed (typing-checks.ts); a summary has none. */
  typingChecks?: boolean;
}

/** The columns of `Số liệu` in the order of the form layout (src/core/form/layout.ts). */
const COLUMNS: Column[] = FORM_COLUMNS.map((c) => c.key);
const LETTER = Object.fromEntries(COLUMNS.map((c, i) => [c, String.fromCharCode(65 + i)])) as Record<Column, string>;
const WIDTH: Record<Column, number> = { stt: 5, code: 9, name: 58, unit: 11, total: 12, nu: 11, dtts: 11, note: 22 };
const HEADER_ROW = 4;
const FIRST_DATA_ROW = HEADER_ROW + 2;

const GREY = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9D9D9' } } as const;
const HEADING_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } } as const;
const INPUT_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFFFF0' } } as const;
const thin = { style: 'thin' as const };
const BORDER = { top: thin, left: thin, bottom: thin, right: thin };
const FONT = 'Times New Roman';
/**
 * Counts with grouping (1.234 in a Vietnamese locale); money in million VND with one to three decimals. Not
 * `#,##0.###`: Excel prints a whole amount with a dangling separator ("1.210,").
 */
export const NUMBER_FORMAT: Record<Indicator['kind'], string> = { count: '#,##0', money: '#,##0.0##' };

export interface Layout {
  headerRow: number;
  firstDataRow: number;
  columns: Record<Column, string>;
  /** Row of each indicator code in `Số liệu`. */
  rowOf: Map<string, number>;
}

/**
 * Height in points of a row whose cells wrap: files carry explicit heights because programs do not re-measure
 * wrapped text they did not lay out. `texts` pairs a text with its column width. About 1.35 lower-case characters
 * of 12 pt Times New Roman fit in one unit of width (measured in LibreOffice with the metric-compatible Liberation
 * Serif) less the cell padding; 1.3 is used so that text is never cut off, and capitals and digits count as 1.4.
 */
function rowHeight(...texts: [string | undefined | null, number][]): number {
  const linesOf = (text: string, width: number) =>
    text
      .split('\n')
      .reduce(
        (n, part) =>
          n +
          Math.max(1, Math.ceil((part.length + 0.4 * (part.match(/[\p{Lu}\d]/gu)?.length ?? 0)) / ((width - 2) * 1.3))),
        0,
      );
  const count = Math.max(1, ...texts.map(([text, width]) => (text ? linesOf(text, width) : 1)));
  return count === 1 ? 18 : Math.min(409, 16 * count + 3); // 409 pt: Excel's tallest row
}

export function submissionLayout(catalogue: Catalogue): Layout {
  const rowOf = new Map<string, number>();
  lines(catalogue).forEach((l, i) => {
    if (l.kind === 'indicator') rowOf.set(l.ind.code, FIRST_DATA_ROW + i);
  });
  return { headerRow: HEADER_ROW, firstDataRow: FIRST_DATA_ROW, columns: LETTER, rowOf };
}

/**
 * The submission workbook of docs/submission-workbook.md, entirely from the catalogue: the blank template, a filled
 * sample, and the `Thông tin`/`Số liệu` of a consolidated summary are all this one workbook.
 */
export function buildSubmissionWorkbook(input: SubmissionWorkbookInput): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'bdg';
  addInfoSheet(wb, input);
  addFiguresSheet(wb, input);
  addNarrativeSheet(wb, input.narrative);
  addGuideSheet(wb, input.catalogue, input.typingChecks !== false);
  return wb;
}

function addInfoSheet(wb: ExcelJS.Workbook, input: SubmissionWorkbookInput): void {
  const ws = wb.addWorksheet(SHEET.info, {
    properties: { tabColor: { argb: 'FF1F4E79' } },
    pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = [{ width: 24 }, { width: 40 }, { width: 48 }];
  const values: Partial<Record<keyof SubmissionInfo, ExcelJS.CellValue>> = {
    unitCode: input.unit.code,
    unitName: input.unit.name || null,
    period: input.period.label,
    version: input.catalogue.version,
    ...input.info,
  };
  // A summary's coverage and run rows only where they are given: a unit's blank form has none.
  const fields = INFO_FIELDS.filter((f) => (!f.summaryOnly && !f.ownOnly) || values[f.key] != null);
  const rows = fields.map((f) => [f.label, values[f.key] ?? null, f.hint, f.required] as const);
  for (const [label, value, hint, required] of rows) {
    const row = ws.addRow([label, value, hint]);
    row.getCell(1).font = { name: FONT, size: 12, bold: required };
    row.getCell(2).font = { name: FONT, size: 12 };
    row.getCell(2).alignment = { horizontal: 'left', vertical: 'middle' };
    row.getCell(3).font = { name: FONT, size: 10, italic: true, color: { argb: 'FF7F7F7F' } };
    row.getCell(2).border = BORDER;
    if (required) row.getCell(1).fill = HEADING_FILL;
  }
  // The code stays text so "058" keeps its zero; the date is a real date shown the Vietnamese way.
  const rowOfField = (key: keyof SubmissionInfo) => fields.findIndex((f) => f.key === key) + 1;
  ws.getCell(`B${rowOfField('unitCode')}`).numFmt = '@';
  // "7/8" and lists of codes stay text, never a date or a number; a long list of codes wraps in its cell.
  fields.forEach((f, i) => {
    if (!f.summaryOnly) return;
    const cell = ws.getCell(`B${i + 1}`);
    cell.numFmt = '@';
    cell.alignment = { horizontal: 'left', vertical: 'top', wrapText: true };
    const lines = Math.ceil(String(values[f.key]).length / 44);
    if (lines > 1) ws.getRow(i + 1).height = Math.min(409, 15 * lines + 3);
  });
  const dateAt = `B${rowOfField('preparedOn')}`;
  const dateCell = ws.getCell(dateAt);
  dateCell.numFmt = DATE_FORMAT;
  // Excel set to a month-first locale keeps a typed "15/12/2024" as text, which a date-type validation would refuse:
  // a real date (shown dd/mm/yyyy by the format) or the text dd/mm/yyyy are both accepted, as the reader reads both.
  const day = (from: number, length: number) => `--MID(${dateAt},${from},${length})`;
  dateCell.dataValidation = {
    type: 'custom',
    formulae: [
      `OR(AND(ISNUMBER(${dateAt}),${dateAt}>36526),AND(LEN(${dateAt})=10,MID(${dateAt},3,1)="/",MID(${dateAt},6,1)="/",` +
        `${day(1, 2)}>=1,${day(1, 2)}<=31,${day(4, 2)}>=1,${day(4, 2)}<=12,${day(7, 4)}>=2000))`,
    ],
    allowBlank: true,
    showInputMessage: true,
    promptTitle: 'Ngày lập',
    prompt: 'Ngày/tháng/năm (dd/mm/yyyy), ví dụ 15/12/2024.',
    showErrorMessage: true,
    errorTitle: 'Ngày không hợp lệ',
    error: 'Nhập ngày dạng dd/mm/yyyy (ngày trước, tháng sau), ví dụ 15/12/2024.',
  };
}

/** A figure cell that takes a number ≥ 0 (whole for counts) or "không phát sinh"/KPS. */
function kpsValidation(cell: ExcelJS.Cell, ind: Indicator, m: 'total' | 'nu' | 'dtts'): ExcelJS.DataValidation {
  const at = cell.address;
  const number =
    ind.kind === 'count' ? `AND(ISNUMBER(${at}),${at}>=0,INT(${at})=${at})` : `AND(ISNUMBER(${at}),${at}>=0)`;
  const what =
    ind.kind === 'count' ? `Số nguyên ≥ 0 (${ind.unit})` : 'Số tiền bằng triệu đồng, ≥ 0, tối đa 3 chữ số thập phân';
  return {
    type: 'custom',
    formulae: [`OR(${number},LOWER(TRIM(${at}))="không phát sinh",LOWER(TRIM(${at}))="kps")`],
    allowBlank: true,
    showInputMessage: true,
    promptTitle: `${ind.code} – ${ind.kind === 'count' ? MEASURE_LABEL[m] : 'triệu đồng'}`,
    prompt: `${what}. Để trống nếu không có số liệu; ghi 0 nếu bằng không; ghi "không phát sinh" nếu việc này không phát sinh ở đơn vị.`,
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: 'Số không hợp lệ',
    error: 'Nhập số không âm (không gõ chữ hay đơn vị), hoặc "không phát sinh".',
  };
}

const LEVEL_WORDS: Record<Level, string> = { xa: 'đơn vị cấp xã', tinh: 'cơ quan, đơn vị cấp tỉnh' };

/** A cell of a row another level fills: greyed; empty or "không phát sinh" only (form-2026.md §3). */
function greyForLevel(cell: ExcelJS.Cell, ind: Indicator): void {
  const at = cell.address;
  cell.fill = GREY;
  cell.protection = { locked: true };
  cell.dataValidation = {
    type: 'custom',
    formulae: [`OR(LEN(${at})=0,LOWER(TRIM(${at}))="không phát sinh",LOWER(TRIM(${at}))="kps")`],
    allowBlank: true,
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: 'Không áp dụng',
    error: `Chỉ tiêu ${ind.code} do ${ind.levels.map((l) => LEVEL_WORDS[l]).join(' và ')} báo cáo. Để trống ô này.`,
  };
}

/** Day, month, year, with the slash itself (not the computer's date separator, which "/" stands for in a format). */
export const DATE_FORMAT = 'dd\\/mm\\/yyyy';

function addFiguresSheet(wb: ExcelJS.Workbook, input: SubmissionWorkbookInput): void {
  const { catalogue } = input;
  const ws = wb.addWorksheet(SHEET.data, {
    views: [{ state: 'frozen', xSplit: 3, ySplit: HEADER_ROW + 1, topLeftCell: `D${FIRST_DATA_ROW}` }],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `${HEADER_ROW}:${HEADER_ROW + 1}`,
      margins: { left: 0.5, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
  });
  ws.columns = COLUMNS.map((c) => ({ key: c, width: WIDTH[c] }));
  addFiguresTitles(ws, input);
  addFiguresHeader(ws);
  // An edition with levels (2026 on) takes "không phát sinh" in a figure cell (form-2026.md §4).
  const levelled = catalogue.indicators.some((i) => i.levels.length < 2);
  lines(catalogue).forEach((line, i) => {
    const r = FIRST_DATA_ROW + i;
    if (line.kind !== 'indicator') writeHeadingLine(ws, r, line);
    else writeIndicatorLine(ws.getRow(r), line, input, levelled);
  });
  if (input.typingChecks !== false) addTypingChecks(ws, catalogue);
  // Protection keeps the greyed cells and the codes as they are; no password, so a user can lift it if needed.
  void ws.protect('', {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatColumns: true,
    formatRows: true,
    formatCells: true,
  });
}

/** The three title lines above the figures: the form's title, whose figures for which period, how to fill in. */
function addFiguresTitles(ws: ExcelJS.Worksheet, input: SubmissionWorkbookInput): void {
  const last = LETTER.note;
  const title = (row: number, text: string, font: Partial<ExcelJS.Font>) => {
    ws.mergeCells(`A${row}:${last}${row}`);
    const cell = ws.getCell(`A${row}`);
    cell.value = text;
    cell.font = { name: FONT, ...font };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  };
  title(1, input.title ?? 'BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN CÔNG TÁC BÌNH ĐẲNG GIỚI VÀ DỰ ÁN 8', {
    size: 13,
    bold: true,
  });
  ws.getRow(1).height = 34;
  const who = input.info?.scope ? `${input.info.scope}${input.info.agency ? ` (${input.info.agency})` : ''} – ` : '';
  title(
    2,
    `Đơn vị: ${who}${input.unit.name || '…………………'} (mã ${input.unit.code}) – Kỳ báo cáo: ${input.period.label}`,
    { size: 12, italic: true },
  );
  title(3, 'Ô xám: không áp dụng. Để trống nếu không có số liệu; ghi 0 nếu số liệu bằng không.', {
    size: 10,
    italic: true,
    color: { argb: 'FF595959' },
  });
}

/** The figures' header over two rows. */
function addFiguresHeader(ws: ExcelJS.Worksheet): void {
  // Two-row header: "Trong đó" over Nữ and DTTS; every other header merged down both rows.
  const headers = HEADER_OF;
  for (const c of COLUMNS) {
    if (c === 'nu' || c === 'dtts') {
      ws.getCell(`${LETTER[c]}${HEADER_ROW + 1}`).value = headers[c];
      continue;
    }
    ws.getCell(`${LETTER[c]}${HEADER_ROW}`).value = headers[c];
    ws.mergeCells(`${LETTER[c]}${HEADER_ROW}:${LETTER[c]}${HEADER_ROW + 1}`);
  }
  ws.getCell(`${LETTER.nu}${HEADER_ROW}`).value = BREAKDOWN_HEADING;
  ws.mergeCells(`${LETTER.nu}${HEADER_ROW}:${LETTER.dtts}${HEADER_ROW}`);
  for (const r of [HEADER_ROW, HEADER_ROW + 1])
    for (const c of COLUMNS) {
      const cell = ws.getCell(`${LETTER[c]}${r}`);
      cell.font = { name: FONT, size: 12, bold: true };
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      cell.fill = HEADING_FILL;
      cell.border = BORDER;
    }
}

/** A section or group heading across the row. */
function writeHeadingLine(ws: ExcelJS.Worksheet, r: number, line: Exclude<FormLine, { kind: 'indicator' }>): void {
  const last = LETTER.note;
  const row = ws.getRow(r);
  ws.mergeCells(`${LETTER.name}${r}:${last}${r}`);
  row.getCell(LETTER.name).value = line.text;
  for (const c of COLUMNS) {
    const cell = row.getCell(LETTER[c]);
    cell.font = { name: FONT, size: 12, bold: true, italic: line.kind === 'section' };
    cell.border = BORDER;
    cell.alignment = { vertical: 'middle', wrapText: true };
    if (line.kind === 'group') cell.fill = HEADING_FILL;
  }
  row.height = rowHeight([line.text, WIDTH.name + WIDTH.unit + WIDTH.total + WIDTH.nu + WIDTH.dtts + WIDTH.note]);
}

/** An indicator's row: its names, and its figure cells open, greyed or holding the figures given. */
function writeIndicatorLine(
  row: ExcelJS.Row,
  line: Extract<FormLine, { kind: 'indicator' }>,
  input: SubmissionWorkbookInput,
  levelled: boolean,
): void {
  const { ind } = line;
  row.getCell(LETTER.stt).value = line.stt;
  row.getCell(LETTER.code).value = ind.code;
  row.getCell(LETTER.name).value = ind.name;
  row.getCell(LETTER.unit).value = ind.unit;
  row.getCell(LETTER.note).value = input.notes?.[ind.code] ?? null;
  row.height = rowHeight([ind.name, WIDTH.name], [input.notes?.[ind.code], WIDTH.note]);
  for (const c of COLUMNS) {
    const cell = row.getCell(LETTER[c]);
    cell.font = { name: FONT, size: 12 };
    cell.border = BORDER;
    cell.alignment = {
      vertical: 'middle',
      wrapText: c === 'name' || c === 'note',
      horizontal: c === 'stt' || c === 'code' || c === 'unit' ? 'center' : undefined,
    };
  }
  row.getCell(LETTER.note).protection = { locked: false };
  const otherLevel = input.level !== undefined && !ind.levels.includes(input.level);
  for (const m of ['total', 'nu', 'dtts'] as const) {
    const cell = row.getCell(LETTER[m]);
    if (otherLevel) {
      greyForLevel(cell, ind);
      continue;
    }
    if (m !== 'total' && !ind.breakdowns.includes(m)) {
      cell.fill = GREY;
      cell.protection = { locked: true };
      cell.dataValidation = {
        type: 'textLength',
        operator: 'equal',
        formulae: [0],
        allowBlank: true,
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: 'Không áp dụng',
        error: `Chỉ tiêu ${ind.code} không tách theo "${MEASURE_LABEL[m]}". Để trống ô này.`,
      };
      continue;
    }
    cell.protection = { locked: false };
    cell.fill = INPUT_FILL;
    cell.numFmt = NUMBER_FORMAT[ind.kind];
    const v = input.figures?.[ind.code]?.[m];
    if (v !== undefined && v !== null) cell.value = v;
    if (levelled) {
      cell.dataValidation = kpsValidation(cell, ind, m);
      continue;
    }
    cell.dataValidation = figureValidation(ind, m);
  }
}

/** What Excel lets a figure cell of an edition without levels hold: a whole number, or money in triệu đồng. */
function figureValidation(ind: Indicator, m: Measure): ExcelJS.DataValidation {
  return ind.kind === 'count'
    ? {
        type: 'whole',
        operator: 'greaterThanOrEqual',
        formulae: [0],
        allowBlank: true,
        showInputMessage: true,
        promptTitle: `${ind.code} – ${MEASURE_LABEL[m]}`,
        prompt: `Số nguyên ≥ 0 (${ind.unit}). Để trống nếu không có số liệu; ghi 0 nếu bằng không.`,
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: 'Số không hợp lệ',
        error: 'Chỉ nhập số nguyên không âm, không gõ chữ hay đơn vị.',
      }
    : {
        type: 'decimal',
        operator: 'greaterThanOrEqual',
        formulae: [0],
        allowBlank: true,
        showInputMessage: true,
        promptTitle: `${ind.code} – triệu đồng`,
        prompt: 'Số tiền bằng triệu đồng, ≥ 0, tối đa 3 chữ số thập phân. Để trống nếu không có số liệu.',
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: 'Số tiền không hợp lệ',
        error: 'Nhập số tiền (triệu đồng) không âm, ví dụ 1643,5.',
      };
}

/** The column beside `Ghi chú` where the notes of typing-checks.ts appear. */
const CHECK_COLUMN = 'I';
const CHECK_HEADER = 'Kiểm tra khi nhập';
const RED = {
  type: 'pattern',
  pattern: 'solid',
  bgColor: { argb: 'FFFF9999' },
  fgColor: { argb: 'FFFF9999' },
} as const;

/**
 * Conditional formats that turn a figure red while it breaks a rule, and a formula beside each row that says
 * which: the checks are the edition's (typing-checks.ts), in functions every program evaluates.
 */
function addTypingChecks(ws: ExcelJS.Worksheet, catalogue: Catalogue): void {
  const layout = submissionLayout(catalogue);
  const checks = typingChecks(catalogue, {
    columns: { total: LETTER.total, nu: LETTER.nu, dtts: LETTER.dtts },
    rowOf: layout.rowOf,
  });
  const byCell = new Map<string, string[]>();
  const byRow = new Map<number, TypingCheck[]>();
  for (const c of checks) {
    byCell.set(c.cell, [...(byCell.get(c.cell) ?? []), c.condition]);
    byRow.set(c.row, [...(byRow.get(c.row) ?? []), c]);
  }
  let priority = 1;
  for (const [cell, conditions] of byCell)
    ws.addConditionalFormatting({
      ref: cell,
      rules: [
        {
          type: 'expression',
          priority: priority++,
          formulae: [conditions.length === 1 ? conditions[0]! : `OR(${conditions.join(',')})`],
          style: { fill: RED, font: { color: { argb: 'FF9C0006' }, bold: true } },
        },
      ],
    });
  ws.getColumn(CHECK_COLUMN).width = 34;
  const header = ws.getCell(`${CHECK_COLUMN}${HEADER_ROW}`);
  header.value = CHECK_HEADER;
  ws.mergeCells(`${CHECK_COLUMN}${HEADER_ROW}:${CHECK_COLUMN}${HEADER_ROW + 1}`);
  header.font = { name: FONT, size: 12, bold: true };
  header.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  header.fill = HEADING_FILL;
  header.border = BORDER;
  const quoted = (text: string) => `"${text.slice(0, 250).replace(/"/g, '""')}"`;
  for (const [row, list] of byRow) {
    const cell = ws.getCell(`${CHECK_COLUMN}${row}`);
    cell.value = {
      formula: list.map((c) => `IF(${c.condition},${quoted(`${c.note} `)},"")`).join('&'),
    } as ExcelJS.CellFormulaValue;
    cell.font = { name: FONT, size: 10, color: { argb: 'FF9C0006' } };
    cell.alignment = { vertical: 'middle', wrapText: true };
    cell.border = BORDER;
  }
  // Programs compute the notes when the file is opened (the file carries no results of its own).
  ws.workbook.calcProperties.fullCalcOnLoad = true;
}

function addNarrativeSheet(wb: ExcelJS.Workbook, narrative: Narrative | undefined): void {
  const ws = wb.addWorksheet(SHEET.narrative, {
    pageSetup: { paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = [{ width: 30 }, { width: 100 }];
  for (const [key, label] of Object.entries(NARRATIVE_LABELS) as [NarrativeKey, string][]) {
    const row = ws.addRow([label, narrative?.[key] ?? null]);
    row.getCell(1).font = { name: FONT, size: 12, bold: true };
    row.getCell(2).font = { name: FONT, size: 12 };
    row.getCell(1).alignment = { vertical: 'top', wrapText: true };
    row.getCell(2).alignment = { vertical: 'top', wrapText: true };
    row.getCell(2).border = BORDER;
    row.getCell(2).protection = { locked: false };
    row.height = Math.max(60, rowHeight([narrative?.[key], 100])); // room to write in
  }
}

/** One line of the guide: its text and its depth (0 title or numbered step, 1 bullet, 2 item of a list). */
type GuideLine = [text: string, depth: 0 | 1 | 2, bold?: boolean];

function addGuideSheet(wb: ExcelJS.Workbook, catalogue: Catalogue, withTypingChecks: boolean): void {
  const ws = wb.addWorksheet(SHEET.guide, {
    pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = [{ width: 110 }];
  writeGuideLines(ws, guideLines(catalogue, withTypingChecks));
}

/** The guide's lines (text, depth, bold): how to fill each sheet, the edition's checks, the rules' summaries. */
function guideLines(catalogue: Catalogue, withTypingChecks: boolean): GuideLine[] {
  const { errors, warnings } = ruleSentences(catalogue);
  const rules = guideRuleLines();
  return [
    ['HƯỚNG DẪN ĐIỀN BIỂU MẪU', 0, true],
    [
      `Biểu mẫu phiên bản ${catalogue.version}. Mỗi đơn vị điền một tệp cho một kỳ báo cáo, rồi gửi chính tệp .xlsx này (không in ra PDF, không lưu sang .xls).`,
      0,
    ],
    [
      '1. Sheet "Thông tin": Mã đơn vị, Tên đơn vị, Kỳ báo cáo và Phiên bản biểu mẫu là bắt buộc (đã điền sẵn, không sửa phiên bản). Điền thêm người lập biểu, điện thoại, thủ trưởng đơn vị và Ngày lập (dd/mm/yyyy, ví dụ 15/12/2024).',
      0,
    ],
    [
      '• Ghi Ngày lập mỗi lần gửi: khi gửi lại bản sửa, ngày lập là cách duy nhất biết bản nào gửi sau. Thiếu ngày lập sẽ có cảnh báo, và hai bản không phân biệt được thì không bản nào được tổng hợp.',
      1,
    ],
    [
      '2. Sheet "Số liệu": mỗi dòng là một chỉ tiêu, nhận biết bằng cột "Mã số". Không sửa, không xóa, không chép trùng mã số; có thể thêm dòng trống hay đổi độ rộng cột.',
      0,
    ],
    [
      '• Chỉ nhập số vào các ô màu nhạt: cột Tổng số, và cột Nữ, DTTS khi chỉ tiêu có tách. Ô xám là không áp dụng: để trống.',
      1,
    ],
    [
      '• Để trống khi không có số liệu; ghi 0 khi số liệu bằng không. Hai trường hợp này khác nhau khi tổng hợp: ô trống không được tính là 0.',
      1,
    ],
    [
      '• Biểu mẫu chưa có số liệu nào (mọi ô số liệu để trống) chưa phải là báo cáo: tệp bị báo lỗi, không được tiếp nhận, và đơn vị vẫn được tính là chưa có số liệu.',
      1,
    ],
    ['• Không gõ chữ hay đơn vị vào ô số (không ghi "10 người", "x", "không"); giải thích đưa vào cột Ghi chú.', 1],
    [
      '• Số người, số cuộc là số nguyên. Số viết kiểu Việt Nam: 1.234 là một nghìn hai trăm ba mươi tư. Kinh phí ghi bằng triệu đồng, dấu phẩy cho phần thập phân, tối đa 3 chữ số (1.643,5).',
      1,
    ],
    ['• Số "Trong đó" (Nữ, DTTS) không lớn hơn Tổng số của cùng dòng.', 1],
    ...(withTypingChecks
      ? [
          [
            `• Ô số liệu tự tô đỏ khi số vừa nhập chưa hợp lệ; cột "${CHECK_HEADER}" bên phải ghi lý do. Sửa cho hết ô đỏ trước khi gửi.`,
            1,
          ] as GuideLine,
        ]
      : []),
    ...(errors.length
      ? ([
          ['• Các ràng buộc giữa các chỉ tiêu (sai là lỗi, tệp không được tiếp nhận):', 1],
          ...errors.map((t) => [`– ${t}`, 2]),
        ] as GuideLine[])
      : []),
    ...(warnings.length
      ? ([
          ['• Các điểm sẽ được nhắc xem lại (cảnh báo, không chặn việc tiếp nhận):', 1],
          ...warnings.map((t) => [`– ${t}`, 2]),
        ] as GuideLine[])
      : []),
    [
      `3. Sheet "Thuyết minh": viết ngắn gọn vào cột B: ${Object.values(NARRATIVE_LABELS)
        .map((l) => l.toLowerCase())
        .join('; ')}.`,
      0,
    ],
    [
      '4. Trước khi gửi, kiểm tra tệp trên trang kiểm tra bdg.html (cấp trên gửi cùng biểu mẫu hoặc đăng trên cổng thông tin): mở trang bằng Chrome, Edge, Cốc Cốc hoặc Firefox, chọn mục "Kiểm tra tệp" rồi chọn tệp này. Trang chạy ngay trên máy, không gửi tệp đi đâu.',
      0,
    ],
    [
      'Trang chỉ ra từng lỗi theo thứ tự trên sheet (sheet, dòng, cột), kèm cách sửa. Sửa hết lỗi rồi mới gửi; cảnh báo thì xem lại và giải thích ở cột Ghi chú nếu số liệu đúng.',
      0,
    ],
    ['5. Các quy tắc kiểm tra trên sheet và từng ô (mã trong ngoặc vuông được in kèm mỗi thông báo):', 0],
    ['• Lỗi (tệp không được tiếp nhận):', 1],
    ...rules.errors.map((t): GuideLine => [`– ${t}`, 2]),
    ['• Cảnh báo (nên xem lại, không chặn việc tiếp nhận):', 1],
    ...rules.warnings.map((t): GuideLine => [`– ${t}`, 2]),
  ];
}

function writeGuideLines(ws: ExcelJS.Worksheet, text: GuideLine[]): void {
  // Lines are broken here rather than by wrapping: not every program wraps text it did not lay out itself.
  // Depth is the cell's indent, not leading spaces (a program may drop those); a continuation line hangs under
  // the text after its bullet.
  for (const [line, depth, bold] of text) {
    const width = 100 - 4 * depth;
    breakLine(line, width).forEach((part, i) => {
      const row = ws.addRow([part]);
      const cell = row.getCell(1);
      cell.font = { name: FONT, size: bold ? 13 : 12, bold };
      const hang = i > 0 && /^(?:•|–|\d+\.)\s/.test(line);
      cell.alignment = { horizontal: 'left', indent: 2 * depth + (hang ? 1 : 0) }; // indent needs an explicit left
    });
  }
}

/** Splits text at spaces into lines of at most `width` characters. */
function breakLine(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ').filter(Boolean)) {
    if (current && (current + ' ' + word).length > width) {
      lines.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) lines.push(current);
  return lines;
}
