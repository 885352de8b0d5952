import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Rollup } from '../src/core/model.js';
import { formatNumber } from '../src/core/util/number.js';
import '../src/node/package-data-files.js';
import { addresseeOf, percent, requestContent } from '../src/core/write/report/wording.js';
import { renderReport } from '../src/core/write/report/index.js';
import { EMPTY_CONFIG } from '../src/core/config.js';
import { bdg } from './helpers/cli.js';
import { openDocx, type OpenedDocx } from './helpers/docx.js';
import { figuresFor, writeSubmission, writeUnits } from './helpers/province.js';
import { tempDir } from './helpers/workbooks.js';

/** Issue 21: a report a province signs without rewriting it. A 2025 province of 102 communes, 8 of which reported. */
const COMMUNES = Array.from({ length: 102 }, (_, i) => ({
  code: String(30001 + i),
  name: i % 10 === 9 ? `Phường Số ${i + 1}` : `Xã Số ${i + 1}`,
}));
const UNITS = [
  'Mã,Tên,Cấp,Mã cấp trên',
  '30,Tỉnh Một Trăm,Tỉnh,',
  ...COMMUNES.map((c) => `${c.code},${c.name},Xã,30`),
].join('\n');
const CONFIG = {
  agency: { superior: 'UBND TỈNH MỘT TRĂM', name: 'SỞ NỘI VỤ', symbol: 'SNV' },
  place: 'Một Trăm',
  documentNumber: 12,
  documentDate: '2026-01-10',
  recipients: ['Bộ Nội vụ'],
  signer: { prefix: 'KT. GIÁM ĐỐC', title: 'PHÓ GIÁM ĐỐC', name: 'Trần Thị Lan' },
  distribution: ['Như trên', 'UBND tỉnh (để b/c)'],
  archive: 'VT, BĐG',
  plan: { 'DA8.01': { value: 312, for: 'giai đoạn 2021–2025' } },
};

let dir: string;
let rollup: Rollup;
let doc: OpenedDocx;

const texts = (d: OpenedDocx) => d.paragraphs.map((p) => p.text);
const para = (d: OpenedDocx, re: RegExp) => d.paragraphs.find((p) => re.test(p.text));
const total = (code: string, m: 'total' | 'nu' | 'dtts' = 'total') => rollup.totals[code]![m] as number;

beforeAll(async () => {
  dir = tempDir('bdg-report21-');
  writeUnits(dir, UNITS);
  const proposals = [
    'Đề nghị tỉnh sớm phân bổ kinh phí Dự án 8.',
    'Đề nghị sớm phân bổ kinh phí thực hiện Dự án 8',
    'Sớm phân bổ kinh phí Dự án 8 cho xã',
    'Đề nghị Bộ Nội vụ ban hành biểu mẫu báo cáo thống nhất.',
    'Đề nghị tỉnh tăng cường tập huấn cho cán bộ cấp xã.',
    'Đề nghị tỉnh tăng cường tập huấn cho cán bộ cấp xã',
    '',
    '',
  ];
  for (let i = 0; i < 8; i++) {
    const f = figuresFor(100 + i, 1);
    await writeSubmission(join(dir, 'in', `${COMMUNES[i]!.code}.xlsx`), COMMUNES[i]!, f, {
      period: '2025',
      preparedOn: '2025-12-10',
      narrative: proposals[i] ? { proposals: proposals[i] } : {},
    });
  }
  writeFileSync(join(dir, 'cau-hinh.json'), JSON.stringify({ ...CONFIG, units: 'don-vi.csv' }));
  const r = bdg(['consolidate', join(dir, 'in'), '--config', join(dir, 'cau-hinh.json'), '--out', join(dir, 'out')]);
  expect(r.status, r.stderr).toBe(0);
  rollup = JSON.parse(readFileSync(join(dir, 'out', 'tong-hop-30-2025.json'), 'utf8'));
  doc = await openDocx(join(dir, 'out', 'bao-cao-30-2025.docx'));
}, 60_000);

