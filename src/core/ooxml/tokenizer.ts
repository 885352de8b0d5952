/**
 * A strict, incremental XML tokenizer over a part's UTF-8 bytes: it hands on elements, attributes and text, and
 * refuses what XML 1.0 refuses that a part may hold (mismatched or unclosed tags, text outside the root, unknown
 * entities, characters XML cannot hold, `<` in an attribute value, unquoted or repeated attributes, `--` in a
 * comment, `]]>` in text). Nothing is decoded that nobody asks for: element names are looked up in a table of the
 * names already met (no string per element), attribute values and text reach the sink as places in the bytes, made
 * into strings only when read (`Attrs.get`, `textOf`). A UTF-16 part is re-encoded as UTF-8 before it is written.
 *
 * Line ends are normalised as XML says (CR LF and CR read as LF; in attribute values tab and LF read as a space).
 * A DOCTYPE is handed to `doctype`, which refuses it; nothing of it is read. Elements nested deeper than
 * `maxDepth` (MAX_XML_DEPTH unless told) throw `XmlTooDeep` before they are handed on. Each start tag's place in
 * the bytes is known while it is handed on (`Attrs.tagFrom`, `tagTo`): the editor (xml.ts) edits parts by it.
 */

import { concat, startsWith, utf8 } from '../util/bytes.js';
import { MAX_XML_DEPTH, XmlError } from './xml-errors.js';

export { XmlError };

/** Nesting past the tokenizer's limit: a hostile part rather than a broken one. */
export class XmlTooDeep extends XmlError {}

/** More elements than the tokenizer was told to take from one part. */
export class XmlTooMany extends XmlError {}

export interface TokenizerLimits {
  /** Deepest nesting handed on (MAX_XML_DEPTH unless told). */
  maxDepth?: number;
  /** Elements handed on in all (no limit unless told). */
  maxElements?: number;
}

/** What a piece of text holds that `textOf` must undo (flags, or-ed). */
export const TEXT_REFS = 1;
export const TEXT_CR = 2;
/** A CDATA section: its "&" and "<" are themselves. */
export const TEXT_CDATA = 4;

/** A U+FEFF in a piece is a character of it (a name may begin with one), not a byte order mark to drop. */
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Decodes UTF-8 bytes b[from, to) (as TextDecoder does: a malformed sequence reads as U+FFFD). */
export type Utf8Decoder = (b: Uint8Array, from: number, to: number) => string;

let decodeUtf8: Utf8Decoder = (b, from, to) => UTF8.decode(b.subarray(from, to));

/** An edge may install a faster decoder (Node's, see src/node/native-inflate.ts); null puts TextDecoder back. */
export function installUtf8Decoder(decoder: Utf8Decoder | null): void {
  decodeUtf8 = decoder ?? ((b, from, to) => UTF8.decode(b.subarray(from, to)));
}

/** The text of UTF-8 bytes b[from, to). */
export function utf8Text(b: Uint8Array, from: number, to: number): string {
  // One ASCII character (a cell's type, most flags) is a string the engine keeps: nothing is made.
  if (to - from === 1 && b[from]! < 0x80) return String.fromCharCode(b[from]!);
  return decodeUtf8(b, from, to);
}

/** A piece of text as the document means it: line ends normalised, references resolved. */
export function textOf(b: Uint8Array, from: number, to: number, flags: number): string {
  let t = utf8Text(b, from, to);
  if (flags & TEXT_CR) t = t.replace(/\r\n?/g, '\n');
  if (flags & TEXT_REFS && !(flags & TEXT_CDATA)) t = resolveReferences(t);
  return t;
}

/**
 * A piece of text as written (references left for `resolveReferences`; CDATA's "&" and "<" written as references),
 * for text that is seldom needed (a sheet's formulas).
 */
export function rawTextOf(b: Uint8Array, from: number, to: number, flags: number): string {
  let t = utf8Text(b, from, to);
  if (flags & TEXT_CR) t = t.replace(/\r\n?/g, '\n');
  if (flags & TEXT_CDATA) t = t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return t;
}

/**
 * The attributes of the start tag being handed on, valid only during `open`: where they stand in the bytes, each
 * value made into a string (its references resolved) only when asked for — most attributes of a part are never read.
 */
