import { cpSync, existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adoptCatalogues,
  EDITIONS_FILE,
  formEditionForPeriod,
  knownVersions,
  loadCatalogue,
  loadedCatalogues,
} from '../src/core/catalogue/catalogue.js';
import { catalogueProblems } from '../src/core/catalogue/check.js';
import { conversionBetween, crosswalkPairs } from '../src/core/catalogue/crosswalk.js';
import { installDataFiles } from '../src/core/data-files.js';
import type { Figures, Rollup } from '../src/core/model.js';
import { parsePeriodArg } from '../src/core/util/period.js';
import { buildSubmissionWorkbook } from '../src/core/write/submission-workbook.js';
import { packageDataFiles } from '../src/node/package-data-files.js';
import { bdg, ROOT } from './helpers/cli.js';
import { openDocx } from './helpers/docx.js';
import { THREE_LEVEL, writeUnits } from './helpers/province.js';
import { tempDir } from './helpers/workbooks.js';
import { checksRowRule, type CheckRule } from '../src/core/catalogue/check-rules.js';
import { parseHierarchy } from '../src/core/units/hierarchy.js';
import { evaluate } from '../src/core/validate/checks.js';
import { validateSubmission } from '../src/core/validate/validate.js';
import type { IndicatorRow, Submission } from '../src/core/model.js';
import { toIssue, type Finding } from '../src/core/rules/rules.js';

/** The second edition, made only of files: a moved (DA8.06 → DA8.31), a split (BDG.30), a retired (BDG.07), a new code (DA8.40). */
const FIXTURE = join(ROOT, 'test/fixtures/editions');
const TEST = 'TEST-2026.1';
const OLD = 'BDG-2024.1';

const withFixture = () => installDataFiles(packageDataFiles(FIXTURE));
const withPackage = () => installDataFiles(packageDataFiles(undefined));

/** A copy of the fixture edition, to break or extend. */
function fixtureCopy(): string {
  const dir = tempDir('bdg-editions-');
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

async function writeFile(
  path: string,
  edition: string,
  unit: { code: string; name: string },
  period: string,
  figures: Figures,
): Promise<void> {
  const wb = buildSubmissionWorkbook({
    catalogue: loadCatalogue(edition),
    unit,
    period: parsePeriodArg(period)!,
    figures,
    info: { preparedOn: new Date('2026-12-10T00:00:00Z') },
  });
  mkdirSync(join(path, '..'), { recursive: true });
  await wb.xlsx.writeFile(path);
}

async function infoValue(path: string, label: string): Promise<unknown> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  let found: unknown;
  wb.getWorksheet('Thông tin')!.eachRow((row) => {
    if (row.getCell(1).value === label) found = row.getCell(2).value;
  });
  return found;
}

async function codesOf(path: string): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const codes: string[] = [];
  wb.getWorksheet('Số liệu')!.eachRow((row) =>
    row.eachCell((c) => typeof c.value === 'string' && /^[A-Z0-9]+\.\d{2}$/.test(c.value) && codes.push(c.value)),
  );
  return codes;
}

describe('the shipped catalogue', () => {
  it('every edition and every crosswalk is sound (a broken catalogue fails here, never a user file)', () => {
    expect(catalogueProblems()).toEqual([]);
    expect(knownVersions().length).toBeGreaterThan(0);
    for (const [a, b] of crosswalkPairs()) expect(conversionBetween(a, b)).not.toBeNull();
  });

  it('the edition of a period comes from editions.csv alone', () => {
    expect(formEditionForPeriod(parsePeriodArg('2024')).id).toBe(knownVersions()[0]);
  });

  it("a thread takes the main thread's editions as sent (structured clone), without parsing their files again", () => {
    for (const id of knownVersions()) loadCatalogue(id);
    const sent = structuredClone(loadedCatalogues());
    expect(sent.map((c) => c.version)).toEqual(knownVersions());
    expect(sent).toEqual(loadedCatalogues());
    // A thread's own data files, whose edition files cannot be read: what it uses is what it was sent.
    const disk = packageDataFiles(undefined);
    const read: string[] = [];
    installDataFiles({
      list: (dir) => disk.list(dir),
      read: (path) => {
        read.push(path);
        if (path !== EDITIONS_FILE) throw new Error(`read ${path}`);
        return disk.read(path);
      },
    });
    try {
      adoptCatalogues([...sent, { ...sent[0]!, version: 'XYZ-2099.1' }]);
      for (const [i, id] of knownVersions().entries()) expect(loadCatalogue(id)).toBe(sent[i]);
      expect(read).toEqual([EDITIONS_FILE]);
      expect(() => loadCatalogue('XYZ-2099.1')).toThrow(/Unknown catalogue version/);
    } finally {
      withPackage();
    }
  });
});

