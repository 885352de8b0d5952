import { EMPTY, openXlsx, scalarText } from '../read/xlsx.js';
import { parseCsv } from '../util/csv.js';
import { cleanText, foldName, normalizeLabel } from '../util/text.js';
import type { OtherEditionCode } from '../rules/rules.js';

/** 'Quốc gia' only as the root of a national roll-up of provinces. */
export type Level = 'Quốc gia' | 'Tỉnh' | 'Huyện' | 'Xã';

export interface AdminUnit {
  code: string;
  name: string;
  level: Level;
  /** The level as written in the file: 'Thị xã', 'Phường', 'Đặc khu'… */
  levelLabel: string;
  parent: string | null;
}

export interface Hierarchy {
  units: AdminUnit[];
  byCode: Map<string, AdminUnit>;
  root: AdminUnit;
  /** 3 before 1 July 2025 (tỉnh → huyện → xã), 2 after (tỉnh → xã): decided by the file, never by code. */
  depth: number;
  children(code: string): AdminUnit[];
  descendants(code: string): AdminUnit[];
  ancestors(code: string): AdminUnit[];
  /** Commune-level units at or under `code` (a commune counts itself). */
  communesUnder(code: string): number;
  /**
   * A unit from what a person typed: '655', 655, ' 058 ', 58 → '058'. A number that lost its leading zeros may
   * fit two codes of different lengths (745 and 00745): the one whose name matches `name` wins.
   */
  resolve(raw: unknown, name?: string | null): AdminUnit | undefined;
  /** For a built-in edition: which edition this list is (data/units/editions.csv). */
  edition?: string;
  /** For a built-in edition: why a code is not in it, when it belongs to another edition (or undefined). */
  explainUnknown?(raw: unknown): OtherEditionCode | undefined;
  /** For a built-in edition: when `name` is what another edition calls this code, says so (Vietnamese, or undefined). */
  explainName?(raw: unknown, name: string): string | undefined;
}

