import { type Attrs, textOf, utf8Text } from '../ooxml/tokenizer.js';
import { isName, KnownContent } from '../ooxml/known-content.js';
import { utf8 } from '../util/bytes.js';
import { decodeXstring } from './cells.js';

/**
 * The workbook's table of shared strings, each the text of its <t> elements (phonetic runs left out). The
 * tokenizer hands it the part's events; the usual table, one plain <t> per <si>, is read by a tighter loop over
 * the bytes (`readTable`), which gives the content back to the tokenizer at the first thing it does not know
 * (rich text, a comment, a prefix): the strings are the same either way.
 */
export class SharedStringsReader {
  private current: string | null = null;
  private inText = false;
  private phonetic = false;

  constructor(private readonly strings: SharedStrings) {}

  readonly open = (name: string, attrs: Attrs, depth: number, selfClosing: boolean): void => {
    if (name === 'sst' && depth === 1 && !selfClosing) this.readTable(attrs);
    else if (name === 'si') this.current = '';
    else if (name === 'rPh') this.phonetic = true;
    else if (name === 't' && !this.phonetic) this.inText = true;
  };

  readonly text = (b: Uint8Array, from: number, to: number, flags: number): void => {
    if (this.inText && this.current !== null) this.current += textOf(b, from, to, flags);
  };

  readonly close = (name: string): void => {
    if (name === 't') this.inText = false;
    else if (name === 'rPh') this.phonetic = false;
    else if (name === 'si') {
      this.strings.add(decodeXstring(this.current ?? ''));
      this.current = null;
    }
  };

  /** The content of <sst> when every <si> is one plain <t>: read here, or given back untouched. */
  private readTable(attrs: Attrs): void {
    if (!isName(attrs.bytes, attrs.tagFrom + 1, SST) || attrs.depthLeft < 2 || this.strings.count) return;
    const at = new KnownContent(attrs.bytes, attrs.tagTo, attrs.elementsLeft);
    for (;;) {
      at.space();
      if (at.atEnd(SST)) {
        if (at.end(SST)) return attrs.skip(at.i, at.elements);
        break;
      }
      if (!(at.startExactly(SI_TAG) || at.start(SI)) || !this.plainString(at)) break;
    }
    this.strings.clear();
  }

  /** After <si>: its one <t>'s text, past </si>, added to the table; false when the string is anything else. */
  private plainString(at: KnownContent): boolean {
    if (at.attrs.selfClosing) return (this.strings.add(''), true);
    at.space();
    // The usual tags compared as bytes are XML as they stand; others are read by the tokenizer's function.
    if (!at.startExactly(T_PRESERVE) && !at.startExactly(T_TAG) && !at.start(T)) return false;
    let from = 0;
    let to = 0;
    let flags = 0;
    if (!at.attrs.selfClosing) {
      if (!at.text()) return false;
      ({ textFrom: from, textTo: to, textFlags: flags } = at);
      if (!at.end(T)) return false;
    }
    at.space();
    if (!at.end(SI)) return false;
    this.strings.addBytes(at.b, from, to, flags);
    return true;
  }
}

/**
 * The table of shared strings of one workbook. A string read from the bytes of the part is made into text only
 * when it is asked for: a form's table holds the long names of its indicators, which no reader of figures looks at.
 */
export class SharedStrings {
  private readonly texts: (string | null)[] = [];
  /** The part's bytes, and per string read from them where its text stands (from, to, TEXT_… flags). */
  private bytes: Uint8Array | null = null;
  private readonly at: number[] = [];

  get count(): number {
    return this.texts.length;
  }

  add(text: string): void {
    this.texts.push(text);
  }

  /**
   * The text at b[from, to), kept as a place while it is sure to be text (not blank, nothing to resolve): it holds
   * an ASCII letter, digit or sign, no reference, no "_" (an escaped character).
   */
  addBytes(b: Uint8Array, from: number, to: number, flags: number): void {
    const i = this.texts.length;
    if (flags || (this.bytes && this.bytes !== b) || this.underscoreIn(b, from, to) || !hasSign(b, from, to)) {
      this.texts.push(from === to ? '' : decodeXstring(textOf(b, from, to, flags)));
      return;
    }
    this.bytes = b;
    this.texts.push(null);
    this.at[2 * i] = from;
    this.at[2 * i + 1] = to;
  }

  clear(): void {
    this.texts.length = 0;
    this.bytes = null;
    this.underscore = -1;
  }

  /** Where the next "_" stands in the part (strings come in order: each byte is searched once), or its length. */
  private underscore = -1;

  /** Whether b[from, to) holds a "_" (which may begin an escaped character, `_x000D_`). */
  private underscoreIn(b: Uint8Array, from: number, to: number): boolean {
    if (this.underscore < from) {
      const found = b.indexOf(0x5f, from);
      this.underscore = found < 0 ? b.length : found;
    }
    return this.underscore < to;
  }

  text(i: number): string {
    return (this.texts[i] ??= utf8Text(this.bytes!, this.at[2 * i]!, this.at[2 * i + 1]!));
  }

  /** Whether string `i` is sure to be text (see `addBytes`) without being read. */
  isSurelyText(i: number): boolean {
    return this.texts[i] === null;
  }
}

/** Whether b[from, to) holds an ASCII letter, digit or sign: then it is not blank, whatever else it holds. */
function hasSign(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i]! > 0x20 && b[i]! < 0x7f) return true;
  return false;
}

const SST = utf8('sst');
const SI = utf8('si');
const T = utf8('t');
const T_PRESERVE = utf8('<t xml:space="preserve">');
const T_TAG = utf8('<t>');
const SI_TAG = utf8('<si>');
