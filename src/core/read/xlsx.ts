import { parseISO } from 'date-fns';
import type { Issue } from '../model.js';
import { DEFAULT_LIMITS, type ReadLimits } from './limits.js';
import { issue } from '../rules/rules.js';
import { PackageError, readDirectory, ZipArchive, type ZipEntry } from '../ooxml/zip.js';
import { relsPathOf, resolveTarget } from '../ooxml/paths.js';
import { asShown } from '../util/number.js';
import { type Attrs, resolveReferences, XmlError, XmlTokenizer, XmlTooDeep, XmlTooMany } from '../ooxml/tokenizer.js';
import { MAX_XML_DEPTH } from '../ooxml/xml.js';

/**
 * An .xlsx read straight from its bytes: the zip directory once (src/core/ooxml/zip.ts), then only the parts asked
 * for (workbook, its relationships, shared strings, styles, the sheets the caller names), each inflated under the
 * archive's byte budget (a form's parts in one call, a large part as a stream) and tokenized (ooxml/tokenizer.ts)
 * only as far as it is needed. Ranges (merges) stay ranges; empty cells and rows are never stored. Anything hostile
 * or broken throws `Refused` with the issue to report.
 */

/** What one cell holds. */
export type Scalar =
  | { kind: 'empty' }
  | { kind: 'number'; value: number }
  | { kind: 'text'; text: string }
  | { kind: 'date'; value: Date }
  | { kind: 'bool'; value: boolean }
  | { kind: 'error'; error: string }
  | { kind: 'formula-no-result'; formula: string }
  /** A numeric cell whose stored value is not an XML number ("298,7" from a locale-broken exporter). */
  | { kind: 'bad-number'; text: string };

export const EMPTY: Scalar = { kind: 'empty' };

/** The text a person sees in a label cell. */
export function scalarText(s: Scalar): string {
  switch (s.kind) {
    case 'text':
    case 'bad-number':
      return s.text;
    case 'number':
    case 'bool':
      return String(s.value);
    case 'date':
      return s.value.toISOString().slice(0, 10);
    default:
      return '';
  }
}

export interface Range {
  top: number;
  left: number;
  bottom: number;
  right: number;
  /** As written in the file, e.g. "E14:F14". */
  ref: string;
}

export interface SheetEntry {
  name: string;
  state: 'visible' | 'hidden' | 'veryHidden';
  /** Zip entry of the sheet's XML; null when the workbook points at nothing. */
  path: string | null;
  /** The part the workbook's relationship names (null: no relationship of the sheet's id). */
  target: string | null;
}

/** The non-empty cells of one sheet, by row then column (1-based), and its merged ranges. */
export interface SheetCells {
  name: string;
  rows: Map<number, Map<number, Scalar>>;
  merges: Range[];
}

export class Refused extends Error {
  constructor(readonly issue: Issue) {
    super(issue.message);
  }
}

/** Cells a required sheet may hold with a value: a filled form has a few hundred, so this is generous. */
export const MAX_CELLS_PER_SHEET = 250_000;
/** Merged ranges a sheet may declare: a form has a few dozen. */
export const MAX_MERGES_PER_SHEET = 50_000;
/** Elements one part may hand the parser once runs of empty rows and cells are dropped: a form has a few thousand. */
export const MAX_ELEMENTS_PER_PART = 1_000_000;
/** SpreadsheetML nests a dozen levels at most; more means a hostile or broken part (one limit, in ooxml/xml.ts). */
export { MAX_XML_DEPTH };

const MAX_ROW = 1_048_576;
const MAX_COL = 16_384;

/** Opens an .xlsx: recognises what the bytes are, refuses what is hostile, and reads workbook, shared strings and styles. */
export function openXlsx(
  bytes: Uint8Array,
  limits: ReadLimits = DEFAULT_LIMITS,
): { ok: true; book: XlsxBook } | { ok: false; issue: Issue } {
  try {
    return { ok: true, book: new XlsxBook(bytes, limits) };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, issue: err.issue };
    throw err;
  }
}

export class XlsxBook {
  readonly sheets: SheetEntry[] = [];
  date1904 = false;
  private readonly zip: ZipArchive;
  private sharedStrings: string[] = [];
  /** The scalar of each shared string, made when a cell first refers to it (one object for all its cells). */
  private sharedScalars: (Scalar | undefined)[] = [];
  /** Per cell style index (`s`), whether its number format shows a date. */
  private dateStyles: boolean[] = [];

  constructor(
    bytes: Uint8Array,
    private readonly limits: ReadLimits,
  ) {
    const size = bytes.length;
    if (size === 0) throw new Refused(issue('file-empty', {}));
    if (size > limits.maxFileBytes)
      throw new Refused(issue('file-too-large', { part: 'file', size, limit: limits.maxFileBytes }));
    const kind = sniff(bytes);
    if (kind !== 'zip') throw new Refused(notXlsx(kind, bytes));
    let entries: ZipEntry[];
    try {
      entries = readDirectory(bytes);
    } catch (err) {
      if (err instanceof PackageError) throw new Refused(issue('file-damaged', { damage: 'zip' }));
      throw err;
    }
    const names = new Set(entries.map((e) => e.name));
    if (names.has('mimetype') && contains(bytes, ascii('application/vnd.oasis.opendocument')))
      throw new Refused(issue('file-not-xlsx', { found: 'ods' }));
    if (names.has('word/document.xml')) throw new Refused(issue('file-not-xlsx', { found: 'docx' }));
    // A zip that has neither the package's relationships nor a workbook where Excel puts it is some other zip.
    if (!entries.some((e) => /^(_rels\/\.rels|xl\/workbook\.xml)$/i.test(e.name)))
      throw new Refused(issue('file-not-xlsx', { found: 'zip' }));
    try {
      // Unsafe and repeated names, and what the entries declare against the budget, are judged by the archive.
      this.zip = new ZipArchive(bytes, { maxUncompressedBytes: limits.maxUncompressedBytes }, {}, entries);
    } catch (err) {
      throw err instanceof PackageError ? this.refusal(err, '') : err;
    }

    // The package is followed as OPC says: the office document from _rels/.rels, the rest from its relationships.
    const workbook = this.officeDocument();
    if (!workbook) throw new Refused(issue('file-not-xlsx', { found: 'zip' }));
    const rels = this.readRels(workbook);
    this.readWorkbook(workbook, rels);
    const byType = (type: string) => [...rels.values()].find((r) => r.type.endsWith(`/${type}`))?.target;
    // A table the relationships do not lead to is no table: a cell pointing into it is refused (see parseSheet).
    const strings = byType('sharedStrings');
    if (strings && this.entry(strings)) this.readSharedStrings(strings);
    const styles = byType('styles');
    if (styles && this.entry(styles)) this.readStyles(styles);
  }

