import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, measuresOf } from '../src/core/catalogue/catalogue.js';
import type { Rollup } from '../src/core/model.js';
import { formatNumber } from '../src/core/util/number.js';
import '../src/node/package-data-files.js';
import { checkTemplate, cleanLine, percent, TemplateError } from '../src/core/write/report/wording.js';
import { agencyInText } from '../src/core/write/report/names.js';
import { configSchema, EMPTY_CONFIG } from '../src/core/config.js';
import { bdg, ROOT } from './helpers/cli.js';
import { openDocx, paragraphsOf, parseVn, type OpenedDocx } from './helpers/docx.js';
import { figuresFor, THREE_LEVEL, writeSubmission, writeUnits } from './helpers/province.js';
import { tempDir } from './helpers/workbooks.js';
import { reportDocument } from '../src/core/write/report/index.js';
import { docxParts, packedParts } from '../src/core/write/report/docx-parts.js';

const catalogue = loadCatalogue('BDG-2024.1');
const CONFIG = {
  agency: { superior: 'UBND tỉnh Thử Nghiệm', name: 'Sở Nội vụ', symbol: 'SNV' },
  place: 'Thử Nghiệm',
  documentNumber: 5,
  documentDate: '2025-01-05',
  basis: [
    'Kế hoạch số 25/KH-UBND ngày 12/02/2024 của Ủy ban nhân dân tỉnh',
    'Công văn số 458/BNV-BĐG ngày 15/11/2024 của Bộ Nội vụ',
  ],
  plan: { 'DA8.01': 50 },
  recipients: ['Bộ Nội vụ'],
  signer: { prefix: 'KT. Giám đốc', title: 'Phó Giám đốc', name: 'Nguyễn Văn Minh' },
  distribution: ['Như trên', 'UBND tỉnh (để b/c)'],
  archive: 'VT, BĐG',
};

let dir: string;
/** All three districts reported: complete coverage. */
let rollup: Rollup;
let doc: OpenedDocx;
/** Two of the three: partial coverage (2/3 < coverageForVerdict 0,9). */
let partialRollup: Rollup;
let partial: OpenedDocx;
let configPath: string;

beforeAll(async () => {
  dir = tempDir('bdg-report-');
  writeUnits(dir, THREE_LEVEL); // named by the config below
  const a = figuresFor(71, 4);
  a['BDG.28'] = { total: 0 };
  a['BDG.29'] = { total: 0 };
  a['DA8.02'] = { total: 0 };
  const b = figuresFor(72, 4);
  b['BDG.28'] = { total: 0 };
  b['BDG.29'] = { total: 0 };
  b['DA8.02'] = { total: 0 };
  b['BDG.07'] = { total: null }; // reported by one district only: partial
  // Two districts say the same thing in slightly different words, one of them on two lines.
  await writeSubmission(join(dir, 'in', '101.xlsx'), { code: '101', name: 'Huyện Đông' }, a, {
    narrative: {
      difficulties: 'Cán bộ kiêm nhiệm, thường xuyên thay đổi.\n- Thiếu kinh phí cho cấp xã',
      proposals: 'Đề nghị tỉnh tăng cường tập huấn cho cán bộ cấp xã.',
    },
  });
  await writeSubmission(join(dir, 'in', '102.xlsx'), { code: '102', name: 'Huyện Tây' }, b, {
    narrative: { difficulties: 'Cán bộ kiêm nhiệm, thường xuyên thay đổi', proposals: 'Đề nghị bố trí kinh phí sớm.' },
  });
  configPath = join(dir, 'cau-hinh.json');
  writeFileSync(configPath, JSON.stringify({ ...CONFIG, units: 'don-vi.csv' }));
  const p = bdg(['consolidate', join(dir, 'in'), '--config', configPath, '--out', join(dir, 'out-partial')]);
  expect(p.status, p.stderr).toBe(0);
  partialRollup = JSON.parse(readFileSync(join(dir, 'out-partial', 'tong-hop-10-2024.json'), 'utf8'));
  partial = await openDocx(join(dir, 'out-partial', 'bao-cao-10-2024.docx'));
  const c = figuresFor(73, 4);
  c['BDG.28'] = { total: 0 };
  c['BDG.29'] = { total: 0 };
  c['DA8.02'] = { total: 0 };
  await writeSubmission(join(dir, 'in', '103.xlsx'), { code: '103', name: 'Thị xã Nam' }, c);
  const r = bdg(['consolidate', join(dir, 'in'), '--config', configPath, '--out', join(dir, 'out')]);
  expect(r.status, r.stderr).toBe(0);
  rollup = JSON.parse(readFileSync(join(dir, 'out', 'tong-hop-10-2024.json'), 'utf8'));
  doc = await openDocx(join(dir, 'out', 'bao-cao-10-2024.docx'));
});

const para = (d: OpenedDocx, text: string | RegExp) =>
  d.paragraphs.find((p) => (typeof text === 'string' ? p.text === text : text.test(p.text)));
const total = (code: string, m: 'total' | 'nu' | 'dtts' = 'total') => rollup.totals[code]![m] as number;
/** The body: from the opening to the closing sentence (the header, the closing and the annexes excluded). */
const body = (d: OpenedDocx) => {
  const start = d.paragraphs.findIndex((p) => p.text.startsWith('Thực hiện '));
  const end = d.paragraphs.findIndex((p) => p.text.startsWith('Trên đây là báo cáo'));
  return d.paragraphs.slice(start, end + 1);
};
/** The main section's XML, before the first annex. */
const mainXml = (d: OpenedDocx) => d.document.slice(0, d.document.indexOf('<w:sectPr'));

