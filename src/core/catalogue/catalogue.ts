import * as z from 'zod';
import { dataFiles, type DataFiles } from '../data-files.js';
import { UsageError } from '../errors.js';
import type { Period } from '../model.js';
import { csvRecords } from '../util/csv.js';
import { checksRowRule, codesOf, rowRules, termPairRules, type CheckRule } from './check-rules.js';

/** Breakdowns a figure may carry besides its total. */
export const BREAKDOWNS = ['nu', 'dtts'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];
/** Every column of a figure: the total and the breakdowns. */
export const MEASURES = ['total', ...BREAKDOWNS] as const;
export type Measure = (typeof MEASURES)[number];

export const MEASURE_LABEL: Record<Measure, string> = { total: 'Tổng số', nu: 'Nữ', dtts: 'DTTS' };

export type Check =
  | { type: 'members-of'; of: string; lo: number; hi: number }
  | { type: 'attendance-of'; of: string }
  | { type: 'victims-of'; of: string }
  | { type: 'not-above'; of: string[]; severity: 'error' | 'warning' }
  | { type: 'communes' }
  /** The filled parts never sum above this row; `exact`: when every part is filled, they sum to it. */
  | { type: 'sum-of'; parts: string[]; exact: boolean }
  /** A count of xã (the unit type) under the submitter: phường and đặc khu cannot meet a new-rural criterion. */
  | { type: 'rural-communes' }
  | { type: 'max'; max: number }
  | { type: 'max-per-commune'; max: number }
  /** A stock of one HĐND term: filled only in the periods the edition's terms.csv gives that term. */
  | { type: 'term'; term: string }
  /** An event of one day: filled only in periods containing it. */
  | { type: 'event'; date: string }
  /** Recognised only in periods counted from the year's start (Quý I, 6 tháng, 9 tháng, Năm): DA8.41 (§7). */
  | { type: 'year-to-date' };

/** Who fills a row: the commune-level units, the province's own submission, or both (form-2026.md §3). */
export const LEVELS = ['xa', 'tinh'] as const;
export type Level = (typeof LEVELS)[number];

export interface Indicator {
  code: string;
  group: string;
  section: string;
  name: string;
  unit: string;
  kind: 'count' | 'money';
  nature: 'stock' | 'flow';
  breakdowns: Breakdown[];
  partOf: string | null;
  /** The rules of the `check` column, in the order written (several separated by a space). */
  checks: Check[];
  /** Who fills the row; an edition without the `levels` column: every level. */
  levels: Level[];
  /** The citation of the row (the edition's `source` column), for maintainers. */
  source: string | null;
  /** Short name for column headers (the edition's report.csv); the full name when none is given. */
  shortName: string;
  /** A total that already counts this figure (the edition's report.csv): the report then says "trong đó" rather than "ngoài". */
  includedIn: string | null;
  /** A core result set against a plan (the report's table of results against the plan). */
  core: boolean;
}

export interface Section {
  code: string;
  group: string;
  heading: string;
}

export interface Group {
  code: string;
  heading: string;
  /** Expected only from the communes of the programme's area (groups.csv `area` = `programme`, form-2026.md §6). */
  programmeArea: boolean;
}

/** A term of a ratio: one measure of one indicator, or the number of commune-level units. */
export type RatioTerm =
  | { code: string; measure: Measure }
  /** The commune-level units under the root; of one type ("Xã") when `type` is given. */
  | { communes: true; type?: string }
  /** A sum and difference of measures: `BDG.53:total+BDG.55:total`, `DA8.21:total-DA8.42:total`. */
  | { sum: { code: string; measure: Measure; sign: 1 | -1 }[] };

/**
 * The codes whose coverage a ratio term's result depends on: a sum counts an empty term as 0, so it is as covered
 * as its leading term (DA8.21 in DA8.21 − DA8.42), not as its least reported one.
 */
export function ratioCoverageCodes(t: RatioTerm): string[] {
  return 'sum' in t ? t.sum.slice(0, 1).map((p) => p.code) : ratioTermCodes(t);
}

/** The indicator codes a ratio term reads. */
export function ratioTermCodes(t: RatioTerm): string[] {
  return 'code' in t ? [t.code] : 'sum' in t ? t.sum.map((p) => p.code) : [];
}

