import { issue } from '../rules/rules.js';
import { type Attrs, canonicalDigits, rawTextOf, textOf } from '../ooxml/tokenizer.js';
import { isName, KnownContent } from '../ooxml/known-content.js';
import { startsWith, utf8 } from '../util/bytes.js';
import { DONE } from './part-feed.js';
import {
  address,
  lastAddress,
  MAX_CELLS_PER_SHEET,
  MAX_COL,
  MAX_MERGES_PER_SHEET,
  MAX_ROW,
  parseRange,
  readAddress,
  readAddressIn,
  formulaNoResult,
  Refused,
  type Scalar,
  CellRow,
  type SheetCells,
} from './cells.js';

/**
 * One worksheet part read into its cells: rows, cells, their values, formulas and inline strings, and the merged
 * ranges. The tokenizer hands it the part's events (`open`, `text`, `close`); inside <sheetData>, where nearly all
 * of a part is, a tighter loop (`readSheetData`) reads the usual shapes itself — rows of cells with a value, a
 * formula or an inline string — and gives the rest back to the tokenizer at the first thing it does not know. Both
 * make the same calls on the same state, so a sheet reads the same either way.
 */

/** What the cells of a sheet need from their workbook: its shared strings and styles, and how a cell is typed. */
export interface CellTyping {
  readonly sharedCount: number;
  readonly styleCount: number;
  /** A cell's scalar from its type, style, value (text, or canonical digits: then `v` is null), formula, inline text. */
  scalar(t: string, style: number, v: string | null, digits: number, f: string | null, inline: string | null): Scalar;
}

/** Thrown to stop reading a sheet after the rows asked for. */
export const STOP = new Error('stop');

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

const V = 1;
const F = 2;
const T = 3;

export class SheetReader {
  private count = 0;
  private rowNum = 0;
  private row: CellRow | null = null;
  private col = 0;
  // The cell being read.
  private cRow = 0;
  private cCol = 0;
  private cType = '';
  private cStyle = 0;
  private cStyleText = '';
  /** The <v> text, or its number when it is canonical digits (then no string is made: most values are). */
  private value: string | null = null;
  private digits = -1;
  private formula: string | null = null;
  /**
   * The formula's one piece of text as a place in the bytes (`formulaTo` > 0), made into text only if the cell has no
   * value: a form's check column holds long formulas, whose values are all the reader needs.
   */
  private formulaBytes: Uint8Array | null = null;
  private formulaFrom = 0;
  private formulaTo = 0;
  private formulaFlags = 0;
  private inline: string | null = null;
  /** Which text is being read: V, F, T or 0. */
  private inText = 0;
  private inPhonetic = false;
  private inCell = false;
  /** The cell being read is self-closing. */
  private bare = false;
  /** Merges are read wherever they stand (see `TailScan`): a range seen twice counts once. */
  private readonly seen = new Set<string>();

  /** The rows read, each a CellRow: `cells.rows` is this map. */
  private readonly rows = new Map<number, CellRow>();
  /** What the sheet holds, as it is read. */
  readonly cells: SheetCells;

  constructor(
    private readonly book: CellTyping,
    name: string,
    private readonly path: string,
    private readonly untilRow: number,
  ) {
    this.cells = { name, rows: this.rows, merges: [] };
  }

  /** The tokenizer's handlers for the part. */
  readonly open = (name: string, attrs: Attrs, depth: number, selfClosing: boolean): void => {
    // Past the merges, a sheet holds nothing the reader needs (validations, formats, links, page setup).
    if (depth === 2 && !SHEET_PARTS_READ.has(name)) throw DONE;
    switch (name) {
      case 'sheetData':
        if (depth === 2 && !selfClosing) this.readSheetData(attrs);
        break;
      case 'row':
        this.openRow(attrs);
        break;
      case 'c':
        this.openCell(attrs, selfClosing);
        break;
      case 'v':
        this.openValue();
        break;
      case 'f':
        this.openFormula();
        break;
      case 'is':
        this.openInline();
        break;
      case 'rPh':
        this.inPhonetic = true;
        break;
      case 't':
        this.openInlineText();
        break;
      case 'mergeCell': {
        const ref = attrs.get('ref');
        if (ref) this.addMerge(ref);
        break;
      }
    }
  };