/** Everything wrong with a unit list, each problem naming its row, in Vietnamese. */
export class HierarchyError extends Error {
  constructor(
    public problems: string[],
    file: string,
  ) {
    super(`danh mục đơn vị "${file}" có lỗi:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const LEVELS: Record<string, Level> = {
  'quốc gia': 'Quốc gia',
  'toàn quốc': 'Quốc gia',
  'trung ương': 'Quốc gia',
  tỉnh: 'Tỉnh',
  'thành phố trực thuộc trung ương': 'Tỉnh',
  'thành phố tw': 'Tỉnh',
  huyện: 'Huyện',
  'thị xã': 'Huyện',
  quận: 'Huyện',
  'thành phố thuộc tỉnh': 'Huyện',
  'thành phố': 'Huyện',
  xã: 'Xã',
  phường: 'Xã',
  'thị trấn': 'Xã',
  'đặc khu': 'Xã',
};

const COLUMNS = {
  code: ['mã', 'code'],
  name: ['tên', 'name'],
  level: ['cấp', 'level'],
  parent: ['mã cấp trên', 'parent'],
} as const;

export interface UnitRow {
  code: string;
  name: string;
  level: string;
  parent: string;
  /** Row number in the file, for messages. */
  row?: number;
}

/** A unit list from its bytes: an .xlsx workbook (first sheet) or CSV text (UTF-8). `file` names it in messages. */
export async function parseHierarchy(bytes: Uint8Array, file: string): Promise<Hierarchy> {
  let rows: UnitRow[];
  try {
    rows = /\.xlsx$/i.test(file) ? await readXlsxRows(bytes, file) : readCsvRows(new TextDecoder().decode(bytes), file);
  } catch (err) {
    if (err instanceof HierarchyError) throw err;
    throw new HierarchyError([`không đọc được tệp (${(err as Error).message})`], file);
  }
  return buildHierarchy(rows, file);
}

function headerIndex(header: string[], file: string): Record<keyof typeof COLUMNS, number> {
  const norm = header.map((h) => normalizeLabel(h));
  const missing: string[] = [];
  const index = {} as Record<keyof typeof COLUMNS, number>;
  for (const [key, names] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, readonly string[]][]) {
    const i = norm.findIndex((h) => names.includes(h));
    if (i < 0)
      missing.push(
        `thiếu cột "${names[0] === 'mã cấp trên' ? 'Mã cấp trên' : names[0]!.charAt(0).toUpperCase() + names[0]!.slice(1)}" ở dòng tiêu đề (cần: Mã, Tên, Cấp, Mã cấp trên)`,
      );
    index[key] = i;
  }
  if (missing.length) throw new HierarchyError(missing, file);
  return index;
}

function readCsvRows(text: string, file: string): UnitRow[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new HierarchyError(['tệp trống'], file);
  const ix = headerIndex(header, file);
  return rows.map((r, i) => ({
    code: cleanText(r[ix.code]),
    name: cleanText(r[ix.name]),
    level: cleanText(r[ix.level]),
    parent: cleanText(r[ix.parent]),
    row: i + 2,
  }));
}

async function readXlsxRows(bytes: Uint8Array, file: string): Promise<UnitRow[]> {
  const opened = openXlsx(bytes);
  if (!opened.ok) throw new Error(opened.issue.message);
  const first = opened.book.sheets[0];
  if (!first) throw new HierarchyError(['tệp không có sheet nào'], file);
  const sheet = opened.book.readSheet(first);
  const at = (r: number, c: number) => sheet.rows.get(r)?.get(c) ?? EMPTY;
  const header: string[] = [];
  for (const [c, cell] of sheet.rows.get(1) ?? []) header[c - 1] = scalarText(cell);
  for (let i = 0; i < header.length; i++) header[i] ??= '';
  const ix = headerIndex(header, file);
  const rows: (UnitRow & { numeric: boolean[] })[] = [];
  for (const r of [...sheet.rows.keys()].sort((a, b) => a - b)) {
    if (r === 1) continue;
    const get = (i: number) => at(r, i + 1);
    rows.push({
      code: cleanText(scalarText(get(ix.code))),
      name: cleanText(scalarText(get(ix.name))),
      level: cleanText(scalarText(get(ix.level))),
      parent: cleanText(scalarText(get(ix.parent))),
      row: r,
      numeric: [get(ix.code).kind === 'number', get(ix.parent).kind === 'number'],
    });
  }
  // A code stored as a number lost its leading zeros: pad to the longest code of the same level.
  const width = new Map<string, number>();
  for (const r of rows)
    width.set(normalizeLabel(r.level), Math.max(width.get(normalizeLabel(r.level)) ?? 0, r.code.length));
  const widthOfCode = new Map(
    rows.map((r) => [r.code.replace(/^0+/, ''), width.get(normalizeLabel(r.level)) ?? r.code.length]),
  );
  return rows.map(({ numeric, ...r }) => ({
    ...r,
    code: numeric[0] ? r.code.padStart(width.get(normalizeLabel(r.level)) ?? 0, '0') : r.code,
    parent:
      numeric[1] && r.parent ? r.parent.padStart(widthOfCode.get(r.parent.replace(/^0+/, '')) ?? 0, '0') : r.parent,
  }));
}

/** Checks a unit list and indexes it. Pure: used by readHierarchy and by tests. */
export function buildHierarchy(rows: UnitRow[], file = 'danh mục'): Hierarchy {
  const problems: string[] = [];
  const units: AdminUnit[] = [];
  const byCode = new Map<string, AdminUnit>();
  const rowOf = new Map<string, number>();
  rows.forEach((r, i) => {
    const at = `Dòng ${r.row ?? i + 2}`;
    if (!r.code) return void problems.push(`${at}: thiếu mã đơn vị`);
    if (!/^\d+$/.test(r.code)) problems.push(`${at}: mã "${r.code}" phải là dãy chữ số`);
    if (byCode.has(r.code)) return void problems.push(`${at}: mã "${r.code}" bị trùng với dòng ${rowOf.get(r.code)}`);
    const level =
      LEVELS[normalizeLabel(r.level)] ?? (normalizeLabel(r.level).startsWith('thành phố') ? 'Huyện' : undefined);
    if (!level)
      problems.push(
        `${at}: cấp "${r.level}" không hợp lệ (dùng Tỉnh, Huyện/Thị xã/Thành phố/Quận, Xã/Phường/Thị trấn/Đặc khu)`,
      );
    const unit: AdminUnit = {
      code: r.code,
      name: r.name,
      // A city with no parent is a centrally governed city (cấp tỉnh).
      level: !r.parent && level !== 'Quốc gia' ? 'Tỉnh' : (level ?? 'Xã'),
      levelLabel: r.level,
      parent: r.parent || null,
    };
    if (!r.name) problems.push(`${at}: thiếu tên đơn vị`);
    units.push(unit);
    byCode.set(unit.code, unit);
    rowOf.set(unit.code, r.row ?? i + 2);
  });
  for (const u of units) {
    if (!u.parent) continue;
    const p = byCode.get(u.parent);
    const at = `Dòng ${rowOf.get(u.code)}`;
    if (!p) {
      problems.push(`${at}: mã cấp trên "${u.parent}" của ${u.code} không có trong danh mục`);
      continue;
    }
    if (p.level === 'Xã') problems.push(`${at}: ${u.code} nằm dưới ${p.code}, là đơn vị cấp xã`);
    else if (u.level === 'Huyện' && p.level !== 'Tỉnh')
      problems.push(`${at}: đơn vị cấp huyện ${u.code} phải thuộc một tỉnh`);
    else if (u.level === 'Tỉnh' && p.level !== 'Quốc gia')
      problems.push(`${at}: đơn vị cấp tỉnh ${u.code} chỉ có thể thuộc cấp quốc gia`);
    else if (u.level === 'Quốc gia') problems.push(`${at}: đơn vị cấp quốc gia ${u.code} không có cấp trên`);
  }
  // Cycles: walk up from every unit; a walk longer than the list has looped.
  for (const u of units) {
    let cur: AdminUnit | undefined = u;
    for (let steps = 0; cur?.parent; steps++) {
      if (steps > units.length) {
        problems.push(`Dòng ${rowOf.get(u.code)}: mã cấp trên của ${u.code} tạo thành vòng lặp`);
        break;
      }
      cur = byCode.get(cur.parent);
    }
  }
  const roots = units.filter((u) => !u.parent);
  if (roots.length === 0 && units.length) problems.push('không có đơn vị gốc (đơn vị cấp tỉnh không có mã cấp trên)');
  if (roots.length > 1)
    problems.push(
      `có ${roots.length} đơn vị gốc (${roots.map((r) => r.code).join(', ')}); danh mục chỉ được có một tỉnh`,
    );
  if (units.length === 0) problems.push('danh mục không có đơn vị nào');
  if (problems.length) throw new HierarchyError(problems, file);

  return makeHierarchy(units, roots[0]!);
}

/** Indexes units already known to be a tree under `root` (checked by buildHierarchy, or shipped data). */
export function makeHierarchy(
  units: AdminUnit[],
  root: AdminUnit,
  extra: Pick<Hierarchy, 'edition' | 'explainUnknown' | 'explainName'> = {},
): Hierarchy {
  const byCode = new Map<string, AdminUnit>(units.map((u) => [u.code, u]));
  const childrenOf = new Map<string, AdminUnit[]>();
  for (const u of units) {
    if (!u.parent || u === root) continue;
    let list = childrenOf.get(u.parent);
    if (!list) childrenOf.set(u.parent, (list = []));
    list.push(u);
  }
  const children = (code: string) => childrenOf.get(code) ?? [];
  const descendants = (code: string): AdminUnit[] => children(code).flatMap((c) => [c, ...descendants(c.code)]);
  const communes = new Map<string, number>();
  const countCommunes = (u: AdminUnit): number => {
    const n = (u.level === 'Xã' ? 1 : 0) + children(u.code).reduce((s, c) => s + countCommunes(c), 0);
    communes.set(u.code, n);
    return n;
  };
  countCommunes(root);
  const depthOf = (u: AdminUnit): number => 1 + Math.max(0, ...children(u.code).map(depthOf));
  const lengths = [...new Set(units.map((u) => u.code.length))].sort((a, b) => a - b);
  return {
    units,
    byCode,
    root,
    depth: depthOf(root),
    children,
    descendants,
    ancestors(code) {
      const out: AdminUnit[] = [];
      if (code === root.code) return out;
      for (
        let u = byCode.get(byCode.get(code)?.parent ?? '');
        u;
        u = u.parent && u !== root ? byCode.get(u.parent) : undefined
      )
        out.push(u);
      return out;
    },
    communesUnder: (code) => communes.get(code) ?? 0,
    resolve(raw, name) {
      const s = typeof raw === 'number' ? String(raw) : cleanText(raw);
      if (!s) return undefined;
      const exact = byCode.get(s);
      if (!/^\d+$/.test(s)) return exact;
      // A code typed as a number lost its leading zeros: try the code lengths the list uses.
      const candidates = [
        exact,
        ...lengths.filter((len) => len > s.length).map((len) => byCode.get(s.padStart(len, '0'))),
      ].filter((u): u is AdminUnit => u !== undefined);
      if (candidates.length > 1 && name) return candidates.find((u) => sameUnitName(name, u.name)) ?? candidates[0];
      return candidates[0];
    },
    ...extra,
  };
}

/** The part of a hierarchy under `code` (the unit itself as root): what `--root` consolidates. */
export function subHierarchy(h: Hierarchy, code: string): Hierarchy {
  const top = h.byCode.get(code);
  if (!top) throw new Error(`subHierarchy: no unit ${code}`);
  if (top === h.root) return h;
  const root: AdminUnit = { ...top, parent: null };
  return makeHierarchy([root, ...h.descendants(code)], root, {
    edition: h.edition,
    explainUnknown: h.explainUnknown,
    explainName: h.explainName,
  });
}

/**
 * The smallest unit containing every given unit: their lowest common ancestor; when all are one unit, the unit
 * above it (a unit's own file is not a consolidation of it). The list's root when nothing is given.
 */
export function smallestContaining(h: Hierarchy, codes: string[]): AdminUnit {
  const distinct = [...new Set(codes)].filter((c) => h.byCode.has(c));
  if (distinct.length === 0) return h.root;
  if (distinct.length === 1) return h.ancestors(distinct[0]!)[0] ?? h.root;
  const chain = (c: string) => [h.byCode.get(c)!, ...h.ancestors(c)];
  let common = chain(distinct[0]!);
  for (const c of distinct.slice(1)) {
    const codesUp = new Set(chain(c).map((u) => u.code));
    common = common.filter((u) => codesUp.has(u.code));
  }
  return common[0] ?? h.root;
}

/** Unit names compared as people write them: tone placement, apostrophes, case; "Krông A Na" matches "Huyện Krông A Na". */
export function sameUnitName(a: string, b: string): boolean {
  const key = (s: string) => foldName(s).replace(/[\s'-]+/g, '');
  const [x, y] = [key(a), key(b)];
  return x === y || (x.length > 0 && y.length > 0 && (y.endsWith(x) || x.endsWith(y)));
}
