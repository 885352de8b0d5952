import { describe, expect, it } from 'vitest';
import type { Measure } from '../src/core/catalogue/catalogue.js';
import type { Figures } from '../src/core/model.js';
import { readSubmissionBytes, type ReadResult } from '../src/core/read/submission.js';
import { districtFigures } from './helpers/figures.js';
import {
  cellOf,
  figuresSheetXml,
  infoSheetXml,
  inlineCell,
  rawWorkbook,
  renameEntry,
  rowOf,
  utf16le,
  type RawSheet,
} from './helpers/raw-xlsx.js';

/** Every figure read, as plain numbers (null: empty cell). */
function figuresRead(read: ReadResult): Figures {
  const out: Figures = {};
  for (const [code, row] of read.submission!.rows) {
    out[code] = {};
    for (const [m, cell] of Object.entries(row.cells) as [Measure, { value: number | null }][])
      out[code]![m] = cell.value;
  }
  return out;
}

/** districtFigures() with every cell of the table: a breakdown the indicator lacks reads as an empty cell. */
function expectedFigures(): Figures {
  const out: Figures = {};
  for (const [code, f] of Object.entries(districtFigures()))
    out[code] = { total: f.total ?? null, nu: f.nu ?? null, dtts: f.dtts ?? null };
  return out;
}

const read = (bytes: Uint8Array) => readSubmissionBytes(bytes, 'tep.xlsx');
const rulesAt = (r: ReadResult) => r.issues.map((i) => `${i.rule}@${i.cell ?? ''}`);
const sheets = (data: string, extra: RawSheet[] = []): RawSheet[] => [
  { name: 'Thông tin', xml: infoSheetXml() },
  { name: 'Số liệu', xml: data },
  ...extra,
];

