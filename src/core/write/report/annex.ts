import { Paragraph, TextRun } from 'docx';
import { MEASURE_LABEL, measuresOf, type Indicator, type Measure } from '../../catalogue/catalogue.js';
import type { Rollup, UnitFigures } from '../../model.js';
import { isRelType } from '../../ooxml/namespaces.js';
import { parseRelationships } from '../../ooxml/relationships.js';
import { escapeXml } from '../../ooxml/xml.js';
import { deflatePart, zipParts, type Codec } from '../../ooxml/zip.js';
import { formatNumber } from '../../util/number.js';
import { ByteWriter, utf8 } from '../byte-writer.js';

/**
 * The annex tables, written as WordprocessingML text rather than docx objects: a national annex has 3.321 rows ×
 * ~60 columns, which as objects took 32 s and 3 GB. Each table stands in the document as a marker paragraph that
 * `withAnnexTables` replaces after packing. Cell formatting comes from paragraph styles (report/index.ts), not per run.
 */
export interface AnnexTable {
  indicators: Indicator[];
  units: UnitFigures[];
  rollup: Rollup;
  /** Usable width of the landscape page, twips. */
  width: number;
  /** One line for the units that sent nothing, in place of an empty row each. */
  missingLine?: string;
}

const MARKER = 'BDG-ANNEX-TABLE-';
export const STT_WIDTH = 600;
export const NAME_WIDTH = 2700;

export function markerParagraph(index: number): Paragraph {
  return new Paragraph({ children: [new TextRun(`${MARKER}${index}`)] });
}

const BORDERS =
  '<w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders>';

interface CellSpec {
  text: string;
  width: number;
  style: string;
  span?: number;
  /** 'restart' opens a vertical merge, 'continue' carries it on. */
  vMerge?: 'restart' | 'continue';
}

function cellXml(c: CellSpec): string {
  const span = c.span && c.span > 1 ? `<w:gridSpan w:val="${c.span}"/>` : '';
  const merge = c.vMerge === 'restart' ? '<w:vMerge w:val="restart"/>' : c.vMerge === 'continue' ? '<w:vMerge/>' : '';
  const text = c.text ? `<w:r><w:t xml:space="preserve">${escapeXml(c.text)}</w:t></w:r>` : '';
  return `<w:tc><w:tcPr><w:tcW w:w="${c.width}" w:type="dxa"/>${span}${merge}<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="${c.style}"/></w:pPr>${text}</w:p></w:tc>`;
}

/** A figure cell as small as WordprocessingML allows: the grid gives its width, the style its look. */
const FIGURE_OPEN = utf8('<w:tc><w:p><w:pPr><w:pStyle w:val="SoLieuPhuLuc"/></w:pPr><w:r><w:t>');
const FIGURE_CLOSE = utf8('</w:t></w:r></w:p></w:tc>');
const ROW_OPEN = utf8('<w:tr><w:trPr><w:cantSplit/></w:trPr>');
const ROW_CLOSE = utf8('</w:tr>');

const HEADER_ROW = '<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>';
const BODY_ROW = '<w:trPr><w:cantSplit/></w:trPr>';
const rowXml = (cells: string, header: boolean) => `<w:tr>${header ? HEADER_ROW : BODY_ROW}${cells}</w:tr>`;

const show = (v: number | null | undefined) => (typeof v === 'number' ? formatNumber(v) : '-');

/**
 * One annex table: names as headers, "Tổng số" and "Trong đó: Nữ | DTTS", the unit row (ĐVT), column numbers
 * (A), (B), (1)…(n), repeated on every page; one row per unit and a bold "Tổng cộng".
 */
function writeAnnexTable(t: AnnexTable, out: ByteWriter): void {
  const columns = t.indicators.flatMap((ind) => measuresOf(ind).map((m) => ({ ind, m })));
  const figureWidth = Math.floor((t.width - STT_WIDTH - NAME_WIDTH) / columns.length);
  const widths = [STT_WIDTH, NAME_WIDTH, ...columns.map(() => figureWidth)];
  const grid = widths.map((w) => `<w:gridCol w:w="${w}"/>`).join('');
  const total = widths.reduce((a, b) => a + b, 0);
  out.text(
    `<w:tbl><w:tblPr><w:tblW w:w="${total}" w:type="dxa"/>${BORDERS}<w:tblLayout w:type="fixed"/>` +
      '<w:tblCellMar><w:top w:w="20" w:type="dxa"/><w:left w:w="60" w:type="dxa"/><w:bottom w:w="20" w:type="dxa"/><w:right w:w="60" w:type="dxa"/></w:tblCellMar></w:tblPr>' +
      `<w:tblGrid>${grid}</w:tblGrid>`,
  );
  for (const r of headerRows(t, columns.length, figureWidth)) out.text(r);
  writeUnitRows(t, columns, out);
  for (const r of closingRows(t, columns, figureWidth, widths.length, total)) out.text(r);
  out.ascii('</w:tbl>');
}

