import {
  AlignmentType,
  BorderStyle,
  Document,
  Header,
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
import { loadCatalogue, wordingFile, type Catalogue } from '../../catalogue/catalogue.js';
import type { Config } from '../../config.js';
import type { Rollup } from '../../model.js';
import { dataFiles } from '../../data-files.js';
import { rollupInEdition } from '../../rollup/convert.js';
import { pad2 } from '../../util/number.js';
import { markerParagraph, withAnnexTables, type AnnexTable } from './annex.js';
import { docxParts } from './docx-parts.js';
import { fillTemplate, MISSING_IN_BODY, periodPhrase, type Block, type BodyTable } from './wording.js';
import { agencyInText, agencyLines, inSentence, superiorLines } from './names.js';
import { programmeGroup } from './coverage.js';
import { issuerConfig, wordingVariant } from './issuer.js';
import { UsageError } from '../../errors.js';
import { formatNumber } from '../../util/number.js';
import type { Codec } from '../../ooxml/zip.js';

/** Nghị định 30/2020, Phụ lục I: A4, margins in twips (20 mm top/bottom, 30 mm left, 15 mm right). */
export const PAGE = { width: 11906, height: 16838, top: 1134, bottom: 1134, left: 1701, right: 850 } as const;
const ANNEX_MARGIN = { top: 1134, bottom: 1134, left: 1134, right: 1134 } as const;
const BODY_WIDTH = PAGE.width - PAGE.left - PAGE.right;
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
const THIN = { style: BorderStyle.SINGLE, size: 4, color: '000000' } as const;

export interface ReportOptions {
  previous?: Rollup;
  /** Earlier roll-ups of the phase (`--previous` given more than once): cumulative figures ({phase:MÃ}). */
  phase?: Rollup[];
  catalogue?: Catalogue;
  /** The platform's deflate (Node's zlib at the Node edge) for the document part; fflate without it. */
  codec?: Codec;
}

/** An issuer whose report this edition has no wording for (exit 2). */
export class IssuerWordingMissing extends UsageError {}

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X'];

/** The report's paragraph styles: Times New Roman 14 in the body (Nghị định 30), the annex tables' own styles. */
const REPORT_STYLES = {
  default: {
    document: {
      run: { font: { ascii: FONT, hAnsi: FONT, cs: FONT, eastAsia: FONT }, size: pt(14) },
      paragraph: { spacing: { before: 0, after: 0 } },
    },
  },
  paragraphStyles: [
    {
      id: 'SoLieuPhuLuc',
      name: 'Số liệu phụ lục',
      basedOn: 'Normal',
      run: { size: pt(11) },
      paragraph: { alignment: AlignmentType.RIGHT },
    },
    {
      id: 'ChuPhuLuc',
      name: 'Chữ phụ lục',
      basedOn: 'Normal',
      run: { size: pt(11) },
      paragraph: { alignment: AlignmentType.LEFT },
    },
    {
      id: 'TieuDePhuLuc',
      name: 'Tiêu đề phụ lục',
      basedOn: 'Normal',
      run: { size: pt(10), bold: true },
      paragraph: { alignment: AlignmentType.CENTER },
    },
    {
      id: 'DonViPhuLuc',
      name: 'Đơn vị tính phụ lục',
      basedOn: 'Normal',
      run: { size: pt(10), italics: true },
      paragraph: { alignment: AlignmentType.CENTER },
    },
    {
      id: 'TongPhuLuc',
      name: 'Tổng phụ lục',
      basedOn: 'Normal',
      run: { size: pt(11), bold: true },
      paragraph: { alignment: AlignmentType.RIGHT },
    },
    {
      id: 'TenTongPhuLuc',
      name: 'Tên dòng tổng phụ lục',
      basedOn: 'Normal',
      run: { size: pt(11), bold: true },
      paragraph: { alignment: AlignmentType.LEFT },
    },
  ],
};

/** The yearly report as a DOCX (docs/report.md), from a roll-up, the config and its edition's wording (bao-cao.txt). */
export async function renderReport(rollup: Rollup, given: Config, options: ReportOptions = {}): Promise<Uint8Array> {
  const { doc, tables } = reportDocument(rollup, given, options);
  // docx's parts, then the annex tables written into the document part and every part zipped once (ooxml).
  return withAnnexTables(await docxParts(doc), tables, rollup.generatedAt, options.codec);
}

/** The report as the docx library's Document, with the annex tables that go in its marker paragraphs. */
export function reportDocument(
  rollup: Rollup,
  given: Config,
  options: ReportOptions = {},
): { doc: Document; tables: AnnexTable[] } {
  const catalogue = options.catalogue ?? loadCatalogue(rollup.edition ?? rollup.catalogueVersion);
  const config = issuerConfig(given, rollup);
  // Each edition has its own wording (its placeholders name that edition's codes); an issuer may have its own too.
  const variant = wordingVariant(config.issuer);
  const template = wordingOf(catalogue, variant);
  // The Women's Union reports the programme only: its annex is the programme's.
  const programme = programmeGroup(catalogue);
  const annexGroups = catalogue.groups.filter(
    (g) => catalogue.indicators.some((i) => i.group === g.code) && (!variant || g.code === programme?.code),
  );
  const annexes = annexGroups.length ? `Phụ lục ${annexGroups.map((_, i) => ROMAN[i]).join(', ')}` : undefined;
  // Last period is compared in this edition: only codes that stayed (same) or moved (crosswalk) have a change.
  const previous = options.previous && rollupInEdition(options.previous, catalogue.version, 'tệp tổng hợp kỳ trước');
  // More missing units than the body names: listed in an annex of their own, after the figure tables.
  const missing = rollup.completeness.missing;
  const missingAnnex = missing.length > MISSING_IN_BODY ? `Phụ lục ${ROMAN[annexGroups.length]}` : undefined;
  const quoteAnnex = {
    name: `Phụ lục ${ROMAN[annexGroups.length + (missingAnnex ? 1 : 0)]}`,
    parts: [] as { title: string; blocks: Block[] }[],
  };
  const phase = (options.phase ?? []).map((r) => rollupInEdition(r, catalogue.version, 'tệp tổng hợp kỳ trước'));
  const blocks = fillTemplate(template, {
    rollup,
    catalogue,
    config,
    previous,
    phase,
    annexes,
    missingAnnex,
    quoteAnnex,
  });
  // The annex tables are written as XML directly: thousands of rows as docx objects cost seconds and gigabytes.
  const tables: AnnexTable[] = [];
  const doc = new Document({
    ...documentProperties(rollup, config, catalogue),
    styles: REPORT_STYLES,
    sections: [
      mainSection(config, blocks, reportTitle(rollup, config, catalogue)),
      ...annexGroups.map((group, gi) => annexSection(rollup, config, catalogue, group.code, gi, tables, missingAnnex)),
      ...(missingAnnex ? [missingSection(rollup, config, annexGroups.length)] : []),
      ...(quoteAnnex.parts.length ? [quoteSection(rollup, config, quoteAnnex)] : []),
    ],
  });
  return { doc, tables };
}

/** The edition's wording (bao-cao.txt), or an issuer's own variant of it, which the edition must have. */
function wordingOf(catalogue: Catalogue, variant: string | undefined): string {
  const file = wordingFile(catalogue.version, variant);
  if (variant && !dataFiles().list(`catalogue/${catalogue.version}`).includes(file.split('/').pop()!))
    throw new IssuerWordingMissing(
      `phiên bản biểu mẫu ${catalogue.version} chưa có lời văn cho báo cáo này (${file}).`,
    );
  return dataFiles().read(file);
}

/** The DOCX's properties: who issued it, what it is, and the run id that ties it to the summary and the JSON. */
function documentProperties(rollup: Rollup, config: Config, catalogue: Catalogue) {
  const issuer = agencyInText(config);
  return {
    creator: issuer ?? 'bdg',
    lastModifiedBy: 'bdg',
    title: reportTitle(rollup, config, catalogue),
    subject: `Báo cáo ${inSentence(rollup.root.name)}, ${periodPhrase(rollup.periodLabel)}`,
    description: 'Lập bằng bdg từ tệp tổng hợp số liệu; cán bộ rà soát, bổ sung các chỗ tô vàng trước khi ký.',
    keywords: 'bình đẳng giới; Dự án 8; báo cáo',
    // docProps/custom.xml
    customProperties: [
      ...(rollup.runId ? [{ name: 'Mã lần tổng hợp', value: rollup.runId }] : []),
      { name: 'Phiên bản biểu mẫu', value: catalogue.version },
      { name: 'Cơ quan ban hành', value: issuer ?? 'chưa khai báo trong tệp cấu hình' },
      { name: 'Phần mềm lập', value: 'bdg' },
    ],
  };
}

export function reportTitle(rollup: Rollup, config?: Config, catalogue?: Catalogue): string {
  const programme = catalogue && programmeGroup(catalogue);
  if (config && wordingVariant(config.issuer) && programme)
    return `Kết quả thực hiện ${programme.name} ${periodPhrase(rollup.periodLabel)}`;
  return `Kết quả thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ ${periodPhrase(rollup.periodLabel)}`;
}

/** Breaks a title into lines of about equal length at word boundaries, so no word is left alone on the last line. */
export function balancedLines(text: string, maxChars: number): string[] {
  if (text.length <= maxChars) return [text];
  const words = text.split(' ');
  const lines = Math.ceil(text.length / maxChars);
  const target = text.length / lines;
  const out: string[] = [];
  let current = '';
  for (const w of words) {
    const next = current ? `${current} ${w}` : w;
    if (current && out.length < lines - 1 && Math.abs(next.length - target) > Math.abs(current.length - target)) {
      out.push(current);
      current = w;
    } else current = next;
  }
  out.push(current);
  return out;
}

type RunOptions = { size?: number; bold?: boolean; italics?: boolean; highlight?: boolean; breakBefore?: boolean };

function run(text: string, opts: RunOptions = {}): TextRun {
  return new TextRun({
    text,
    size: pt(opts.size ?? 14),
    bold: opts.bold,
    italics: opts.italics,
    highlight: opts.highlight ? 'yellow' : undefined,
    break: opts.breakBefore ? 1 : undefined,
  });
}

/** Text with the officer's blanks "[…]" and the config's missing fields "…………" highlighted, so none is missed. */
function runs(text: string, opts: RunOptions = {}): TextRun[] {
  return text
    .split(/(\[[^\]]*\]|…………)/)
    .filter(Boolean)
    .map((part) => run(part, { ...opts, highlight: (part.startsWith('[') && part.endsWith(']')) || part === BLANK }));
}