async function rewrite(edit: (r: Rollup) => void, config: object = CONFIG, extra: string[] = []): Promise<OpenedDocx> {
  const r: Rollup = JSON.parse(JSON.stringify(rollup));
  edit(r);
  const id = Math.random().toString(36).slice(2);
  writeFileSync(join(dir, `r-${id}.json`), JSON.stringify(r));
  writeFileSync(join(dir, `c-${id}.json`), JSON.stringify(config));
  const res = bdg([
    'report',
    join(dir, `r-${id}.json`),
    '--config',
    join(dir, `c-${id}.json`),
    '--out',
    join(dir, `${id}.docx`),
    ...extra,
  ]);
  expect(res.status, res.stderr).toBe(0);
  return openDocx(join(dir, `${id}.docx`));
}

describe('partial coverage (8/102 communes): every aggregate says whose figures it is', () => {
  it('no "toàn tỉnh" sentence; the base is named; rates over the reporting units', () => {
    expect(rollup.completeness.received).toBe(8);
    const all = texts(doc).join('\n');
    expect(all).not.toMatch(/toàn tỉnh/i);
    const models = para(doc, /có mô hình phòng, chống bạo lực gia đình/)!.text;
    expect(
      models.startsWith(
        `8/102 đơn vị cấp xã đã báo cáo: có ${formatNumber(total('BDG.19'))}/8 xã, phường (${percent(total('BDG.19') / 8)})`,
      ),
      models,
    ).toBe(true);
    // The unit words are those present: this province has no đặc khu.
    expect(all).not.toContain('đặc khu');
    // A sentence without level words carries its base as a note.
    expect(para(doc, /tin, bài, chuyên mục/)!.text).toMatch(/ \(số liệu của 8\/102 đơn vị cấp xã\)\.$/);
  });

  it('no verdict and no percent of plan from partial data', () => {
    const leaders = para(doc, /cơ quan quản lý nhà nước, chính quyền địa phương có lãnh đạo chủ chốt là nữ/)!.text;
    expect(leaders).toMatch(/, chưa đủ số liệu để đánh giá \(8\/102 đơn vị\)\.$/);
    expect(texts(doc).join('\n')).not.toMatch(/(?:vượt|đạt|chưa đạt) chỉ tiêu \d+%/);
    const nq28 = doc.rows.filter((r) => r.length === 5 && /^\d$/.test(r[0]!));
    expect(nq28.length).toBe(4);
    for (const row of nq28)
      expect(row[4], row.join(' | ')).toMatch(
        /^(Chưa đủ số liệu để đánh giá \(8\/102 đơn vị\)|Không phát sinh|Chưa có số liệu)$/,
      );
    const teams = doc.rows.find((r) => r[1] === 'Tổ truyền thông cộng đồng' && r.length === 6)!;
    expect(teams[3]).toBe('312');
    expect(teams[5]).toMatch(/^Chưa đủ số liệu \(\d+\/102 đơn vị\)$/);
    expect(para(doc, /Tổ truyền thông cộng đồng/)!.text).not.toMatch(/đạt .*kế hoạch|\/312/);
  });

  it('94 missing communes: counted in the body, listed once in an annex; figure annexes print one line for them', () => {
    expect(para(doc, /^Đã tổng hợp số liệu/)!.text).toBe(
      'Đã tổng hợp số liệu của 8/102 đơn vị cấp xã; 94 đơn vị chưa gửi báo cáo (danh sách tại Phụ lục III kèm theo).',
    );
    expect(texts(doc).filter((t) => t.includes('Xã Số 51'))).toEqual(['Xã Số 51']);
    expect(para(doc, /^DANH SÁCH ĐƠN VỊ CHƯA GỬI BÁO CÁO NĂM 2025$/)).toBeDefined();
    const listed = doc.rows.filter((r) => r.length === 3 && /^\d+$/.test(r[0]!) && /^30\d{3}$/.test(r[1]!));
    expect(listed).toHaveLength(94);
    expect(listed[0]).toEqual(['1', '30009', 'Xã Số 9']);
    const annexRows = doc.rows.filter((r) => r[1] === 'Xã Số 1' || r[1] === 'Xã Số 51');
    expect(annexRows.every((r) => r[1] === 'Xã Số 1')).toBe(true);
    const line = doc.rows.filter((r) =>
      r.some((c) => c === 'Các đơn vị chưa gửi báo cáo: 94 đơn vị (danh sách tại Phụ lục III)'),
    );
    expect(line.length).toBeGreaterThanOrEqual(4); // one per annex table
  });

  it('the plan is marked as a phase target', async () => {
    const table = doc.rows.find((r) => r[0] === 'STT' && r.length === 6)!;
    expect(table[3]).toBe('Kế hoạch giai đoạn 2021–2025');
    // With every commune reporting, the sentence compares with the phase target and says so.
    const d = await rewrite((r) => {
      for (const t of Object.values(r.totals)) t.reported = t.expected;
      for (const u of r.units)
        if (u.source === 'missing' && u.parent === r.root.code) u.values['DA8.01'] = { total: 0 };
    });
    expect(para(d, /hiện có .*Tổ truyền thông cộng đồng/)!.text).toBe(
      `Toàn tỉnh hiện có ${formatNumber(total('DA8.01'))}/312 Tổ truyền thông cộng đồng, đạt ${percent(total('DA8.01') / 312)} kế hoạch giai đoạn 2021–2025.`,
    );
  });
});

