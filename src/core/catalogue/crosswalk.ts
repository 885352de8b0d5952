import { dataFiles, type DataFiles } from '../data-files.js';
import type { Figure, Figures } from '../model.js';
import { csvRecords } from '../util/csv.js';
import { formEditions, loadCatalogue, measuresOf, type Catalogue } from './catalogue.js';

export const RELATIONS = ['same', 'moved', 'split', 'retired', 'new'] as const;
export type Relation = (typeof RELATIONS)[number];

export interface CrosswalkRow {
  from: string;
  to: string;
  relation: Relation;
  note: string;
}

/** catalogue/crosswalk/A--B.csv: how every code of edition A (the older) maps to edition B. */
export function crosswalkFile(older: string, newer: string): string {
  return `catalogue/crosswalk/${older}--${newer}.csv`;
}

/** The crosswalk files shipped, as [older, newer] pairs. */
export function crosswalkPairs(): [string, string][] {
  let names: string[];
  try {
    names = dataFiles().list('catalogue/crosswalk');
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const m = /^(.+)--(.+)\.csv$/.exec(n);
    return m ? [[m[1]!, m[2]!] as [string, string]] : [];
  });
}

/** Crosswalks read and conversions built, for the data files installed (tests install others). */
let cachedFor: DataFiles | undefined;
const rowsCache = new Map<string, CrosswalkRow[] | null>();
const conversions = new Map<string, Conversion | null>();
function fresh(): void {
  if (cachedFor === dataFiles()) return;
  cachedFor = dataFiles();
  rowsCache.clear();
  conversions.clear();
}

/** The rows of one crosswalk, or null when there is none for this pair. */
export function crosswalkRows(older: string, newer: string): CrosswalkRow[] | null {
  fresh();
  const path = crosswalkFile(older, newer);
  if (rowsCache.has(path)) return rowsCache.get(path)!;
  let text: string | null;
  try {
    text = dataFiles().read(path);
  } catch {
    text = null;
  }
  const rows =
    text === null
      ? null
      : csvRecords(text).map((r) => ({
          from: r.from_code ?? '',
          to: r.to_code ?? '',
          relation: r.relation as Relation,
          note: r.note ?? '',
        }));
  rowsCache.set(path, rows);
  return rows;
}

/**
 * What a crosswalk must be (docs/editions.md): every code of the older edition named (once, or once per target
 * for `split`), every code of the newer edition reached once, each relation consistent with both editions.
 */
export function crosswalkProblems(older: Catalogue, newer: Catalogue, rows: CrosswalkRow[]): string[] {
  const problems: string[] = [];
  const fromRelation = new Map<string, Relation>();
  const reached = new Map<string, number>();
  rows.forEach((r, i) => {
    const line = `dòng ${i + 2}`;
    if (!RELATIONS.includes(r.relation)) return problems.push(`${line}: relation "${r.relation}" không có (${RELATIONS.join(', ')})`);
    const needFrom = r.relation !== 'new';
    const needTo = r.relation !== 'retired';
    if (needFrom && !older.byCode.has(r.from)) problems.push(`${line}: from_code "${r.from}" không có trong ${older.version}`);
    if (!needFrom && r.from) problems.push(`${line}: dòng new không có from_code`);
    if (needTo && !newer.byCode.has(r.to)) problems.push(`${line}: to_code "${r.to}" không có trong ${newer.version}`);
    if (!needTo && r.to) problems.push(`${line}: dòng retired không có to_code`);
    if (r.relation === 'same' && r.from !== r.to) problems.push(`${line}: same cần from_code = to_code`);
    if (r.relation === 'moved' && r.from === r.to) problems.push(`${line}: moved cần mã mới khác mã cũ`);
    if (r.relation === 'retired' && newer.byCode.has(r.from)) problems.push(`${line}: mã đã bỏ ${r.from} không được dùng lại trong ${newer.version}`);
    if (r.relation === 'new' && older.byCode.has(r.to)) problems.push(`${line}: mã mới ${r.to} đã có trong ${older.version} (một mã giữ nguyên nghĩa mãi)`);
    if (['moved', 'split'].includes(r.relation) && older.byCode.has(r.to) && r.to !== r.from)
      problems.push(`${line}: ${r.to} đã là một mã khác của ${older.version}: một mã không đổi nghĩa`);
    if (needFrom) {
      const before = fromRelation.get(r.from);
      if (before && !(before === 'split' && r.relation === 'split')) problems.push(`${line}: ${r.from} được kê hai lần`);
      fromRelation.set(r.from, r.relation);
    }
    if (needTo) reached.set(r.to, (reached.get(r.to) ?? 0) + 1);
  });
  for (const ind of older.indicators) if (!fromRelation.has(ind.code)) problems.push(`thiếu mã ${ind.code} của ${older.version}`);
  for (const ind of newer.indicators) {
    const n = reached.get(ind.code) ?? 0;
    if (n === 0) problems.push(`mã ${ind.code} của ${newer.version} không có nguồn (ghi là new nếu là chỉ tiêu mới)`);
    if (n > 1) problems.push(`mã ${ind.code} của ${newer.version} được ${n} dòng trỏ tới`);
  }
  return problems;
}

