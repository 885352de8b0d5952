import { formEditionForPeriod, loadCatalogue, measuresOf, type Catalogue } from '../catalogue/catalogue.js';
import { conversionBetween, convertFigures, notConverted } from '../catalogue/crosswalk.js';
import type { Config } from '../config.js';
import type { FileOutcome, Figures, Issue, Period, Rollup, RollupScope, UnitFigures } from '../model.js';
import { smallestContaining, subHierarchy, type AdminUnit, type Hierarchy } from '../units/hierarchy.js';
import { UsageError } from '../errors.js';
import { unitType } from '../units/builtin.js';
import { describeUnits, editionOf, hierarchyFor, type UnitSource } from '../units/source.js';
import type { PartialUnit } from '../model.js';
import { coveredBy, partialOf, settleConflicts } from './conflicts.js';
import { computeRatios, rollUp, totalsOf } from '../rollup/rollup.js';
import { addProvinceOwn, combineOwn, duplicateStocks, hasProvinceOwnRows } from '../rollup/province-own.js';
import {
  areaCodes,
  areaFiguresAboveZero,
  coverageOverArea,
  outsideArea,
  programmeArea,
} from '../rollup/programme-area.js';
import type { Area } from '../rollup/programme-area.js';
import { isProvinceOwn } from '../validate/validate.js';
import { issue, otherEditionText } from '../rules/rules.js';
import { parsePeriodArg, periodDates } from '../util/period.js';
import { findCutoff } from '../catalogue/cutoffs.js';
import type { CheckedFile } from '../validate/check-file.js';
import { sortIssues } from '../validate/issue-order.js';

/**
 * What the edge found in the folder: files to read and files passed over. A candidate's digest (of its bytes, to
 * recognise one file sent twice) may come with it, or with its reading (`CheckedFile.digest`): the edge that reads
 * the bytes hashes them, so no file is read twice.
 */
export type Found =
  | { kind: 'candidate'; path: FilePath; rel: string; digest?: string | null }
  | { kind: 'ignored'; path: FilePath; rel: string; reason: string }
  /** A spreadsheet in a format bdg cannot read (.xls, .ods): most likely a submission, so it is reported as rejected. */
  | { kind: 'wrong-format'; path: FilePath; rel: string; format: string };

/**
 * Where a file is, as the edge knows it (opaque to the core): text, or the bytes of a path whose name is not UTF-8.
 * `rel` is the name shown for it (see util/shown-name.ts).
 */
export type FilePath = string | Uint8Array;

/** A file to read: where it is, and the name it is known by in messages (relative to the folder). */
export interface FileJob {
  path: FilePath;
  rel: string;
}

export interface ConsolidateOptions {
  found: Found[];
  /** A province's own list, or the built-in editions (the one of the period, unless one is fixed). */
  units: UnitSource;
  /** `--root`: consolidate the part of the list under this unit. Without it: the smallest unit containing every accepted file (built-in lists) or the list's root. */
  root?: string;
  config: Config;
  /** The period to consolidate; by default the period most accepted files declare. */
  period?: Period;
  /** `--form`: the edition to roll up in; by default the edition of the period (catalogue/editions.csv). */
  form?: string;
  /** Reads and validates the candidate files, returning them in the given order. */
  readFiles: (files: FileJob[], onDone: () => void) => Promise<CheckedFile[]>;
  onProgress?: (done: number, total: number) => void;
  now?: Date;
  /** The run's id, carried by every output (docs/json.md, "runId"). */
  runId?: string;
}

export interface Consolidation {
  rollup: Rollup;
  catalogue: Catalogue;
  /** Every unit's figures by code, root included (the summary workbook's sheets). */
  byUnit: Map<string, UnitFigures>;
  /** The part of the unit list that was consolidated, rooted at the root. */
  hierarchy: Hierarchy;
  /** Codes of the commune-level units whose figures are included, in unit-list order (`Đơn vị đã tổng hợp`). */
  covered: string[];
}