function centred(
  children: ParagraphChild[] | string,
  opts: RunOptions & { before?: number; after?: number; keepNext?: boolean } = {},
): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { before: opts.before ?? 0, after: opts.after ?? 0 },
    keepNext: opts.keepNext,
    children: typeof children === 'string' ? runs(children, opts) : children,
  });
}

/** A short centred rule: a bottom border on an empty paragraph narrowed by equal indents. */
function horizontalLine(columnWidth: number, ruleWidth: number): Paragraph {
  const indent = Math.max(0, Math.round((columnWidth - ruleWidth) / 2));
  return new Paragraph({
    indent: { left: indent, right: indent },
    border: { bottom: LINE },
    spacing: { before: 0, after: 0 },
    children: [run('', { size: 4 })],
  });
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

/** The header reaches a little into the left margin, as the official samples do, so agency names fit their lines. */
const HEADER_INDENT = -400;
const HEADER_LEFT = 4200;
const HEADER_RIGHT = BODY_WIDTH - HEADER_INDENT - HEADER_LEFT + 100;

function cell(children: Paragraph[], width: number, opts: { borders?: boolean } = {}): TableCell {
  return new TableCell({
    children,
    width: { size: width, type: WidthType.DXA },
    borders: opts.borders ? { top: THIN, bottom: THIN, left: THIN, right: THIN } : NO_BORDERS,
  });
}

/**
 * The two-column header: the issuer and the Quốc hiệu in one row, "Số:" and the place and date in the next, so
 * the two always stand level whatever the number of name lines.
 */
function headerBlock(config: Config): Table {
  const agency = agencyLines(config);
  const superior = superiorLines(config);
  const left = [
    ...(superior === undefined ? [BLANK] : superior).map((l) => centred(l.toLocaleUpperCase('vi'), { size: 13 })),
    ...(agency.length ? agency : [BLANK]).map((l) => centred(l.toLocaleUpperCase('vi'), { size: 13, bold: true })),
    horizontalLine(HEADER_LEFT, 1300),
  ];
  const right = [
    centred('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { size: 13, bold: true }),
    centred('Độc lập - Tự do - Hạnh phúc', { size: 14, bold: true }),
    horizontalLine(HEADER_RIGHT, 3200),
  ];
  return new Table({
    layout: TableLayoutType.FIXED,
    width: { size: HEADER_LEFT + HEADER_RIGHT, type: WidthType.DXA },
    indent: { size: HEADER_INDENT, type: WidthType.DXA },
    columnWidths: [HEADER_LEFT, HEADER_RIGHT],
    borders: NO_BORDERS,
    rows: [
      new TableRow({ cantSplit: true, children: [cell(left, HEADER_LEFT), cell(right, HEADER_RIGHT)] }),
      new TableRow({
        cantSplit: true,
        children: [
          cell([centred(documentNumber(config), { size: 13, before: 120 })], HEADER_LEFT),
          cell([centred(placeAndDate(config), { size: 14, italics: true, before: 120 })], HEADER_RIGHT),
        ],
      }),
    ],
  });
}

function bodyParagraph(
  children: ParagraphChild[],
  opts: { indent?: number | false; hanging?: number; keepNext?: boolean } = {},
): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.JUSTIFIED,
    indent: opts.indent === false ? undefined : { firstLine: opts.indent ?? 720 },
    spacing: { before: 60, after: 60, line: 288 },
    keepNext: opts.keepNext,
    children,
  });
}

