import { describe, expect, it } from 'vitest';
import { formatMoney, formatNumber, formatPercent } from '../src/core/util/number.js';

const formats: Intl.NumberFormat[] = [];

/** What formatNumber must print: ICU's vi-VN format, with every group of three digits marked (the office style). */
function byIntl(n: number, decimals: number): string {
  const [int, frac] = (formats[decimals] ??= new Intl.NumberFormat('vi-VN', { maximumFractionDigits: decimals }))
    .format(Math.abs(n))
    .replace(/\./g, '')
    .split(',');
  return (n < 0 ? '-' : '') + int!.replace(/\B(?=(\d{3})+(?!\d))/g, '.') + (frac ? `,${frac}` : '');
}

/** A fixed sequence of numbers in [0, 1) (a linear congruential generator): the same cases on every run. */
function* sequence(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    yield x / 2 ** 32;
  }
}

describe('formatNumber: the Vietnamese office style, rounded as Intl rounds', () => {
  it('prints whole numbers, decimals and shares as reports write them', () => {
    expect(formatNumber(15369)).toBe('15.369');
    expect(formatNumber(1643.5)).toBe('1.643,5');
    expect(formatNumber(-1234567.25, 1)).toBe('-1.234.567,3');
    expect(formatNumber(1234, 0)).toBe('1.234');
    expect(formatNumber(0.1 + 0.2)).toBe('0,3');
    expect(formatPercent(0.5932)).toBe('59,3%');
    expect(formatMoney(1643.5)).toBe('1,64 tỷ đồng');
    expect(formatMoney(850)).toBe('850 triệu đồng');
  });

  it('rounds a half away from zero on the shortest decimal form, as Intl does (1,0005 → 1,001; 2,675 → 2,68)', () => {
    // Doubles just under the half as stored (1.0005 is 1.000499999…) still round up, as Intl rounds them.
    expect(formatNumber(1.0005)).toBe('1,001');
    expect(formatNumber(2.675, 2)).toBe('2,68');
    expect(formatNumber(999.9995)).toBe('1.000');
    expect(formatNumber(0.9996, 3)).toBe('1');
    expect(formatNumber(9.95, 1)).toBe('10');
  });

  it('gives what Intl gives for edge values and for 30.000 numbers of every size and number of decimals', () => {
    const edges = [
      0.5,
      1.5,
      2.5,
      1.005,
      0.0005,
      0.00049,
      1234.5675,
      9.9995,
      1e-7,
      1.5e-7,
      1e21,
      123456789012.3456,
      1e15 + 0.5,
      4503599627370495.5,
      59.25,
      59.35,
      59.45,
      -0.0001,
      -999.9996,
      Infinity,
      -Infinity,
      NaN,
      5e-324,
      9007199254740993,
      0.000001,
      0.0000015,
    ];
    const cases: [number, number][] = edges.flatMap((n) => [0, 1, 2, 3, 4].map((d): [number, number] => [n, d]));
    const random = sequence(20261207);
    const next = () => random.next().value as number;
    for (let i = 0; i < 10_000; i++) {
      const decimals = Math.floor(next() * 5);
      cases.push([(next() - 0.2) * 10 ** Math.floor(next() * 16 - 7), decimals]);
      // Figures typed with a few decimals, and ones ending on a half at the last place kept.
      cases.push([Math.floor(next() * 1e6) / 10 ** Math.floor(next() * 6) + 0.0005, decimals]);
      cases.push([Math.round(next() * 1e5) / 2000, decimals]);
    }
    const wrong = cases.filter(([n, d]) => formatNumber(n, d) !== byIntl(n, d));
    expect(wrong.map(([n, d]) => `${n} (${d}): ${formatNumber(n, d)} ≠ ${byIntl(n, d)}`)).toEqual([]);
  });
});