export class Attrs {
  private b: Uint8Array = NO_BYTES;
  /** Per attribute: name from, name to, value from, value to. */
  private readonly at: number[] = [];
  /** Values that needed more than a cut (references, white space), by attribute; looked at only when there are. */
  private readonly resolved: (string | undefined)[] = [];
  private resolvedAny = false;
  count = 0;
  /** Where the tag stands in `bytes`: its "<", and just past its ">". */
  tagFrom = 0;
  tagTo = 0;
  /** Whether the tag ends in "/>". */
  selfClosing = false;
  /** Elements the tokenizer may still hand on from the part, and levels it may still go down (see `skip`). */
  elementsLeft = Infinity;
  depthLeft = Infinity;
  /** Set by `skip`. */
  skippedTo = -1;
  skippedElements = 0;

  /**
   * Called by a sink during `open` when it has read the element's content and end tag itself, checked as the
   * tokenizer would, up to `end` (a place in `bytes`, past the end tag), `elements` elements in all: the tokenizer
   * goes on from there, as if it had read them.
   */
  skip(end: number, elements: number): void {
    this.skippedTo = end;
    this.skippedElements = elements;
  }

  reset(b: Uint8Array): void {
    this.b = b;
    this.selfClosing = false;
    this.count = 0;
    this.resolvedAny = false;
  }

  /** Adds one; false when the tag already has an attribute of that name. */
  add(kFrom: number, kTo: number, vFrom: number, vTo: number, resolved: string | undefined): boolean {
    if (this.indexOfBytes(kFrom, kTo) >= 0) return false;
    const k = this.count++ * 4;
    this.at[k] = kFrom;
    this.at[k + 1] = kTo;
    this.at[k + 2] = vFrom;
    this.at[k + 3] = vTo;
    if (resolved !== undefined) {
      if (!this.resolvedAny) this.resolved.length = 0;
      this.resolvedAny = true;
      this.resolved[this.count - 1] = resolved;
    }
    return true;
  }

  get(name: string): string | undefined {
    const i = this.indexOf(name);
    return i < 0 ? undefined : this.value(i);
  }

  /** The byte of attribute `i`'s name when the name is one byte long (`r`, `s`, `t`), else -1. */
  letterAt(i: number): number {
    const from = this.at[i * 4]!;
    return this.at[i * 4 + 1]! - from === 1 ? this.b[from]! : -1;
  }

  /**
   * The value of `name` as a number when it is written as digits alone, without a leading zero, up to 9 of them
   * (so that `String` of the number gives the value back): no string is made for it. -1 when there is no such
   * attribute, -2 when its value is anything else (then `get` it).
   */
  digits(name: string): number {
    const i = this.indexOf(name);
    return i < 0 ? -1 : this.digitsAt(i);
  }

  /** `digits` of attribute `i`. */
  digitsAt(i: number): number {
    if (this.resolvedAny && this.resolved[i] !== undefined) return -2;
    return canonicalDigits(this.b, this.at[i * 4 + 2]!, this.at[i * 4 + 3]!, 9);
  }

  /**
   * Where the value of `name` stands in `bytes`, as written (no string is made): `spanFrom`, `spanTo`. False when
   * there is no such attribute or its value needed more than a cut (then `get` it).
   */
  span(name: string): boolean {
    const i = this.indexOf(name);
    return i >= 0 && this.spanAt(i);
  }

  /** `span` of attribute `i`. */
  spanAt(i: number): boolean {
    if (this.resolvedAny && this.resolved[i] !== undefined) return false;
    this.spanFrom = this.at[i * 4 + 2]!;
    this.spanTo = this.at[i * 4 + 3]!;
    return true;
  }

  spanFrom = 0;
  spanTo = 0;

  /** The bytes the spans and the tag's place index. */
  get bytes(): Uint8Array {
    return this.b;
  }

  /** The value of the first attribute whose name passes `test`. */
  find(test: (name: string) => boolean): string | undefined {
    for (let i = 0; i < this.count; i++) if (test(this.name(i))) return this.value(i);
    return undefined;
  }

