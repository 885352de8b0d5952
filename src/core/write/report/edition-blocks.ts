import type { Rollup } from '../../model.js';
import { formatNumber } from '../../util/number.js';
import { PROGRAMME_AREA_COLUMN } from '../../units/programme-column.js';

/**
 * Words an edition's wording (bao-cao.txt) can call that the 2024 form had no use for; each returns null when the
 * roll-up has nothing to say (the sentence is then left out, as for an empty figure).
 */

/** `{programmeArea}`: the base of the programme's figures (form-2026.md §6), and whether the config gave it. */
export function programmeAreaPhrase(rollup: Rollup): string | null {
  const area = rollup.programmeArea;
  if (!area) return null;
  const n = formatNumber(area.communes);
  const listed =
    area.source === 'config'
      ? 'theo danh sách địa bàn trong cấu hình'
      : `theo cột "${PROGRAMME_AREA_COLUMN}" của danh mục đơn vị`;
  return area.source !== 'filled'
    ? `Số liệu Dự án 8 được tổng hợp trên ${n} đơn vị cấp xã thuộc địa bàn Dự án 8 (${listed})` +
        outsideClause(area.outside ?? [])
    : 'Chưa có danh sách địa bàn Dự án 8 trong cấu hình, nên số liệu Dự án 8 được tổng hợp trên ' +
        `${n} đơn vị cấp xã đã có số liệu Dự án 8; các đơn vị khác không được tính là chưa báo cáo`;
}

/**
 * The communes outside the area that reported the programme's figures: named with what they gave, and said not to be
 * added (form-2026.md §6: the totals and ratios are the area's).
 */
function outsideClause(outside: NonNullable<NonNullable<Rollup['programmeArea']>['outside']>): string {
  if (!outside.length) return '';
  const shown = outside.slice(0, 5).map((u) => {
    const figures = Object.entries(u.figures).map(([code, v]) => `${code}: ${formatNumber(v)}`);
    return `${u.name} (${figures.join('; ')})`;
  });
  const more = outside.length > 5 ? ` và ${formatNumber(outside.length - 5)} đơn vị khác` : '';
  const who = `${formatNumber(outside.length)} đơn vị cấp xã ngoài địa bàn đã gửi (${shown.join(', ')}${more})`;
  return `; số liệu Dự án 8 của ${who} không được cộng vào các số liệu trên`;
}

/**
 * The province's own submission in the reception sentence (form-2026.md §5): it is not a commune, so it is taken out
 * of "x/y xã, phường" and said on its own; null before 2026 (no own submission in the edition).
 */
export function provinceOwnReception(rollup: Rollup): { received: number; expected: number; clause: string } | null {
  const own = rollup.provinceOwn;
  if (!own) return null;
  const agencies = own.map((o) => o.agency).filter((a): a is string => !!a);
  const clause = own.length
    ? ` và của các cơ quan, đơn vị cấp tỉnh${agencies.length ? ` (${agencies.join(', ')})` : ''}`
    : '; chưa có báo cáo của các cơ quan, đơn vị cấp tỉnh';
  return { received: own.length ? 1 : 0, expected: 1, clause };
}
