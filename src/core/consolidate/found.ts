import type { CheckedFile } from '../validate/check-file.js';
import type { FilePath, Found } from './consolidate.js';

const WRONG_FORMATS: Record<string, string> = {
  '.xls': 'Excel 97-2003 (.xls)',
  '.ods': 'OpenDocument (.ods)',
  '.xlsb': 'Excel nhị phân (.xlsb)',
  '.numbers': 'Apple Numbers',
  '.et': 'WPS Spreadsheets (.et)',
};

/**
 * Sorts one file found among the submissions by its name: a workbook to read, a spreadsheet in a format bdg
 * cannot read, or a file to pass over with the reason. `rel` is its path relative to the chosen folder ("/"-separated).
 */
export function classifyFound(path: FilePath, rel: string): Found {
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot).toLowerCase() : '';
  if (name.startsWith('~$'))
    return { kind: 'ignored', path, rel, reason: 'tệp khóa tạm của Office (~$), không phải báo cáo' };
  if (ext === '.xlsx' || ext === '.xlsm') return { kind: 'candidate', path, rel, digest: null };
  if (WRONG_FORMATS[ext]) return { kind: 'wrong-format', path, rel, format: WRONG_FORMATS[ext] };
  return { kind: 'ignored', path, rel, reason: `không phải tệp .xlsx (${ext || 'không có phần mở rộng'})` };
}

/** Why a hidden file or folder (name starting with ".") is passed over. */
export const HIDDEN_REASON = 'tệp/thư mục ẩn';

/**
 * Keeps of a read file only what consolidation uses: the figures, who/when, the words. The cell-by-cell
 * rows go, so memory stays flat in the number of files (and little crosses from a reading thread).
 */
export function slimChecked(c: CheckedFile): CheckedFile {
  if (!c.submission) return c;
  const { info, infoRefs, narrative, file } = c.submission;
  return { ...c, catalogue: null, submission: { file, info, infoRefs, narrative, rows: new Map() } };
}
