import type { Catalogue, Indicator } from '../catalogue/catalogue.js';
import type { CheckRule, Operator, PeriodWindow, Term } from '../catalogue/check-rules.js';
import type { CellRef, CellValue, Period, Submission, UnitRef } from '../model.js';
import { periodDates } from '../util/period.js';
import type { Finding } from '../rules/rules.js';
import { unitType } from '../units/builtin.js';
import type { Hierarchy } from '../units/hierarchy.js';

/** What one rule found: both sides' values, and the figures it names, for the message. */
interface Evaluated {
  rule: CheckRule;
  left: number;
  right: number;
  /** The value of the cell the finding points at (null when empty), and its cell. */
  value: number | null;
  cell: CellRef | undefined;
  ind: Indicator;
  /** The first other indicator the rule reads (right side, else its condition), with its value and cell. */
  other?: { ind: Indicator; value: number; cell: string };
  /** The submitting unit, for rules on its communes. */
  unitName?: string;
  /** The submission's period, for rules about periods. */
  periodLabel?: string;
  catalogue: Catalogue;
}

type Build = (e: Evaluated) => Finding;

const codesIn = (terms: Term[]) => terms.flatMap((t) => ('code' in t ? [t.code] : []));
const against = (e: Evaluated) => ({
  indicator: e.ind.code,
  other: e.other!.ind.code,
  otherValue: e.other!.value,
  otherCell: e.other!.cell,
});

/**
 * The message of each rule an edition's data may name, from what the engine found. Adding a rule an edition can
 * use: its entry in src/core/rules/rules.ts, and here how its parameters are read from an evaluation.
 */
