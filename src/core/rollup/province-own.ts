import { measuresOf, type Catalogue } from '../catalogue/catalogue.js';
import type { Figure, Figures, UnitFigures } from '../model.js';

/** One own file of the province (form-2026.md §5): which file, which agency, its figures. */
export interface OwnFile {
  file: string;
  agency: string | null;
  figures: Figures;
}

/** Whether an edition has rows the province's own bodies fill (its indicators.csv has a `levels` column with `tinh`). */
export function hasProvinceOwnRows(catalogue: Catalogue): boolean {
  return catalogue.indicators.some((ind) => ind.levels.length === 1 && ind.levels[0] === 'tinh');
}

/**
 * The stock codes filled in more than one own file: a stock is one value at the period's end, held by one body, so
 * two agencies giving it cannot both be added (`province-own-duplicate-stock`). Flows from several agencies add up.
 */
export function duplicateStocks(catalogue: Catalogue, files: OwnFile[]): Map<string, OwnFile[]> {
  const found = new Map<string, OwnFile[]>();
  for (const ind of catalogue.indicators) {
    if (ind.nature !== 'stock' || !ind.levels.includes('tinh')) continue;
    const filling = files.filter((f) => f.figures[ind.code]?.total != null && !f.figures[ind.code]?.kps);
    if (filling.length > 1) found.set(ind.code, filling);
  }
  return found;
}

/** The own files summed into one set of figures of the province's bodies: only rows whose levels include `tinh`. */
export function combineOwn(catalogue: Catalogue, files: OwnFile[]): Figures {
  const out: Figures = {};
  for (const ind of catalogue.indicators) {
    if (!ind.levels.includes('tinh')) continue;
    const fig: Figure = {};
    for (const m of measuresOf(ind)) fig[m] = sum(files.map((f) => f.figures[ind.code]?.[m]));
    const filled = files.filter((f) => f.figures[ind.code]?.total != null);
    if (filled.length && filled.every((f) => f.figures[ind.code]?.kps)) fig.kps = true;
    out[ind.code] = fig;
  }
  return out;
}

/**
 * The root's figures with the province's own added: total = Σ communes + the province's own value, on rows whose
 * levels include `tinh` (rows `xa` come only from the communes, rows `tinh` only from the province). The province
 * counts as one more expected unit on every row it fills; `own` null: it sent nothing, and is counted missing.
 */
export function addProvinceOwn(
  catalogue: Catalogue,
  root: UnitFigures,
  own: Figures | null,
  communes: number,
): UnitFigures {
  const values: Figures = {};
  const coverage: NonNullable<UnitFigures['coverage']> = {};
  for (const ind of catalogue.indicators) {
    const below = root.values[ind.code] ?? {};
    const cov = root.coverage?.[ind.code] ?? { reported: below.total == null ? 0 : communes, expected: communes };
    if (!ind.levels.includes('tinh')) {
      values[ind.code] = below;
      coverage[ind.code] = cov;
      continue;
    }
    const mine = own?.[ind.code] ?? {};
    const fromCommunes = ind.levels.includes('xa');
    const fig: Figure = {};
    for (const m of measuresOf(ind)) fig[m] = sum([fromCommunes ? below[m] : null, mine[m]]);
    const kpsBelow = fromCommunes ? (below.total == null ? null : Boolean(below.kps)) : null;
    const kpsOwn = mine.total == null ? null : Boolean(mine.kps);
    if ((kpsBelow ?? true) && (kpsOwn ?? true) && (kpsBelow !== null || kpsOwn !== null)) fig.kps = true;
    values[ind.code] = fig;
    const mineReported = mine.total != null ? 1 : 0;
    coverage[ind.code] = fromCommunes
      ? { reported: cov.reported + mineReported, expected: cov.expected + 1 }
      : { reported: mineReported, expected: 1 };
  }
  return { ...root, source: root.source === 'missing' && own ? 'rollup' : root.source, values, coverage };
}

function sum(values: (number | null | undefined)[]): number | null {
  let total: number | null = null;
  for (const v of values) if (v !== null && v !== undefined) total = (total ?? 0) + v;
  return total === null ? null : Math.round(total * 1000) / 1000;
}