describe('zeros and "no case"', () => {
  it('0 is a negative sentence, 0 of 0 is "không phát sinh" in the text and the Nghị quyết 28 table', async () => {
    const d = await rewrite((r) => {
      for (const t of Object.values(r.totals)) t.reported = t.expected;
      for (const c of [
        'BDG.27',
        'BDG.28',
        'BDG.29',
        'BDG.21',
        'BDG.15',
        'BDG.16',
        'BDG.22',
        'BDG.23',
        'DA8.22',
        'DA8.23',
      ])
        r.totals[c] = { ...r.totals[c]!, total: 0 };
      for (const x of r.ratios)
        if (x.id === 'nan-nhan-tiep-can-dich-vu' || x.id === 'nan-nhan-mua-ban-ho-tro')
          Object.assign(x, { numerator: 0, denominator: 0, value: null, met: null });
    });
    const all = texts(d);
    expect(all).toContain(
      'Trong năm 2025, chưa tổ chức thanh tra, kiểm tra việc thực hiện pháp luật về bình đẳng giới; không phát hiện vụ vi phạm.',
    );
    expect(all).toContain('Không phát sinh nạn nhân bạo lực gia đình, bạo lực trên cơ sở giới.');
    expect(all).toContain('Nạn nhân bị mua bán trở về có nhu cầu hỗ trợ: không phát sinh.');
    // Project 8 figures of the communes that reported the programme: the sentence says whose.
    expect(all).toContain('Không phát hiện trường hợp tảo hôn (số liệu của 8/8 đơn vị cấp xã có số liệu Dự án 8).');
    expect(all).toContain(
      'Không phát hiện trường hợp kết hôn cận huyết thống (số liệu của 8/8 đơn vị cấp xã có số liệu Dự án 8).',
    );
    for (const t of all) expect(t).not.toMatch(/(?<![\d.,])0 (?:cuộc|vụ|đường dây|cặp|nạn nhân|người)/);
    const row = d.rows.find((r) => r[1] === 'Tỷ lệ nạn nhân bị mua bán được hỗ trợ')!;
    expect(row).toEqual(['4', 'Tỷ lệ nạn nhân bị mua bán được hỗ trợ', 'Không phát sinh', '100%', 'Không phát sinh']);
  });
});