  /**
   * The workbook part: the target of the package's officeDocument relationship. Without one (Excel and LibreOffice
   * then refuse the package; openpyxl reads [Content_Types].xml), the one part [Content_Types].xml declares a
   * workbook, else xl/workbook.xml; null when there is none.
   */
  private officeDocument(): string | null {
    const main = [...this.readRels('').values()].find((r) => r.type.endsWith('/officeDocument'));
    if (main) {
      if (!this.entry(main.target))
        throw new Refused(issue('file-damaged', { damage: 'part-missing', part: main.target }));
      return main.target;
    }
    const declared: string[] = [];
    if (this.entry(CONTENT_TYPES))
      this.parse(CONTENT_TYPES, {
        open: (name, attrs) => {
          const part = name === 'Override' ? attrs.get('PartName') : undefined;
          if (part && WORKBOOK_TYPE.test(attrs.get('ContentType') ?? '')) declared.push(resolveTarget('', part));
        },
      });
    // Two workbooks and nothing to say which one is the document: whichever a program picks, another may not.
    if (declared.length > 1) throw new Refused(issue('file-damaged', { damage: 'part', part: CONTENT_TYPES }));
    const path = declared[0] ?? 'xl/workbook.xml';
    return this.entry(path) ? path : null;
  }

  /** The sheets whose name matches `want` after `normalize`, in workbook order. */
  sheetsNamed(want: string, normalize: (s: string) => string): SheetEntry[] {
    const key = normalize(want);
    if (this.namesFor !== normalize) {
      this.namesFor = normalize;
      this.normalizedNames = this.sheets.map((s) => normalize(s.name));
    }
    return this.sheets.filter((_, i) => this.normalizedNames[i] === key);
  }

  /** The sheets' names as the last normalizer given to `sheetsNamed` made them (asked several times a file). */
  private namesFor: ((s: string) => string) | null = null;
  private normalizedNames: string[] = [];

  /**
   * The cells of one sheet. `untilRow` stops reading after that row (enough to look at a sheet's first lines).
   * Throws `Refused` for a broken, hostile or oversized sheet.
   */
  readSheet(sheet: SheetEntry, untilRow = MAX_ROW): SheetCells {
    const cells: SheetCells = { name: sheet.name, rows: new Map(), merges: [] };
    if (!sheet.path)
      throw new Refused(issue('sheet-part-missing', { sheet: sheet.name.normalize('NFC'), target: sheet.target }));
    try {
      this.parseSheet(sheet.path, cells, untilRow);
    } catch (err) {
      if (err !== STOP) throw err;
    }
    return cells;
  }

