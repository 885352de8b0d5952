import { parseISO } from 'date-fns';
import type { Issue } from '../model.js';
import { DEFAULT_LIMITS, type ReadLimits } from './limits.js';
import { issue } from '../rules/rules.js';
import { PackageError, readDirectory, ZipArchive, type ZipEntry } from '../ooxml/zip.js';
import { relsPathOf, resolveTarget } from '../ooxml/paths.js';
import { utf8 } from '../util/bytes.js';
import { relationshipOf, type Relationship } from '../ooxml/relationships.js';
import { asShown } from '../util/number.js';
import { decodeXstring, EMPTY, formulaNoResult, MAX_ROW, Refused, type Scalar, type SheetCells } from './cells.js';
import { type CellTyping, SheetReader, STOP } from './sheet.js';
import { SharedStrings, SharedStringsReader } from './shared-strings.js';
import { type Handlers, PartFeed } from './part-feed.js';
import { MEMO_PART_BYTES, PartMemo } from './part-memo.js';
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

export { MAX_ELEMENTS_PER_PART } from './part-feed.js';
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
  private readonly sharedStrings = new SharedStrings();
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
    if (names.has('mimetype') && contains(bytes, utf8('application/vnd.oasis.opendocument')))
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
    this.useWorkbook(
      this.memoized(workbook, WORKBOOKS, (onSize) => this.readWorkbook(workbook, onSize)),
      rels,
    );
    const byType = (type: string) => [...rels.values()].find((r) => r.type.endsWith(`/${type}`))?.target;
    // A table the relationships do not lead to is no table: a cell pointing into it is refused (see parseSheet).
    const strings = byType('sharedStrings');
    if (strings && this.entry(strings)) this.readSharedStrings(strings);
    const styles = byType('styles');
    if (styles && this.entry(styles))
      this.dateStyles = this.memoized(styles, STYLES, (onSize) => this.readStyles(styles, onSize));
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
    if (!sheet.path)
      throw new Refused(issue('sheet-part-missing', { sheet: sheet.name.normalize('NFC'), target: sheet.target }));
    const reader = new SheetReader(this, sheet.name, sheet.path, untilRow);
    try {
      this.parse(sheet.path, { open: reader.open, text: reader.text, close: reader.close, tailMerge: reader.addMerge });
    } catch (err) {
      if (err !== STOP) throw err;
    }
    return reader.cells;
  }

  get sharedCount(): number {
    return this.sharedStrings.count;
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
          : numberScalar(digits);
      v = String(digits);
    }
    if (f !== null && (v === null || (v === '' && t === 'str'))) return formulaNoResult(() => f);
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
    const strings = this.sharedStrings;
    return (this.sharedScalars[i] ??= strings.isSurelyText(i) ? new SharedText(strings, i) : fromText(strings.text(i)));
  }

  /** The workbook part: the date system, and each sheet's name, state and relationship id. */
  private readWorkbook(path: string, onSize: (size: number) => void): WorkbookPart {
    const part: WorkbookPart = { date1904: false, sheets: [] };
    const handlers: Handlers = {
      open: (name, attrs) => {
        if (name === 'workbookPr') part.date1904 = attrs.get('date1904') === '1' || attrs.get('date1904') === 'true';
        else if (name === 'sheet') {
          const given = attrs.get('state');
          const state = given === 'hidden' || given === 'veryHidden' ? given : 'visible';
          const id = attrs.find((k) => k === 'id' || k.endsWith(':id'));
          part.sheets.push({ name: decodeXstring(attrs.get('name') ?? ''), state, id });
        }
      },
    };
    this.parse(path, handlers, onSize);
    return part;
  }

  /** The workbook's sheets, their parts found through the workbook's relationships and in this archive. */
  private useWorkbook(part: WorkbookPart, rels: Map<string, Relationship>): void {
    this.date1904 = part.date1904;
    for (const { name, state, id } of part.sheets) {
      const target = (id ? rels.get(id)?.target : undefined) ?? null;
      this.sheets.push({ name, state, path: target && this.entry(target) ? target : null, target });
    }
  }

  /**
   * `read` of a small part, remembered by what decides it (see PartMemo): a part read from memory still counts
   * its size against the archive's budget, as if inflated again.
   */
  private memoized<T>(path: string, memo: PartMemo<T>, read: (onSize: (size: number) => void) => T): T {
    const entry = this.entry(path);
    // Deflated parts only: the same bytes stored, or under a method the archive refuses, are another part.
    if (!entry || entry.method !== 8 || entry.compressedSize > MEMO_PART_BYTES) return read(ignore);
    let raw: Uint8Array;
    try {
      raw = this.zip.raw(entry);
    } catch {
      // A damaged entry is refused by reading it.
      return read(ignore);
    }
    const known = memo.find(path, raw, entry.uncompressedSize);
    if (known) {
      try {
        this.zip.charge(known.size);
      } catch (err) {
        throw err instanceof PackageError ? this.refusal(err, path) : err;
      }
      return known.value;
    }
    let size = 0;
    const value = read((n) => (size = n));
    memo.remember(path, raw, entry.uncompressedSize, size, value);
    return value;
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

  /** Per cell style index (`s`), whether its number format shows a date. */
  private readStyles(path: string, onSize: (size: number) => void): boolean[] {
    const custom = new Map<number, string>();
    const xfFormats: number[] = [];
    let inCellXfs = false;
    this.parse(
      path,
      {
        open: (name, attrs) => {
          if (name === 'numFmt') custom.set(Number(attrs.get('numFmtId')), attrs.get('formatCode') ?? '');
          else if (name === 'cellXfs') inCellXfs = true;
          else if (name === 'xf' && inCellXfs) xfFormats.push(Number(attrs.get('numFmtId') ?? 0));
        },
        close: (name) => {
          if (name === 'cellXfs') inCellXfs = false;
        },
      },
      onSize,
    );
    return xfFormats.map((id) => (custom.has(id) ? isDateFormat(custom.get(id)!) : BUILTIN_DATE_FORMATS.has(id)));
  }

  /** The relationships of `source` ('' for the package), by id, their targets resolved to part names. */
  private readRels(source: string): Map<string, Relationship> {
    const path = relsPathOf(source);
    if (!this.entry(path)) return new Map();
    return this.memoized(path, RELATIONSHIPS, (onSize) => {
      const rels = new Map<string, Relationship>();
      const handlers: Handlers = {
        open: (name, attrs) => {
          const rel = name === 'Relationship' ? relationshipOf(source, (k) => attrs.get(k)) : null;
          if (rel && !rel.external) rels.set(rel.id, rel);
        },
      };
      this.parse(path, handlers, onSize);
      return rels;
    });
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
    const part = new PartFeed(path, handlers, onSize);
    try {
      this.zip.stream(path, part.feed);
      if (!part.closed) throw new Refused(issue('file-damaged', { damage: 'part', part: path }));
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

/** A whole number's scalar: small ones made once per thread (a form's figures are mostly small), never changed. */
function numberScalar(n: number): Scalar {
  if (n >= SMALL_NUMBERS) return { kind: 'number', value: n };
  return (NUMBER_SCALARS[n] ??= Object.freeze({ kind: 'number', value: n }));
}

const SMALL_NUMBERS = 4096;
const NUMBER_SCALARS: Scalar[] = [];

/** A cell's shared string, read from the part's bytes only when its text is asked for. */
class SharedText {
  readonly kind = 'text';
  constructor(
    private readonly strings: SharedStrings,
    private readonly index: number,
  ) {}

  get text(): string {
    return this.strings.text(this.index);
  }
}

/** What the workbook part says, before its relationships lead to the sheets' parts. */
interface WorkbookPart {
  date1904: boolean;
  sheets: { name: string; state: SheetEntry['state']; id: string | undefined }[];
}

// Small parts read once per thread (see PartMemo): one memory per kind of result.
const RELATIONSHIPS = new PartMemo<Map<string, Relationship>>();
const WORKBOOKS = new PartMemo<WorkbookPart>();
const STYLES = new PartMemo<boolean[]>();

const ignore = () => {};

const CONTENT_TYPES = '[Content_Types].xml';
/** Content types of a workbook part: .xlsx, .xltx, .xlsm, .xltm. */
const WORKBOOK_TYPE = /\.(sheet|template)(\.macroEnabled)?\.main\+xml$/i;

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