  /** Every attribute as [name, value], in the order written. */
  entries(): [string, string][] {
    const out: [string, string][] = [];
    for (let i = 0; i < this.count; i++) out.push([this.name(i), this.value(i)]);
    return out;
  }

  /** The value of attribute `i` as written, references not resolved, to be written again between double quotes. */
  written(i: number): string {
    const from = this.at[i * 4 + 2]!;
    const text = utf8Text(this.b, from, this.at[i * 4 + 3]!);
    return this.b[from - 1] === APOS ? text.replace(/"/g, '&quot;') : text;
  }

  /** Whether attribute `i` declares a namespace (`xmlns`, `xmlns:p`). */
  isNamespaceDeclaration(i: number): boolean {
    const from = this.at[i * 4]!;
    const len = this.at[i * 4 + 1]! - from;
    const b = this.b;
    return (
      len >= 5 &&
      b[from] === 0x78 &&
      b[from + 1] === 0x6d &&
      b[from + 2] === 0x6c &&
      b[from + 3] === 0x6e &&
      b[from + 4] === 0x73 &&
      (len === 5 || b[from + 5] === COLON)
    );
  }

  name(i: number): string {
    return utf8Text(this.b, this.at[i * 4]!, this.at[i * 4 + 1]!);
  }

  /** The value of attribute `i`, references resolved. */
  value(i: number): string {
    const resolved = this.resolvedAny ? this.resolved[i] : undefined;
    return resolved ?? utf8Text(this.b, this.at[i * 4 + 2]!, this.at[i * 4 + 3]!);
  }

  /** The attribute whose name is `name` (ASCII: every name the readers ask for is), or -1. */
  private indexOf(name: string): number {
    const len = name.length;
    for (let i = 0; i < this.count; i++) {
      const kf = this.at[i * 4]!;
      if (this.at[i * 4 + 1]! - kf !== len) continue;
      let j = 0;
      while (j < len && this.b[kf + j] === name.charCodeAt(j)) j++;
      if (j === len) return i;
    }
    return -1;
  }

  /** The attribute whose name is written as b[from, to), or -1. */
  private indexOfBytes(from: number, to: number): number {
    const len = to - from;
    for (let i = 0; i < this.count; i++) {
      const kf = this.at[i * 4]!;
      if (this.at[i * 4 + 1]! - kf !== len) continue;
      let j = 0;
      while (j < len && this.b[kf + j] === this.b[from + j]) j++;
      if (j === len) return i;
    }
    return -1;
  }
}

/**
 * b[from, to) as a number when it is canonical digits (no leading zero, at most `max` of them, so that `String` of
 * the number gives them back); -2 otherwise.
 */
export function canonicalDigits(b: Uint8Array, from: number, to: number, max: number): number {
  const len = to - from;
  if (len === 0 || len > max || (len > 1 && b[from] === 0x30)) return -2;
  let n = 0;
  for (let k = from; k < to; k++) {
    const d = b[k]! - 0x30;
    if (d < 0 || d > 9) return -2;
    n = n * 10 + d;
  }
  return n;
}

/** What a byte of character data asks of `textFlags`: most ask nothing, so one table look-up per byte. */
const TEXT_BYTE = (() => {
  const kinds = new Uint8Array(256);
  for (let c = 0; c < 0x20; c++) kinds[c] = 3; // a character XML cannot hold
  kinds[0x09] = kinds[0x0a] = 0;
  kinds[0x0d] = 2; // CR
  kinds[0x26] = 1; // &
  kinds[0x5d] = 4; // ] (of "]]>")
  kinds[0xef] = 5; // the lead byte of U+FFFE and U+FFFF
  return kinds;
})();

/**
 * Checks character data b[from, to) as XML asks (no character XML cannot hold, no "]]>", references all known) in
 * one pass, and returns what reading it will have to undo (TEXT_… flags).
 */
export function textFlags(b: Uint8Array, from: number, to: number): number {
  let flags = 0;
  for (let i = from; i < to; i++) {
    const kind = TEXT_BYTE[b[i]!]!;
    if (kind === 0) continue;
    if (kind === 1) {
      flags |= TEXT_REFS;
      i = referenceEnd(b, i, to) - 1;
    } else if (kind === 2) flags |= TEXT_CR;
    else if (kind === 3) throw new XmlError('disallowed character');
    else if (kind === 4) {
      if (b[i + 1] === 0x5d && b[i + 2] === GT) throw new XmlError('the string "]]>" is disallowed in char data');
    } else if (isNonCharacter(b, i)) throw new XmlError('disallowed character');
  }
  return flags;
}

/** Attributes one start tag may have: the check for repeated names is quadratic. */
export const MAX_ATTRIBUTES = 256;

export interface XmlSink {
  /**
   * A start tag, its name without its prefix (`x:row` → `row`); `selfClosing`: the element has no content (its
   * `close` follows at once). `depth`: 1 for the root.
   */
  open(name: string, attrs: Attrs, depth: number, selfClosing: boolean): void;
  /**
   * An element's end: `from` is where its end tag starts in `XmlTokenizer.buffer` (its start tag, when it is
   * self-closing; its end, when a sink read it itself), `to` just past it.
   */
  close(name: string, from: number, to: number): void;
  /**
   * Character data inside the root: the bytes b[from, to), whole characters, checked; `flags` (TEXT_…) say what
   * `textOf` undoes. May come in several pieces.
   */
  text?: (b: Uint8Array, from: number, to: number, flags: number) => void;
  doctype(): void;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQ = 0x3d;
const QUOT = 0x22;
const APOS = 0x27;
const AMP = 0x26;
const COLON = 0x3a;
const CR = 0x0d;

export const isSpace = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

/** U+FFFE or U+FFFF (which XML cannot hold) as UTF-8 at `i`. */
const isNonCharacter = (b: Uint8Array, i: number) => b[i + 1] === 0xbf && (b[i + 2] === 0xbe || b[i + 2] === 0xbf);

const COMMENT = utf8('<!--');
const COMMENT_END = utf8('-->');
const DOUBLE_DASH = utf8('--');
const CDATA = utf8('<![CDATA[');
const CDATA_END = utf8(']]>');
const DOCTYPE = utf8('<!DOCTYPE');
const PI_END = utf8('?>');
const BOM = Uint8Array.of(0xef, 0xbb, 0xbf);
const NO_BYTES = new Uint8Array(0);

export class XmlTokenizer {
  /** Bytes not yet tokenized: a construct cut by the end of what was written. */
  private carry: Uint8Array = NO_BYTES;
  private readonly stack: ElementName[] = [];
  private rootSeen = false;
  /** Whether the first bytes have been seen (a byte order mark skipped). */
  private begun = false;
  /** The bytes being tokenized and where its current construct starts (see `rest`). */
  private current: Uint8Array = NO_BYTES;
  private at = 0;
  private readonly attrs = new Attrs();