describe('requests routed by addressee, merged, no addressee word cut', () => {
  it('classifies and keeps "Đề nghị Bộ Nội vụ ban hành…" whole', () => {
    expect(addresseeOf('Đề nghị Bộ Nội vụ ban hành biểu mẫu.')).toBe('central');
    expect(requestContent('Đề nghị Bộ Nội vụ ban hành biểu mẫu.')).toBe('Đề nghị Bộ Nội vụ ban hành biểu mẫu.');
    expect(addresseeOf('Đề nghị sớm phân bổ kinh phí Dự án 8')).toBe('programme');
    expect(requestContent('Đề nghị tỉnh sớm phân bổ kinh phí Dự án 8')).toBe('sớm phân bổ kinh phí Dự án 8');
    expect(requestContent('Đề nghị tỉnhthành lập')).toBe('tỉnhthành lập'); // a word that only begins like one stays whole
    expect(addresseeOf('Đề nghị tỉnh tăng cường tập huấn')).toBe('province');
    expect(addresseeOf('Bố trí kinh phí hỗ trợ phụ nữ dân tộc thiểu số sinh đẻ an toàn')).toBe('province');
  });

  it('to a ministry, about programme money (to the lead agency), to the province: each routed and merged', () => {
    const all = texts(doc);
    const at = all.indexOf('V. KIẾN NGHỊ, ĐỀ XUẤT');
    expect(all.slice(at + 1, at + 7)).toEqual([
      '- Đề nghị Bộ Nội vụ ban hành biểu mẫu báo cáo thống nhất.',
      'Đề nghị Trung ương Hội Liên hiệp Phụ nữ Việt Nam (cơ quan chủ trì Dự án 8):',
      '- Sớm phân bổ kinh phí Dự án 8 (các xã Số 1, Số 2, Số 3).',
      'Kiến nghị của các đơn vị với tỉnh:',
      '- Các xã Số 5, Số 6: Đề nghị tỉnh tăng cường tập huấn cho cán bộ cấp xã.',
      'Trên đây là báo cáo kết quả thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm 2025 của Sở Nội vụ./.',
    ]);
    expect(all.join('\n')).not.toMatch(/Đề nghị Bộ Nội vụ quan tâm|^- Nội vụ ban hành/m);
  });

  it('the programme lead named in the config wins over the edition', async () => {
    const d = await rewrite(() => {}, { ...CONFIG, programmeLead: 'Ban Dân tộc tỉnh' });
    expect(texts(d)).toContain('Đề nghị Ban Dân tộc tỉnh:');
  });
});

describe('nothing blank without saying so', () => {
  it('empty header fields are highlighted; the DOCX carries real properties', async () => {
    const d = await rewrite(() => {}, {});
    const blank = d.paragraphs.find((p) => p.text === 'Kính gửi: …………')!;
    expect(blank.xml).toMatch(/<w:highlight w:val="yellow"\/><\/w:rPr><w:t[^>]*>…………/);
    const zip = await JSZip.loadAsync(readFileSync(join(dir, 'out', 'bao-cao-30-2025.docx')));
    const core = await zip.file('docProps/core.xml')!.async('string');
    expect(core).not.toContain('Un-named');
    expect(core).toContain('<cp:lastModifiedBy>bdg</cp:lastModifiedBy>');
    expect(core).toContain('<dc:creator>Sở Nội vụ</dc:creator>');
    expect(core).toContain(
      '<dc:title>Kết quả thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm 2025</dc:title>',
    );
  });

  it('the DOCX is dated by its run, not by the clock: the same roll-up renders to the same bytes, whenever', async () => {
    const rollup = JSON.parse(readFileSync(join(dir, 'out', 'tong-hop-30-2025.json'), 'utf8')) as Rollup;
    const first = await renderReport(rollup, EMPTY_CONFIG);
    // Past a 2-second step of the zip's times: its entries are dated 1/1/1980, never by the clock.
    await new Promise((ok) => setTimeout(ok, 2100));
    expect(Buffer.from(await renderReport(rollup, EMPTY_CONFIG)).equals(Buffer.from(first))).toBe(true);
    const core = await (await JSZip.loadAsync(first)).file('docProps/core.xml')!.async('string');
    const date = new Date(rollup.generatedAt).toISOString();
    expect(core).toContain(`<dcterms:created xsi:type="dcterms:W3CDTF">${date}</dcterms:created>`);
    expect(core).toContain(`<dcterms:modified xsi:type="dcterms:W3CDTF">${date}</dcterms:modified>`);
    // A saved roll-up edited by hand, its date no date: the clock's, as the docx library writes it.
    for (const odd of [null, 12345, 'hôm qua', '+275760-09-13T00:00:00.000Z']) {
      const docx = await renderReport({ ...rollup, generatedAt: odd as unknown as string }, EMPTY_CONFIG);
      const written = await (await JSZip.loadAsync(docx)).file('docProps/core.xml')!.async('string');
      const created = /<dcterms:created[^>]*>([^<]*)</.exec(written)![1]!;
      expect(Math.abs(Date.parse(created) - Date.now())).toBeLessThan(60_000);
    }
  });
});

