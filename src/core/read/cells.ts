import type { Issue } from '../model.js';
import { resolveReferences } from '../ooxml/tokenizer.js';

/**
 * A sheet as the reader gives it: the non-empty cells by row and column, each one scalar, and the merged ranges;
 * A1 addresses read and written. What `xlsx.ts` and `sheet.ts` make and the submission reader takes.
 */

/** What one cell holds. */
export type Scalar =
  | { kind: 'empty' }
  | { kind: 'number'; value: number }
  | { kind: 'text'; text: string }
  | { kind: 'date'; value: Date }
  | { kind: 'bool'; value: boolean }
  | { kind: 'error'; error: string }
  | { kind: 'formula-no-result'; formula: string }
  /** A numeric cell whose stored value is not an XML number ("298,7" from a locale-broken exporter). */
  | { kind: 'bad-number'; text: string };

export const EMPTY: Scalar = { kind: 'empty' };

/** The text a person sees in a label cell. */
export function scalarText(s: Scalar): string {
  switch (s.kind) {
    case 'text':
    case 'bad-number':
      return s.text;
    case 'number':
    case 'bool':
      return String(s.value);
    case 'date':
      return s.value.toISOString().slice(0, 10);
    default:
      return '';
  }
}

export interface Range {
  top: number;
  left: number;
  bottom: number;
  right: number;
  /** As written in the file, e.g. "E14:F14". */
  ref: string;
}

/** The non-empty cells of one sheet, by row then column (1-based), and its merged ranges. */
export interface SheetCells {
  name: string;
  rows: Map<number, ReadonlyMap<number, Scalar>>;
  merges: Range[];
}

export class Refused extends Error {
  constructor(readonly issue: Issue) {
    super(issue.message);
  }
}

/** Cells a required sheet may hold with a value: a filled form has a few hundred, so this is generous. */
export const MAX_CELLS_PER_SHEET = 250_000;
/** Merged ranges a sheet may declare: a form has a few dozen. */
export const MAX_MERGES_PER_SHEET = 50_000;

/** The grid's last row and column. */
export const MAX_ROW = 1_048_576;
export const MAX_COL = 16_384;

export function columnLetters(col: number): string {
  if (col >= 0 && col < COLUMN_LETTERS.length) return (COLUMN_LETTERS[col] ??= lettersOf(col));
  return lettersOf(col);
}

/** The letters of the first columns, made once: every figure's reference names its column. */
const COLUMN_LETTERS: (string | undefined)[] = new Array<string | undefined>(256);

function lettersOf(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

export function address(row: number, col: number): string {
  if (row >= ADDRESS_ROWS || col >= ADDRESS_COLUMNS) return `${columnLetters(col)}${row}`;
  const column = (ADDRESSES[col] ??= []);
  return (column[row] ??= `${columnLetters(col)}${row}`);
}

/** The addresses of a form's cells, each made once per thread: every figure read names its cell. */
const ADDRESS_ROWS = 2048;
const ADDRESS_COLUMNS = 64;
const ADDRESSES: string[][] = [];

/** Where `readAddress` and `readAddressIn` put what they read (no array per cell). */
export const lastAddress = { row: 0, col: 0 };

/** "B12" → address1 = { row: 12, col: 2 }, true; false when not an A1 address. */
export function readAddress(ref: string): boolean {
  if (ref.length > ADDRESS_BYTES.length) return false;
  const { written } = ENCODER.encodeInto(ref, ADDRESS_BYTES);
  return readAddressIn(ADDRESS_BYTES, 0, written);
}

const ENCODER = new TextEncoder();
/** Room for the longest address ("$XFD$1048576" and some). */
const ADDRESS_BYTES = new Uint8Array(32);

/** `readAddress` of the ASCII bytes b[from, to) (an `r` attribute read in place). */
export function readAddressIn(b: Uint8Array, from: number, to: number): boolean {
  let i = from;
  let col = 0;
  let row = 0;
  if (b[i] === 0x24) i++; // $
  for (; i < to; i++) {
    const ch = b[i]! & ~0x20; // upper case
    if (ch < 0x41 || ch > 0x5a) break;
    col = col * 26 + (ch - 64);
  }
  if (col === 0 || col > MAX_COL) return false;
  if (i < to && b[i] === 0x24) i++;
  const digits = i;
  for (; i < to; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return false;
    row = row * 10 + d;
  }
  if (!(i > digits && row >= 1)) return false;
  lastAddress.row = row;
  lastAddress.col = col;
  return true;
}

/** "B12" → [12, 2]; null when not an A1 address. */
export function parseAddress(ref: string): [number, number] | null {
  return readAddress(ref) ? [lastAddress.row, lastAddress.col] : null;
}

export function parseRange(ref: string): Range | null {
  const [a, b = a] = ref.trim().split(':');
  const from = parseAddress(a!);
  const to = parseAddress(b!);
  if (!from || !to) return null;
  return {
    top: Math.min(from[0], to[0]),
    left: Math.min(from[1], to[1]),
    bottom: Math.max(from[0], to[0]),
    right: Math.max(from[1], to[1]),
    ref: ref.trim(),
  };
}

/**
 * Text as ECMA-376 stores it (ST_Xstring): a character XML cannot hold is written `_xHHHH_` (`_x000D_` a carriage
 * return), and an underscore that would start such an escape as `_x005F_` (`_x005F_x0041_` is the text `_x0041_`).
 */
export function decodeXstring(s: string): string {
  if (!s.includes('_x')) return s;
  return s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * A formula without a value: its text as written (`written`, asked for only when the formula is, most never are),
 * its references resolved.
 */
export function formulaNoResult(written: () => string): Scalar {
  return new FormulaNoResult(written);
}

/** (A class: its getter made once, not for each formula as an object literal's would be.) */
class FormulaNoResult {
  readonly kind = 'formula-no-result';
  private resolved: string | null = null;
  constructor(private readonly written: () => string) {}

  get formula(): string {
    return (this.resolved ??= resolveReferences(this.written()).trim());
  }
}

/**
 * A row's cells by column, as the reader stores them: what a Map gives, on two arrays (a sheet has hundreds of rows
 * of a few cells each, and a Map per row was the reader's largest single cost). Columns in the order first set.
 */
export class CellRow implements ReadonlyMap<number, Scalar> {
  private readonly columns: number[] = [];
  private readonly byColumn: Scalar[] = [];

  get size(): number {
    return this.columns.length;
  }

  get(col: number): Scalar | undefined {
    return this.byColumn[col];
  }

  has(col: number): boolean {
    return this.byColumn[col] !== undefined;
  }

  set(col: number, value: Scalar): void {
    if (this.byColumn[col] === undefined) this.columns.push(col);
    this.byColumn[col] = value;
  }

  keys(): MapIterator<number> {
    return this.columns[Symbol.iterator]();
  }

  *values(): MapIterator<Scalar> {
    for (const col of this.columns) yield this.byColumn[col]!;
  }

  *entries(): MapIterator<[number, Scalar]> {
    for (const col of this.columns) yield [col, this.byColumn[col]!];
  }

  [Symbol.iterator](): MapIterator<[number, Scalar]> {
    return this.entries();
  }

  forEach(each: (value: Scalar, col: number, row: ReadonlyMap<number, Scalar>) => void): void {
    for (const col of this.columns) each(this.byColumn[col]!, col, this);
  }
}
