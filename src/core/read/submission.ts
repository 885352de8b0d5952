import ExcelJS from 'exceljs';
import {
  CURRENT_VERSION,
  knownVersions,
  loadCatalogue,
  MEASURE_LABEL,
  type Catalogue,
  type Measure,
} from '../catalogue/catalogue.js';
import { makeIssue, where } from '../issues.js';
import {
  NARRATIVE_LABELS,
  type CellRef,
  type CellValue,
  type IndicatorRow,
  type Issue,
  type NarrativeKey,
  type Submission,
  type SubmissionInfo,
} from '../model.js';
import { parseNumberText } from '../util/number.js';
import { parsePeriodLabel } from '../util/period.js';
import { cleanText, normalizeLabel } from '../util/text.js';
import { cellScalar, cellText } from './cells.js';
import { DEFAULT_LIMITS, openWorkbook, type ReadLimits } from './open-workbook.js';

export const SHEET = { info: 'Thông tin', data: 'Số liệu', narrative: 'Thuyết minh' } as const;

/** Labels of the `Thông tin` sheet (submission-workbook.md). */
const INFO_LABELS: Record<keyof SubmissionInfo, string> = {
  unitCode: 'Mã đơn vị',
  unitName: 'Tên đơn vị',
  period: 'Kỳ báo cáo',
  version: 'Phiên bản biểu mẫu',
  preparedBy: 'Người lập biểu',
  phone: 'Điện thoại',
  preparedOn: 'Ngày lập',
  head: 'Thủ trưởng đơn vị',
  coverage: 'Số đơn vị đã tổng hợp',
  coveredUnits: 'Đơn vị đã tổng hợp',
  runId: 'Mã lần tổng hợp',
  madeBy: 'Lập bởi',
};

type Column = 'code' | 'note' | Measure;

/** Header texts people use for each column the reader needs, compared after normalizeLabel. */
const HEADER_NAMES: Record<Column, string[]> = {
  code: ['mã số', 'mã chỉ tiêu', 'mã'],
  total: ['tổng số', 'tổng', 'tổng cộng'],
  nu: ['nữ', 'số nữ', 'phụ nữ'],
  dtts: ['dtts', 'người dtts', 'dân tộc thiểu số', 'người dân tộc thiểu số', 'số người dtts'],
  note: ['ghi chú'],
};

function headerColumn(text: string): Column | undefined {
  const t = normalizeLabel(text)
    .replace(/\s*\(\d+\)$/, '') // "Tổng số (1)": numbered columns
    .replace(/^trong đó\s*[:\-–]?\s*(?=\S)/, '') // "Trong đó: Nữ" in a one-row header
    .trim();
  for (const [col, names] of Object.entries(HEADER_NAMES) as [Column, string[]][]) if (names.includes(t)) return col;
  return undefined;
}

export interface ReadResult {
  /** null when the file could not be read as a submission at all (see issues). */
  submission: Submission | null;
  /** The catalogue the file was read against. */
  catalogue: Catalogue | null;
  /** Problems of structure and cell content found while reading (errors). */
  issues: Issue[];
}

/** Reads a submission from the bytes of a file; `name` is the file name used in messages. */
export async function readSubmissionBytes(bytes: Uint8Array, name: string, limits: ReadLimits = DEFAULT_LIMITS): Promise<ReadResult> {
  const opened = await openWorkbook(bytes, limits);
  if (!opened.ok) return { submission: null, catalogue: null, issues: [opened.issue] };
  return readSubmission(opened.workbook, name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1));
}