/** The unit `--root` names, in the list of the period; a UsageError (exit 2) that says why when it is not there. */
export function rootUnit(
  list: Hierarchy,
  code: string,
  units: UnitSource,
  period: Period | null | undefined,
): AdminUnit {
  const found = list.resolve(code);
  if (found) return found;
  const why = list.explainUnknown?.(code);
  throw new UsageError(
    why
      ? `--root: ${otherEditionText(why)}`
      : `--root "${code}": không có đơn vị này trong ${describeUnits(units, period)}. Kiểm tra lại mã.`,
  );
}

/** The whole of `consolidate` short of writing: read, validate, settle conflicts, roll up. */
export async function consolidate(opts: ConsolidateOptions): Promise<Consolidation> {
  const outcomes = new Map<Found, FileOutcome>();
  const read = passOver(opts.found, outcomes);
  const readings = await readCandidates(opts, read);
  const { candidates, checked } = withoutCopies(read, readings, outcomes);
  const scope = chooseScope(opts, checked);
  const { hierarchy, catalogue } = scope;
  const roles = rolesAt(hierarchy, catalogue);
  const { accepted, rejectedExtra } = admit(checked, scope, roles);
  const ownFiles = accepted.filter(roles.isOwnSubmission);
  rejectDuplicateStocks(catalogue, ownFiles, rejectedExtra);
  const goodOwn = ownFiles.filter((c) => !rejectedExtra.has(c));
  const communeFiles = accepted.filter((c) => !roles.isOwnSubmission(c));
  const settled = settleConflicts(communeFiles, hierarchy);
  const converted = convertEditions(accepted, catalogue);
  recordOutcomes(checked, candidates, { settled, rejectedExtra, converted, roles, hierarchy }, outcomes);
  const final = communeFiles.filter((c) => !settled.has(c));
  // Rows the period does not recognise (DA8.41 in Quý II–IV) were warned about and are not added.
  const unrecognised = notRecognised(catalogue, scope.period);
  const figuresOf = (c: CheckedFile) => without(converted.get(c)?.figures ?? c.figures!, unrecognised);
  const submitted = new Map<string, Figures>(final.map((c) => [c.unit!.code, figuresOf(c)]));
  const year = scope.period?.year ?? (opts.now ?? new Date()).getFullYear();
  const listArea = opts.units.kind === 'list' ? opts.units.programmeArea : undefined;
  const own = roles.ownRows ? { goodOwn, figuresOf } : null;
  const { byUnit, area, programme, outside } = rollUpFigures(scope, opts.config, submitted, year, own, listArea);
  // A commune outside the configured area that reported a figure of the programme's rows: said, and not added.
  if (area && area.source !== 'filled')
    for (const c of final) {
      const codes =
        hierarchy.byCode.get(c.unit!.code)?.level === 'Xã' && !area.units.has(c.unit!.code)
          ? areaFiguresAboveZero(submitted.get(c.unit!.code)!, programme)
          : [];
      const outcome = codes.length ? outcomes.get(candidates[checked.indexOf(c)]!) : undefined;
      if (outcome)
        outcome.warnings = [
          ...(outcome.warnings ?? []),
          issue('outside-programme-area', { value: c.unit!.code, unitName: c.unit!.name, codes }),
        ];
    }
  const rollup = rollupOf(opts, scope, {
    byUnit,
    area,
    outside,
    year,
    final,
    goodOwn,
    ownRows: roles.ownRows,
    files: opts.found.map((f) => outcomes.get(f)!),
  });
  const covered = new Set(final.flatMap((c) => [...coveredBy(c, hierarchy)]));
  return {
    rollup,
    catalogue,
    byUnit,
    hierarchy,
    covered: hierarchy.units.filter((u) => covered.has(u.code)).map((u) => u.code),
  };
}

type Candidate = Extract<Found, { kind: 'candidate' }>;

/** The files passed over without reading (their outcomes recorded); the candidates to read, in order. */
function passOver(found: Found[], outcomes: Map<Found, FileOutcome>): Candidate[] {
  const read: Candidate[] = [];
  for (const f of found) {
    if (f.kind === 'ignored') outcomes.set(f, { path: f.rel, unit: null, status: 'ignored', reason: f.reason });
    else if (f.kind === 'wrong-format')
      outcomes.set(f, {
        path: f.rel,
        unit: null,
        status: 'rejected',
        errors: [issue('file-not-xlsx', { found: 'extension', format: f.format })],
        warnings: [],
      });
    else read.push(f);
  }
  return read;
}

