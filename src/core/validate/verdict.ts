import type { Issue } from '../model.js';
import { isRuleId, ruleSpec } from '../rules/rules.js';
import { formatNumber } from '../util/number.js';

/**
 * The closing line of a check (validate's text, the page): whether the file can be sent, and what to do next.
 * `listed`: where the issues stand from this line (the CLI prints them above it, the page below it).
 */
export function verdictLine(
  c: { valid: boolean; errors: Issue[]; warnings: Issue[] },
  listed: 'above' | 'below',
): string {
  const there = listed === 'above' ? 'ở trên' : 'dưới đây';
  if (c.valid)
    return c.warnings.length
      ? `✔ Tệp hợp lệ. Xem lại ${formatNumber(c.warnings.length)} cảnh báo ${there} trước khi gửi.`
      : '✔ Tệp hợp lệ, có thể gửi.';
  // A file that could not be opened has nothing to correct in it: it is to be got again, or saved again as .xlsx.
  if (c.errors.length > 0 && c.errors.every(isWholeFileRefusal))
    return (
      'Tệp CHƯA hợp lệ: không đọc được tệp nên chưa kiểm tra được số liệu. ' +
      `Lấy lại tệp theo hướng dẫn ${there} (tải lại, xin gửi lại, hoặc mở tệp gốc bằng Excel/LibreOffice ` +
      'rồi lưu, xuất lại thành .xlsx), rồi kiểm tra lần nữa.'
    );
  return `Tệp CHƯA hợp lệ: sửa ${formatNumber(c.errors.length)} lỗi ${there}, lưu lại rồi kiểm tra lần nữa.`;
}

/** An error about the file as a whole (damaged, not .xlsx, unreadable…): the catalogue's rules of level `file`. */
function isWholeFileRefusal(issue: Issue): boolean {
  return isRuleId(issue.rule) && ruleSpec(issue.rule).level === 'file';
}
