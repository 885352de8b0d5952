import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { districtFigures } from './figures.js';
import { figuresSheetXml, infoSheetXml, rawWorkbook } from './raw-xlsx.js';

/** Source workbooks for the marked copy (test/annotate.test.ts, the page's test): raw XML in a zip. */

export const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
export const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A styles part as small exporters write it: one font, the two fills every file has, a number format. */
export const STYLES = `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0"/></numFmts><fonts count="1"><font><sz val="12"/><name val="Times New Roman"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`;

/** The district's figures with one error: more women than people at DA8.05 (cell F of its row). */
export function brokenFigures() {
  const figures = districtFigures();
  figures['DA8.05'] = { ...figures['DA8.05'], nu: figures['DA8.05']!.total! + 10 };
  return figures;
}

/** Excel-like: `r` declared on the root of every part. */
export function excelLike(): Uint8Array {
  return rawWorkbook({
    sheets: [
      { name: 'Thông tin', xml: infoSheetXml() },
      { name: 'Số liệu', xml: figuresSheetXml({ figures: brokenFigures() }) },
    ],
    parts: { 'xl/styles.xml': STYLES },
  });
}

/**
 * A sheet the reader never opens ("Ghi chú"), selected, whose zip entry says 200 bytes and inflates to 4 MB: the
 * reader accepts the file and lists its error; making the copy must rewrite that sheet, and is refused.
 */
export function lyingWorkbook(): Uint8Array {
  const files = unzipSync(excelLike());
  const big = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><sheetData>${'<row><c s="1"/></row>'.repeat(200_000)}</sheetData></worksheet>`;
  files['xl/worksheets/sheet3.xml'] = strToU8(big);
  files['xl/workbook.xml'] = strToU8(
    strFromU8(files['xl/workbook.xml']!).replace(
      '</sheets>',
      '<sheet name="Ghi chú" sheetId="3" r:id="rId3"/></sheets>',
    ),
  );
  files['xl/_rels/workbook.xml.rels'] = strToU8(
    strFromU8(files['xl/_rels/workbook.xml.rels']!).replace(
      '</Relationships>',
      `<Relationship Id="rId3" Type="${REL}/worksheet" Target="worksheets/sheet3.xml"/></Relationships>`,
    ),
  );
  const zip = zipSync(files, { level: 6 });
  return declareSize(zip, 'xl/worksheets/sheet3.xml', 200);
}

/** The zip with one entry's uncompressed size rewritten (local header and central directory), as a zip bomb lies. */
function declareSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  const target = strToU8(name);
  const matches = (at: number) => target.every((b, j) => out[at + j] === b);
  for (let i = 0; i + 46 < out.length; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x04034b50 && view.getUint16(i + 26, true) === target.length && matches(i + 30))
      view.setUint32(i + 22, size, true);
    if (sig === 0x02014b50 && view.getUint16(i + 28, true) === target.length && matches(i + 46))
      view.setUint32(i + 24, size, true);
  }
  return out;
}
