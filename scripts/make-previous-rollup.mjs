// @ts-check
/**
 * Makes fixtures/dak-lak/tong-hop-66-2023.json, last year's roll-up of the sample province, so `npm start` shows
 * the report's comparisons ("tăng 12,5% so với năm 2023"). Each district's 2023 figures are its 2024 figures (the
 * sample consolidated by bdg) scaled by a seeded 80–100%, as a real year-on-year change looks, so the outlier
 * warnings stay for real jumps; a district with no 2024 figures gets seeded figures. All 15 districts report as
 * districts; bdg consolidates them and only the roll-up is kept.
 * Run after `npm run build`: node scripts/make-previous-rollup.mjs
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../dist/node/package-data-files.js';
import { main } from '../dist/cli/cli.js';
import { loadCatalogue } from '../dist/core/catalogue/catalogue.js';
import { plausibleFigures, rng } from '../test/helpers/plausible-figures.mjs';
import { parsePeriodArg } from '../dist/core/util/period.js';
import { buildSubmissionWorkbook } from '../dist/core/write/submission-workbook.js';
import { readHierarchy } from '../dist/node/unit-list-file.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The edition of the fixtures' years (2023–2025): the 2024 form, not the newest edition.
const catalogue = loadCatalogue('BDG-2024.1');
const units = await readHierarchy(join(root, 'fixtures/dak-lak/don-vi.csv'));
const work = mkdtempSync(join(tmpdir(), 'bdg-2023-'));
/** Last year's figures from this year's: every figure of the district scaled by one factor, kept whole for counts. */
function scaled(values, r) {
  const f = 0.8 + 0.2 * r(); // never above this year: a count of communes stays within the district
  const out = {};
  for (const ind of catalogue.indicators) {
    const fig = values[ind.code] ?? {};
    const one = (v) => {
      if (v === null || v === undefined) return null;
      if (ind.kind === 'money') return Math.round(v * f * 1000) / 1000;
      return v > 0 ? Math.max(1, Math.round(v * f)) : 0;
    };
    out[ind.code] = {
      total: one(fig.total),
      ...(ind.breakdowns.includes('nu') ? { nu: one(fig.nu) } : {}),
      ...(ind.breakdowns.includes('dtts') ? { dtts: one(fig.dtts) } : {}),
    };
  }
  return out;
}

try {
  mkdirSync(join(work, 'in'));
  process.env.SOURCE_DATE_EPOCH = String(Date.UTC(2024, 0, 10) / 1000);
  const this2024 = await main([
    process.argv[0],
    'bdg',
    'consolidate',
    join(root, 'fixtures/dak-lak/nop-bao-cao-2024'),
    '--units',
    join(root, 'fixtures/dak-lak/don-vi.csv'),
    '--out',
    join(work, 'out-2024'),
    '--workers',
    '1',
  ]);
  if (this2024 > 1) throw new Error(`consolidate 2024 exited ${this2024}`);
  const by2024 = new Map(
    JSON.parse(readFileSync(join(work, 'out-2024', 'tong-hop-66-2024.json'), 'utf8')).units.map((u) => [u.code, u]),
  );
  for (const d of units.children(units.root.code)) {
    const r = rng(2023_000 + Number(d.code));
    const now = by2024.get(d.code);
    const wb = buildSubmissionWorkbook({
      catalogue,
      unit: d,
      period: parsePeriodArg('2023'),
      figures:
        now && now.source !== 'missing' ? scaled(now.values, r) : plausibleFigures(r, units.communesUnder(d.code)),
      info: {
        preparedBy: 'Cán bộ phụ trách bình đẳng giới',
        preparedOn: new Date('2023-12-12T00:00:00Z'),
        head: 'Thủ trưởng đơn vị',
      },
    });
    await wb.xlsx.writeFile(join(work, 'in', `${d.code}.xlsx`));
  }
  const status = await main([
    process.argv[0],
    'bdg',
    'consolidate',
    join(work, 'in'),
    '--units',
    join(root, 'fixtures/dak-lak/don-vi.csv'),
    '--out',
    join(work, 'out'),
    '--workers',
    '1',
  ]);
  if (status !== 0) throw new Error(`consolidate exited ${status}`);
  // Kept compact: the communes below the districts make the indented file ten times larger.
  const rollup = JSON.parse(readFileSync(join(work, 'out', 'tong-hop-66-2023.json'), 'utf8'));
  writeFileSync(join(root, 'fixtures/dak-lak/tong-hop-66-2023.json'), `${JSON.stringify(rollup)}\n`);
  console.log('fixtures/dak-lak/tong-hop-66-2023.json written');
} finally {
  rmSync(work, { recursive: true, force: true });
}
