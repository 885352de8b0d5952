import { isRelType, MAIN_NAMESPACES, REL_NAMESPACES } from '../ooxml/namespaces.js';
import { OfficePackage } from '../ooxml/package.js';
import type { Relationship } from '../ooxml/relationships.js';
import { escapeXml, unescapeXml, visitXml } from '../ooxml/xml.js';
import { deflatePart, type Codec, type NewPart } from '../ooxml/zip.js';
import { ByteWriter, utf8 } from './byte-writer.js';
import { fitCellText } from './cell-text.js';

/**
 * Rows of a workbook written as SpreadsheetML bytes straight into their sheet part, for sheets of hundreds of
 * thousands of cells: exceljs builds an object per cell and the sheet as millions of small strings (a country's
 * commune sheet: 3 s and 250 MB). exceljs still writes everything else of the sheet; for each kind of row it writes
 * one prototype row (cells styled, no values) where the block starts, and the block's rows take their place with
 * the style indices exceljs gave the prototypes' cells — never numbers of our own.
 */
export type RawCell = string | number | null;

export interface RawRowBlock {
  /** The sheet's name; one block a sheet. */
  sheet: string;
  /** Number of the block's first row. exceljs wrote the prototype of kind k at row `first + k`, and nothing else
   * before `first + count`. */
  first: number;
  count: number;
  /** The block's i-th row: the kind of row (its prototype) and its cells from column A. A null cell is empty but
   * keeps the prototype's style; strings go to the shared strings, as exceljs writes them. The row's height in
   * points, when it has one of its own (the prototype's is not copied). Null: an empty row, not written. */
  row(i: number): RawRow | null;
}

export interface RawRow {
  kind: number;
  cells: readonly RawCell[];
  height?: number;
}

const decoder = new TextDecoder();

/**
 * The package with each block's rows in place of its prototype rows; the sheets with blocks at a light level.
 * `codec`: the platform's deflate (Node's zlib), several times faster than fflate on a country's sheets.
 */
export function withRawRows(xlsx: Uint8Array, blocks: RawRowBlock[], codec: Codec = {}): Uint8Array {
  // exceljs's own output, just written: no budget of a submitter's file to keep.
  const pkg = new OfficePackage(xlsx, { maxUncompressedBytes: Number.MAX_SAFE_INTEGER }, codec);
  const text = (path: string) => {
    const part = pkg.part(path);
    if (!part) throw new Error(`xlsx: part ${path} not found`);
    return decoder.decode(part);
  };
  const workbook = pkg.officeDocument()?.path;
  if (!workbook) throw new Error('xlsx: no workbook part');
  const rels = pkg.relationships(workbook);
  const sheets = sheetParts(pkg.part(workbook)!, rels);
  const stringsPath = rels.find((r) => isRelType(r.type, 'sharedStrings') && !r.external)?.target;
  // exceljs always has strings here (the sheets' headers); a package without them is not one it wrote.
  if (!stringsPath) throw new Error('xlsx: no shared strings part');
  const strings = new SharedStrings(text(stringsPath));
  const rewritten = new Set<string>();
  for (const block of blocks) {
    const path = sheets.get(block.sheet);
    if (!path) throw new Error(`xlsx: sheet "${block.sheet}" not found`);
    if (rewritten.has(path)) throw new Error(`xlsx: two row blocks for sheet "${block.sheet}"`);
    rewritten.add(path);
    const sheet = writeBlock(text(path), block, strings);
    // A large, repetitive part: a light level is nearly as small and several times faster.
    pkg.set(path, deflatePart(sheet, codec));
  }
  pkg.set(stringsPath, deflated(strings.bytes(), codec));
  // exceljs stored the package without compression (summary-workbook.ts): the parts left are deflated once here.
  for (const entry of pkg.zip.entries)
    if (entry.method === 0 && !entry.name.endsWith('/') && !rewritten.has(entry.name) && entry.name !== stringsPath)
      pkg.set(entry.name, deflated(pkg.zip.read(entry.name), codec));
  return pkg.write();
}

