import {
  BREAKDOWNS,
  measuresOf,
  MONEY_IN_DONG_AT,
  type BoundLevel,
  type Catalogue,
  type Indicator,
  type Level,
} from '../catalogue/catalogue.js';
import { PROVINCE_OWN_SCOPE } from '../form/layout.js';
import { normalizeLabel } from '../util/text.js';
import type { CellValue, Figures, Issue, Submission, UnitRef } from '../model.js';
import { toIssue, type Finding } from '../rules/rules.js';
import { sameUnitName, type Hierarchy } from '../units/hierarchy.js';
import { valueFinding } from './value-checks.js';
import { evaluate, valueOf } from './checks.js';

export interface ValidationContext {
  catalogue: Catalogue;
  units?: Hierarchy;
  /** Last period's figures of the same unit, for the outlier warning. */
  previous?: Figures;
  /** The day periods start under the config's cut-off (1: the calendar): the dates of a rule's window follow it. */
  firstDay?: number;
}

export interface Validation {
  errors: Issue[];
  warnings: Issue[];
  /** The unit as resolved against the unit list (or as written when there is none). */
  unit: UnitRef | null;
  figures: Figures;
  /**
   * Cells read as numbers that take no part in the rules across cells (their own error already said): of the wrong
   * kind, in a row of another level, money typed in đồng. The submission itself is left as it was read.
   */
  setAside: ReadonlySet<CellValue>;
}

/** The cells validation has set aside so far (see `Validation.setAside`). */
type SetAside = Set<CellValue>;

/** Above this many people per event on average, attendance is flagged for review. */

/**
 * All rules of the edition (docs/editions.md) over a submission. Pure: same input, same issues, in catalogue order;
 * the submission is not changed.
 */
export function validateSubmission(sub: Submission, ctx: ValidationContext): Validation {
  const findings: Finding[] = [];
  const setAside: SetAside = new Set();
  const unit = checkInfo(sub, ctx, findings);
  checkHasFigures(sub, ctx.catalogue, findings);
  const figures = figuresOf(sub, ctx.catalogue);
  checkKinds(sub, ctx.catalogue, figures, findings, setAside);
  checkLevels(sub, ctx, findings, setAside);
  checkMagnitudes(sub, ctx, findings, setAside);
  for (const ind of ctx.catalogue.indicators) checkIndicator(ind, sub, ctx, unit, findings, setAside);
  if (ctx.previous) checkOutliers(sub, ctx, ctx.previous, findings, setAside);
  const issues = findings.map((f) => toIssue(f));
  return {
    errors: issues.filter((i) => i.severity === 'error'),
    warnings: issues.filter((i) => i.severity === 'warning'),
    unit,
    figures,
    setAside,
  };
}

function checkInfo(sub: Submission, ctx: ValidationContext, findings: Finding[]): UnitRef | null {
  // Presence of the required labels is checked by the reader; here, the unit against the unit list.
  const { info, infoRefs } = sub;
  if (info.unitCode === null) return null;
  if (!ctx.units) return { code: info.unitCode, name: info.unitName ?? '' };
  const found = ctx.units.resolve(info.unitCode, info.unitName);
  if (!found) {
    const otherEdition = ctx.units.explainUnknown?.(info.unitCode);
    findings.push({
      rule: 'unit-unknown',
      params: { value: info.unitCode, ...(otherEdition ? { otherEdition } : {}) },
      cell: infoRefs.unitCode,
    });
    return { code: info.unitCode, name: info.unitName ?? '' };
  }
  if (info.unitName && !sameUnitName(info.unitName, found.name)) {
    const hint = ctx.units.explainName?.(info.unitCode, info.unitName);
    findings.push({
      rule: 'unit-name-mismatch',
      params: { value: info.unitName, code: found.code, listedName: found.name, ...(hint ? { hint } : {}) },
      cell: infoRefs.unitName,
    });
  }
  return { code: found.code, name: found.name };
}

/**
 * A report has figures: a form whose every figure cell is empty (or "-") is a blank form sent back, not a report.
 * Accepted, it would count its unit as having reported while every figure says it did not. A cell holding anything
 * unreadable is a figure someone typed (and an error of its own), so it does not count as empty.
 */