describe('the report DOCX: page and header (Nghị định 30/2020)', () => {
  it('A4 portrait with the official margins, numbered from page 2; each annex landscape and numbered on its own', () => {
    const sects = [...doc.document.matchAll(/<w:sectPr[\s\S]*?<\/w:sectPr>/g)].map((m) => m[0]);
    expect(sects).toHaveLength(3);
    const [main, ...annexes] = sects as [string, ...string[]];
    expect(main).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(main).toMatch(/<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701"/);
    expect(main).toContain('<w:titlePg/>');
    expect(main).not.toContain('w:start=');
    for (const annex of annexes) {
      expect(annex).toMatch(/<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/);
      expect(annex).toMatch(/<w:pgNumType w:start="1"/);
    }
    const first = /<w:headerReference w:type="first" r:id="(rId\d+)"/.exec(main)![1];
    const dflt = /<w:headerReference w:type="default" r:id="(rId\d+)"/.exec(main)![1];
    const rels = doc.files['word/_rels/document.xml.rels']!;
    const target = (id: string) =>
      new RegExp(`Id="${id}"[^>]*Target="([^"]+)"`).exec(rels)?.[1] ??
      new RegExp(`Target="([^"]+)"[^>]*Id="${id}"`).exec(rels)![1];
    expect(doc.files[`word/${target(first!)}`]!).not.toMatch(/PAGE/);
    const defaultHeader = doc.files[`word/${target(dflt!)}`]!;
    expect(defaultHeader).toMatch(/PAGE/);
    expect(defaultHeader).toContain('<w:jc w:val="center"/>');
    expect(defaultHeader).toContain('<w:sz w:val="28"/>');
  });

  it('Times New Roman in all four font slots, 14 pt by default', () => {
    const styles = doc.files['word/styles.xml']!;
    expect(styles).toMatch(
      /<w:rFonts w:ascii="Times New Roman" w:cs="Times New Roman" w:eastAsia="Times New Roman" w:hAnsi="Times New Roman"\/>/,
    );
    expect(styles).toMatch(/<w:docDefaults>[\s\S]*<w:sz w:val="28"\/>/);
  });

  it('the header: agency and Quốc hiệu in one row, "Số:" and the place and date level in the next', () => {
    const [names, numbers] = doc.rows as [string[], string[]];
    expect(names[0]!.split('\n').filter(Boolean)).toEqual(['UBND TỈNH THỬ NGHIỆM', 'SỞ NỘI VỤ']);
    expect(names[1]!.split('\n').filter(Boolean)).toEqual([
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
    ]);
    expect(numbers).toEqual(['Số: 05/BC-SNV', 'Thử Nghiệm, ngày 05 tháng 01 năm 2025']);
    const run = (text: string) => doc.paragraphs.find((p) => p.text === text)!.runs[0]!;
    expect(run('UBND TỈNH THỬ NGHIỆM')).toMatchObject({ bold: false, size: 26 });
    expect(run('SỞ NỘI VỤ')).toMatchObject({ bold: true, size: 26 });
    expect(run('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')).toMatchObject({ bold: true, size: 26 });
    expect(run('Độc lập - Tự do - Hạnh phúc')).toMatchObject({ bold: true, size: 28 });
    expect(run('Thử Nghiệm, ngày 05 tháng 01 năm 2025')).toMatchObject({ italic: true, size: 28 });
    expect(run('Số: 05/BC-SNV')).toMatchObject({ size: 26 });
    // The rules under the agency, the motto and the title: bordered empty paragraphs.
    expect(mainXml(doc).match(/<w:pBdr><w:bottom w:val="single"/g)?.length).toBe(3);
    expect(run('BÁO CÁO')).toMatchObject({ bold: true, size: 28 });
    expect(para(doc, 'Kính gửi: Bộ Nội vụ.')).toBeDefined();
  });

  it('the title is broken in balance: no year alone on its last line', () => {
    const title = doc.paragraphs.find((p) => p.text.startsWith('Kết quả thực hiện công tác'))!;
    expect(title.text).toBe('Kết quả thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm 2024');
    const lines = title.xml.split('<w:br/>').map((x) =>
      [...x.matchAll(/<w:t(?: [^>]*)?>([^<]*)</g)]
        .map((m) => m[1])
        .join('')
        .trim(),
    );
    expect(lines).toEqual(['Kết quả thực hiện công tác bình đẳng giới', 'và vì sự tiến bộ của phụ nữ năm 2024']);
    expect(title.runs.every((r) => r.bold)).toBe(true);
  });

  it('agency lines come from the config; an issuer with no superior prints no blank line', async () => {
    const d = await rewrite(() => {}, [], {
      ...CONFIG,
      agency: { superior: null, name: ['ỦY BAN NHÂN DÂN', 'TỈNH THỬ NGHIỆM'], symbol: 'UBND' },
    });
    expect(d.rows[0]![0]!.split('\n').filter(Boolean)).toEqual(['ỦY BAN NHÂN DÂN', 'TỈNH THỬ NGHIỆM']);
    expect(d.rows[1]![0]).toBe('Số: 05/BC-UBND');
    expect(para(d, /^Thực hiện /)!.text).toContain(', Ủy ban nhân dân tỉnh Thử Nghiệm báo cáo kết quả');
  });

  it('body justified with a first-line indent; numbered headings; ends with ./.', () => {
    const p = para(doc, /^Trong năm 2024, các cấp, các ngành đã tổ chức/)!;
    expect(p.xml).toContain('<w:jc w:val="both"/>');
    expect(p.xml).toMatch(/<w:ind w:firstLine="720"\/>/);
    expect(para(doc, 'I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH')!.runs[0]!.bold).toBe(true);
    expect(para(doc, '1. Công tác truyền thông')!.runs[0]!.bold).toBe(true);
    expect(para(doc, /^a\) Nội dung 1/)!.runs[0]!.bold).toBe(false);
    expect(para(doc, /^Trên đây là báo cáo/)!.text).toBe(
      'Trên đây là báo cáo kết quả thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm 2024 của Sở Nội vụ./.',
    );
  });

  it('the signature block is kept with the closing paragraph: never alone on the last page', () => {
    const closingSentence = para(doc, /^Trên đây là báo cáo/)!;
    expect(closingSentence.xml).toContain('<w:keepNext/>');
    const main = mainXml(doc);
    const closingTable = main.slice(main.lastIndexOf('<w:tbl>'));
    expect(closingTable).toContain('Nơi nhận:');
    expect(closingTable).toContain('<w:cantSplit/>');
    // Nothing stands between the closing sentence and the signature.
    expect(main.indexOf(closingSentence.xml) + closingSentence.xml.length).toBe(main.lastIndexOf('<w:tbl>'));
    for (const p of paragraphsOf(closingTable)) expect(p.xml).toContain('<w:keepNext/>');
  });

  it('Nơi nhận and the signature side by side', () => {
    const closing = doc.rows.find((r) => r[0]?.startsWith('Nơi nhận:'))!;
    expect(closing[0]!.split('\n')).toEqual(['Nơi nhận:', '- Như trên;', '- UBND tỉnh (để b/c);', '- Lưu: VT, BĐG.']);
    expect(closing[1]!.split('\n').filter(Boolean)).toEqual(['KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC', 'Nguyễn Văn Minh']);
    expect(para(doc, 'Nơi nhận:')!.runs[0]).toMatchObject({ bold: true, italic: true, size: 24 });
    expect(para(doc, '- Như trên;')!.runs[0]!.size).toBe(22);
  });
});

