// @ts-check
/**
 * Submission sets for the benchmark, made once and cached under bench/cache/<name>/ (units.csv + files/).
 *  - province-15: a three-level province before July 2025, 15 district files (12 communes each listed);
 *  - province-184: a two-level province, 184 commune files;
 *  - national-3321: the two-level country, 34 provinces, 3.321 commune files.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../dist/node/data-files.js';
import { loadCatalogue } from '../dist/core/catalogue/catalogue.js';
import { plausibleFigures, rng } from '../dist/core/sample/plausible-figures.js';
import { parsePeriodArg } from '../dist/core/util/period.js';
import { buildSubmissionWorkbook } from '../dist/core/write/submission-workbook.js';

const GENERATOR_VERSION = '1';

/** @returns {{ name: string, units: string[][], files: { code: string, name: string, communes: number }[] }} */
export function plan(name) {
  const units = [['Mã', 'Tên', 'Cấp', 'Mã cấp trên']];
  const files = [];
  if (name === 'province-15') {
    units.push(['01', 'Tỉnh Đo Lường', 'Tỉnh', '']);
    for (let d = 0; d < 15; d++) {
      const code = String(100 + d);
      units.push([code, `Huyện Số ${d + 1}`, 'Huyện', '01']);
      for (let x = 0; x < 12; x++) units.push([String(10000 + d * 100 + x), `Xã ${d + 1}.${x + 1}`, 'Xã', code]);
      files.push({ code, name: `Huyện Số ${d + 1}`, communes: 12 });
    }
  } else if (name === 'province-184') {
    units.push(['01', 'Tỉnh Đo Lường', 'Tỉnh', '']);
    for (let x = 0; x < 184; x++) {
      const code = String(10000 + x);
      units.push([code, `Xã Số ${x + 1}`, 'Xã', '01']);
      files.push({ code, name: `Xã Số ${x + 1}`, communes: 1 });
    }
  } else if (name === 'national-3321') {
    units.push(['00', 'Toàn quốc', 'Quốc gia', '']);
    let n = 0;
    for (let p = 0; p < 34; p++) {
      const province = String(10 + p);
      units.push([province, `Tỉnh Số ${p + 1}`, 'Tỉnh', '00']);
      const count = p < 23 ? 98 : 97; // 23 × 98 + 11 × 97 = 3.321
      for (let x = 0; x < count; x++, n++) {
        const code = String(10000 + n);
        units.push([code, `Xã Số ${n + 1}`, 'Xã', province]);
        files.push({ code, name: `Xã Số ${n + 1}`, communes: 1 });
      }
    }
  } else throw new Error(`unknown set ${name}`);
  return { name, units, files };
}

/** Makes the set unless the cache already holds it; returns its folder. */
export async function ensureSet(root, name, log = () => {}) {
  const dir = join(root, name);
  const marker = join(dir, `.done-${GENERATOR_VERSION}`);
  if (existsSync(marker)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'files'), { recursive: true });
  const { units, files } = plan(name);
  writeFileSync(join(dir, 'units.csv'), units.map((r) => r.join(',')).join('\n') + '\n');
  const catalogue = loadCatalogue();
  const period = parsePeriodArg('2025');
  for (const [i, f] of files.entries()) {
    const wb = buildSubmissionWorkbook({
      catalogue,
      unit: { code: f.code, name: f.name },
      period,
      figures: plausibleFigures(rng(Number(f.code)), f.communes),
      info: { preparedOn: new Date('2025-12-10T00:00:00Z') },
    });
    writeFileSync(join(dir, 'files', `${f.code}.xlsx`), Buffer.from(await wb.xlsx.writeBuffer()));
    if ((i + 1) % 250 === 0) log(`  ${name}: ${i + 1}/${files.length} tệp`);
  }
  writeFileSync(marker, '');
  return dir;
}
