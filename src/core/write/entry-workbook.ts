import type ExcelJS from 'exceljs';
import { measuresOf, type Catalogue } from '../catalogue/catalogue.js';
import { entryLayout, readDraft, type EntryDraft } from '../form/entry.js';
import { address } from '../read/xlsx.js';
import type { Figures } from '../model.js';
import { parsePeriodArg } from '../util/period.js';
import { buildSubmissionWorkbook } from './submission-workbook.js';

/**
 * The template (`bdg template`'s workbook, the same writer) with a draft's figures filled: a figure read as a
 * number is written as that number; anything typed that is not one is written as the text typed, so that
 * `bdg validate` finds in the file what the page found in the form. Empty stays empty, never 0.
 */
export function draftWorkbook(draft: EntryDraft, catalogue: Catalogue): ExcelJS.Workbook {
  const read = readDraft(draft, catalogue, 'nhap');
  const period = parsePeriodArg(draft.period);
  if (!period) throw new Error(`kỳ báo cáo không hợp lệ: ${draft.period}`);
  const figures: Figures = {};
  const texts: [string, string][] = [];
  const layout = entryLayout(catalogue);
  for (const ind of catalogue.indicators) {
    const row = read.submission?.rows.get(ind.code);
    figures[ind.code] = {};
    for (const m of ['total', 'nu', 'dtts'] as const) {
      const cell = row?.cells[m];
      const applies = measuresOf(ind).includes(m);
      if (cell && cell.value !== null && applies) figures[ind.code]![m] = cell.value;
      else if (draft.figures[ind.code]?.[m]?.trim() && (cell?.invalid || !applies))
        texts.push([address(layout.rowOf.get(ind.code)!, layout.col[m]), draft.figures[ind.code]![m]!.trim()]);
    }
  }
  const iso = read.submission?.info.preparedOn;
  const info = {
    ...(draft.info.preparedBy?.trim() ? { preparedBy: draft.info.preparedBy.trim() } : {}),
    ...(draft.info.phone?.trim() ? { phone: draft.info.phone.trim() } : {}),
    ...(draft.info.head?.trim() ? { head: draft.info.head.trim() } : {}),
    ...(iso ? { preparedOn: new Date(`${iso}T00:00:00Z`) } : {}),
  };
  const notes = Object.fromEntries(Object.entries(draft.notes).filter(([, t]) => t.trim()));
  const { unit, narrative } = draft;
  const wb = buildSubmissionWorkbook({ catalogue, unit, period, figures, notes, narrative, info });
  const data = wb.getWorksheet('Số liệu')!;
  for (const [at, t] of texts) data.getCell(at).value = t;
  // A date typed that is not one stays as typed, for the reader to say so.
  const typedDate = draft.info.preparedOn?.trim();
  if (typedDate && !iso)
    wb.getWorksheet('Thông tin')!.getCell(`B${layout.infoRow.get('preparedOn')}`).value = typedDate;
  return wb;
}
