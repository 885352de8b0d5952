import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Figures } from '../src/core/model.js';
import { readSubmissionBytes, type ReadResult } from '../src/core/read/submission.js';
import { decodeXstring, openXlsx } from '../src/core/read/xlsx.js';
import { checkSubmission } from '../src/core/validate/check-file.js';
import { districtFigures } from './helpers/figures.js';
import {
  cellOf,
  esc,
  figuresSheetXml,
  infoSheetXml,
  inlineCell,
  rawWorkbook,
  rowOf,
  utf16le,
  type RawSheet,
} from './helpers/raw-xlsx.js';
import { tempDir } from './helpers/workbooks.js';

/**
 * The package followed as OPC and SpreadsheetML say (issue 18, point 4): the office document from _rels/.rels,
 * sheets, shared strings and styles from the workbook's relationships, a reference that points nowhere refused
 * naming the cell, merges seen wherever they stand. Then numbers and text as Excel shows them (point 5).
 */

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';

const read = (bytes: Uint8Array): Promise<ReadResult> => readSubmissionBytes(bytes, 'tep.xlsx');
const rulesAt = (r: ReadResult) => r.issues.map((i) => `${i.rule}@${i.cell ?? ''}`);
const total = (r: ReadResult, code: string) => r.submission!.rows.get(code)!.cells.total!.value;

const relationships = (rels: [id: string, type: string, target: string][]) =>
  `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG}">${rels.map(([id, type, target]) => `<Relationship Id="${id}" Type="${REL}/${type}" Target="${target}"/>`).join('')}</Relationships>`;
const workbookXml = (sheets: [name: string, rid: string][]) =>
  `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>${sheets.map(([name, rid], i) => `<sheet name="${esc(name)}" sheetId="${i + 1}" r:id="${rid}"/>`).join('')}</sheets></workbook>`;