/** Reads and validates the candidates through the edge, telling progress. */
async function readCandidates(opts: ConsolidateOptions, read: Candidate[]): Promise<CheckedFile[]> {
  let done = 0;
  opts.onProgress?.(0, read.length);
  const onDone = () => opts.onProgress?.(++done, read.length);
  return opts.readFiles(read, onDone);
}

/** The same bytes under two names is one submission sent twice: keep the first, pass over the copy. */
function withoutCopies(
  read: Candidate[],
  readings: CheckedFile[],
  outcomes: Map<Found, FileOutcome>,
): { candidates: Candidate[]; checked: CheckedFile[] } {
  const candidates: Candidate[] = [];
  const checked: CheckedFile[] = [];
  const firstByDigest = new Map<string, number>();
  read.forEach((f, i) => {
    const digest = f.digest ?? readings[i]!.digest ?? null;
    const at = digest ? firstByDigest.get(digest) : undefined;
    if (at === undefined) {
      if (digest) firstByDigest.set(digest, candidates.length);
      candidates.push(f);
      checked.push(readings[i]!);
      return;
    }
    const first = candidates[at]!;
    // Keep the first found, unless its name marks it as the copy ("x (1).xlsx", "Copy of x", "bản sao").
    const looksCopied = (x: Found) => /\(\d+\)|copy|bản sao|ban[- ]sao/i.test(x.rel.normalize('NFC'));
    const [keep, copy] = looksCopied(first) && !looksCopied(f) ? [f, first] : [first, f];
    if (keep === f) {
      candidates[at] = f;
      checked[at] = readings[i]!;
    }
    outcomes.set(copy, {
      path: copy.rel,
      unit: null,
      status: 'ignored',
      reason: `trùng hệt tệp "${keep.rel}" (cùng nội dung), chỉ tính một lần`,
    });
  });
  return { candidates, checked };
}

/** What the run covers: its period, edition, the unit list of the period and the part of it under the root. */
interface Scope {
  period: Period | undefined;
  catalogue: Catalogue;
  list: Hierarchy;
  chosenBy: RollupScope['rootChosenBy'];
  top: AdminUnit;
  hierarchy: Hierarchy;
}

function chooseScope(opts: ConsolidateOptions, checked: CheckedFile[]): Scope {
  const period = opts.period ?? majorityPeriod(checked);
  const catalogue = loadCatalogue(opts.form ?? formEditionForPeriod(period).id);
  const list = hierarchyFor(opts.units, period);
  const inPeriod = checked.filter((c) => c.valid && (!period || c.period === period.id));
  const chosenBy: RollupScope['rootChosenBy'] = opts.root ? 'option' : opts.units.kind === 'list' ? 'list' : 'files';
  const top =
    chosenBy === 'option'
      ? rootUnit(list, opts.root!, opts.units, period)
      : chosenBy === 'list'
        ? list.root
        : smallestContaining(
            list,
            (inPeriod.length ? inPeriod : checked).flatMap((c) => (c.unit ? [c.unit.code] : [])),
          );
  return { period, catalogue, list, chosenBy, top, hierarchy: subHierarchy(list, top.code) };
}

/** What a file of the root's own code is: the province's own submission, the root's own summary, or unclear. */
interface Roles {
  ownRows: boolean;
  isOwnSubmission(c: CheckedFile): boolean;
  isRootOwn(c: CheckedFile): boolean;
  ambiguous(c: CheckedFile): boolean;
}

function rolesAt(hierarchy: Hierarchy, catalogue: Catalogue): Roles {
  // The root's own summary (an earlier run's output, or the file this run will replace) is never its own input; the
  // province's own submission (Phạm vi số liệu, form-2026.md §5) is, where the edition has rows for it.
  const ownRows = hasProvinceOwnRows(catalogue);
  const isOwnSubmission = (c: CheckedFile) =>
    ownRows && c.unit?.code === hierarchy.root.code && c.submission !== null && isProvinceOwn(c.submission.info);
  const isRootOwn = (c: CheckedFile) => c.unit?.code === hierarchy.root.code && !isOwnSubmission(c) && !ambiguous(c);
  // Neither a summary (Số đơn vị đã tổng hợp) nor the province's own submission: which one it is cannot be guessed.
  const ambiguous = (c: CheckedFile) =>
    ownRows &&
    c.valid &&
    c.unit?.code === hierarchy.root.code &&
    !isProvinceOwn(c.submission?.info ?? { scope: null }) &&
    !c.submission?.info.coverage;
  return { ownRows, isOwnSubmission, isRootOwn, ambiguous };
}