describe('the CLI, the page and the summary workbook say what is blank and print readably', () => {
  it('the CLI lists the empty config fields', () => {
    const id = Math.random().toString(36).slice(2);
    writeFileSync(join(dir, `c-${id}.json`), JSON.stringify({ agency: { name: 'SỞ NỘI VỤ' } }));
    const res = bdg([
      'report',
      join(dir, 'out', 'tong-hop-30-2025.json'),
      '--config',
      join(dir, `c-${id}.json`),
      '--out',
      join(dir, `${id}.docx`),
    ]);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stderr).toContain(
      'Tệp cấu hình chưa có 11 mục, để trống và tô vàng trong báo cáo để điền trước khi ký: agency.superior (cơ quan chủ quản), agency.symbol',
    );
    expect(res.stderr).not.toContain('agency.name');
    const full = bdg([
      'report',
      join(dir, 'out', 'tong-hop-30-2025.json'),
      '--config',
      join(dir, 'cau-hinh.json'),
      '--out',
      join(dir, `${id}-full.docx`),
    ]);
    expect(full.stderr).toContain('Tệp cấu hình chưa có 1 mục');
    expect(full.stderr).toContain('basis (văn bản căn cứ)');
  });

  it('the summary workbook: real properties; level sheets landscape, fitted to the width, titles repeated', async () => {
    const zip = await JSZip.loadAsync(readFileSync(join(dir, 'out', 'tong-hop-30-2025.xlsx')));
    const core = await zip.file('docProps/core.xml')!.async('string');
    expect(core).toContain(
      '<dc:title>Tổng hợp kết quả thực hiện công tác bình đẳng giới – Tỉnh Một Trăm – Năm 2025</dc:title>',
    );
    expect(core).toContain('<dc:creator>bdg</dc:creator>');
    const wbXml = await zip.file('xl/workbook.xml')!.async('string');
    const level = /<sheet [^>]*name="(Cấp xã)"[^>]*r:id="(rId\d+)"/.exec(wbXml)!;
    expect(level, wbXml).toBeDefined();
    const rels = await zip.file('xl/_rels/workbook.xml.rels')!.async('string');
    const target = new RegExp(`Id="${level[2]}"[^>]*Target="([^"]+)"`).exec(rels)![1]!.replace(/^\/?xl\//, '');
    const sheet = await zip.file(`xl/${target}`)!.async('string');
    expect(sheet).toMatch(/<pageSetUpPr fitToPage="1"\/>/);
    expect(sheet).toMatch(/<pageSetup[^>]*orientation="landscape"/);
    expect(sheet).toMatch(
      /<pageSetup[^>]*fitToWidth="1"[^>]*fitToHeight="0"|<pageSetup[^>]*fitToHeight="0"[^>]*fitToWidth="1"/,
    );
    expect(wbXml).toMatch(/_xlnm\.Print_Titles/);
  });
});