function blockElements(block: Block): (Paragraph | Table)[] {
  switch (block.kind) {
    case 'heading':
      return [bodyParagraph(runs(block.text, { bold: block.level < 3 }), { keepNext: true })];
    case 'attributed':
      if (block.lines.length === 1)
        return [bodyParagraph([run(`- ${block.unit}: `, { italics: true }), ...runs(block.lines[0]!)])];
      return [
        bodyParagraph([run(`- ${block.unit}:`, { italics: true })], { keepNext: true }),
        ...block.lines.map((l) => bodyParagraph(runs(`+ ${l}`), { indent: 1080 })),
      ];
    case 'bullet':
      return [bodyParagraph(runs(block.text))];
    case 'paragraph':
      return [bodyParagraph(runs(block.text), { keepNext: block.text.endsWith(':') })];
    case 'table':
      return [bodyTable(block.table), new Paragraph({ spacing: { after: 60 }, children: [] })];
  }
}

/** A small bordered table in the body (results against the plan, the Nghị quyết 28 targets). */
function bodyTable(t: BodyTable): Table {
  const total = t.columns.reduce((a, c) => a + c.width, 0);
  const widths = t.columns.map((c) => Math.floor((BODY_WIDTH * c.width) / total));
  const align = { left: AlignmentType.LEFT, center: AlignmentType.CENTER, right: AlignmentType.RIGHT } as const;
  const cellOf = (text: string, i: number, header: boolean) =>
    new TableCell({
      width: { size: widths[i]!, type: WidthType.DXA },
      verticalAlign: VerticalAlign.CENTER,
      borders: { top: THIN, bottom: THIN, left: THIN, right: THIN },
      children: [
        new Paragraph({
          alignment: header ? AlignmentType.CENTER : align[t.columns[i]!.align],
          children: runs(text, { size: 12, bold: header }),
        }),
      ],
    });
  return new Table({
    layout: TableLayoutType.FIXED,
    width: { size: widths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
    columnWidths: widths,
    margins: { left: 80, right: 80, top: 30, bottom: 30 },
    rows: [
      new TableRow({ tableHeader: true, cantSplit: true, children: t.columns.map((c, i) => cellOf(c.title, i, true)) }),
      ...t.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((text, i) => cellOf(text, i, false)) })),
    ],
  });
}