describe('editions with the fixture edition (in process)', () => {
  beforeAll(withFixture);
  afterAll(withPackage);

  it('the fixture edition and its crosswalk are sound', () => {
    expect(catalogueProblems()).toEqual([]);
    expect(knownVersions()).toEqual([OLD, TEST]);
    expect(formEditionForPeriod(parsePeriodArg('2025')).id).toBe(OLD);
    expect(formEditionForPeriod(parsePeriodArg('2026-H1')).id).toBe(TEST);
  });

  it('converts through the crosswalk both ways: moved carried, split and retired dropped, new lacking', () => {
    const up = conversionBetween(OLD, TEST)!;
    expect(up.carried.get('DA8.06')).toBe('DA8.31');
    expect(up.carried.get('DA8.01')).toBe('DA8.01');
    expect(Object.fromEntries(up.dropped)).toEqual({ 'BDG.07': 'retired', 'BDG.30': 'split' });
    expect(up.lacking).toEqual(['DA8.40', 'BDG.31', 'BDG.32']);
    const down = conversionBetween(TEST, OLD)!;
    expect(down.carried.get('DA8.31')).toBe('DA8.06');
    expect(Object.fromEntries(down.dropped)).toEqual({ 'DA8.40': 'retired', 'BDG.31': 'merged', 'BDG.32': 'merged' });
    expect(down.lacking).toEqual(['BDG.07', 'BDG.30']);
  });

  it('a broken crosswalk or edition is found, naming its file', () => {
    const dir = fixtureCopy();
    const cw = join(dir, 'crosswalk', `${OLD}--${TEST}.csv`);
    writeFileSync(cw, readFileSync(cw, 'utf8').replace('DA8.01,DA8.01,same,\n', ''));
    installDataFiles(packageDataFiles(dir));
    expect(catalogueProblems()).toEqual([
      {
        file: `catalogue/crosswalk/${OLD}--${TEST}.csv`,
        problems: [
          `thiếu mã DA8.01 của ${OLD}`,
          `mã DA8.01 của ${TEST} không có nguồn (ghi là new nếu là chỉ tiêu mới)`,
        ],
      },
    ]);
    const ind = join(dir, TEST, 'indicators.csv');
    writeFileSync(ind, readFileSync(ind, 'utf8').replace(/^(DA8\.02,.*),DA8\.01,$/m, '$1,DA8.99,'));
    installDataFiles(packageDataFiles(dir));
    expect(catalogueProblems()).toEqual([
      { file: `catalogue/${TEST}/indicators.csv`, problems: ['DA8.02: part_of DA8.99 không có'] },
    ]);
    const words = join(dir, TEST, 'bao-cao.txt');
    cpSync(join(FIXTURE, TEST, 'indicators.csv'), ind);
    cpSync(join(FIXTURE, 'crosswalk', `${OLD}--${TEST}.csv`), cw);
    writeFileSync(words, `${readFileSync(words, 'utf8')}Số tin bài: {BDG.07}.\n`);
    installDataFiles(packageDataFiles(dir));
    expect(catalogueProblems()).toEqual([
      { file: `catalogue/${TEST}/bao-cao.txt`, problems: [`dòng 11: {BDG.07} nói đến mã không có trong ${TEST}`] },
    ]);
    withFixture();
  });
});

