import { dataFiles } from '../core/data-files.js';
import { buildHierarchy, type Hierarchy, type UnitRow } from '../core/read/hierarchy.js';
import type { Period } from '../core/model.js';
import { parseCsv } from '../core/util/csv.js';
import { cleanText } from '../core/util/text.js';

/*
 * The built-in unit lists (data/units/) as hierarchies for the page. Glue kept small and here, in the web edge:
 * when the core offers the built-in editions itself (issue 11), these functions switch to it.
 */

export interface Edition {
  id: '2024' | '2025';
  file: string;
  label: string;
}

export const EDITIONS: Edition[] = [
  { id: '2024', file: 'data/units/units-2024.csv', label: 'Danh mục trước 1/7/2025 (tỉnh – huyện – xã)' },
  { id: '2025', file: 'data/units/units-2025.csv', label: 'Danh mục từ 1/7/2025 (tỉnh – xã)' },
];

/** `Năm 2025` and later use the list in force from 1 July 2025; earlier periods (and 6 tháng đầu năm 2025) the one before. */
export function editionFor(period: Pick<Period, 'year' | 'kind'> | null | undefined): Edition {
  if (!period) return EDITIONS[1]!;
  return period.year > 2025 || (period.year === 2025 && period.kind === 'year') ? EDITIONS[1]! : EDITIONS[0]!;
}

export const NATION_CODE = '00';
const rowsCache = new Map<string, UnitRow[]>();
const nationCache = new Map<string, Hierarchy>();

/** The rows of an edition, provinces hung under one national root so the list is a single tree. */
function editionRows(edition: Edition): UnitRow[] {
  let rows = rowsCache.get(edition.id);
  if (!rows) {
    const [header, ...body] = parseCsv(dataFiles().read(edition.file).normalize('NFC'));
    const ix = (name: string) => header!.findIndex((h) => cleanText(h) === name);
    const [code, name, level, parent] = [ix('Mã'), ix('Tên'), ix('Cấp'), ix('Mã cấp trên')];
    rows = [{ code: NATION_CODE, name: 'Toàn quốc', level: 'Quốc gia', parent: '' }];
    for (const r of body) {
      const row = { code: cleanText(r[code]), name: cleanText(r[name]), level: cleanText(r[level]), parent: cleanText(r[parent]) };
      if (row.code) rows.push({ ...row, parent: row.parent || NATION_CODE });
    }
    rowsCache.set(edition.id, rows);
  }
  return rows;
}

/** The whole country in one edition. */
export function nationalUnits(edition: Edition): Hierarchy {
  let h = nationCache.get(edition.id);
  if (!h) nationCache.set(edition.id, (h = buildHierarchy(editionRows(edition), edition.file)));
  return h;
}

/** The part of an edition under one unit (that unit as root): what a province or a district consolidates. */
export function unitsUnder(edition: Edition, code: string): Hierarchy {
  const nation = nationalUnits(edition);
  if (code === NATION_CODE) return nation;
  const top = nation.byCode.get(code);
  if (!top) throw new Error(`không có đơn vị ${code} trong ${edition.label}`);
  const inside = new Set([code, ...nation.descendants(code).map((u) => u.code)]);
  const rows = editionRows(edition)
    .filter((r) => inside.has(r.code))
    .map((r) => (r.code === code ? { ...r, parent: '' } : r));
  return buildHierarchy(rows, edition.file);
}

/**
 * The smallest unit containing every given unit: their lowest common ancestor; when all are one unit, the unit
 * above it (a unit's own file is not a consolidation of it). The country when nothing is known.
 */
export function smallestContaining(h: Hierarchy, codes: string[]): string {
  const known = [...new Set(codes.map((c) => h.resolve(c)?.code).filter((c): c is string => Boolean(c)))];
  if (known.length === 0) return h.root.code;
  if (known.length === 1) return h.ancestors(known[0]!)[0]?.code ?? h.root.code;
  const chain = (c: string) => [c, ...h.ancestors(c).map((u) => u.code)];
  let common = chain(known[0]!);
  for (const c of known.slice(1)) {
    const up = new Set(chain(c));
    common = common.filter((x) => up.has(x));
  }
  return common[0] ?? h.root.code;
}
