import { concat, startsWith, utf8 } from '../util/bytes.js';
import { issue } from '../rules/rules.js';
import { XmlError, XmlTokenizer, XmlTooDeep, XmlTooMany, type Attrs, type XmlSink } from '../ooxml/tokenizer.js';
import { MAX_XML_DEPTH } from '../ooxml/xml-errors.js';
import { Refused } from './cells.js';

/** Elements one part may hand the parser once runs of empty rows and cells are dropped: a form has a few thousand. */
export const MAX_ELEMENTS_PER_PART = 1_000_000;

/** Thrown by a handler when the rest of the part is not needed: it is then only scanned. */
export const DONE = new Error('done');

/** A part smaller than this has no runs of empty rows or cells worth dropping before it is parsed. */
const SMALL_PART = 256 * 1024;

const ignore = () => {};

export interface Handlers {
  /** `depth`: 1 for the root element. */
  open?: (name: string, attrs: Attrs, depth: number, selfClosing: boolean) => void;
  /** A piece of text, as the tokenizer hands it on (see XmlSink.text: `textOf` makes it a string). */
  text?: (b: Uint8Array, from: number, to: number, flags: number) => void;
  close?: (name: string) => void;
  /** The `ref` of each <mergeCell> in what follows where the parser stopped (found by the scan, not parsed). */
  tailMerge?: (ref: string) => void;
}

/**
 * One part of a workbook fed to the tokenizer as the archive inflates it, chunk by chunk: its encoding found from
 * its first bytes (a UTF-16 part re-encoded as UTF-8), runs of empty rows and cells dropped before they are
 * tokenized, and — once a handler throws `DONE` — the rest only scanned as bytes (`TailScan`) for hostile nesting,
 * DTDs and the merges some writers put late. Element names reach the handlers without their namespace prefix
 * (`x:row` → `row`), so prefixed and Strict parts read like any other; attributes come as written (`r`, `s`, `t`
 * carry no prefix; `r:id` does). What is broken or hostile throws `Refused`.
 */
export class PartFeed {
  /** Whether the part was read to its end. */
  closed = false;
  private readonly parser: XmlTokenizer;
  private readonly tail: TailScan;
  /** The first bytes, until the encoding is known; then null. */
  private head: Uint8Array | null = NO_BYTES;
  /** Set for a UTF-16 part, which is re-encoded as UTF-8 as it comes (the tokenizer reads UTF-8). */
  private decoder: TextDecoder | null = null;
  private inflated = 0;
  /** What followed the last "<" of the previous chunk. */
  private pending: Uint8Array = NO_BYTES;
  /** Whether the parser stopped (`DONE`): the rest is only scanned. */
  private done = false;
  private readonly runs = { past: false };

  constructor(
    private readonly path: string,
    handlers: Handlers,
    private readonly onSize?: (inflated: number) => void,
  ) {
    // The handlers themselves, in a sink of one shape for every part (the tokenizer's calls stay monomorphic).
    const sink: XmlSink = {
      open: handlers.open ?? ignore,
      close: handlers.close ?? ignore,
      text: handlers.text ?? ignore,
      doctype: () => {
        throw new Refused(issue('file-unsafe', { danger: 'dtd' }));
      },
    };
    this.parser = new XmlTokenizer(sink, { maxElements: MAX_ELEMENTS_PER_PART });
    this.tail = new TailScan(path, handlers.tailMerge);
  }

  /** The archive's consumer: it inflates the part under its byte budget, never past the size its directory declares. */
  readonly feed = (chunk: Uint8Array, final: boolean): void => {
    this.inflated += chunk.length;
    this.onSize?.(this.inflated);
    const utf8 = this.asUtf8(chunk, final);
    if (!utf8) return;
    if (this.done) {
      this.tail.scan(utf8, final);
      this.closed ||= final;
    } else this.tokenize(utf8, final);
  };

  /** The chunk as UTF-8; null while the first bytes are too few to tell the encoding (a BOM, or "<" as 1 or 2 bytes). */
  private asUtf8(chunk: Uint8Array, final: boolean): Uint8Array | null {
    if (this.head) {
      chunk = concat(this.head, chunk);
      if (chunk.length < 4 && !final) {
        this.head = chunk;
        return null;
      }
      this.head = null;
      const encoding = encodingOf(chunk);
      if (encoding !== 'utf-8') this.decoder = new TextDecoder(encoding);
    }
    return this.decoder ? utf8(this.decoder.decode(chunk, { stream: !final })) : chunk;
  }

