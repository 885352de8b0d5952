/**
 * Vietnamese number style: "." groups thousands, "," marks decimals ("15.369", "1.643,5", "59,3%").
 */

export type ParsedText =
  | { kind: 'empty' }
  | { kind: 'number'; value: number }
  | { kind: 'ambiguous'; reading: string }
  | { kind: 'not-a-number' };

const EMPTY_MARKS = new Set(['', '-', '–', '—', '_']);

/** Reads a figure typed as text the way a Vietnamese office writes it. */
export function parseNumberText(input: string): ParsedText {
  const s = input
    .normalize('NFC')
    .replace(/[\s\u00A0\u202F]+/g, ' ')
    .trim();
  if (EMPTY_MARKS.has(s)) return { kind: 'empty' };
  const sign = /^[-−]\s*/.test(s) ? -1 : 1;
  const body = s.replace(/^[-−+]\s*/, '').replace(/(\d) (?=\d{3}(\D|$))/g, '$1');
  // 1.234 / 1.234.567 (thousands), optionally with a decimal part after a comma: 1.643,5
  let m = /^(\d{1,3}(?:\.\d{3})+)(?:,(\d+))?$/.exec(body);
  if (m) return { kind: 'number', value: sign * Number(m[1]!.replace(/\./g, '') + (m[2] ? `.${m[2]}` : '')) };
  m = /^(\d+)(?:,(\d+))?$/.exec(body);
  if (m) {
    // "1,234" reads as 1234 in English style and 1,234 in Vietnamese: refuse to guess.
    if (m[2]?.length === 3 && m[1] !== '0')
      return { kind: 'ambiguous', reading: 'dấu phẩy hay dấu phân cách hàng nghìn' };
    return { kind: 'number', value: sign * Number(m[1] + (m[2] ? `.${m[2]}` : '')) };
  }
  // "12.5": a decimal point in English style, or a mistyped thousands group.
  if (/^\d+\.\d+$/.test(body)) return { kind: 'ambiguous', reading: 'dấu chấm thập phân' };
  return { kind: 'not-a-number' };
}

/** Thousands grouped with "." (the office style, whatever ICU's vi-VN does with four digits). */
const grouped = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');

/** 15369 → "15.369"; 1643.5 → "1.643,5". */
export function formatNumber(n: number, maxDecimals = 3): string {
  const sign = n < 0 ? '-' : '';
  // Whole numbers, by far the most common: annexes print hundreds of thousands of them.
  if (Number.isSafeInteger(n)) return sign + grouped(String(Math.abs(n)));
  const rounded = roundedDigits(Math.abs(n), maxDecimals);
  if (!rounded) return sign + viaIntl(Math.abs(n), maxDecimals);
  const [int, frac] = rounded;
  return sign + grouped(int) + (frac ? `,${frac}` : '');
}

/**
 * `n` (≥ 0) to at most `decimals` decimals as Intl.NumberFormat rounds it: its shortest decimal form (what
 * String(n) gives), half away from zero, trailing zeros dropped; the whole and decimal digits, or null for a form
 * with an exponent (or not finite), left to Intl. Not Intl itself: creating a format loads ICU's locale data,
 * ~20 ms at the start of every run, for the few figures with decimals a run prints.
 */
function roundedDigits(n: number, decimals: number): [string, string] | null {
  const text = String(n);
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  const dot = text.indexOf('.');
  if (dot < 0) return [text, ''];
  const frac = text.slice(dot + 1);
  if (frac.length <= decimals) return [text.slice(0, dot), frac];
  const kept = text.slice(0, dot) + frac.slice(0, decimals);
  const digits = frac.charCodeAt(decimals) >= 0x35 /* 5 */ ? plusOne(kept) : kept;
  const cut = digits.length - decimals;
  return [digits.slice(0, cut), digits.slice(cut).replace(/0+$/, '')];
}

/** A string of decimal digits plus one: "0999" → "1000", "99" → "100". */
function plusOne(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === '9') i--;
  if (i < 0) return `1${'0'.repeat(digits.length)}`;
  return digits.slice(0, i) + String(Number(digits[i]) + 1) + '0'.repeat(digits.length - i - 1);
}

const formats = new Map<number, Intl.NumberFormat>();

/** What the shortest form cannot say plainly (1e21, 1e-7, Infinity), formatted by ICU, grouped the office way. */
function viaIntl(n: number, decimals: number): string {
  let f = formats.get(decimals);
  if (!f)
    formats.set(decimals, (f = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: decimals, useGrouping: true })));
  const [int, frac] = f.format(n).replace(/\./g, '').split(',');
  return grouped(int!) + (frac ? `,${frac}` : '');
}

/** A share as printed in reports: one decimal, comma, no space: 0.5932 → "59,3%". */
export function formatPercent(share: number): string {
  return `${formatNumber(Math.round(share * 1000) / 10, 1)}%`;
}

/** Pads to two digits the way official documents number things: 5 → "05". */
export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Money in million VND, as reports write it: "850 triệu đồng", "1,64 tỷ đồng" above 1.000 triệu. */
export function formatMoney(millions: number): string {
  if (millions >= 1000) return `${formatNumber(millions / 1000, 2)} tỷ đồng`;
  return `${formatNumber(millions, 3)} triệu đồng`;
}

/**
 * A number stored in a cell as Excel shows it: to 15 significant digits, so that the floating-point noise of a
 * stored double goes (7.9999999999999991 → 8, 0.30000000000000004 → 0.3).
 */
export function asShown(n: number): number {
  return Number.isInteger(n) && Math.abs(n) < 1e15 ? n : Number(n.toPrecision(15));
}
