import {
  formEditionForPeriod,
  knownVersions,
  loadCatalogue,
  type Catalogue,
  type Measure,
} from '../catalogue/catalogue.js';
import {
  columnOfHeader,
  infoFieldOfLabel,
  INFO_FIELDS,
  narrativeKeyOfLabel,
  SHEET,
  type Column,
} from '../form/layout.js';
import type { CellRef, CellValue, IndicatorRow, Issue, Submission, SubmissionInfo } from '../model.js';
import { issue } from '../rules/rules.js';
import { parseNumberText } from '../util/number.js';
import { parsePeriodLabel } from '../util/period.js';
import { cleanText, normalizeLabel } from '../util/text.js';
import { DEFAULT_LIMITS, type ReadLimits } from './limits.js';
import {
  address,
  EMPTY,
  openXlsx,
  Refused,
  scalarText,
  type Scalar,
  type SheetCells,
  type SheetEntry,
  type XlsxBook,
} from './xlsx.js';

export { SHEET } from '../form/layout.js';

export interface ReadResult {
  /** null when the file could not be read as a submission at all (see issues). */
  submission: Submission | null;
  /** The catalogue the file was read against: the version it declares. */
  catalogue: Catalogue | null;
  /** Problems of structure and cell content found while reading (errors). */
  issues: Issue[];
}

const failed = (issues: Issue[]): ReadResult => ({ submission: null, catalogue: null, issues });

/**
 * Reads a submission from the bytes of a file following every rule of docs/submission-workbook.md, in one pass over
 * the parts it needs; `name` is the file name used in messages. Every figure is read exactly or the file is refused.
 */
export async function readSubmissionBytes(
  bytes: Uint8Array,
  name: string,
  limits: ReadLimits = DEFAULT_LIMITS,
): Promise<ReadResult> {
  const opened = openXlsx(bytes, limits);
  if (!opened.ok) return failed([opened.issue]);
  try {
    return readBook(opened.book, name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1));
  } catch (err) {
    if (err instanceof Refused) return failed([err.issue]);
    throw err;
  }
}

/** A required sheet: exactly one sheet of that name, and not a hidden one. */
function pickSheet(book: XlsxBook, name: string, issues: Issue[]): SheetEntry | null {
  const matches = book.sheetsNamed(name, normalizeLabel);
  const [first] = matches;
  if (matches.length > 1)
    issues.push(
      issue('sheet-ambiguous', {
        sheet: name,
        matches: matches.map((m) => ({ name: m.name, hidden: m.state !== 'visible' })),
      }),
    );
  else if (first && first.state !== 'visible')
    issues.push(issue('sheet-hidden', { sheet: first.name, veryHidden: first.state === 'veryHidden' }));
  else if (first) return first;
  return null;
}

function readBook(book: XlsxBook, file: string): ReadResult {
  const issues: Issue[] = [];
  const names = book.sheets.map((s) => s.name);
  const matchCount = (name: string) => book.sheetsNamed(name, normalizeLabel).length;
  const infoEntry = pickSheet(book, SHEET.info, issues);
  const dataEntry = pickSheet(book, SHEET.data, issues);
  if (!infoEntry || !dataEntry) {
    const missing = [SHEET.info, SHEET.data].filter((n) => matchCount(n) === 0);
    if (missing.length) {
      // Labels typed with a pre-Unicode font read as garbage: say so instead of "sheet missing".
      const legacy = legacyEncodedText(book);
      if (legacy) return failed([issue('legacy-encoding', { value: legacy })]);
    }
    // Missing sheets are named first, in form order, then ambiguous or hidden ones.
    return failed([...missing.map((n) => issue('sheet-missing', { sheet: n, present: names })), ...issues]);
  }

  const narrativeEntry = book.sheetsNamed(SHEET.narrative, normalizeLabel).find((s) => s.state === 'visible');
  // Getters: Số liệu is parsed only once Thông tin names an edition it can be read against.
  const sheets: SubmissionSheets = {
    info: book.readSheet(infoEntry),
    get data() {
      return book.readSheet(dataEntry);
    },
    get narrative() {
      return narrativeEntry && book.readSheet(narrativeEntry);
    },
  };
  return readSheets(sheets, file, issues);
}

/** The cells of a submission's sheets, however they were obtained (a workbook's parts, or a form typed on the page). */
export interface SubmissionSheets {
  info: SheetCells;
  data: SheetCells;
  narrative?: SheetCells;
}