/** The valid files this run takes; the others valid on their own but refused here, with why. */
function admit(
  checked: CheckedFile[],
  scope: Scope,
  roles: Roles,
): { accepted: CheckedFile[]; rejectedExtra: Map<CheckedFile, Issue[]> } {
  const { period, catalogue, list, top, hierarchy } = scope;
  const accepted: CheckedFile[] = [];
  const rejectedExtra = new Map<CheckedFile, Issue[]>();
  for (const c of checked) {
    if (!c.valid || roles.isRootOwn(c)) continue;
    if (roles.ambiguous(c)) {
      rejectedExtra.set(c, [
        issue(
          'province-file-ambiguous',
          { value: c.unit!.code, unitName: hierarchy.root.name },
          c.submission?.infoRefs.unitCode,
        ),
      ]);
      continue;
    }
    if (period && c.period !== period.id) {
      rejectedExtra.set(c, [
        issue('period-mismatch', { value: c.periodLabel, period: period.label }, c.submission?.infoRefs.period),
      ]);
      continue;
    }
    if (!hierarchy.byCode.has(c.unit!.code) && list.byCode.has(c.unit!.code)) {
      rejectedExtra.set(c, [
        issue(
          'unit-outside-root',
          { value: c.unit!.code, unitName: c.unit!.name, rootCode: top.code, rootName: top.name },
          c.submission?.infoRefs.unitCode,
        ),
      ]);
      continue;
    }
    const incompatible =
      c.edition && c.edition !== catalogue.version && !conversionBetween(c.edition, catalogue.version);
    if (incompatible) {
      rejectedExtra.set(c, [
        issue(
          'edition-incompatible',
          { value: c.edition!, edition: catalogue.version },
          c.submission?.infoRefs.version,
        ),
      ]);
      continue;
    }
    accepted.push(c);
  }
  return { accepted, rejectedExtra };
}

/** The province's own files that both give a stock (a count that does not add up across bodies) are refused. */
function rejectDuplicateStocks(
  catalogue: Catalogue,
  ownFiles: CheckedFile[],
  rejectedExtra: Map<CheckedFile, Issue[]>,
): void {
  const duplicates = duplicateStocks(
    catalogue,
    ownFiles.map((c) => ({ file: c.file, agency: c.submission!.info.agency, figures: c.figures! })),
  );
  for (const [code, files] of duplicates)
    for (const f of files) {
      const c = ownFiles.find((x) => x.file === f.file)!;
      const others = files.filter((x) => x !== f).map((x) => x.file);
      const cell = c.submission!.rows.get(code)?.cells.total?.ref;
      rejectedExtra.set(c, [
        ...(rejectedExtra.get(c) ?? []),
        issue(
          'province-own-duplicate-stock',
          { indicator: code, value: c.figures![code]!.total!, otherFiles: others },
          cell,
        ),
      ]);
    }
}