export interface Ratio {
  id: string;
  name: string;
  numerator: RatioTerm;
  denominator: RatioTerm;
  /** Target share in percent by year of the Nghị quyết 28 milestones, if any. */
  targets: { year: number; percent: number }[];
  targetNote: string | null;
  /** Where the target is set ("Nghị quyết số 28/NQ-CP"). */
  targetSource: string | null;
}

/** One indicator of the Nghị quyết 28 table (the edition's targets-nq28.csv, form-2026.md §10). */
export interface Nq28Row {
  no: number;
  name: string;
  /** How a result meets a target: at least (>=), at most (<=), below (<); null for a yes/no indicator. */
  direction: '>=' | '<=' | '<' | null;
  /** Milestones by year (2025, 2030), in the row's unit; a missing one is "chưa xác định". */
  targets: { year: number; value: number }[];
  /** "%", or empty for a ratio printed ×100 (tỷ số giới tính khi sinh), or "lần". */
  unit: string;
  /** The ratio of ratios.csv that computes it, or null when the form does not collect it. */
  ratio: string | null;
  /** Who holds the figure the form does not collect ("Sở Y tế"). */
  source: string | null;
}

/** Administrative levels a submission comes from, for the plausibility bounds. */
export type BoundLevel = 'Xã' | 'Huyện' | 'Tỉnh';

/**
 * Money at or above this many triệu đồng (1.000 tỷ) can only have been typed in đồng: an error, whatever the level.
 */
export const MONEY_IN_DONG_AT = 1_000_000;

export interface Catalogue {
  /** The edition's id ("BDG-2024.1"), as catalogue/editions.csv lists it. */
  version: string;
  /** The edition's name for a person (editions.csv `name_vi`). */
  name: string;
  /** Per indicator, the total above which a unit of a level is warned (the edition's bounds.csv). */
  bounds: Map<string, Partial<Record<BoundLevel, number>>>;
  indicators: Indicator[];
  byCode: Map<string, Indicator>;
  sections: Section[];
  groups: Group[];
  ratios: Ratio[];
  /** Windows of the HĐND terms `term:` rows name (terms.csv): the periods ending from `from` to `to`, inclusive. */
  terms: Map<string, { from: string | null; to: string | null }>;
  /** The Nghị quyết 28 table, when the edition has targets-nq28.csv. */
  nq28: Nq28Row[];
  /** Rules across indicators (part_of, check, checks.csv), in one shape, in the order they are evaluated. */
  rules: CheckRule[];
  /** The rules by the indicator whose turn evaluates them (the one their finding points at). */
  rulesAt: Map<string, CheckRule[]>;
}

/** `attendance-of`: more people than this per event or class is worth a second look. */
export const MAX_ATTENDANCE_PER_EVENT = 500;

const CODE_RE = /^[A-Z0-9]+\.\d{2}$/;

/** One rule of the compact `check` notation, or the problem with it. */
function parseCheck(s: string): Check | string {
  const [type, ...args] = s.split(':');
  const codes = (text = '') => text.split('+').map((c) => c.trim());
  const number = (text = '') => (/^\d+$/.test(text) ? Number(text) : NaN);
  switch (type) {
    case 'members-of':
      return { type, of: args[0]!, lo: Number(args[1]), hi: Number(args[2]) };
    case 'attendance-of':
    case 'victims-of':
      return { type, of: args[0]! };
    case 'not-above':
      return { type, of: codes(args[0]), severity: args[1] === 'warning' ? 'warning' : 'error' };
    case 'sum-of':
      if (args[1] !== undefined && args[1] !== 'exact') return `sum-of: "${args[1]}" không phải exact`;
      return { type, parts: codes(args[0]), exact: args[1] === 'exact' };
    case 'communes':
    case 'rural-communes':
    case 'year-to-date':
      return { type };
    case 'max':
    case 'max-per-commune':
      return Number.isFinite(number(args[0])) ? { type, max: number(args[0]) } : `${type}: "${args[0] ?? ''}" không phải số`;
    case 'term':
      return /^\d{4}-\d{4}$/.test(args[0] ?? '') ? { type, term: args[0]! } : `term: "${args[0] ?? ''}" không phải YYYY-YYYY`;
    case 'event':
      return /^\d{4}-\d{2}-\d{2}$/.test(args[0] ?? '') ? { type, date: args[0]! } : `event: "${args[0] ?? ''}" không phải YYYY-MM-DD`;
    default:
      return `unknown check "${s}"`;
  }
}