  private readonly maxDepth: number;
  private readonly maxElements: number;
  private elements = 0;

  constructor(
    private readonly sink: XmlSink,
    limits: TokenizerLimits = {},
  ) {
    this.maxDepth = limits.maxDepth ?? MAX_XML_DEPTH;
    this.maxElements = limits.maxElements ?? Infinity;
  }

  get depth(): number {
    return this.stack.length;
  }

  /** The bytes being tokenized: what was carried from the last write, then what this one gave. */
  get buffer(): Uint8Array {
    return this.current;
  }

  /** How many bytes at the end of `buffer` wait for the next write (a construct they cut). */
  get carried(): number {
    return this.carry.length;
  }

  /** What was written from the construct the sink threw in on (the tag whose `open` stopped reading). */
  rest(): Uint8Array {
    return this.current.subarray(this.at);
  }

  /** The next bytes of the part (UTF-8); places handed on index the carried bytes and these together. */
  write(chunk: Uint8Array): void {
    const b = this.carry.length ? concat(this.carry, chunk) : chunk;
    this.current = b;
    const n = b.length;
    let i = 0;
    if (!this.begun) {
      // A byte order mark may stand before the document (and only there).
      if (n < BOM.length && isPrefix(b, 0, BOM)) return void (this.carry = b.slice());
      this.begun = true;
      if (startsWith(b, 0, BOM)) i = BOM.length;
    }
    while (i < n) {
      // Tags mostly follow each other: the next "<" is looked for only when it is not the next byte.
      const lt = b[i] === LT ? i : b.indexOf(LT, i);
      if (lt !== i) {
        const end = lt < 0 ? textEnd(b, i, n) : lt;
        if (end > i) this.chars(b, i, end);
        i = end;
        if (lt < 0) break;
      }
      this.at = lt;
      const next = this.construct(b, lt);
      if (next < 0) break;
      i = next;
    }
    this.carry = i < n ? b.slice(i) : NO_BYTES;
  }

