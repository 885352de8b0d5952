import { chooseEdition, knownVersions, type Catalogue } from '../catalogue/catalogue.js';
import { issue } from '../rules/rules.js';
import { parsePeriodArg } from '../util/period.js';
import type { Figures, Issue, Period, Submission, UnitRef } from '../model.js';
import type { ReadLimits } from '../read/limits.js';
import { readSubmissionBytes, type ReadResult } from '../read/submission.js';
import { sortIssues } from './issue-order.js';
import { findCutoff } from '../catalogue/cutoffs.js';
import { validateSubmission } from './validate.js';
import type { Hierarchy } from '../units/hierarchy.js';

/** One file read and validated: everything `validate` prints and `consolidate` keeps. */
export interface CheckedFile {
  file: string;
  valid: boolean;
  unit: UnitRef | null;
  period: string | null;
  periodLabel: string | null;
  errors: Issue[];
  warnings: Issue[];
  submission: Submission | null;
  catalogue: Catalogue | null;
  /** The form edition the file was read against: the one its `Thông tin` names (kept when `catalogue` is dropped). */
  edition?: string | null;
  figures: Figures | null;
  /** SHA-256 of the file's bytes, when the edge that read them computed it (to recognise a file sent twice). */
  digest?: string | null;
}

export interface CheckOptions {
  /** The unit list, or how to choose it from the period the file declares (built-in editions follow the period). */
  units?: Hierarchy | ((period: Period | null) => Hierarchy | undefined);
  /** Last period's figures of a unit, in the edition asked for (the file's own). */
  previous?: (unitCode: string, edition: string) => Figures | undefined;
  limits?: ReadLimits;
  /** The config's cut-off (`cutoff`, catalogue/cutoffs.csv): the days a period covers, for the rules with dates. */
  cutoff?: string;
}

/** The result for a file that could not be read at all (missing, too large, not a workbook…). */
export function unreadable(file: string, issue: Issue): CheckedFile {
  return {
    file,
    valid: false,
    unit: null,
    period: null,
    periodLabel: null,
    errors: [issue],
    warnings: [],
    submission: null,
    catalogue: null,
    figures: null,
  };
}

/** Reads and validates one submission from its bytes; `file` is the name it is known by in messages. */
export async function checkSubmission(
  bytes: Uint8Array,
  file: string,
  options: CheckOptions = {},
): Promise<CheckedFile> {
  return checkRead(await readSubmissionBytes(bytes, file, options.limits), file, options);
}

/** Validates what the reader read (of a file, or of the page's form): read errors first, then every rule. */
export function checkRead(read: ReadResult, file: string, options: CheckOptions = {}): CheckedFile {
  // Listed in the order of the sheet (sortIssues), as every edge shows them.
  const readErrors = sortIssues(read.issues.filter((i) => i.severity === 'error'));
  const readWarnings = sortIssues(read.issues.filter((i) => i.severity === 'warning'));
  if (!read.submission || !read.catalogue)
    return {
      file,
      valid: false,
      unit: null,
      period: null,
      periodLabel: null,
      errors: readErrors,
      warnings: readWarnings,
      submission: null,
      catalogue: null,
      figures: null,
    };
  const { unitCode: code, unitName, period } = read.submission.info;
  const units = typeof options.units === 'function' ? options.units(period) : options.units;
  const resolved = code === null ? null : (units?.resolve(code, unitName)?.code ?? code);
  const previous = resolved === null ? undefined : options.previous?.(resolved, read.catalogue.version);
  const firstDay = options.cutoff ? findCutoff(options.cutoff)?.firstDay : undefined;
  const v = validateSubmission(read.submission, { catalogue: read.catalogue, units, previous, firstDay });
  const errors = sortIssues([...readErrors, ...v.errors]);
  return {
    file,
    valid: errors.length === 0,
    unit: v.unit,
    period: read.submission.info.period?.id ?? null,
    periodLabel: read.submission.info.period?.label ?? null,
    errors,
    warnings: sortIssues([...readWarnings, ...v.warnings]),
    submission: read.submission,
    catalogue: read.catalogue,
    edition: read.catalogue.version,
    figures: v.figures,
  };
}

/** The JSON of `validate --json` (docs/json.md, "validate --json"). */
export function validationJson(c: CheckedFile) {
  return { file: c.file, valid: c.valid, unit: c.unit, period: c.period, errors: c.errors, warnings: c.warnings };
}

/**
 * `validate`'s word on the form: a file filled in another edition than its period's (or `--form`'s) is still
 * checked against its own, with a warning `form-outdated` or `form-newer` saying which edition to use.
 */
export function withEditionWarning(c: CheckedFile, form?: string): CheckedFile {
  const period = c.period ? parsePeriodArg(c.period) : null;
  if (!c.edition || !period) return c;
  const expected = chooseEdition(form, period).id;
  if (expected === c.edition) return c;
  const order = knownVersions();
  const params = { value: c.edition, edition: expected, period: period.label };
  const at = c.submission?.infoRefs.version;
  const older = order.indexOf(c.edition) < order.indexOf(expected);
  const warning = older ? issue('form-outdated', params, at) : issue('form-newer', params, at);
  return { ...c, warnings: [warning, ...c.warnings] };
}