describe('three issuers from one roll-up', () => {
  const closing = (d: OpenedDocx) => d.rows.find((r) => r[0]?.startsWith('Nơi nhận:'))!;
  const lines = (cell: string) => cell.split('\n').filter(Boolean);

  it('the Sở (default): its header and "KT. GIÁM ĐỐC"', () => {
    expect(lines(doc.rows[0]![0]!)).toEqual(['UBND TỈNH MỘT TRĂM', 'SỞ NỘI VỤ']);
    expect(lines(closing(doc)[1]!)).toEqual(['KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC', 'Trần Thị Lan']);
  });

  it('the provincial People\'s Committee (--issuer ubnd): no superior, "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH"', async () => {
    const d = await rewrite(
      () => {},
      {
        ...CONFIG,
        issuers: { ubnd: { documentNumber: 8, recipients: ['Bộ Nội vụ'], signer: { name: 'Lê Văn Hùng' } } },
      },
      ['--issuer', 'ubnd'],
    );
    expect(lines(d.rows[0]![0]!)).toEqual(['ỦY BAN NHÂN DÂN', 'TỈNH MỘT TRĂM']);
    expect(d.rows[1]).toEqual(['Số: 08/BC-UBND', 'Một Trăm, ngày     tháng     năm     ']);
    expect(lines(closing(d)[1]!)).toEqual(['TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH', 'Lê Văn Hùng']);
    expect(para(d, /^Thực hiện /)!.text).toContain(
      ', Ủy ban nhân dân tỉnh Một Trăm báo cáo kết quả thực hiện công tác bình đẳng giới',
    );
    // The Sở's number and distribution are not the committee's: blanks to fill.
    expect(lines(closing(d)[0]!)).toEqual(['Nơi nhận:', '- …………;', '- Lưu: VT, ………….']);
    const res = bdg([
      'report',
      join(dir, 'out', 'tong-hop-30-2025.json'),
      '--config',
      join(dir, 'cau-hinh.json'),
      '--issuer',
      'ubnd',
      '--out',
      join(dir, 'ubnd-notice.docx'),
    ]);
    expect(res.stderr).toContain(
      'issuers.ubnd.documentNumber (số văn bản), issuers.ubnd.documentDate (ngày ban hành), issuers.ubnd.recipients (Kính gửi), basis (văn bản căn cứ)',
    );
  });

  it('the provincial Women\'s Union (issuer in the config): "TM. BAN THƯỜNG VỤ", the programme only, against the phase target', async () => {
    const d = await rewrite(() => {}, {
      ...CONFIG,
      issuer: 'hoi-phu-nu',
      issuers: {
        'hoi-phu-nu': {
          agency: { superior: 'HỘI LHPN VIỆT NAM', symbol: 'HPN' },
          signer: { title: 'CHỦ TỊCH', name: 'Hoàng Thị Mai' },
        },
      },
    });
    expect(lines(d.rows[0]![0]!)).toEqual(['HỘI LHPN VIỆT NAM', 'HỘI LIÊN HIỆP PHỤ NỮ', 'TỈNH MỘT TRĂM']);
    expect(d.rows[1]![0]).toBe('Số:       /BC-HPN');
    expect(lines(closing(d)[1]!)).toEqual(['TM. BAN THƯỜNG VỤ', 'CHỦ TỊCH', 'Hoàng Thị Mai']);
    const all = texts(d);
    expect(all).toContain('Kết quả thực hiện Dự án 8 năm 2025');
    for (const n of [1, 2, 3, 4])
      expect(
        all.some((t) => t.startsWith(`${n}. Nội dung ${n}: `)),
        `Nội dung ${n}`,
      ).toBe(true);
    expect(all).toContain('6. Kinh phí');
    // Only the programme: no Nghị quyết 28, no general gender-equality figures, one annex.
    expect(all.join('\n')).not.toMatch(/Nghị quyết số 28|thanh tra|Phụ lục III/);
    expect(all).toContain(
      'Đã tổng hợp số liệu của 8/102 đơn vị cấp xã; 94 đơn vị chưa gửi báo cáo (danh sách tại Phụ lục II kèm theo).',
    );
    expect(
      all.some((t) =>
        t.startsWith(
          'Trên đây là báo cáo kết quả thực hiện Dự án 8 năm 2025 của Hội Liên hiệp Phụ nữ tỉnh Một Trăm./.',
        ),
      ),
    ).toBe(true);
    const table = d.rows.find((r) => r[0] === 'STT' && r.length === 6)!;
    expect(table[3]).toBe('Kế hoạch giai đoạn 2021–2025');
  });

  it('an unknown --issuer is refused in Vietnamese', () => {
    const res = bdg([
      'report',
      join(dir, 'out', 'tong-hop-30-2025.json'),
      '--issuer',
      'tinh-uy',
      '--out',
      join(dir, 'x.docx'),
    ]);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('--issuer "tinh-uy" không hợp lệ');
  });
});

