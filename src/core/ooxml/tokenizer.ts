/**
 * A strict, incremental XML tokenizer for the parts of a workbook: it hands on elements, attributes and text, and
 * refuses what XML 1.0 refuses that a part may hold (mismatched or unclosed tags, text outside the root, unknown
 * entities, characters XML cannot hold, `<` in an attribute value, unquoted or repeated attributes, `--` in a
 * comment, `]]>` in text). It does what saxes did for the reader with far less work per element: one scan over
 * the text, no per-character state machine, no events for what nobody listens to.
 *
 * Line ends are normalised as XML says (CR LF and CR read as LF; in attribute values tab and LF read as a space).
 * A DOCTYPE is handed to `doctype`, which refuses it; nothing of it is read. Elements nested deeper than
 * `maxDepth` (MAX_XML_DEPTH unless told) throw `XmlTooDeep` before they are handed on.
 *
 * The reader of submissions uses it on text decoded piece by piece; it is strict where the editor (xml.ts), which
 * only follows parts already read, is lenient.
 */

import { MAX_XML_DEPTH, XmlError } from './xml.js';

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

/**
 * The attributes of the start tag being handed on, valid only during `open`: where they stand in the text, each
 * value cut out (and its references resolved) only when asked for — most attributes of a part are never read.
 */
export class Attrs {
  private text = '';
  /** Per attribute: name from, name to, value from, value to. */
  private at = new Int32Array(4 * 8);
  /** Values that needed more than a cut (references, white space), by attribute; looked at only when there are. */
  private readonly resolved: (string | undefined)[] = [];
  private resolvedAny = false;
  count = 0;

  reset(text: string): void {
    this.text = text;
    this.count = 0;
    this.resolvedAny = false;
  }

  /** Adds one; false when the tag already has an attribute of that name. */
  add(kFrom: number, kTo: number, vFrom: number, vTo: number, resolved: string | undefined): boolean {
    if (this.indexOf(this.text, kFrom, kTo) >= 0) return false;
    const k = this.count++ * 4;
    if (k + 4 > this.at.length) {
      const grown = new Int32Array(this.at.length * 2);
      grown.set(this.at);
      this.at = grown;
    }
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
    const i = this.indexOf(name, 0, name.length);
    if (i < 0) return undefined;
    return (
      (this.resolvedAny ? this.resolved[i] : undefined) ?? this.text.slice(this.at[i * 4 + 2]!, this.at[i * 4 + 3])
    );
  }

  /**
   * The value of `name` as a number when it is written as digits alone, without a leading zero, up to 9 of them
   * (so that `String` of the number gives the value back): no string is made for it. -1 when there is no such
   * attribute, -2 when its value is anything else (then `get` it).
   */
  digits(name: string): number {
    const i = this.indexOf(name, 0, name.length);
    if (i < 0) return -1;
    if (this.resolvedAny && this.resolved[i] !== undefined) return -2;
    const from = this.at[i * 4 + 2]!;
    const to = this.at[i * 4 + 3]!;
    if (to === from || to - from > 9 || (to - from > 1 && this.text.charCodeAt(from) === 0x30)) return -2;
    let n = 0;
    for (let k = from; k < to; k++) {
      const d = this.text.charCodeAt(k) - 0x30;
      if (d < 0 || d > 9) return -2;
      n = n * 10 + d;
    }
    return n;
  }

  /**
   * Where the value of `name` stands in `source`, as written (no string is made): `spanFrom`, `spanTo`. False when
   * there is no such attribute or its value needed more than a cut (then `get` it).
   */
  span(name: string): boolean {
    const i = this.indexOf(name, 0, name.length);
    if (i < 0 || (this.resolvedAny && this.resolved[i] !== undefined)) return false;
    this.spanFrom = this.at[i * 4 + 2]!;
    this.spanTo = this.at[i * 4 + 3]!;
    return true;
  }

  spanFrom = 0;
  spanTo = 0;

  /** The text the spans index (the tag's). */
  get source(): string {
    return this.text;
  }

  /** The value of the first attribute whose name passes `test`. */
  find(test: (name: string) => boolean): string | undefined {
    for (let i = 0; i < this.count; i++) {
      const name = this.name(i);
      if (test(name)) return this.get(name);
    }
    return undefined;
  }

  private name(i: number): string {
    return this.text.slice(this.at[i * 4], this.at[i * 4 + 1]);
  }

