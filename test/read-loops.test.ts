import { describe, expect, it } from 'vitest';
import { openXlsx, Refused, type Scalar } from '../src/core/read/xlsx.js';
import { figuresSheetXml, rawWorkbook } from './helpers/raw-xlsx.js';

/**
 * The reader takes a sheet's <sheetData> and the shared strings' <sst> in a tight loop over the bytes when they have
 * the usual shape, and gives them back to the tokenizer at the first thing the loop does not know (src/core/read/
 * sheet.ts, shared-strings.ts). A comment just before the end tag is such a thing: with it, the tokenizer reads the
 * whole content. The two readings must give the same cells, the same strings, and the same refusals.
 */

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const STYLES = `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="3"/></cellXfs></styleSheet>`;
const SST = (strings: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="${MAIN}" count="${strings.length}">${strings.join('')}</sst>`;
const PLAIN_STRINGS = [
  '<si><t>Mã số</t></si>',
  '<si><t xml:space="preserve"> Nữ &amp; DTTS </t></si>',
  '<si/>',
  '<si><t/></si>',
  '<si>\n  <t>a_x000D_b\r\nc</t>\n</si>',
];
const sheet = (rows: string, head = '', tail = '') =>
  `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}">${head}<sheetData>${rows}</sheetData>${tail}</worksheet>`;

/** What reading the one sheet gives: its rows and merges, or the refusal's rule and message. */
function readOne(xml: string, strings: string[] = PLAIN_STRINGS, forceTokenizer = false, untilRow?: number) {
  const slow = (x: string, end: string) => (forceTokenizer ? x.replace(end, `<!-- x -->${end}`) : x);
  const bytes = rawWorkbook({
    sheets: [{ name: 'S', xml: slow(xml, '</sheetData>') }],
    parts: { 'xl/styles.xml': STYLES, 'xl/sharedStrings.xml': slow(SST(strings), '</sst>') },
  });
  const opened = openXlsx(bytes);
  if (!opened.ok) return { refused: `${opened.issue.rule}: ${opened.issue.message}` };
  try {
    const cells = opened.book.readSheet(opened.book.sheets[0]!, untilRow);
    return {
      rows: [...cells.rows].map(([r, row]) => [r, [...row].map(([c, v]) => [c, plain(v)])]),
      merges: cells.merges,
    };
  } catch (err) {
    if (err instanceof Refused) return { refused: `${err.issue.rule}: ${err.issue.message}` };
    throw err;
  }
}

/** A scalar as plain data (a shared string's text and a formula's are read when asked for). */
const plain = (s: Scalar) =>
  s.kind === 'text'
    ? { kind: 'text', text: s.text }
    : s.kind === 'formula-no-result'
      ? { kind: s.kind, formula: s.formula }
      : s;

function expectSameBothWays(xml: string, strings?: string[], untilRow?: number) {
  const fast = readOne(xml, strings, false, untilRow);
  expect(readOne(xml, strings, true, untilRow)).toEqual(fast);
  return fast;
}

const rows = [
  '<row r="1" spans="1:8"><c r="A1" s="2" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>4</v></c></row>',
  '<row r="2"><c r="A2"><v>12</v></c><c r="B2" s="1"><v>45292</v></c><c r="C2" t="str"><v>007</v></c><c r="D2"/><c r="E2" s="2"/></row>',
  '<row r="3"><c r="A3"><f>SUM(A1:A2)</f><v>12</v></c><c r="B3"><f>1&lt;2</f></c><c r="C3"><f t="shared" ref="C3:C4" si="0"/><v/></c></row>',
  '<row r="5"><c r="A5" t="inlineStr"><is><t xml:space="preserve"> a &amp; b </t></is></c><c r="B5" t="inlineStr"><is/></c><c r="C5" t="b"><v>1</v></c><c r="D5" t="e"><v>#N/A</v></c></row>',
  '<row r="6">\n  <c r="A6"><v> 12 </v></c>\n  <c r="B6"><v>1.50</v></c><c r="C6"><v>298,7</v></c><c r="D6" t="s"><v> 3 </v></c>\n</row>',
  '<row><c><v>1</v></c><c><v>2</v></c></row><row r="9"/><row><c t="d"><v>2026-03-15</v></c></row>',
];

