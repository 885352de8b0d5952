import { SHEET } from '../form/layout.js';
import type { Issue } from '../model.js';
import { normalizeLabel } from '../util/text.js';

/**
 * Issues in the order a person meets them in the file, the one order every edge lists them in (validate's text and
 * JSON, the page, the copy with marked errors): the file as a whole first, then sheet by sheet in the form's
 * order (Thông tin, Số liệu, Thuyết minh, Hướng dẫn; any other sheet after them, in the order first met), then by
 * row, then by column. Issues at the same place keep the order they were found in.
 */
export function sortIssues(issues: readonly Issue[]): Issue[] {
  const formOrder: string[] = [SHEET.info, SHEET.data, SHEET.narrative, SHEET.guide].map(normalizeLabel);
  const others: string[] = [];
  const sheetRank = (sheet: string | undefined): number => {
    if (sheet === undefined) return -1;
    const label = normalizeLabel(sheet);
    const known = formOrder.indexOf(label);
    if (known >= 0) return known;
    if (!others.includes(label)) others.push(label);
    return formOrder.length + others.indexOf(label);
  };
  const keyed = issues.map((issue, found) => ({
    issue,
    found,
    sheet: sheetRank(issue.sheet),
    ...rowAndColumn(issue.cell),
  }));
  keyed.sort((a, b) => a.sheet - b.sheet || a.row - b.row || a.column - b.column || a.found - b.found);
  return keyed.map((k) => k.issue);
}

/** "F12" → row 12, column 6; a range ("E12:E13") by its first cell; no cell → before every cell of its sheet. */
function rowAndColumn(cell: string | undefined): { row: number; column: number } {
  const m = cell ? /^\$?([A-Z]{1,3})\$?(\d+)/i.exec(cell) : null;
  if (!m) return { row: 0, column: 0 };
  const column = [...m[1]!.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  return { row: Number(m[2]), column };
}