  /** The end of what was written: nothing may be left open or cut. */
  close(): void {
    if (!isBlank(this.carry, 0, this.carry.length) || this.stack.length) throw new XmlError('unexpected end');
    if (!this.rootSeen) throw new XmlError('document must contain a root element');
  }

  private chars(b: Uint8Array, from: number, to: number): void {
    if (!this.stack.length) {
      if (!isBlank(b, from, to)) throw new XmlError('text data outside of root node');
      return;
    }
    const flags = textFlags(b, from, to);
    this.sink.text?.(b, from, to, flags);
  }

  /** Tokenizes the construct at `lt`; returns where the next one starts, or -1 when it runs past the bytes. */
  private construct(b: Uint8Array, lt: number): number {
    if (lt + 1 >= b.length) return -1;
    const c = b[lt + 1];
    if (c === SLASH) return this.endTag(b, lt);
    if (c === 0x3f) {
      // A processing instruction (the XML declaration): nothing in it is read.
      const end = indexOfBytes(b, PI_END, lt + 2);
      if (end >= 0) disallow(b, lt, end);
      return end < 0 ? -1 : end + 2;
    }
    if (c === 0x21) return this.bang(b, lt);
    return this.startTag(b, lt);
  }

  private bang(b: Uint8Array, lt: number): number {
    if (startsWith(b, lt, COMMENT)) {
      const end = indexOfBytes(b, COMMENT_END, lt + 4);
      if (end < 0) return -1;
      // "--" may close the comment only ("<!-- a --->" is not XML either).
      if (indexOfBytes(b, DOUBLE_DASH, lt + 4) < end) throw new XmlError('double dash in comment');
      disallow(b, lt, end);
      return end + 3;
    }
    if (startsWith(b, lt, CDATA)) {
      const end = indexOfBytes(b, CDATA_END, lt + 9);
      if (end < 0) return -1;
      if (!this.stack.length) throw new XmlError('text data outside of root node');
      disallow(b, lt, end);
      const cr = b.indexOf(CR, lt + 9);
      this.sink.text?.(b, lt + 9, end, TEXT_CDATA | (cr >= 0 && cr < end ? TEXT_CR : 0));
      return end + 3;
    }
    if (startsWith(b, lt, DOCTYPE)) {
      this.sink.doctype();
      throw new XmlError('DOCTYPE');
    }
    // Too short yet to tell which it is.
    const avail = b.length - lt;
    if (avail < 9 && [COMMENT, CDATA, DOCTYPE].some((w) => isPrefix(b, lt, w))) return -1;
    throw new XmlError('unexpected <!');
  }

  private endTag(b: Uint8Array, lt: number): number {
    const n = b.length;
    const top = this.stack.length - 1;
    if (top < 0) throw new XmlError('unexpected close tag.');
    // The name as opened, then nothing but white space up to ">" (compared in place: no search for the ">").
    const open = this.stack[top]!.written;
    let i = lt + 2 + open.length;
    if (i >= n) return -1;
    for (let k = 0; k < open.length; k++) if (b[lt + 2 + k] !== open[k]) throw new XmlError('unexpected close tag.');
    while (i < n && isSpace(b[i])) i++;
    if (i >= n) return -1;
    if (b[i] !== GT) throw new XmlError('unexpected close tag.');
    this.sink.close(this.stack.pop()!.local, lt, i + 1);
    return i + 1;
  }

  private startTag(b: Uint8Array, lt: number): number {
    const n = b.length;
    const i = scanName(b, lt + 1);
    if (i >= n) return -1;
    if (i < 0) throw new XmlError('disallowed character in tag name');
    const name = nameOf(b, lt + 1, i);
    const end = readAttributes(b, i, this.attrs);
    return end < 0 ? -1 : this.enter(name, lt, end);
  }