/** What became of each file read: the root's own (ignored), superseded, accepted (perhaps converted) or rejected. */
function recordOutcomes(
  checked: CheckedFile[],
  candidates: Candidate[],
  run: {
    settled: ReturnType<typeof settleConflicts>;
    rejectedExtra: Map<CheckedFile, Issue[]>;
    converted: Map<CheckedFile, Converted>;
    roles: Roles;
    hierarchy: Hierarchy;
  },
  outcomes: Map<Found, FileOutcome>,
): void {
  const { settled, rejectedExtra, converted, roles, hierarchy } = run;
  for (const [i, c] of checked.entries()) {
    const s = settled.get(c);
    const extra = [...(rejectedExtra.get(c) ?? []), ...(s?.kind === 'rejected' ? s.errors : [])];
    const base = { path: c.file, unit: c.unit?.code ?? null };
    if (roles.isRootOwn(c)) {
      outcomes.set(candidates[i]!, {
        ...base,
        status: 'ignored',
        reason: `tệp của chính ${hierarchy.root.name}${c.submission?.info.madeBy ? ` (bảng tổng hợp do ${c.submission.info.madeBy} lập${c.submission.info.runId ? `, mã lần tổng hợp ${c.submission.info.runId}` : ''})` : ''}, đơn vị đang được tổng hợp: không phải báo cáo của đơn vị cấp dưới`,
      });
      continue;
    }
    if (s?.kind === 'superseded') {
      outcomes.set(candidates[i]!, {
        ...base,
        status: 'superseded',
        supersededBy: s.by.file,
        reason: s.reason,
        errors: [],
        warnings: c.warnings,
        preparedOn: c.submission?.info.preparedOn ?? null,
      });
      continue;
    }
    const ok = c.valid && extra.length === 0;
    const conversion = ok ? converted.get(c) : undefined;
    outcomes.set(candidates[i]!, {
      ...base,
      status: ok ? 'accepted' : 'rejected',
      errors: sortIssues([...c.errors, ...extra]),
      warnings: conversion ? sortIssues([...c.warnings, conversion.warning]) : c.warnings,
      preparedOn: c.submission?.info.preparedOn ?? null,
      ...(c.edition ? { edition: c.edition } : {}),
      ...(conversion
        ? { convertedFrom: c.edition!, notConverted: conversion.notConverted, lacking: conversion.lacking }
        : {}),
    });
  }
}

/**
 * Every unit's figures, summed up the tree; at the root, the programme's coverage over its area and the province's
 * own submissions (`own`, where the edition has rows for them).
 */
function rollUpFigures(
  scope: Scope,
  config: Config,
  submitted: Map<string, Figures>,
  year: number,
  own: { goodOwn: CheckedFile[]; figuresOf: (c: CheckedFile) => Figures } | null,
  listArea: Parameters<typeof programmeArea>[5],
) {
  const { hierarchy, catalogue } = scope;
  const byUnit = rollUp(hierarchy, catalogue, submitted);
  const children = hierarchy.children(hierarchy.root.code);
  // The programme's rows are expected from its area only (form-2026.md §6), where the root's children are communes.
  const programme = areaCodes(catalogue);
  const communeChildren = children.filter((u) => u.level === 'Xã');
  const area =
    programme.size && communeChildren.length
      ? programmeArea(config.programmeArea, year, communeChildren, byUnit, programme, listArea)
      : null;
  const measures = (code: string) => measuresOf(catalogue.byCode.get(code)!);
  const outside = area && area.source !== 'filled' ? outsideArea(area, programme, communeChildren, byUnit) : [];
  const rootCode = hierarchy.root.code;
  if (area) byUnit.set(rootCode, coverageOverArea(byUnit.get(rootCode)!, area, programme, byUnit, measures));
  if (own) {
    const { goodOwn, figuresOf } = own;
    const combined = goodOwn.length
      ? combineOwn(
          catalogue,
          goodOwn.map((c) => ({ file: c.file, agency: c.submission!.info.agency, figures: figuresOf(c) })),
        )
      : null;
    byUnit.set(
      hierarchy.root.code,
      addProvinceOwn(catalogue, byUnit.get(hierarchy.root.code)!, combined, children.length),
    );
  }
  return { byUnit, area, programme, outside };
}

