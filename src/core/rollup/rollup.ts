import {
  MEASURES,
  measuresOf,
  ratioCoverageCodes,
  type Catalogue,
  type Ratio,
  type RatioTerm,
} from '../catalogue/catalogue.js';
import type { Figure, Figures, RatioValue, TotalFigure, UnitFigures } from '../model.js';
import type { Hierarchy } from '../units/hierarchy.js';

export interface Coverage {
  reported: number;
  expected: number;
}

/**
 * Sums figures up the tree. A unit with its own accepted file keeps its figures; any other unit is the sum
 * of its children. Per indicator and measure: the sum of the children that have a number; null when none has.
 * Coverage counts, per indicator, the children whose total is known, against all children. A file without a single
 * figure (a blank form, which validation refuses as no-figures) never makes its unit count as having reported.
 */
export function rollUp(
  tree: Hierarchy,
  catalogue: Catalogue,
  submitted: Map<string, Figures>,
): Map<string, UnitFigures> {
  const result = new Map<string, UnitFigures>();
  const visit = (code: string): UnitFigures => {
    const unit = tree.byCode.get(code)!;
    const base = { code, name: unit.name, level: unit.level, parent: unit.parent };
    const children = tree.children(code).map((c) => visit(c.code));
    const own = withFigures(submitted.get(code));
    let uf: UnitFigures;
    if (own) uf = { ...base, source: 'file', values: own };
    else if (children.some((c) => c.source !== 'missing')) {
      const values: Figures = {};
      const coverage: Record<string, Coverage> = {};
      for (const ind of catalogue.indicators) {
        const fig: Figure = {};
        for (const m of measuresOf(ind)) fig[m] = sumOrNull(children.map((c) => c.values[ind.code]?.[m]));
        // Every child that reported wrote "không phát sinh": the sum is 0 and the report says it did not arise.
        const reporting = children.filter((c) => c.values[ind.code]?.total != null);
        if (reporting.length && reporting.every((c) => c.values[ind.code]?.kps)) fig.kps = true;
        values[ind.code] = fig;
        coverage[ind.code] = {
          reported: children.filter((c) => c.values[ind.code]?.total != null).length,
          expected: children.length,
        };
      }
      uf = { ...base, source: 'rollup', values, coverage };
    } else uf = { ...base, source: 'missing', values: emptyFigures(catalogue) };
    result.set(code, uf);
    return uf;
  };
  visit(tree.root.code);
  return result;
}

/** The figures of a file, unless it holds none at all. */
function withFigures(figures: Figures | undefined): Figures | undefined {
  if (!figures) return undefined;
  return Object.values(figures).some((fig) => Object.values(fig).some((v) => v !== null && v !== undefined))
    ? figures
    : undefined;
}

function sumOrNull(values: (number | null | undefined)[]): number | null {
  let sum: number | null = null;
  for (const v of values) if (v !== null && v !== undefined) sum = (sum ?? 0) + v;
  // Money has up to 3 decimals: keep sums free of binary noise (0.1 + 0.2).
  return sum === null ? null : Math.round(sum * 1000) / 1000;
}

export function emptyFigures(catalogue: Catalogue): Figures {
  return Object.fromEntries(
    catalogue.indicators.map((ind) => [ind.code, Object.fromEntries(measuresOf(ind).map((m) => [m, null])) as Figure]),
  );
}

/** Root totals with `reported`/`expected` (docs/json.md, "totals"). */
export function totalsOf(catalogue: Catalogue, unit: UnitFigures, childCount: number): Record<string, TotalFigure> {
  const totals: Record<string, TotalFigure> = {};
  for (const ind of catalogue.indicators) {
    const fig = unit.values[ind.code] ?? {};
    // A unit's own file (a summary sent up) speaks for all the units below it.
    const expected = Math.max(childCount, 1);
    const cov = unit.coverage?.[ind.code] ?? { reported: fig.total == null ? 0 : expected, expected };
    const t = {} as TotalFigure;
    for (const m of MEASURES) if (m in fig) t[m] = fig[m] ?? null;
    if (fig.kps) t.kps = true;
    t.reported = cov.reported;
    t.expected = cov.expected;
    totals[ind.code] = t;
  }
  return totals;
}

/**
 * Ratios (docs/json.md) recomputed from summed parts (never averaged). Null ("không xác định") when a part
 * is missing or the denominator is 0. Targets: the Nghị quyết 28 milestone for the period's year.
 */
export function computeRatios(
  catalogue: Catalogue,
  figures: Figures,
  communes: number,
  year: number,
  coverage?: Record<string, Coverage>,
  communesOfType?: (type: string) => number | null,
): RatioValue[] {
  const term = (t: RatioTerm): number | null => {
    if ('communes' in t) return t.type === undefined ? communes : (communesOfType?.(t.type) ?? null);
    if ('code' in t) return figures[t.code]?.[t.measure] ?? null;
    // A sum counts its empty terms as 0 and is empty only when every term is.
    const values = t.sum.map((p) => ({ v: figures[p.code]?.[p.measure] ?? null, sign: p.sign }));
    if (values.every((x) => x.v === null)) return null;
    return Math.round(values.reduce((a, x) => a + (x.v ?? 0) * x.sign, 0) * 1000) / 1000;
  };
  const partialTerm = (t: RatioTerm) =>
    ratioCoverageCodes(t).some((code) =>
      coverage?.[code] ? coverage[code]!.reported < coverage[code]!.expected : false,
    );
  return catalogue.ratios.map((r: Ratio) => {
    const numerator = term(r.numerator);
    const denominator = term(r.denominator);
    const value = numerator === null || denominator === null || denominator === 0 ? null : numerator / denominator;
    const target = targetFor(r, year);
    return {
      id: r.id,
      name: r.name,
      numerator,
      denominator,
      value,
      target,
      met: value === null || target === null ? null : value * 100 >= target - 1e-9,
      partial: partialTerm(r.numerator) || partialTerm(r.denominator),
    };
  });
}

function targetFor(r: Ratio, year: number): number | null {
  const at = milestoneYear(r.targets, year);
  return r.targets.find((t) => t.year === at)?.percent ?? null;
}

/** The first milestone on or after `year`, else the last one; null when there is none. */
export function milestoneYear(targets: { year: number }[], year: number): number | null {
  const years = targets.map((t) => t.year).sort((a, b) => a - b);
  return years.find((y) => y >= year) ?? years.at(-1) ?? null;
}
