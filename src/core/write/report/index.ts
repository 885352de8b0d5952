import {
  AlignmentType,
  BorderStyle,
  Document,
  Header,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
  type ISectionOptions,
  type ParagraphChild,
} from 'docx';
import { loadCatalogue, MEASURE_LABEL, measuresOf, type Catalogue, type Indicator, type Measure } from '../../catalogue/catalogue.js';
import type { Config } from '../../config.js';
import type { Rollup, UnitFigures } from '../../model.js';
import { dataFiles } from '../../data-files.js';
import { formatNumber, pad2 } from '../../util/number.js';
import { fillTemplate, periodPhrase, type Block } from './wording.js';

/** Nghị định 30/2020, Phụ lục I: A4, margins in twips (20 mm top/bottom, 30 mm left, 15 mm right). */
export const PAGE = { width: 11906, height: 16838, top: 1134, bottom: 1134, left: 1701, right: 850 } as const;
const ANNEX_MARGIN = { top: 1134, bottom: 1134, left: 1134, right: 1134 } as const;
const FONT = 'Times New Roman';
const BLANK = '…………';
const pt = (n: number) => n * 2; // docx sizes are half-points

const NO_BORDER = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' } as const;
const NO_BORDERS = {
  top: NO_BORDER,
  bottom: NO_BORDER,
  left: NO_BORDER,
  right: NO_BORDER,
  insideHorizontal: NO_BORDER,
  insideVertical: NO_BORDER,
} as const;
const LINE = { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 1 } as const;

export interface ReportOptions {
  previous?: Rollup;
  catalogue?: Catalogue;
}

/** The yearly report as a DOCX (report-format.md), from a roll-up, the config and the wording in templates/. */
export async function renderReport(rollup: Rollup, config: Config, options: ReportOptions = {}): Promise<Uint8Array> {
  const catalogue = options.catalogue ?? loadCatalogue(rollup.catalogueVersion);
  const template = dataFiles().read('templates/bao-cao.txt');
  const blocks = fillTemplate(template, { rollup, catalogue, config, previous: options.previous });
  const doc = new Document({
    creator: 'bdg',
    title: reportTitle(rollup),
    // The run id ties the report to the summary workbook and JSON written with it (docProps/custom.xml).
    ...(rollup.runId ? { customProperties: [{ name: 'Mã lần tổng hợp', value: rollup.runId }] } : {}),
    styles: {
      default: {
        document: {
          run: { font: { ascii: FONT, hAnsi: FONT, cs: FONT, eastAsia: FONT }, size: pt(14) },
          paragraph: { spacing: { before: 0, after: 0 } },
        },
      },
      // Annex figures use a style rather than per-run formatting: thousands of cells stay light to write and open.
      paragraphStyles: [
        { id: ANNEX_NUMBER, name: 'Số liệu phụ lục', basedOn: 'Normal', run: { size: pt(11) }, paragraph: { alignment: AlignmentType.RIGHT } },
      ],
    },
    sections: [mainSection(rollup, config, blocks), annexSection(rollup, config, catalogue)],
  });
  return new Uint8Array(await Packer.toArrayBuffer(doc));
}

export function reportTitle(rollup: Rollup): string {
  return `Kết quả thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ ${periodPhrase(rollup.periodLabel)}`;
}

function run(text: string, opts: { size?: number; bold?: boolean; italics?: boolean } = {}): TextRun {
  return new TextRun({ text, size: pt(opts.size ?? 14), bold: opts.bold, italics: opts.italics });
}

function centred(children: ParagraphChild[] | string, opts: { size?: number; bold?: boolean; italics?: boolean; before?: number; after?: number } = {}): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { before: opts.before ?? 0, after: opts.after ?? 0 },
    children: typeof children === 'string' ? [run(children, opts)] : children,
  });
}

/** A short centred rule: a bottom border on an empty paragraph narrowed by equal indents. */
function rule(columnWidth: number, ruleWidth: number): Paragraph {
  const indent = Math.max(0, Math.round((columnWidth - ruleWidth) / 2));
  return new Paragraph({ indent: { left: indent, right: indent }, border: { bottom: LINE }, spacing: { before: 0, after: 0 }, children: [run('', { size: 4 })] });
}