  /** The attribute whose name is `s[from, to)`, or -1. */
  private indexOf(s: string, from: number, to: number): number {
    const len = to - from;
    for (let i = 0; i < this.count; i++) {
      const kf = this.at[i * 4]!;
      if (this.at[i * 4 + 1]! - kf !== len) continue;
      let j = 0;
      while (j < len && this.text.charCodeAt(kf + j) === s.charCodeAt(from + j)) j++;
      if (j === len) return i;
    }
    return -1;
  }
}

/** Attributes one start tag may have: the check for repeated names is quadratic. */
export const MAX_ATTRIBUTES = 256;

export interface XmlSink {
  /** A start tag, its name without its prefix (`x:row` → `row`); a self-closing one is followed by `close`. */
  /** `selfClosing`: the element has no content (its `close` follows at once). */
  open(name: string, attrs: Attrs, depth: number, selfClosing: boolean): void;
  close(name: string): void;
  /** Character data inside the root, entities resolved; may come in several pieces. */
  text?: (text: string) => void;
  /**
   * While true, text is handed on as written (its references checked, not resolved: `resolveReferences` gives
   * the text when it is needed), for text that is mostly not used (a sheet's formulas).
   */
  rawText?: boolean;
  doctype(): void;
}

/** Characters XML 1.0 cannot hold (TextDecoder never yields lone surrogates: it writes U+FFFD for them). */
const DISALLOWED = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQ = 0x3d;
const QUOT = 0x22;
const APOS = 0x27;
const AMP = 0x26;
const COLON = 0x3a;
/** White space as XML has it (CR already read as LF). */
const BLANK = /^[ \t\n]*$/;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

export class XmlTokenizer {
  /** Text not yet tokenized: a construct cut by the end of what was written. */
  private carry = '';
  private readonly stack: string[] = [];
  /** The names of `stack` without their prefix. */
  private readonly locals: string[] = [];
  private rootSeen = false;
  /** The text being tokenized and where its current construct starts (see `rest`). */
  private current = '';
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

  /** What was written from the construct the sink threw in on (the tag whose `open` stopped reading). */
  rest(): string {
    return this.current.slice(this.at);
  }

  write(chunk: string): void {
    let b = this.carry ? this.carry + chunk : chunk;
    // A CR ending the text may be the first half of a CR LF: it waits for what follows.
    let held = '';
    if (b.charCodeAt(b.length - 1) === 0x0d) {
      held = '\r';
      b = b.slice(0, -1);
    }
    if (b.includes('\r')) b = b.replace(/\r\n?/g, '\n');
    // Characters XML cannot hold are looked for where each construct is scanned (names, values, text), not here.
    this.current = b;
    const n = b.length;
    let i = 0;
    while (i < n) {
      // Tags mostly follow each other: the next "<" is looked for only when it is not the next character.
      const lt = b.charCodeAt(i) === LT ? i : b.indexOf('<', i);
      if (lt !== i) {
        let end = lt < 0 ? n : lt;
        // An entity cut by the end of the text waits for the rest.
        if (lt < 0) {
          const amp = b.lastIndexOf('&');
          if (amp >= i && b.indexOf(';', amp) < 0) end = amp;
        }
        if (end > i) this.chars(b.slice(i, end));
        i = end;
        if (lt < 0) break;
      }
      this.at = lt;
      const next = this.construct(b, lt);
      if (next < 0) break;
      i = next;
    }
    this.carry = b.slice(i) + held;
  }

  /** The end of what was written: nothing may be left open or cut. */
  close(): void {
    if (this.carry.trim() !== '' || this.stack.length) throw new XmlError('unexpected end');
    if (!this.rootSeen) throw new XmlError('document must contain a root element');
  }

