import { dataFiles } from '../data-files.js';
import { csvRecords } from '../util/csv.js';

/**
 * How a period's days are counted (form-2026.md §7): by calendar month, or from a day of the month before (config
 * `cutoff: "nd09"`: the NĐ 09/2019/NĐ-CP cut-off, from the 15th to the 14th). Data, in catalogue/cutoffs.csv: the
 * rule is [M] in the spec, so a province can change it without code. The period's label never changes.
 */
export interface Cutoff {
  id: string;
  /** The day of the month a period starts on: 1 (calendar), or 15 (from the 15th of the month before). */
  firstDay: number;
  /** "theo thời điểm chốt số liệu của Nghị định số 09/2019/NĐ-CP": said after the dates in the report. */
  name: string;
}

export const CUTOFFS_FILE = 'catalogue/cutoffs.csv';

/** Every cut-off rule the data lists. */
export function cutoffs(): Cutoff[] {
  return csvRecords(dataFiles().read(CUTOFFS_FILE).normalize('NFC')).map((r) => ({
    id: r.cutoff ?? '',
    firstDay: Number(r.first_day),
    name: r.name_vi ?? '',
  }));
}

/** The rule of a config's `cutoff`, or undefined when the data has none of that name. */
export function findCutoff(id: string): Cutoff | undefined {
  return cutoffs().find((c) => c.id === id && Number.isInteger(c.firstDay) && c.firstDay >= 1 && c.firstDay <= 28);
}
