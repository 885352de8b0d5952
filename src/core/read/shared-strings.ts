import { type Attrs, textOf } from '../ooxml/tokenizer.js';
import { isName, KnownContent, nameBytes } from '../ooxml/known-content.js';
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

  constructor(private readonly strings: string[]) {}

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
      this.strings.push(decodeXstring(this.current ?? ''));
      this.current = null;
    }
  };

  /** The content of <sst> when every <si> is one plain <t>: read here, or given back untouched. */
  private readTable(attrs: Attrs): void {
    if (!isName(attrs.bytes, attrs.tagFrom + 1, SST) || attrs.depthLeft < 2 || this.strings.length) return;
    const at = new KnownContent(attrs.bytes, attrs.tagTo, attrs.elementsLeft);
    for (;;) {
      at.space();
      if (at.atEnd(SST)) {
        if (at.end(SST)) return attrs.skip(at.i, at.elements);
        break;
      }
      const text = at.start(SI) ? this.plainString(at) : null;
      if (text === null) break;
      this.strings.push(text);
    }
    this.strings.length = 0;
  }

  /** After <si>: its one <t>'s text, past </si>; null when the string is anything else. */
  private plainString(at: KnownContent): string | null {
    if (at.attrs.selfClosing) return '';
    at.space();
    // The text of most tables is kept as written ("preserve"): that tag, compared as bytes, is XML as it stands.
    if (!at.startExactly(T_PRESERVE) && !at.start(T)) return null;
    let text = '';
    if (!at.attrs.selfClosing) {
      if (!at.text()) return null;
      text = textOf(at.b, at.textFrom, at.textTo, at.textFlags);
      if (!at.end(T)) return null;
    }
    at.space();
    return at.end(SI) ? decodeXstring(text) : null;
  }
}

const SST = nameBytes('sst');
const SI = nameBytes('si');
const T = nameBytes('t');
const T_PRESERVE = nameBytes('<t xml:space="preserve">');