function checkHasFigures(sub: Submission, catalogue: Catalogue, findings: Finding[]): void {
  const rows = catalogue.indicators.flatMap((ind) => sub.rows.get(ind.code) ?? []);
  if (rows.length === 0) return; // no row at all: every code-missing error already says so
  const typed = rows.some((row) => Object.values(row.cells).some((c) => c && (c.value !== null || c.invalid)));
  if (typed) return;
  const first = rows[0]!;
  const at = first.cells.total?.ref ?? first.ref;
  findings.push({ rule: 'no-figures', params: { sheet: at.sheet, firstCell: at.cell }, cell: at });
}

/** Plain figures: readable values only (a cell already reported as unreadable counts as no data). */
function figuresOf(sub: Submission, catalogue: Catalogue): Figures {
  const figures: Figures = {};
  for (const ind of catalogue.indicators) {
    const row = sub.rows.get(ind.code);
    const fig: Figures[string] = { total: row?.cells.total?.value ?? null };
    if (row?.cells.total?.kps) fig.kps = true;
    for (const m of ['nu', 'dtts'] as const) {
      const v = row?.cells[m]?.value ?? null;
      if (ind.breakdowns.includes(m)) fig[m] = v;
      else if (v !== null) fig[m] = v; // not applicable: kept only so the schema can flag it
    }
    figures[ind.code] = fig;
  }
  return figures;
}

/**
 * Each figure alone: of the right kind for its indicator (value-checks.ts), and only in a column that applies to
 * it (a value in a greyed cell is an error of its own). One finding per cell, in catalogue order.
 */
function checkKinds(
  sub: Submission,
  catalogue: Catalogue,
  figures: Figures,
  findings: Finding[],
  setAside: SetAside,
): void {
  for (const ind of catalogue.indicators) {
    const row = sub.rows.get(ind.code);
    const fig = figures[ind.code]!;
    for (const m of measuresOf(ind)) {
      const cell = row?.cells[m];
      const v = fig[m];
      if (v === null || v === undefined) continue;
      const rule = valueFinding(ind, v);
      if (!rule) continue;
      const figure = {
        indicator: ind.code,
        measure: m,
        value: cell?.value ?? null,
        ...(cell?.text ? { text: cell.text } : {}),
      };
      findings.push(
        rule === 'value-not-whole'
          ? { rule, params: { ...figure, indicatorName: ind.name, unit: ind.unit }, cell: cell?.ref }
          : { rule, params: figure, cell: cell?.ref },
      );
      // A value of the wrong kind takes no part in the cross-field rules.
      if (cell) setAside.add(cell);
    }
    for (const m of BREAKDOWNS) {
      if (ind.breakdowns.includes(m) || fig[m] === undefined) continue;
      const cell = row?.cells[m];
      findings.push({
        rule: 'breakdown-not-applicable',
        params: { indicator: ind.code, measure: m, value: cell!.value! },
        cell: cell?.ref,
      });
      delete fig[m];
    }
  }
}

/** The level whose rows a submission fills: the province's own submission, a commune, or none (a summary). */
export function submissionLevel(sub: Submission, units?: Hierarchy): Level | null {
  if (isProvinceOwn(sub.info)) return 'tinh';
  const level = sub.info.unitCode === null ? undefined : units?.resolve(sub.info.unitCode)?.level;
  return level === 'Xã' ? 'xa' : null;
}

/** `Phạm vi số liệu` says the file holds what the province's own bodies did (form-2026.md §5). */
export function isProvinceOwn(info: { scope: string | null }): boolean {
  return info.scope !== null && normalizeLabel(info.scope) === normalizeLabel(PROVINCE_OWN_SCOPE);
}

/** A figure in a row another level fills (greyed in the template): refused, unless "không phát sinh". */
function checkLevels(sub: Submission, ctx: ValidationContext, findings: Finding[], setAside: SetAside): void {
  const level = submissionLevel(sub, ctx.units);
  if (!level) return;
  for (const ind of ctx.catalogue.indicators) {
    if (ind.levels.includes(level)) continue;
    const row = sub.rows.get(ind.code);
    for (const m of measuresOf(ind)) {
      const cell = row?.cells[m];
      if (!cell || cell.value === null || cell.kps || cell.invalid || setAside.has(cell)) continue;
      findings.push({
        rule: 'level-not-applicable',
        params: {
          indicator: ind.code,
          measure: m,
          value: cell.value,
          own: level === 'tinh',
          levels: ind.levels.map((l) => LEVEL_NAMES[l]),
        },
        cell: cell.ref,
      });
      setAside.add(cell); // no cross rule on a figure that is not this level's
    }
  }
}