/** "Số: 05/BC-SNV"; a number under 10 gets a leading zero; an unknown one is a blank to fill. */
export function documentNumber(config: Config): string {
  const n = config.documentNumber;
  const num = n === undefined ? '      ' : typeof n === 'number' ? pad2(n) : n;
  return `Số: ${num}/BC-${config.agency.symbol ?? BLANK}`;
}

/** "Đắk Lắk, ngày 05 tháng 01 năm 2025": days under 10 and months 1–2 padded (Nghị định 30/2020). */
export function placeAndDate(config: Config): string {
  const place = config.place ?? BLANK;
  if (!config.documentDate) return `${place}, ngày     tháng     năm     `;
  const [y, m, d] = config.documentDate.split('-').map(Number) as [number, number, number];
  return `${place}, ngày ${pad2(d)} tháng ${m <= 2 ? pad2(m) : String(m)} năm ${y}`;
}

const HEADER_LEFT = 3700;
const HEADER_RIGHT = PAGE.width - PAGE.left - PAGE.right - HEADER_LEFT;

function cell(children: Paragraph[], width: number): TableCell {
  return new TableCell({ children, width: { size: width, type: WidthType.DXA }, borders: NO_BORDERS });
}

function headerBlock(config: Config): Table {
  const agency = config.agency.name ?? BLANK;
  return new Table({
    layout: TableLayoutType.FIXED,
    width: { size: HEADER_LEFT + HEADER_RIGHT, type: WidthType.DXA },
    columnWidths: [HEADER_LEFT, HEADER_RIGHT],
    borders: NO_BORDERS,
    rows: [
      new TableRow({
        children: [
          cell(
            [
              centred((config.agency.superior ?? BLANK).toLocaleUpperCase('vi'), { size: 13 }),
              centred(agency.toLocaleUpperCase('vi'), { size: 13, bold: true }),
              rule(HEADER_LEFT, Math.round(HEADER_LEFT * 0.4)),
              centred(documentNumber(config), { size: 13, before: 160 }),
            ],
            HEADER_LEFT,
          ),
          cell(
            [
              centred('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { size: 13, bold: true }),
              centred('Độc lập - Tự do - Hạnh phúc', { size: 14, bold: true }),
              rule(HEADER_RIGHT, 3200),
              centred(placeAndDate(config), { size: 14, italics: true, before: 160 }),
            ],
            HEADER_RIGHT,
          ),
        ],
      }),
    ],
  });
}

function bodyParagraph(children: ParagraphChild[], opts: { indent?: boolean; keepNext?: boolean } = {}): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.JUSTIFIED,
    indent: opts.indent === false ? undefined : { firstLine: 720 },
    spacing: { before: 60, after: 60, line: 288 },
    keepNext: opts.keepNext,
    children,
  });
}

function blockParagraph(block: Block): Paragraph {
  switch (block.kind) {
    case 'heading':
      return bodyParagraph([run(block.text, { bold: block.level < 3 })], { keepNext: true });
    case 'attributed':
      return bodyParagraph([run(`- ${block.unit}: `, { bold: true }), run(block.text)]);
    case 'paragraph':
      return bodyParagraph([run(block.text)]);
  }
}

const CLOSE_LEFT = 4300;
const CLOSE_RIGHT = PAGE.width - PAGE.left - PAGE.right - CLOSE_LEFT;