type AnnexColumn = { ind: Indicator; m: Measure };

/** The header rows, repeated on every page: names, "Tổng số" and "Trong đó", the units (ĐVT), column numbers. */
function headerRows(t: AnnexTable, columnCount: number, figureWidth: number): string[] {
  const head = 'TieuDePhuLuc';
  const spanWidth = (ind: Indicator) => figureWidth * measuresOf(ind).length;
  const rows: string[] = [];
  // Names of the indicators over their columns.
  rows.push(
    rowXml(
      cellXml({ text: 'STT', width: STT_WIDTH, style: head, vMerge: 'restart' }) +
        cellXml({ text: 'Đơn vị', width: NAME_WIDTH, style: head, vMerge: 'restart' }) +
        t.indicators
          .map((ind) =>
            cellXml({ text: ind.shortName, width: spanWidth(ind), style: head, span: measuresOf(ind).length }),
          )
          .join(''),
      true,
    ),
  );
  // "Tổng số" (down two rows) and "Trong đó" over the breakdowns.
  rows.push(
    rowXml(
      cellXml({ text: '', width: STT_WIDTH, style: head, vMerge: 'continue' }) +
        cellXml({ text: '', width: NAME_WIDTH, style: head, vMerge: 'continue' }) +
        t.indicators
          .map(
            (ind) =>
              cellXml({ text: MEASURE_LABEL.total, width: figureWidth, style: head, vMerge: 'restart' }) +
              (ind.breakdowns.length
                ? cellXml({
                    text: 'Trong đó',
                    width: figureWidth * ind.breakdowns.length,
                    style: head,
                    span: ind.breakdowns.length,
                  })
                : ''),
          )
          .join(''),
      true,
    ),
  );
  rows.push(
    rowXml(
      cellXml({ text: '', width: STT_WIDTH, style: head, vMerge: 'continue' }) +
        cellXml({ text: '', width: NAME_WIDTH, style: head, vMerge: 'continue' }) +
        t.indicators
          .map(
            (ind) =>
              cellXml({ text: '', width: figureWidth, style: head, vMerge: 'continue' }) +
              ind.breakdowns
                .map((b) => cellXml({ text: MEASURE_LABEL[b as Measure], width: figureWidth, style: head }))
                .join(''),
          )
          .join(''),
      true,
    ),
  );
  rows.push(
    rowXml(
      cellXml({ text: '', width: STT_WIDTH, style: head }) +
        cellXml({ text: 'ĐVT', width: NAME_WIDTH, style: head }) +
        t.indicators
          .map((ind) =>
            cellXml({ text: ind.unit, width: spanWidth(ind), style: 'DonViPhuLuc', span: measuresOf(ind).length }),
          )
          .join(''),
      true,
    ),
  );
  rows.push(
    rowXml(
      cellXml({ text: '(A)', width: STT_WIDTH, style: 'DonViPhuLuc' }) +
        cellXml({ text: '(B)', width: NAME_WIDTH, style: 'DonViPhuLuc' }) +
        [...Array(columnCount).keys()]
          .map((i) => cellXml({ text: `(${i + 1})`, width: figureWidth, style: 'DonViPhuLuc' }))
          .join(''),
      true,
    ),
  );
  return rows;
}

/** One row per unit, written as bytes: a national annex has thousands. */
function writeUnitRows(t: AnnexTable, columns: AnnexColumn[], out: ByteWriter): void {
  t.units.forEach((u, i) => {
    const name = u.name + (u.source === 'missing' ? ' (chưa có số liệu)' : '');
    out.bytes(ROW_OPEN);
    out.text(
      cellXml({ text: String(i + 1), width: STT_WIDTH, style: 'DonViPhuLuc' }) +
        cellXml({ text: name, width: NAME_WIDTH, style: 'ChuPhuLuc' }),
    );
    for (const { ind, m } of columns) {
      out.bytes(FIGURE_OPEN);
      out.ascii(show(u.values[ind.code]?.[m]));
      out.bytes(FIGURE_CLOSE);
    }
    out.bytes(ROW_CLOSE);
  });
}

