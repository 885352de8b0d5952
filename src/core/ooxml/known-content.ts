import { Attrs, isSpace, readAttributes, textFlags, XmlTooMany } from './tokenizer.js';

/**
 * The content of one element read straight from the bytes when its shape is known (a sheet's rows of cells, a
 * table of shared strings): each step is a question — is a start tag of this name next? an end tag? text? — that
 * a reader's loop asks in the order the shape allows. Tags and text are read and checked by the tokenizer's own
 * functions, so what the loop accepts is what the tokenizer accepts; anything else the loop does not take (a
 * comment, CDATA, a prefix, an element of another name, the end of the bytes) makes the step say no, and the
 * reader gives the content back to the tokenizer (`Attrs.skip` when it read it all). Names are unprefixed ASCII.
 */
export class KnownContent {
  /** Where the loop is in `b`. */
  i: number;
  /** Start tags read, against the tokenizer's limit for the part. */
  elements = 0;
  /** The attributes of the last start tag read; `attrs.selfClosing` tells whether it was "/>". */
  readonly attrs = new Attrs();
  /** The last text read: b[textFrom, textTo), its TEXT_… flags. */
  textFrom = 0;
  textTo = 0;
  textFlags = 0;

  constructor(
    readonly b: Uint8Array,
    from: number,
    private readonly elementsLeft: number,
  ) {
    this.i = from;
  }

  /** Skips white space. */
  space(): void {
    const { b } = this;
    let i = this.i;
    while (isSpace(b[i])) i++;
    this.i = i;
  }

  /** Reads the start tag `<name …>` or `<name …/>` when it is next; false when something else is. */
  start(name: Uint8Array): boolean {
    const { b, i } = this;
    if (b[i] !== LT || !isName(b, i + 1, name)) return false;
    const end = readAttributes(b, i + 1 + name.length, this.attrs);
    if (end < 0) return false;
    if (++this.elements > this.elementsLeft) throw new XmlTooMany('too many elements');
    this.i = end;
    return true;
  }

  /**
   * A start tag the caller read itself from `i` to `end`, well-formed as it stands (bytes it compared, values it
   * scanned): counted as the tokenizer counts elements.
   */
  take(end: number): void {
    if (++this.elements > this.elementsLeft) throw new XmlTooMany('too many elements');
    this.i = end;
  }

  /** Reads the start tag `tag` (all of it, attributes included, as bytes) when it is next exactly as given. */
  startExactly(tag: Uint8Array): boolean {
    const { b, i } = this;
    for (let k = 0; k < tag.length; k++) if (b[i + k] !== tag[k]) return false;
    this.attrs.reset(b);
    this.take(i + tag.length);
    return true;
  }

  /** Whether the end tag `</name>` is next. */
  atEnd(name: Uint8Array): boolean {
    const { b, i } = this;
    return b[i] === LT && b[i + 1] === SLASH && isName(b, i + 2, name);
  }

  /** Reads the end tag `</name>` when it is next; false when something else is. */
  end(name: Uint8Array): boolean {
    if (!this.atEnd(name)) return false;
    const { b } = this;
    let i = this.i + 2 + name.length;
    while (isSpace(b[i])) i++;
    if (b[i] !== GT) return false;
    this.i = i + 1;
    return true;
  }

  /** Reads the text up to the next tag, which must be an end tag (checked as the tokenizer checks text). */
  text(): boolean {
    const { b, i } = this;
    const lt = b.indexOf(LT, i);
    if (lt < 0 || b[lt + 1] !== SLASH) return false;
    this.textFlags = textFlags(b, i, lt);
    this.textFrom = i;
    this.textTo = this.i = lt;
    return true;
  }
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;

/** Whether `name` stands at `at`, the whole name (white space, "/" or ">" after it). */
export function isName(b: Uint8Array, at: number, name: Uint8Array): boolean {
  for (let k = 0; k < name.length; k++) if (b[at + k] !== name[k]) return false;
  const c = b[at + name.length];
  return isSpace(c) || c === GT || c === SLASH;
}