/**
 * Reads a submission from its sheets' cells: the one reading of Thông tin, Số liệu and Thuyết minh, used for a file
 * and for the page's data-entry form alike (so that what is typed there is read exactly as the saved file will be).
 */
export function readSubmissionSheets(sheets: SubmissionSheets, file: string): ReadResult {
  try {
    return readSheets(sheets, file, []);
  } catch (err) {
    if (err instanceof Refused) return failed([err.issue]);
    throw err;
  }
}

function readSheets(sheets: SubmissionSheets, file: string, issues: Issue[]): ReadResult {
  const infoSheet = new Sheet(sheets.info);
  const { info, infoRefs } = readInfo(infoSheet, issues);
  // The version the file declares is the one its figures are read and summed under.
  let catalogue: Catalogue;
  // No edition named (an error of its own): the figures are read against the edition of the period.
  if (info.version === null) catalogue = loadCatalogue(formEditionForPeriod(info.period).id);
  else if (knownVersions().includes(info.version)) catalogue = loadCatalogue(info.version);
  else {
    issues.push(issue('version-unknown', { value: info.version, known: knownVersions() }, infoRefs.version));
    return failed(issues);
  }

  const rows = readFigures(new Sheet(sheets.data), catalogue, issues);
  const narrative = sheets.narrative ? readNarrative(new Sheet(sheets.narrative)) : {};
  return { submission: { file, info, infoRefs, rows, narrative }, catalogue, issues };
}

/**
 * `lookup` remembered by its text: a folder's files carry the same labels, headers and codes, each normalised once
 * (NFC, spacing, case) rather than once per file. The memory is bounded: short texts only, emptied when full.
 */
function remembered<T>(lookup: (text: string) => T): (text: string) => T {
  const known = new Map<string, T>();
  return (text) => {
    if (text.length > REMEMBERED_LENGTH) return lookup(text);
    let found = known.get(text);
    if (found === undefined && !known.has(text)) {
      found = lookup(text);
      if (known.size >= REMEMBERED_TEXTS) known.clear();
      // Kept as copies: a text cut out of a part refers to the whole part's text, which would stay in memory.
      if (typeof found === 'string') found = detached(found) as T;
      known.set(detached(text), found);
    }
    return found as T;
  };
}

/** A copy of `s` that shares no memory with the string it was cut from (slicing a fresh concatenation flattens it). */
function detached(s: string): string {
  return (' ' + s).slice(1);
}

const REMEMBERED_TEXTS = 4096;
/** Longer texts are not kept: no label or code is that long. */
const REMEMBERED_LENGTH = 200;
const infoFieldOf = remembered(infoFieldOfLabel);
const columnOf = remembered(columnOfHeader);
const narrativeKeyOf = remembered(narrativeKeyOfLabel);
/** An indicator code as the reader compares it: NFC, trimmed, upper case, no white space. */
const codeOf = remembered((text) => cleanText(text).toUpperCase().replace(/\s+/g, ''));

/** A sheet's cells with the lookups the reader needs. */
class Sheet {
  readonly name: string;
  /** The name as cell references carry it (NFC), made once: every figure has a reference. */
  private readonly refName: string;
  /** Row numbers holding a value, ascending. */
  readonly rowNumbers: number[];
  constructor(readonly cells: SheetCells) {
    this.name = cells.name;
    this.refName = cells.name.normalize('NFC');
    this.rowNumbers = ascending([...cells.rows.keys()]);
  }
  at(row: number, col: number): Scalar {
    // A row's cells are asked for one after the other: its map is looked up once.
    if (row !== this.lastRow) {
      this.lastRow = row;
      this.lastCells = this.cells.rows.get(row);
    }
    return this.lastCells?.get(col) ?? EMPTY;
  }
  private lastRow = -1;
  private lastCells: ReadonlyMap<number, Scalar> | undefined;
  text(row: number, col: number): string {
    return scalarText(this.at(row, col));
  }
  ref(row: number, col: number): CellRef {
    return { sheet: this.refName, cell: address(row, col) };
  }
  /** Columns holding a value in a row, ascending. */
  columns(row: number): number[] {
    return ascending([...(this.cells.rows.get(row)?.keys() ?? [])]);
  }
}