/** The roll-up as the outputs and the JSON give it (docs/json.md). */
function rollupOf(
  opts: ConsolidateOptions,
  scope: Scope,
  run: {
    byUnit: Map<string, UnitFigures>;
    area: ReturnType<typeof programmeArea> | null;
    outside: Outside;
    year: number;
    final: CheckedFile[];
    goodOwn: CheckedFile[];
    ownRows: boolean;
    files: FileOutcome[];
  },
): Rollup {
  const { config } = opts;
  const { period, catalogue, hierarchy, chosenBy } = scope;
  const { byUnit, area, outside, year, final, goodOwn, ownRows } = run;
  const children = hierarchy.children(hierarchy.root.code);
  const root = byUnit.get(hierarchy.root.code)!;
  const ownUnit = { code: hierarchy.root.code, name: PROVINCE_OWN_UNIT };
  const order = new Map(hierarchy.units.map((u, i) => [u.code, i]));
  return {
    ...(opts.runId ? { runId: opts.runId } : {}),
    root: { code: hierarchy.root.code, name: hierarchy.root.name },
    period: period?.id ?? String(year),
    periodLabel: period?.label ?? `Năm ${year}`,
    edition: catalogue.version,
    catalogueVersion: catalogue.version,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    completeness: {
      // The province's own bodies are one more expected sender where the edition has rows for them.
      expected: children.length + (ownRows ? 1 : 0),
      received:
        children.filter((u) => byUnit.get(u.code)!.source !== 'missing').length + (ownRows && goodOwn.length ? 1 : 0),
      missing: [
        ...children
          .filter((u) => byUnit.get(u.code)!.source === 'missing')
          .map((u) => ({ code: u.code, name: u.name })),
        ...(ownRows && !goodOwn.length ? [ownUnit] : []),
      ],
      late: config.deadline
        ? final
            .filter((c) => c.submission!.info.preparedOn && c.submission!.info.preparedOn > config.deadline!)
            .sort((a, b) => order.get(a.unit!.code)! - order.get(b.unit!.code)!)
            .map((c) => ({ code: c.unit!.code, name: c.unit!.name, preparedOn: c.submission!.info.preparedOn! }))
        : [],
      partial: final
        .map((c) => partialOf(c, hierarchy))
        .filter((p): p is PartialUnit => p !== null)
        .sort((a, b) => order.get(a.code)! - order.get(b.code)!),
    },
    files: run.files,
    totals: totalsOf(catalogue, root, children.length),
    ...(area ? { programmeArea: areaJson(area, outside) } : {}),
    ...(config.cutoff && period ? { periodDates: datesOf(config.cutoff, period) } : {}),
    ...(ownRows ? { provinceOwn: goodOwn.map((c) => ({ file: c.file, agency: c.submission!.info.agency })) } : {}),
    ratios: computeRatios(catalogue, root.values, hierarchy.communesUnder(root.code), year, root.coverage, (type) =>
      communesOfType(hierarchy, root.code, type),
    ),
    communes: hierarchy.communesUnder(root.code),
    scope: { ...scopeOf(hierarchy.root, opts.units, period, chosenBy), ...typesPresent(hierarchy) },
    units: hierarchy.units.filter((u) => u.code !== root.code).map((u) => byUnit.get(u.code)!),
    narratives: final
      .filter((c) => Object.keys(c.submission!.narrative).length > 0)
      .sort((a, b) => order.get(a.unit!.code)! - order.get(b.unit!.code)!)
      .map((c) => ({ unit: c.unit!, narrative: c.submission!.narrative })),
  };
}

interface Converted {
  figures: Figures;
  notConverted: string[];
  lacking: string[];
  warning: Issue;
}

/**
 * Files of another edition, their figures put into the roll-up's edition through the crosswalks (docs/editions.md):
 * what cannot be placed (split, retired) is named, and the new indicators they lack stay empty for their unit.
 */
function convertEditions(accepted: CheckedFile[], catalogue: Catalogue): Map<CheckedFile, Converted> {
  const out = new Map<CheckedFile, Converted>();
  for (const c of accepted) {
    if (!c.edition || c.edition === catalogue.version) continue;
    const conversion = conversionBetween(c.edition, catalogue.version)!;
    const dropped = notConverted(c.figures!, conversion);
    const params = { value: c.edition, edition: catalogue.version, notConverted: dropped, lacking: conversion.lacking };
    out.set(c, {
      figures: convertFigures(c.figures!, conversion, catalogue),
      notConverted: dropped,
      lacking: conversion.lacking,
      warning: issue('edition-converted', params, c.submission?.infoRefs.version),
    });
  }
  return out;
}

/** The root's level and the report's words for it ("toàn huyện"; "xã, phường, đặc khu"), from the data. */
function scopeOf(
  root: AdminUnit,
  units: UnitSource,
  period: Period | undefined,
  rootChosenBy: RollupScope['rootChosenBy'],
): RollupScope {
  const type = root.level === 'Quốc gia' ? 'Quốc gia' : unitType(root.name, root.level);
  const edition = editionOf(units, period);
  return {
    level: root.level,
    type,
    words: root.level === 'Quốc gia' ? 'toàn quốc' : `toàn ${type.toLocaleLowerCase('vi')}`,
    communeTypes: edition.communeTypes,
    rootChosenBy,
    unitsEdition: units.kind === 'builtin' ? edition.id : null,
    unitList: describeUnits(units, period),
  };
}

