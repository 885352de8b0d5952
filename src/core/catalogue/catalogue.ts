import * as z from 'zod';
import { dataFiles, type DataFiles } from '../data-files.js';
import { csvRecords } from '../util/csv.js';

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
  /** Short name for column headers (catalogue/report.csv); the full name when none is given. */
  shortName: string;
  /** A total that already counts this figure (catalogue/report.csv): the report then says "trong đó" rather than "ngoài". */
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
  version: string;
  /** Per indicator, the total above which a unit of a level is warned (catalogue/bounds.csv). */
  bounds: Map<string, Partial<Record<BoundLevel, number>>>;
  indicators: Indicator[];
  byCode: Map<string, Indicator>;
  sections: Section[];
  groups: Group[];
  ratios: Ratio[];
}

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

function readCsv(file: string): Record<string, string>[] {
  return csvRecords(dataFiles().read(`catalogue/${file}`).normalize('NFC'));
}

/** The versions listed, and from which data files: the folder is listed once, not once per file read. */
let listed: { files: DataFiles; versions: string[] } | undefined;

/** The catalogue versions this build knows: one `<version>.csv` each in catalogue/. */
export function knownVersions(): string[] {
  const files = dataFiles();
  if (listed?.files !== files)
    listed = {
      files,
      versions: files
        .list('catalogue')
        .filter((f) => /^[A-Z]+-\d{4}\.\d+\.csv$/.test(f))
        .map((f) => f.replace(/\.csv$/, ''))
        .sort(),
    };
  return [...listed.versions];
}

export const CURRENT_VERSION = 'BDG-2024.1';

const cache = new Map<string, Catalogue>();

/** Loads and checks one catalogue version; every reference inside it must resolve. */
export function loadCatalogue(version: string = CURRENT_VERSION): Catalogue {
  const cached = cache.get(version);
  if (cached) return cached;
  if (!knownVersions().includes(version)) throw new Error(`Unknown catalogue version ${version}`);
  const reportRows = new Map(readCsv('report.csv').map((r) => [r.code!, r]));
  const indicators: Indicator[] = readCsv(`${version}.csv`).map((raw, i) => {
    const row = indicatorRowSchema.safeParse(raw);
    if (!row.success) throw new Error(`catalogue ${version} row ${i + 2}: ${z.prettifyError(row.error)}`);
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
  const sections = readCsv('sections.csv').map((r) => ({ code: r.section!, group: r.group!, heading: r.heading_vi! }));
  const groups = readCsv('groups.csv').map((r) => ({ code: r.group!, heading: r.heading_vi! }));
  const ratios: Ratio[] = readCsv('ratios.csv').map((r) => ({
    id: r.id!,
    name: r.name_vi!,
    numerator: parseTerm(r.numerator!),
    denominator: parseTerm(r.denominator!),
    targets: [
      { year: 2025, value: r.target_2025 },
      { year: 2030, value: r.target_2030 },
    ]
      .filter((t) => t.value)
      .map((t) => ({ year: t.year, percent: Number(t.value) })),
    targetNote: r.target_note || null,
    targetSource: r.target_source || null,
  }));

  const bounds = new Map(
    readCsv('bounds.csv').map((r): [string, Partial<Record<BoundLevel, number>>] => {
      const level: Partial<Record<BoundLevel, number>> = {};
      for (const [key, name] of [['xa', 'Xã'], ['huyen', 'Huyện'], ['tinh', 'Tỉnh']] as const) if (r[key]) level[name] = Number(r[key]);
      return [r.code!, level];
    }),
  );
  const catalogue: Catalogue = { version, indicators, byCode, sections, groups, ratios, bounds };
  assertConsistent(catalogue);
  cache.set(version, catalogue);
  return catalogue;
}

function assertConsistent(c: Catalogue): void {
  const problems: string[] = [];
  const sectionCodes = new Set(c.sections.map((s) => s.code));
  if (c.byCode.size !== c.indicators.length) problems.push('duplicate indicator code');
  for (const ind of c.indicators) {
    if (!sectionCodes.has(ind.section)) problems.push(`${ind.code}: unknown section ${ind.section}`);
    if (ind.partOf && !c.byCode.has(ind.partOf)) problems.push(`${ind.code}: part_of ${ind.partOf} unknown`);
    if (ind.includedIn && !c.byCode.has(ind.includedIn)) problems.push(`${ind.code}: included_in ${ind.includedIn} unknown`);
    if (ind.check && 'of' in ind.check && !c.byCode.has(ind.check.of))
      problems.push(`${ind.code}: check refers to unknown ${ind.check.of}`);
  }
  for (const [code, levels] of c.bounds) {
    if (!c.byCode.has(code)) problems.push(`bounds: unknown indicator ${code}`);
    for (const v of Object.values(levels)) if (!(v > 0)) problems.push(`bounds: ${code} has a bound that is not a positive number`);
  }
  for (const r of c.ratios)
    for (const t of [r.numerator, r.denominator])
      if ('code' in t && !c.byCode.has(t.code)) problems.push(`ratio ${r.id}: unknown ${t.code}`);
  if (problems.length) throw new Error(`catalogue ${c.version} is inconsistent: ${problems.join('; ')}`);
}

/** The measures a figure of this indicator has: always the total, then its breakdowns. */
export function measuresOf(ind: Indicator): Measure[] {
  return ['total', ...ind.breakdowns];
}

/** Indicators of one section, in catalogue order. */
export function indicatorsIn(c: Catalogue, section: string): Indicator[] {
  return c.indicators.filter((i) => i.section === section);
}