/** A part deflated whole (level 6) by the platform's codec when it has one; else as it is, for the zip to deflate. */
function deflated(bytes: Uint8Array, codec: Codec): NewPart {
  if (!codec.deflateRaw || !codec.crc32) return bytes;
  return { deflated: codec.deflateRaw(bytes, true, 6), crc: codec.crc32(bytes, 0) >>> 0, size: bytes.length };
}

const attr = (attrs: string, name: string) => new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attrs)?.[1];

/** The part of each sheet of the workbook, by the sheet's name. */
function sheetParts(workbook: Uint8Array, rels: Relationship[]): Map<string, string> {
  const out = new Map<string, string>();
  visitXml(workbook, {
    open(tag) {
      if (tag.local !== 'sheet' || !MAIN_NAMESPACES.some((ns) => ns === tag.ns)) return;
      const name = tag.attr('name');
      const id = tag.attr('id', REL_NAMESPACES);
      const path = rels.find((r) => r.id === id && !r.external)?.target;
      if (name !== undefined && path) out.set(name, path);
    },
  });
  return out;
}

/** What XML 1.0 forbids in text, and DEL, which exceljs drops from every other cell too. */
const FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\uFFFE\uFFFF]/g;

/** exceljs's shared strings, with the blocks' strings added once each (a country's parent names and sources repeat). */
class SharedStrings {
  private readonly indexOf = new Map<string, number>();
  private readonly added: string[] = [];
  private entries = 0;
  private refs: number;

  constructor(private readonly xml: string) {
    const open = /<sst\b[^>]*>/.exec(xml);
    if (!open) throw new Error('xlsx: shared strings without <sst>');
    this.refs = Number(attr(open[0].slice(4), 'count') ?? 0);
    for (const m of xml.matchAll(/<si>([\s\S]*?)<\/si>|<si\/>/g)) {
      const i = this.entries++;
      // Plain entries only; rich text keeps its index and is not reused.
      const plain = /^<t(?:\s[^>]*)?>([^<]*)<\/t>$|^<t(?:\s[^>]*)?\/>$|^$/.exec(m[1] ?? '');
      if (!plain) continue;
      const s = unescapeXml(plain[1] ?? '');
      if (!this.indexOf.has(s)) this.indexOf.set(s, i);
    }
  }

  ref(s: string): number {
    // A cell holds 32.767 characters at most (a file's error list can be longer).
    const key = fitCellText(s.replace(FORBIDDEN, ''));
    let i = this.indexOf.get(key);
    if (i === undefined) {
      i = this.entries++;
      this.indexOf.set(key, i);
      this.added.push(key);
    }
    this.refs++;
    return i;
  }

  /** References in rows taken out. */
  dropped(n: number): void {
    this.refs -= n;
  }

  bytes(): Uint8Array {
    const end = this.xml.lastIndexOf('</sst>');
    const open = /<sst\b[^>]*>/.exec(this.xml)!;
    const tag = open[0]
      .replace(/(\s)count="\d*"/, `$1count="${this.refs}"`)
      .replace(/(\s)uniqueCount="\d*"/, `$1uniqueCount="${this.entries}"`);
    const out = new ByteWriter(this.xml.length * 2 + this.added.reduce((n, s) => n + 3 * s.length + 40, 0));
    out.text(this.xml.slice(0, open.index) + tag + this.xml.slice(open.index + open[0].length, end));
    for (const s of this.added)
      out.text(
        /^\s|\s$/.test(s) ? `<si><t xml:space="preserve">${escapeXml(s)}</t></si>` : `<si><t>${escapeXml(s)}</t></si>`,
      );
    out.text(this.xml.slice(end));
    return out.result();
  }
}

function columnLetters(n: number): string {
  let s = '';
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + ch.charCodeAt(0) - 64;
  return n;
}

interface Prototype {
  /** `" spans=… x14ac:dyDescent=…`: what follows the row number in the row's tag, less any height. */
  rowTail: Uint8Array;
  /** By column (0 = A): `" s="27"` or `"` — what follows the row number in the cell's reference. */
  styles: Uint8Array[];
  styled: boolean[];
}

const ROW_OPEN = utf8('<row r="');
const ROW_CLOSE = utf8('</row>');
const TAG_END = utf8('>');
const NO_STYLE = utf8('"');
const EMPTY_CELL = utf8('/>');
const NUMBER_OPEN = utf8('><v>');
const STRING_OPEN = utf8(' t="s"><v>');
const VALUE_CLOSE = utf8('</v></c>');