describe('two editions through the commands (BDG_CATALOGUE_OVERLAY)', () => {
  const env = { BDG_CATALOGUE_OVERLAY: FIXTURE };
  let dir: string;
  let units: string;
  const d = (code: string) => ({
    code,
    name: code === '101' ? 'Huyện Đông' : code === '102' ? 'Huyện Tây' : 'Thị xã Nam',
  });

  beforeAll(async () => {
    withFixture();
    dir = tempDir('bdg-editions-cli-');
    units = writeUnits(dir, THREE_LEVEL);
    // Last year, all in the old edition.
    await writeFile(join(dir, '2025/101.xlsx'), OLD, d('101'), '2025', {
      'DA8.06': { total: 20 },
      'DA8.04': { total: 8 },
      'DA8.05': { total: 200 },
      'BDG.30': { total: 90 },
      'DA8.01': { total: 2 },
    });
    await writeFile(join(dir, '2025/102.xlsx'), OLD, d('102'), '2025', {
      'DA8.06': { total: 20 },
      'BDG.30': { total: 10 },
    });
    // This year: two files in the new edition, one still in the old.
    await writeFile(join(dir, '2026/101.xlsx'), TEST, d('101'), '2026', {
      'DA8.31': { total: 25 },
      'DA8.04': { total: 8 },
      'DA8.05': { total: 240 },
      'BDG.31': { total: 50 },
      'BDG.32': { total: 70 },
      'DA8.40': { total: 2 },
      'DA8.01': { total: 3 },
    });
    await writeFile(join(dir, '2026/102.xlsx'), OLD, d('102'), '2026', {
      'DA8.06': { total: 40 },
      'DA8.04': { total: 10 },
      'DA8.05': { total: 300 },
      'BDG.30': { total: 120.5 },
      'BDG.07': { total: 9 },
      'DA8.01': { total: 5 },
    });
    await writeFile(join(dir, '2026/103.xlsx'), TEST, d('103'), '2026', {
      'DA8.31': { total: 15 },
      'DA8.40': { total: 1 },
      'DA8.01': { total: 4 },
    });
  });
  afterAll(withPackage);

  it('template: the edition of the period, or --form', async () => {
    const at = (name: string) => join(dir, name);
    expect(
      bdg(['template', '--unit', '101', '--units', units, '--period', '2025', '--out', at('t25.xlsx')], { env }).status,
    ).toBe(0);
    const r = bdg(['template', '--unit', '101', '--units', units, '--period', '2026', '--out', at('t26.xlsx')], {
      env,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Phiên bản biểu mẫu: ${TEST} (Biểu mẫu thử áp dụng từ năm 2026).`);
    expect(
      bdg(
        ['template', '--unit', '101', '--units', units, '--period', '2025', '--form', TEST, '--out', at('t25f.xlsx')],
        { env },
      ).status,
    ).toBe(0);
    expect(await infoValue(at('t25.xlsx'), 'Phiên bản biểu mẫu')).toBe(OLD);
    expect(await infoValue(at('t26.xlsx'), 'Phiên bản biểu mẫu')).toBe(TEST);
    expect(await infoValue(at('t25f.xlsx'), 'Phiên bản biểu mẫu')).toBe(TEST);
    const [old, now] = [await codesOf(at('t25.xlsx')), await codesOf(at('t26.xlsx'))];
    expect(old).toContain('DA8.06');
    expect(old).not.toContain('DA8.31');
    expect(now).toEqual(expect.arrayContaining(['DA8.31', 'DA8.40', 'BDG.31', 'BDG.32']));
    expect(now).not.toContain('DA8.06');
    expect(now).not.toContain('BDG.07');
    const bad = bdg(
      [
        'template',
        '--unit',
        '101',
        '--units',
        units,
        '--period',
        '2025',
        '--form',
        'BDG-1999.1',
        '--out',
        at('x.xlsx'),
      ],
      { env },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`--form "BDG-1999.1": không có phiên bản biểu mẫu này. bdg biết: ${OLD} (`);
  });

  it('validate: each file against its own edition; form-outdated and form-newer', () => {
    const old = bdg(['validate', join(dir, '2026/102.xlsx'), '--units', units, '--json'], { env });
    expect(old.status, old.stdout).toBe(0);
    const json = JSON.parse(old.stdout);
    expect(json.valid).toBe(true);
    expect(json.warnings.map((w: { rule: string }) => w.rule)).toEqual(['form-outdated']);
    expect(json.warnings[0].message).toBe(
      `Tệp theo biểu mẫu ${OLD}; kỳ báo cáo Năm 2026 dùng biểu mẫu ${TEST}. Số liệu vẫn được kiểm tra theo biểu mẫu ${OLD} và sẽ được chuyển khi tổng hợp, nhưng chỉ tiêu mới sẽ thiếu: nên chép sang biểu mẫu mới (bdg template --form ${TEST}).`,
    );
    const now = JSON.parse(bdg(['validate', join(dir, '2026/101.xlsx'), '--units', units, '--json'], { env }).stdout);
    expect(now.warnings).toEqual([]);
    const newer = JSON.parse(
      bdg(['validate', join(dir, '2026/101.xlsx'), '--units', units, '--form', OLD, '--json'], { env }).stdout,
    );
    expect(newer.warnings.map((w: { rule: string }) => w.rule)).toEqual(['form-newer']);
  });

  it('consolidate: a folder mixing both editions, converted with exact totals and honest coverage; --previous across editions', async () => {
    const prev = bdg(['consolidate', join(dir, '2025'), '--units', units, '--out', join(dir, 'out25'), '--json'], {
      env,
    });
    expect(prev.status, prev.stderr).toBe(0);
    expect(JSON.parse(prev.stdout).edition).toBe(OLD);
    const prevJson = join(dir, 'out25/tong-hop-10-2025.json');
    const r = bdg(
      [
        'consolidate',
        join(dir, '2026'),
        '--units',
        units,
        '--out',
        join(dir, 'out26'),
        '--json',
        '--previous',
        prevJson,
      ],
      { env },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Biểu mẫu:       ${TEST}`);
    expect(r.stderr).toContain(`Đã chuyển 1 tệp theo biểu mẫu ${OLD} sang ${TEST}`);
    const rollup = JSON.parse(r.stdout) as Rollup;
    expect(rollup.edition).toBe(TEST);
    expect(rollup.totals['DA8.31']).toEqual({ total: 80, reported: 3, expected: 3 });
    expect(rollup.totals['DA8.04']).toEqual({ total: 18, reported: 2, expected: 3 });
    expect(rollup.totals['DA8.40']).toEqual({ total: 3, reported: 2, expected: 3 });
    expect(rollup.totals['BDG.31']).toEqual({ total: 50, reported: 1, expected: 3 });
    expect(rollup.totals['DA8.01']).toEqual({ total: 12, reported: 3, expected: 3 });
    expect(rollup.totals['BDG.07']).toBeUndefined();
    expect(rollup.totals['DA8.06']).toBeUndefined();
    const converted = rollup.files.find((f) => f.path === '102.xlsx')!;
    expect(converted).toMatchObject({
      status: 'accepted',
      edition: OLD,
      convertedFrom: OLD,
      notConverted: ['BDG.07', 'BDG.30'],
      lacking: ['DA8.40', 'BDG.31', 'BDG.32'],
    });
    expect(converted.warnings!.map((w) => w.message)).toContain(
      `Tệp theo biểu mẫu ${OLD}, đã chuyển sang biểu mẫu ${TEST} đang tổng hợp. Không chuyển được (chỉ tiêu đã tách hoặc bỏ): BDG.07, BDG.30. Tệp không có 3 chỉ tiêu mới (DA8.40, BDG.31–BDG.32): đơn vị được tính là chưa báo cáo các chỉ tiêu này. Để đủ số liệu, đề nghị đơn vị điền biểu mẫu ${TEST} (bdg template --form ${TEST}).`,
    );
    expect(rollup.files.find((f) => f.path === '101.xlsx')).toMatchObject({ status: 'accepted', edition: TEST });
    expect(rollup.files.find((f) => f.path === '101.xlsx')!.convertedFrom).toBeUndefined();
    // The summary names its edition: it is itself a submission of that edition.
    expect(await infoValue(join(dir, 'out26/tong-hop-10-2026.xlsx'), 'Phiên bản biểu mẫu')).toBe(TEST);
    // The report in the new edition's wording; last year compared only where the code stayed or moved.
    const report = (await openDocx(join(dir, 'out26/bao-cao-10-2026.docx'))).paragraphs.map((p) => p.text);
    expect(report.some((t) => t.startsWith('Theo biểu mẫu thử năm 2026'))).toBe(true);
    expect(report).toContain('Các địa phương đã phát hành 80 sản phẩm truyền thông, tăng 100% so với năm 2025.');
    expect(report).toContain(
      'Dự án 8 đã tổ chức 18 cuộc truyền thông, tăng 125,0% so với năm 2025 (số liệu của 2/3 đơn vị cấp huyện).',
    );
    // The milestone year is the edition's own (its ratios.csv has target_2030 only).
    expect(report).toContain('Chỉ tiêu đến năm 2030');
    expect(report).toContain(
      'Hiện có 3 mô hình can thiệp giảm thiểu tảo hôn, hôn nhân cận huyết thống (số liệu của 2/3 đơn vị cấp huyện).',
    );
    expect(report.find((t) => t.startsWith('Kinh phí từ ngân sách trung ương'))).not.toContain('so với');
    // The old year's report keeps its own wording.
    const old = (await openDocx(join(dir, 'out25/bao-cao-10-2025.docx'))).paragraphs.map((p) => p.text);
    expect(old.some((t) => t.startsWith('Theo biểu mẫu thử'))).toBe(false);
    expect(old.some((t) => t.includes('40 sản phẩm truyền thông'))).toBe(true);
  });

  it('a file whose edition has no crosswalk path is rejected: edition-incompatible', async () => {
    const overlay = fixtureCopy();
    cpSync(join(overlay, TEST), join(overlay, 'ZZZ-2027.1'), { recursive: true });
    writeFileSync(
      join(overlay, 'editions.csv'),
      `${readFileSync(join(overlay, 'editions.csv'), 'utf8')}ZZZ-2027.1,2027-01-01,Biểu mẫu không có bảng chuyển đổi\n`,
    );
    const r = bdg(
      [
        'consolidate',
        join(dir, '2026'),
        '--units',
        units,
        '--form',
        'ZZZ-2027.1',
        '--out',
        join(dir, 'outz'),
        '--json',
      ],
      {
        env: { BDG_CATALOGUE_OVERLAY: overlay },
      },
    );
    expect(r.status).toBe(1);
    const rollup = JSON.parse(r.stdout) as Rollup;
    expect(rollup.files.map((f) => [f.path, f.status, f.errors?.[0]?.rule])).toEqual([
      ['101.xlsx', 'rejected', 'edition-incompatible'],
      ['102.xlsx', 'rejected', 'edition-incompatible'],
      ['103.xlsx', 'rejected', 'edition-incompatible'],
    ]);
  });

  it('a broken catalogue exits 2 naming the catalogue file, and no file is rejected for it', () => {
    const overlay = fixtureCopy();
    const cw = join(overlay, 'crosswalk', `${OLD}--${TEST}.csv`);
    writeFileSync(cw, readFileSync(cw, 'utf8').replace('DA8.01,DA8.01,same,\n', ''));
    const out = join(dir, 'out-broken');
    for (const args of [
      ['consolidate', join(dir, '2026'), '--units', units, '--out', out],
      ['validate', join(dir, '2026/101.xlsx'), '--units', units],
      ['template', '--unit', '101', '--units', units, '--period', '2026', '--out', join(dir, 'broken.xlsx')],
    ]) {
      const r = bdg(args, { env: { BDG_CATALOGUE_OVERLAY: overlay } });
      expect(r.status, args[0]).toBe(2);
      expect(r.stderr).toContain(`catalogue/crosswalk/${OLD}--${TEST}.csv: thiếu mã DA8.01 của ${OLD}`);
      expect(r.stderr).toContain('không phải của tệp báo cáo');
      expect(r.stdout).not.toContain('từ chối');
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'broken.xlsx'))).toBe(false);
  });
});

