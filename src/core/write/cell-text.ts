import { formatNumber } from '../util/number.js';

/** Characters one cell holds in Excel (UTF-16 code units): a longer text makes Excel repair the file, losing it. */
export const CELL_TEXT_LIMIT = 32_767;

/**
 * A text as one cell can hold it: whole when it fits, else cut, with a note at its end saying so and where the
 * whole text is (the summary's .json, written with it).
 */
export function fitCellText(text: string): string {
  if (text.length <= CELL_TEXT_LIMIT) return text;
  const note = `\n[Đã cắt bớt: văn bản dài ${formatNumber(text.length)} ký tự, quá giới hạn ${formatNumber(CELL_TEXT_LIMIT)} ký tự của một ô Excel; bản đầy đủ có trong tệp tổng hợp .json.]`;
  let end = CELL_TEXT_LIMIT - note.length - 1;
  // Never half of a character written as a surrogate pair.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…${note}`;
}