  /**
   * Hands on the start tag b[lt, end) once its attributes are read (and its end, when it is self-closing); returns
   * where tokenizing goes on: past the tag, or past the element when the sink read its content itself (`Attrs.skip`).
   */
  private enter(name: ElementName, lt: number, end: number): number {
    if (!this.stack.length && this.rootSeen) throw new XmlError('text data outside of root node');
    if (this.stack.length >= this.maxDepth) throw new XmlTooDeep('nesting too deep');
    if (++this.elements > this.maxElements) throw new XmlTooMany('too many elements');
    this.rootSeen = true;
    this.stack.push(name);
    const attrs = this.attrs;
    attrs.tagFrom = lt;
    attrs.tagTo = end;
    attrs.skippedTo = -1;
    attrs.elementsLeft = this.maxElements - this.elements;
    attrs.depthLeft = this.maxDepth - this.stack.length;
    this.sink.open(name.local, attrs, this.stack.length, attrs.selfClosing);
    if (attrs.skippedTo >= 0) {
      this.elements += attrs.skippedElements;
      this.sink.close(this.stack.pop()!.local, attrs.skippedTo, attrs.skippedTo);
      return attrs.skippedTo;
    }
    if (attrs.selfClosing) this.sink.close(this.stack.pop()!.local, lt, end);
    return end;
  }
}

/**
 * Reads the attributes of a start tag from `i` (just past its name) to its end into `attrs`, as the tokenizer does:
 * returns where the tag ends (past its ">"; `attrs.selfClosing` says whether it was "/>"), or -1 when it runs past
 * the bytes. Throws XmlError for what XML refuses.
 */
export function readAttributes(b: Uint8Array, i: number, attrs: Attrs): number {
  const n = b.length;
  attrs.reset(b);
  for (;;) {
    const before = i;
    let c = b[i];
    while (isSpace(c)) c = b[++i];
    if (i >= n) return -1;
    if (c === GT) {
      attrs.selfClosing = false;
      return i + 1;
    }
    if (c === SLASH) {
      if (i + 1 >= n) return -1;
      if (b[i + 1] !== GT) throw new XmlError('forward-slash in opening tag not followed by >');
      attrs.selfClosing = true;
      return i + 2;
    }
    if (i === before) throw new XmlError('no whitespace between attributes');
    i = readAttribute(b, i, attrs);
    if (i < 0) return -1;
  }
}

/** Reads the attribute at `from` into `attrs`; returns where it ends, or -1 when it runs past the bytes. */
function readAttribute(b: Uint8Array, from: number, attrs: Attrs): number {
  const n = b.length;
  let i = scanName(b, from);
  if (i >= n) return -1;
  if (i < 0) throw new XmlError('disallowed character in attribute name');
  const keyTo = i;
  let c = b[i];
  while (isSpace(c)) c = b[++i];
  if (i >= n) return -1;
  if (c !== EQ) throw new XmlError('attribute without value');
  c = b[++i];
  while (isSpace(c)) c = b[++i];
  if (i >= n) return -1;
  if (c !== QUOT && c !== APOS) throw new XmlError('unquoted attribute value');
  // The value up to its closing quote, noting what needs more than a cut.
  const quote = c;
  let special = 0;
  let j = i + 1;
  for (; j < n; j++) {
    const ch = b[j]!;
    if (ch === quote) break;
    if (ch <= 0x3c) {
      if (ch === LT) throw new XmlError('disallowed character');
      if (ch === AMP) special |= 1;
      else if (ch === 0x0a || ch === 0x09 || ch === CR) special |= 2;
      else if (ch < 0x20) throw new XmlError('disallowed character');
    } else if (ch === 0xef && isNonCharacter(b, j)) throw new XmlError('disallowed character');
  }
  if (j >= n) return -1;
  let value: string | undefined;
  if (special) {
    value = utf8Text(b, i + 1, j);
    if (special & 2) value = value.replace(/\r\n|[\r\n\t]/g, ' ');
    if (special & 1) value = resolveReferences(value);
  }
  if (attrs.count >= MAX_ATTRIBUTES) throw new XmlError('too many attributes');
  if (!attrs.add(from, keyTo, i + 1, j, value)) throw new XmlError(`duplicate attribute: ${utf8Text(b, from, keyTo)}`);
  return j + 1;
}

/** An element's name as written (to match its end tag) and without its prefix (as handed on). */
interface ElementName {
  written: Uint8Array;
  local: string;
}

/** The names met so far, by hash of their bytes: a part names a dozen elements a thousand times each. */
const names = new Map<number, ElementName[]>();
let namesKept = 0;
/** Names kept at most (a hostile part may name every element differently). */
const MAX_NAMES = 4096;

function nameOf(b: Uint8Array, from: number, to: number): ElementName {
  const len = to - from;
  const slot = nameHash & (RECENT_NAMES - 1);
  const recent = recentNames[slot];
  if (recent && sameName(recent.written, b, from, len)) return recent;
  const name = knownName(b, from, to, len);
  recentNames[slot] = name;
  return name;
}

/** The name b[from, from + len) is `written`. */
function sameName(written: Uint8Array, b: Uint8Array, from: number, len: number): boolean {
  if (written.length !== len) return false;
  let k = 0;
  while (k < len && written[k] === b[from + k]) k++;
  return k === len;
}

/** The last name met per slot of its hash: the names of a part seldom share one. */
const RECENT_NAMES = 256;
const recentNames: (ElementName | undefined)[] = new Array<ElementName | undefined>(RECENT_NAMES);

function knownName(b: Uint8Array, from: number, to: number, len: number): ElementName {
  const bucket = names.get(nameHash);
  if (bucket) for (const name of bucket) if (sameName(name.written, b, from, len)) return name;
  const name = { written: b.slice(from, to), local: utf8Text(b, nameColon < 0 ? from : nameColon + 1, to) };
  if (namesKept < MAX_NAMES) {
    namesKept++;
    if (bucket) bucket.push(name);
    else names.set(nameHash, [name]);
  }
  return name;
}

/** Where the last name `scanName` scanned has its last ":" (-1: none), and its hash. */
let nameColon = -1;
let nameHash = 0;

/**
 * Where the name starting at `from` ends (at white space, "/", ">" or "="); the bytes' length when it runs past
 * them; -1 when it is empty, starts as no name does or holds a character no name holds.
 */
function scanName(b: Uint8Array, from: number): number {
  const n = b.length;
  nameColon = -1;
  if (from >= n) return n;
  const first = b[from]!;
  if (first === 0x2d || first === 0x2e || (first >= 0x30 && first <= 0x39)) return -1;
  let hash = 0;
  let i = from;
  for (; i < n; i++) {
    const c = b[i]!;
    if (c <= 0x3f) {
      if (c === 0x20 || c === SLASH || c === GT || c === EQ || c === 0x0a || c === 0x09 || c === CR) break;
      if (c === COLON) nameColon = i;
      else if (c < 0x20 || c === QUOT || c === APOS || c === LT || c === AMP || c === 0x3b || c === 0x3f || c === 0x21)
        return -1;
    } else if (c === 0xef && isNonCharacter(b, i)) return -1;
    hash = (Math.imul(hash, 31) + c) | 0;
  }
  nameHash = hash;
  return i === from && i < n ? -1 : i;
}

/**
 * Where text with no "<" after it in the bytes may end for now: before an entity the bytes cut, before a character
 * they cut, before a CR that may be the first half of a CR LF, before a "]]" that may begin "]]>". The rest waits for
 * the next bytes.
 */
function textEnd(b: Uint8Array, from: number, n: number): number {
  let end = n;
  const amp = b.lastIndexOf(AMP);
  if (amp >= from && b.indexOf(0x3b, amp) < 0) end = amp;
  let lead = end - 1;
  while (lead >= from && lead > end - 4 && (b[lead]! & 0xc0) === 0x80) lead--;
  if (lead >= from && b[lead]! >= 0xc0 && end - lead < (b[lead]! >= 0xf0 ? 4 : b[lead]! >= 0xe0 ? 3 : 2)) end = lead;
  if (end > from && b[end - 1] === CR) end--;
  // "]" or "]]" ending the bytes may begin a "]]>" the next ones complete.
  if (end === n) while (end > from && end > n - 2 && b[end - 1] === 0x5d) end--;
  return end;
}

/** Refuses a construct b[from, to) holding a character XML cannot hold. */
function disallow(b: Uint8Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c < 0x20 ? c !== 0x09 && c !== 0x0a && c !== CR : c === 0xef && isNonCharacter(b, i))
      throw new XmlError('disallowed character');
  }
}