/** Numbers in ascending order, sorted only when they are not already: a sheet's rows and cells come in order. */
function ascending(numbers: number[]): number[] {
  for (let i = 1; i < numbers.length; i++) if (numbers[i]! < numbers[i - 1]!) return numbers.sort((a, b) => a - b);
  return numbers;
}

/**
 * Vietnamese Unicode uses only these Latin-1 letters; TCVN3 (".VnTime") and VNI fonts put Vietnamese letters on
 * other Latin-1 code points ("Sè liÖu", "Soá lieäu"). Any of those in a sheet name or label gives them away.
 */
const VIETNAMESE_LATIN1 = 'àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ';
function isLegacy(text: string): boolean {
  for (const ch of text.normalize('NFC'))
    if (ch >= '\u00a1' && ch <= '\u00ff' && !VIETNAMESE_LATIN1.includes(ch)) return true;
  return false;
}

function legacyEncodedText(book: XlsxBook): string | null {
  for (const entry of book.sheets) {
    if (isLegacy(entry.name)) return entry.name;
    let sheet: Sheet;
    try {
      sheet = new Sheet(book.readSheet(entry, 20));
    } catch {
      continue;
    }
    for (const r of sheet.rowNumbers) {
      const t = sheet.text(r, 1);
      if (isLegacy(t)) return t.slice(0, 40);
    }
  }
  return null;
}

function readInfo(ws: Sheet, issues: Issue[]) {
  const info: SubmissionInfo = {
    unitCode: null,
    unitName: null,
    period: null,
    version: null,
    preparedBy: null,
    phone: null,
    preparedOn: null,
    head: null,
    scope: null,
    agency: null,
    coverage: null,
    coveredUnits: null,
    runId: null,
    madeBy: null,
  };
  const infoRefs: Submission['infoRefs'] = {};
  for (const row of ws.rowNumbers) {
    const key = infoFieldOf(ws.text(row, 1))?.key;
    if (!key || infoRefs[key]) continue;
    const r = ws.ref(row, 2);
    infoRefs[key] = r;
    const s = ws.at(row, 2);
    if (s.kind === 'empty') continue;
    const text = scalarText(s);
    switch (key) {
      case 'unitCode':
        // A code typed as a number loses its leading zero; the hierarchy pads it back (58 → 058).
        info.unitCode = s.kind === 'number' ? String(s.value) : cleanText(text);
        break;
      case 'period':
        info.period = parsePeriodLabel(s.kind === 'number' ? String(s.value) : text);
        if (!info.period) issues.push(issue('period-invalid', { value: cleanText(text) }, r));
        break;
      case 'preparedOn':
        info.preparedOn = readDate(s);
        if (!info.preparedOn) issues.push(issue('date-invalid', { value: cleanText(text) }, r));
        break;
      default:
        info[key] = cleanText(text) || null;
    }
  }
  for (const field of INFO_FIELDS) {
    if (
      !field.required ||
      info[field.key] !== null ||
      (field.key === 'period' && issues.some((i) => i.rule === 'period-invalid'))
    )
      continue;
    const r = infoRefs[field.key];
    issues.push(
      issue(
        'info-missing',
        { sheet: ws.name, field: field.key, emptyCell: r?.cell },
        r ?? ws.ref(ws.rowNumbers.length + 1, 1),
      ),
    );
  }
  // Not required, but without it a corrected re-send cannot be told from this file (conflicts.ts).
  if (info.preparedOn === null && !issues.some((i) => i.rule === 'date-invalid')) {
    const r = infoRefs.preparedOn;
    issues.push(
      issue('date-missing', { sheet: ws.name, emptyCell: r?.cell }, r ?? ws.ref(ws.rowNumbers.length + 1, 1)),
    );
  }
  return { info, infoRefs };
}