  private parseSheet(path: string, cells: SheetCells, untilRow: number): void {
    const sheetName = cells.name;
    let count = 0;
    let rowNum = 0;
    let row: Map<number, Scalar> | null = null;
    let col = 0;
    // The cell being read.
    let cRow = 0;
    let cCol = 0;
    let cType = '';
    let cStyle = 0;
    let cStyleText = '';
    let value: string | null = null;
    let formula: string | null = null;
    let inline: string | null = null;
    let inText: 'v' | 'f' | 't' | null = null;
    let inPhonetic = false;
    let inCell = false;
    /** The cell being read is self-closing. */
    let bare = false;
    const broken = (part: 'shared-strings' | 'styles', value: string, count: number) => {
      const at = { sheet: sheetName.normalize('NFC'), cell: address(cRow, cCol) };
      return new Refused(issue('cell-reference-broken', { ...at, part, value, count }, at));
    };
    const store = () => {
      if (cType === 's' && value !== null && !(isStringIndex(value) && Number(value) < this.sharedStrings.length))
        throw broken('shared-strings', value.trim(), this.sharedStrings.length);
      const scalar = this.scalar(cType, cStyle, value, formula, inline);
      if (scalar.kind === 'empty' || cRow > untilRow) return;
      // Style 0 is the default one, there even when the file has no styles.
      if (cStyle !== 0 && !(Number.isInteger(cStyle) && cStyle > 0 && cStyle < this.dateStyles.length))
        throw broken('styles', cStyleText || String(cStyle), this.dateStyles.length);
      if (++count > MAX_CELLS_PER_SHEET)
        throw new Refused(issue('file-too-large', { part: 'cells', sheet: sheetName, limit: MAX_CELLS_PER_SHEET }));
      let r = cRow === rowNum && row ? row : cells.rows.get(cRow);
      if (!r) cells.rows.set(cRow, (r = new Map()));
      if (cRow === rowNum) row = r;
      r.set(cCol, scalar);
    };
    // Merges are read wherever they stand: by the parser up to where it stops, by the scan of the rest after it
    // (some writers put <mergeCells> after <conditionalFormatting>). A range seen by both counts once.
    const seen = new Set<string>();
    const addMerge = (ref: string) => {
      const range = parseRange(ref);
      if (!range || (range.top === range.bottom && range.left === range.right)) return;
      const key = `${range.top}:${range.left}:${range.bottom}:${range.right}`;
      if (seen.has(key)) return;
      seen.add(key);
      if (cells.merges.length >= MAX_MERGES_PER_SHEET)
        throw new Refused(issue('file-too-large', { part: 'merges', sheet: sheetName, limit: MAX_MERGES_PER_SHEET }));
      cells.merges.push(range);
    };
    const handlers: Handlers = {
      tailMerge: addMerge,
      open: (name, attrs, depth, selfClosing) => {
        // Past the merges, a sheet holds nothing the reader needs (validations, formats, links, page setup).
        if (depth === 2 && !SHEET_PARTS_READ.has(name)) throw DONE;
        switch (name) {
          case 'row': {
            const given = attrs.digits('r');
            const text = given === -2 ? attrs.get('r') : '';
            const r = given >= 0 ? given : text ? Number(text) : rowNum + 1;
            if (!Number.isInteger(r) || r < 1 || r > MAX_ROW)
              throw new Refused(issue('file-damaged', { damage: 'part', part: path }));
            if (r > untilRow) throw STOP;
            rowNum = r;
            row = cells.rows.get(r) ?? null;
            col = 0;
            break;
          }
          case 'c': {
            inCell = true;
            // Read in place into cRow/cCol: no string, no array per cell.
            const inPlace = attrs.span('r');
            const ref = inPlace ? null : attrs.get('r');
            if ((inPlace && attrs.spanTo > attrs.spanFrom) || ref) {
              const read = inPlace ? readAddressIn(attrs.source, attrs.spanFrom, attrs.spanTo) : readAddress(ref!);
              if (!read) throw new Refused(issue('file-damaged', { damage: 'part', part: path }));
              cRow = address1.row;
              cCol = address1.col;
            } else {
              cRow = rowNum || 1;
              cCol = col + 1;
            }
            if (cCol > MAX_COL) throw new Refused(issue('file-damaged', { damage: 'part', part: path }));
            col = cCol;
            // A cell with no content holds nothing, whatever its type and style (half a form's cells are such).
            if ((bare = selfClosing)) break;
            cType = attrs.get('t') ?? '';
            // Style indexes are digits: read in place, the text kept only when it is something else.
            const style = attrs.digits('s');
            cStyleText = style === -2 ? attrs.get('s')! : '';
            cStyle = style >= 0 ? style : cStyleText ? Number(cStyleText) : 0;
            value = formula = inline = null;
            break;
          }
          case 'v':
            if (inCell) {
              inText = 'v';
              value = '';
            }
            break;
          case 'f':
            if (inCell) {
              inText = 'f';
              formula = '';
              // A formula's text is needed only when the cell has no value: resolved then (formulaNoResult).
              handlers.rawText = true;
            }
            break;
          case 'is':
            if (inCell) inline = '';
            break;
          case 'rPh':
            inPhonetic = true;
            break;
          case 't':
            if (inline !== null && !inPhonetic) inText = 't';
            break;
          case 'mergeCell': {
            const ref = attrs.get('ref');
            if (ref) addMerge(ref);
            break;
          }
        }
      },
      text: (t) => {
        if (inText === 'v') value += t;
        else if (inText === 'f') formula += t;
        else if (inText === 't') inline += t;
      },
      close: (name) => {
        switch (name) {
          case 'f':
            handlers.rawText = false;
            inText = null;
            break;
          case 'v':
          case 't':
            inText = null;
            break;
          case 'rPh':
            inPhonetic = false;
            break;
          case 'c':
            inCell = false;
            if (!bare) store();
            break;
        }
      },
    };
    this.parse(path, handlers);
  }