function closingBlock(config: Config): Table {
  const lines = config.distribution.length ? config.distribution : [BLANK];
  const left = [
    new Paragraph({ children: [run('Nơi nhận:', { size: 12, bold: true, italics: true })] }),
    ...lines.map((l) => new Paragraph({ children: [run(`- ${l.replace(/[;.]\s*$/, '')};`, { size: 11 })] })),
    new Paragraph({ children: [run(`- Lưu: ${(config.archive ?? `VT, ${BLANK}`).replace(/\.\s*$/, '')}.`, { size: 11 })] }),
  ];
  const signer = config.signer;
  const right = [
    ...(signer.prefix ? [centred(signer.prefix.toLocaleUpperCase('vi'), { bold: true })] : []),
    centred((signer.title ?? BLANK).toLocaleUpperCase('vi'), { bold: true }),
    ...[1, 2, 3, 4].map(() => centred('')),
    centred(signer.name ?? BLANK, { bold: true }),
  ];
  return new Table({
    layout: TableLayoutType.FIXED,
    width: { size: CLOSE_LEFT + CLOSE_RIGHT, type: WidthType.DXA },
    columnWidths: [CLOSE_LEFT, CLOSE_RIGHT],
    borders: NO_BORDERS,
    rows: [new TableRow({ cantSplit: true, children: [cell(left, CLOSE_LEFT), cell(right, CLOSE_RIGHT)] })],
  });
}

function pageNumberHeader(): Header {
  return new Header({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT], size: pt(14) })] })] });
}

function mainSection(rollup: Rollup, config: Config, blocks: Block[]): ISectionOptions {
  const recipients = config.recipients;
  const kinhGui =
    recipients.length === 0
      ? [centred(`Kính gửi: ${BLANK}`, { before: 120 })]
      : recipients.length === 1
        ? [centred(`Kính gửi: ${recipients[0]}.`, { before: 120 })]
        : [
            new Paragraph({ indent: { left: 2200 }, spacing: { before: 120 }, children: [run('Kính gửi:')] }),
            ...recipients.map((r, i) => new Paragraph({ indent: { left: 3300 }, children: [run(`- ${r}${i === recipients.length - 1 ? '.' : ';'}`)] })),
          ];
  return {
    properties: {
      page: { size: { width: PAGE.width, height: PAGE.height }, margin: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right, header: 567, footer: 567 } },
      titlePage: true,
    },
    headers: { default: pageNumberHeader(), first: new Header({ children: [new Paragraph('')] }) },
    children: [
      headerBlock(config),
      centred('BÁO CÁO', { bold: true, before: 360 }),
      centred(reportTitle(rollup), { bold: true }),
      rule(PAGE.width - PAGE.left - PAGE.right, 2400),
      ...kinhGui,
      new Paragraph({ spacing: { after: 120 }, children: [] }),
      ...blocks.map(blockParagraph),
      new Paragraph({ spacing: { after: 240 }, children: [] }),
      closingBlock(config),
    ],
  };
}

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII'];
const ANNEX_NUMBER = 'SoLieuPhuLuc';
const ANNEX_WIDTH = PAGE.height - ANNEX_MARGIN.left - ANNEX_MARGIN.right;
const STT_WIDTH = 600;
const NAME_WIDTH = 2700;
/** Figure columns one landscape table can hold legibly. */
const MAX_FIGURE_COLUMNS = 12;

function tableCell(text: string, width: number, opts: { bold?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType]; columnSpan?: number; rowSpan?: number; size?: number } = {}): TableCell {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    columnSpan: opts.columnSpan,
    rowSpan: opts.rowSpan,
    verticalAlign: VerticalAlign.CENTER,
    children: [new Paragraph({ alignment: opts.align ?? AlignmentType.CENTER, children: [run(text, { size: opts.size ?? 11, bold: opts.bold })] })],
  });
}

const show = (v: number | null | undefined) => (typeof v === 'number' ? formatNumber(v) : '-');

/** Splits indicators into tables of at most MAX_FIGURE_COLUMNS figure columns, never splitting an indicator. */
function chunks(indicators: Indicator[]): Indicator[][] {
  const out: Indicator[][] = [];
  let current: Indicator[] = [];
  let width = 0;
  for (const ind of indicators) {
    const w = measuresOf(ind).length;
    if (width + w > MAX_FIGURE_COLUMNS && current.length) {
      out.push(current);
      current = [];
      width = 0;
    }
    current.push(ind);
    width += w;
  }
  if (current.length) out.push(current);
  return out;
}