  private chars(t: string): void {
    if (!this.stack.length) {
      if (!BLANK.test(t)) throw new XmlError('text data outside of root node');
      return;
    }
    // One pass over the text for what it may not hold and whether it has references.
    let refs = false;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c <= 0x26) {
        if (c === AMP) refs = true;
        else if (c < 0x20 && c !== 0x0a && c !== 0x09) throw new XmlError('disallowed character');
      } else if (c === 0x5d) {
        if (t.startsWith(']]>', i)) throw new XmlError('the string "]]>" is disallowed in char data');
      } else if (c >= 0xfffe) throw new XmlError('disallowed character');
    }
    if (this.sink.rawText) {
      // Handed on as written: the references only checked, resolved by whoever needs the text (rarely).
      if (refs) checkReferences(t);
      this.sink.text?.(t);
    } else this.sink.text?.(refs ? resolveReferences(t) : t);
  }

  /** Tokenizes the construct at `lt`; returns where the next one starts, or -1 when it runs past the text. */
  private construct(b: string, lt: number): number {
    const c = b.charCodeAt(lt + 1);
    if (c === SLASH) return this.endTag(b, lt);
    if (c === 0x3f) {
      // A processing instruction (the XML declaration): nothing in it is read.
      const end = b.indexOf('?>', lt + 2);
      if (end >= 0) disallow(b, lt, end);
      return end < 0 ? -1 : end + 2;
    }
    if (c === 0x21) return this.bang(b, lt);
    if (Number.isNaN(c)) return -1;
    return this.startTag(b, lt);
  }

  private bang(b: string, lt: number): number {
    const avail = b.length - lt;
    if (b.startsWith('<!--', lt)) {
      const end = b.indexOf('-->', lt + 4);
      if (end < 0) return -1;
      if (b.slice(lt + 4, end).includes('--')) throw new XmlError('double dash in comment');
      disallow(b, lt, end);
      return end + 3;
    }
    if (b.startsWith('<![CDATA[', lt)) {
      const end = b.indexOf(']]>', lt + 9);
      if (end < 0) return -1;
      if (!this.stack.length) throw new XmlError('text data outside of root node');
      disallow(b, lt, end);
      const data = b.slice(lt + 9, end);
      // Raw text is text as written: CDATA's "&" and "<" are written as references there.
      this.sink.text?.(this.sink.rawText ? data.replace(/&/g, '&amp;').replace(/</g, '&lt;') : data);
      return end + 3;
    }
    if (b.startsWith('<!DOCTYPE', lt)) {
      this.sink.doctype();
      throw new XmlError('DOCTYPE');
    }
    // Too short yet to tell which it is.
    if (avail < 9 && ['<!--', '<![CDATA[', '<!DOCTYPE'].some((w) => w.startsWith(b.slice(lt)))) return -1;
    throw new XmlError('unexpected <!');
  }

  private endTag(b: string, lt: number): number {
    const n = b.length;
    const top = this.stack.length - 1;
    if (top < 0) throw new XmlError('unexpected close tag.');
    // The name as opened, then nothing but white space up to ">" (compared in place: no search for the ">").
    const open = this.stack[top]!;
    let i = lt + 2 + open.length;
    if (i >= n) return -1;
    if (!b.startsWith(open, lt + 2)) throw new XmlError('unexpected close tag.');
    while (i < n && isSpace(b.charCodeAt(i))) i++;
    if (i >= n) return -1;
    if (b.charCodeAt(i) !== GT) throw new XmlError('unexpected close tag.');
    this.stack.pop();
    this.sink.close(this.locals.pop()!);
    return i + 1;
  }

  private startTag(b: string, lt: number): number {
    const n = b.length;
    let i = scanName(b, lt + 1);
    if (i >= n) return -1;
    if (i < 0) throw new XmlError('disallowed character in tag name');
    const name = b.slice(lt + 1, i);
    const local = nameColon < 0 ? name : b.slice(nameColon + 1, i);
    const attrs = this.attrs;
    attrs.reset(b);
    for (;;) {
      const before = i;
      let c = b.charCodeAt(i);
      while (isSpace(c)) c = b.charCodeAt(++i);
      if (i >= n) return -1;
      if (c === GT || c === SLASH) {
        if (c === SLASH) {
          if (i + 1 >= n) return -1;
          if (b.charCodeAt(i + 1) !== GT) throw new XmlError('forward-slash in opening tag not followed by >');
          i++;
        }
        if (!this.stack.length && this.rootSeen) throw new XmlError('text data outside of root node');
        if (this.stack.length >= this.maxDepth) throw new XmlTooDeep('nesting too deep');
        if (++this.elements > this.maxElements) throw new XmlTooMany('too many elements');
        this.rootSeen = true;
        this.stack.push(name);
        this.locals.push(local);
        this.sink.open(local, attrs, this.stack.length, c === SLASH);
        if (c === SLASH) {
          this.stack.pop();
          this.locals.pop();
          this.sink.close(local);
        }
        return i + 1;
      }
      if (i === before) throw new XmlError('no whitespace between attributes');
      const from = i;
      i = scanName(b, i);
      if (i >= n) return -1;
      if (i < 0) throw new XmlError('disallowed character in attribute name');
      const keyTo = i;
      c = b.charCodeAt(i);
      while (isSpace(c)) c = b.charCodeAt(++i);
      if (i >= n) return -1;
      if (c !== EQ) throw new XmlError('attribute without value');
      c = b.charCodeAt(++i);
      while (isSpace(c)) c = b.charCodeAt(++i);
      if (i >= n) return -1;
      if (c !== QUOT && c !== APOS) throw new XmlError('unquoted attribute value');
      // The value up to its closing quote, noting what needs more than a slice.
      const quote = c;
      let special = 0;
      let j = i + 1;
      for (; j < n; j++) {
        const ch = b.charCodeAt(j);
        if (ch === quote) break;
        if (ch <= 0x3c) {
          if (ch === LT) throw new XmlError('disallowed character');
          if (ch === AMP) special |= 1;
          else if (ch === 0x0a || ch === 0x09) special |= 2;
          else if (ch < 0x20) throw new XmlError('disallowed character');
        } else if (ch >= 0xfffe) throw new XmlError('disallowed character');
      }
      if (j >= n) return -1;
      let value: string | undefined;
      if (special) {
        value = b.slice(i + 1, j);
        if (special & 2) value = value.replace(/[\n\t]/g, ' ');
        if (special & 1) value = resolveReferences(value);
      }
      if (attrs.count >= MAX_ATTRIBUTES) throw new XmlError('too many attributes');
      if (!attrs.add(from, keyTo, i + 1, j, value)) throw new XmlError(`duplicate attribute: ${b.slice(from, keyTo)}`);
      i = j + 1;
    }
  }
}