describe('the loops over sheet data and shared strings read what the tokenizer reads', () => {
  it('a form as bdg and Excel write it', () => {
    const read = expectSameBothWays(figuresSheetXml());
    expect(read.rows!.length).toBeGreaterThan(30);
  });

  it('positional rows and cells, values, formulas, inline strings, booleans, errors, dates, odd numbers', () => {
    const read = expectSameBothWays(sheet(rows.join('')));
    expect(read.rows).toContainEqual([
      2,
      [
        [1, { kind: 'number', value: 12 }],
        [2, { kind: 'date', value: new Date(Date.UTC(2024, 0, 1)) }],
        [3, { kind: 'text', text: '007' }],
      ],
    ]);
    expect(read.rows).toContainEqual([
      1,
      [
        [1, { kind: 'text', text: 'Mã số' }],
        [2, { kind: 'text', text: ' Nữ & DTTS ' }],
        [3, { kind: 'text', text: 'a\rb\nc' }],
      ],
    ]);
  });

  it('with a prefix, comments, CDATA and rich text (which the loops give back)', () => {
    const prefixed = sheet(rows.join(''))
      .replace(/<(\/?)(row|c|v|f|is|t)([ >/])/g, '<$1x:$2$3')
      .replace('<worksheet ', `<worksheet xmlns:x="${MAIN}" `);
    expectSameBothWays(prefixed);
    expectSameBothWays(sheet(rows[1]! + '<!-- here -->' + rows[2]!));
    expectSameBothWays(sheet('<row r="1"><c r="A1" t="str"><v><![CDATA[<b>]]></v></c></row>'));
    const rich = [
      ...PLAIN_STRINGS,
      '<si><r><rPr><b/></rPr><t>đậm</t></r><r><t> thường</t></r><rPh><t>ふ</t></rPh></si>',
    ];
    expect(expectSameBothWays(sheet('<row r="1"><c r="A1" t="s"><v>5</v></c></row>'), rich).rows).toEqual([
      [1, [[1, { kind: 'text', text: 'đậm thường' }]]],
    ]);
  });

  it('reads no cell from an element whose name begins with U+FEFF (a name XML allows), nor a value from its text', () => {
    const read = expectSameBothWays(
      sheet(
        '<row r="1"><c r="A1"><v>1</v></c><\ufeffc r="B1"><v>5</v></\ufeffc><c r="C1" t="str"><v>\ufeffx</v></c></row>',
      ),
    );
    expect(read.rows).toEqual([
      [
        1,
        [
          [1, { kind: 'number', value: 1 }],
          [3, { kind: 'text', text: '\ufeffx' }],
        ],
      ],
    ]);
  });

  it('stops at the same row when asked for the first rows only', () => {
    expect(expectSameBothWays(sheet(rows.join('')), undefined, 2).rows!.map(([r]) => r)).toEqual([1, 2]);
  });

  it.each([
    ['a shared string past the table', '<row r="1"><c r="A1" t="s"><v>99</v></c></row>'],
    ['a style past the table', '<row r="1"><c r="A1" s="7"><v>1</v></c></row>'],
    ['an address that is none', '<row r="1"><c r="1A"><v>1</v></c></row>'],
    ['a row number out of the grid', '<row r="0"><c><v>1</v></c></row>'],
    ['a repeated attribute', '<row r="1"><c r="A1" r="B1"><v>1</v></c></row>'],
    ['an unknown entity in a value', '<row r="1"><c r="A1"><v>&nbsp;</v></c></row>'],
    ['a control character in a value', '<row r="1"><c r="A1" t="str"><v>a\u0001</v></c></row>'],
    ['a cell closed as a row', '<row r="1"><c r="A1"><v>1</v></row></c>'],
    ['a row never closed', '<row r="1"><c r="A1"><v>1</v></c>'],
  ])('refuses %s the same way', (_, data) => {
    expect(expectSameBothWays(sheet(data)).refused).toMatch(/^file-damaged|^cell-reference-broken/);
  });

  it('refuses a broken table of shared strings the same way', () => {
    for (const bad of ['<si><t>a</si>', '<si><t>a &bogus; b</t></si>', '<si><t>a</t><t>b</t>'])
      expect(expectSameBothWays(sheet(''), [...PLAIN_STRINGS, bad]).refused).toMatch(/^file-damaged/);
  });
});