const sst = (strings: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${MAIN}" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t xml:space="preserve">${esc(s)}</t></si>`).join('')}</sst>`;
/** Two cell formats: 0 the default, 1 "#,##0". */
const STYLES = `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${MAIN}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="3"/></cellXfs></styleSheet>`;

/** The figures of the real workbook: DA8.05 is 290 (the decoy has districtFigures(), 2.150). */
function realFigures(): Figures {
  return { ...districtFigures(), 'DA8.05': { total: 290, nu: 130, dtts: 98 } };
}

/**
 * A package whose _rels/.rels names xl/book2.xml as the office document, its sheets, shared strings and styles at
 * names of their own; the ordinary xl/workbook.xml (districtFigures()) is still there, referenced by nothing.
 */
function decoyPackage(opts: { rootTarget?: string; extra?: Record<string, string> } = {}): Uint8Array {
  // The DA8.05 code cell is a shared string, its total in the "#,##0" format.
  const figures = figuresSheetXml({ figures: realFigures() })
    .replace(inlineCell(`B${rowOf('DA8.05')}`, 'DA8.05'), `<c r="B${rowOf('DA8.05')}" t="s"><v>1</v></c>`)
    .replace(`<c r="${cellOf('DA8.05')}"><v>290</v></c>`, `<c r="${cellOf('DA8.05')}" s="1"><v>290</v></c>`);
  const type = (part: string) => `application/vnd.openxmlformats-officedocument.spreadsheetml.${part}+xml`;
  const overrides: [string, string][] = [
    ['/xl/book2.xml', type('sheet.main')],
    ['/xl/workbook.xml', type('sheet.main')],
    ['/data/thong-tin.xml', type('worksheet')],
    ['/data/so-lieu.xml', type('worksheet')],
    ['/xl/worksheets/sheet1.xml', type('worksheet')],
    ['/xl/worksheets/sheet2.xml', type('worksheet')],
    ['/xl/text/strings.xml', type('sharedStrings')],
    ['/xl/look/st.xml', type('styles')],
  ];
  return rawWorkbook({
    parts: {
      // Both workbooks declared as such, as the file of the issue had them: only the relationship says which one.
      '[Content_Types].xml': `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${overrides.map(([name, t]) => `<Override PartName="${name}" ContentType="${t}"/>`).join('')}</Types>`,
      '_rels/.rels': relationships([['rId1', 'officeDocument', opts.rootTarget ?? '/xl/book2.xml']]),
      'xl/book2.xml': workbookXml([
        ['Thông tin', 'rId7'],
        ['Số liệu', 'rId8'],
      ]),
      'xl/_rels/book2.xml.rels': relationships([
        ['rId7', 'worksheet', '../data/thong-tin.xml'],
        ['rId8', 'worksheet', '../data/so-lieu.xml'],
        ['rId9', 'sharedStrings', 'text/strings.xml'],
        ['rId10', 'styles', 'look/st.xml'],
      ]),
      'data/thong-tin.xml': infoSheetXml({ 'Tên đơn vị': 'Huyện Thật' }),
      'data/so-lieu.xml': figures,
      'xl/text/strings.xml': sst(['x', 'DA8.05']),
      'xl/look/st.xml': STYLES,
      ...opts.extra,
    },
  });
}

function hasSoffice(): boolean {
  try {
    execFileSync('soffice', ['--version'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

describe('the office document is the one _rels/.rels names', () => {
  it('a decoy xl/workbook.xml referenced by nothing is not read: DA8.05 is 290, not 2.150', async () => {
    const r = await read(decoyPackage());
    expect(r.issues).toEqual([]);
    expect(r.submission!.info.unitName).toBe('Huyện Thật');
    expect(total(r, 'DA8.05')).toBe(290);
    expect(r.submission!.rows.get('DA8.05')!.ref).toEqual({ sheet: 'Số liệu', cell: `B${rowOf('DA8.05')}` });
    expect(total(r, 'DA8.06')).toBe(3400);
  });

  it('a relative target, a Strict relationship type and a target written with a backslash read the same', async () => {
    const strict = decoyPackage({
      extra: {
        '_rels/.rels': `<?xml version="1.0"?><Relationships xmlns="${PKG}"><Relationship Id="R1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" Target="xl/book2.xml"/></Relationships>`,
      },
    });
    expect(total(await read(strict), 'DA8.05')).toBe(290);
    // A Windows exporter's backslashes.
    expect(total(await read(decoyPackage({ rootTarget: 'xl\\book2.xml' })), 'DA8.05')).toBe(290);
  });

  it.skipIf(!hasSoffice())(
    'LibreOffice reads the same package the same way (saved by it, read back)',
    async () => {
      const dir = tempDir('bdg-package-');
      writeFileSync(join(dir, 'decoy.xlsx'), decoyPackage());
      const profile = `-env:UserInstallation=file://${dir}/profile`;
      execFileSync(
        'soffice',
        [profile, '--headless', '--convert-to', 'xlsx', '--outdir', join(dir, 'out'), join(dir, 'decoy.xlsx')],
        { stdio: 'ignore', timeout: 120_000 },
      );
      const saved = join(dir, 'out', 'decoy.xlsx');
      expect(existsSync(saved)).toBe(true);
      const r = await read(new Uint8Array(readFileSync(saved)));
      expect(r.issues).toEqual([]);
      expect(total(r, 'DA8.05')).toBe(290);
      expect(r.submission!.info.unitName).toBe('Huyện Thật');
    },
    180_000,
  );

  it('an office document that is not in the zip is refused, naming the part', async () => {
    const r = await read(decoyPackage({ rootTarget: 'xl/book3.xml' }));
    expect(rulesAt(r)).toEqual(['file-damaged@']);
    expect(r.issues[0]!.message).toContain('thiếu phần "xl/book3.xml"');
  });

  it('without _rels/.rels: xl/workbook.xml, or the one workbook [Content_Types].xml declares (as openpyxl reads it)', async () => {
    const plain = await read(rawWorkbook({ omit: ['_rels/.rels'] }));
    expect(plain.issues).toEqual([]);
    expect(total(plain, 'DA8.05')).toBe(2150);

    const parts = (contentTypes: string[]) => ({
      '[Content_Types].xml': `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>${contentTypes.map((p) => `<Override PartName="${p}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`).join('')}</Types>`,
    });
    const declared = decoyPackage({ extra: parts(['/xl/book2.xml']) });
    const r = await read(rawWorkbook({ omit: ['_rels/.rels'], parts: unzipParts(declared) }));
    expect(total(r, 'DA8.05')).toBe(290);

    // Two workbooks declared and nothing saying which is the document: refused, not guessed.
    const two = await read(
      rawWorkbook({
        omit: ['_rels/.rels'],
        parts: { ...unzipParts(declared), ...parts(['/xl/book2.xml', '/xl/workbook.xml']) },
      }),
    );
    expect(rulesAt(two)).toEqual(['file-damaged@']);
    expect(two.issues[0]!.message).toContain('[Content_Types].xml');
  });
});

/** The parts of a zip, as rawWorkbook takes them. */
const unzipParts = (zip: Uint8Array): Record<string, Uint8Array> => unzipSync(zip);

describe('a reference that points nowhere is a refusal naming the cell, never "no data"', () => {
  const sheets = (data: string): RawSheet[] => [
    { name: 'Thông tin', xml: infoSheetXml() },
    { name: 'Số liệu', xml: data },
  ];

  it('a sheet whose relationship names a part the zip does not have', async () => {
    const rels = relationships([
      ['rId1', 'worksheet', 'worksheets/sheet1.xml'],
      ['rId2', 'worksheet', 'worksheets/sheet9.xml'],
    ]);
    const r = await read(rawWorkbook({ parts: { 'xl/_rels/workbook.xml.rels': rels } }));
    expect(rulesAt(r)).toEqual(['sheet-part-missing@']);
    expect(r.issues[0]!.message).toBe(
      'Sheet "Số liệu" có tên trong tệp nhưng nội dung của nó không có trong tệp (thiếu phần "xl/worksheets/sheet9.xml"), nên không đọc được số liệu. Tệp bị hỏng hoặc do phần mềm ghi lỗi: xuất lại tệp, hoặc nhập số liệu vào biểu mẫu mới rồi gửi lại.',
    );
    // No relationship of the sheet's id at all.
    const none = await read(
      rawWorkbook({
        parts: { 'xl/_rels/workbook.xml.rels': relationships([['rId1', 'worksheet', 'worksheets/sheet1.xml']]) },
      }),
    );
    expect(rulesAt(none)).toEqual(['sheet-part-missing@']);
    expect(none.issues[0]!.message).toContain('(không trỏ tới phần nào)');
  });

  it('a shared-string index past the table', async () => {
    const data = figuresSheetXml({ raw: { 'DA8.05': `<c r="${cellOf('DA8.05')}" t="s"><v>2</v></c>` } });
    const r = await read(rawWorkbook({ sheets: sheets(data), parts: { 'xl/sharedStrings.xml': sst(['12', '13']) } }));
    expect(rulesAt(r)).toEqual([`cell-reference-broken@${cellOf('DA8.05')}`]);
    expect(r.issues[0]).toMatchObject({ sheet: 'Số liệu', value: '2' });
    expect(r.issues[0]!.message).toBe(
      `Ô ${cellOf('DA8.05')} (sheet "Số liệu") trỏ tới mục "2" của bảng chữ dùng chung, nhưng bảng chữ dùng chung của tệp chỉ có 2 mục (từ 0 đến 1): không biết ô này ghi gì. Tệp do phần mềm ghi lỗi. Mở tệp bằng Excel hoặc LibreOffice, kiểm tra lại ô này, lưu thành tệp mới rồi gửi lại.`,
    );
    expect(r.submission).toBeNull();
  });

  it('a shared string when the file has no table (its relationship points nowhere), or an index that is no number', async () => {
    const data = figuresSheetXml({ raw: { 'DA8.05': `<c r="${cellOf('DA8.05')}" t="s"><v>0</v></c>` } });
    const r = await read(rawWorkbook({ sheets: sheets(data) }));
    expect(rulesAt(r)).toEqual([`cell-reference-broken@${cellOf('DA8.05')}`]);
    expect(r.issues[0]!.message).toContain('nhưng tệp không có bảng chữ dùng chung');
    // An empty <v> is not entry 0.
    const empty = figuresSheetXml({ raw: { 'DA8.05': `<c r="${cellOf('DA8.05')}" t="s"><v></v></c>` } });
    const e = await read(rawWorkbook({ sheets: sheets(empty), parts: { 'xl/sharedStrings.xml': sst(['12']) } }));
    expect(rulesAt(e)).toEqual([`cell-reference-broken@${cellOf('DA8.05')}`]);
  });

  it('a shared string in the Thông tin sheet names that sheet and cell', async () => {
    const info = infoSheetXml().replace(inlineCell('B1', '655'), '<c r="B1" t="s"><v>7</v></c>');
    const r = await read(
      rawWorkbook({
        sheets: [
          { name: 'Thông tin', xml: info },
          { name: 'Số liệu', xml: figuresSheetXml() },
        ],
      }),
    );
    expect(rulesAt(r)).toEqual(['cell-reference-broken@B1']);
    expect(r.issues[0]!.sheet).toBe('Thông tin');
  });

  it('a style index past cellXfs (a number or a date?), and style 0 with no styles at all is fine', async () => {
    const data = figuresSheetXml({ raw: { 'DA8.05': `<c r="${cellOf('DA8.05')}" s="2"><v>2150</v></c>` } });
    const r = await read(rawWorkbook({ sheets: sheets(data), parts: { 'xl/styles.xml': STYLES } }));
    expect(rulesAt(r)).toEqual([`cell-reference-broken@${cellOf('DA8.05')}`]);
    expect(r.issues[0]!.message).toBe(
      `Ô ${cellOf('DA8.05')} (sheet "Số liệu") trỏ tới mục "2" của bảng định dạng ô, nhưng bảng định dạng ô của tệp chỉ có 2 mục (từ 0 đến 1): không biết ô này là số hay ngày tháng. Tệp do phần mềm ghi lỗi. Mở tệp bằng Excel hoặc LibreOffice, kiểm tra lại ô này, lưu thành tệp mới rồi gửi lại.`,
    );
    const within = figuresSheetXml({ raw: { 'DA8.05': `<c r="${cellOf('DA8.05')}" s="1"><v>2150</v></c>` } });
    expect((await read(rawWorkbook({ sheets: sheets(within), parts: { 'xl/styles.xml': STYLES } }))).issues).toEqual(
      [],
    );
    const noStyles = figuresSheetXml({ raw: { 'DA8.05': `<c r="${cellOf('DA8.05')}" s="0"><v>2150</v></c>` } });
    expect((await read(rawWorkbook({ sheets: sheets(noStyles) }))).issues).toEqual([]);
    const styledNone = figuresSheetXml({ raw: { 'DA8.05': `<c r="${cellOf('DA8.05')}" s="1"><v>2150</v></c>` } });
    expect(rulesAt(await read(rawWorkbook({ sheets: sheets(styledNone) })))).toEqual([
      `cell-reference-broken@${cellOf('DA8.05')}`,
    ]);
  });
});

describe('merges are seen wherever <mergeCells> stands in the sheet part', () => {
  const range = `E${rowOf('DA8.05')}:E${rowOf('DA8.06')}`;
  const cf = (n: number) =>
    Array.from(
      { length: n },
      (_, i) =>
        `<conditionalFormatting sqref="E${i + 2}"><cfRule type="cellIs" dxfId="0" priority="${i + 1}" operator="lessThan"><formula>0</formula></cfRule></conditionalFormatting>`,
    ).join('');
  const withTail = (after: string, utf16 = false) => {
    const xml = figuresSheetXml({ after });
    return read(
      rawWorkbook({
        parts: {
          'xl/worksheets/sheet2.xml': utf16 ? utf16le(xml.replace('encoding="UTF-8"', 'encoding="UTF-16"')) : xml,
        },
      }),
    );
  };

  it.each([
    ['after <conditionalFormatting>', `${cf(3)}<mergeCells count="1"><mergeCell ref="${range}"/></mergeCells>`],
    [
      'after data validations and a long tail',
      `${cf(5000)}<dataValidations count="1"><dataValidation sqref="E2"/></dataValidations><mergeCells count="1"><x:mergeCell xmlns:x="${MAIN}" ref = '${range}' /></mergeCells>`,
    ],
    [
      'before the data (as some writers do), and once again after',
      `<mergeCells count="1"><mergeCell ref="${range}"/></mergeCells>${cf(2)}<mergeCells><mergeCell ref="${range}"/></mergeCells>`,
    ],
    [
      'written with character references',
      `${cf(1)}<mergeCells count="1"><mergeCell ref="&#69;${rowOf('DA8.05')}:&#x45;${rowOf('DA8.06')}"/></mergeCells>`,
    ],
  ])('%s: a figure hidden under a merge is refused, like a merge in its place', async (_, after) => {
    const r = await withTail(after);
    expect(rulesAt(r)).toEqual([`merged-figure-cell@${range.replace(/&#69;|&#x45;/g, 'E')}`]);
    expect(r.issues[0]!.message).toContain('chỉ tiêu DA8.05 (cột Tổng số) và chỉ tiêu DA8.06 (cột Tổng số)');
  });

  it('the same in a part encoded in UTF-16', async () => {
    const r = await withTail(`${cf(2000)}<mergeCells count="1"><mergeCell ref="${range}"/></mergeCells>`, true);
    expect(rulesAt(r)).toEqual([`merged-figure-cell@${range}`]);
  });

  it('a merge written in a comment or one of a single cell is no merge', async () => {
    const r = await withTail(`${cf(2)}<mergeCells count="1"><mergeCell ref="E2"/></mergeCells>`);
    expect(r.issues).toEqual([]);
  });

  it('every one of 20.000 merges in a tail of several MB, read in chunks, is seen (none lost at a chunk’s end)', async () => {
    // Harmless merges below the table, among conditional formats: the part is streamed, chunk by chunk.
    const merges = Array.from({ length: 20_000 }, (_, i) => `<mergeCell ref="J${i + 100}:K${i + 100}"/>`);
    const after = `${cf(8000)}<mergeCells count="20000">${merges.join(`<!-- ${'.'.repeat(7)} -->`)}</mergeCells>${cf(8000)}`;
    const xml = figuresSheetXml({ after });
    expect(xml.length).toBeGreaterThan(2_500_000);
    const opened = openXlsx(rawWorkbook({ parts: { 'xl/worksheets/sheet2.xml': xml } }));
    if (!opened.ok) throw new Error(opened.issue.message);
    const cells = opened.book.readSheet(opened.book.sheets[1]!);
    expect(cells.merges).toHaveLength(20_000);
    expect(cells.merges.at(-1)!.ref).toBe('J20099:K20099');
  });
});

describe('numbers as Excel shows them: 15 significant digits', () => {
  const withCells = (raw: Record<string, string>) =>
    rawWorkbook({
      sheets: [
        { name: 'Thông tin', xml: infoSheetXml() },
        { name: 'Số liệu', xml: figuresSheetXml({ raw }) },
      ],
    });
  const cell = (code: string, v: string) => `<c r="${cellOf(code)}"><v>${v}</v></c>`;

  it('a count stored as 7.9999999999999991 is 8 (no "không phải số nguyên"); money keeps its decimals', async () => {
    const c = await checkSubmission(
      withCells({
        'DA8.07': cell('DA8.07', '7.9999999999999991'),
        'DA8.20': cell('DA8.20', '1643.5000000000002'),
        'DA8.21': cell('DA8.21', '1210.2499999999998'),
      }),
      'tep.xlsx',
    );
    expect(c.errors).toEqual([]);
    expect(c.figures!['DA8.07']!.total).toBe(8);
    expect(c.figures!['DA8.20']!.total).toBe(1643.5);
    expect(c.figures!['DA8.21']!.total).toBe(1210.25);
  });

  it('0.1 + 0.2 kinds of noise in money (0.30000000000000004) are 0,3; a real fraction of a count is still refused', async () => {
    const c = await checkSubmission(
      withCells({ 'DA8.20': cell('DA8.20', '0.30000000000000004'), 'DA8.07': cell('DA8.07', '7.99999999999') }),
      'tep.xlsx',
    );
    expect(c.figures!['DA8.20']!.total).toBe(0.3);
    expect(c.errors.map((e) => `${e.rule}@${e.cell}`)).toEqual([`value-not-whole@${cellOf('DA8.07')}`]);
    expect(c.errors[0]!.message).toContain('7,99999999999');
  });
});

describe('OOXML text escapes (_xHHHH_) decoded', () => {
  it('the ST_Xstring rule: _x000D_, _x0009_, and _x005F_ escaping an underscore', () => {
    expect(decodeXstring('a_x000D_\nb')).toBe('a\r\nb');
    expect(decodeXstring('a_x0009_b')).toBe('a\tb');
    expect(decodeXstring('_x005F_x0041_')).toBe('_x0041_');
    expect(decodeXstring('_x0041_ và _x00e9_')).toBe('A và é');
    expect(decodeXstring('_x00G1_ _x041_ x0041_')).toBe('_x00G1_ _x041_ x0041_');
  });

  it('in a Thuyết minh text, an indicator code, a note and a sheet name', async () => {
    const narrative = `<?xml version="1.0"?><worksheet xmlns="${MAIN}"><sheetData><row r="1">${inlineCell('A1', 'Khó khăn, hạn chế')}<c r="B1" t="s"><v>0</v></c></row><row r="2">${inlineCell('A2', 'Kiến nghị, đề xuất')}<c r="B2" t="inlineStr"><is><t>Tăng_x0009_kinh phí_x005F_x0041_</t></is></c></row></sheetData></worksheet>`;
    const data = figuresSheetXml()
      .replace(inlineCell(`B${rowOf('DA8.05')}`, 'DA8.05'), inlineCell(`B${rowOf('DA8.05')}`, 'DA8.0_x0035_'))
      .replace(
        `</row><row r="${rowOf('DA8.05') + 1}"`,
        `${inlineCell(`H${rowOf('DA8.05')}`, 'Ước tính_x000D_\ncả năm')}</row><row r="${rowOf('DA8.05') + 1}"`,
      );
    const r = await read(
      rawWorkbook({
        sheets: [
          { name: 'Thông tin', xml: infoSheetXml() },
          { name: 'Số liệu', xml: data },
          { name: 'Thuyết_x0020_minh', xml: narrative },
        ],
        parts: { 'xl/sharedStrings.xml': sst(['Cán bộ kiêm nhiệm._x000D_\nThiếu kinh phí.']) },
      }),
    );
    expect(r.issues).toEqual([]);
    expect(r.submission!.narrative).toEqual({
      difficulties: 'Cán bộ kiêm nhiệm.\nThiếu kinh phí.',
      proposals: 'Tăng\tkinh phí_x0041_',
    });
    expect(total(r, 'DA8.05')).toBe(2150);
    expect(r.submission!.rows.get('DA8.05')!.note).toBe('Ước tính\r\ncả năm');
  });
});
