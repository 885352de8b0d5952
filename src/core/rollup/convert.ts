import { loadCatalogue, MEASURES } from '../catalogue/catalogue.js';
import { conversionBetween, convertFigures } from '../catalogue/crosswalk.js';
import type { Figures, Rollup, TotalFigure } from '../model.js';
import { UsageError } from '../errors.js';
import { computeRatios } from './rollup.js';

/** The edition a saved roll-up is in (`edition`, or `catalogueVersion` in roll-ups written before editions). */
export function rollupEdition(rollup: Pick<Rollup, 'edition' | 'catalogueVersion'>): string {
  return rollup.edition ?? rollup.catalogueVersion;
}

/**
 * A roll-up put into another edition through the crosswalks: only `same` and `moved` codes keep their figures; a
 * split, retired or new code has none, so a comparison with last period says nothing about it. Ratios are computed
 * again from the converted totals. The same roll-up when it is already in that edition; a UsageError when no
 * chain of crosswalks joins the two.
 */
export function rollupInEdition(rollup: Rollup, edition: string, use = 'tệp tổng hợp'): Rollup {
  const from = rollupEdition(rollup);
  if (from === edition) return rollup;
  const conversion = conversionBetween(from, edition);
  if (!conversion)
    throw new UsageError(
      `${use} theo biểu mẫu ${from}, không chuyển được sang biểu mẫu ${edition} (không có bảng chuyển đổi giữa hai phiên bản).`,
    );
  const catalogue = loadCatalogue(edition);
  const sourceOf = new Map([...conversion.carried].map(([code, to]) => [to, code]));
  const totals: Record<string, TotalFigure> = {};
  const figures: Figures = {};
  for (const ind of catalogue.indicators) {
    const given = rollup.totals[sourceOf.get(ind.code) ?? ''];
    const expected = given?.expected ?? rollup.completeness.expected;
    const t = { reported: given?.reported ?? 0, expected } as TotalFigure;
    for (const m of MEASURES) if (m === 'total' || ind.breakdowns.includes(m)) t[m] = given?.[m] ?? null;
    totals[ind.code] = t;
    const { reported: _r, expected: _e, ...fig } = t;
    figures[ind.code] = fig;
  }
  const coverage = Object.fromEntries(
    Object.entries(totals).map(([code, t]) => [code, { reported: t.reported, expected: t.expected }]),
  );
  const year = Number(rollup.period.slice(0, 4));
  return {
    ...rollup,
    edition,
    catalogueVersion: edition,
    totals,
    ratios: computeRatios(catalogue, figures, rollup.communes, year, coverage),
    units: rollup.units.map((u) => ({
      ...u,
      values: convertFigures(u.values, conversion, catalogue),
      ...(u.coverage
        ? {
            coverage: Object.fromEntries(
              catalogue.indicators.map((ind) => [
                ind.code,
                u.coverage![sourceOf.get(ind.code) ?? ''] ?? { reported: 0, expected: childCount(u.coverage!) },
              ]),
            ),
          }
        : {}),
    })),
  };
}

function childCount(coverage: Record<string, { expected: number }>): number {
  for (const c of Object.values(coverage)) return c.expected;
  return 0;
}
