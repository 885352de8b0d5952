import type { Rollup } from '../../model.js';
import { formatNumber } from '../../util/number.js';

/**
 * Words an edition's wording (bao-cao.txt) can call that the 2024 form had no use for; each returns null when the
 * roll-up has nothing to say (the sentence is then left out, as for an empty figure).
 */

/** `{programmeArea}`: the base of the programme's figures (form-2026.md §6), and whether the config gave it. */
export function programmeAreaPhrase(rollup: Rollup): string | null {
  const area = rollup.programmeArea;
  if (!area) return null;
  const n = formatNumber(area.communes);
  return area.source === 'config'
    ? `Số liệu Dự án 8 được tổng hợp trên ${n} đơn vị cấp xã thuộc địa bàn Dự án 8 (theo danh sách địa bàn trong cấu hình)`
    : `Chưa có danh sách địa bàn Dự án 8 trong cấu hình, nên số liệu Dự án 8 được tổng hợp trên ${n} đơn vị cấp xã đã có số liệu Dự án 8; các đơn vị khác không được tính là chưa báo cáo`;
}