/** The line for the units that sent nothing (when given), then the bold "Tổng cộng". */
function closingRows(
  t: AnnexTable,
  columns: AnnexColumn[],
  figureWidth: number,
  gridColumns: number,
  total: number,
): string[] {
  const figureCells = (get: (c: AnnexColumn) => number | null | undefined, style: string) =>
    columns.map((c) => cellXml({ text: show(get(c)), width: figureWidth, style })).join('');
  const rows: string[] = [];
  if (t.missingLine) {
    const span = gridColumns - 1;
    rows.push(
      rowXml(
        cellXml({ text: '', width: STT_WIDTH, style: 'DonViPhuLuc' }) +
          cellXml({ text: t.missingLine, width: total - STT_WIDTH, style: 'ChuPhuLuc', span }),
        false,
      ),
    );
  }
  rows.push(
    rowXml(
      cellXml({ text: '', width: STT_WIDTH, style: 'TenTongPhuLuc' }) +
        cellXml({ text: 'Tổng cộng', width: NAME_WIDTH, style: 'TenTongPhuLuc' }) +
        figureCells(({ ind, m }) => t.rollup.totals[ind.code]?.[m], 'TongPhuLuc'),
      false,
    ),
  );
  return rows;
}

/**
 * The .docx from the docx library's parts (docx-parts.ts), each marker paragraph of its document part replaced by
 * its annex table, written straight into the part's bytes, and the document dated `created` when it is a date (the
 * docx library dates it by the clock; a roll-up's run date makes the same roll-up give the same document). Every
 * part is compressed once, here, by the platform's deflate when `codec` has one.
 */
export function withAnnexTables(
  parts: Map<string, Uint8Array>,
  tables: AnnexTable[],
  created: unknown,
  codec: Codec = {},
): Uint8Array {
  const documentPath = officeDocumentOf(parts);
  if (!documentPath) throw new Error('report: no document part');
  const document = new TextDecoder().decode(parts.get(documentPath));
  // About 60 bytes a figure cell and 400 a row beyond them: one allocation in the usual case.
  const expected = tables.reduce(
    (n, t) => n + t.units.length * (400 + 60 * t.indicators.reduce((k, i) => k + 1 + i.breakdowns.length, 0)),
    2 * document.length,
  );
  const out = new ByteWriter(expected);
  let from = 0;
  tables.forEach((table, i) => {
    const at = document.indexOf(`>${MARKER}${i}<`, from);
    if (at < 0) throw new Error(`report: marker of annex table ${i} not found`);
    const start = Math.max(document.lastIndexOf('<w:p>', at), document.lastIndexOf('<w:p ', at));
    const end = document.indexOf('</w:p>', at) + '</w:p>'.length;
    out.text(document.slice(from, start));
    writeAnnexTable(table, out);
    from = end;
  });
  out.text(document.slice(from));
  const written = new Map(parts);
  written.set(documentPath, out.result());
  const core = written.get(CORE_PROPERTIES);
  if (core) written.set(CORE_PROPERTIES, datedCoreProperties(core, created));
  return zipParts([...written].map(([name, bytes]) => [name, deflatePart(bytes, codec)]));
}

/** The office document's part, as the package relationships (`_rels/.rels`) name it. */
function officeDocumentOf(parts: Map<string, Uint8Array>): string | undefined {
  const rels = parts.get('_rels/.rels');
  const rel = rels && parseRelationships(rels, '').find((r) => isRelType(r.type, 'officeDocument') && !r.external);
  return rel && [...parts.keys()].find((name) => name.toLowerCase() === rel.target.toLowerCase());
}

/** The core properties' created and modified, as the docx library writes them, set to `date`. */
function datedCoreProperties(core: Uint8Array, created: unknown): Uint8Array {
  const date = w3cDate(created);
  // A saved roll-up edited by hand may hold anything there: what is no date leaves the clock's.
  if (!date) return core;
  const text = new TextDecoder().decode(core);
  const dated = text.replace(
    /(<dcterms:(created|modified)\b[^>]*>)[^<]*(<\/dcterms:\2>)/g,
    (_, open: string, _name: string, close: string) => `${open}${date}${close}`,
  );
  return new TextEncoder().encode(dated);
}

const CORE_PROPERTIES = 'docProps/core.xml';

/** An ISO 8601 moment of the years 1000–9999 as W3CDTF writes it (`2026-01-10T08:00:00.000Z`); null for anything else. */
function w3cDate(value: unknown): string | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