/** The `check` column: several rules separated by spaces, each applied. */
const makeCheckSchema = () =>
  z.string().transform((s, ctx): Check[] => {
    const checks: Check[] = [];
    for (const part of s.split(/\s+/).filter(Boolean)) {
      const check = parseCheck(part);
      if (typeof check === 'string') {
        ctx.addIssue({ code: 'custom', message: check });
        return z.NEVER;
      }
      for (const code of 'of' in check ? [check.of].flat() : 'parts' in check ? check.parts : [])
        if (!CODE_RE.test(code)) {
          ctx.addIssue({ code: 'custom', message: `"${part}": "${code}" không phải mã chỉ tiêu` });
          return z.NEVER;
        }
      checks.push(check);
    }
    return checks;
  });

/** An indicators.csv row. Made when a catalogue is parsed: not when the checked editions are taken ready (the build's cache). */
const makeIndicatorRowSchema = () =>
  z.object({
    code: z.string().regex(/^[A-Z0-9]+\.\d{2}$/),
    group: z.string().min(1),
    section: z.string().min(1),
    name_vi: z.string().min(1),
    unit: z.string().min(1),
    kind: z.enum(['count', 'money']),
    nature: z.enum(['stock', 'flow']),
    breakdowns: z
      .string()
      .transform((s) => (s === '' ? [] : s.split(';')))
      .pipe(z.array(z.enum(BREAKDOWNS))),
    part_of: z.string().transform((s) => (s === '' ? null : s)),
    check: makeCheckSchema(),
    levels: z
      .string()
      .optional()
      .transform((s) => (s ? s.split(';') : [...LEVELS]))
      .pipe(z.array(z.enum(LEVELS)).min(1)),
    source: z
      .string()
      .optional()
      .transform((s) => s || null),
  });
let indicatorRowSchema: ReturnType<typeof makeIndicatorRowSchema> | undefined;

function parseTerm(s: string): RatioTerm {
  if (s === 'communes') return { communes: true };
  if (s.startsWith('communes:')) return { communes: true, type: s.slice(9).trim() };
  const one = (text: string) => {
    const [code, measure] = text.trim().split(':');
    return { code: code!, measure: z.enum(MEASURES).parse(measure ?? 'total') };
  };
  if (!/[+-]/.test(s)) return one(s);
  const sum = [...s.matchAll(/([+-]?)\s*([A-Z0-9]+\.\d{2}(?::\w+)?)/g)].map((m) => ({ ...one(m[2]!), sign: (m[1] === '-' ? -1 : 1) as 1 | -1 }));
  return { sum };
}

/**
 * A broken catalogue: the program's fault, never the user's file. The edges print it naming the catalogue file and
 * exit 2 (a UsageError); a reading thread that meets one stops the run instead of rejecting the file it was reading.
 */
export class CatalogueError extends UsageError {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      `danh mục biểu mẫu của bdg bị lỗi (lỗi của chương trình, không phải của tệp báo cáo) – ${file}: ${problems.join('; ')}. ` +
        'Báo cho người bảo trì bdg; không gửi lại tệp báo cáo vì lỗi này.',
    );
  }
}

function readCsv(path: string): Record<string, string>[] {
  let text: string;
  try {
    text = dataFiles().read(path);
  } catch {
    throw new CatalogueError(path, ['không có tệp này']);
  }
  return csvRecords(text);
}

/** One edition of the form, as listed in catalogue/editions.csv. */
export interface FormEdition {
  /** "BDG-2024.1": what a workbook's `Phiên bản biểu mẫu` and `--form` name. */
  id: string;
  /** First day of the first period it is used for, yyyy-mm-dd. */
  from: string;
  name: string;
}

export const EDITIONS_FILE = 'catalogue/editions.csv';

/** The editions listed, and from which data files: read once per set of data files. */
let listed: { files: DataFiles; editions: FormEdition[] } | undefined;

/**
 * Takes the editions listed (formEditions(), oldest first) as read elsewhere from this very editions.csv — the
 * build's cache, see adoptCheckedCatalogues — instead of reading it again.
 */
export function adoptFormEditions(editions: readonly FormEdition[]): void {
  if (listed?.files === dataFiles()) return;
  listed = { files: dataFiles(), editions: [...editions] };
  cache.clear();
}

