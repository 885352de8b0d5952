import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, measuresOf } from '../src/core/catalogue/catalogue.js';
import type { Rollup } from '../src/core/model.js';
import { formatNumber, formatPercent } from '../src/core/util/number.js';
import { bdg } from './helpers/cli.js';
import { openDocx, parseVn, type OpenedDocx } from './helpers/docx.js';
import { figuresFor, THREE_LEVEL, writeSubmission, writeUnits } from './helpers/province.js';
import { tempDir } from './helpers/workbooks.js';

const catalogue = loadCatalogue();
const CONFIG = {
  agency: { superior: 'UBND tỉnh Thử Nghiệm', name: 'Sở Nội vụ', symbol: 'SNV' },
  place: 'Thử Nghiệm',
  documentNumber: 5,
  documentDate: '2025-01-05',
  recipients: ['Bộ Nội vụ'],
  signer: { prefix: 'KT. Giám đốc', title: 'Phó Giám đốc', name: 'Nguyễn Văn Minh' },
  distribution: ['Như trên', 'UBND tỉnh (để b/c)'],
  archive: 'VT, BĐG',
};

let dir: string;
let rollup: Rollup;
let doc: OpenedDocx;
let configPath: string;

beforeAll(async () => {
  dir = tempDir('bdg-report-');
  writeUnits(dir, THREE_LEVEL); // named by the config below
  const a = figuresFor(71, 4);
  a['BDG.28'] = { total: 0 };
  a['BDG.29'] = { total: 0 };
  const b = figuresFor(72, 4);
  b['BDG.28'] = { total: 0 };
  b['BDG.29'] = { total: 0 };
  b['BDG.07'] = { total: null }; // reported by one district only: partial
  await writeSubmission(join(dir, 'in', '101.xlsx'), { code: '101', name: 'Huyện Đông' }, a, { narrative: { difficulties: 'Cán bộ kiêm nhiệm.' } });
  await writeSubmission(join(dir, 'in', '102.xlsx'), { code: '102', name: 'Huyện Tây' }, b, { narrative: { difficulties: 'Thiếu kinh phí.', proposals: 'Tăng tập huấn.' } });
  configPath = join(dir, 'cau-hinh.json');
  writeFileSync(configPath, JSON.stringify({ ...CONFIG, units: 'don-vi.csv' }));
  const r = bdg(['consolidate', join(dir, 'in'), '--config', configPath, '--out', join(dir, 'out')]);
  expect(r.status, r.stderr).toBe(0);
  rollup = JSON.parse(readFileSync(join(dir, 'out', 'tong-hop-10-2024.json'), 'utf8'));
  doc = await openDocx(join(dir, 'out', 'bao-cao-10-2024.docx'));
});

const para = (d: OpenedDocx, text: string | RegExp) => d.paragraphs.find((p) => (typeof text === 'string' ? p.text === text : text.test(p.text)));
const total = (code: string, m: 'total' | 'nu' | 'dtts' = 'total') => rollup.totals[code]![m] as number;

