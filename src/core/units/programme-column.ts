import { parseCsv } from '../util/csv.js';
import { UsageError } from '../errors.js';
import { normalizeLabel } from '../util/text.js';

/**
 * The column of a province's own unit list (CSV) that marks the communes of the Project 8 area (form-2026.md §6):
 * "x", "có" or "1" in the area, empty, "không" or "0" outside. The config's `programmeArea` for the period's year,
 * when given, wins over it.
 */
export const PROGRAMME_AREA_COLUMN = 'Địa bàn Dự án 8';

const YES = ['x', 'có', '1'];
const NO = ['', 'không', '0'];

/**
 * The codes the column marks, in list order; undefined when the list has no such column (or is not CSV: an XLSX
 * list is read by the unit-list reader, which keeps only its four columns). A value that is neither yes nor no is a
 * UsageError naming the row, never a guess.
 */
export function programmeAreaColumn(bytes: Uint8Array, file: string): string[] | undefined {
  if (/\.xlsx$/i.test(file)) return undefined;
  const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes));
  const norm = (header ?? []).map((h) => normalizeLabel(h));
  const at = norm.indexOf(normalizeLabel(PROGRAMME_AREA_COLUMN));
  const code = norm.findIndex((h) => h === 'mã' || h === 'code');
  if (at < 0 || code < 0) return undefined;
  const codes: string[] = [];
  rows.forEach((r, i) => {
    const v = normalizeLabel(r[at] ?? '');
    if (YES.includes(v)) codes.push((r[code] ?? '').trim());
    else if (!NO.includes(v))
      throw new UsageError(
        `danh mục "${file}", dòng ${i + 2}: cột "${PROGRAMME_AREA_COLUMN}" ghi "${(r[at] ?? '').trim()}"; ` +
          'ghi x (hoặc có, 1) cho xã thuộc địa bàn Dự án 8, để trống (hoặc không, 0) cho xã khác.',
      );
  });
  return codes;
}