/** Every edition of the form this build knows, oldest first (catalogue/editions.csv). */
export function formEditions(): FormEdition[] {
  const files = dataFiles();
  if (listed?.files !== files) {
    const editions = readCsv(EDITIONS_FILE).map((r) => ({ id: r.edition ?? '', from: r.first_period_start ?? '', name: r.name_vi ?? '' }));
    const problems: string[] = [];
    for (const e of editions) {
      if (!/^[A-Z]+-\d{4}\.\d+$/.test(e.id)) problems.push(`phiên bản "${e.id}" không đúng dạng ABC-2024.1`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(e.from)) problems.push(`${e.id}: first_period_start "${e.from}" không phải ngày yyyy-mm-dd`);
      if (!e.name) problems.push(`${e.id}: thiếu name_vi`);
    }
    if (!editions.length) problems.push('không có phiên bản nào');
    if (new Set(editions.map((e) => e.id)).size !== editions.length) problems.push('một phiên bản được kê hai lần');
    if (new Set(editions.map((e) => e.from)).size !== editions.length) problems.push('hai phiên bản cùng first_period_start');
    if (problems.length) throw new CatalogueError(EDITIONS_FILE, problems);
    listed = { files, editions: editions.sort((a, b) => (a.from < b.from ? -1 : 1)) };
    cache.clear();
  }
  return [...listed.editions];
}

/** The catalogue versions (form editions) this build knows, oldest first. */
export function knownVersions(): string[] {
  return formEditions().map((e) => e.id);
}

export function findFormEdition(id: string): FormEdition | undefined {
  return formEditions().find((e) => e.id === id.trim());
}

/** The edition a period uses: the latest one starting on or before the period's first day (the oldest before any). */
export function formEditionForPeriod(period: Period | null | undefined): FormEdition {
  const editions = formEditions();
  if (!period) return editions[editions.length - 1]!;
  const start = `${String(period.year).padStart(4, '0')}-01-01`;
  return editions.filter((e) => e.from <= start).pop() ?? editions[0]!;
}

/** `--form EDITION` checked (a UsageError naming the editions known), else the edition of the period. */
export function chooseEdition(form: string | undefined, period: Period | null | undefined): FormEdition {
  if (form === undefined) return formEditionForPeriod(period);
  const found = findFormEdition(form);
  if (!found) throw new UsageError(`--form "${form}": không có phiên bản biểu mẫu này. bdg biết: ${describeEditions()}.`);
  return found;
}

/** "BDG-2024.1 (Biểu mẫu áp dụng đến hết năm 2025), …": the editions known, for messages. */
export function describeEditions(): string {
  return formEditions()
    .map((e) => `${e.id} (${e.name})`)
    .join(', ');
}

const cache = new Map<string, Catalogue>();

/**
 * The editions this thread has loaded, to hand to another thread (structured clone): parsing an edition's files
 * costs ~50 ms cold, and each thread of a run would otherwise parse the same ones.
 */
export function loadedCatalogues(): Catalogue[] {
  formEditions(); // the cache is kept for the current data files only
  return [...cache.values()];
}

/**
 * Takes editions another thread loaded (and checked) from the same data files, as if loaded here. One this build
 * does not list is ignored.
 */
export function adoptCatalogues(given: readonly Catalogue[]): void {
  const known = knownVersions();
  for (const catalogue of given)
    if (known.includes(catalogue.version) && !cache.has(catalogue.version)) cache.set(catalogue.version, catalogue);
}

/** The files of one edition, by what they hold. */
export function editionFile(
  version: string,
  name: 'indicators' | 'sections' | 'groups' | 'ratios' | 'bounds' | 'report' | 'checks' | 'terms' | 'targets-nq28',
): string {
  return `catalogue/${version}/${name}.csv`;
}

/** The report's wording of an edition. */
export function wordingFile(version: string, variant?: string): string {
  return `catalogue/${version}/bao-cao${variant ? `-${variant}` : ''}.txt`;
}