  /** A cell's scalar from its type attribute, style, stored value, formula and inline text. */
  private scalar(t: string, style: number, v: string | null, f: string | null, inline: string | null): Scalar {
    if (f !== null && (v === null || (v === '' && t === 'str'))) return formulaNoResult(f);
    switch (t) {
      case 's':
        // The index was checked as the cell was stored.
        return v === null ? EMPTY : this.sharedScalar(Number(v));
      case 'inlineStr':
        return inline === null ? (v === null ? EMPTY : fromXstring(v)) : fromXstring(inline);
      case 'str':
        return v === null ? EMPTY : fromXstring(v);
      case 'b':
        return v === null ? EMPTY : { kind: 'bool', value: v.trim() === '1' || v.trim().toLowerCase() === 'true' };
      case 'e':
        return v === null ? EMPTY : { kind: 'error', error: v.trim() };
      case 'd': {
        if (v === null || v.trim() === '') return EMPTY;
        const iso = v.trim();
        // Without an offset the moment is a wall-clock date: read it as UTC, as serial dates are.
        const date = parseISO(/([zZ]|[+-]\d\d:?\d\d)$/.test(iso) || !iso.includes('T') ? iso : `${iso}Z`);
        if (Number.isNaN(date.getTime())) return { kind: 'text', text: iso };
        return {
          kind: 'date',
          value: iso.includes('T') ? date : new Date(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate())),
        };
      }
      default: {
        if (v === null) return inline === null ? EMPTY : fromXstring(inline);
        // Most figures are whole numbers written as digits alone: they need no trimming nor the pattern.
        const plain = isSmallInteger(v);
        const s = plain ? v : v.trim();
        if (s === '') return EMPTY;
        if (!plain && !XML_NUMBER.test(s)) return { kind: 'bad-number', text: s };
        const n = Number(s);
        if (!Number.isFinite(n)) return { kind: 'error', error: s };
        if (this.dateStyles[style]) return { kind: 'date', value: serialToDate(n, this.date1904) };
        return { kind: 'number', value: asShown(n) };
      }
    }
  }

  private sharedScalar(i: number): Scalar {
    return (this.sharedScalars[i] ??= fromText(this.sharedStrings[i]!));
  }

  private readWorkbook(path: string, rels: Map<string, Rel>): void {
    this.parse(path, {
      open: (name, attrs) => {
        if (name === 'workbookPr') this.date1904 = attrs.get('date1904') === '1' || attrs.get('date1904') === 'true';
        else if (name === 'sheet') {
          const given = attrs.get('state');
          const state = given === 'hidden' || given === 'veryHidden' ? given : 'visible';
          const id = attrs.find((k) => k === 'id' || k.endsWith(':id'));
          const rel = id ? rels.get(id) : undefined;
          const target = rel?.target ?? null;
          this.sheets.push({
            name: decodeXstring(attrs.get('name') ?? ''),
            state,
            path: target && this.entry(target) ? target : null,
            target,
          });
        }
      },
    });
  }

  private readSharedStrings(path: string): void {
    const entry = this.entry(path);
    if (!entry) return;
    const max = this.limits.maxSharedStringsBytes;
    if (entry.uncompressedSize > max)
      throw new Refused(issue('file-too-large', { part: 'shared-strings', size: entry.uncompressedSize, limit: max }));
    let current: string | null = null;
    let inT = false;
    let phonetic = false;
    this.parse(
      path,
      {
        open: (name) => {
          if (name === 'si') current = '';
          else if (name === 'rPh') phonetic = true;
          else if (name === 't' && !phonetic) inT = true;
        },
        text: (t) => {
          if (inT && current !== null) current += t;
        },
        close: (name) => {
          if (name === 't') inT = false;
          else if (name === 'rPh') phonetic = false;
          else if (name === 'si') {
            this.sharedStrings.push(decodeXstring(current ?? ''));
            current = null;
          }
        },
      },
      (inflated) => {
        if (inflated > max)
          throw new Refused(issue('file-too-large', { part: 'shared-strings', size: inflated, limit: max }));
      },
    );
  }

  private readStyles(path: string): void {
    if (!this.entry(path)) return;
    const custom = new Map<number, string>();
    const xfFormats: number[] = [];
    let inCellXfs = false;
    this.parse(path, {
      open: (name, attrs) => {
        if (name === 'numFmt') custom.set(Number(attrs.get('numFmtId')), attrs.get('formatCode') ?? '');
        else if (name === 'cellXfs') inCellXfs = true;
        else if (name === 'xf' && inCellXfs) xfFormats.push(Number(attrs.get('numFmtId') ?? 0));
      },
      close: (name) => {
        if (name === 'cellXfs') inCellXfs = false;
      },
    });
    this.dateStyles = xfFormats.map((id) =>
      custom.has(id) ? isDateFormat(custom.get(id)!) : BUILTIN_DATE_FORMATS.has(id),
    );
  }

  /** The relationships of `source` ('' for the package), by id, their targets resolved to part names. */
  private readRels(source: string): Map<string, Rel> {
    const rels = new Map<string, Rel>();
    const path = relsPathOf(source);
    if (!this.entry(path)) return rels;
    this.parse(path, {
      open: (name, attrs) => {
        if (name !== 'Relationship') return;
        const id = attrs.get('Id');
        const target = attrs.get('Target');
        if (!id || !target || attrs.get('TargetMode') === 'External') return;
        rels.set(id, { type: attrs.get('Type') ?? '', target: resolveTarget(source, target) });
      },
    });
    return rels;
  }

  private entry(path: string): ZipEntry | undefined {
    return this.zip.entry(path);
  }

  /**
   * Inflates one part into the tokenizer, under what is left of the archive's byte budget. Element names reach
   * the handlers without their namespace prefix (`x:row` → `row`), so prefixed and Strict parts read like any
   * other; attributes come as written (`r`, `s`, `t` carry no prefix; `r:id` does). A handler throws `DONE` when
   * the rest of the part is of no use: what follows is only scanned for hostile nesting, not parsed.
   * `onSize` sees the running inflated size.
   */
  private parse(path: string, handlers: Handlers, onSize?: (inflated: number) => void): void {
    if (!this.entry(path)) throw new Refused(issue('file-damaged', { damage: 'part-missing', part: path }));
    let done = false;
    // The handlers are the tokenizer's sink as they are: no call in between per element.
    const sink = Object.assign(handlers, {
      open: handlers.open ?? ignore,
      close: handlers.close ?? ignore,
      doctype: () => {
        throw new Refused(issue('file-unsafe', { danger: 'dtd' }));
      },
    });
    const parser = new XmlTokenizer(sink, { maxElements: MAX_ELEMENTS_PER_PART });
    const damaged = (err: XmlError) =>
      err instanceof XmlTooDeep
        ? new Refused(issue('file-unsafe', { danger: 'nesting', part: path, limit: MAX_XML_DEPTH }))
        : err instanceof XmlTooMany
          ? new Refused(issue('file-too-large', { part: 'elements', entry: path, limit: MAX_ELEMENTS_PER_PART }))
          : new Refused(issue('file-damaged', { damage: 'part', part: path, detail: err.message }));

    let decoder: TextDecoder | null = null;
    let head: Uint8Array = NO_BYTES;
    let inflated = 0;
    let closed = false;
    let pending: Uint8Array = NO_BYTES;
    let utf8 = false;
    /** Whether the decoder has been given some of this part. */
    let streamed = false;
    const tail = new TailScan(path, handlers.tailMerge);
    const runs = { past: false };
    // The archive inflates the part under its byte budget, never past the size its directory declares.
    const feed = (chunk: Uint8Array, final: boolean) => {
      inflated += chunk.length;
      onSize?.(inflated);
      if (!decoder) {
        // The encoding is known from the first bytes (a BOM, or "<" as one or two bytes).
        head = concat(head, chunk);
        if (head.length < 4 && !final) return;
        decoder = decoderFor(encodingOf(head));
        utf8 = decoder.encoding === 'utf-8';
        chunk = head;
      }
      if (done) {
        // Past where the parser stopped, the part is only scanned: UTF-8 as bytes, never decoded.
        tail.scan(utf8 ? chunk : utf8Bytes(decoder.decode(chunk, { stream: !final })), final);
        closed ||= final;
        return;
      }
      let bytes = chunk;
      let end = chunk.length;
      let ranges: [number, number][] = [[0, end]];
      if (utf8) {
        // Runs of empty self-closing rows and cells (a million formatted rows, 16.384 styled columns) are dropped
        // from the bytes before decoding and parsing, all but the last of each run: it alone fixes where a
        // following unnumbered row or cell is. Chunks are cut before their last "<" so no tag is split.
        bytes = concat(pending, chunk);
        let cut = final ? bytes.length : bytes.lastIndexOf(0x3c);
        if (cut <= 0) cut = bytes.length;
        pending = cut < bytes.length ? bytes.slice(cut) : NO_BYTES;
        end = cut;
        // A small part has no runs worth dropping: it is decoded as it is.
        // Past the end of sheetData there are no rows or cells to drop (a sheet's validations and formats follow).
        ranges = (final && inflated < SMALL_PART) || runs.past ? [[0, cut]] : keptRanges(bytes, cut, runs);
      }
      // The text in pieces of at most DECODE_PIECE bytes, each decoded only when the parser gets to it (what follows
      // where it stops is scanned as bytes, never decoded): TextDecoder decodes one input past ~70 KB 15 times
      // slower per byte than the same bytes in pieces.
      const pieces: [number, number][] = [];
      for (const [from, to] of ranges)
        for (let at = from; at < to; at += DECODE_PIECE) pieces.push([at, Math.min(to, at + DECODE_PIECE)]);
      // A part that is one piece (most are) is decoded in one call, flushed with it.
      const single = final && !streamed && pieces.length === 1;
      streamed = true;
      let k = 0;
      try {
        for (; k < pieces.length; k++) {
          const piece = bytes.subarray(pieces[k]![0], pieces[k]![1]);
          if (decoder === UTF8) utf8Pending = !single;
          const text = single ? decoder.decode(piece) : decoder.decode(piece, STREAM);
          if (text) parser.write(text);
        }
        if (final) {
          const text = single ? '' : decoder.decode();
          if (decoder === UTF8) utf8Pending = false;
          if (text) parser.write(text);
          parser.close();
          closed = true;
        }
      } catch (err) {
        if (err instanceof XmlError) throw damaged(err);
        if (err !== DONE) throw err;
        done = true;
        // The parser stopped at a tag in piece k: the part is scanned from that tag on, at the depth before it (the
        // rest of this chunk now, the chunks to come as they arrive). What was cut off after the last "<" of the
        // chunk is scanned too: a tag it begins may be a merge.
        tail.depth = tail.max = parser.depth - 1;
        const rest = utf8Bytes(parser.rest());
        const next = k + 1 < pieces.length ? pieces[k + 1]![0] : end;
        if (utf8) tail.scan(concat(rest, bytes.subarray(next)), final);
        else tail.scan(concat(rest, utf8Bytes(decoder.decode(bytes.subarray(next), { stream: !final }))), final);
        closed ||= final;
      }
    };
    try {
      this.zip.stream(path, feed);
      if (!closed) throw new Refused(issue('file-damaged', { damage: 'part', part: path }));
    } catch (err) {
      if (err === STOP || err instanceof Refused) throw err;
      if (err instanceof PackageError) throw this.refusal(err, path);
      throw new Refused(issue('file-damaged', { damage: 'part', part: path, detail: (err as Error).message }));
    }
  }

  /** The refusal of what the archive found: a name that is a trick, a bomb, or a part it cannot inflate. */
  private refusal(err: PackageError, path: string): Refused {
    const { name = path, danger, part, size, declared } = err.facts;
    const limit = this.limits.maxUncompressedBytes;
    if (err.reason === 'unsafe') return new Refused(issue('file-unsafe', { danger: danger ?? 'part-name', name }));
    if (err.reason === 'too-large' && part === 'entry')
      return new Refused(issue('file-too-large', { part: 'entry', entry: path || name, declared: declared ?? 0 }));
    if (err.reason === 'too-large')
      return new Refused(issue('file-too-large', { part: 'unzipped', size: size ?? limit + 1, limit }));
    return new Refused(issue('file-damaged', { damage: 'part', part: path, detail: err.message }));
  }
}

