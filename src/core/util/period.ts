import type { Period } from '../model.js';
import { normalizeLabel } from './text.js';

const ROMAN = ['I', 'II', 'III', 'IV'];

export function yearPeriod(year: number): Period {
  return { id: String(year), year, kind: 'year', label: `Năm ${year}` };
}

export function halfYearPeriod(year: number): Period {
  return { id: `${year}-H1`, year, kind: 'half', label: `6 tháng đầu năm ${year}` };
}

export function nineMonthPeriod(year: number): Period {
  return { id: `${year}-M9`, year, kind: 'nine', label: `9 tháng năm ${year}` };
}

export function quarterPeriod(year: number, quarter: number): Period {
  return { id: `${year}-Q${quarter}`, year, kind: 'quarter', quarter, label: `Quý ${ROMAN[quarter - 1]} năm ${year}` };
}

/** Every period of a year, in the order a person picks them: Năm, 6 tháng, 9 tháng, Quý I–IV. */
export function periodsOfYear(year: number): Period[] {
  return [
    yearPeriod(year),
    halfYearPeriod(year),
    nineMonthPeriod(year),
    ...[1, 2, 3, 4].map((q) => quarterPeriod(year, q)),
  ];
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The first day of the period, yyyy-mm-dd: flows are counted from it. */
export function periodStart(p: Period): string {
  const month = p.kind === 'quarter' ? 3 * (p.quarter! - 1) + 1 : 1;
  return `${String(p.year).padStart(4, '0')}-${pad(month)}-01`;
}

/** The last day of the period, yyyy-mm-dd: stocks are taken on it, and the unit list in force on it is used. */
export function periodEnd(p: Period): string {
  const month = p.kind === 'year' ? 12 : p.kind === 'half' ? 6 : p.kind === 'nine' ? 9 : 3 * p.quarter!;
  return `${String(p.year).padStart(4, '0')}-${pad(month)}-${pad(lastDay(p.year, month))}`;
}

/**
 * The days a period covers under a cut-off whose periods start on `firstDay` (form-2026.md §7): 1 is the calendar
 * (01/01–31/12); 15 starts on the 15th of the month before the calendar start and ends on the 14th of its last month
 * (Năm 2026: 15/12/2025–14/12/2026).
 */
export function periodDates(p: Period, firstDay = 1): { from: string; to: string } {
  if (firstDay === 1) return { from: periodStart(p), to: periodEnd(p) };
  const [y, m] = periodStart(p).split('-').map(Number) as [number, number];
  const [ey, em] = periodEnd(p).split('-').map(Number) as [number, number];
  const before = m === 1 ? [y - 1, 12] : [y, m - 1];
  return { from: `${before[0]}-${pad(before[1]!)}-${pad(firstDay)}`, to: `${ey}-${pad(em)}-${pad(firstDay - 1)}` };
}

function romanOrDigit(s: string): number | null {
  const q = /^\d$/.test(s) ? Number(s) : ROMAN.indexOf(s.toUpperCase()) + 1;
  return q >= 1 && q <= 4 ? q : null;
}

/**
 * Reads `Kỳ báo cáo` as people write it: "Năm 2024", "2024", "6 tháng đầu năm 2024", "6 tháng 2024", "9 tháng (đầu)
 * năm 2026", "Quý III năm 2026", "Quý 3/2026", "quý iii 2026".
 */
export function parsePeriodLabel(raw: unknown): Period | null {
  const s = normalizeLabel(raw);
  let m = /^(?:năm\s*)?(\d{4})$/.exec(s);
  if (m) return yearPeriod(Number(m[1]));
  m = /^6\s*tháng(?:\s*đầu)?(?:\s*năm)?\s*(\d{4})$/.exec(s);
  if (m) return halfYearPeriod(Number(m[1]));
  m = /^9\s*tháng(?:\s*đầu)?(?:\s*năm)?\s*(\d{4})$/.exec(s);
  if (m) return nineMonthPeriod(Number(m[1]));
  m = /^quý\s*([ivx]+|\d)\s*(?:năm\s*|\/\s*|-\s*)?(\d{4})$/i.exec(s);
  const q = m ? romanOrDigit(m[1]!) : null;
  if (m && q) return quarterPeriod(Number(m[2]), q);
  return null;
}

/**
 * Reads `--period`: the ids printed in JSON ("2026", "2026-H1", "2026-M9", "2026-Q3"), the keys of form-2026.md §7
 * ("2026S1", "2026M9", "2026Q3"), or a Vietnamese label ("Quý III năm 2026").
 */
export function parsePeriodArg(raw: string): Period | null {
  const m = /^(\d{4})(?:-?(H1|S1|M9|Q[1-4]))?$/i.exec(raw.trim());
  if (m) {
    const year = Number(m[1]);
    const kind = m[2]?.toUpperCase();
    if (!kind) return yearPeriod(year);
    if (kind === 'H1' || kind === 'S1') return halfYearPeriod(year);
    if (kind === 'M9') return nineMonthPeriod(year);
    return quarterPeriod(year, Number(kind[1]));
  }
  return parsePeriodLabel(raw);
}