function readDate(s: Scalar): string | null {
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

type ReadColumn = Extract<Column, 'code' | 'note' | Measure>;

interface Header {
  row: number;
  /** Rows the header spans (1 or 2). */
  height: number;
  columns: Partial<Record<ReadColumn, number>>;
}

/** Only a short text can be a column header: numbers and long titles are not looked up. */
const isHeaderLike = (s: Scalar) => s.kind === 'text' && s.text.length <= 60;

/** Rows searched for the header: title lines stand above it, never pages of them. */
const HEADER_SEARCH_ROWS = 60;

function findHeader(ws: Sheet, issues: Issue[]): Header | null {
  for (const r of ws.rowNumbers) {
    if (r > HEADER_SEARCH_ROWS) break;
    if (!ws.columns(r).some((c) => isHeaderLike(ws.at(r, c)) && columnOf(ws.text(r, c)) === 'code')) continue;
    const columns: Header['columns'] = {};
    let height = 1;
    for (const c of [...new Set([...ws.columns(r), ...ws.columns(r + 1)])].sort((a, b) => a - b)) {
      const top = columnOf(ws.text(r, c));
      const below = columnOf(ws.text(r + 1, c));
      // A second header row splits "Trong đó" into Nữ / DTTS.
      if (below && below !== top) height = 2;
      const col = (below ?? top) as ReadColumn | undefined;
      if (!col) continue;
      if (columns[col] !== undefined && columns[col] !== c) {
        issues.push(issue('column-duplicate', { header: ws.text(r, c) || ws.text(r + 1, c) }, ws.ref(r, c)));
        continue;
      }
      columns[col] = c;
    }
    return { row: r, height, columns };
  }
  return null;
}

const MEASURE_COLUMNS = ['total', 'nu', 'dtts'] as const;

function readFigures(ws: Sheet, catalogue: Catalogue, issues: Issue[]): Map<string, IndicatorRow> {
  const rows = new Map<string, IndicatorRow>();
  const header = findHeader(ws, issues);
  if (!header) {
    issues.push(issue('header-missing', { sheet: ws.name }, { sheet: ws.name, cell: 'A1' }));
    return rows;
  }
  const needed = new Set<Measure>(['total']);
  for (const ind of catalogue.indicators) for (const b of ind.breakdowns) needed.add(b);
  for (const m of needed)
    if (header.columns[m] === undefined)
      issues.push(
        issue('column-missing', { sheet: ws.name, headerRow: header.row, measure: m }, ws.ref(header.row, 1)),
      );
  const codeCol = header.columns.code!;
  const first = header.row + header.height;
  // Only rows holding values are visited: a million formatted empty rows cost nothing here.
  for (const r of ws.rowNumbers) {
    if (r < first) continue;
    const raw = codeOf(ws.text(r, codeCol));
    if (!raw) continue;
    const cellRef = ws.ref(r, codeCol);
    if (!catalogue.byCode.has(raw)) {
      // Section headings, column-number rows ("(2)", "B") and notes carry no code; only code-like text is an error.
      if (/^[A-Z]{2,4}\d*\.\d{1,3}$/.test(raw))
        issues.push(issue('code-unknown', { value: raw, catalogueVersion: catalogue.version }, cellRef));
      continue;
    }
    const prev = rows.get(raw);
    if (prev) {
      issues.push(issue('code-duplicate', { indicator: raw, value: raw, firstCell: prev.ref.cell }, cellRef));
      continue;
    }
    const cells: IndicatorRow['cells'] = {};
    for (const m of MEASURE_COLUMNS) {
      const c = header.columns[m];
      if (c !== undefined) cells[m] = readValueCell(ws, r, c, raw, m, issues);
    }
    const noteCol = header.columns.note;
    const note = noteCol ? cleanText(ws.text(r, noteCol)) || null : null;
    rows.set(raw, { code: raw, ref: cellRef, cells, note });
  }
  checkMerges(ws, header, rows, issues);
  for (const ind of catalogue.indicators)
    if (!rows.has(ind.code))
      issues.push(
        issue(
          'code-missing',
          { sheet: ws.name, indicator: ind.code, indicatorName: ind.name },
          ws.ref(header.row, codeCol),
        ),
      );
  return rows;
}

/** The row number of a cell address ("C12" → 12). */
function rowOfCell(cell: string): number {
  let i = cell.length;
  while (i > 0 && cell.charCodeAt(i - 1) >= 0x30 && cell.charCodeAt(i - 1) <= 0x39) i--;
  return Number(cell.slice(i));
}

/**
 * A merged range over a figure cell hides whose figure it holds (a merge over two totals counts for both, one
 * over Nữ + DTTS puts the women in the minority column): refused, naming the range. Ranges are compared, never
 * expanded, so a merge over the whole sheet costs what a small one does.
 */
function checkMerges(ws: Sheet, header: Header, rows: Map<string, IndicatorRow>, issues: Issue[]): void {
  if (!ws.cells.merges.length || !rows.size) return;
  const byRow: { row: number; code: string }[] = [];
  for (const row of rows.values()) byRow.push({ row: rowOfCell(row.ref.cell), code: row.code });
  if (byRow.some((r, i) => i && r.row < byRow[i - 1]!.row)) byRow.sort((a, b) => a.row - b.row);
  const measures = MEASURE_COLUMNS.filter((m) => header.columns[m] !== undefined).map(
    (m) => [m, header.columns[m]!] as const,
  );
  for (const range of ws.cells.merges) {
    const columns = measures.filter(([, c]) => c >= range.left && c <= range.right);
    if (!columns.length) continue;
    // First indicator row at or below the range's top.
    let lo = 0;
    let hi = byRow.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byRow[mid]!.row < range.top) lo = mid + 1;
      else hi = mid;
    }
    const covered: { code: string; measure: Measure }[] = [];
    for (let i = lo; i < byRow.length && byRow[i]!.row <= range.bottom; i++)
      for (const [m] of columns) covered.push({ code: byRow[i]!.code, measure: m });
    if (!covered.length) continue;
    const sheet = ws.name.normalize('NFC');
    issues.push(
      issue(
        'merged-figure-cell',
        { sheet, value: range.ref, indicator: covered[0]!.code, covered },
        { sheet, cell: range.ref },
      ),
    );
  }
}