describe('the report DOCX: page and header (Nghị định 30/2020)', () => {
  it('A4 portrait with the official margins, numbered from page 2; the annex landscape and numbered on its own', () => {
    const sects = [...doc.document.matchAll(/<w:sectPr[\s\S]*?<\/w:sectPr>/g)].map((m) => m[0]);
    expect(sects).toHaveLength(2);
    const [main, annex] = sects as [string, string];
    expect(main).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(main).toMatch(/<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701"/);
    expect(main).toContain('<w:titlePg/>');
    expect(annex).toMatch(/<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/);
    expect(annex).toMatch(/<w:pgNumType w:start="1"/);
    const first = /<w:headerReference w:type="first" r:id="(rId\d+)"/.exec(main)![1];
    const dflt = /<w:headerReference w:type="default" r:id="(rId\d+)"/.exec(main)![1];
    const rels = doc.files['word/_rels/document.xml.rels']!;
    const target = (id: string) => new RegExp(`Id="${id}"[^>]*Target="([^"]+)"`).exec(rels)?.[1] ?? new RegExp(`Target="([^"]+)"[^>]*Id="${id}"`).exec(rels)![1];
    const firstHeader = doc.files[`word/${target(first!)}`]!;
    const defaultHeader = doc.files[`word/${target(dflt!)}`]!;
    expect(firstHeader).not.toMatch(/PAGE/);
    expect(defaultHeader).toMatch(/PAGE/);
    expect(defaultHeader).toContain('<w:jc w:val="center"/>');
    expect(defaultHeader).toContain('<w:sz w:val="28"/>');
  });

  it('Times New Roman in all four font slots, 14 pt by default', () => {
    const styles = doc.files['word/styles.xml']!;
    expect(styles).toMatch(/<w:rFonts w:ascii="Times New Roman" w:cs="Times New Roman" w:eastAsia="Times New Roman" w:hAnsi="Times New Roman"\/>/);
    expect(styles).toMatch(/<w:docDefaults>[\s\S]*<w:sz w:val="28"\/>/);
  });

  it('the two-column header: agency and superior, Quốc hiệu and Tiêu ngữ, number, place and date', () => {
    const cells = doc.rows[0]!;
    expect(cells[0]!.split('\n').filter(Boolean)).toEqual(['UBND TỈNH THỬ NGHIỆM', 'SỞ NỘI VỤ', 'Số: 05/BC-SNV']);
    expect(cells[1]!.split('\n').filter(Boolean)).toEqual(['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'Thử Nghiệm, ngày 05 tháng 01 năm 2025']);
    const run = (text: string) => doc.paragraphs.find((p) => p.text === text)!.runs[0]!;
    expect(run('UBND TỈNH THỬ NGHIỆM')).toMatchObject({ bold: false, size: 26 });
    expect(run('SỞ NỘI VỤ')).toMatchObject({ bold: true, size: 26 });
    expect(run('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')).toMatchObject({ bold: true, size: 26 });
    expect(run('Độc lập - Tự do - Hạnh phúc')).toMatchObject({ bold: true, size: 28 });
    expect(run('Thử Nghiệm, ngày 05 tháng 01 năm 2025')).toMatchObject({ italic: true, size: 28 });
    expect(run('Số: 05/BC-SNV')).toMatchObject({ size: 26 });
    // The rules under the agency and the motto: bordered empty paragraphs.
    expect(doc.document.match(/<w:pBdr><w:bottom w:val="single"/g)?.length).toBe(3);
    expect(run('BÁO CÁO')).toMatchObject({ bold: true, size: 28 });
    expect(run('Kết quả thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm 2024')).toMatchObject({ bold: true });
    expect(para(doc, 'Kính gửi: Bộ Nội vụ.')).toBeDefined();
  });

  it('body justified with a first-line indent; numbered headings; ends with ./.', () => {
    const body = para(doc, /^Các cấp, các ngành đã tổ chức/)!;
    expect(body.xml).toContain('<w:jc w:val="both"/>');
    expect(body.xml).toMatch(/<w:ind w:firstLine="720"\/>/);
    expect(para(doc, 'I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH')!.runs[0]!.bold).toBe(true);
    expect(para(doc, '1. Công tác truyền thông')!.runs[0]!.bold).toBe(true);
    expect(para(doc, /^a\) Tuyên truyền/)!.runs[0]!.bold).toBe(false);
    const last = doc.paragraphs.filter((p) => p.text.startsWith('Trên đây là báo cáo'));
    expect(last[0]!.text.endsWith('./.')).toBe(true);
  });

  it('Nơi nhận and the signature side by side', () => {
    const closing = doc.rows.find((r) => r[0]?.startsWith('Nơi nhận:'))!;
    expect(closing[0]!.split('\n')).toEqual(['Nơi nhận:', '- Như trên;', '- UBND tỉnh (để b/c);', '- Lưu: VT, BĐG.']);
    expect(closing[1]!.split('\n').filter(Boolean)).toEqual(['KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC', 'Nguyễn Văn Minh']);
    expect(para(doc, 'Nơi nhận:')!.runs[0]).toMatchObject({ bold: true, italic: true, size: 24 });
    expect(para(doc, '- Như trên;')!.runs[0]!.size).toBe(22);
  });
});

describe('the report DOCX: every figure is the roll-up figure', () => {
  it('sentences print the totals, shares and ratios in Vietnamese style', () => {
    const p = para(doc, /^Các cấp, các ngành đã tổ chức/)!.text;
    expect(p).toBe(
      `Các cấp, các ngành đã tổ chức ${formatNumber(total('BDG.05'))} cuộc truyền thông về bình đẳng giới, phòng, chống bạo lực trên cơ sở giới cho ${formatNumber(total('BDG.06'))} lượt người (trong đó nữ ${formatNumber(total('BDG.06', 'nu'))} lượt, chiếm ${formatPercent(total('BDG.06', 'nu') / total('BDG.06'))}; người dân tộc thiểu số ${formatNumber(total('BDG.06', 'dtts'))} lượt, chiếm ${formatPercent(total('BDG.06', 'dtts') / total('BDG.06'))}).`,
    );
    const ratio = rollup.ratios.find((r) => r.id === 'co-quan-lanh-dao-nu')!;
    expect(para(doc, /cơ quan quản lý nhà nước/)!.text).toBe(
      `Có ${formatNumber(total('BDG.12'))}/${formatNumber(total('BDG.11'))} cơ quan quản lý nhà nước, chính quyền địa phương có lãnh đạo chủ chốt là nữ, đạt tỷ lệ ${formatPercent(ratio.value!)}, ${ratio.met ? 'đạt' : 'chưa đạt'} chỉ tiêu 60% của Chiến lược quốc gia về bình đẳng giới.`,
    );
    expect(para(doc, /mô hình phòng, chống bạo lực gia đình;/)!.text).toContain(
      `${formatNumber(total('BDG.19'))}/12 xã, phường, thị trấn (${formatPercent(total('BDG.19') / 12)})`,
    );
    expect(rollup.ratios.find((r) => r.id === 'co-quan-lanh-dao-nu')!.value).toBe(total('BDG.12') / total('BDG.11'));
  });

  it('every number in the body parses back to a figure of the roll-up', () => {
    const start = doc.paragraphs.findIndex((p) => p.text.startsWith('Thực hiện Luật Bình đẳng giới'));
    const end = doc.paragraphs.findIndex((p) => p.text.startsWith('VI. TÌNH HÌNH TIẾP NHẬN'));
    const known = new Set<number>([2021, 2030, 2024, 8, 1, 2, 3, 4, 60, 80, 90, 50, 70, 100, rollup.communes, rollup.completeness.received, rollup.completeness.expected]);
    for (const t of Object.values(rollup.totals)) for (const m of ['total', 'nu', 'dtts'] as const) if (typeof t[m] === 'number') known.add(t[m] as number);
    const percents = new Set<string>();
    for (const r of rollup.ratios) {
      if (r.value !== null) percents.add(formatPercent(r.value));
      if (r.target !== null) percents.add(`${formatNumber(r.target)}%`);
    }
    for (const t of Object.values(rollup.totals))
      for (const m of ['nu', 'dtts'] as const) if (typeof t[m] === 'number' && t.total) percents.add(formatPercent((t[m] as number) / (t.total as number)));
    for (const r of [['BDG.19'], ['BDG.24']]) percents.add(formatPercent(total(r[0]!) / rollup.communes));
    const money = (v: number) => (v >= 1000 ? formatNumber(v / 1000, 2) : formatNumber(v));
    const moneyTexts = new Set(['DA8.20', 'DA8.21', 'BDG.26', 'BDG.30'].map((c) => money(total(c))));
    let checked = 0;
    for (const p of doc.paragraphs.slice(start, end)) {
      const text = p.text.replace(/Dự án 8|Nghị quyết 28|Đề án \d+|ND\d/g, '');
      for (const m of text.matchAll(/(\d[\d.]*(?:,\d+)?)(%| tỷ đồng| triệu đồng)?/g)) {
        checked++;
        if (m[2] === '%') expect(percents, `${m[0]} in "${p.text}"`).toContain(`${m[1]}%`);
        else if (m[2]) expect(moneyTexts, `${m[0]} in "${p.text}"`).toContain(m[1]);
        else expect(known, `${m[0]} in "${p.text}"`).toContain(parseVn(m[1]!));
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('the annex tables print each unit and the bold total row exactly', () => {
    const annexRows = doc.rows.filter((r) => r[1] === 'Huyện Đông' || r[1] === 'Tổng cộng' || r[1] === 'Huyện Tây');
    expect(annexRows.length).toBe(3 * (doc.rows.filter((r) => r[0] === 'STT').length));
    const tables = [...doc.document.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map((m) => m[0]).filter((t) => t.includes('>STT<'));
    expect(tables.length).toBeGreaterThanOrEqual(4);
    for (const t of tables) {
      expect(t).toContain('<w:tblLayout w:type="fixed"/>');
      expect(t).toMatch(/<w:gridCol w:w="600"\/><w:gridCol w:w="2700"\/>/);
      expect(t.match(/<w:tblHeader\/>/g)?.length).toBe(2);
      const codes = [...t.matchAll(/>([A-Z0-9]+\.\d\d) \(/g)].map((m) => m[1]!);
      const columns = codes.flatMap((c) => measuresOf(catalogue.byCode.get(c)!).map((m) => ({ c, m })));
      const rows = [...t.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map(([tr]) => [...tr.matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map(([tc]) => [...tc.matchAll(/<w:t(?: [^>]*)?>([^<]*)</g)].map((x) => x[1]).join('')));
      for (const row of rows.slice(2)) {
        const unit = row[1] === 'Tổng cộng' ? null : rollup.units.find((u) => row[1]!.startsWith(u.name))!;
        columns.forEach(({ c, m }, i) => {
          const v = unit ? unit.values[c]![m] : rollup.totals[c]![m];
          expect(row[i + 2], `${row[1]} ${c} ${m}`).toBe(typeof v === 'number' ? formatNumber(v) : '-');
        });
      }
      expect(t).toMatch(/<w:b\/>[\s\S]*?Tổng cộng/);
    }
    expect(para(doc, 'Phụ lục I')!.runs[0]!.bold).toBe(true);
    expect(para(doc, 'Phụ lục II')).toBeDefined();
    expect(para(doc, /^\(Kèm theo Báo cáo số 05\/BC-SNV ngày 05\/01\/2025 của Sở Nội vụ\)$/)!.runs[0]!.italic).toBe(true);
  });

  it('gathers the units’ own words and says who did not report', () => {
    expect(para(doc, '- Huyện Đông: Cán bộ kiêm nhiệm.')).toBeDefined();
    expect(para(doc, '- Huyện Tây: Thiếu kinh phí.')).toBeDefined();
    expect(para(doc, 'Đã tổng hợp số liệu của 2/3 đơn vị cấp huyện (66,7%).')).toBeDefined();
    expect(para(doc, 'Chưa có số liệu (chưa gửi báo cáo hoặc báo cáo bị trả lại): Thị xã Nam.')).toBeDefined();
    expect(para(doc, 'Số liệu trong báo cáo được tổng hợp từ báo cáo của 2/3 đơn vị cấp huyện (chưa có số liệu của Thị xã Nam).')).toBeDefined();
  });
});

describe('bdg report: empty, partial, zero, change, blanks', () => {
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

  it('a sentence whose figures are empty is left out; zero reads as zero; partial says so', async () => {
    const d = await rewrite((r) => {
      r.totals['BDG.27'] = { total: null, reported: 0, expected: 3 };
      r.totals['DA8.13'] = { total: 0, reported: 2, expected: 3 };
    });
    expect(para(d, /^Đã tiến hành/)).toBeUndefined();
    expect(para(doc, /^Đã tiến hành/)).toBeDefined();
    expect(para(d, 'Đã tư vấn, hỗ trợ 0 phụ nữ dân tộc thiểu số tiếp cận dịch vụ sinh đẻ an toàn.')).toBeDefined();
    expect(para(d, /tin, bài, chuyên mục/)!.text).toBe(`Các cơ quan thông tin đại chúng đã đăng, phát ${formatNumber(total('BDG.07'))} tin, bài, chuyên mục về bình đẳng giới (số liệu của 1/3 đơn vị).`);
    expect(para(doc, /phát hiện 0 vụ vi phạm, trong đó 0 vụ đã xử phạt/)).toBeDefined();
  });

  it('with --previous, changes against last period', async () => {
    const prevPath = join(dir, 'prev.json');
    const prev: Rollup = JSON.parse(JSON.stringify(rollup));
    prev.period = '2023';
    prev.periodLabel = 'Năm 2023';
    prev.totals['BDG.06']!.total = 4000;
    writeFileSync(prevPath, JSON.stringify(prev));
    const d = await rewrite(() => {}, ['--previous', prevPath]);
    const change = formatPercent(Math.abs(total('BDG.06') - 4000) / 4000);
    expect(para(d, /^Các cấp, các ngành đã tổ chức/)!.text).toContain(`, ${total('BDG.06') > 4000 ? 'tăng' : 'giảm'} ${change} so với năm 2023.`);
  });

  it('what the config does not give is a visible blank, never invented', async () => {
    const d = await rewrite(() => {}, [], {});
    expect(d.rows[0]![0]!.split('\n').filter(Boolean)).toEqual(['…………', '…………', 'Số:       /BC-…………']);
    expect(d.rows[0]![1]!.split('\n').filter(Boolean)[2]).toMatch(/^…………, ngày +tháng +năm *$/);
    expect(para(d, 'Kính gửi: …………')).toBeDefined();
    const closing = d.rows.find((r) => r[0]?.startsWith('Nơi nhận:'))!;
    expect(closing[1]!.split('\n').filter(Boolean)).toEqual(['…………', '…………']);
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
    execFileSync('soffice', ['--headless', '--convert-to', 'pdf', '--outdir', out, join(dir, 'out', 'bao-cao-10-2024.docx')], { stdio: 'ignore', timeout: 120_000 });
    expect(existsSync(join(out, 'bao-cao-10-2024.pdf'))).toBe(true);
  });
});

function hasSoffice(): boolean {
  try {
    execFileSync('soffice', ['--version'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}