function findSheet(wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet | undefined {
  const want = normalizeLabel(name);
  return wb.worksheets.find((ws) => normalizeLabel(ws.name) === want);
}

/** Reads a loaded workbook following every rule of submission-workbook.md; pure apart from exceljs objects. */
export function readSubmission(wb: ExcelJS.Workbook, file: string): ReadResult {
  const issues: Issue[] = [];
  const sheetNames = wb.worksheets.map((ws) => `"${ws.name}"`).join(', ') || '(không có)';
  const infoSheet = findSheet(wb, SHEET.info);
  const dataSheet = findSheet(wb, SHEET.data);
  for (const [sheet, name] of [
    [infoSheet, SHEET.info],
    [dataSheet, SHEET.data],
  ] as const)
    if (!sheet)
      issues.push(
        makeIssue('sheet-missing', 'error', undefined, `Thiếu sheet "${name}". Tệp có các sheet: ${sheetNames}. Hãy dùng biểu mẫu do bdg template tạo, hoặc đổi tên sheet cho đúng.`),
      );
  if (!infoSheet || !dataSheet) {
    const legacy = legacyEncodedText(wb);
    // Labels typed with a pre-Unicode font read as garbage: say so instead of "sheet missing".
    if (legacy)
      return {
        submission: null,
        catalogue: null,
        issues: [
          makeIssue('legacy-encoding', 'error', undefined, `Tệp dùng bảng mã tiếng Việt cũ (TCVN3/ABC hoặc VNI, ví dụ "${legacy}"), nên không đọc được tên sheet và nhãn. Chuyển mã sang Unicode (Unikey: Công cụ › Chuyển mã, hoặc dùng biểu mẫu mới do bdg template tạo), lưu lại rồi gửi.`, {
            value: legacy,
          }),
        ],
      };
    return { submission: null, catalogue: null, issues };
  }

  const { info, infoRefs } = readInfo(infoSheet, issues);
  let catalogue: Catalogue;
  if (info.version === null) catalogue = loadCatalogue(CURRENT_VERSION);
  else if (knownVersions().includes(info.version)) catalogue = loadCatalogue(info.version);
  else {
    issues.push(
      makeIssue(
        'version-unknown',
        'error',
        infoRefs.version,
        `${where(infoRefs.version)}: phiên bản biểu mẫu "${info.version}" không được hỗ trợ (bdg biết: ${knownVersions().join(', ')}). Hãy chép số liệu sang biểu mẫu mới tạo bằng bdg template.`,
        { value: info.version },
      ),
    );
    return { submission: null, catalogue: null, issues };
  }

  const rows = readFigures(dataSheet, catalogue, issues);
  const narrativeSheet = findSheet(wb, SHEET.narrative);
  const narrative = narrativeSheet ? readNarrative(narrativeSheet) : {};
  return { submission: { file, info, infoRefs, rows, narrative }, catalogue, issues };
}

/**
 * Vietnamese Unicode uses only these Latin-1 letters; TCVN3 (".VnTime") and VNI fonts put Vietnamese letters on
 * other Latin-1 code points ("Sè liÖu", "Soá lieäu"). Any of those in a sheet name or label gives them away.
 */
const VIETNAMESE_LATIN1 = 'àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ';
function isLegacy(text: string): boolean {
  for (const ch of text.normalize('NFC')) if (ch >= '\u00a1' && ch <= '\u00ff' && !VIETNAMESE_LATIN1.includes(ch)) return true;
  return false;
}

function legacyEncodedText(wb: ExcelJS.Workbook): string | null {
  for (const ws of wb.worksheets) {
    if (isLegacy(ws.name)) return ws.name;
    for (let r = 1; r <= Math.min(ws.rowCount, 20); r++) {
      const t = cellText(ws.getRow(r).getCell(1));
      if (isLegacy(t)) return t.slice(0, 40);
    }
  }
  return null;
}

function ref(ws: ExcelJS.Worksheet, address: string): CellRef {
  return { sheet: ws.name.normalize('NFC'), cell: address };
}

function readInfo(ws: ExcelJS.Worksheet, issues: Issue[]) {
  const info: SubmissionInfo = {
    unitCode: null,
    unitName: null,
    period: null,
    version: null,
    preparedBy: null,
    phone: null,
    preparedOn: null,
    head: null,
    coverage: null,
    coveredUnits: null,
    runId: null,
    madeBy: null,
  };
  const infoRefs: Submission['infoRefs'] = {};
  const byLabel = new Map(Object.entries(INFO_LABELS).map(([k, label]) => [normalizeLabel(label), k as keyof SubmissionInfo]));
  ws.eachRow((row) => {
    const key = byLabel.get(normalizeLabel(cellText(row.getCell(1))).replace(/\s*\(\*\)$/, '').replace(/:$/, ''));
    if (!key || infoRefs[key]) return;
    const cell = row.getCell(2);
    const r = ref(ws, cell.address);
    infoRefs[key] = r;
    const s = cellScalar(cell);
    if (s.kind === 'empty') return;
    switch (key) {
      case 'unitCode':
        // A code typed as a number loses its leading zero; the hierarchy pads it back (58 → 058).
        info.unitCode = s.kind === 'number' ? String(s.value) : cleanText(cellText(cell));
        break;
      case 'period': {
        const text = cellText(cell);
        info.period = parsePeriodLabel(s.kind === 'number' ? String(s.value) : text);
        if (!info.period)
          issues.push(
            makeIssue('period-invalid', 'error', r, `${where(r)}: kỳ báo cáo "${cleanText(text)}" không đúng dạng. Ghi "Năm 2024" hoặc "6 tháng đầu năm 2024".`, {
              value: cleanText(text),
            }),
          );
        break;
      }
      case 'preparedOn':
        info.preparedOn = readDate(s);
        if (!info.preparedOn)
          issues.push(
            makeIssue('date-invalid', 'warning', r, `${where(r)}: ngày lập "${cleanText(cellText(cell))}" không đọc được. Ghi ngày dạng dd/mm/yyyy, ví dụ 15/12/2024.`, {
              value: cleanText(cellText(cell)),
            }),
          );
        break;
      default:
        info[key] = cleanText(cellText(cell)) || null;
    }
  });
  const required = [
    ['unitCode', 'mã đơn vị hành chính, ví dụ 655'],
    ['unitName', 'tên đơn vị, ví dụ "Huyện Krông A Na"'],
    ['period', '"Năm 2024" hoặc "6 tháng đầu năm 2024"'],
    ['version', `"${CURRENT_VERSION}"`],
  ] as const;
  for (const [key, hint] of required) {
    if (info[key] !== null || issues.some((i) => i.rule === 'period-invalid' && key === 'period')) continue;
    const r = infoRefs[key];
    const label = INFO_LABELS[key];
    issues.push(
      makeIssue('info-missing', 'error', r ?? { sheet: ws.name.normalize('NFC'), cell: `A${ws.actualRowCount + 1}` }, `Sheet "${ws.name}": thiếu "${label}"${r ? ` (ô ${r.cell} đang trống)` : ''}. Ghi nhãn "${label}" ở cột A và ${hint} ở cột B.`),
    );
  }
  return { info, infoRefs };
}

function readDate(s: ReturnType<typeof cellScalar>): string | null {
  if (s.kind === 'date') return s.value.toISOString().slice(0, 10);
  if (s.kind === 'number' && s.value > 20000 && s.value < 80000) {
    // A date serial the file did not format as a date.
    return new Date(Math.round((s.value - 25569) * 86400000)).toISOString().slice(0, 10);
  }
  if (s.kind !== 'text') return null;
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s.text.trim());
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

interface Header {
  row: number;
  /** Rows the header spans (1 or 2). */
  height: number;
  columns: Partial<Record<Column, number>>;
}

function findHeader(ws: ExcelJS.Worksheet, issues: Issue[]): Header | null {
  const last = Math.min(ws.rowCount, 60);
  for (let r = 1; r <= last; r++) {
    const row = ws.getRow(r);
    let hasCode = false;
    row.eachCell({ includeEmpty: false }, (cell) => {
      if (headerColumn(cellText(cell)) === 'code') hasCode = true;
    });
    if (!hasCode) continue;
    const columns: Header['columns'] = {};
    const next = ws.getRow(r + 1);
    const width = Math.max(row.cellCount, next.cellCount);
    let height = 1;
    for (let c = 1; c <= width; c++) {
      const top = headerColumn(cellText(row.getCell(c)));
      const below = headerColumn(cellText(next.getCell(c)));
      // A second header row splits "Trong đó" into Nữ / DTTS; a vertically merged cell repeats the top text.
      if (below && below !== top) height = 2;
      const col = below ?? top;
      if (!col) continue;
      if (columns[col] !== undefined && columns[col] !== c) {
        const addr = row.getCell(c).address;
        issues.push(
          makeIssue('column-duplicate', 'error', ref(ws, addr), `${where(ref(ws, addr))}: cột "${cellText(row.getCell(c)) || cellText(next.getCell(c))}" xuất hiện hai lần trong dòng tiêu đề. Xóa hoặc đổi tên một cột.`),
        );
        continue;
      }
      columns[col] = c;
    }
    return { row: r, height, columns };
  }
  return null;
}

function readFigures(ws: ExcelJS.Worksheet, catalogue: Catalogue, issues: Issue[]): Map<string, IndicatorRow> {
  const rows = new Map<string, IndicatorRow>();
  const header = findHeader(ws, issues);
  if (!header) {
    issues.push(
      makeIssue('header-missing', 'error', { sheet: ws.name, cell: 'A1' }, `Sheet "${ws.name}" không có dòng tiêu đề chứa ô "Mã số". Thêm lại dòng tiêu đề của biểu mẫu (STT, Mã số, Chỉ tiêu, Đơn vị tính, Tổng số, Nữ, DTTS, Ghi chú).`),
    );
    return rows;
  }
  const needed = new Set<Measure>(['total']);
  for (const ind of catalogue.indicators) for (const b of ind.breakdowns) needed.add(b);
  for (const m of needed)
    if (header.columns[m] === undefined) {
      const r = ref(ws, ws.getRow(header.row).getCell(1).address);
      issues.push(
        makeIssue('column-missing', 'error', r, `Sheet "${ws.name}", dòng tiêu đề ${header.row}: không tìm thấy cột "${MEASURE_LABEL[m]}". Thêm cột này (tiêu đề đúng chữ "${MEASURE_LABEL[m]}") rồi nhập số liệu.`),
      );
    }
  const codeCol = header.columns.code!;
  const first = header.row + header.height;
  // eachRow visits only rows holding values: a million formatted empty rows cost nothing here.
  ws.eachRow((row, r) => {
    if (r < first) return;
    const codeCell = row.getCell(codeCol);
    const raw = cleanText(cellText(codeCell)).toUpperCase().replace(/\s+/g, '');
    if (!raw) return;
    const cellRef = ref(ws, codeCell.address);
    if (!catalogue.byCode.has(raw)) {
      // Section headings, column-number rows ("(2)", "B") and notes carry no code; only code-like text is an error.
      if (/^[A-Z]{2,4}\d*\.\d{1,3}$/.test(raw))
        issues.push(
          makeIssue('code-unknown', 'error', cellRef, `${where(cellRef)}: mã chỉ tiêu "${raw}" không có trong danh mục ${catalogue.version}. Sửa lại mã cho đúng biểu mẫu, hoặc xóa dòng này.`, {
            value: raw,
          }),
        );
      return;
    }
    const prev = rows.get(raw);
    if (prev) {
      issues.push(
        makeIssue('code-duplicate', 'error', cellRef, `${where(cellRef)}: mã ${raw} đã có ở ô ${prev.ref.cell}. Mỗi chỉ tiêu chỉ nhập một dòng: gộp số liệu vào một dòng và xóa dòng thừa.`, {
          indicator: raw,
          value: raw,
        }),
      );
      return;
    }
    const cells: IndicatorRow['cells'] = {};
    for (const m of ['total', 'nu', 'dtts'] as const) {
      const c = header.columns[m];
      if (c !== undefined) cells[m] = readValueCell(ws, row.getCell(c), raw, m, issues);
    }
    const noteCol = header.columns.note;
    const note = noteCol ? cleanText(cellText(row.getCell(noteCol))) || null : null;
    rows.set(raw, { code: raw, ref: cellRef, cells, note });
  });
  for (const ind of catalogue.indicators)
    if (!rows.has(ind.code))
      issues.push(
        makeIssue('code-missing', 'error', { sheet: ws.name, cell: ws.getRow(header.row).getCell(codeCol).address }, `Sheet "${ws.name}": thiếu dòng chỉ tiêu ${ind.code} "${ind.name}". Thêm dòng này với mã ${ind.code} (để trống số liệu nếu không có).`, {
          indicator: ind.code,
        }),
      );
  return rows;
}

function readValueCell(ws: ExcelJS.Worksheet, cell: ExcelJS.Cell, code: string, m: Measure, issues: Issue[]): CellValue {
  const r = ref(ws, cell.address);
  const s = cellScalar(cell);
  const bad = (rule: string, message: string, text: string): CellValue => {
    issues.push(makeIssue(rule, 'error', r, `${where(r, code, m)}: ${message}`, { indicator: code, value: text }));
    return { value: null, ref: r, text, invalid: true };
  };
  switch (s.kind) {
    case 'empty':
      return { value: null, ref: r };
    case 'number':
      return { value: s.value, ref: r };
    case 'formula-no-result':
      return bad('formula-no-result', `công thức "=${s.formula}" chưa có kết quả được lưu. Mở tệp bằng Excel/LibreOffice và lưu lại (để công thức được tính), hoặc nhập số trực tiếp.`, `=${s.formula}`);
    case 'error':
      return bad('value-error', `ô báo lỗi ${s.error}. Sửa công thức hoặc nhập số trực tiếp.`, s.error);
    case 'date':
      return bad('value-not-number', `ô đang ở định dạng ngày tháng (${s.value.toISOString().slice(0, 10)}), có thể do gõ "1.5" hay "1/5". Đổi định dạng ô sang Number và nhập lại số.`, s.value.toISOString().slice(0, 10));
    case 'bool':
      return bad('value-not-number', `ô chứa giá trị ${s.value ? 'TRUE' : 'FALSE'}, không phải số. Nhập số, hoặc để trống nếu không có số liệu.`, String(s.value));
    case 'text': {
      const text = s.text.normalize('NFC').trim();
      const parsed = parseNumberText(text);
      if (parsed.kind === 'empty') return { value: null, ref: r, text };
      if (parsed.kind === 'number') return { value: parsed.value, ref: r, text };
      if (parsed.kind === 'ambiguous')
        return bad('value-ambiguous', `"${text}" không rõ nghĩa (${parsed.reading}). Theo cách viết Việt Nam, dấu chấm ngăn cách hàng nghìn (1.234) và dấu phẩy là thập phân (12,5). Nhập lại số cho rõ.`, text);
      return bad('value-not-number', `"${text}" không phải là số. Chỉ nhập số (ví dụ 1.234); để trống hoặc ghi "-" nếu không có số liệu; ghi chú đưa vào cột Ghi chú.`, text);
    }
  }
}

function readNarrative(ws: ExcelJS.Worksheet) {
  const byLabel = new Map(Object.entries(NARRATIVE_LABELS).map(([k, label]) => [normalizeLabel(label), k as NarrativeKey]));
  const narrative: Submission['narrative'] = {};
  ws.eachRow((row) => {
    const key = byLabel.get(normalizeLabel(cellText(row.getCell(1))).replace(/:$/, ''));
    const text = cleanText(cellText(row.getCell(2))).replace(/\r\n?/g, '\n');
    if (key && text && !narrative[key]) narrative[key] = text;
  });
  return narrative;
}
