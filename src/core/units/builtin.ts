import { compareAsc, parseISO } from 'date-fns';
import { dataFiles } from '../data-files.js';
import type { Period } from '../model.js';
import { makeHierarchy, sameUnitName, type AdminUnit, type Hierarchy, type Level } from './hierarchy.js';
import { parseCsv } from '../util/csv.js';
import { periodEnd } from '../util/period.js';
import { normalizeLabel } from '../util/text.js';
import type { OtherEditionCode } from '../rules/rules.js';

/**
 * Vietnam's official administrative units, shipped as data (data/units/, one CSV per edition, listed in
 * editions.csv). Codes are reused across editions with another meaning, so a unit is always (edition, code).
 */
export interface UnitsEdition {
  /** "2024", "2025": what `--units-edition` takes. */
  id: string;
  file: string;
  /** First day in force, yyyy-mm-dd. */
  from: string;
  /** "danh mục đơn vị hành chính từ 1/7/2025". */
  name: string;
  /** What the report calls the commune level in this edition: "xã, phường, đặc khu" (checked against the data by a test). */
  communeTypes: string;
}

/** The national root of a built-in list (the CSVs have none): provinces hang under it. */
export const NATION: Readonly<AdminUnit> = {
  code: '00',
  name: 'Toàn quốc',
  level: 'Quốc gia',
  levelLabel: 'Quốc gia',
  parent: null,
};

let editionsCache: UnitsEdition[] | undefined;

export function unitsEditions(): UnitsEdition[] {
  return (editionsCache ??= records('data/units/editions.csv')
    .map((r) => ({
      id: r['Bộ']!,
      file: r['Tệp']!,
      from: r['Hiệu lực từ']!,
      name: r['Tên']!,
      communeTypes: r['Cấp xã gồm']!,
    }))
    .sort((a, b) => compareAsc(parseISO(a.from), parseISO(b.from))));
}

export function findEdition(id: string): UnitsEdition | undefined {
  return unitsEditions().find((e) => e.id === id.trim());
}

/** The edition for a period: the latest one in force on the period's last day (the earliest for older periods). */
export function editionForPeriod(period: Period | null | undefined): UnitsEdition {
  const editions = unitsEditions();
  if (!period) return editions[editions.length - 1]!;
  const end = periodEnd(period);
  return editions.filter((e) => e.from.slice(0, 10) <= end).pop() ?? editions[0]!;
}

const cache = new Map<string, Hierarchy>();

/** A built-in edition as a hierarchy under the national root. Parsed on first use, then kept. */
export function builtinUnits(edition: UnitsEdition): Hierarchy {
  let h = cache.get(edition.id);
  if (h) return h;
  const [header, ...rows] = parseCsv(dataFiles().read(`data/units/${edition.file}`));
  const col = (name: string) => header!.findIndex((x) => normalizeLabel(x) === name);
  const [code, name, level, parent] = [col('mã'), col('tên'), col('cấp'), col('mã cấp trên')];
  const root: AdminUnit = { ...NATION };
  const units: AdminUnit[] = [root];
  // The shipped files are clean (no stray spaces, four fields a row: tested): taken as they are, for speed.
  for (const r of rows)
    units.push({
      code: r[code]!,
      name: r[name]!,
      level: r[level] as Level,
      levelLabel: r[level]!,
      parent: r[parent] || root.code,
    });
  h = makeHierarchy(units, root, {
    edition: edition.id,
    explainUnknown: (raw) => explainOtherEdition(edition, raw),
    explainName: (raw, unitName) => nameOfOtherEdition(edition, raw, unitName),
  });
  cache.set(edition.id, h);
  return h;
}

/** Why a code is missing from `edition`: the other editions that have it, with the unit's name and place. */
function explainOtherEdition(edition: UnitsEdition, raw: unknown): OtherEditionCode | undefined {
  for (const other of unitsEditions()) {
    if (other.id === edition.id) continue;
    const h = builtinUnits(other);
    const unit = h.resolve(raw);
    if (!unit) continue;
    const place = [unit, ...h.ancestors(unit.code).filter((a) => a.level !== 'Quốc gia')].map((u) => u.name).join(', ');
    const otherIsOlder = compareAsc(parseISO(other.from), parseISO(edition.from)) < 0;
    // What to do about it is the rules catalogue's to say (otherEditionText), in the words of its reader.
    return {
      fact: `mã "${unit.code}" là mã của ${other.name} (${place}), ${otherIsOlder ? 'không còn' : 'chưa có'} trong ${edition.name} dùng cho kỳ báo cáo này`,
      older: otherIsOlder,
    };
  }
  return undefined;
}

/** A code whose name in the file is what another edition calls it: the file most likely uses that edition's codes. */
function nameOfOtherEdition(edition: UnitsEdition, raw: unknown, name: string): string | undefined {
  for (const other of unitsEditions()) {
    if (other.id === edition.id) continue;
    const unit = builtinUnits(other).resolve(raw, name);
    if (unit && sameUnitName(name, unit.name))
      return `"${unit.name}" là tên của mã ${unit.code} trong ${other.name}: mã đơn vị có thể đang theo danh mục đó. Kiểm tra lại mã và ô "Kỳ báo cáo".`;
  }
  return undefined;
}

let typesCache: { type: string; prefix: string; level: Level }[] | undefined;

/** The unit's type: the first word(s) of its name ("Thị trấn Buôn Trấp" → "Thị trấn"), from data/units/unit-types.csv. */
export function unitType(name: string, level?: Level): string {
  // Plain lower-casing (not locale-aware): it is the same for Vietnamese and ten times faster over 10.000 names.
  typesCache ??= records('data/units/unit-types.csv')
    .map((r) => ({ type: r['Loại']!, prefix: `${r['Loại']!.toLowerCase()} `, level: r['Cấp'] as Level }))
    .sort((a, b) => b.type.length - a.type.length);
  const lower = name.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
  const found = typesCache.find((t) => (!level || t.level === level) && lower.startsWith(t.prefix));
  return found?.type ?? level ?? '';
}

/** The commune level's types in an edition's data: "xã, phường, đặc khu" (most common first). */
export function communeTypesPhrase(edition: UnitsEdition): string {
  const counts = new Map<string, number>();
  for (const u of builtinUnits(edition).units) {
    if (u.level !== 'Xã') continue;
    const type = unitType(u.name, u.level);
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([t]) => t.toLocaleLowerCase('vi'))
    .join(', ');
}

function records(path: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(dataFiles().read(path));
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h.trim(), (r[i] ?? '').trim()])));
}