describe('the report DOCX: what a head of department reads', () => {
  it('opens by citing the plans and letters of the config, and says in one sentence who reported', () => {
    const paras = body(partial);
    expect(partialRollup.completeness.received).toBe(2);
    expect(paras[0]!.text).toBe(
      'Thực hiện Kế hoạch số 25/KH-UBND ngày 12/02/2024 của Ủy ban nhân dân tỉnh và Công văn số 458/BNV-BĐG ngày 15/11/2024 của Bộ Nội vụ, Sở Nội vụ báo cáo kết quả thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm 2024 trên địa bàn tỉnh Thử Nghiệm như sau:',
    );
    expect(paras[1]!.text).toBe('Đã tổng hợp số liệu của 2/3 đơn vị cấp huyện; chưa có số liệu: thị xã Nam.');
    expect(body(doc)[1]!.text).toBe('Đã tổng hợp số liệu của 3/3 đơn vị cấp huyện.');
    expect(para(doc, /chi tiết theo từng đơn vị tại Phụ lục I, II kèm theo/)).toBeDefined();
  });

  it('no indicator code, file name, cell address, rule id or internal note in the body', () => {
    const text = body(doc)
      .map((p) => p.text)
      .join('\n');
    expect(text).not.toMatch(/\b(?:DA8|BDG)\.\d\d\b/);
    expect(text).not.toMatch(/\.xlsx|Ô [A-Z]+\d+|sheet|\[[a-z-]+\]/i);
    expect(text).not.toMatch(
      /chưa gửi nội dung này|chưa báo cáo số liệu về nội dung này|Nguyên nhân:|TÌNH HÌNH TIẾP NHẬN/,
    );
    expect(text).not.toMatch(/trong kỳ|[a-zđ,;:] Huyện |SỞ NỘI VỤ|trong đó 0 /);
    // The Project 8 money once.
    const money = text.match(/Kinh phí Dự án 8 được giao/g) ?? [];
    expect(money).toHaveLength(1);
  });

  it('the units’ statements are gathered: identical or near-identical ones once, one bullet per line', () => {
    const texts = body(doc).map((p) => p.text);
    const gathered = texts.filter((t) => t.includes('Cán bộ kiêm nhiệm'));
    expect(gathered).toEqual(['- Các huyện Đông, Tây: Cán bộ kiêm nhiệm, thường xuyên thay đổi.']);
    expect(texts).toContain('- Huyện Đông: Thiếu kinh phí cho cấp xã.');
    expect(para(doc, /^- Các huyện Đông, Tây:/)!.runs[0]!.italic).toBe(true);
  });

  it('the units’ requests become the issuer’s own proposals to its superior; a part nobody wrote is a blank to fill', () => {
    const texts = body(doc).map((p) => p.text);
    const at = texts.indexOf('V. KIẾN NGHỊ, ĐỀ XUẤT');
    // Requests with no named central body are the province's to act on: kept as the units wrote them, never re-addressed.
    expect(texts.slice(at + 1, at + 5)).toEqual([
      '[Bổ sung kiến nghị, đề xuất với Bộ Nội vụ.]',
      'Kiến nghị của các đơn vị với tỉnh:',
      '- Huyện Đông: Đề nghị tỉnh tăng cường tập huấn cho cán bộ cấp xã.',
      '- Huyện Tây: Đề nghị bố trí kinh phí sớm.',
    ]);
    expect(texts).not.toContain('Đề nghị Bộ Nội vụ quan tâm:');
    const next = texts.indexOf('IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025');
    // The year's fixed tasks first, highlighted for the officer; then the units' words, here none.
    expect(texts[next + 1]).toBe(
      '- [Tiếp tục triển khai Kế hoạch thực hiện Chiến lược quốc gia về bình đẳng giới năm 2025 trên địa bàn tỉnh Thử Nghiệm.]',
    );
    expect(para(doc, /^- \[Tiếp tục triển khai/)!.xml).toContain('<w:highlight w:val="yellow"/>');
    expect(texts[next + 4]).toBe('[Bổ sung phương hướng, nhiệm vụ năm 2025.]');
    expect(texts.filter((t) => t.startsWith('Kiến nghị của các đơn vị với tỉnh'))).toHaveLength(1);
    const blank = para(doc, '[Bổ sung phương hướng, nhiệm vụ năm 2025.]')!;
    expect(blank.xml).toContain('<w:highlight w:val="yellow"/>');
  });

  it('target sentences: x/y (z%), vượt/đạt/chưa đạt the 2025 target of Nghị quyết 28, and the table of targets', () => {
    for (const id of ['nan-nhan-tiep-can-dich-vu', 'nguoi-gay-bao-luc-tu-van', 'co-quan-lanh-dao-nu']) {
      const r = rollup.ratios.find((x) => x.id === id)!;
      const share = percent(r.value!);
      const word =
        Math.round(r.value! * 1000) > r.target! * 10
          ? 'vượt'
          : Math.round(r.value! * 1000) === r.target! * 10
            ? 'đạt'
            : 'chưa đạt';
      const sentence = para(doc, new RegExp(`^Có ${formatNumber(r.numerator!)}/${formatNumber(r.denominator!)} `))!;
      expect(
        sentence.text.endsWith(` (${share}), ${word} chỉ tiêu ${r.target}% đến năm 2025 theo Nghị quyết số 28/NQ-CP.`),
        sentence.text,
      ).toBe(true);
    }
    const victims = para(doc, /^Có \S+ nạn nhân được tiếp cận/)!.text;
    expect(victims).toBe(
      `Có ${formatNumber(total('BDG.16'))}/${formatNumber(total('BDG.15'))} nạn nhân được tiếp cận ít nhất một dịch vụ hỗ trợ cơ bản (${percent(total('BDG.16') / total('BDG.15'))}), ${rollup.ratios.find((r) => r.id === 'nan-nhan-tiep-can-dich-vu')!.met ? (Math.round((total('BDG.16') / total('BDG.15')) * 1000) > 800 ? 'vượt' : 'đạt') : 'chưa đạt'} chỉ tiêu 80% đến năm 2025 theo Nghị quyết số 28/NQ-CP.`,
    );
    expect(para(doc, /^Số nạn nhân bị mua bán trở về có nhu cầu hỗ trợ đã được hỗ trợ là /)).toBeDefined();
    const table = doc.rows.filter((r) => r.length === 5 && /^\d$/.test(r[0]!));
    expect(table.map((r) => r[1])).toEqual(catalogue.ratios.filter((r) => r.targets.length).map((r) => r.name));
    const leaders = rollup.ratios.find((r) => r.id === 'co-quan-lanh-dao-nu')!;
    expect(table[0]).toEqual([
      '1',
      leaders.name,
      `${percent(leaders.value!)} (${formatNumber(leaders.numerator!)}/${formatNumber(leaders.denominator!)})`,
      '60%',
      leaders.met ? (Math.round(leaders.value! * 1000) > 600 ? 'Vượt' : 'Đạt') : 'Chưa đạt',
    ]);
  });

  it('Project 8 by its four contents, its core results against the plan of the config', () => {
    for (const n of [1, 2, 3, 4])
      expect(para(doc, new RegExp(`^[a-d]\\) Nội dung ${n}: `)), `Nội dung ${n}`).toBeDefined();
    const teams = para(doc, /Tổ truyền thông cộng đồng, đạt /)!.text;
    expect(teams).toBe(
      `Toàn tỉnh hiện có ${formatNumber(total('DA8.01'))}/50 Tổ truyền thông cộng đồng, đạt ${percent(total('DA8.01') / 50)} kế hoạch năm 2024.`,
    );
    const planRow = doc.rows.find((r) => r[1] === 'Tổ truyền thông cộng đồng' && r.length === 6)!;
    expect(planRow).toEqual([
      '1',
      'Tổ truyền thông cộng đồng',
      'tổ',
      '50',
      formatNumber(total('DA8.01')),
      percent(total('DA8.01') / 50),
    ]);
    // No plan given: a visible blank to fill, never an invented figure.
    expect(doc.rows.find((r) => r[1] === 'Địa chỉ tin cậy' && r.length === 6)).toEqual([
      '2',
      'Địa chỉ tin cậy',
      'địa chỉ',
      '…',
      formatNumber(total('DA8.07')),
      '…',
    ]);
  });

  it('Project 8 figures say whether the general totals already count them (catalogue/report.csv)', () => {
    expect(catalogue.byCode.get('DA8.04')!.includedIn).toBe('BDG.05');
    expect(catalogue.byCode.get('DA8.18')!.includedIn).toBeNull();
    expect(
      para(
        doc,
        new RegExp(
          `^Trong số ${formatNumber(total('BDG.05'))} cuộc truyền thông nêu tại mục 1, Dự án 8 đã tổ chức ${formatNumber(total('DA8.04'))} cuộc`,
        ),
      ),
    ).toBeDefined();
    expect(
      para(
        doc,
        new RegExp(
          `^Ngoài ${formatNumber(total('BDG.08'))} lớp tập huấn nêu tại mục 2, Dự án 8 đã tổ chức ${formatNumber(total('DA8.18'))} lớp`,
        ),
      ),
    ).toBeDefined();
    expect(para(doc, /chưa kể kinh phí Dự án 8 nêu tại điểm e mục 3\)\.$/)).toBeDefined();
  });
});