function isBlank(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpace(b[i])) return false;
  return true;
}

/** Whether the bytes from `at` to their end begin `what`. */
function isPrefix(b: Uint8Array, at: number, what: Uint8Array): boolean {
  for (let j = 0; at + j < b.length; j++) if (j >= what.length || b[at + j] !== what[j]) return false;
  return true;
}

/** Where `what` first stands in `b` from `from`, or -1. */
function indexOfBytes(b: Uint8Array, what: Uint8Array, from: number): number {
  for (let i = b.indexOf(what[0]!, from); i >= 0; i = b.indexOf(what[0]!, i + 1)) if (startsWith(b, i, what)) return i;
  return -1;
}

/** Entity and character references resolved; an unknown, empty or unterminated one is an error (XmlError). */
export function resolveReferences(s: string): string {
  let out = '';
  let from = 0;
  for (let amp = s.indexOf('&'); amp >= 0; amp = s.indexOf('&', from)) {
    const semi = s.indexOf(';', amp + 1);
    const next = s.indexOf('&', amp + 1);
    if (semi < 0 || (next >= 0 && next < semi)) throw new XmlError('malformed entity');
    out += s.slice(from, amp) + entityValue(s.slice(amp + 1, semi));
    from = semi + 1;
  }
  return out + s.slice(from);
}

