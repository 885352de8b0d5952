import { loadCatalogue, measuresOf, type Catalogue, type Measure } from '../catalogue/catalogue.js';
import { conversionBetween } from '../catalogue/crosswalk.js';
import type { Narrative, NarrativeKey, Submission } from '../model.js';
import { readSubmissionSheets, type ReadResult } from '../read/submission.js';
import { address, type Scalar, type SheetCells } from '../read/xlsx.js';
import { asShown, formatNumber, parseNumberText } from '../util/number.js';
import { parsePeriodArg } from '../util/period.js';
import { checkRead, withEditionWarning, type CheckedFile, type CheckOptions } from '../validate/check-file.js';
import { BREAKDOWN_HEADING, HEADER_OF, INFO_FIELDS, NARRATIVE_LABELS, SHEET } from './layout.js';
import { formLines } from './lines.js';

/**
 * A report typed on the page's "Nhập số liệu" form: exactly what was typed, cell by cell (never a parsed number,
 * so "1.234" and an empty cell stay what they are). It is read by the core's own reader from the cells the
 * template has, and checked by the core's own rules: the page has no checks of its own.
 */
export interface EntryDraft {
  unit: { code: string; name: string };
  /** "2026", "2026-H1". */
  period: string;
  /** The form edition the figures are typed in (catalogue/editions.csv). */
  edition: string;
  figures: Record<string, Partial<Record<Measure, string>>>;
  notes: Record<string, string>;
  info: Partial<Record<EntryInfoKey, string>>;
  narrative: Narrative;
}

/** The Thông tin fields the person types (the others come from the choice of unit, period and edition). */
export const ENTRY_INFO = ['preparedBy', 'phone', 'preparedOn', 'head'] as const;
export type EntryInfoKey = (typeof ENTRY_INFO)[number];

/** Where a figure sits in the template (submission-workbook.ts): the same rows and columns as `bdg template`. */
export interface EntryLayout {
  headerRow: number;
  firstDataRow: number;
  /** Column number of each template column. */
  col: Record<'code' | 'note' | Measure, number>;
  rowOf: Map<string, number>;
  /** Row in Thông tin of each field the form writes. */
  infoRow: Map<string, number>;
}

const HEADER_ROW = 4;
const INFO_ROWS = INFO_FIELDS.filter((f) => !f.summaryOnly);
const layouts = new Map<string, EntryLayout>();

export function entryLayout(catalogue: Catalogue): EntryLayout {
  const known = layouts.get(catalogue.version);
  if (known) return known;
  const first = HEADER_ROW + 2;
  const rowOf = new Map<string, number>();
  formLines(catalogue).forEach((l, i) => l.kind === 'indicator' && rowOf.set(l.ind.code, first + i));
  const layout: EntryLayout = {
    headerRow: HEADER_ROW,
    firstDataRow: first,
    col: { code: 2, total: 5, nu: 6, dtts: 7, note: 8 },
    rowOf,
    infoRow: new Map(INFO_ROWS.map((f, i) => [f.key, i + 1])),
  };
  layouts.set(catalogue.version, layout);
  return layout;
}

/** The sheet and cell of a figure, as messages name them ("Số liệu", "E12"). */
export function figureCell(layout: EntryLayout, code: string, m: Measure): string {
  return address(layout.rowOf.get(code)!, layout.col[m]);
}

export function infoCell(layout: EntryLayout, key: string): string {
  return address(layout.infoRow.get(key)!, 2);
}

export function emptyDraft(unit: { code: string; name: string }, period: string, edition: string): EntryDraft {
  return { unit, period, edition, figures: {}, notes: {}, info: {}, narrative: {} };
}

const text = (t: string | undefined): Scalar | undefined => (t && t.trim() ? { kind: 'text', text: t } : undefined);

function sheet(
  name: string,
  cells: readonly (readonly [row: number, col: number, value: Scalar | undefined])[],
): SheetCells {
  const rows = new Map<number, Map<number, Scalar>>();
  for (const [r, c, v] of cells) if (v) (rows.get(r) ?? rows.set(r, new Map()).get(r)!).set(c, v);
  return { name, rows, merges: [] };
}

