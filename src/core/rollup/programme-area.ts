import type { Catalogue } from '../catalogue/catalogue.js';
import type { Measure } from '../catalogue/catalogue.js';
import type { Figure, Figures, UnitFigures } from '../model.js';

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
  /** The config's list for the year, the unit list's column "Địa bàn Dự án 8", or the communes that filled a figure. */
  source: 'config' | 'units' | 'filled';
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
  fromUnitList?: string[],
): Area {
  const list = configured?.[String(year)] ?? fromUnitList;
  if (list) {
    const wanted = new Set(list.map((c) => c.trim()));
    const source = configured?.[String(year)] ? 'config' : 'units';
    return { units: new Set(communes.filter((u) => wanted.has(u.code)).map((u) => u.code)), source };
  }
  const filled = communes.filter((u) => fillsArea(byUnit.get(u.code)?.values, codes));
  return { units: new Set(filled.map((u) => u.code)), source: 'filled' };
}

/**
 * The root's figures of the area's rows summed over the area only, with their coverage: a commune outside it is never
 * missing for them, and a figure it reported anyway is not added (form-2026.md §6: the area's totals and ratios are
 * the area's; the warning `outside-programme-area` and the report say what was left out). The province's own
 * submission is added on top by addProvinceOwn.
 */
export function coverageOverArea(
  root: UnitFigures,
  area: Area,
  codes: Set<string>,
  byUnit: Map<string, UnitFigures>,
  measures: (code: string) => Measure[] = () => ['total'],
): UnitFigures {
  const coverage = { ...root.coverage };
  const values = { ...root.values };
  const inArea = [...area.units].map((u) => byUnit.get(u)?.values ?? {});
  for (const code of codes) {
    const reporting = inArea.filter((v) => v[code]?.total != null);
    coverage[code] = { reported: reporting.length, expected: inArea.length };
    const fig: Figure = {};
    for (const m of measures(code)) fig[m] = sum(inArea.map((v) => v[code]?.[m]));
    if (reporting.length && reporting.every((v) => v[code]?.kps)) fig.kps = true;
    values[code] = fig;
  }
  return { ...root, values, coverage };
}

/** The communes outside the area that reported a figure of its rows above 0, and what they reported. */
export function outsideArea(
  area: Area,
  codes: Set<string>,
  communes: { code: string; name: string }[],
  byUnit: Map<string, UnitFigures>,
): { code: string; name: string; figures: Record<string, number> }[] {
  return communes
    .filter((u) => !area.units.has(u.code))
    .flatMap((u) => {
      const values = byUnit.get(u.code)?.values ?? {};
      const above = areaFiguresAboveZero(values, codes);
      const figures = Object.fromEntries(above.map((c) => [c, values[c]!.total!]));
      return above.length ? [{ code: u.code, name: u.name, figures }] : [];
    });
}

function sum(values: (number | null | undefined)[]): number | null {
  let total: number | null = null;
  for (const v of values) if (v !== null && v !== undefined) total = (total ?? 0) + v;
  return total === null ? null : Math.round(total * 1000) / 1000;
}
