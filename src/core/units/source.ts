import type { Period } from '../model.js';
import { makeHierarchy, type AdminUnit, type Hierarchy } from './hierarchy.js';
import { builtinUnits, editionForPeriod, type UnitsEdition } from './builtin.js';

/**
 * Where a command's units come from: a province's own list (`--units`, config `units`), which always wins, or a
 * built-in edition, fixed by `--units-edition` or else following the period of the report.
 */
export type UnitSource =
  /** `programmeArea`: the communes its column "Địa bàn Dự án 8" marks (units/programme-column.ts), when it has one. */
  | { kind: 'list'; hierarchy: Hierarchy; file: string; programmeArea?: string[] }
  | { kind: 'builtin'; edition?: UnitsEdition };

/**
 * A unit source as another thread takes it (a structured clone keeps no functions): a list as its checked units and
 * its root's code, indexed again there instead of reading and checking the file again.
 */
export type UnitSourceData =
  | { kind: 'list'; units: AdminUnit[]; root: string; file: string; programmeArea?: string[] }
  | { kind: 'builtin'; edition?: UnitsEdition };

export function unitSourceData(source: UnitSource): UnitSourceData {
  if (source.kind === 'builtin') return source;
  const { hierarchy, ...rest } = source;
  return { ...rest, units: hierarchy.units, root: hierarchy.root.code };
}

export function unitSourceFrom(data: UnitSourceData): UnitSource {
  if (data.kind === 'builtin') return data;
  const { units, root, ...rest } = data;
  return {
    ...rest,
    hierarchy: makeHierarchy(
      units,
      units.find((u) => u.code === root)!,
    ),
  };
}

export function editionOf(source: UnitSource, period: Period | null | undefined): UnitsEdition {
  return source.kind === 'builtin' && source.edition ? source.edition : editionForPeriod(period);
}

export function hierarchyFor(source: UnitSource, period: Period | null | undefined): Hierarchy {
  return source.kind === 'list' ? source.hierarchy : builtinUnits(editionOf(source, period));
}

/** The list named for a person: `danh mục "don-vi.csv"` or "danh mục đơn vị hành chính từ 1/7/2025 (có sẵn trong bdg)". */
export function describeUnits(source: UnitSource, period: Period | null | undefined): string {
  return source.kind === 'list' ? `danh mục "${source.file}"` : `${editionOf(source, period).name} (có sẵn trong bdg)`;
}

/**
 * The list to check a file against, from the period it declares. A file whose period cannot be read is not
 * checked against a guessed edition (its period error comes first); a fixed list or edition still applies.
 */
export function lookupFor(source: UnitSource, period: Period | null): Hierarchy | undefined {
  return period || source.kind === 'list' || source.edition ? hierarchyFor(source, period) : undefined;
}