  readonly text = (b: Uint8Array, from: number, to: number, flags: number): void => {
    if (this.inText === V) this.readValue(b, from, to, flags);
    else if (this.inText === F) this.formula = this.formulaText() + rawTextOf(b, from, to, flags);
    else if (this.inText === T) this.inline += textOf(b, from, to, flags);
  };

  readonly close = (name: string): void => {
    switch (name) {
      case 'f':
      case 'v':
      case 't':
        this.inText = 0;
        break;
      case 'rPh':
        this.inPhonetic = false;
        break;
      case 'c':
        this.closeCell();
        break;
    }
  };

  readonly addMerge = (ref: string): void => {
    const range = parseRange(ref);
    if (!range || (range.top === range.bottom && range.left === range.right)) return;
    const key = `${range.top}:${range.left}:${range.bottom}:${range.right}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.cells.merges.length >= MAX_MERGES_PER_SHEET)
      throw new Refused(
        issue('file-too-large', { part: 'merges', sheet: this.cells.name, limit: MAX_MERGES_PER_SHEET }),
      );
    this.cells.merges.push(range);
  };

  private openRow(attrs: Attrs): void {
    const given = attrs.digits('r');
    const text = given === -2 ? attrs.get('r') : '';
    this.enterRow(given >= 0 ? given : text ? Number(text) : this.rowNum + 1);
  }

  private enterRow(r: number): void {
    if (!Number.isInteger(r) || r < 1 || r > MAX_ROW) throw this.damaged();
    if (r > this.untilRow) throw STOP;
    this.rowNum = r;
    this.row = this.rows.get(r) ?? null;
    this.col = 0;
  }

  private openCell(attrs: Attrs, selfClosing: boolean): void {
    this.inCell = true;
    // One pass over the attributes for r, s and t (a cell has little else); each read in place when it can be.
    let r = -1;
    let s = -1;
    let t = -1;
    for (let k = 0; k < attrs.count; k++) {
      const letter = attrs.letterAt(k);
      if (letter === 0x72) r = k;
      else if (letter === 0x73) s = k;
      else if (letter === 0x74) t = k;
    }
    this.cellAddress(attrs, r);
    // A cell with no content holds nothing, whatever its type and style (half a form's cells are such).
    if ((this.bare = selfClosing)) return;
    // Style indexes are digits: read in place, the text kept only when it is something else.
    const style = s < 0 ? -1 : attrs.digitsAt(s);
    const styleText = style === -2 ? attrs.value(s) : '';
    this.cellKind(t < 0 ? '' : attrs.value(t), style >= 0 ? style : styleText ? Number(styleText) : 0, styleText);
  }

  /** A cell's type and style (`styleText`: the style as written when it is not plain digits); its content to come. */
  private cellKind(type: string, style: number, styleText: string): void {
    this.cType = type;
    this.cStyle = style;
    this.cStyleText = styleText;
    this.value = this.formula = this.inline = this.formulaBytes = null;
    this.digits = -1;
  }

  /** Where the cell is: its `r` (attribute `r` of the tag, -1 for none), else the next column of its row. */
  private cellAddress(attrs: Attrs, r: number): void {
    // Read in place into cRow/cCol: no string, no array per cell.
    const inPlace = r >= 0 && attrs.spanAt(r);
    const ref = r < 0 || inPlace ? null : attrs.value(r);
    if ((inPlace && attrs.spanTo > attrs.spanFrom) || ref) {
      const read = inPlace ? readAddressIn(attrs.bytes, attrs.spanFrom, attrs.spanTo) : readAddress(ref!);
      if (!read) throw this.damaged();
      this.placeCell(lastAddress.row, lastAddress.col);
    } else this.placeCell(this.rowNum || 1, this.col + 1);
  }

  private placeCell(row: number, col: number): void {
    this.cRow = row;
    this.cCol = col;
    if (col > MAX_COL) throw this.damaged();
    this.col = col;
  }

  private openValue(): void {
    if (!this.inCell) return;
    this.inText = V;
    this.value = '';
    this.digits = -1;
  }

  private openFormula(): void {
    if (!this.inCell) return;
    // A formula's text is needed only when the cell has no value: resolved then (formulaNoResult).
    this.inText = F;
    this.formula = '';
    this.formulaBytes = null;
  }

  private openInline(): void {
    if (this.inCell) this.inline = '';
  }

  private openInlineText(): void {
    if (this.inline !== null && !this.inPhonetic) this.inText = T;
  }

  /**
   * `text` from the loop over <sheetData>, whose bytes are the whole part's: a formula's text is kept there as a
   * place (the tokenizer's pieces may be a stream's, which are not kept).
   */
  loopText(b: Uint8Array, from: number, to: number, flags: number): void {
    if (this.inText === F) this.formulaPiece(b, from, to, flags);
    else this.text(b, from, to, flags);
  }

  private formulaPiece(b: Uint8Array, from: number, to: number, flags: number): void {
    if (this.formula === '' && !this.formulaBytes) {
      this.formulaBytes = b;
      this.formulaFrom = from;
      this.formulaTo = to;
      this.formulaFlags = flags;
    } else this.formula = this.formulaText() + rawTextOf(b, from, to, flags);
  }

  /** The formula's text as written, its piece kept as a place made into text now. */
  private formulaText(): string | null {
    const b = this.formulaBytes;
    if (b) {
      this.formula = rawTextOf(b, this.formulaFrom, this.formulaTo, this.formulaFlags);
      this.formulaBytes = null;
    }
    return this.formula;
  }

  /** Whether the cell has a formula and no value to read instead (an empty one, for a text formula). */
  private noValue(): boolean {
    const { value, digits } = this;
    return this.formula !== null && ((value === null && digits < 0) || (value === '' && this.cType === 'str'));
  }

  /** The formula of a cell without a value; its text made only if asked for (a check column's never is). */
  private formulaScalar(): Scalar {
    const b = this.formulaBytes;
    if (!b) {
      const written = this.formula!;
      return formulaNoResult(() => written);
    }
    const { formulaFrom: from, formulaTo: to, formulaFlags: flags } = this;
    return formulaNoResult(() => rawTextOf(b, from, to, flags));
  }

  /** A piece of <v>: canonical digits, the whole of it, are kept as a number (most values are); else text. */
  private readValue(b: Uint8Array, from: number, to: number, flags: number): void {
    if (this.value === '' && this.digits < 0 && !flags) {
      this.digits = canonicalDigits(b, from, to, 15);
      if (this.digits >= 0) {
        this.value = null;
        return;
      }
    }
    this.value = (this.digits >= 0 ? String(this.digits) : (this.value ?? '')) + textOf(b, from, to, flags);
    this.digits = -1;
  }

  private closeCell(): void {
    this.inCell = false;
    if (!this.bare) this.store();
  }

  private store(): void {
    const { book, value, digits } = this;
    if (this.cType === 's' && (value !== null || digits >= 0)) {
      const index = stringIndex(value, digits);
      if (index < 0 || index >= book.sharedCount)
        throw this.broken('shared-strings', value?.trim() ?? String(digits), book.sharedCount);
    }
    const scalar = this.noValue()
      ? this.formulaScalar()
      : book.scalar(this.cType, this.cStyle, value, digits, null, this.inline);
    if (scalar.kind === 'empty' || this.cRow > this.untilRow) return;
    // Style 0 is the default one, there even when the file has no styles.
    const style = this.cStyle;
    if (style !== 0 && !(Number.isInteger(style) && style > 0 && style < book.styleCount))
      throw this.broken('styles', this.cStyleText || String(style), book.styleCount);
    if (++this.count > MAX_CELLS_PER_SHEET)
      throw new Refused(issue('file-too-large', { part: 'cells', sheet: this.cells.name, limit: MAX_CELLS_PER_SHEET }));
    const { cRow, rowNum } = this;
    let r = cRow === rowNum && this.row ? this.row : this.rows.get(cRow);
    if (!r) this.rows.set(cRow, (r = new CellRow()));
    if (cRow === rowNum) this.row = r;
    r.set(this.cCol, scalar);
  }

  private broken(part: 'shared-strings' | 'styles', value: string, count: number): Refused {
    const at = { sheet: this.cells.name.normalize('NFC'), cell: address(this.cRow, this.cCol) };
    return new Refused(issue('cell-reference-broken', { ...at, part, value, count }, at));
  }

  private damaged(): Refused {
    return new Refused(issue('file-damaged', { damage: 'part', part: this.path }));
  }

  /**
   * The content of <sheetData> read in one loop over the bytes, when it is made of what a form's sheet is made of:
   * unprefixed <row>, <c>, <v>, <f>, <is> and <t> (each tag's attributes read and checked by the tokenizer's own
   * function, each text by its own check), white space between them. At anything else — a comment, CDATA, a
   * prefix, rich text, another element, the end of the bytes — what it read is undone and the tokenizer reads the
   * content instead, from the start.
   */
  private readSheetData(attrs: Attrs): void {
    const b = attrs.bytes;
    // Cells before <sheetData> (a broken writer's) are left to the tokenizer: nothing the loop undoes is shared.
    if (!isName(b, attrs.tagFrom + 1, SHEET_DATA) || attrs.depthLeft < 4 || this.rows.size) return;
    const state = this.snapshot();
    const at = new KnownContent(b, attrs.tagTo, attrs.elementsLeft);
    const end = new SheetDataLoop(at, this).run();
    if (end >= 0) attrs.skip(end, at.elements);
    else this.restore(state);
  }

  /** What `readSheetData` may have changed, to undo it (no row is read yet). */
  private snapshot() {
    return { count: this.count, rowNum: this.rowNum, col: this.col };
  }

  private restore(s: ReturnType<SheetReader['snapshot']>): void {
    this.rows.clear();
    this.count = s.count;
    this.rowNum = s.rowNum;
    this.row = null;
    this.col = s.col;
    this.inCell = false;
    this.inText = 0;
  }

  /** The calls `SheetDataLoop` makes, each what the event of the same name does. */
  loopRow(attrs: Attrs): void {
    this.openRow(attrs);
  }
  loopCell(attrs: Attrs, selfClosing: boolean): void {
    this.openCell(attrs, selfClosing);
    if (selfClosing) this.closeCell();
  }
  /** `loopRow` of a plain row tag (`plainRowTag`). */
  loopRowAt(r: number): void {
    this.enterRow(r);
  }
  /** `loopCell` of a plain cell tag (`plainCellTag`): its address in b[rFrom, rTo), type and style read. */
  loopCellAt(b: Uint8Array, rFrom: number, rTo: number, type: string, style: number, selfClosing: boolean): void {
    this.inCell = true;
    if (!readAddressIn(b, rFrom, rTo)) throw this.damaged();
    this.placeCell(lastAddress.row, lastAddress.col);
    if ((this.bare = selfClosing)) this.closeCell();
    else this.cellKind(type, style, '');
  }
  loopEndCell(): void {
    this.closeCell();
  }
  loopOpenText(kind: number): void {
    if (kind === V) this.openValue();
    else if (kind === F) this.openFormula();
    else this.openInlineText();
  }
  loopInline(): void {
    this.openInline();
  }
  loopEndText(): void {
    this.inText = 0;
  }
  /** `loopOpenText(V)`, `text` of canonical digits and `loopEndText` at once. */
  loopDigits(n: number): void {
    this.value = null;
    this.digits = n;
    this.inText = 0;
  }
}

const SHEET_DATA = utf8('sheetData');
const ROW = utf8('row');
const CELL = utf8('c');
const VALUE = utf8('v');
const FORMULA = utf8('f');
const INLINE = utf8('is');
const TEXT = utf8('t');

/** The loop of `SheetReader.readSheetData`: returns where </sheetData> ends, or -1 to give the content back. */
class SheetDataLoop {
  constructor(
    private readonly at: KnownContent,
    private readonly reader: SheetReader,
  ) {}

  run(): number {
    const { at } = this;
    for (;;) {
      at.space();
      if (at.atEnd(SHEET_DATA)) return at.end(SHEET_DATA) ? at.i : -1;
      const plain = plainRowTag(at.b, at.i);
      if (plain >= 0) {
        at.take(plain);
        this.reader.loopRowAt(tag.row);
        if (!tag.selfClosing && !this.row()) return -1;
        continue;
      }
      if (!at.start(ROW)) return -1;
      this.reader.loopRow(at.attrs);
      if (!at.attrs.selfClosing && !this.row()) return -1;
    }
  }

  /** The cells of a row, up to and past </row>. */
  private row(): boolean {
    const { at } = this;
    for (;;) {
      at.space();
      if (at.atEnd(ROW)) return at.end(ROW);
      let selfClosing: boolean;
      const plain = plainCellTag(at.b, at.i);
      if (plain >= 0) {
        at.take(plain);
        selfClosing = tag.selfClosing;
        this.reader.loopCellAt(at.b, tag.rFrom, tag.rTo, tag.type, tag.style, selfClosing);
      } else {
        if (!at.start(CELL)) return false;
        selfClosing = at.attrs.selfClosing;
        this.reader.loopCell(at.attrs, selfClosing);
      }
      if (!selfClosing && !this.cell()) return false;
    }
  }

  /** What a cell holds, up to and past </c>. */
  private cell(): boolean {
    const { at } = this;
    for (;;) {
      at.space();
      if (at.atEnd(CELL)) {
        if (!at.end(CELL)) return false;
        this.reader.loopEndCell();
        return true;
      }
      if (at.startExactly(VALUE_TAG)) {
        if (!this.value()) return false;
      } else if (at.start(VALUE)) {
        if (!this.text(V, VALUE)) return false;
      } else if (at.start(FORMULA)) {
        if (!this.text(F, FORMULA)) return false;
      } else if (at.start(INLINE)) {
        this.reader.loopInline();
        if (!at.attrs.selfClosing && !this.inline()) return false;
      } else return false;
    }
  }

  /** The <t> elements of an inline string, up to and past </is>. */
  private inline(): boolean {
    const { at } = this;
    for (;;) {
      at.space();
      if (at.atEnd(INLINE)) return at.end(INLINE);
      if (!at.start(TEXT) || !this.text(T, TEXT)) return false;
    }
  }

  /** After "<v>": canonical digits and "</v>" read straight from the bytes (most values are), else as any text. */
  private value(): boolean {
    const { at } = this;
    const b = at.b;
    let j = at.i;
    while (b[j]! >= 0x30 && b[j]! <= 0x39) j++;
    const n = canonicalDigits(b, at.i, j, 15);
    if (n < 0 || !startsWith(b, j, VALUE_END)) return this.text(V, VALUE);
    this.reader.loopDigits(n);
    at.i = j + VALUE_END.length;
    return true;
  }

  /** After the start tag of a <v>, <f> or <t> (`kind`): its text and end tag. */
  private text(kind: number, name: Uint8Array): boolean {
    const { at, reader } = this;
    reader.loopOpenText(kind);
    if (!at.attrs.selfClosing) {
      if (!at.text()) return false;
      if (at.textTo > at.textFrom) reader.loopText(at.b, at.textFrom, at.textTo, at.textFlags);
      if (!at.end(name)) return false;
    }
    reader.loopEndText();
    return true;
  }
}

/** What `plainRowTag` and `plainCellTag` read. */
const tag = { row: 0, rFrom: 0, rTo: 0, type: '', style: 0, selfClosing: false };

/**
 * A row's start tag as most writers write it, `<row r="12">` (or `/>`), read straight from the bytes: well-formed as
 * it stands. Returns where it ends (the row number in `tag.row`), or -1 for any other tag.
 */
function plainRowTag(b: Uint8Array, i: number): number {
  if (!startsWith(b, i, ROW_R)) return -1;
  let j = i + ROW_R.length;
  const from = j;
  while (b[j]! >= 0x30 && b[j]! <= 0x39) j++;
  const row = canonicalDigits(b, from, j, 7);
  if (row < 0 || b[j] !== QUOTE) return -1;
  tag.row = row;
  return tagClose(b, j + 1);
}

/**
 * A cell's start tag as bdg, Excel and most writers write it — `<c r="B12" s="3" t="s">`, `s` and `t` optional and
 * in that order, one space apart — read straight from the bytes: with values of letters and digits only, such a
 * tag is well-formed as it stands. Returns where it ends (what it says in `tag`), or -1 for any other tag.
 */
function plainCellTag(b: Uint8Array, i: number): number {
  if (!startsWith(b, i, CELL_R)) return -1;
  let j = i + CELL_R.length;
  tag.rFrom = j;
  while (isAlnum(b[j]!)) j++;
  if (b[j] !== QUOTE || j === tag.rFrom) return -1;
  tag.rTo = j++;
  tag.style = 0;
  tag.type = '';
  if (startsWith(b, j, STYLE_ATTR)) {
    const from = (j += STYLE_ATTR.length);
    while (b[j]! >= 0x30 && b[j]! <= 0x39) j++;
    tag.style = canonicalDigits(b, from, j, 9);
    if (tag.style < 0 || b[j++] !== QUOTE) return -1;
  }
  if (startsWith(b, j, TYPE_ATTR)) {
    const from = (j += TYPE_ATTR.length);
    while (isAlnum(b[j]!)) j++;
    const type = cellType(b, from, j);
    if (type === null || b[j++] !== QUOTE) return -1;
    tag.type = type;
  }
  return tagClose(b, j);
}

/** Past the ">" or "/>" at `j` (`tag.selfClosing` says which), or -1. */
function tagClose(b: Uint8Array, j: number): number {
  tag.selfClosing = b[j] === 0x2f;
  if (tag.selfClosing) j++;
  return b[j] === 0x3e ? j + 1 : -1;
}

/** The cell types of ECMA-376, as the strings the tokenizer would give; null for anything else. */
function cellType(b: Uint8Array, from: number, to: number): string | null {
  for (const { text, bytes } of CELL_TYPES) if (to - from === bytes.length && startsWith(b, from, bytes)) return text;
  return null;
}

const CELL_TYPES = ['s', 'n', 'str', 'b', 'e', 'd', 'inlineStr'].map((text) => ({ text, bytes: utf8(text) }));
const ROW_R = utf8('<row r="');
const VALUE_TAG = utf8('<v>');
const VALUE_END = utf8('</v>');
const CELL_R = utf8('<c r="');
const STYLE_ATTR = utf8(' s="');
const TYPE_ATTR = utf8(' t="');
const QUOTE = 0x22;

const isAlnum = (c: number) => (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);

/** The shared-string index a cell's <v> holds (as text, or as canonical digits), or -1 when it holds no index. */
function stringIndex(value: string | null, digits: number): number {
  if (digits >= 0) return digits;
  return value !== null && isStringIndex(value) ? Number(value) : -1;
}

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
