import type { Catalogue, Nq28Row } from '../../catalogue/catalogue.js';
import type { RatioValue, Rollup } from '../../model.js';
import { formatNumber } from '../../util/number.js';
import { periodPhrase, percent, type Block } from './wording.js';

/**
 * `@bang nq28`: every indicator of the Nghị quyết 28 table of the edition (targets-nq28.csv), with its 2025
 * milestone and 2030 target, the result where the form collects it, and the status words of form-2026.md §10.
 */
export function nq28Table(catalogue: Catalogue, rollup: Rollup): Block {
  const rows = catalogue.nq28.map((row) => {
    const r = row.ratio ? rollup.ratios.find((x) => x.id === row.ratio) : undefined;
    const target = (year: number) => row.targets.find((t) => t.year === year)?.value;
    const shown = (v: number | undefined) =>
      v === undefined
        ? 'Chưa xác định'
        : `${row.direction === '<' ? '< ' : ''}${formatNumber(v, 1)}${row.unit === '%' ? '%' : ''}`;
    return [String(row.no), row.name, result(row, r), shown(target(2025)), shown(target(2030)), status(row, r)];
  });
  return {
    kind: 'table',
    table: {
      columns: [
        { title: 'STT', width: 7, align: 'center' },
        { title: 'Chỉ tiêu', width: 36, align: 'left' },
        { title: `Kết quả ${periodPhrase(rollup.periodLabel)}`, width: 15, align: 'center' },
        { title: 'Mốc năm 2025', width: 11, align: 'center' },
        { title: 'Mục tiêu năm 2030', width: 11, align: 'center' },
        { title: 'Đánh giá', width: 20, align: 'center' },
      ],
      rows,
    },
  };
}

/** The result in the row's unit: a share in percent, or a ratio ×100 (tỷ số giới tính khi sinh). */
function valueOf(row: Nq28Row, r: RatioValue): number {
  return row.unit === '%' ? r.value! * 100 : row.unit === '' ? r.value! * 100 : r.value!;
}

function result(row: Nq28Row, r: RatioValue | undefined): string {
  if (!row.ratio) return '-';
  if (!r || r.value === null) return r?.denominator === 0 ? 'Không phát sinh' : '-';
  const counts = `(${formatNumber(r.numerator!)}/${formatNumber(r.denominator!)})`;
  return row.unit === '%' ? `${percent(r.value)} ${counts}` : formatNumber(valueOf(row, r), 1);
}

/** "Đã đạt mục tiêu 2030", "Đạt mốc 2025, chưa đạt mục tiêu 2030", "Chưa đạt mốc 2025" (form-2026.md §10). */
function status(row: Nq28Row, r: RatioValue | undefined): string {
  if (!row.ratio) return `Chưa có số liệu: nguồn ${row.source}`;
  if (!r || r.value === null) return r?.denominator === 0 ? 'Không phát sinh' : 'Chưa có số liệu';
  const v = valueOf(row, r);
  const meets = (t: number) => (row.direction === '<=' ? v <= t + 1e-9 : row.direction === '<' ? v < t : v >= t - 1e-9);
  const [t2025, t2030] = [2025, 2030].map((y) => row.targets.find((t) => t.year === y)?.value);
  if (t2030 === undefined && t2025 === undefined) return 'Chưa xác định mục tiêu';
  if (t2030 !== undefined && meets(t2030)) return 'Đã đạt mục tiêu 2030';
  if (t2025 !== undefined && meets(t2025)) return 'Đạt mốc 2025, chưa đạt mục tiêu 2030';
  return t2025 !== undefined ? 'Chưa đạt mốc 2025' : 'Chưa đạt mục tiêu 2030';
}