/** A submission with these totals, each in column E of its own row (as read). */
function submissionOf(totals: Record<string, number | null>, unit = '101'): Submission {
  const rows = new Map<string, IndicatorRow>();
  Object.entries(totals).forEach(([code, value], i) => {
    const ref = { sheet: 'Số liệu', cell: `E${i + 5}` };
    rows.set(code, {
      code,
      ref: { sheet: 'Số liệu', cell: `B${i + 5}` },
      cells: { total: { value, ref } },
      note: null,
    });
  });
  const info = { unitCode: unit, unitName: null, period: parsePeriodArg('2024'), version: OLD } as Submission['info'];
  return { file: 'x.xlsx', info, infoRefs: {}, rows, narrative: {} };
}

describe('checks as data: one rule shape, one engine', () => {
  const catalogue = () => loadCatalogue(OLD);
  const rule = (row: Record<string, string>) => checksRowRule(row) as CheckRule;
  const message = (f: Finding | undefined) => f && toIssue(f).message;

  it('BDG-2024.1 says Project 8 events are part of all communication events (checks.csv): 157 > 84 is flagged', () => {
    const v = validateSubmission(submissionOf({ 'DA8.04': 157, 'BDG.05': 84 }), { catalogue: catalogue() });
    expect(v.errors).toEqual([]);
    expect(v.warnings.map((w) => [w.rule, w.cell, w.message])).toEqual([
      [
        'included-exceeds-total',
        'E5',
        'Ô E5 (sheet "Số liệu", chỉ tiêu DA8.04, cột Tổng số): 157 lớn hơn BDG.05 "Số cuộc truyền thông về bình đẳng giới, phòng chống bạo lực trên cơ sở giới" (84, ô E6), trong khi số này đã được tính trong BDG.05. Kiểm tra lại hai ô: BDG.05 phải gồm cả số này.',
      ],
    ]);
    expect(
      validateSubmission(submissionOf({ 'DA8.04': 84, 'BDG.05': 84 }), { catalogue: catalogue() }).warnings,
    ).toEqual([]);
    expect(
      validateSubmission(submissionOf({ 'DA8.04': 157, 'BDG.05': null }), { catalogue: catalogue() }).warnings,
    ).toEqual([]);
  });

  it('a figure of the wrong kind is set aside from the rules across cells, and the submission is left as read', () => {
    const sub = submissionOf({ 'DA8.04': 157.5, 'BDG.05': 84 });
    const asRead = structuredClone(sub);
    const v = validateSubmission(sub, { catalogue: catalogue() });
    expect(v.errors.map((e) => [e.rule, e.cell])).toEqual([['value-not-whole', 'E5']]);
    expect(v.warnings).toEqual([]);
    expect([...v.setAside]).toEqual([sub.rows.get('DA8.04')!.cells.total]);
    expect(sub).toEqual(asRead);
  });

  it('a sum of parts against a whole, a warning only when every part is filled', () => {
    const parts = rule({
      rule: 'parts-exceed-whole',
      left: 'DA8.02 + DA8.07 + DA8.09',
      op: '<=',
      right: 'DA8.01',
      severity: 'warning',
      missing: 'skip-any',
    });
    const ctx = (t: Record<string, number | null>) => ({ sub: submissionOf(t), catalogue: catalogue(), unit: null });
    expect(message(evaluate(parts, ctx({ 'DA8.02': 5, 'DA8.07': 4, 'DA8.09': 3, 'DA8.01': 10 })))).toBe(
      'Ô E5 (sheet "Số liệu", chỉ tiêu DA8.02, cột Tổng số): tổng DA8.02 + DA8.07 + DA8.09 là 12, lớn hơn DA8.01 (10), trong khi đây là các phần của DA8.01. Kiểm tra lại các ô này.',
    );
    expect(evaluate(parts, ctx({ 'DA8.02': 5, 'DA8.07': 4, 'DA8.09': 3, 'DA8.01': 12 }))).toBeUndefined();
    expect(evaluate(parts, ctx({ 'DA8.02': 5, 'DA8.07': 4, 'DA8.09': null, 'DA8.01': 1 }))).toBeUndefined();
    const whenAll = { ...parts, missing: 'skip-all' as const };
    expect(evaluate(whenAll, ctx({ 'DA8.02': 5, 'DA8.07': 4, 'DA8.09': null, 'DA8.01': 1 }))?.rule).toBe(
      'parts-exceed-whole',
    );
  });

  it('communes of one type under the submitter: xã only, not phường or thị trấn', async () => {
    const csv = [
      'Mã,Tên,Cấp,Mã cấp trên',
      '10,Tỉnh Thử,Tỉnh,',
      '101,Huyện Đông,Huyện,10',
      '10101,Thị trấn Một,Thị trấn,101',
      '10102,Xã Hai,Xã,101',
      '10103,Xã Ba,Xã,101',
      '10104,Phường Bốn,Phường,101',
    ].join('\n');
    const units = await parseHierarchy(new TextEncoder().encode(csv), 'don-vi.csv');
    const xa = rule({
      rule: 'communes-of-type-exceed',
      left: 'BDG.24',
      op: '<=',
      right: 'communes:Xã',
      severity: 'error',
      missing: 'skip-any',
    });
    const ctx = (n: number) => ({
      sub: submissionOf({ 'BDG.24': n }),
      catalogue: catalogue(),
      units,
      unit: { code: '101', name: 'Huyện Đông' },
    });
    expect(evaluate(xa, ctx(2))).toBeUndefined();
    expect(message(evaluate(xa, ctx(3)))).toBe(
      'Ô E5 (sheet "Số liệu", chỉ tiêu BDG.24, cột Tổng số): 3, nhưng theo danh mục, Huyện Đông chỉ có 2 đơn vị loại "Xã". Sửa lại số (không vượt 2).',
    );
    // The compact `communes` check of the same row counts every commune-level unit.
    expect(validateSubmission(submissionOf({ 'BDG.24': 4 }), { catalogue: catalogue(), units }).errors).toEqual([]);
    expect(
      validateSubmission(submissionOf({ 'BDG.24': 5 }), { catalogue: catalogue(), units }).errors.map((e) => e.rule),
    ).toEqual(['communes-exceed-units']);
  });

  it("an edition's checks reach its template's guide with no code: the rules of its checks.csv, in words", () => {
    const overlay = fixtureCopy();
    writeFileSync(
      join(overlay, TEST, 'checks.csv'),
      [
        'rule,left,op,right,severity,missing,note',
        'parts-exceed-whole,DA8.02 + DA8.07,<=,DA8.01,warning,skip-any,',
        'communes-of-type-exceed,BDG.24,<=,communes:Xã,error,skip-any,',
        '',
      ].join('\n'),
    );
    installDataFiles(packageDataFiles(overlay));
    try {
      const guide: string[] = [];
      const wb = buildSubmissionWorkbook({
        catalogue: loadCatalogue(TEST),
        unit: { code: '101', name: 'Huyện Đông' },
        period: parsePeriodArg('2026')!,
      });
      wb.getWorksheet('Hướng dẫn')!.eachRow((row) => guide.push(String(row.getCell(1).value)));
      const text = guide.join(' ');
      const errors = text.slice(
        text.indexOf('Các ràng buộc giữa các chỉ tiêu'),
        text.indexOf('Các điểm sẽ được nhắc xem lại'),
      );
      const warnings = text.slice(
        text.indexOf('Các điểm sẽ được nhắc xem lại'),
        text.indexOf('3. Sheet "Thuyết minh"'),
      );
      expect(errors).toMatch(/– BDG\.24 \(.*\) không lớn hơn số đơn vị cấp xã loại "Xã" trực thuộc\./);
      expect(warnings).toContain('– DA8.02 + DA8.07 không lớn hơn DA8.01.');
      // The old edition's guide does not have them.
      withPackage();
      const old: string[] = [];
      const wbOld = buildSubmissionWorkbook({
        catalogue: loadCatalogue(OLD),
        unit: { code: '101', name: 'Huyện Đông' },
        period: parsePeriodArg('2024')!,
      });
      wbOld.getWorksheet('Hướng dẫn')!.eachRow((row) => old.push(String(row.getCell(1).value)));
      expect(old.join(' ')).not.toContain('DA8.02 + DA8.07');
    } finally {
      withPackage();
    }
  });

  it('the compact notation and checks.csv are read into the same rules', () => {
    const c = catalogue();
    expect(c.rulesAt.get('DA8.02')).toEqual([
      {
        rule: 'part-exceeds-whole',
        severity: 'error',
        missing: 'skip-any',
        at: { code: 'DA8.02', measure: 'total' },
        params: {},
        left: [{ code: 'DA8.02', measure: 'total', factor: 1 }],
        op: '<=',
        right: [{ code: 'DA8.01', measure: 'total', factor: 1 }],
      },
    ]);
    expect(c.rulesAt.get('DA8.04')!.map((r) => r.rule)).toEqual(['included-exceeds-total']);
    expect(c.rulesAt.get('DA8.05')!.map((r) => r.rule)).toEqual([
      'attendance-without-event',
      'event-without-attendance',
      'attendance-per-event-high',
    ]);
  });
});