/** Where the last name `scanName` scanned has its last ":" (-1: none). */
let nameColon = -1;

/** Refuses a construct b[from, to) holding a character XML cannot hold. */
function disallow(b: string, from: number, to: number): void {
  if (DISALLOWED.test(b.slice(from, to))) throw new XmlError('disallowed character');
}

/**
 * Where the name starting at `from` ends (at white space, "/", ">" or "="); the text's length when it runs past
 * it; -1 when it is empty, starts as no name does or holds a character no name holds.
 */
function scanName(b: string, from: number): number {
  const n = b.length;
  nameColon = -1;
  if (from >= n) return n;
  const first = b.charCodeAt(from);
  if (first === 0x2d || first === 0x2e || (first >= 0x30 && first <= 0x39)) return -1;
  let i = from;
  for (; i < n; i++) {
    const c = b.charCodeAt(i);
    if (c <= 0x3f) {
      if (c === 0x20 || c === SLASH || c === GT || c === EQ || c === 0x0a || c === 0x09 || c === 0x0d) break;
      if (c === COLON) nameColon = i;
      else if (c < 0x20 || c === QUOT || c === APOS || c === LT || c === AMP || c === 0x3b || c === 0x3f || c === 0x21)
        return -1;
    } else if (c >= 0xfffe) return -1;
  }
  return i === from && i < n ? -1 : i;
}

/** Entity and character references resolved; an unknown, empty or unterminated one is an error (XmlError). */
export function resolveReferences(s: string): string {
  let out = '';
  let from = 0;
  for (let amp = s.indexOf('&'); amp >= 0; amp = s.indexOf('&', from)) {
    const semi = s.indexOf(';', amp + 1);
    const next = s.indexOf('&', amp + 1);
    if (semi < 0 || (next >= 0 && next < semi)) throw new XmlError('malformed entity');
    out += s.slice(from, amp) + entityValue(s, amp + 1, semi);
    from = semi + 1;
  }
  return out + s.slice(from);
}

/** Throws as `resolveReferences` would, without making the text. */
function checkReferences(s: string): void {
  for (let amp = s.indexOf('&'); amp >= 0;) {
    const semi = s.indexOf(';', amp + 1);
    const next = s.indexOf('&', amp + 1);
    if (semi < 0 || (next >= 0 && next < semi)) throw new XmlError('malformed entity');
    entityValue(s, amp + 1, semi);
    amp = next;
  }
}

/** The text of the reference whose name is s[from, to) ("amp", "#x1EA1"). */
function entityValue(s: string, from: number, to: number): string {
  switch (s.slice(from, to)) {
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
  const e = s.slice(from, to);
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
