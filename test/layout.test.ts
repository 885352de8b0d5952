import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../src/core/catalogue/catalogue.js';
import {
  BREAKDOWN_HEADING,
  COLUMNS,
  columnOfHeader,
  INFO_FIELDS,
  infoFieldOfLabel,
  NARRATIVE_LABELS,
  narrativeKeyOfLabel,
  SHEET,
} from '../src/core/form/layout.js';
import { readSubmissionBytes } from '../src/core/read/submission.js';
import { openXlsx, scalarText, type SheetCells } from '../src/core/read/xlsx.js';
import { parsePeriodArg } from '../src/core/util/period.js';
import { normalizeLabel } from '../src/core/util/text.js';
import { buildSubmissionWorkbook, submissionLayout } from '../src/core/write/submission-workbook.js';

/** The template writer and the reader take the form's words from one module: this holds both to it. */
async function template() {
  const catalogue = loadCatalogue('BDG-2024.1');
  const wb = buildSubmissionWorkbook({
    catalogue,
    unit: { code: '655', name: 'Huyện Krông A Na' },
    period: parsePeriodArg('2024')!,
  });
  return { catalogue, bytes: new Uint8Array(await wb.xlsx.writeBuffer()) };
}

const column = (cells: SheetCells, col: number) =>
  [...cells.rows.keys()]
    .sort((a, b) => a - b)
    .map((r) => scalarText(cells.rows.get(r)!.get(col) ?? { kind: 'empty' }))
    .filter(Boolean);

describe('one form layout for template and reader', () => {
  it('the template writes the sheet names, labels and headers of the layout module', async () => {
    const { catalogue, bytes } = await template();
    const opened = openXlsx(bytes);
    if (!opened.ok) throw new Error(opened.issue.message);
    const book = opened.book;
    expect(book.sheets.map((s) => s.name)).toEqual([SHEET.info, SHEET.data, SHEET.narrative, SHEET.guide]);

    const info = book.readSheet(book.sheets[0]!);
    // A unit's form has the unit's rows; the summary-only ones (coverage, run) are written by consolidate alone.
    expect(column(info, 1)).toEqual(INFO_FIELDS.filter((f) => !f.summaryOnly && !f.ownOnly).map((f) => f.label));
    const narrative = book.readSheet(book.sheets[2]!);
    expect(column(narrative, 1)).toEqual(Object.values(NARRATIVE_LABELS));

    const data = book.readSheet(book.sheets[1]!);
    const { headerRow, columns } = submissionLayout(catalogue);
    const at = (ref: string) => {
      const [, letters, row] = /^([A-Z]+)(\d+)$/.exec(ref)!;
      return scalarText(data.rows.get(Number(row))?.get(letters!.charCodeAt(0) - 64) ?? { kind: 'empty' });
    };
    for (const c of COLUMNS) {
      const written =
        c.key === 'nu' || c.key === 'dtts'
          ? at(`${columns[c.key]}${headerRow + 1}`)
          : at(`${columns[c.key]}${headerRow}`);
      expect(written, c.key).toBe(c.header);
    }
    expect(at(`${columns.nu}${headerRow}`)).toBe(BREAKDOWN_HEADING);
  });

  it('the reader recognises every header, alias and label of the module, and reads the blank template cleanly', async () => {
    for (const c of COLUMNS)
      for (const text of [c.header, ...c.aliases, `  ${c.header.toUpperCase()} `])
        if (['code', 'total', 'nu', 'dtts', 'note'].includes(c.key)) expect(columnOfHeader(text), text).toBe(c.key);
        else expect(columnOfHeader(text), text).toBeUndefined();
    for (const f of INFO_FIELDS) expect(infoFieldOfLabel(`${f.label}:`)?.key).toBe(f.key);
    for (const [key, label] of Object.entries(NARRATIVE_LABELS))
      expect(narrativeKeyOfLabel(label.toUpperCase())).toBe(key);

    const { bytes } = await template();
    const read = await readSubmissionBytes(bytes, 'bieu-mau.xlsx');
    // Clean but for the Ngày lập a unit writes when it sends the form (validate adds no-figures: nothing is filled in).
    expect(read.issues.map((i) => `${i.rule}@${i.sheet}!${i.cell}`)).toEqual(['date-missing@Thông tin!B7']);
    expect(read.submission!.info.unitCode).toBe('655');
    expect(read.submission!.rows.size).toBe(loadCatalogue('BDG-2024.1').indicators.length);
  });
});

describe('label folding', () => {
  it('plain lower case is Vietnamese lower case for every character (normalizeLabel relies on it)', () => {
    const differ: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      if (ch.toLowerCase() !== ch.toLocaleLowerCase('vi')) differ.push(ch);
    }
    expect(differ).toEqual([]);
    expect(normalizeLabel('  SỐ\u00a0LIỆU  ')).toBe('số liệu');
  });
});
