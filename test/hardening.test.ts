import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Rollup } from '../src/core/model.js';
import type { Hierarchy } from '../src/core/units/hierarchy.js';
import { readHierarchy } from '../src/node/unit-list-file.js';
import { plausibleFigures, rng } from './helpers/plausible-figures.mjs';
import { checkFile } from '../src/node/check-path.js';
import { bdg, ROOT } from './helpers/cli.js';
import { sumFigures } from './helpers/province.js';
import { tempDir } from './helpers/workbooks.js';

const UNITS = join(ROOT, 'fixtures/dak-lak/don-vi.csv');
const fx = (p: string) => join(ROOT, 'fixtures', p);
const SAMPLE = plausibleFigures(rng(655), 8); // the figures every odd/ file was made from
let units: Hierarchy;
beforeAll(async () => {
  units = await readHierarchy(UNITS);
});

/** Expected outcome of each file of fixtures/broken (see its README). */
const BROKEN: Record<string, [rule: string, message: RegExp]> = {
  'rong.xlsx': ['file-empty', /rỗng/],
  'van-ban-word.xlsx': ['file-not-xlsx', /Word/],
  'ban-scan.xlsx': ['file-not-xlsx', /PDF/],
  'tai-do-dang.xlsx': ['file-damaged', /tải về chưa hết/],
  'bieu-mau-excel-97.xls': ['file-not-xlsx', /Excel 97-2003.*lưu lại dưới dạng \.xlsx/],
  'bieu-mau.ods': ['file-not-xlsx', /OpenDocument.*lưu lại dưới dạng \.xlsx/],
  'mat-khau.xlsx': ['file-encrypted', /mật khẩu/],
  'zip-bom.xlsx': ['file-too-large', /giải nén.*500 MB.*200 MB/],
  'zip-bom-khai-gian.xlsx': ['file-too-large', /giải nén/],
  'chuoi-50mb.xlsx': ['file-too-large', /chữ dùng chung.*50 MB/],
  'xml-thuc-the.xlsx': ['file-unsafe', /DOCTYPE\/ENTITY/],
  'xml-long-sau.xlsx': ['file-unsafe', /lồng nhau quá sâu/],
  'xml-hong.xlsx': ['file-damaged', /Không đọc được nội dung/],
  'ten-la.xlsx': ['file-unsafe', /"\.\.\/\.\.\/ngoai-thu-muc\.txt"/],
  'ten-ky-tu-dieu-khien.xlsx': ['file-unsafe', /tên bất thường/],
};

describe('fixtures/broken: every bad file refused with its message', () => {
  it('the corpus has exactly the files this test knows', () => {
    expect(
      readdirSync(fx('broken'))
        .filter((f) => f !== 'README.md')
        .sort(),
    ).toEqual(Object.keys(BROKEN).sort());
  });
  for (const [file, [rule, message]] of Object.entries(BROKEN))
    it(file, async () => {
      const started = Date.now();
      const c = await checkFile(fx(`broken/${file}`), { units });
      expect(c.valid).toBe(false);
      expect(c.errors.map((e) => e.rule)).toEqual([rule]);
      expect(c.errors[0]!.message).toMatch(message);
      expect(Date.now() - started).toBeLessThan(10_000);
    });
});

describe('fixtures/odd: odd but legitimate files are read', () => {
  for (const file of [
    'tien-to-x.xlsx',
    'strict.xlsx',
    'nfd.xlsx',
    'cong-thuc-chu.xlsx',
    'ngay-1904.xlsx',
    'trieu-dong-trong.xlsx',
  ])
    it(file, async () => {
      const c = await checkFile(fx(`odd/${file}`), { units });
      expect(c.errors).toEqual([]);
      expect(c.unit).toEqual({ code: '655', name: 'Huyện Krông A Na' });
      expect(c.figures).toEqual(SAMPLE);
      expect(c.submission!.info.preparedOn).toBe('2024-12-15');
    });

  it('errors in value cells are read and named: #DIV/0!, a huge number, a negative number', async () => {
    const c = await checkFile(fx('odd/loi-trong-o.xlsx'), { units });
    expect(c.errors.map((e) => `${e.rule}@${e.cell}`)).toEqual([
      'value-error@E13',
      'value-too-large@E21',
      'value-negative@E26',
    ]);
  });

  it('labels in a legacy font encoding (TCVN3) are recognised, not mis-read', async () => {
    const c = await checkFile(fx('odd/tcvn3.xlsx'), { units });
    expect(c.errors.map((e) => e.rule)).toEqual(['legacy-encoding']);
    expect(c.errors[0]!.message).toContain('"Th«ng tin"');
    expect(c.errors[0]!.message).toContain('Unicode');
  });
});