describe('what the standard allows is read exactly', () => {
  it('a workbook written by hand, byte by byte', async () => {
    const r = await read(rawWorkbook());
    expect(r.issues).toEqual([]);
    expect(figuresRead(r)).toEqual(expectedFigures());
    expect(r.submission!.info.unitCode).toBe('655');
    expect(r.submission!.rows.get('DA8.05')!.cells.nu!.ref).toEqual({ sheet: 'Số liệu', cell: cellOf('DA8.05', 'nu') });
  });

  it('rows and cells without r (positional)', async () => {
    const r = await read(rawWorkbook({ sheets: sheets(figuresSheetXml({ positional: true })) }));
    expect(r.issues).toEqual([]);
    expect(figuresRead(r)).toEqual(expectedFigures());
    expect(r.submission!.rows.get('BDG.06')!.cells.dtts!.ref.cell).toBe(cellOf('BDG.06', 'dtts'));
  });

  it('parts encoded in UTF-16 with a byte-order mark', async () => {
    const data = figuresSheetXml().replace('encoding="UTF-8"', 'encoding="UTF-16"');
    const info = infoSheetXml().replace('encoding="UTF-8"', 'encoding="UTF-16"');
    const r = await read(
      rawWorkbook({ parts: { 'xl/worksheets/sheet1.xml': utf16le(info), 'xl/worksheets/sheet2.xml': utf16le(data) } }),
    );
    expect(r.issues).toEqual([]);
    expect(r.submission!.info.unitName).toBe('Huyện Krông A Na');
    expect(figuresRead(r)).toEqual(expectedFigures());
  });

  it('shared strings with rich-text runs, inline strings, cached formula results of every type', async () => {
    const sst = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>2.1</t></si><si><r><rPr><b/></rPr><t>2.</t></r><r><t xml:space="preserve">150</t></r><rPh sb="0" eb="1"><t>x</t></rPh></si></sst>`;
    const r = await read(
      rawWorkbook({
        sheets: sheets(
          figuresSheetXml({
            raw: {
              'DA8.05': `<c r="${cellOf('DA8.05')}" t="s"><v>1</v></c>`, // "2." + "150" in two runs: 2.150
              'DA8.06': `<c r="${cellOf('DA8.06')}"><f>3000+400</f><v>3400</v></c>`,
              'DA8.07': `<c r="${cellOf('DA8.07')}" t="str"><f>TEXT(8,"0")</f><v>8</v></c>`,
              'DA8.01': `<c r="${cellOf('DA8.01')}" t="inlineStr"><is><r><t>1</t></r><r><t>2</t></r></is></c>`,
              'DA8.02': `<c r="${cellOf('DA8.02')}"><f>2+2</f><v>4</v></c>`,
            },
          }),
        ),
        parts: { 'xl/sharedStrings.xml': sst },
      }),
    );
    expect(r.issues).toEqual([]);
    expect(figuresRead(r)).toEqual(expectedFigures());
  });

  it('the 1904 date system: Ngày lập typed as a date serial in a date format', async () => {
    const styles = `<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>`;
    const info = infoSheetXml().replace(
      /<row r="5">.*?<\/row>/,
      `<row r="5">${inlineCell('A5', 'Ngày lập')}<c r="B5" s="1"><v>44179</v></c></row>`,
    );
    const r = await read(
      rawWorkbook({
        date1904: true,
        sheets: [
          { name: 'Thông tin', xml: info },
          { name: 'Số liệu', xml: figuresSheetXml() },
        ],
        parts: { 'xl/styles.xml': styles },
      }),
    );
    expect(r.issues).toEqual([]);
    expect(r.submission!.info.preparedOn).toBe('2024-12-15'); // 44179 + 1462 days from 1900
  });
});

describe('exact or refused: each figure that cannot be read exactly is named', () => {
  it('a numeric cell stored as "298,7" (a locale-broken exporter) is refused, never read as 298', async () => {
    const r = await read(
      rawWorkbook({
        sheets: sheets(figuresSheetXml({ raw: { 'DA8.05': `<c r="${cellOf('DA8.05')}"><v>298,7</v></c>` } })),
      }),
    );
    expect(rulesAt(r)).toEqual([`value-not-xml-number@${cellOf('DA8.05')}`]);
    expect(r.issues[0]!.message).toContain('"298,7"');
    expect(r.issues[0]!.indicator).toBe('DA8.05');
    expect(r.submission!.rows.get('DA8.05')!.cells.total!.value).toBeNull();
  });

  it('errors, booleans, dates and formulas with no result in figure cells', async () => {
    const styles = `<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>`;
    const r = await read(
      rawWorkbook({
        sheets: sheets(
          figuresSheetXml({
            raw: {
              'DA8.01': `<c r="${cellOf('DA8.01')}" t="e"><f>1/0</f><v>#DIV/0!</v></c>`,
              'DA8.02': `<c r="${cellOf('DA8.02')}" t="b"><v>1</v></c>`,
              'DA8.04': `<c r="${cellOf('DA8.04')}" s="1"><v>45</v></c>`, // a count in a date format
              'DA8.06': `<c r="${cellOf('DA8.06')}" t="d"><v>2024-05-01T00:00:00</v></c>`,
              'DA8.07': `<c r="${cellOf('DA8.07')}"><f>SUM(X1:X9)</f></c>`,
            },
          }),
        ),
        parts: { 'xl/styles.xml': styles },
      }),
    );
    expect(rulesAt(r)).toEqual([
      `value-error@${cellOf('DA8.01')}`,
      `value-not-number@${cellOf('DA8.02')}`,
      `value-not-number@${cellOf('DA8.04')}`,
      `value-not-number@${cellOf('DA8.06')}`,
      `formula-no-result@${cellOf('DA8.07')}`,
    ]);
    expect(r.issues[2]!.message).toContain('định dạng ngày tháng (14/02/1900)');
    expect(r.issues[3]!.message).toContain('(01/05/2024)');
    expect(r.issues[4]!.message).toContain('=SUM(X1:X9)');
  });

  it('a merge over the totals of two indicators is refused, naming the range', async () => {
    const range = `E${rowOf('DA8.05')}:E${rowOf('DA8.06')}`;
    const r = await read(
      rawWorkbook({
        sheets: sheets(figuresSheetXml({ after: `<mergeCells count="1"><mergeCell ref="${range}"/></mergeCells>` })),
      }),
    );
    expect(rulesAt(r)).toEqual([`merged-figure-cell@${range}`]);
    expect(r.issues[0]!.message).toContain(`Vùng ô ${range}`);
    expect(r.issues[0]!.message).toContain('chỉ tiêu DA8.05 (cột Tổng số) và chỉ tiêu DA8.06 (cột Tổng số)');
    expect(r.issues[0]!.message).toContain('Unmerge');
  });

  it('a merge over Nữ and DTTS is refused (it would copy the women into the minority column)', async () => {
    const range = `F${rowOf('DA8.05')}:G${rowOf('DA8.05')}`;
    const r = await read(
      rawWorkbook({
        sheets: sheets(figuresSheetXml({ after: `<mergeCells count="1"><mergeCell ref="${range}"/></mergeCells>` })),
      }),
    );
    expect(rulesAt(r)).toEqual([`merged-figure-cell@${range}`]);
    expect(r.issues[0]!.indicator).toBe('DA8.05');
    expect(r.issues[0]!.message).toContain('chỉ tiêu DA8.05 (cột Nữ, DTTS)');
  });

  it('merges that touch no figure cell (a title, a heading) are fine', async () => {
    const r = await read(
      rawWorkbook({
        sheets: sheets(
          figuresSheetXml({
            after: `<mergeCells count="2"><mergeCell ref="A200:H200"/><mergeCell ref="C2:D2"/></mergeCells>`,
          }),
        ),
      }),
    );
    expect(r.issues).toEqual([]);
  });

  it('two zip entries of one name are refused (file-unsafe)', async () => {
    const zip = rawWorkbook({ parts: { 'xl/worksheets/sheet9.xml': figuresSheetXml({ figures: {} }) } });
    const twice = renameEntry(zip, 'xl/worksheets/sheet9.xml', 'xl/worksheets/sheet2.xml');
    const r = await read(twice);
    expect(rulesAt(r)).toEqual(['file-unsafe@']);
    expect(r.issues[0]!.message).toContain('hai thành phần cùng tên "xl/worksheets/sheet2.xml"');
  });

  it('a very hidden "Số liệu" before the visible one: refused as ambiguous, never summed', async () => {
    const hidden = { name: 'SỐ LIỆU ', state: 'veryHidden' as const, xml: figuresSheetXml({ figures: {} }) };
    const r = await read(
      rawWorkbook({
        sheets: [{ name: 'Thông tin', xml: infoSheetXml() }, hidden, { name: 'Số liệu', xml: figuresSheetXml() }],
      }),
    );
    expect(rulesAt(r)).toEqual(['sheet-ambiguous@']);
    expect(r.issues[0]!.message).toContain('"SỐ LIỆU " (đang ẩn), "Số liệu"');
    expect(r.submission).toBeNull();
  });

  it('a required sheet that exists only hidden is refused', async () => {
    const r = await read(
      rawWorkbook({
        sheets: [
          { name: 'Thông tin', xml: infoSheetXml() },
          { name: 'Số liệu', state: 'hidden', xml: figuresSheetXml() },
        ],
      }),
    );
    expect(rulesAt(r)).toEqual(['sheet-hidden@']);
    expect(r.issues[0]!.message).toContain('Unhide');
  });

  it('a DOCTYPE in any part read is refused before anything is expanded', async () => {
    const info = infoSheetXml().replace('<worksheet', '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]><worksheet');
    const r = await read(
      rawWorkbook({
        sheets: [
          { name: 'Thông tin', xml: info },
          { name: 'Số liệu', xml: figuresSheetXml() },
        ],
      }),
    );
    expect(rulesAt(r)).toEqual(['file-unsafe@']);
  });
});