/** Bytes decoded to text at a time (see `feed`); in stream mode a piece may end inside a character. */
const DECODE_PIECE = 16 * 1024;

/** A part smaller than this has no runs of empty rows or cells worth dropping before it is parsed. */
const SMALL_PART = 256 * 1024;

/** Thrown from a handler to stop reading a sheet after the rows asked for. */
const STOP = new Error('stop');

interface Rel {
  type: string;
  target: string;
}

/** Children of <worksheet> up to <mergeCells>, in schema order; the reader stops at the first other one. */
const SHEET_PARTS_READ = new Set([
  'sheetPr',
  'dimension',
  'sheetViews',
  'sheetFormatPr',
  'cols',
  'sheetData',
  'sheetCalcPr',
  'sheetProtection',
  'protectedRanges',
  'scenarios',
  'autoFilter',
  'sortState',
  'dataConsolidate',
  'customSheetViews',
  'mergeCells',
]);

/** Thrown by an `open` handler when the rest of the part is not needed. */
const DONE = new Error('done');

const ignore = () => {};

interface Handlers {
  /** Set while the text coming is to be handed on as written (see XmlSink.rawText). */
  rawText?: boolean;
  /** `depth`: 1 for the root element. */
  open?: (name: string, attrs: Attrs, depth: number, selfClosing: boolean) => void;
  text?: (text: string) => void;
  close?: (name: string) => void;
  /** The `ref` of each <mergeCell> in what follows where the parser stopped (found by the scan, not parsed). */
  tailMerge?: (ref: string) => void;
}