  /**
   * Runs of empty self-closing rows and cells (a million formatted rows, 16.384 styled columns) are dropped from
   * the bytes before they are tokenized, all but the last of each run: it alone fixes where a following unnumbered
   * row or cell is. Chunks are cut before their last "<" so no tag is split.
   */
  private tokenize(chunk: Uint8Array, final: boolean): void {
    const bytes = concat(this.pending, chunk);
    let cut = final ? bytes.length : bytes.lastIndexOf(0x3c);
    if (cut <= 0) cut = bytes.length;
    this.pending = cut < bytes.length ? bytes.slice(cut) : NO_BYTES;
    // A small part has no runs worth dropping; past the end of sheetData there are no rows or cells to drop.
    const whole = (final && this.inflated < SMALL_PART) || this.runs.past;
    const ranges = whole ? [[0, cut] as const] : keptRanges(bytes, cut, this.runs);
    let k = 0;
    try {
      for (; k < ranges.length; k++) this.parser.write(bytes.subarray(ranges[k]![0], ranges[k]![1]));
      if (final) {
        this.parser.close();
        this.closed = true;
      }
    } catch (err) {
      if (err instanceof XmlError) throw this.damaged(err);
      if (err !== DONE) throw err;
      // The parser stopped at a tag in range k: the part is scanned from that tag on, at the depth before it (the
      // rest of this chunk now, the chunks to come as they arrive). What was cut off after the last "<" of the
      // chunk is scanned too: a tag it begins may be a merge.
      this.done = true;
      this.tail.depth = this.tail.max = this.parser.depth - 1;
      const next = k + 1 < ranges.length ? ranges[k + 1]![0] : cut;
      this.tail.scan(concat(this.parser.rest(), bytes.subarray(next)), final);
      this.closed ||= final;
    }
  }

  private damaged(err: XmlError): Refused {
    const part = this.path;
    if (err instanceof XmlTooDeep)
      return new Refused(issue('file-unsafe', { danger: 'nesting', part, limit: MAX_XML_DEPTH }));
    if (err instanceof XmlTooMany)
      return new Refused(issue('file-too-large', { part: 'elements', entry: part, limit: MAX_ELEMENTS_PER_PART }));
    return new Refused(issue('file-damaged', { damage: 'part', part, detail: err.message }));
  }
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
        if (startsWith(b, i, DOCTYPE_BYTES) || startsWith(b, i, ENTITY_BYTES))
          throw new Refused(issue('file-unsafe', { danger: 'dtd' }));
      } else if (next !== 0x3f) {
        const merge = this.onMerge ? isMergeTag(b, i) : false;
        // A value may hold ">" (XML allows it): the tag ends at the first ">" outside quotes.
        const end = tagEnd(b, i);
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
  return i - from === MERGE_CELL.length && startsWith(b, from, MERGE_CELL);
}

/**
 * Where the tag at `lt` ends: its ">" outside quoted attribute values (which may hold ">"); -1 past the bytes. One
 * pass: a value is skipped to its closing quote (a data validation's prompt is hundreds of bytes).
 */
function tagEnd(b: Uint8Array, lt: number): number {
  for (let i = lt + 1; i < b.length; i++) {
    const ch = b[i]!;
    if (ch === 0x3e) return i;
    if (ch === 0x22 || ch === 0x27) {
      i = b.indexOf(ch, i + 1);
      if (i < 0) return -1;
    }
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

/** Nothing yet (`concat` never writes into its arguments). */
const NO_BYTES = new Uint8Array(0);

function encodingOf(head: Uint8Array): string {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head[0] === 0x3c && head[1] === 0x00) return 'utf-16le';
  if (head[0] === 0x00 && head[1] === 0x3c) return 'utf-16be';
  return 'utf-8';
}

const DOCTYPE_BYTES = utf8('<!DOCTYPE');
const MERGE_CELL = utf8('mergeCell');
const ENTITY_BYTES = utf8('<!ENTITY');