describe('small parts read once per thread', () => {
  // Two files of one template: the same relationships, workbook and styles parts, byte for byte (the memory of
  // src/core/read/part-memo.ts serves the second), but other cells, and in the second one sheet's part missing.
  const workbook = (cell: string, omit: string[] = []) =>
    rawWorkbook({
      sheets: [
        { name: 'A', xml: sheet(`<row r="1"><c r="A1"><v>${cell}</v></c></row>`) },
        { name: 'B', xml: sheet('<row r="2"><c r="B2" s="1"><v>45292</v></c></row>') },
      ],
      parts: { 'xl/styles.xml': STYLES, 'xl/sharedStrings.xml': SST(PLAIN_STRINGS) },
      omit,
    });
  const cellsOf = (bytes: Uint8Array) => {
    const opened = openXlsx(bytes);
    if (!opened.ok) throw new Error(opened.issue.message);
    const { book } = opened;
    return book.sheets.map((s) =>
      s.path ? [...book.readSheet(s).rows].map(([r, row]) => [r, [...row].map(([c, v]) => [c, plain(v)])]) : null,
    );
  };

  it('reads each file its own cells and finds its own parts', () => {
    const date = [2, [[2, { kind: 'date', value: new Date(Date.UTC(2024, 0, 1)) }]]];
    expect(cellsOf(workbook('1'))).toEqual([[[1, [[1, { kind: 'number', value: 1 }]]]], [date]]);
    expect(cellsOf(workbook('2'))).toEqual([[[1, [[1, { kind: 'number', value: 2 }]]]], [date]]);
    expect(cellsOf(workbook('3', ['xl/worksheets/sheet2.xml']))).toEqual([
      [[1, [[1, { kind: 'number', value: 3 }]]]],
      null,
    ]);
  });

  it('refuses a part whose compression the archive cannot read, though its bytes are those of a part read before', () => {
    const good = workbook('1');
    expect(cellsOf(good)).toHaveLength(2);
    const opened = openXlsx(withMethod(good, 'xl/styles.xml', 12));
    expect(opened.ok ? 'read' : opened.issue.rule).toBe('file-damaged');
  });
});

/** The zip with the compression method of entry `name` set to `method` (local and central headers). */
function withMethod(zip: Uint8Array, name: string, method: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  const want = new TextEncoder().encode(name);
  const named = (at: number) => want.every((c, k) => out[at + k] === c);
  for (let p = 0; p + 46 < out.length; p++) {
    const sig = view.getUint32(p, true);
    if (sig === 0x04034b50 && view.getUint16(p + 26, true) === want.length && named(p + 30))
      view.setUint16(p + 8, method, true);
    if (sig === 0x02014b50 && view.getUint16(p + 28, true) === want.length && named(p + 46))
      view.setUint16(p + 10, method, true);
  }
  return out;
}

describe('the rest of a sheet, scanned after the parts read', () => {
  it('reads past values that hold ">" (XML allows it): not taken for nesting, the merges after them found', () => {
    const validations = Array.from(
      { length: 150 },
      (_, i) => `<dataValidation type="whole" prompt='Số > 0 "và" nguyên' sqref="A${i + 1}"/>`,
    ).join('');
    const xml = sheet(
      '<row r="1"><c r="A1"><v>1</v></c></row>',
      '',
      `<dataValidations count="150">${validations}</dataValidations><mergeCells><mergeCell ref="B1:C1"/></mergeCells>`,
    );
    const read = readOne(xml);
    expect(read.refused).toBeUndefined();
    expect(read.merges!.map((m) => m.ref)).toEqual(['B1:C1']);
  });
});
