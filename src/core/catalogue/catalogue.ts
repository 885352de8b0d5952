import * as z from 'zod';
import { dataFiles, type DataFiles } from '../data-files.js';
import { UsageError } from '../errors.js';
import type { Period } from '../model.js';
import { csvRecords } from '../util/csv.js';
import { checksRowRule, codesOf, rowRules, type CheckRule } from './check-rules.js';

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
  | { type: 'not-above'; of: string; severity: 'error' | 'warning' }
  | { type: 'communes' };

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
  check: Check | null;
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
}

/** A term of a ratio: one measure of one indicator, or the number of commune-level units. */
export type RatioTerm = { code: string; measure: Measure } | { communes: true };

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
  /** Rules across indicators (part_of, check, checks.csv), in one shape, in the order they are evaluated. */
  rules: CheckRule[];
  /** The rules by the indicator whose turn evaluates them (the one their finding points at). */
  rulesAt: Map<string, CheckRule[]>;
}

/** `attendance-of`: more people than this per event or class is worth a second look. */
export const MAX_ATTENDANCE_PER_EVENT = 500;

const checkSchema = z
  .string()
  .transform((s, ctx): Check | null => {
    if (s === '') return null;
    const [type, ...args] = s.split(':');
    switch (type) {
      case 'members-of':
        return { type, of: args[0]!, lo: Number(args[1]), hi: Number(args[2]) };
      case 'attendance-of':
      case 'victims-of':
        return { type, of: args[0]! };
      case 'not-above':
        return { type, of: args[0]!, severity: args[1] === 'warning' ? 'warning' : 'error' };
      case 'communes':
        return { type };
      default:
        ctx.addIssue({ code: 'custom', message: `unknown check "${s}"` });
        return z.NEVER;
    }
  });

const indicatorRowSchema = z.object({
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
  check: checkSchema,
});

function parseTerm(s: string): RatioTerm {
  if (s === 'communes') return { communes: true };
  const [code, measure] = s.split(':');
  return { code: code!, measure: z.enum(MEASURES).parse(measure ?? 'total') };
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
  return csvRecords(text.normalize('NFC'));
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

/** The files of one edition, by what they hold. */
export function editionFile(version: string, name: 'indicators' | 'sections' | 'groups' | 'ratios' | 'bounds' | 'report' | 'checks'): string {
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
    const row = indicatorRowSchema.safeParse(raw);
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
      check: r.check,
      shortName: reportRows.get(r.code)?.short_name_vi || r.name_vi,
      includedIn: reportRows.get(r.code)?.included_in || null,
      core: reportRows.get(r.code)?.core === '1',
    };
  });
  const byCode = new Map(indicators.map((ind) => [ind.code, ind]));
  const sections = readCsv(file('sections')).map((r) => ({ code: r.section!, group: r.group!, heading: r.heading_vi! }));
  const groups = readCsv(file('groups')).map((r) => ({ code: r.group!, heading: r.heading_vi! }));
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
  const rules = indicators.flatMap((ind) => rowRules(ind, (code) => byCode.get(code), MAX_ATTENDANCE_PER_EVENT));
  rules.push(...editionChecks(id));
  const rulesAt = new Map<string, CheckRule[]>();
  for (const r of rules) rulesAt.set(r.at.code, [...(rulesAt.get(r.at.code) ?? []), r]);
  const catalogue: Catalogue = { version: id, name: edition.name, indicators, byCode, sections, groups, ratios, bounds, rules, rulesAt };
  assertConsistent(catalogue);
  cache.set(id, catalogue);
  return catalogue;
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
    if (ind.check && 'of' in ind.check && !c.byCode.has(ind.check.of)) add('indicators', `${ind.code}: check nói đến ${ind.check.of}, không có`);
    if (ind.includedIn && !c.byCode.has(ind.includedIn)) add('report', `${ind.code}: included_in ${ind.includedIn} không có`);
  }
  for (const [code, levels] of c.bounds) {
    if (!c.byCode.has(code)) add('bounds', `chỉ tiêu ${code} không có`);
    for (const v of Object.values(levels)) if (!(v > 0)) add('bounds', `${code} có ngưỡng không phải số dương`);
  }
  for (const r of c.rules)
    for (const code of codesOf(r)) if (!c.byCode.has(code)) add(r.at.code === code || !c.byCode.has(r.at.code) ? 'checks' : 'indicators', `quy tắc ${r.rule}: ${code} không có`);
  for (const r of c.ratios) {
    for (const t of [r.numerator, r.denominator]) if ('code' in t && !c.byCode.has(t.code)) add('ratios', `${r.id}: ${t.code} không có`);
    for (const t of r.targets) if (!Number.isFinite(t.percent)) add('ratios', `${r.id}: chỉ tiêu năm ${t.year} không phải số`);
  }
  const [first] = problems;
  if (first) throw new CatalogueError(first[0], first[1]);
}

/** The measures a figure of this indicator has: always the total, then its breakdowns. */
export function measuresOf(ind: Indicator): Measure[] {
  return ['total', ...ind.breakdowns];
}

/** Indicators of one section, in catalogue order. */
export function indicatorsIn(c: Catalogue, section: string): Indicator[] {
  return c.indicators.filter((i) => i.section === section);
}