/** Loads and checks one edition (by default the latest); every reference inside it must resolve. */
export function loadCatalogue(version?: string): Catalogue {
  const id = version ?? formEditions().at(-1)!.id;
  const cached = listed?.files === dataFiles() ? cache.get(id) : undefined;
  if (cached) return cached;
  if (!knownVersions().includes(id)) throw new Error(`Unknown catalogue version ${id}`);
  const file = (name: Parameters<typeof editionFile>[1]) => editionFile(id, name);
  const reportRows = new Map(readCsv(file('report')).map((r) => [r.code!, r]));
  const indicators: Indicator[] = readCsv(file('indicators')).map((raw, i) => {
    const row = (indicatorRowSchema ??= makeIndicatorRowSchema()).safeParse(raw);
    if (!row.success) throw new CatalogueError(file('indicators'), [`dòng ${i + 2}: ${z.prettifyError(row.error).replace(/\n/g, ' ')}`]);
    const r = row.data;
    return {
      code: r.code,
      group: r.group,
      section: r.section,
      name: r.name_vi,
      unit: r.unit,
      kind: r.kind,
      nature: r.nature,
      breakdowns: r.breakdowns,
      partOf: r.part_of,
      checks: r.check,
      levels: r.levels,
      source: r.source,
      shortName: reportRows.get(r.code)?.short_name_vi || r.name_vi,
      includedIn: reportRows.get(r.code)?.included_in || null,
      core: reportRows.get(r.code)?.core === '1',
    };
  });
  const byCode = new Map(indicators.map((ind) => [ind.code, ind]));
  const sections = readCsv(file('sections')).map((r) => ({ code: r.section!, group: r.group!, heading: r.heading_vi! }));
  const groups = readCsv(file('groups')).map((r) => ({ code: r.group!, heading: r.heading_vi!, programmeArea: r.area === 'programme' }));
  const ratios: Ratio[] = readCsv(file('ratios')).map((r) => ({
    id: r.id!,
    name: r.name_vi!,
    numerator: parseTerm(r.numerator!),
    denominator: parseTerm(r.denominator!),
    // One column per milestone year (target_2025, target_2030…): the years are the edition's, not the code's.
    targets: Object.entries(r)
      .filter(([key, value]) => /^target_\d{4}$/.test(key) && value)
      .map(([key, value]) => ({ year: Number(key.slice(7)), percent: Number(value) }))
      .sort((a, b) => a.year - b.year),
    targetNote: r.target_note || null,
    targetSource: r.target_source || null,
  }));

  const bounds = new Map(
    readCsv(file('bounds')).map((r): [string, Partial<Record<BoundLevel, number>>] => {
      const level: Partial<Record<BoundLevel, number>> = {};
      for (const [key, name] of [['xa', 'Xã'], ['huyen', 'Huyện'], ['tinh', 'Tỉnh']] as const) if (r[key]) level[name] = Number(r[key]);
      return [r.code!, level];
    }),
  );
  const edition = findFormEdition(id)!;
  const terms = editionTerms(id);
  const rules = indicators.flatMap((ind) => rowRules(ind, (code) => byCode.get(code), MAX_ATTENDANCE_PER_EVENT, terms));
  rules.push(...termPairRules(indicators));
  rules.push(...editionChecks(id));
  const rulesAt = new Map<string, CheckRule[]>();
  for (const r of rules) rulesAt.set(r.at.code, [...(rulesAt.get(r.at.code) ?? []), r]);
  const nq28 = editionNq28(id);
  const catalogue: Catalogue = { version: id, name: edition.name, indicators, byCode, sections, groups, ratios, bounds, terms, nq28, rules, rulesAt };
  assertConsistent(catalogue);
  cache.set(id, catalogue);
  return catalogue;
}

/** The HĐND terms of an edition's terms.csv (`term,first_period_end,last_period_end`); none without the file. */
function editionTerms(id: string): Catalogue['terms'] {
  const path = editionFile(id, 'terms');
  if (!dataFiles().list(`catalogue/${id}`).includes('terms.csv')) return new Map();
  const date = (s: string | undefined) => (s ? s : null);
  const rows = readCsv(path);
  const bad = rows.filter((r) => ![r.first_period_end, r.last_period_end].every((d) => !d || /^\d{4}-\d{2}-\d{2}$/.test(d)));
  if (bad.length) throw new CatalogueError(path, bad.map((r) => `${r.term}: ngày không đúng dạng yyyy-mm-dd`));
  return new Map(rows.map((r) => [r.term!, { from: date(r.first_period_end), to: date(r.last_period_end) }]));
}

/** The Nghị quyết 28 table of an edition's targets-nq28.csv; none without the file. */
function editionNq28(id: string): Nq28Row[] {
  if (!dataFiles().list(`catalogue/${id}`).includes('targets-nq28.csv')) return [];
  const path = editionFile(id, 'targets-nq28');
  const rows = readCsv(path).map((r) => ({
    no: Number(r.no),
    name: r.indicator_vi ?? '',
    direction: (r.direction || null) as Nq28Row['direction'],
    targets: Object.entries(r)
      .filter(([key, value]) => /^target_\d{4}$/.test(key) && value)
      .map(([key, value]) => ({ year: Number(key.slice(7)), value: Number(value) })),
    unit: r.unit ?? '',
    ratio: r.ratio || null,
    source: r.not_collected_source || null,
  }));
  const bad = rows.filter((r) => !r.name || ![null, '>=', '<=', '<'].includes(r.direction) || r.targets.some((t) => !Number.isFinite(t.value)));
  if (bad.length) throw new CatalogueError(path, bad.map((r) => `dòng ${r.no}: tên, direction hoặc chỉ tiêu không hợp lệ`));
  return rows;
}