describe('consolidate over the whole corpus', () => {
  it('finishes, reports each bad file, and totals the valid ones exactly', async () => {
    const dir = tempDir('bdg-corpus-');
    const inbox = join(dir, 'inbox');
    mkdirSync(join(inbox, 'hong'), { recursive: true });
    for (const f of Object.keys(BROKEN)) copyFileSync(fx(`broken/${f}`), join(inbox, 'hong', f));
    copyFileSync(fx('odd/loi-trong-o.xlsx'), join(inbox, 'loi-trong-o.xlsx'));
    copyFileSync(fx('odd/tcvn3.xlsx'), join(inbox, 'tcvn3.xlsx'));
    copyFileSync(fx('odd/strict.xlsx'), join(inbox, 'krong-a-na.xlsx'));
    const sample = fx('dak-lak/nop-bao-cao-2024');
    for (const f of ['643-thanh-pho-buon-ma-thuot.xlsx', '644-thi-xa-buon-ho.xlsx'])
      copyFileSync(join(sample, f), join(inbox, f));
    copyFileSync(join(sample, '644-thi-xa-buon-ho.xlsx'), join(inbox, 'hong', 'ban-sao-644.xlsx'));
    writeFileSync(join(inbox, '~$643-thanh-pho-buon-ma-thuot.xlsx'), 'lock');
    symlinkSync('..', join(inbox, 'hong', 'vong-lap'));
    mkdirSync(join(inbox, 'rong'));
    const r = bdg(['consolidate', inbox, '--units', UNITS, '--out', join(dir, 'out'), '--json']);
    expect(r.status, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout) as Rollup;
    const status = Object.fromEntries(json.files.map((f) => [f.path, [f.status, f.errors?.[0]?.rule ?? f.reason]]));
    for (const [f, [rule]] of Object.entries(BROKEN)) expect(status[`hong/${f}`], f).toEqual(['rejected', rule]);
    expect(status['loi-trong-o.xlsx']).toEqual(['rejected', 'value-error']);
    expect(status['tcvn3.xlsx']).toEqual(['rejected', 'legacy-encoding']);
    expect(status['~$643-thanh-pho-buon-ma-thuot.xlsx']![0]).toBe('ignored');
    expect(status['hong/ban-sao-644.xlsx']).toEqual([
      'ignored',
      'trùng hệt tệp "644-thi-xa-buon-ho.xlsx" (cùng nội dung), chỉ tính một lần',
    ]);
    expect(status['hong/vong-lap']).toEqual(['ignored', 'thư mục lặp lại (liên kết vòng), đã bỏ qua']);
    expect(
      json.files
        .filter((f) => f.status === 'accepted')
        .map((f) => f.path)
        .sort(),
    ).toEqual(['643-thanh-pho-buon-ma-thuot.xlsx', '644-thi-xa-buon-ho.xlsx', 'krong-a-na.xlsx']);
    const accepted = await Promise.all(
      ['643-thanh-pho-buon-ma-thuot.xlsx', '644-thi-xa-buon-ho.xlsx'].map((f) => checkFile(join(sample, f), { units })),
    );
    const expected = sumFigures([...accepted.map((c) => c.figures!), SAMPLE]);
    for (const [code, t] of Object.entries(json.totals)) {
      const { reported, expected: of, ...figure } = t;
      expect(figure, code).toEqual(expected[code]);
      expect(of).toBe(15);
      expect(reported).toBe(3);
    }
  });

  it('a file over the time limit is stopped and named; the others are read', () => {
    const dir = tempDir('bdg-slow-');
    writeFileSync(join(dir, 'cham.xlsx'), slowButValid());
    copyFileSync(fx('dak-lak/nop-bao-cao-2024/643-thanh-pho-buon-ma-thuot.xlsx'), join(dir, '643.xlsx'));
    // Queued behind the slow file on the same thread: read again by the thread that replaces it.
    copyFileSync(fx('dak-lak/nop-bao-cao-2024/644-thi-xa-buon-ho.xlsx'), join(dir, 'sau.xlsx'));
    const r = bdg([
      'consolidate',
      dir,
      '--units',
      UNITS,
      '--out',
      join(dir, '..', `${Date.now()}-out`),
      '--json',
      '--time-limit',
      '0,4',
      '--workers',
      '1',
    ]);
    const json = JSON.parse(r.stdout) as Rollup;
    expect(json.files.map((f) => [f.path, f.status, f.errors?.[0]?.rule])).toEqual([
      ['643.xlsx', 'accepted', undefined],
      ['cham.xlsx', 'rejected', 'file-timeout'],
      ['sau.xlsx', 'accepted', undefined],
    ]);
  });
});