describe('what the reader stops before is still scanned for what is hostile', () => {
  // After the merges the reader parses nothing of a sheet; the rest is scanned, from bytes, for a DTD and nesting.
  const validations = (n: number) =>
    `<dataValidations count="${n}">${Array.from({ length: n }, (_, i) => `<dataValidation type="whole" allowBlank="1" prompt="Số nguyên ≥ 0 (người), dòng ${i}." sqref="E${i + 2}"><formula1>0</formula1></dataValidation>`).join('')}</dataValidations>`;
  const nested = (levels: number) => `<extLst>${'<ext>'.repeat(levels)}${'</ext>'.repeat(levels)}</extLst>`;
  const withTail = (tail: string, utf16 = false) => {
    const xml = figuresSheetXml({ after: `<mergeCells count="1"><mergeCell ref="A40:D40"/></mergeCells>${tail}` });
    return read(
      rawWorkbook({
        parts: {
          'xl/worksheets/sheet2.xml': utf16 ? utf16le(xml.replace('encoding="UTF-8"', 'encoding="UTF-16"')) : xml,
        },
      }),
    );
  };

  // Short tails, and tails of hundreds of KB (read in pieces, the sheet's runs of empty cells dropped first).
  it.each([
    ['short', 10],
    ['long', 3000],
  ])('%s: 150 nested levels are refused, 12 are read', async (_, n) => {
    const deep = await withTail(validations(n) + nested(150));
    expect(deep.issues.map((i) => i.rule)).toEqual(['file-unsafe']);
    expect(deep.issues[0]!.message).toContain('Phần "xl/worksheets/sheet2.xml" của tệp lồng nhau quá sâu (hơn 100 cấp');
    const fine = await withTail(validations(n) + nested(12));
    expect(fine.issues).toEqual([]);
    expect(figuresRead(fine)).toEqual(expectedFigures());
  });

  it.each([
    ['short', 10],
    ['long', 3000],
  ])('%s: an entity declaration after the data is refused', async (_, n) => {
    const r = await withTail(`${validations(n)}<!ENTITY x "y">`);
    expect(r.issues.map((i) => i.rule)).toEqual(['file-unsafe']);
    expect(r.issues[0]!.message).toContain('DOCTYPE/ENTITY');
  });

  it('the same in a part encoded in UTF-16', async () => {
    const deep = await withTail(validations(3000) + nested(150), true);
    expect(deep.issues[0]!.message).toContain('lồng nhau quá sâu');
    const fine = await withTail(validations(3000) + nested(12), true);
    expect(fine.issues).toEqual([]);
    expect(figuresRead(fine)).toEqual(expectedFigures());
  });
});