const CONTENT_TYPES = '[Content_Types].xml';
/** Content types of a workbook part: .xlsx, .xltx, .xlsm, .xltm. */
const WORKBOOK_TYPE = /\.(sheet|template)(\.macroEnabled)?\.main\+xml$/i;
/** A shared-string index as a cell holds it: up to 10 digits, white space around them allowed. */
const STRING_INDEX = /^\s*\d{1,10}\s*$/;

function isStringIndex(v: string): boolean {
  // The common case, digits only, without a regular expression.
  if (v.length > 0 && v.length <= 10) {
    let i = 0;
    while (i < v.length && v.charCodeAt(i) >= 0x30 && v.charCodeAt(i) <= 0x39) i++;
    if (i === v.length) return true;
  }
  return STRING_INDEX.test(v);
}

/** A formula without a value, from its text as written: the text resolved only when asked for (most never are). */
function formulaNoResult(written: string): Scalar {
  let formula: string | null = null;
  return {
    kind: 'formula-no-result',
    get formula() {
      return (formula ??= resolveReferences(written).trim());
    },
  };
}

/** Digits alone, at most 15 of them: an XML number that is a whole number read exactly. */
function isSmallInteger(v: string): boolean {
  if (v.length === 0 || v.length > 15) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function fromText(s: string): Scalar {
  return s.trim() === '' ? EMPTY : { kind: 'text', text: s };
}

function fromXstring(s: string): Scalar {
  return fromText(decodeXstring(s));
}

/**
 * Text as ECMA-376 stores it (ST_Xstring): a character XML cannot hold is written `_xHHHH_` (`_x000D_` a carriage
 * return), and an underscore that would start such an escape as `_x005F_` (`_x005F_x0041_` is the text `_x0041_`).
 */
export function decodeXstring(s: string): string {
  if (!s.includes('_x')) return s;
  return s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * The byte ranges of `bytes[0, end)` to parse: all of it, less every run of two or more adjacent empty
 * self-closing `<row …/>` (or `<c …/>`) elements but its last, when that last one carries its own `r`.
 */
function keptRanges(bytes: Uint8Array, end: number, runs: { past: boolean }): [number, number][] {
  const kept: [number, number][] = [];
  let from = 0;
  // The run being followed: its kind (1 row, 2 cell), first element and last element.
  let kind = 0;
  let first = -1;
  let last = -1;
  let lastEnd = -1;
  let count = 0;
  const closeRun = () => {
    if (count >= 2 && hasOwnR(bytes, last, lastEnd)) {
      kept.push([from, first]);
      from = last;
    }
    kind = count = 0;
  };
  for (let i = bytes.indexOf(0x3c); i >= 0 && i < end;) {
    const close = bytes.indexOf(0x3e, i);
    if (close < 0 || close >= end) break;
    if (bytes[i + 1] === 0x2f && isSheetDataEnd(bytes, i + 2, close)) {
      runs.past = true;
      break;
    }
    const k = bytes[close - 1] === 0x2f ? emptyKind(bytes, i) : 0;
    if (k && k === kind && isBlank(bytes, lastEnd + 1, i)) {
      last = i;
      lastEnd = close;
      count++;
    } else {
      closeRun();
      if (k) {
        kind = k;
        first = last = i;
        lastEnd = close;
        count = 1;
      }
    }
    i = bytes.indexOf(0x3c, close + 1);
  }
  closeRun();
  kept.push([from, end]);
  return kept;
}

const SHEET_DATA = [...'sheetData'].map((c) => c.charCodeAt(0));

/** Whether the closing tag whose name runs from `from` to `gt` is `</sheetData>`, with or without a prefix. */
function isSheetDataEnd(b: Uint8Array, from: number, gt: number): boolean {
  let end = gt;
  while (end > from && (b[end - 1] === 0x20 || b[end - 1] === 0x09 || b[end - 1] === 0x0a || b[end - 1] === 0x0d))
    end--;
  const start = end - SHEET_DATA.length;
  if (start < from || (start > from && b[start - 1] !== 0x3a)) return false;
  for (let j = 0; j < SHEET_DATA.length; j++) if (b[start + j] !== SHEET_DATA[j]) return false;
  return true;
}

/** 1 for `<row `, 2 for `<c ` or `<c/`, with or without a namespace prefix; 0 otherwise. */
function emptyKind(b: Uint8Array, lt: number): number {
  let n = lt + 1;
  // Skip a prefix ("x:").
  for (let j = n; j < n + 12 && j < b.length; j++) {
    const ch = b[j]!;
    if (ch === 0x3a) {
      n = j + 1;
      break;
    }
    if (ch === 0x20 || ch === 0x2f || ch === 0x3e) break;
  }
  const after = (len: number) =>
    b[n + len] === 0x20 || b[n + len] === 0x2f || b[n + len] === 0x09 || b[n + len] === 0x0a || b[n + len] === 0x0d;
  if (b[n] === 0x72 && b[n + 1] === 0x6f && b[n + 2] === 0x77 && after(3)) return 1; // row
  if (b[n] === 0x63 && after(1)) return 2; // c
  return 0;
}

/** Whether the element at [lt, gt] has an `r="…"` attribute. */
function hasOwnR(b: Uint8Array, lt: number, gt: number): boolean {
  for (let j = lt + 2; j < gt - 2; j++)
    if (
      b[j] === 0x72 &&
      (b[j - 1] === 0x20 || b[j - 1] === 0x09 || b[j - 1] === 0x0a) &&
      (b[j + 1] === 0x3d || b[j + 1] === 0x20)
    )
      return true;
  return false;
}

function isBlank(b: Uint8Array, from: number, to: number): boolean {
  for (let j = from; j < to; j++) if (b[j] !== 0x20 && b[j] !== 0x0a && b[j] !== 0x0d && b[j] !== 0x09) return false;
  return true;
}

/** Longest tag kept from one chunk of the scanned rest to the next: a merge's tag is a few dozen bytes. */
const MAX_CARRIED_TAG = 64 * 1024;

/**
 * The rest of a part after the parser stopped, scanned as bytes for tags (nothing is parsed any more): its nesting
 * depth, DTD declarations, and the ranges of <mergeCell> elements. Fed chunk after chunk; a tag cut at the end of
 * a chunk is kept for the next one when it may be a merge.
 */
class TailScan {
  depth = 0;
  max = 0;
  private carry: Uint8Array | null = null;

  constructor(
    private readonly path: string,
    private readonly onMerge?: (ref: string) => void,
  ) {}

  scan(chunk: Uint8Array, final: boolean): void {
    const b = this.carry ? concat(this.carry, chunk) : chunk;
    this.carry = null;
    for (let i = b.indexOf(0x3c); i >= 0; i = b.indexOf(0x3c, i + 1)) {
      const next = b[i + 1];
      if (next === 0x2f) this.depth--;
      else if (next === 0x21) {
        if (startsWithBytes(b, i, DOCTYPE_BYTES) || startsWithBytes(b, i, ENTITY_BYTES))
          throw new Refused(issue('file-unsafe', { danger: 'dtd' }));
      } else if (next !== 0x3f) {
        const merge = this.onMerge ? isMergeTag(b, i) : false;
        const end = merge === true ? tagEnd(b, i) : b.indexOf(0x3e, i);
        if (end < 0) {
          this.keep(b, i, merge, final);
          return;
        }
        if (b[end - 1] !== 0x2f) this.depth++;
        if (this.depth > this.max && (this.max = this.depth) > MAX_XML_DEPTH)
          throw new Refused(issue('file-unsafe', { danger: 'nesting', part: this.path, limit: MAX_XML_DEPTH }));
        if (merge === true) {
          const ref = attribute(new TextDecoder().decode(b.subarray(i, end)), 'ref');
          if (ref !== null) this.onMerge!(ref);
        }
        i = end;
      }
    }
    // A "<!" ending the chunk may begin a DOCTYPE the next one completes.
    const last = b.lastIndexOf(0x3c);
    if (!final && last >= 0 && last >= b.length - 9 && b[last + 1] === 0x21 && b.indexOf(0x3e, last) < 0)
      this.carry = b.slice(last);
  }

  /** A tag cut by the end of the chunk, from `lt`: kept when it is or may be a merge; others only count depth. */
  private keep(b: Uint8Array, lt: number, merge: boolean | null, final: boolean): void {
    if (final || merge === false) return;
    if (b.length - lt > MAX_CARRIED_TAG) {
      // No merge is that long; whatever it is, it is not what Excel writes.
      if (merge === true) throw new Refused(issue('file-damaged', { damage: 'part', part: this.path }));
      return;
    }
    this.carry = b.slice(lt);
  }
}

/** Whether the tag at `lt` is a <mergeCell> (with or without a prefix); null when its name runs past the bytes. */
function isMergeTag(b: Uint8Array, lt: number): boolean | null {
  let from = lt + 1;
  let i = from;
  for (; i < b.length; i++) {
    const ch = b[i]!;
    if (ch === 0x3a) from = i + 1;
    else if (ch === 0x20 || ch === 0x2f || ch === 0x3e || ch === 0x09 || ch === 0x0a || ch === 0x0d) break;
  }
  if (i === b.length) return null;
  return i - from === MERGE_CELL.length && startsWithBytes(b, from, MERGE_CELL);
}

/** Where the tag at `lt` ends: its ">" outside quoted attribute values (which may hold ">"); -1 past the bytes. */
function tagEnd(b: Uint8Array, lt: number): number {
  let quote = 0;
  for (let i = lt + 1; i < b.length; i++) {
    const ch = b[i]!;
    if (quote) {
      if (ch === quote) quote = 0;
    } else if (ch === 0x22 || ch === 0x27) quote = ch;
    else if (ch === 0x3e) return i;
  }
  return -1;
}

/** An unprefixed attribute's value in a tag's text, its character and entity references resolved; null if absent. */
function attribute(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(tag);
  if (!m) return null;
  return (m[2] ?? m[3]!).replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10))
      : XML_ENTITIES[e]!,
  );
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function startsWithBytes(b: Uint8Array, at: number, what: Uint8Array): boolean {
  for (let j = 0; j < what.length; j++) if (b[at + j] !== what[j]) return false;
  return true;
}

