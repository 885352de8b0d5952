/**
 * A package part's bytes, written in place: a national annex or level sheet is some 200.000–500.000 cells, and as
 * strings (joined, then encoded) they cost seconds of copying and garbage collection.
 */
export class ByteWriter {
  private buf: Uint8Array;
  length = 0;
  private readonly encoder = new TextEncoder();

  constructor(expected: number) {
    this.buf = new Uint8Array(Math.max(1 << 16, expected));
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Digits, dots, commas, dashes and letters of cell references: one byte a character. */
  ascii(s: string): void {
    this.ensure(s.length);
    const buf = this.buf;
    let at = this.length;
    for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
    this.length = at;
  }

  text(s: string): void {
    this.ensure(s.length * 3);
    this.length += this.encoder.encodeInto(s, this.buf.subarray(this.length)).written;
  }

  result(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

export { utf8 } from '../util/bytes.js';
