import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadCatalogue, measuresOf } from '../../src/core/catalogue/catalogue.js';
import type { Figures, Narrative } from '../../src/core/model.js';
import { plausibleFigures, rng } from './plausible-figures.mjs';
import { parsePeriodArg } from '../../src/core/util/period.js';
import { buildSubmissionWorkbook } from '../../src/core/write/submission-workbook.js';

/** A small three-level province: 3 districts of 4 communes each. */
export const THREE_LEVEL = [
  'Mã,Tên,Cấp,Mã cấp trên',
  '10,Tỉnh Thử Nghiệm,Tỉnh,',
  '101,Huyện Đông,Huyện,10',
  '102,Huyện Tây,Huyện,10',
  '103,Thị xã Nam,Thị xã,10',
  ...[101, 102, 103].flatMap((d) =>
    [1, 2, 3, 4].map((i) => `${d}0${i},${i === 1 ? 'Thị trấn' : 'Xã'} ${d}-${i},${i === 1 ? 'Thị trấn' : 'Xã'},${d}`),
  ),
].join('\n');

/** A two-level province after July 2025: 5 communes straight under the province. */
export const TWO_LEVEL = [
  'Mã,Tên,Cấp,Mã cấp trên',
  '20,Tỉnh Hai Cấp,Tỉnh,',
  ...[1, 2, 3, 4, 5].map((i) => `2000${i},Xã Số ${i},Xã,20`),
].join('\n');

export function writeUnits(dir: string, csv: string): string {
  const path = join(dir, 'don-vi.csv');
  writeFileSync(path, `${csv}\n`);
  return path;
}

export function figuresFor(seed: number, communes: number): Figures {
  return plausibleFigures(rng(seed), communes);
}

export async function writeSubmission(
  path: string,
  unit: { code: string; name: string },
  figures: Figures,
  opts: { period?: string; narrative?: Narrative; preparedOn?: string } = {},
): Promise<void> {
  const wb = buildSubmissionWorkbook({
    catalogue: loadCatalogue('BDG-2024.1'),
    unit,
    period: parsePeriodArg(opts.period ?? '2024')!,
    figures,
    narrative: opts.narrative,
    info: { preparedOn: new Date(`${opts.preparedOn ?? '2024-12-10'}T00:00:00Z`) },
  });
  mkdirSync(dirname(path), { recursive: true });
  await wb.xlsx.writeFile(path);
}

/** Sums figures the plain way, for expected values: null when no unit has the number. */
export function sumFigures(list: Figures[]): Figures {
  const out: Figures = {};
  for (const ind of loadCatalogue('BDG-2024.1').indicators)
    out[ind.code] = Object.fromEntries(
      measuresOf(ind).map((m) => {
        const vs = list.map((f) => f[ind.code]?.[m]).filter((v): v is number => typeof v === 'number');
        return [m, vs.length ? Math.round(vs.reduce((a, b) => a + b, 0) * 1000) / 1000 : null];
      }),
    );
  return out;
}
