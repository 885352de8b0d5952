import type { Catalogue } from '../catalogue/catalogue.js';
import type { Figures, UnitFigures } from '../model.js';

/** The codes of the rows expected only from the programme's area (groups.csv `area` = `programme`). */
export function areaCodes(catalogue: Catalogue): Set<string> {
  const groups = new Set(catalogue.groups.filter((g) => g.programmeArea).map((g) => g.code));
  return new Set(catalogue.indicators.filter((i) => groups.has(i.group)).map((i) => i.code));
}

/** Whether a unit's figures hold any figure (not "không phát sinh") of the area's rows. */
export function fillsArea(figures: Figures | undefined, codes: Set<string>): boolean {
  if (!figures) return false;
  return [...codes].some((code) => {
    const fig = figures[code];
    return fig?.total != null && !fig.kps;
  });
}

/** The area's codes a unit reported above 0 (for the warning to a commune outside the area). */
export function areaFiguresAboveZero(figures: Figures, codes: Set<string>): string[] {
  return [...codes].filter((code) => (figures[code]?.total ?? 0) > 0);
}

export interface Area {
  /** The communes of the area under the root. */
  units: Set<string>;
  source: 'config' | 'filled';
}

/**
 * The area under the root: the config's list for the period's year, or else every commune that filled one of its
 * figures (form-2026.md §6 [I]); `communes` are the root's commune-level children.
 */
export function programmeArea(
  configured: Record<string, string[]> | undefined,
  year: number,
  communes: { code: string }[],
  byUnit: Map<string, UnitFigures>,
  codes: Set<string>,
): Area {
  const list = configured?.[String(year)];
  if (list) {
    const wanted = new Set(list.map((c) => c.trim()));
    return { units: new Set(communes.filter((u) => wanted.has(u.code)).map((u) => u.code)), source: 'config' };
  }
  const filled = communes.filter((u) => fillsArea(byUnit.get(u.code)?.values, codes));
  return { units: new Set(filled.map((u) => u.code)), source: 'filled' };
}

/**
 * The root's coverage of the area's rows counted over the area only: a commune outside it is never missing for
 * them (the province's own submission is added on top by addProvinceOwn).
 */
export function coverageOverArea(
  root: UnitFigures,
  area: Area,
  codes: Set<string>,
  byUnit: Map<string, UnitFigures>,
): UnitFigures {
  const coverage = { ...root.coverage };
  const inArea = [...area.units];
  for (const code of codes) {
    const reported = inArea.filter((u) => byUnit.get(u)?.values[code]?.total != null).length;
    coverage[code] = { reported, expected: inArea.length };
  }
  return { ...root, coverage };
}