/** Nothing yet (`concat` never writes into its arguments). */
const NO_BYTES = new Uint8Array(0);

/** One UTF-8 decoder for every part (making one costs more than decoding a small part). */
const UTF8 = new TextDecoder('utf-8');
/** Whether UTF8 may hold the start of a character from a part given up half way. */
let utf8Pending = false;
const STREAM = { stream: true };

function decoderFor(encoding: string): TextDecoder {
  if (encoding !== 'utf-8') return new TextDecoder(encoding);
  // A part given up half way may have left the start of a character behind: flushed, it is dropped.
  if (utf8Pending) UTF8.decode();
  utf8Pending = false;
  return UTF8;
}

function encodingOf(head: Uint8Array): string {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head[0] === 0x3c && head[1] === 0x00) return 'utf-16le';
  if (head[0] === 0x00 && head[1] === 0x3c) return 'utf-16be';
  return 'utf-8';
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (!a.length) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** xsd:double as Excel writes it; anything else in a numeric cell is a broken exporter's text. */
const XML_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function serialToDate(serial: number, date1904: boolean): Date {
  // Excel counts a 29 February 1900 that never was: serials before it are one day later than plain arithmetic says.
  const days = date1904 ? serial + 1462 : serial < 60 ? serial + 1 : serial;
  return new Date(Math.round((days - 25569) * 86400) * 1000);
}

