// @ts-check
/**
 * Makes fixtures/dak-lak/tong-hop-66-2023.json, last year's roll-up of the sample province, so `npm start` shows
 * the report's comparisons ("tăng 12,5% so với năm 2023"). The 2023 files are generated like the 2024 sample
 * (seeded figures, all 15 districts reporting as districts), consolidated by bdg itself, and only the roll-up kept.
 * Run after `npm run build`: node scripts/make-previous-rollup.mjs
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../dist/node/data-files.js';
import { main } from '../dist/cli/cli.js';
import { loadCatalogue } from '../dist/core/catalogue/catalogue.js';
import { plausibleFigures, rng } from '../dist/core/sample/plausible-figures.js';
import { parsePeriodArg } from '../dist/core/util/period.js';
import { buildSubmissionWorkbook } from '../dist/core/write/submission-workbook.js';
import { readHierarchy } from '../dist/node/unit-list-file.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const catalogue = loadCatalogue();
const units = await readHierarchy(join(root, 'fixtures/dak-lak/don-vi.csv'));
const work = mkdtempSync(join(tmpdir(), 'bdg-2023-'));
try {
  mkdirSync(join(work, 'in'));
  for (const d of units.children(units.root.code)) {
    const wb = buildSubmissionWorkbook({
      catalogue,
      unit: d,
      period: parsePeriodArg('2023'),
      figures: plausibleFigures(rng(2023_000 + Number(d.code)), units.communesUnder(d.code)),
      info: { preparedBy: 'Cán bộ phụ trách bình đẳng giới', preparedOn: new Date('2023-12-12T00:00:00Z'), head: 'Thủ trưởng đơn vị' },
    });
    await wb.xlsx.writeFile(join(work, 'in', `${d.code}.xlsx`));
  }
  process.env.SOURCE_DATE_EPOCH = String(Date.UTC(2024, 0, 10) / 1000);
  const status = await main([process.argv[0], 'bdg', 'consolidate', join(work, 'in'), '--units', join(root, 'fixtures/dak-lak/don-vi.csv'), '--out', join(work, 'out'), '--workers', '1']);
  if (status !== 0) throw new Error(`consolidate exited ${status}`);
  // Kept compact: the communes below the districts make the indented file ten times larger.
  const rollup = JSON.parse(readFileSync(join(work, 'out', 'tong-hop-66-2023.json'), 'utf8'));
  writeFileSync(join(root, 'fixtures/dak-lak/tong-hop-66-2023.json'), `${JSON.stringify(rollup)}\n`);
  console.log('fixtures/dak-lak/tong-hop-66-2023.json written');
} finally {
  rmSync(work, { recursive: true, force: true });
}