const CLOSE_LEFT = 4300;
const CLOSE_RIGHT = BODY_WIDTH - CLOSE_LEFT;

/** Nơi nhận and the signature, one row that cannot split, every paragraph kept with the next. */
function closingBlock(config: Config): Table {
  const lines = config.distribution.length ? config.distribution : [BLANK];
  const keep = (p: { children: ParagraphChild[]; alignment?: (typeof AlignmentType)[keyof typeof AlignmentType] }) =>
    new Paragraph({ keepNext: true, keepLines: true, alignment: p.alignment, children: p.children });
  const left = [
    keep({ children: [run('Nơi nhận:', { size: 12, bold: true, italics: true })] }),
    ...lines.map((l) => keep({ children: runs(`- ${l.replace(/[;.]\s*$/, '')};`, { size: 11 }) })),
    keep({ children: runs(`- Lưu: ${(config.archive ?? `VT, ${BLANK}`).replace(/\.\s*$/, '')}.`, { size: 11 }) }),
  ];
  const signer = config.signer;
  const right = [
    // "TM. ỦY BAN NHÂN DÂN" and "KT. CHỦ TỊCH" on lines of their own.
    ...(signer.prefix ?? '')
      .split('\n')
      .filter(Boolean)
      .map((l) =>
        keep({ alignment: AlignmentType.CENTER, children: [run(l.trim().toLocaleUpperCase('vi'), { bold: true })] }),
      ),
    keep({
      alignment: AlignmentType.CENTER,
      children: runs((signer.title ?? BLANK).toLocaleUpperCase('vi'), { bold: true }),
    }),
    ...[1, 2, 3, 4].map(() => keep({ alignment: AlignmentType.CENTER, children: [run('')] })),
    keep({ alignment: AlignmentType.CENTER, children: runs(signer.name ?? BLANK, { bold: true }) }),
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
  return new Header({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [new TextRun({ children: [PageNumber.CURRENT], size: pt(14) })],
      }),
    ],
  });
}