/** Built-in number formats that show dates or times (ECMA-376 §18.8.30, with the East Asian ones). */
const BUILTIN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56,
  57, 58,
]);

/** Whether a custom format code shows a date: a d, m, y, h or s outside quotes, escapes and [colour] brackets. */
export function isDateFormat(code: string): boolean {
  const bare = code
    .split(';')[0]!
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?![hms]+\])[^\]]*\]/gi, '')
    .replace(/_.|\*./g, '');
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

export function columnLetters(col: number): string {
  if (col >= 0 && col < COLUMN_LETTERS.length) return (COLUMN_LETTERS[col] ??= lettersOf(col));
  return lettersOf(col);
}

/** The letters of the first columns, made once: every figure's reference names its column. */
const COLUMN_LETTERS: (string | undefined)[] = new Array<string | undefined>(256);

function lettersOf(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

export function address(row: number, col: number): string {
  return `${columnLetters(col)}${row}`;
}

/** Where `readAddress` puts what it read (no array per cell). */
const address1 = { row: 0, col: 0 };

/** "B12" → address1 = { row: 12, col: 2 }, true; false when not an A1 address. */
function readAddress(ref: string): boolean {
  return readAddressIn(ref, 0, ref.length);
}

/** `readAddress` of `s[from, to)`. */
function readAddressIn(ref: string, from: number, to: number): boolean {
  let i = from;
  let col = 0;
  let row = 0;
  if (ref.charCodeAt(i) === 0x24) i++; // $
  for (; i < to; i++) {
    const ch = ref.charCodeAt(i) & ~0x20; // upper case
    if (ch < 0x41 || ch > 0x5a) break;
    col = col * 26 + (ch - 64);
  }
  if (col === 0 || col > MAX_COL) return false;
  if (ref.charCodeAt(i) === 0x24) i++;
  const digits = i;
  for (; i < to; i++) {
    const d = ref.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    row = row * 10 + d;
  }
  if (!(i > digits && row >= 1)) return false;
  address1.row = row;
  address1.col = col;
  return true;
}

/** "B12" → [12, 2]; null when not an A1 address. */
export function parseAddress(ref: string): [number, number] | null {
  return readAddress(ref) ? [address1.row, address1.col] : null;
}

export function parseRange(ref: string): Range | null {
  const [a, b = a] = ref.trim().split(':');
  const from = parseAddress(a!);
  const to = parseAddress(b!);
  if (!from || !to) return null;
  return {
    top: Math.min(from[0], to[0]),
    left: Math.min(from[1], to[1]),
    bottom: Math.max(from[0], to[0]),
    right: Math.max(from[1], to[1]),
    ref: ref.trim(),
  };
}

const ascii = (s: string) => new TextEncoder().encode(s);
const DOCTYPE_BYTES = ascii('<!DOCTYPE');
const MERGE_CELL = ascii('mergeCell');
/** The text of a part not in UTF-8, as UTF-8 bytes for the scan of its rest. */
const utf8Bytes = (s: string) => new TextEncoder().encode(s);
const ENTITY_BYTES = ascii('<!ENTITY');
const utf16le = (s: string) => new Uint8Array(new Uint16Array([...s].map((c) => c.charCodeAt(0))).buffer);

function contains(bytes: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  outer: for (
    let i = bytes.indexOf(first!);
    i >= 0 && i + needle.length <= bytes.length;
    i = bytes.indexOf(first!, i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

type Kind = 'zip' | 'cfb' | 'pdf' | 'html' | 'text' | 'unknown';

const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function sniff(buf: Uint8Array): Kind {
  if (buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) return 'zip';
  if (buf.length >= 8 && CFB_MAGIC.every((b, i) => buf[i] === b)) return 'cfb';
  const head = String.fromCharCode(...buf.subarray(0, 512))
    .trimStart()
    .toLowerCase();
  if (head.startsWith('%pdf')) return 'pdf';
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || head.includes('<table')) return 'html';
  if (/^[\x09\x0a\x0d\x20-\x7e\x80-\xff]*$/.test(head)) return 'text';
  return 'unknown';
}

function notXlsx(kind: Kind, buf: Uint8Array): Issue {
  // Encrypted OOXML is stored in an OLE compound file too; its directory names the EncryptionInfo stream.
  if (kind === 'cfb')
    return contains(buf, utf16le('EncryptionInfo'))
      ? issue('file-encrypted', {})
      : issue('file-not-xlsx', { found: 'xls' });
  return issue('file-not-xlsx', { found: kind === 'zip' ? 'unknown' : kind });
}