/** How each code of one edition becomes a code of another, found through the chain of consecutive crosswalks. */
export interface Conversion {
  from: string;
  to: string;
  /** Source code → target code, for `same` and `moved` along the whole chain. */
  carried: Map<string, string>;
  /** Source codes with no target (split, retired, or merged going back), with the relation that stopped them. */
  dropped: Map<string, Relation | 'merged'>;
  /** Target codes no source code reaches: empty in every converted file. */
  lacking: string[];
}

type Step = { carried: Map<string, string>; dropped: Map<string, Relation | 'merged'> };

function stepOf(a: string, b: string): Step | null {
  const forward = crosswalkRows(a, b);
  const backward = forward ? null : crosswalkRows(b, a);
  const rows = forward ?? backward;
  if (!rows) return null;
  const carried = new Map<string, string>();
  const dropped = new Map<string, Relation | 'merged'>();
  for (const r of rows) {
    if (r.relation === 'same' || r.relation === 'moved') {
      if (forward) carried.set(r.from, r.to);
      else carried.set(r.to, r.from);
    } else if (forward && (r.relation === 'split' || r.relation === 'retired')) dropped.set(r.from, r.relation);
    // Read backwards: the parts of a split are merged back (not placed), a new code has nothing to go to.
    else if (!forward && r.relation === 'split') dropped.set(r.to, 'merged');
    else if (!forward && r.relation === 'new') dropped.set(r.to, 'retired');
  }
  return { carried, dropped };
}

/**
 * The conversion from one edition to another through consecutive crosswalks (older → newer, or back), or null
 * when a link of the chain is missing. Built once per pair.
 */
export function conversionBetween(from: string, to: string): Conversion | null {
  fresh();
  const key = `${from}→${to}`;
  if (conversions.has(key)) return conversions.get(key)!;
  const order = formEditions().map((e) => e.id);
  const [i, j] = [order.indexOf(from), order.indexOf(to)];
  let result: Conversion | null = null;
  if (i >= 0 && j >= 0) {
    const chain = i <= j ? order.slice(i, j + 1) : order.slice(j, i + 1).reverse();
    const source = loadCatalogue(from);
    const carried = new Map(source.indicators.map((ind) => [ind.code, ind.code]));
    const dropped = new Map<string, Relation | 'merged'>();
    let ok = true;
    for (let k = 0; k + 1 < chain.length && ok; k++) {
      const step = stepOf(chain[k]!, chain[k + 1]!);
      if (!step) ok = false;
      else
        for (const [code, now] of carried) {
          const next = step.carried.get(now);
          if (next !== undefined) carried.set(code, next);
          else {
            carried.delete(code);
            dropped.set(code, step.dropped.get(now) ?? 'retired');
          }
        }
    }
    if (ok) {
      const reached = new Set(carried.values());
      const lacking = loadCatalogue(to).indicators.filter((ind) => !reached.has(ind.code)).map((ind) => ind.code);
      result = { from, to, carried, dropped, lacking };
    }
  }
  conversions.set(key, result);
  return result;
}

/** A file's figures in another edition: carried codes keep their values, every other target code is empty. */
export function convertFigures(figures: Figures, conversion: Conversion, target: Catalogue): Figures {
  const out: Figures = {};
  const sourceOf = new Map([...conversion.carried].map(([from, to]) => [to, from]));
  for (const ind of target.indicators) {
    const from = sourceOf.get(ind.code);
    const given = from === undefined ? undefined : figures[from];
    const fig: Figure = {};
    for (const m of measuresOf(ind)) fig[m] = given?.[m] ?? null;
    out[ind.code] = fig;
  }
  return out;
}

/** Codes of the source edition that held a figure and could not be carried over. */
export function notConverted(figures: Figures, conversion: Conversion): string[] {
  return [...conversion.dropped.keys()].filter((code) => Object.values(figures[code] ?? {}).some((v) => v !== null && v !== undefined));
}

/** Every problem of every crosswalk shipped (against both editions it joins), by file. */
export function allCrosswalkProblems(): { file: string; problems: string[] }[] {
  const known = new Set(formEditions().map((e) => e.id));
  return crosswalkPairs().map(([a, b]) => {
    const file = crosswalkFile(a, b);
    if (!known.has(a) || !known.has(b)) return { file, problems: [`phiên bản ${known.has(a) ? b : a} không có trong editions.csv`] };
    const order = [...known];
    const problems = order.indexOf(a) + 1 !== order.indexOf(b) ? [`${a} và ${b} không phải hai phiên bản liền nhau (cũ → mới)`] : [];
    return { file, problems: [...problems, ...crosswalkProblems(loadCatalogue(a), loadCatalogue(b), crosswalkRows(a, b)!)] };
  });
}