function annexTable(indicators: Indicator[], units: UnitFigures[], rollup: Rollup): Table {
  const columns = indicators.flatMap((ind) => measuresOf(ind).map((m) => ({ ind, m })));
  const figureWidth = Math.floor((ANNEX_WIDTH - STT_WIDTH - NAME_WIDTH) / columns.length);
  const widths = [STT_WIDTH, NAME_WIDTH, ...columns.map(() => figureWidth)];
  const head1 = new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: [
      tableCell('STT', STT_WIDTH, { bold: true, rowSpan: 2 }),
      tableCell('Đơn vị', NAME_WIDTH, { bold: true, rowSpan: 2 }),
      ...indicators.map((ind) => tableCell(`${ind.code} (${ind.unit})`, figureWidth * measuresOf(ind).length, { bold: true, columnSpan: measuresOf(ind).length })),
    ],
  });
  const head2 = new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: columns.map(({ m }) => tableCell(MEASURE_LABEL[m as Measure], figureWidth, { bold: true, size: 10 })),
  });
  const rows = units.map(
    (u, i) =>
      new TableRow({
        cantSplit: true,
        children: [
          tableCell(String(i + 1), STT_WIDTH),
          tableCell(u.name + (u.source === 'missing' ? ' (chưa có số liệu)' : ''), NAME_WIDTH, { align: AlignmentType.LEFT }),
          ...columns.map(({ ind, m }) => new TableCell({ children: [new Paragraph({ style: ANNEX_NUMBER, text: show(u.values[ind.code]?.[m]) })] })),
        ],
      }),
  );
  const total = new TableRow({
    cantSplit: true,
    children: [
      tableCell('', STT_WIDTH),
      tableCell('Tổng cộng', NAME_WIDTH, { bold: true, align: AlignmentType.LEFT }),
      ...columns.map(({ ind, m }) => tableCell(show(rollup.totals[ind.code]?.[m]), figureWidth, { bold: true, align: AlignmentType.RIGHT })),
    ],
  });
  return new Table({
    layout: TableLayoutType.FIXED,
    width: { size: widths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
    columnWidths: widths,
    margins: { left: 60, right: 60, top: 20, bottom: 20 },
    rows: [head1, head2, ...rows, total],
  });
}

function annexSection(rollup: Rollup, config: Config, catalogue: Catalogue): ISectionOptions {
  const units = rollup.units.filter((u) => u.parent === rollup.root.code);
  const reference = `(Kèm theo Báo cáo ${documentNumber(config).replace(/^Số: /, 'số ')} ${config.documentDate ? `ngày ${config.documentDate.split('-').reverse().join('/')} ` : ''}của ${config.agency.name ?? BLANK})`;
  const children: (Paragraph | Table)[] = [];
  catalogue.groups.forEach((group, gi) => {
    const indicators = catalogue.indicators.filter((i) => i.group === group.code);
    children.push(
      new Paragraph({ alignment: AlignmentType.CENTER, pageBreakBefore: gi > 0, children: [run(`Phụ lục ${ROMAN[gi]}`, { bold: true })] }),
      centred(`SỐ LIỆU ${group.heading} – ${rollup.periodLabel.toLocaleUpperCase('vi')}`.toLocaleUpperCase('vi'), { bold: true, size: 13 }),
      centred(reference, { italics: true, size: 13, after: 160 }),
    );
    for (const chunk of chunks(indicators)) {
      children.push(annexTable(chunk, units, rollup));
      children.push(
        new Paragraph({
          spacing: { before: 60, after: 200 },
          children: [run(`Ghi chú: ${chunk.map((i) => `${i.code} – ${i.name}`).join('; ')}. Dấu "-": không có số liệu.`, { size: 10, italics: true })],
        }),
      );
    }
  });
  return {
    properties: {
      page: {
        size: { width: PAGE.width, height: PAGE.height, orientation: PageOrientation.LANDSCAPE },
        margin: { ...ANNEX_MARGIN, header: 567, footer: 567 },
        pageNumbers: { start: 1 },
      },
    },
    headers: { default: pageNumberHeader() },
    children,
  };
}