function mainSection(config: Config, blocks: Block[], fullTitle: string): ISectionOptions {
  const recipients = config.recipients;
  const kinhGui =
    recipients.length === 0
      ? [centred(`Kính gửi: ${BLANK}`, { before: 120 })]
      : recipients.length === 1
        ? [centred(`Kính gửi: ${recipients[0]}.`, { before: 120 })]
        : [
            new Paragraph({ indent: { left: 2200 }, spacing: { before: 120 }, children: [run('Kính gửi:')] }),
            ...recipients.map(
              (r, i) =>
                new Paragraph({
                  indent: { left: 3300 },
                  children: [run(`- ${r}${i === recipients.length - 1 ? '.' : ';'}`)],
                }),
            ),
          ];
  const title = balancedLines(fullTitle, 62);
  const body = blocks.flatMap(blockElements);
  // The closing sentence travels with the signature: never a signature alone on the last page.
  const closing = body.pop() as Paragraph;
  const lastBlock = blocks[blocks.length - 1]!;
  const lastText = lastBlock.kind === 'paragraph' ? lastBlock.text : '';
  return {
    properties: {
      page: {
        size: { width: PAGE.width, height: PAGE.height },
        margin: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right, header: 567, footer: 567 },
      },
      titlePage: true,
    },
    headers: { default: pageNumberHeader(), first: new Header({ children: [new Paragraph('')] }) },
    children: [
      headerBlock(config),
      centred('BÁO CÁO', { bold: true, before: 360 }),
      centred(
        title.map((line, i) => run(i < title.length - 1 ? `${line} ` : line, { bold: true, breakBefore: i > 0 })),
        { keepNext: true },
      ),
      horizontalLine(BODY_WIDTH, 2400),
      ...kinhGui,
      new Paragraph({ spacing: { after: 120 }, children: [] }),
      ...body,
      lastText
        ? new Paragraph({
            alignment: AlignmentType.JUSTIFIED,
            indent: { firstLine: 720 },
            spacing: { before: 60, after: 240, line: 288 },
            keepNext: true,
            keepLines: true,
            children: runs(lastText),
          })
        : closing,
      closingBlock(config),
    ],
  };
}

function referenceLine(rollup: Rollup, config: Config): string {
  const number = documentNumber(config).replace(/^Số: /, 'số ');
  const date = config.documentDate ? config.documentDate.split('-').reverse().join('/') : '…/…/……';
  const agency = agencyInText(config);
  const root = inSentence(rollup.root.name);
  const issuer = agency
    ? agency.toLocaleLowerCase('vi').includes(root.replace(/^\S+\s/, '').toLocaleLowerCase('vi'))
      ? agency
      : `${agency} ${root}`
    : BLANK;
  return `(Kèm theo Báo cáo ${number} ngày ${date} của ${issuer})`;
}