describe('a judgement, not only quotes', () => {
  it('Đánh giá chung opens with the figures: units active per core result, most and least active, Nghị quyết 28 with coverage', () => {
    const all = texts(doc);
    const at = all.indexOf('1. Kết quả đạt được');
    expect(all[at + 1]).toMatch(
      /^Số đơn vị cấp xã có kết quả ở các chỉ tiêu chủ yếu năm 2025: tổ truyền thông cộng đồng \d\/102; .*CLB "Thủ lĩnh/,
    );
    expect(all[at + 2]).toMatch(
      /^Triển khai nhiều chỉ tiêu chủ yếu nhất là .+ \(\d\/7 chỉ tiêu\); ít nhất là .+ \(\d\/7 chỉ tiêu\)\.$/,
    );
    expect(all[at + 3]).toBe(
      'Về các chỉ tiêu của Chiến lược quốc gia về bình đẳng giới đến năm 2025, theo số liệu của 8/102 đơn vị cấp xã: chưa đủ số liệu để đánh giá 4 chỉ tiêu (tỷ lệ cơ quan có lãnh đạo chủ chốt là nữ; tỷ lệ nạn nhân bạo lực được tiếp cận dịch vụ hỗ trợ; tỷ lệ người gây bạo lực được tư vấn; tỷ lệ nạn nhân bị mua bán được hỗ trợ).',
    );
  });

  it("units' words beyond quoteLines go to an annex; the body says where", async () => {
    const d = await rewrite(
      (r) => {
        r.narratives = [];
        for (let i = 0; i < 8; i++)
          r.narratives.push({
            unit: COMMUNES[i]!,
            narrative: {
              difficulties: `Khó khăn riêng số ${i + 1} của xã.\nThiếu cán bộ chuyên trách ở thôn ${i + 1}.`,
            },
          });
      },
      { ...CONFIG, quoteLines: 5 },
    );
    const all = texts(d);
    expect(all).toContain(
      'Ý kiến của 8 đơn vị về khó khăn, hạn chế; nguyên nhân (9 ý) được tổng hợp tại Phụ lục IV kèm theo.',
    );
    const annex = all.indexOf('Ý KIẾN CỦA CÁC ĐƠN VỊ NĂM 2025');
    expect(all[annex - 1]).toBe('Phụ lục IV');
    // Near-identical lines (differing by a number) gathered once with the units that wrote them.
    expect(all[annex + 2]).toBe('1. Khó khăn, hạn chế; nguyên nhân');
    expect(all[annex + 3]).toMatch(/^- Các xã Số 1, Số 2, .*Số 8: Thiếu cán bộ chuyên trách ở thôn \d\.$/);
    expect(all).toContain('- Xã Số 1: Khó khăn riêng số 1 của xã.');
  });
});

describe("the Women's Union: cumulative over the phase with --previous more than once", () => {
  it('sums the flows of this year and the earlier ones; compares with the latest', async () => {
    const earlier = ['2024', '2023'].map((year) => {
      const r: Rollup = JSON.parse(JSON.stringify(rollup));
      r.period = year;
      r.periodLabel = `Năm ${year}`;
      const path = join(dir, `prev-${year}.json`);
      writeFileSync(path, JSON.stringify(r));
      return path;
    });
    const d = await rewrite(() => {}, { ...CONFIG, issuer: 'hoi-phu-nu' }, [
      '--previous',
      earlier[1]!,
      '--previous',
      earlier[0]!,
    ]);
    const line = texts(d).find((t) => t.startsWith('Lũy kế '))!;
    expect(line).toContain(
      `Lũy kế năm 2023–2025: tổ chức ${formatNumber(3 * total('DA8.04'))} cuộc truyền thông cho ${formatNumber(3 * total('DA8.05'))} lượt người`,
    );
    // The change is against the latest earlier year, not the first given.
    expect(texts(d).join('\n')).toContain('so với năm 2024');
    expect(texts(d).join('\n')).not.toContain('so với năm 2023');
  });
});

describe("the programme area and the page's words", () => {
  it('with programmeArea in the config, Project 8 figures are counted against its communes', async () => {
    const area = COMMUNES.slice(0, 10).map((c) => c.code);
    const d = await rewrite(() => {}, { ...CONFIG, programmeArea: { '2025': area } });
    expect(para(d, /hiện có \d+ Tổ truyền thông/)?.text ?? '').toMatch(
      /^8\/10 xã, phường thuộc địa bàn Dự án 8 đã báo cáo: hiện có \d+ Tổ truyền thông cộng đồng/,
    );
    // A general indicator keeps the units under the root as its base.
    expect(para(d, /tin, bài, chuyên mục/)!.text).toMatch(/\(số liệu của 8\/102 đơn vị cấp xã\)\.$/);
  });

  it("the page assesses each ratio in the DOCX's words", async () => {
    const { assessments } = await import('../src/core/write/report/wording.js');
    const { loadCatalogue } = await import('../src/core/catalogue/catalogue.js');
    const { configSchema } = await import('../src/core/config.js');
    const words = assessments(rollup, loadCatalogue(rollup.edition), configSchema().parse(CONFIG));
    const nq28 = doc.rows.filter((r) => r.length === 5 && /^\d$/.test(r[0]!));
    for (const row of nq28) {
      const id = rollup.ratios.find((r) => r.name === row[1])!.id;
      expect(words.get(id)).toBe(row[4]);
    }
  });
});