const LEVEL_NAMES: Record<Level, string> = {
  xa: 'đơn vị cấp xã',
  tinh: 'cơ quan, đơn vị cấp tỉnh (tệp riêng của tỉnh)',
};

/**
 * Figures far beyond what a unit of its level can have. Money ≥ 1.000.000 triệu đồng can only be đồng typed in
 * the triệu column (an error: the report would print thousands of billions); above the level's bound from
 * the edition's bounds.csv, a warning to look again.
 */
function checkMagnitudes(sub: Submission, ctx: ValidationContext, findings: Finding[], setAside: SetAside): void {
  const level = sub.info.unitCode === null ? undefined : ctx.units?.resolve(sub.info.unitCode)?.level;
  for (const ind of ctx.catalogue.indicators) {
    const row = sub.rows.get(ind.code);
    if (!row) continue;
    for (const m of measuresOf(ind)) {
      const cell = row.cells[m];
      const v = valueOf(cell, setAside);
      if (v == null || !cell) continue;
      if (ind.kind === 'money' && v >= MONEY_IN_DONG_AT) {
        findings.push({ rule: 'money-in-dong', params: { indicator: ind.code, measure: m, value: v }, cell: cell.ref });
        setAside.add(cell); // no cross rule on a figure in the wrong unit
        continue;
      }
      const bound = m === 'total' && level ? ctx.catalogue.bounds.get(ind.code)?.[level as BoundLevel] : undefined;
      if (bound !== undefined && v > bound)
        findings.push({
          rule: 'value-above-level-bound',
          params: {
            indicator: ind.code,
            measure: m,
            value: v,
            unit: ind.unit,
            level: level!,
            bound,
            money: ind.kind === 'money',
          },
          cell: cell.ref,
        });
    }
  }
}

function checkIndicator(
  ind: Indicator,
  sub: Submission,
  ctx: ValidationContext,
  unit: UnitRef | null,
  findings: Finding[],
  setAside: SetAside,
): void {
  const row = sub.rows.get(ind.code);
  if (!row) return;
  const total = valueOf(row.cells.total, setAside);

  for (const b of ind.breakdowns) {
    const bc = row.cells[b];
    const bv = valueOf(bc, setAside);
    if (bv === undefined || bv === null || total === undefined) continue;
    if (total === null)
      findings.push({
        rule: 'breakdown-without-total',
        params: { indicator: ind.code, breakdown: b, breakdownValue: bv, value: null },
        cell: row.cells.total?.ref,
      });
    else if (bv > total)
      findings.push({
        rule: 'breakdown-exceeds-total',
        params: { indicator: ind.code, measure: b, value: bv, total, totalCell: row.cells.total!.ref.cell },
        cell: bc!.ref,
      });
  }

  // Rules across indicators, from the edition's data (part_of, check, checks.csv): evaluated in this indicator's turn.
  for (const rule of ctx.catalogue.rulesAt.get(ind.code) ?? []) {
    const found = evaluate(rule, {
      sub,
      catalogue: ctx.catalogue,
      units: ctx.units,
      unit,
      setAside,
      firstDay: ctx.firstDay,
    });
    if (found) findings.push(found);
  }
}

/** DHIS2-style outlier flag against last period: more than 5× up or down, and at least 20 in absolute change. */
function checkOutliers(
  sub: Submission,
  ctx: ValidationContext,
  previous: Figures,
  findings: Finding[],
  setAside: SetAside,
): void {
  for (const ind of ctx.catalogue.indicators) {
    const row = sub.rows.get(ind.code);
    const now = valueOf(row?.cells.total, setAside);
    const before = previous[ind.code]?.total;
    if (now == null || before == null || Math.abs(now - before) < 20) continue;
    if (now > before * 5 || now * 5 < before)
      findings.push({
        rule: 'outlier-vs-previous',
        params: { indicator: ind.code, value: now, previous: before },
        cell: row!.cells.total!.ref,
      });
  }
}
