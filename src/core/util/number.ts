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

const grouping = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 3, useGrouping: true });
const formats = new Map<number, Intl.NumberFormat>();
/** The format to `decimals` decimals, made once: messages of a file with thousands of errors use it as often. */
function groupingTo(decimals: number): Intl.NumberFormat {
  let f = formats.get(decimals);
  if (!f)
    formats.set(decimals, (f = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: decimals, useGrouping: true })));
  return f;
}

/** 15369 → "15.369"; 1643.5 → "1.643,5". */
export function formatNumber(n: number, maxDecimals = 3): string {
  // Whole numbers, by far the most common, skip Intl: annexes print hundreds of thousands of them.
  if (Number.isSafeInteger(n)) return (n < 0 ? '-' : '') + String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const f = maxDecimals === 3 ? grouping : groupingTo(maxDecimals);
  // ICU's vi-VN does not group four-digit numbers in some builds; force the office style.
  const [int, frac] = f.format(Math.abs(n)).replace(/\./g, '').split(',');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return (n < 0 ? '-' : '') + grouped + (frac ? `,${frac}` : '');
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