/**
 * Past the reference at b[amp] ("&…;") in text ending at `to`; throws as `resolveReferences` would, without making
 * a string for the five predefined entities (a formula holds hundreds).
 */
function referenceEnd(b: Uint8Array, amp: number, to: number): number {
  const known = predefinedEnd(b, amp + 1);
  if (known > 0 && known <= to) return known;
  let semi = amp + 1;
  while (semi < to && b[semi] !== 0x3b && b[semi] !== AMP) semi++;
  if (semi >= to || b[semi] !== 0x3b) throw new XmlError('malformed entity');
  entityValue(utf8Text(b, amp + 1, semi));
  return semi + 1;
}

/** Past the ";" of `lt;`, `gt;`, `amp;`, `quot;` or `apos;` at `at`; -1 for anything else. */
function predefinedEnd(b: Uint8Array, at: number): number {
  const c = b[at];
  if ((c === 0x6c || c === 0x67) && b[at + 1] === 0x74 && b[at + 2] === 0x3b) return at + 3; // lt; gt;
  if (c === 0x61) {
    if (b[at + 1] === 0x6d && b[at + 2] === 0x70 && b[at + 3] === 0x3b) return at + 4; // amp;
    if (b[at + 1] === 0x70 && b[at + 2] === 0x6f && b[at + 3] === 0x73 && b[at + 4] === 0x3b) return at + 5; // apos;
  }
  if (c === 0x71 && b[at + 1] === 0x75 && b[at + 2] === 0x6f && b[at + 3] === 0x74 && b[at + 4] === 0x3b) return at + 5; // quot;
  return -1;
}

/** The text of the reference named `e` ("amp", "#x1EA1"). */
function entityValue(e: string): string {
  switch (e) {
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'amp':
      return '&';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
  }
  if (e[0] !== '#') throw new XmlError(`undefined entity: ${e}`);
  const hex = e[1] === 'x';
  const digits = e.slice(hex ? 2 : 1);
  if (!(hex ? /^[0-9a-fA-F]{1,8}$/ : /^[0-9]{1,10}$/).test(digits)) throw new XmlError('malformed character entity');
  const cp = parseInt(digits, hex ? 16 : 10);
  if (!isXmlChar(cp)) throw new XmlError('malformed character entity');
  return String.fromCodePoint(cp);
}

function isXmlChar(c: number): boolean {
  if (c === 0x9 || c === 0xa || c === 0xd) return true;
  return (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}
