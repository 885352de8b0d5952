import { parseISO } from 'date-fns';
import type { Issue } from '../model.js';
import { DEFAULT_LIMITS, type ReadLimits } from './limits.js';
import { issue } from '../rules/rules.js';
import { PackageError, readDirectory, ZipArchive, type ZipEntry } from '../ooxml/zip.js';
import { relsPathOf, resolveTarget } from '../ooxml/paths.js';
import { asShown } from '../util/number.js';
import {
  type Attrs,
  resolveReferences,
  XmlError,
  XmlTokenizer,
  XmlTooDeep,
  XmlTooMany,
  type XmlSink,
} from '../ooxml/tokenizer.js';
import { decodeXstring, EMPTY, MAX_ROW, Refused, type Scalar, type SheetCells } from './cells.js';
import { type CellTyping, DONE, SheetReader, STOP } from './sheet.js';
import { SharedStringsReader } from './shared-strings.js';
import { MAX_XML_DEPTH } from '../ooxml/xml-errors.js';

/**
 * An .xlsx read straight from its bytes: the zip directory once (src/core/ooxml/zip.ts), then only the parts asked
 * for (workbook, its relationships, shared strings, styles, the sheets the caller names), each inflated under the
 * archive's byte budget (a form's parts in one call, a large part as a stream) and tokenized (ooxml/tokenizer.ts)
 * only as far as it is needed. Ranges (merges) stay ranges; empty cells and rows are never stored. Anything hostile
 * or broken throws `Refused` with the issue to report.
 */

export interface SheetEntry {
  name: string;
  state: 'visible' | 'hidden' | 'veryHidden';
  /** Zip entry of the sheet's XML; null when the workbook points at nothing. */
  path: string | null;
  /** The part the workbook's relationship names (null: no relationship of the sheet's id). */
  target: string | null;
}

/** Elements one part may hand the parser once runs of empty rows and cells are dropped: a form has a few thousand. */
export const MAX_ELEMENTS_PER_PART = 1_000_000;
/** SpreadsheetML nests a dozen levels at most; more means a hostile or broken part (one limit, in ooxml/xml.ts). */
export { MAX_XML_DEPTH };
export * from './cells.js';

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