/** The three sheets the template would hold with these words typed in its cells. */
export function draftSheets(draft: EntryDraft, catalogue: Catalogue) {
  const layout = entryLayout(catalogue);
  const period = parsePeriodArg(draft.period);
  const given: Record<string, string | undefined> = {
    unitCode: draft.unit.code,
    unitName: draft.unit.name,
    period: period?.label ?? draft.period,
    version: catalogue.version,
    ...draft.info,
  };
  const infoCells = INFO_ROWS.flatMap(
    (f, i) =>
      [
        [i + 1, 1, text(f.label)],
        [i + 1, 2, text(given[f.key])],
      ] as const,
  );
  const info = sheet(SHEET.info, infoCells);
  const h = layout.headerRow;
  const data: [number, number, Scalar | undefined][] = [
    [h, layout.col.code, text(HEADER_OF.code)],
    [h, layout.col.total, text(HEADER_OF.total)],
    [h, layout.col.nu, text(BREAKDOWN_HEADING)],
    [h + 1, layout.col.nu, text(HEADER_OF.nu)],
    [h + 1, layout.col.dtts, text(HEADER_OF.dtts)],
    [h, layout.col.note, text(HEADER_OF.note)],
  ];
  for (const ind of catalogue.indicators) {
    const r = layout.rowOf.get(ind.code)!;
    data.push([r, layout.col.code, text(ind.code)], [r, layout.col.note, text(draft.notes[ind.code])]);
    for (const m of ['total', 'nu', 'dtts'] as const) data.push([r, layout.col[m], text(draft.figures[ind.code]?.[m])]);
  }
  const narrative = sheet(
    SHEET.narrative,
    Object.entries(NARRATIVE_LABELS).flatMap(
      ([k, label], i) =>
        [
          [i + 1, 1, text(label)],
          [i + 1, 2, text(draft.narrative[k as NarrativeKey])],
        ] as const,
    ),
  );
  return { info, data: sheet(SHEET.data, data), narrative };
}

/** The draft as the reader reads it. */
export function readDraft(draft: EntryDraft, catalogue: Catalogue, file: string): ReadResult {
  return readSubmissionSheets(draftSheets(draft, catalogue), file);
}

/** What `bdg validate` would say of the saved file: the reader's findings, every rule, the edition warning. */
export function checkDraft(
  draft: EntryDraft,
  catalogue: Catalogue,
  file: string,
  options: CheckOptions = {},
): CheckedFile {
  return withEditionWarning(checkRead(readDraft(draft, catalogue, file), file, options));
}

/** A figure as the form shows it: Vietnamese style, every digit kept ("1.643,5"; never rounded). */
export function showNumber(v: number): string {
  return formatNumber(asShown(v), 15);
}

/** What was typed, tidied the Vietnamese way once it reads as a number ("1234" → "1.234"); anything else as typed. */
export function tidyTyped(typed: string): string {
  const parsed = parseNumberText(typed);
  if (parsed.kind === 'number') return showNumber(parsed.value);
  return parsed.kind === 'empty' ? '' : typed.trim();
}

/** A figure cell of a read file, as it would be typed: its text when it was text, else its number shown. */
function typedOf(cell: { value: number | null; text?: string } | undefined): string | undefined {
  if (!cell) return undefined;
  if (cell.text !== undefined) return cell.text;
  return cell.value === null ? undefined : showNumber(cell.value);
}

export interface OpenedDraft {
  draft: EntryDraft;
  /** Codes of the file's edition holding figures that the form's edition has no place for (crosswalk). */
  notCarried: string[];
  /** When the file's edition is not the form's: the edition it was converted from. */
  convertedFrom?: string;
}

/**
 * A read submission (from Excel, LibreOffice, WPS, a copy sent back marked) as a draft of `edition`. A file of
 * another edition goes through the crosswalk: carried codes keep what was typed, and the codes that held figures
 * with nowhere to go are named, never silently dropped.
 */
export function draftOfSubmission(
  sub: Submission,
  from: Catalogue,
  edition: string,
  unit: EntryDraft['unit'],
  period: string,
): OpenedDraft | null {
  const carried = new Map<string, string>();
  let notCarried: string[] = [];
  if (from.version === edition) for (const ind of from.indicators) carried.set(ind.code, ind.code);
  else {
    const conversion = conversionBetween(from.version, edition);
    if (!conversion) return null;
    for (const [a, b] of conversion.carried) carried.set(a, b);
    notCarried = [...conversion.dropped.keys()].filter((code) => {
      const row = sub.rows.get(code);
      return row && Object.values(row.cells).some((c) => c && (c.value !== null || c.text));
    });
  }
  const target = loadCatalogue(edition);
  const draft = emptyDraft(unit, period, edition);
  for (const [code, to] of carried) {
    const row = sub.rows.get(code);
    const ind = target.byCode.get(to);
    if (!row || !ind) continue;
    const typed: Partial<Record<Measure, string>> = {};
    for (const m of measuresOf(ind)) {
      const t = typedOf(row.cells[m]);
      if (t !== undefined) typed[m] = t;
    }
    if (Object.keys(typed).length) draft.figures[to] = typed;
    if (row.note) draft.notes[to] = row.note;
  }
  const i = sub.info;
  const day = i.preparedOn && /^(\d{4})-(\d{2})-(\d{2})$/.exec(i.preparedOn);
  draft.info = {
    ...(i.preparedBy ? { preparedBy: i.preparedBy } : {}),
    ...(i.phone ? { phone: i.phone } : {}),
    ...(day ? { preparedOn: `${day[3]}/${day[2]}/${day[1]}` } : {}),
    ...(i.head ? { head: i.head } : {}),
  };
  draft.narrative = { ...sub.narrative };
  return { draft, notCarried, ...(from.version === edition ? {} : { convertedFrom: from.version }) };
}