/** One annex per catalogue group, in its own landscape section numbered from 1. */
function annexSection(
  rollup: Rollup,
  config: Config,
  catalogue: Catalogue,
  group: string,
  index: number,
  tables: AnnexTable[],
  missingAnnex: string | undefined,
): ISectionOptions {
  // The units that reported, one row each; those that did not, one line (named, or counted with the annex listing
  // them).
  const units = rollup.units.filter((u) => u.parent === rollup.root.code && u.source !== 'missing');
  const absent = rollup.units.filter((u) => u.parent === rollup.root.code && u.source === 'missing');
  const missingLine = !absent.length
    ? undefined
    : missingAnnex
      ? `Các đơn vị chưa gửi báo cáo: ${formatNumber(absent.length)} đơn vị (danh sách tại ${missingAnnex})`
      : `Chưa gửi báo cáo: ${absent.map((u) => u.name).join(', ')}`;
  const heading = catalogue.groups.find((g) => g.code === group)!.heading;
  const indicators = catalogue.indicators.filter((i) => i.group === group);
  const children: Paragraph[] = [
    centred(`Phụ lục ${ROMAN[index]}`, { bold: true }),
    centred(`SỐ LIỆU ${heading} ${periodPhrase(rollup.periodLabel)}`.toLocaleUpperCase('vi'), { bold: true, size: 13 }),
    centred(referenceLine(rollup, config), { italics: true, size: 13, after: 160 }),
  ];
  for (const chunk of chunks(indicators)) {
    children.push(markerParagraph(tables.length));
    tables.push({
      indicators: chunk,
      units,
      rollup,
      width: PAGE.height - ANNEX_MARGIN.left - ANNEX_MARGIN.right,
      missingLine,
    });
    children.push(
      new Paragraph({
        spacing: { before: 60, after: 200 },
        children: [run('Ghi chú: dấu "-" là không có số liệu.', { size: 10, italics: true })],
      }),
    );
  }
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

/** The annex listing the units that sent nothing: a short portrait table, numbered on its own. */
function missingSection(rollup: Rollup, config: Config, index: number): ISectionOptions {
  const missing = rollup.completeness.missing;
  const byCode = new Map(rollup.units.map((u) => [u.code, u]));
  const parentName = (code: string) => {
    const p = byCode.get(byCode.get(code)?.parent ?? '');
    return p && p.code !== rollup.root.code ? p.name : '';
  };
  const withParent = missing.some((m) => parentName(m.code));
  const table = bodyTable({
    columns: [
      { title: 'STT', width: 8, align: 'center' },
      { title: 'Mã đơn vị', width: 16, align: 'center' },
      { title: 'Tên đơn vị', width: withParent ? 40 : 76, align: 'left' },
      ...(withParent ? [{ title: 'Thuộc', width: 36, align: 'left' as const }] : []),
    ],
    rows: missing.map((m, i) => [String(i + 1), m.code, m.name, ...(withParent ? [parentName(m.code)] : [])]),
  });
  return {
    properties: {
      page: {
        size: { width: PAGE.width, height: PAGE.height },
        margin: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right, header: 567, footer: 567 },
        pageNumbers: { start: 1 },
      },
    },
    headers: { default: pageNumberHeader() },
    children: [
      centred(`Phụ lục ${ROMAN[index]}`, { bold: true }),
      centred(`DANH SÁCH ĐƠN VỊ CHƯA GỬI BÁO CÁO ${periodPhrase(rollup.periodLabel)}`.toLocaleUpperCase('vi'), {
        bold: true,
        size: 13,
      }),
      centred(`(${formatNumber(missing.length)}/${formatNumber(rollup.completeness.expected)} đơn vị)`, { size: 13 }),
      centred(referenceLine(rollup, config), { italics: true, size: 13, after: 160 }),
      table,
    ],
  };
}

/** The units' own words, when too long for the body: one part per heading of the body that points here. */
function quoteSection(
  rollup: Rollup,
  config: Config,
  annex: { name: string; parts: { title: string; blocks: Block[] }[] },
): ISectionOptions {
  return {
    properties: {
      page: {
        size: { width: PAGE.width, height: PAGE.height },
        margin: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right, header: 567, footer: 567 },
        pageNumbers: { start: 1 },
      },
    },
    headers: { default: pageNumberHeader() },
    children: [
      centred(annex.name, { bold: true }),
      centred(`Ý KIẾN CỦA CÁC ĐƠN VỊ ${periodPhrase(rollup.periodLabel)}`.toLocaleUpperCase('vi'), {
        bold: true,
        size: 13,
      }),
      centred(referenceLine(rollup, config), { italics: true, size: 13, after: 160 }),
      ...annex.parts.flatMap((p, i) => [
        ...blockElements({ kind: 'heading', level: 2, text: `${i + 1}. ${p.title}` }),
        ...p.blocks.flatMap(blockElements),
      ]),
    ],
  };
}

/** Figure columns one landscape table can hold legibly. */
const MAX_FIGURE_COLUMNS = 12;

/** Splits indicators into tables of at most MAX_FIGURE_COLUMNS figure columns, never splitting an indicator. */
function chunks<T extends { breakdowns: unknown[] }>(indicators: T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let width = 0;
  for (const ind of indicators) {
    const w = 1 + ind.breakdowns.length;
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