/** The rules of an edition's checks.csv (rules not tied to one row); none when the edition has no such file. */
function editionChecks(id: string): CheckRule[] {
  const path = editionFile(id, 'checks');
  if (!dataFiles().list(`catalogue/${id}`).includes('checks.csv')) return [];
  const problems: string[] = [];
  const rules = readCsv(path).flatMap((r, i) => {
    const rule = checksRowRule(r);
    if (typeof rule === 'string') problems.push(`dòng ${i + 2}: ${rule}`);
    return typeof rule === 'string' ? [] : [rule];
  });
  if (problems.length) throw new CatalogueError(path, problems);
  return rules;
}

/** Every reference inside an edition resolves; a CatalogueError names the file of the first problem found. */
function assertConsistent(c: Catalogue): void {
  const problems = new Map<string, string[]>();
  const add = (name: Parameters<typeof editionFile>[1], text: string) => {
    const file = editionFile(c.version, name);
    problems.set(file, [...(problems.get(file) ?? []), text]);
  };
  const sectionCodes = new Set(c.sections.map((s) => s.code));
  const groupCodes = new Set(c.groups.map((g) => g.code));
  if (c.byCode.size !== c.indicators.length) add('indicators', 'một mã chỉ tiêu có hai dòng');
  for (const ind of c.indicators) {
    if (!sectionCodes.has(ind.section)) add('indicators', `${ind.code}: mục ${ind.section} không có trong sections.csv`);
    if (!groupCodes.has(ind.group)) add('indicators', `${ind.code}: nhóm ${ind.group} không có trong groups.csv`);
    if (ind.partOf && !c.byCode.has(ind.partOf)) add('indicators', `${ind.code}: part_of ${ind.partOf} không có`);
    for (const check of ind.checks) {
      if (check.type === 'term' && !c.terms.has(check.term)) add('terms', `${ind.code}: nhiệm kỳ ${check.term} không có trong terms.csv`);
      if (check.type === 'rural-communes' && !ind.levels.includes('xa')) add('indicators', `${ind.code}: rural-communes cần levels xa`);
    }
    if (ind.includedIn && !c.byCode.has(ind.includedIn)) add('report', `${ind.code}: included_in ${ind.includedIn} không có`);
  }
  for (const [code, levels] of c.bounds) {
    if (!c.byCode.has(code)) add('bounds', `chỉ tiêu ${code} không có`);
    for (const v of Object.values(levels)) if (!(v > 0)) add('bounds', `${code} có ngưỡng không phải số dương`);
  }
  for (const r of c.rules)
    for (const code of codesOf(r)) if (!c.byCode.has(code)) add(r.at.code === code || !c.byCode.has(r.at.code) ? 'checks' : 'indicators', `quy tắc ${r.rule}: ${code} không có`);
  for (const r of c.ratios) {
    for (const t of [r.numerator, r.denominator])
      for (const code of ratioTermCodes(t)) if (!c.byCode.has(code)) add('ratios', `${r.id}: ${code} không có`);
    for (const t of r.targets) if (!Number.isFinite(t.percent)) add('ratios', `${r.id}: chỉ tiêu năm ${t.year} không phải số`);
  }
  const ratioIds = new Set(c.ratios.map((r) => r.id));
  for (const r of c.nq28) {
    if (r.ratio && !ratioIds.has(r.ratio)) add('targets-nq28', `dòng ${r.no}: tỷ lệ ${r.ratio} không có trong ratios.csv`);
    if (!r.ratio && !r.source) add('targets-nq28', `dòng ${r.no}: cần ratio hoặc not_collected_source`);
  }
  const [first] = problems;
  if (first) throw new CatalogueError(first[0], first[1]);
}

/** The measures a figure of this indicator has: always the total, then its breakdowns. */
export function measuresOf(ind: Indicator): Measure[] {
  return ['total', ...ind.breakdowns];
}