export const CHECK_FINDINGS: Record<string, Build> = {
  'part-exceeds-whole': (e) => ({
    rule: 'part-exceeds-whole',
    params: {
      indicator: e.ind.code,
      measure: e.rule.at.measure,
      value: e.left,
      whole: e.other!.ind.code,
      wholeName: e.other!.ind.name,
      wholeValue: e.right,
      wholeCell: e.other!.cell,
    },
    cell: e.cell,
  }),
  'included-exceeds-total': (e) => ({
    rule: 'included-exceeds-total',
    params: {
      indicator: e.ind.code,
      measure: e.rule.at.measure,
      value: e.left,
      whole: e.other!.ind.code,
      wholeName: e.other!.ind.name,
      wholeValue: e.right,
      wholeCell: e.other!.cell,
      severity: e.rule.severity,
    },
    cell: e.cell,
  }),
  'parts-exceed-whole': (e) => ({
    rule: 'parts-exceed-whole',
    params: {
      indicator: e.ind.code,
      value: e.left,
      parts: e.rule.left.flatMap((t) => ('code' in t ? [t.code] : [])),
      whole: e.other!.ind.code,
      wholeValue: e.right,
      severity: e.rule.severity,
    },
    cell: e.cell,
  }),
  'attendance-without-event': (e) => ({
    rule: 'attendance-without-event',
    params: { ...against(e), value: e.left, unit: e.ind.unit, otherUnit: e.other!.ind.unit },
    cell: e.cell,
  }),
  'event-without-attendance': (e) => ({
    rule: 'event-without-attendance',
    params: { ...against(e), value: e.value === null ? null : 0, unit: e.ind.unit, otherUnit: e.other!.ind.unit },
    cell: e.cell,
  }),
  'attendance-per-event-high': (e) => ({
    rule: 'attendance-per-event-high',
    params: { ...against(e), value: e.left, unit: e.ind.unit, otherUnit: e.other!.ind.unit, max: e.rule.params.max! },
    cell: e.cell,
  }),
  'members-per-unit-unusual': (e) => ({
    rule: 'members-per-unit-unusual',
    params: {
      indicator: e.ind.code,
      value: e.left,
      other: e.other!.ind.code,
      otherUnit: e.other!.ind.unit,
      otherValue: e.other!.value,
      lo: e.rule.params.lo!,
      hi: e.rule.params.hi!,
    },
    cell: e.cell,
  }),
  'victims-fewer-than-cases': (e) => ({
    rule: 'victims-fewer-than-cases',
    params: { ...against(e), value: e.left },
    cell: e.cell,
  }),
  'value-above-reference': (e) => {
    const codes = e.rule.right.flatMap((t) => ('code' in t ? [t.code] : []));
    const sum = codes.length > 1 ? { other: codes.join(' + '), otherValue: e.right } : {};
    const money = e.ind.kind === 'money';
    return {
      rule: 'value-above-reference',
      params: {
        ...against(e),
        ...sum,
        value: e.left,
        otherName: codes.length > 1 ? 'tổng' : e.other!.ind.name,
        severity: e.rule.severity,
        money,
      },
      cell: e.cell,
    };
  },
  'parts-differ-from-total': (e) => ({
    rule: 'parts-differ-from-total',
    params: { indicator: e.ind.code, value: e.right, parts: codesIn(e.rule.left), partsValue: e.left },
    cell: e.cell,
  }),
  'value-above-max': (e) => ({
    rule: 'value-above-max',
    params: { indicator: e.ind.code, value: e.left, max: e.rule.params.max! },
    cell: e.cell,
  }),
  'value-above-max-per-commune': (e) => ({
    rule: 'value-above-max-per-commune',
    params: {
      indicator: e.ind.code,
      value: e.left,
      max: e.rule.params.max!,
      communes: e.right / e.rule.params.max!,
      unitName: e.unitName ?? '',
    },
    cell: e.cell,
  }),
  'term-out-of-window': (e) => ({
    rule: 'term-out-of-window',
    params: { indicator: e.ind.code, value: e.left, term: e.rule.words!.term!, period: e.periodLabel ?? '' },
    cell: e.cell,
  }),
  'term-both-filled': (e) => ({
    rule: 'term-both-filled',
    params: {
      indicator: e.ind.code,
      value: e.left,
      term: e.rule.words!.term!,
      other: e.other!.ind.code,
      otherValue: e.other!.value,
      otherCell: e.other!.cell,
      otherTerm: e.rule.words!.otherTerm!,
    },
    cell: e.cell,
  }),
  'value-outside-year-to-date': (e) => ({
    rule: 'value-outside-year-to-date',
    params: { indicator: e.ind.code, value: e.left, period: e.periodLabel ?? '', money: e.ind.kind === 'money' },
    cell: e.cell,
  }),
  'event-out-of-period': (e) => ({
    rule: 'event-out-of-period',
    params: {
      indicator: e.ind.code,
      value: e.left,
      date: e.rule.words!.date!.split('-').reverse().join('/'),
      period: e.periodLabel ?? '',
    },
    cell: e.cell,
  }),
  'communes-exceed-units': (e) => ({
    rule: 'communes-exceed-units',
    params: { indicator: e.ind.code, value: e.left, unitName: e.unitName!, max: e.right },
    cell: e.cell,
  }),
  'communes-of-type-exceed': (e) => {
    const type =
      e.rule.right.find((t): t is Extract<Term, { communes: string | null }> => 'communes' in t)?.communes ?? '';
    return {
      rule: 'communes-of-type-exceed',
      params: {
        indicator: e.ind.code,
        value: e.left,
        unitName: e.unitName!,
        type,
        max: e.right,
        severity: e.rule.severity,
      },
      cell: e.cell,
    };
  },
};

/** A cell's value for the rules across cells: undefined when unreadable or set aside (its error is already reported). */
export function valueOf(cell: CellValue | undefined, setAside?: ReadonlySet<CellValue>): number | null | undefined {
  if (!cell) return null;
  return cell.invalid || setAside?.has(cell) ? undefined : cell.value;
}

function holds(l: number, op: Operator, r: number): boolean {
  // A tolerance for money's decimals summed in binary.
  const eps = 1e-9;
  return op === '<='
    ? l <= r + eps
    : op === '>='
      ? l >= r - eps
      : op === '<'
        ? l < r - eps
        : op === '>'
          ? l > r + eps
          : Math.abs(l - r) <= eps;
}

export interface RuleContext {
  sub: Submission;
  catalogue: Catalogue;
  units?: Hierarchy;
  unit: UnitRef | null;
  /** Cells validation set aside (validate.ts): no rule across cells reads them. */
  setAside?: ReadonlySet<CellValue>;
  /** The day periods start under the config's cut-off (catalogue/cutoffs.csv): 1, the calendar, unless said. */
  firstDay?: number;
}