function readValueCell(ws: Sheet, row: number, col: number, code: string, m: Measure, issues: Issue[]): CellValue {
  const r = ws.ref(row, col);
  const s = ws.at(row, col);
  // The usual cells first, allocating only their value (a form has hundreds a file).
  if (s.kind === 'empty') return { value: null, ref: r };
  if (s.kind === 'number') return { value: s.value, ref: r };
  if (s.kind === 'text') {
    const text = s.text.normalize('NFC').trim();
    if (isKps(text)) return { value: 0, ref: r, text, kps: true };
    const parsed = parseNumberText(text);
    if (parsed.kind === 'empty') return { value: null, ref: r, text };
    if (parsed.kind === 'number') return { value: parsed.value, ref: r, text };
  }
  return refusedValueCell(s, r, { indicator: code, measure: m }, issues);
}

/** A figure cell that holds no figure: its issue said, the cell kept with what it shows. */
function refusedValueCell(
  s: Exclude<Scalar, { kind: 'empty' | 'number' }>,
  r: CellRef,
  at: { indicator: string; measure: Measure },
  issues: Issue[],
): CellValue {
  const bad = (found: Issue, text: string): CellValue => {
    issues.push(found);
    return { value: null, ref: r, text, invalid: true };
  };
  switch (s.kind) {
    case 'formula-no-result':
      return bad(issue('formula-no-result', { ...at, value: `=${s.formula}` }, r), `=${s.formula}`);
    case 'error':
      return bad(issue('value-error', { ...at, value: s.error }, r), s.error);
    case 'bad-number':
      return bad(issue('value-not-xml-number', { ...at, value: s.text }, r), s.text);
    case 'date': {
      const iso = s.value.toISOString().slice(0, 10);
      return bad(issue('value-not-number', { ...at, found: 'date', value: iso }, r), iso);
    }
    case 'bool':
      return bad(
        issue('value-not-number', { ...at, found: 'bool', value: s.value ? 'true' : 'false' }, r),
        String(s.value),
      );
    case 'text': {
      const text = s.text.normalize('NFC').trim();
      const parsed = parseNumberText(text);
      if (parsed.kind === 'ambiguous')
        return bad(issue('value-ambiguous', { ...at, value: text, reading: parsed.reading }, r), text);
      return bad(issue('value-not-number', { ...at, found: 'text', value: text }, r), text);
    }
  }
}

/** "Không phát sinh" and "KPS", in any case and spacing; "không" alone stays refused (form-2026.md §4). */
export function isKps(text: string): boolean {
  return /^(?:không phát sinh|kps)$/.test(text.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase());
}

function readNarrative(ws: Sheet) {
  const narrative: Submission['narrative'] = {};
  for (const row of ws.rowNumbers) {
    const key = narrativeKeyOf(ws.text(row, 1));
    const text = cleanText(ws.text(row, 2)).replace(/\r\n?/g, '\n');
    if (key && text && !narrative[key]) narrative[key] = text;
  }
  return narrative;
}