export class XlsxBook implements CellTyping {
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
    const sheet = new SheetReader(this, cells, path, untilRow);
    this.parse(path, { open: sheet.open, text: sheet.text, close: sheet.close, tailMerge: sheet.addMerge });
  }

  get sharedCount(): number {
    return this.sharedStrings.length;
  }

  get styleCount(): number {
    return this.dateStyles.length;
  }

  /**
   * A cell's scalar from its type attribute, style, stored value (as text, or as a number when it is canonical
   * digits: then `v` is null), formula and inline text.
   */
  scalar(t: string, style: number, v: string | null, digits: number, f: string | null, inline: string | null): Scalar {
    if (digits >= 0) {
      // A shared string's index or a whole number: the two cells a form is made of.
      if (t === 's') return this.sharedScalar(digits);
      if (t === '' || t === 'n')
        return this.dateStyles[style]
          ? { kind: 'date', value: serialToDate(digits, this.date1904) }
          : { kind: 'number', value: asShown(digits) };
      v = String(digits);
    }
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
    const table = new SharedStringsReader(this.sharedStrings);
    this.parse(path, { open: table.open, text: table.text, close: table.close }, (inflated) => {
      if (inflated > max)
        throw new Refused(issue('file-too-large', { part: 'shared-strings', size: inflated, limit: max }));
    });
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
    // The handlers themselves, in a sink of one shape for every part (the tokenizer's calls stay monomorphic).
    const sink: XmlSink = {
      open: handlers.open ?? ignore,
      close: handlers.close ?? ignore,
      text: handlers.text ?? ignore,
      doctype: () => {
        throw new Refused(issue('file-unsafe', { danger: 'dtd' }));
      },
    };
    const parser = new XmlTokenizer(sink, { maxElements: MAX_ELEMENTS_PER_PART });
    const damaged = (err: XmlError) =>
      err instanceof XmlTooDeep
        ? new Refused(issue('file-unsafe', { danger: 'nesting', part: path, limit: MAX_XML_DEPTH }))
        : err instanceof XmlTooMany
          ? new Refused(issue('file-too-large', { part: 'elements', entry: path, limit: MAX_ELEMENTS_PER_PART }))
          : new Refused(issue('file-damaged', { damage: 'part', part: path, detail: err.message }));

    /** Set for a UTF-16 part, which is re-encoded as UTF-8 as it comes (the tokenizer reads UTF-8). */
    let decoder: TextDecoder | null = null;
    let head: Uint8Array | null = NO_BYTES;
    let inflated = 0;
    let closed = false;
    let pending: Uint8Array = NO_BYTES;
    const tail = new TailScan(path, handlers.tailMerge);
    const runs = { past: false };
    // The archive inflates the part under its byte budget, never past the size its directory declares.
    const feed = (chunk: Uint8Array, final: boolean) => {
      inflated += chunk.length;
      onSize?.(inflated);
      if (head) {
        // The encoding is known from the first bytes (a BOM, or "<" as one or two bytes).
        chunk = concat(head, chunk);
        if (chunk.length < 4 && !final) return void (head = chunk);
        head = null;
        const encoding = encodingOf(chunk);
        if (encoding !== 'utf-8') decoder = new TextDecoder(encoding);
      }
      if (decoder) chunk = utf8Bytes(decoder.decode(chunk, { stream: !final }));
      if (done) {
        // Past where the parser stopped, the part is only scanned as bytes.
        tail.scan(chunk, final);
        closed ||= final;
        return;
      }
      // Runs of empty self-closing rows and cells (a million formatted rows, 16.384 styled columns) are dropped
      // from the bytes before they are tokenized, all but the last of each run: it alone fixes where a following
      // unnumbered row or cell is. Chunks are cut before their last "<" so no tag is split.
      const bytes = concat(pending, chunk);
      let cut = final ? bytes.length : bytes.lastIndexOf(0x3c);
      if (cut <= 0) cut = bytes.length;
      pending = cut < bytes.length ? bytes.slice(cut) : NO_BYTES;
      // A small part has no runs worth dropping; past the end of sheetData there are no rows or cells to drop.
      const ranges = (final && inflated < SMALL_PART) || runs.past ? [[0, cut] as const] : keptRanges(bytes, cut, runs);
      let k = 0;
      try {
        for (; k < ranges.length; k++) parser.write(bytes.subarray(ranges[k]![0], ranges[k]![1]));
        if (final) {
          parser.close();
          closed = true;
        }
      } catch (err) {
        if (err instanceof XmlError) throw damaged(err);
        if (err !== DONE) throw err;
        done = true;
        // The parser stopped at a tag in range k: the part is scanned from that tag on, at the depth before it (the
        // rest of this chunk now, the chunks to come as they arrive). What was cut off after the last "<" of the
        // chunk is scanned too: a tag it begins may be a merge.
        tail.depth = tail.max = parser.depth - 1;
        const next = k + 1 < ranges.length ? ranges[k + 1]![0] : cut;
        tail.scan(concat(parser.rest(), bytes.subarray(next)), final);
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

/** A part smaller than this has no runs of empty rows or cells worth dropping before it is parsed. */
const SMALL_PART = 256 * 1024;

interface Rel {
  type: string;
  target: string;
}

const ignore = () => {};

interface Handlers {
  /** `depth`: 1 for the root element. */
  open?: (name: string, attrs: Attrs, depth: number, selfClosing: boolean) => void;
  /** A piece of text, as the tokenizer hands it on (see XmlSink.text: `textOf` makes it a string). */
  text?: (b: Uint8Array, from: number, to: number, flags: number) => void;
  close?: (name: string) => void;
  /** The `ref` of each <mergeCell> in what follows where the parser stopped (found by the scan, not parsed). */
  tailMerge?: (ref: string) => void;
}

const CONTENT_TYPES = '[Content_Types].xml';
/** Content types of a workbook part: .xlsx, .xltx, .xlsm, .xltm. */
const WORKBOOK_TYPE = /\.(sheet|template)(\.macroEnabled)?\.main\+xml$/i;
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