/** The sum of a side; undefined when it cannot be evaluated (unreadable figure, unknown units, or skipped as missing). */
function side(
  terms: Term[],
  rule: CheckRule,
  ctx: RuleContext,
): { sum: number; missing: number; total: number } | undefined {
  let sum = 0;
  let missing = 0;
  for (const t of terms) {
    let v: number | null | undefined;
    if ('code' in t) v = valueOf(ctx.sub.rows.get(t.code)?.cells[t.measure], ctx.setAside);
    else if ('constant' in t) v = t.constant;
    else v = communesOf(ctx, t.communes);
    if (v === undefined) return undefined;
    if (v === null) missing++;
    else sum += v * t.factor;
  }
  void rule;
  return { sum, missing, total: terms.length };
}

function communesOf(ctx: RuleContext, type: string | null): number | undefined {
  if (!ctx.units || !ctx.unit) return undefined;
  const unit = ctx.units.resolve(ctx.unit.code);
  if (!unit) return undefined;
  if (type === null) return ctx.units.communesUnder(unit.code);
  if (!ctx.units.descendants) return undefined;
  const all = [{ name: unit.name, level: unit.level }, ...ctx.units.descendants(unit.code)];
  return all.filter((u) => u.level === 'Xã' && unitType(u.name, 'Xã') === type).length;
}

/** Applies the missing value strategy to both sides together: true when the rule is not evaluated. */
function skipped(rule: CheckRule, sides: { missing: number; total: number }[]): boolean {
  if (rule.missing === 'sum') return sides.some((s) => s.total > 0 && s.missing === s.total);
  const missing = sides.reduce((a, s) => a + s.missing, 0);
  const total = sides.reduce((a, s) => a + s.total, 0);
  return rule.missing === 'skip-any' ? missing > 0 : rule.missing === 'skip-all' ? missing === total : false;
}

/** Whether a period lies outside a rule's window (an unknown period is never outside: nothing to say). */
function outside(w: PeriodWindow, period: Period | null, firstDay = 1): boolean {
  if (!period) return false;
  if (w.fromYearStart) return period.kind === 'quarter' && period.quarter !== 1;
  const { from, to: end } = periodDates(period, firstDay);
  if (w.contains) return !(from <= w.contains && w.contains <= end);
  return (!!w.endsFrom && end < w.endsFrom) || (!!w.endsBy && end > w.endsBy);
}

/** Evaluates one rule on a submission: its finding when it does not hold. */
export function evaluate(rule: CheckRule, ctx: RuleContext): Finding | undefined {
  if (rule.outsidePeriod && !outside(rule.outsidePeriod, ctx.sub.info.period, ctx.firstDay)) return undefined;
  if (rule.when) {
    const w = side(rule.when.terms, rule, ctx);
    if (!w || skipped(rule, [w]) || !holds(w.sum, rule.when.op, rule.when.value)) return undefined;
  }
  const left = side(rule.left, rule, ctx);
  const right = side(rule.right, rule, ctx);
  if (!left || !right || skipped(rule, [left, right]) || holds(left.sum, rule.op, right.sum)) return undefined;
  const row = ctx.sub.rows.get(rule.at.code);
  const cell = row?.cells[rule.at.measure];
  const otherTerm = [...rule.right, ...(rule.when?.terms ?? [])].find(
    (t): t is Extract<Term, { code: string }> => 'code' in t,
  );
  const otherCell = otherTerm && ctx.sub.rows.get(otherTerm.code)?.cells[otherTerm.measure];
  const build = CHECK_FINDINGS[rule.rule]!;
  return build({
    rule,
    left: left.sum,
    right: right.sum,
    value: cell?.value ?? null,
    cell: cell?.ref ?? row?.cells.total?.ref,
    ind: ctx.catalogue.byCode.get(rule.at.code)!,
    other: otherTerm && {
      ind: ctx.catalogue.byCode.get(otherTerm.code)!,
      value: otherCell?.value ?? 0,
      cell: otherCell?.ref.cell ?? '',
    },
    unitName: ctx.unit ? (ctx.units?.resolve(ctx.unit.code)?.name ?? ctx.unit.name) : undefined,
    periodLabel: ctx.sub.info.period?.label,
    catalogue: ctx.catalogue,
  });
}