describe('folders and outputs', () => {
  it('a folder with no workbooks says so and writes nothing', () => {
    const dir = tempDir('bdg-empty-');
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'ghi-chu.txt'), 'x');
    const r = bdg(['consolidate', join(dir, 'in'), '--units', UNITS, '--out', join(dir, 'out')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Không có tệp .xlsx nào để tổng hợp');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('never writes into the input folder unless asked', () => {
    const dir = tempDir('bdg-inside-');
    copyFileSync(fx('dak-lak/nop-bao-cao-2024/643-thanh-pho-buon-ma-thuot.xlsx'), join(dir, '643.xlsx'));
    const r = bdg(['consolidate', '.', '--units', UNITS], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--out');
    expect(readdirSync(dir)).toEqual(['643.xlsx']);
    // Asked explicitly: written there, and the next run does not read its own summary back as a submission.
    const first = bdg(['consolidate', '.', '--units', UNITS, '--out', '.'], { cwd: dir });
    expect(first.status, first.stdout + first.stderr).toBe(0);
    const again = bdg(['consolidate', '.', '--units', UNITS, '--out', '.', '--force', '--json'], { cwd: dir });
    expect(again.status, again.stderr).toBe(0);
    expect(
      JSON.parse(again.stdout)
        .files.filter((f: { status: string }) => f.status === 'accepted')
        .map((f: { path: string }) => f.path),
    ).toEqual(['643.xlsx']);
  });

  it('an output folder that cannot be written gives a clear message and leaves no partial file', () => {
    const dir = tempDir('bdg-nowrite-');
    copyFileSync(fx('dak-lak/nop-bao-cao-2024/643-thanh-pho-buon-ma-thuot.xlsx'), join(dir, '643.xlsx'));
    writeFileSync(join(dir, 'la-tep'), 'a file where a folder should be');
    const r = bdg(['consolidate', dir, '--units', UNITS, '--out', join(dir, 'la-tep', 'out')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/không tạo được thư mục kết quả/);
    expect(readdirSync(dir).sort()).toEqual(['643.xlsx', 'la-tep']);
  });

  it('raises the size limit when asked', () => {
    const small = bdg([
      'validate',
      fx('dak-lak/nop-bao-cao-2024/643-thanh-pho-buon-ma-thuot.xlsx'),
      '--max-file-mb',
      '1',
      '--json',
    ]);
    expect(small.status).toBe(0);
    expect(bdg(['validate', fx('odd/trieu-dong-trong.xlsx'), '--max-file-mb', '1', '--json']).stdout).toContain(
      '"file-too-large"',
    );
  });
});

/**
 * A valid submission that takes our reader about a second: 240.000 text cells (under the 250.000-cell cap) beside
 * the table of a sample file. Normal files read in a few milliseconds, so a limit of 0,4 s tells them apart.
 */
function slowButValid(): Uint8Array {
  const parts = unzipSync(
    new Uint8Array(readFileSync(fx('dak-lak/nop-bao-cao-2024/643-thanh-pho-buon-ma-thuot.xlsx'))),
  );
  const sheet = 'xl/worksheets/sheet2.xml'; // Số liệu
  const rows: string[] = [];
  for (let r = 0; r < 24_000; r++) {
    let cells = '';
    for (let c = 0; c < 10; c++)
      cells += `<c r="${String.fromCharCode(80 + c)}${200 + r}" t="inlineStr"><is><t>ghi chú ${r * 10 + c}</t></is></c>`;
    rows.push(`<row r="${200 + r}">${cells}</row>`);
  }
  parts[sheet] = strToU8(strFromU8(parts[sheet]!).replace('</sheetData>', `${rows.join('')}</sheetData>`));
  return zipSync(parts);
}