describe('the report DOCX: every figure is the roll-up figure', () => {
  it('sentences print the totals and shares in Vietnamese style, one decimal for every percentage', () => {
    expect(para(doc, /^Trong năm 2024, các cấp, các ngành đã tổ chức/)!.text).toBe(
      `Trong năm 2024, các cấp, các ngành đã tổ chức ${formatNumber(total('BDG.05'))} cuộc truyền thông về bình đẳng giới, phòng, chống bạo lực trên cơ sở giới cho ${formatNumber(total('BDG.06'))} lượt người; trong đó nữ ${formatNumber(total('BDG.06', 'nu'))} lượt, chiếm ${percent(total('BDG.06', 'nu') / total('BDG.06'))}; người dân tộc thiểu số ${formatNumber(total('BDG.06', 'dtts'))} lượt, chiếm ${percent(total('BDG.06', 'dtts') / total('BDG.06'))}.`,
    );
    // The province has no phường: the words are those of the unit types present.
    expect(para(doc, /mô hình phòng, chống bạo lực gia đình;/)!.text).toContain(
      `Toàn tỉnh có ${formatNumber(total('BDG.19'))}/12 xã, thị trấn (${percent(total('BDG.19') / 12)})`,
    );
    expect(percent(0.02034)).toBe('2,0%');
    expect(percent(0.5169)).toBe('51,7%');
    expect(percent(1)).toBe('100%');
    for (const p of body(doc))
      for (const m of p.text.matchAll(/(\d[\d.]*(?:,\d+)?)%/g))
        if (m[1] !== '100' && !/chỉ tiêu \d+%/.test(p.text.slice(m.index! - 9, m.index! + m[0].length)))
          expect(m[1], p.text).toMatch(/,\d$|^\d+$/);
  });

  it('every number in the body parses back to a figure of the roll-up, the config or a cited document', () => {
    const known = new Set<number>([
      2021,
      2030,
      2024,
      2025,
      2023,
      28,
      3,
      8,
      1,
      2,
      4,
      5,
      6,
      7,
      9,
      12,
      458,
      25,
      50,
      60,
      80,
      90,
      70,
      100,
      rollup.communes,
      rollup.completeness.received,
      rollup.completeness.expected,
    ]);
    for (const t of Object.values(rollup.totals))
      for (const m of ['total', 'nu', 'dtts'] as const) if (typeof t[m] === 'number') known.add(t[m] as number);
    const percents = new Set<string>();
    for (const r of rollup.ratios) {
      if (r.value !== null) percents.add(percent(r.value));
      if (r.target !== null) percents.add(`${formatNumber(r.target)}%`);
    }
    for (const t of Object.values(rollup.totals))
      for (const m of ['nu', 'dtts'] as const)
        if (typeof t[m] === 'number' && t.total) percents.add(percent((t[m] as number) / (t.total as number)));
    for (const c of ['BDG.19', 'BDG.24']) percents.add(percent(total(c) / rollup.communes));
    percents.add(percent(total('DA8.01') / 50));
    percents.add(percent(total('DA8.22', 'dtts') / total('DA8.24', 'dtts'))); // child marriage among ethnic minorities
    const money = (v: number) => (v >= 1000 ? formatNumber(v / 1000, 2) : formatNumber(v));
    const moneyTexts = new Set(['DA8.20', 'DA8.21', 'BDG.26', 'BDG.30'].map((c) => money(total(c))));
    let checked = 0;
    for (const p of body(doc)) {
      const text = p.text.replace(
        /Dự án 8|Nghị quyết số 28\/NQ-CP|\d\d\/\d\d\/\d{4}|\d\d?\/\d\/\d{4}|số \d+\/[A-Z-Đ]+|Nội dung \d|giai đoạn \d{4} - \d{4}|mục \d/g,
        '',
      );
      for (const m of text.matchAll(/(\d[\d.]*(?:,\d+)?)(%| tỷ đồng| triệu đồng)?/g)) {
        checked++;
        if (m[2] === '%') expect(percents, `${m[0]} in "${p.text}"`).toContain(`${m[1]}%`);
        else if (m[2]) expect(moneyTexts, `${m[0]} in "${p.text}"`).toContain(m[1]);
        else expect(known, `${m[0]} in "${p.text}"`).toContain(parseVn(m[1]!));
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('the annex tables: short names as headers, Tổng số and Trong đó: Nữ | DTTS, the ĐVT row, column numbers, each unit and the bold total', () => {
    const tables = [...doc.document.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)]
      .map((m) => m[0])
      .filter((t) => t.includes('>(A)<'));
    expect(tables.length).toBeGreaterThanOrEqual(4);
    const seen = new Set<string>();
    for (const t of tables) {
      expect(t).toContain('<w:tblLayout w:type="fixed"/>');
      expect(t).toMatch(/<w:gridCol w:w="600"\/><w:gridCol w:w="2700"\/>/);
      expect(t.match(/<w:tblHeader\/>/g)?.length).toBe(5);
      const rows = [...t.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map(([tr]) =>
        [...tr.matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map(([tc]) =>
          [...tc.matchAll(/<w:t(?: [^>]*)?>([^<]*)</g)].map((x) => x[1]).join(''),
        ),
      );
      const names = rows[0]!.slice(2);
      expect(names.join(' ')).not.toMatch(/\b(?:DA8|BDG)\.\d\d\b/);
      const indicators = names.map((n) => catalogue.indicators.find((i) => i.shortName === n.replace(/&quot;/g, '"'))!);
      expect(indicators.every(Boolean), names.join(' | ')).toBe(true);
      indicators.forEach((i) => seen.add(i.code));
      const columns = indicators.flatMap((ind) => measuresOf(ind).map((m) => ({ c: ind.code, m })));
      expect(rows[1]!.slice(2)).toEqual(
        indicators.flatMap((i) => (i.breakdowns.length ? ['Tổng số', 'Trong đó'] : ['Tổng số'])),
      );
      expect(rows[2]!.slice(2).filter(Boolean)).toEqual(
        indicators.flatMap((i) => i.breakdowns.map((b) => (b === 'nu' ? 'Nữ' : 'DTTS'))),
      );
      expect(rows[3]).toEqual(['', 'ĐVT', ...indicators.map((i) => i.unit)]);
      expect(rows[4]).toEqual(['(A)', '(B)', ...columns.map((_, i) => `(${i + 1})`)]);
      for (const row of rows.slice(5)) {
        const unit = row[1] === 'Tổng cộng' ? null : rollup.units.find((u) => row[1]!.startsWith(u.name))!;
        columns.forEach(({ c, m }, i) => {
          const v = unit ? unit.values[c]![m] : rollup.totals[c]![m];
          expect(row[i + 2], `${row[1]} ${c} ${m}`).toBe(typeof v === 'number' ? formatNumber(v) : '-');
        });
      }
      expect(rows.map((r) => r[1]).slice(5)).toEqual(['Huyện Đông', 'Huyện Tây', 'Thị xã Nam', 'Tổng cộng']);
      expect(t).toMatch(/<w:pStyle w:val="TenTongPhuLuc"\/><\/w:pPr><w:r><w:t xml:space="preserve">Tổng cộng/);
    }
    expect(seen.size).toBe(catalogue.indicators.length);
    expect(doc.files['word/styles.xml']).toMatch(/w:styleId="TongPhuLuc"[\s\S]*?<w:b\/>/);
    expect(para(doc, 'Phụ lục I')!.runs[0]!.bold).toBe(true);
    expect(para(doc, 'Phụ lục II')).toBeDefined();
    const reference = para(doc, /^\(Kèm theo Báo cáo/)!;
    expect(reference.text).toBe('(Kèm theo Báo cáo số 05/BC-SNV ngày 05/01/2025 của Sở Nội vụ tỉnh Thử Nghiệm)');
    expect(reference.runs[0]!.italic).toBe(true);
  });
});

describe('bdg report: empty, partial, zero, change, blanks', () => {
  it('a sentence whose figures are empty is left out; zero reads as a negative sentence; partial says so', async () => {
    const d = await rewrite((r) => {
      r.totals['BDG.27'] = { total: null, reported: 0, expected: 3 };
      r.totals['DA8.13'] = { total: 0, reported: 3, expected: 3 };
    });
    expect(para(d, /^Các cơ quan chức năng đã tiến hành/)).toBeUndefined();
    expect(para(d, /chưa tổ chức thanh tra/)).toBeUndefined();
    expect(para(doc, /^Các cơ quan chức năng đã tiến hành/)).toBeDefined();
    expect(para(d, /tư vấn, hỗ trợ/)).toBeUndefined();
    expect(para(d, /tin, bài, chuyên mục/)!.text).toBe(
      `Các cơ quan thông tin đại chúng đã đăng, phát ${formatNumber(total('BDG.07'))} tin, bài, chuyên mục về bình đẳng giới (số liệu của 2/3 đơn vị cấp huyện).`,
    );
    // "trong đó 0 vụ đã bị xử phạt" is left out; 0 violations is a negative sentence, never "0 vụ".
    expect(para(doc, /^Các cơ quan chức năng đã tiến hành/)!.text).toBe(
      `Các cơ quan chức năng đã tiến hành ${formatNumber(total('BDG.27'))} cuộc thanh tra, kiểm tra việc thực hiện pháp luật về bình đẳng giới; không phát hiện vụ vi phạm.`,
    );
    for (const p of body(doc))
      expect(p.text, p.text).not.toMatch(/(?<![\d.,])0 (?:cuộc|vụ|đường dây|cặp|tổ|người|lượt)/);
    // "0 tổ thành lập mới" is left out.
    expect(para(doc, /Tổ truyền thông cộng đồng/)!.text).not.toContain('thành lập mới');
  });

  it('missing breakdowns drop without leaving a bracket open', async () => {
    const d = await rewrite((r) => {
      r.totals['BDG.06']!.dtts = null;
      r.totals['BDG.06']!.nu = null;
    });
    expect(para(d, /^Trong năm 2024, các cấp, các ngành đã tổ chức/)!.text).toBe(
      `Trong năm 2024, các cấp, các ngành đã tổ chức ${formatNumber(total('BDG.05'))} cuộc truyền thông về bình đẳng giới, phòng, chống bạo lực trên cơ sở giới cho ${formatNumber(total('BDG.06'))} lượt người.`,
    );
    for (const p of body(d).filter((x) => !/^[a-zđ]\) /.test(x.text)))
      expect((p.text.match(/\(/g) ?? []).length, p.text).toBe((p.text.match(/\)/g) ?? []).length);
  });

  it('a commune’s words are gathered under its district', async () => {
    const d = await rewrite((r) => {
      r.narratives.push({
        unit: { code: '10301', name: 'Thị trấn 103-1' },
        narrative: { difficulties: 'Cán bộ kiêm nhiệm; thường xuyên thay đổi.' },
      });
    });
    expect(para(d, /Cán bộ kiêm nhiệm/)!.text).toBe(
      '- Các huyện Đông, Tây và thị xã Nam: Cán bộ kiêm nhiệm, thường xuyên thay đổi.',
    );
    expect(
      body(d)
        .map((p) => p.text)
        .join('\n'),
    ).not.toContain('103-1');
  });

  it('a leading "-" that is part of a unit’s sentence is kept; a list mark is not', async () => {
    const d = await rewrite((r) => {
      r.narratives.push({
        unit: { code: '103', name: 'Thị xã Nam' },
        narrative: {
          goodPractices:
            '-5% số vụ bạo lực gia đình so với năm 2023\n- Tổ chức 12 lớp tập huấn\n-Thành lập 3 câu lạc bộ\n1.500 lượt người tham gia đối thoại\n2) Lồng ghép vào sinh hoạt cộng đồng',
        },
      });
    });
    const lines = body(d).map((p) => p.text);
    const at = lines.findIndex((t) => t === '- Thị xã Nam:');
    expect(lines.slice(at, at + 6)).toEqual([
      '- Thị xã Nam:',
      '+ -5% số vụ bạo lực gia đình so với năm 2023.',
      '+ Tổ chức 12 lớp tập huấn.',
      '+ Thành lập 3 câu lạc bộ.',
      '+ 1.500 lượt người tham gia đối thoại.',
      '+ Lồng ghép vào sinh hoạt cộng đồng.',
    ]);
  });

  it('with --previous, counts change in percent and rates in percentage points', async () => {
    const prevPath = join(dir, 'prev.json');
    const prev: Rollup = JSON.parse(JSON.stringify(rollup));
    prev.period = '2023';
    prev.periodLabel = 'Năm 2023';
    prev.totals['BDG.06']!.total = 4000;
    const tao = prev.ratios.find((r) => r.id === 'tao-hon')!;
    const now = rollup.ratios.find((r) => r.id === 'tao-hon')!.value!;
    tao.value = now + 0.004;
    writeFileSync(prevPath, JSON.stringify(prev));
    const d = await rewrite(() => {}, ['--previous', prevPath]);
    const change = percent(Math.abs(total('BDG.06') - 4000) / 4000);
    expect(para(d, /^Trong năm 2024, các cấp, các ngành đã tổ chức/)!.text).toContain(
      ` lượt người, ${total('BDG.06') > 4000 ? 'tăng' : 'giảm'} ${change} so với năm 2023; trong đó nữ`,
    );
    // Child marriage: the change in couples (Đề án 498), the ethnic-minority rate, the overall rate last.
    const couples = total('DA8.22');
    expect(para(d, /cặp tảo hôn/)!.text).toBe(
      `Số cặp tảo hôn là ${formatNumber(couples)} cặp, không thay đổi so với năm 2023; trong đó người dân tộc thiểu số ${formatNumber(total('DA8.22', 'dtts'))} cặp, chiếm ${percent(total('DA8.22', 'dtts') / total('DA8.24', 'dtts'))} số cặp kết hôn là người dân tộc thiểu số (tỷ lệ tảo hôn chung ${percent(now)}).`,
    );
  });

  it('--previous of the same or a later period is refused', () => {
    const same = bdg([
      'report',
      join(dir, 'out', 'tong-hop-10-2024.json'),
      '--previous',
      join(dir, 'out', 'tong-hop-10-2024.json'),
      '--out',
      join(dir, 'x.docx'),
    ]);
    expect(same.status).toBe(2);
    expect(same.stderr).toContain('không phải kỳ trước của năm 2024');
    expect(existsSync(join(dir, 'x.docx'))).toBe(false);
  });

  it('consolidate refuses a --previous of the same period and writes nothing', () => {
    const out = join(dir, 'out-same-period');
    const r = bdg([
      'consolidate',
      join(dir, 'in'),
      '--config',
      configPath,
      '--previous',
      join(dir, 'out', 'tong-hop-10-2024.json'),
      '--out',
      out,
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('là số liệu năm 2024, không phải kỳ trước của năm 2024');
    expect(existsSync(out)).toBe(false);
  });

  it('what the config does not give is a visible blank, never invented', async () => {
    const d = await rewrite(() => {}, [], {});
    expect(d.rows[0]![0]!.split('\n').filter(Boolean)).toEqual(['…………', '…………']);
    expect(d.rows[1]![0]).toBe('Số:       /BC-…………');
    expect(d.rows[1]![1]).toMatch(/^…………, ngày +tháng +năm *$/);
    expect(para(d, 'Kính gửi: …………')).toBeDefined();
    const closing = d.rows.find((r) => r[0]?.startsWith('Nơi nhận:'))!;
    expect(closing[1]!.split('\n').filter(Boolean)).toEqual(['…………', '…………']);
    const opening = para(d, /^Thực hiện /)!;
    expect(opening.text).toMatch(/^Thực hiện \[Kế hoạch số …\/KH-UBND ngày …/);
    expect(opening.xml).toContain('<w:highlight w:val="yellow"/>');
    expect(para(d, /^\(Kèm theo Báo cáo/)!.text).toBe('(Kèm theo Báo cáo số       /BC-………… ngày …/…/…… của …………)');
  });

  it('refuses what is not a roll-up, and will not overwrite', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"hello": 1}');
    const r = bdg(['report', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('không phải tệp tổng hợp của bdg');
    const again = bdg(['report', join(dir, 'out', 'tong-hop-10-2024.json')]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('--force');
  });

  it.skipIf(!hasSoffice())('converts with LibreOffice without error', () => {
    const out = join(dir, 'pdf');
    execFileSync(
      'soffice',
      ['--headless', '--convert-to', 'pdf', '--outdir', out, join(dir, 'out', 'bao-cao-10-2024.docx')],
      { stdio: 'ignore', timeout: 120_000 },
    );
    expect(existsSync(join(out, 'bao-cao-10-2024.pdf'))).toBe(true);
  });
});

describe('a unit’s line: which leading mark is a bullet (cleanLine)', () => {
  it.each([
    ['- Tổ chức 3 lớp', 'Tổ chức 3 lớp.'],
    ['-Tổ chức 3 lớp', 'Tổ chức 3 lớp.'],
    ['– Tổ chức 3 lớp;', 'Tổ chức 3 lớp.'],
    ['+ Tổ chức 3 lớp', 'Tổ chức 3 lớp.'],
    ['• Tổ chức 3 lớp', 'Tổ chức 3 lớp.'],
    ['*Tổ chức 3 lớp', 'Tổ chức 3 lớp.'],
    ['1. Tổ chức 3 lớp', 'Tổ chức 3 lớp.'],
    ['2)Tổ chức 3 lớp', 'Tổ chức 3 lớp.'],
    ['a) tổ chức 3 lớp', 'Tổ chức 3 lớp.'],
    ['- -5% so với năm trước', '-5% so với năm trước.'],
    ['-5% so với năm trước', '-5% so với năm trước.'],
    ['-0,5 điểm phần trăm so với kỳ trước', '-0,5 điểm phần trăm so với kỳ trước.'],
    ['+3 lớp so với kế hoạch', '+3 lớp so với kế hoạch.'],
    ['1.500 lượt người được tuyên truyền', '1.500 lượt người được tuyên truyền.'],
    ['12,5% hộ nghèo là hộ DTTS', '12,5% hộ nghèo là hộ DTTS.'],
    ['-', ''],
  ])('%j → %j', (line, clean) => expect(cleanLine(line)).toBe(clean));
});

describe('the wording template and the words of the report', () => {
  it('refuses, at load, an optional part that does not close what it opens', () => {
    expect(() =>
      checkTemplate('cho {BDG.06} lượt người[ (trong đó nữ {BDG.06.nu} lượt][; DTTS {BDG.06.dtts} lượt)].'),
    ).toThrow(TemplateError);
    expect(() =>
      checkTemplate('cho {BDG.06} lượt người[ (trong đó nữ {BDG.06.nu} lượt][; DTTS {BDG.06.dtts} lượt)].'),
    ).toThrow('dòng 1: phần tùy chọn "[(trong đó nữ {BDG.06.nu} lượt]"');
    expect(() => checkTemplate('% ghi chú\ncó [ "nếp nghĩ ] cách làm".')).toThrow(/dòng 2/);
    expect(() => checkTemplate('có [nữ {BDG.06.nu}')).toThrow(/chưa đóng/);
    expect(() =>
      checkTemplate('### a) Nội dung 1\ncho {BDG.06} lượt người[ (trong đó nữ {BDG.06.nu} lượt)].'),
    ).not.toThrow();
    expect(() =>
      checkTemplate(readFileSync(join(import.meta.dirname, '..', 'catalogue', 'BDG-2024.1', 'bao-cao.txt'), 'utf8')),
    ).not.toThrow();
  });

  it('agency names in sentence case inside a sentence (Nghị định 30, Phụ lục II)', () => {
    const name = (n: string | string[]) => agencyInText(configSchema().parse({ agency: { name: n } }));
    expect(name('SỞ NỘI VỤ')).toBe('Sở Nội vụ');
    expect(name(['SỞ LAO ĐỘNG - THƯƠNG BINH', 'VÀ XÃ HỘI'])).toBe('Sở Lao động - Thương binh và Xã hội');
    expect(name('SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH')).toBe('Sở Văn hóa, Thể thao và Du lịch');
    expect(name('Sở Y tế')).toBe('Sở Y tế');
    expect(
      agencyInText(configSchema().parse({ agency: { name: 'SỞ NỘI VỤ', nameInText: 'Sở Nội vụ tỉnh Đắk Lắk' } })),
    ).toBe('Sở Nội vụ tỉnh Đắk Lắk');
  });
});

async function rewrite(edit: (r: Rollup) => void, extra: string[] = [], config: object = CONFIG): Promise<OpenedDocx> {
  const r: Rollup = JSON.parse(JSON.stringify(rollup));
  edit(r);
  const path = join(dir, `r-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(r));
  const cfg = join(dir, `c-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(cfg, JSON.stringify(config));
  const out = join(dir, `${Math.random().toString(36).slice(2)}.docx`);
  const res = bdg(['report', path, '--config', cfg, '--out', out, ...extra]);
  expect(res.status, res.stderr).toBe(0);
  return openDocx(out);
}

function hasSoffice(): boolean {
  try {
    execFileSync('soffice', ['--version'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

describe('the report’s parts: docx’s compiler gives what its Packer zips', () => {
  it('every part of a report, in the same order, byte for byte (docx-parts.ts takes docx’s internal compiler)', async () => {
    const rollup: Rollup = JSON.parse(readFileSync(join(ROOT, 'fixtures/dak-lak/tong-hop-66-2023.json'), 'utf8'));
    const { doc } = reportDocument(rollup, EMPTY_CONFIG);
    const [compiled, packed] = [await docxParts(doc), await packedParts(doc)];
    // The docx library dates the core properties by the clock when it packs: the seconds may differ.
    const undated = (parts: Map<string, Uint8Array>) =>
      [...parts].map(([name, bytes]) => [name, new TextDecoder().decode(bytes).replace(/<dcterms:[^>]*>[^<]*/g, '')]);
    expect(undated(compiled)).toEqual(undated(packed));
    expect([...compiled.keys()]).toContain('word/document.xml');
    expect(compiled.size).toBeGreaterThan(10);
  });
});

describe('the config of a province that set nothing', () => {
  it('is what the config schema makes of {} (EMPTY_CONFIG holds its defaults)', () => {
    expect(EMPTY_CONFIG).toEqual(configSchema().parse({}));
  });
});