/** The sheet part with the prototype rows replaced by the block's rows. */
function writeBlock(xml: string, block: RawRowBlock, strings: SharedStrings): Uint8Array {
  const dataEnd = xml.indexOf('</sheetData>');
  if (dataEnd < 0) throw new Error(`xlsx: sheet "${block.sheet}" has no <sheetData>`);
  const rowTag = /<row\b([^>]*)>/g;
  rowTag.lastIndex = xml.indexOf('<sheetData');
  let start = -1;
  let end = dataEnd;
  const prototypes: Prototype[] = [];
  for (let m = rowTag.exec(xml); m && m.index < dataEnd; m = rowTag.exec(xml)) {
    const r = Number(attr(m[1]!, 'r'));
    if (r < block.first) continue;
    if (r >= block.first + block.count) {
      end = m.index;
      break;
    }
    if (start < 0) start = m.index;
    const selfClosing = m[1]!.endsWith('/');
    const attrs = (selfClosing ? m[1]!.slice(0, -1) : m[1]!).replace(/\s+(r|ht|customHeight)="[^"]*"/g, '');
    const cellsEnd = selfClosing ? rowTag.lastIndex : xml.indexOf('</row>', rowTag.lastIndex);
    const styles: Uint8Array[] = [];
    const styled: boolean[] = [];
    for (const c of xml.slice(rowTag.lastIndex, cellsEnd).matchAll(/<c\s([^>]*?)\/?>/g)) {
      const column = columnNumber(/^([A-Z]+)/.exec(attr(c[1]!, 'r') ?? '')?.[1] ?? '') - 1;
      const s = attr(c[1]!, 's');
      styles[column] = s ? utf8(`" s="${s}"`) : NO_STYLE;
      styled[column] = !!s;
    }
    prototypes[r - block.first] = { rowTail: utf8(`"${attrs}`), styles, styled };
  }
  if (start < 0) throw new Error(`xlsx: the prototype rows of sheet "${block.sheet}" are missing`);
  strings.dropped(xml.slice(start, end).split(' t="s"').length - 1);

  // Some 30 bytes a cell: one allocation in the usual case.
  const width = Math.max(0, ...prototypes.map((p) => p?.styles.length ?? 0));
  const out = new ByteWriter(xml.length + block.count * (100 + 36 * width));
  out.text(xml.slice(0, start));
  const references: Uint8Array[] = [];
  for (let i = 0; i < block.count; i++) {
    const row = block.row(i);
    if (!row) continue;
    const { kind, cells, height } = row;
    const prototype = prototypes[kind];
    if (!prototype) throw new Error(`xlsx: no prototype row of kind ${kind} in sheet "${block.sheet}"`);
    const rowNumber = String(block.first + i);
    out.bytes(ROW_OPEN);
    out.ascii(rowNumber);
    out.bytes(prototype.rowTail);
    if (height !== undefined) out.ascii(` ht="${height}" customHeight="1"`);
    out.bytes(TAG_END);
    for (let c = 0; c < cells.length; c++) {
      const v = cells[c]!;
      if (v === null && !prototype.styled[c]) continue;
      out.bytes((references[c] ??= utf8(`<c r="${columnLetters(c + 1)}`)));
      out.ascii(rowNumber);
      out.bytes(prototype.styles[c] ?? NO_STYLE);
      if (v === null) {
        out.bytes(EMPTY_CELL);
      } else if (typeof v === 'number') {
        // A figure is written exactly or not at all.
        if (!Number.isFinite(v)) throw new Error(`xlsx: ${v} in sheet "${block.sheet}", row ${rowNumber}`);
        out.bytes(NUMBER_OPEN);
        out.ascii(String(v));
        out.bytes(VALUE_CLOSE);
      } else {
        out.bytes(STRING_OPEN);
        out.ascii(String(strings.ref(v)));
        out.bytes(VALUE_CLOSE);
      }
    }
    out.bytes(ROW_CLOSE);
  }
  out.text(xml.slice(end));
  return out.result();
}