/** The order form-2026.md §8 names commune-level types in: "xã, phường, thị trấn, đặc khu". */
const TYPE_ORDER = ['xã', 'phường', 'thị trấn', 'đặc khu'];

/**
 * The commune-level types present under the root, from the list in force at the period's end (form-2026.md §8):
 * "45/126 xã, phường" where there is no đặc khu; nothing to say (the list's words stay) when there is no commune.
 */
function typesPresent(hierarchy: Hierarchy): Partial<RollupScope> {
  const types = new Set(
    hierarchy.units.filter((u) => u.level === 'Xã').map((u) => unitType(u.name, 'Xã').toLocaleLowerCase('vi')),
  );
  if (!types.size) return {};
  const rank = (t: string) => (TYPE_ORDER.includes(t) ? TYPE_ORDER.indexOf(t) : TYPE_ORDER.length);
  return { communeTypes: [...types].sort((a, b) => rank(a) - rank(b)).join(', ') };
}

/** The name the province's own submission goes by among the senders (completeness, missing). */
export const PROVINCE_OWN_UNIT = 'các cơ quan, đơn vị cấp tỉnh';

/** Commune-level units of one type ("Xã") under a unit, by the first word(s) of their names. */
function communesOfType(hierarchy: Hierarchy, code: string, type: string): number {
  const all = [hierarchy.byCode.get(code)!, ...descendantsOf(hierarchy, code)];
  return all.filter((u) => u.level === 'Xã' && unitType(u.name, 'Xã') === type).length;
}

function descendantsOf(hierarchy: Hierarchy, code: string): AdminUnit[] {
  return hierarchy.children(code).flatMap((c) => [c, ...descendantsOf(hierarchy, c.code)]);
}

/** The period most valid files declare; on a tie, the latest. */
export function majorityPeriod(checked: CheckedFile[]): Period | undefined {
  const counts = new Map<string, number>();
  for (const c of checked) if (c.valid && c.period) counts.set(c.period, (counts.get(c.period) ?? 0) + 1);
  const best = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1))[0];
  return best ? (parsePeriodArg(best[0]) ?? undefined) : undefined;
}

/**
 * The rows a period does not recognise: a `year-to-date` row (DA8.41, funds carried over, form-2026.md §7) in Quý
 * II–IV, where the carried-over funds were already counted in Quý I. Its figures are warned about
 * (`value-outside-year-to-date`) and not added.
 */
function notRecognised(catalogue: Catalogue, period: Period | undefined): Set<string> {
  if (!period || period.kind !== 'quarter' || period.quarter === 1) return new Set();
  const yearToDate = catalogue.indicators.filter((i) => i.checks.some((k) => k.type === 'year-to-date'));
  return new Set(yearToDate.map((i) => i.code));
}

/** A unit's figures without some rows (left empty: not reported, never 0). */
function without(figures: Figures, codes: Set<string>): Figures {
  if (!codes.size) return figures;
  return Object.fromEntries(Object.entries(figures).filter(([code]) => !codes.has(code)));
}

/** The days the period covers under the config's cut-off (form-2026.md §7). */
function datesOf(id: string, period: Period): NonNullable<Rollup['periodDates']> {
  const cutoff = findCutoff(id);
  if (!cutoff) throw new UsageError(`cutoff "${id}" không có trong catalogue/cutoffs.csv.`);
  return { cutoff: id, ...periodDates(period, cutoff.firstDay), name: cutoff.name };
}

/** The area in the JSON: its source and size; its codes when the unit list gave them; the figures left out. */
type Outside = NonNullable<NonNullable<Rollup['programmeArea']>['outside']>;

function areaJson(area: Area, outside: Outside): Rollup['programmeArea'] {
  return {
    source: area.source,
    communes: area.units.size,
    ...(area.source === 'units' ? { codes: [...area.units] } : {}),
    ...(outside.length ? { outside } : {}),
  };
}
