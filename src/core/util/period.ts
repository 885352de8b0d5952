import type { Period } from '../model.js';
import { normalizeLabel } from './text.js';

export function yearPeriod(year: number): Period {
  return { id: String(year), year, kind: 'year', label: `Năm ${year}` };
}

export function halfYearPeriod(year: number): Period {
  return { id: `${year}-H1`, year, kind: 'half', label: `6 tháng đầu năm ${year}` };
}

/** Reads `Kỳ báo cáo` as people write it: "Năm 2024", "năm 2024", "2024", "6 tháng đầu năm 2024", "6 tháng 2024". */
export function parsePeriodLabel(raw: unknown): Period | null {
  const s = normalizeLabel(raw);
  let m = /^(?:năm\s*)?(\d{4})$/.exec(s);
  if (m) return yearPeriod(Number(m[1]));
  m = /^6\s*tháng(?:\s*đầu)?(?:\s*năm)?\s*(\d{4})$/.exec(s);
  if (m) return halfYearPeriod(Number(m[1]));
  return null;
}

/** Reads `--period`: "2024" or "2024-H1" (the ids printed in JSON), or a Vietnamese label. */
export function parsePeriodArg(raw: string): Period | null {
  const m = /^(\d{4})(-H1)?$/i.exec(raw.trim());
  if (m) return m[2] ? halfYearPeriod(Number(m[1])) : yearPeriod(Number(m[1]));
  return parsePeriodLabel(raw);
}
