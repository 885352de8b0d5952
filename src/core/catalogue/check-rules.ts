import type { Check, Indicator, Measure } from './catalogue.js';

/**
 * Cross-indicator rules as data, in the shape of DHIS2's validation rules: a left side, an operator, a right side,
 * an optional condition, a severity, and what to do when a figure is missing. The compact `part_of` and `check`
 * columns of indicators.csv and the rows of an edition's checks.csv are all read into this one shape, and one
 * engine (src/core/validate/checks.ts) evaluates them; the rule id names the message in src/core/rules.
 */
export type Term =
  /** One measure of one indicator, times a factor. */
  | { code: string; measure: Measure; factor: number }
  /** The number of commune-level units under the submitting unit (of one type: "Xã"; or all), times a factor. */
  | { communes: string | null; factor: number }
  /** A fixed number (`max:2`). */
  | { constant: number; factor: number };

export type Operator = '<=' | '>=' | '<' | '>' | '=';

/**
 * DHIS2's missing value strategy: skip when any figure is missing, only when all are, or count a missing figure as
 * 0; `sum`: a side of several figures counts an empty one as 0 and is skipped only when all its figures are empty,
 * a side of one figure is skipped when it is empty (`sum-of`, `not-above:A+B`).
 */
export type Missing = 'skip-any' | 'skip-all' | 'zero' | 'sum';

/**
 * The periods a rule is about, by their last day (yyyy-mm-dd, inclusive): the rule is evaluated only for a period
 * outside them (`term:`: a stock of a term outside its window; `event:`: an event outside the periods containing it).
 */
export interface PeriodWindow {
  endsFrom?: string | null;
  endsBy?: string | null;
  /** A day the period must contain. */
  contains?: string;
  /** The period must be counted from the year's start (Quý I, 6 tháng, 9 tháng, Năm): not Quý II–IV. */
  fromYearStart?: true;
}

export interface CheckRule {
  /** The rule of src/core/rules that says what is wrong (its message). */
  rule: string;
  left: Term[];
  op: Operator;
  right: Term[];
  /** Evaluated only when this holds (`when X > 0`). */
  when?: { terms: Term[]; op: Operator; value: number };
  severity: 'error' | 'warning';
  missing: Missing;
  /** The indicator and measure the finding points at (its cell), and whose turn evaluates it. */
  at: { code: string; measure: Measure };
  /** Numbers the message needs (`lo`, `hi`, `max`). */
  params: Record<string, number>;
  /** Evaluated only for periods outside this window. */
  outsidePeriod?: PeriodWindow;
  /** The words the message needs (`term`, `date`). */
  words?: Record<string, string>;
}

const OPERATORS: Operator[] = ['<=', '>=', '<', '>', '='];
const term = (code: string, measure: Measure = 'total', factor = 1): Term => ({ code, measure, factor });
const base = (ind: Indicator, rule: string, severity: CheckRule['severity'] = 'error') =>
  ({ rule, severity, missing: 'skip-any', at: { code: ind.code, measure: 'total' }, params: {} }) as const;

/**
 * The compact notation of one row: `part_of` (a part never above its whole, on every measure both have) and the
 * `check` column (`members-of:X:lo:hi`, `attendance-of:X`, `victims-of:X`, `not-above:X[:warning]`, `communes`).
 * `whole` gives the measures of the indicator a part belongs to.
 */
export function rowRules(
  ind: Indicator,
  whole: (code: string) => Indicator | undefined,
  maxPerEvent: number,
  terms: Map<string, { from: string | null; to: string | null }> = new Map(),
): CheckRule[] {
  const rules: CheckRule[] = [];
  if (ind.partOf) {
    const of = whole(ind.partOf);
    for (const m of ['total', ...ind.breakdowns] as Measure[])
      if (of && (m === 'total' || of.breakdowns.includes(m)))
        rules.push({ ...base(ind, 'part-exceeds-whole'), at: { code: ind.code, measure: m }, left: [term(ind.code, m)], op: '<=', right: [term(of.code, m)] });
  }
  for (const check of ind.checks) rules.push(...checkRules(ind, check, maxPerEvent, terms));
  return rules;
}

/** The rules of one `check` of a row. */
function checkRules(ind: Indicator, check: Check, maxPerEvent: number, terms: Map<string, { from: string | null; to: string | null }>): CheckRule[] {
  const rules: CheckRule[] = [];
  const me = [term(ind.code)];
  const zero = [{ constant: 0, factor: 1 }];
  switch (check.type) {
    case 'members-of': {
      const params = { lo: check.lo, hi: check.hi };
      const when = { terms: me, op: '>' as const, value: 0 };
      rules.push({ ...base(ind, 'members-per-unit-unusual', 'warning'), when, left: me, op: '>=', right: [term(check.of, 'total', check.lo)], params });
      rules.push({ ...base(ind, 'members-per-unit-unusual', 'warning'), when, left: me, op: '<=', right: [term(check.of, 'total', check.hi)], params });
      break;
    }
    case 'attendance-of': {
      const events = [term(check.of)];
      rules.push({ ...base(ind, 'attendance-without-event'), when: { terms: events, op: '=', value: 0 }, left: me, op: '<=', right: [] });
      rules.push({ ...base(ind, 'event-without-attendance'), missing: 'zero', when: { terms: events, op: '>', value: 0 }, left: me, op: '>', right: [] });
      rules.push({
        ...base(ind, 'attendance-per-event-high', 'warning'),
        when: { terms: events, op: '>', value: 0 },
        left: me,
        op: '<=',
        right: [term(check.of, 'total', maxPerEvent)],
        params: { max: maxPerEvent },
      });
      break;
    }
    case 'victims-of':
      rules.push({ ...base(ind, 'victims-fewer-than-cases', 'warning'), left: me, op: '>=', right: [term(check.of)] });
      break;
    case 'not-above': {
      const right = check.of.map((c) => term(c));
      rules.push({ ...base(ind, 'value-above-reference', check.severity), missing: 'sum', left: me, op: '<=', right });
      break;
    }
    case 'communes':
      rules.push({ ...base(ind, 'communes-exceed-units'), left: me, op: '<=', right: [{ communes: null, factor: 1 }] });
      break;
    case 'sum-of': {
      const parts = check.parts.map((c) => term(c));
      rules.push({ ...base(ind, 'parts-exceed-whole'), missing: 'sum', left: parts, op: '<=', right: me });
      if (check.exact) rules.push({ ...base(ind, 'parts-differ-from-total', 'warning'), left: parts, op: '=', right: me });
      break;
    }
    case 'rural-communes':
      rules.push({ ...base(ind, 'communes-of-type-exceed'), left: me, op: '<=', right: [{ communes: 'Xã', factor: 1 }] });
      break;
    case 'max':
      rules.push({ ...base(ind, 'value-above-max'), left: me, op: '<=', right: [{ constant: check.max, factor: 1 }], params: { max: check.max } });
      break;
    case 'max-per-commune':
      rules.push({ ...base(ind, 'value-above-max-per-commune'), left: me, op: '<=', right: [{ communes: null, factor: check.max }], params: { max: check.max } });
      break;
    case 'term': {
      const window = terms.get(check.term);
      const outsidePeriod = { endsFrom: window?.from ?? null, endsBy: window?.to ?? null };
      rules.push({ ...base(ind, 'term-out-of-window', 'warning'), left: me, op: '<=', right: zero, outsidePeriod, words: { term: check.term } });
      break;
    }
    case 'event':
      rules.push({ ...base(ind, 'event-out-of-period', 'warning'), left: me, op: '<=', right: zero, outsidePeriod: { contains: check.date }, words: { date: check.date } });
      break;
    case 'year-to-date':
      rules.push({
        ...base(ind, 'value-outside-year-to-date', 'warning'),
        left: me,
        op: '<=',
        right: zero,
        outsidePeriod: { fromYearStart: true },
      });
      break;
  }
  return rules;
}

/**
 * One unit filling two HĐND terms of the same level (form-2026.md §3, `term:`): a warning on the later term's row
 * when the earlier one holds a figure too. Rows pair by their `levels`: BDG.40/46 (tỉnh), BDG.41/47 (xã).
 */
export function termPairRules(indicators: Indicator[]): CheckRule[] {
  const termOf = (ind: Indicator) => ind.checks.find((c) => c.type === 'term')?.term;
  const withTerm = indicators.filter((ind) => termOf(ind) !== undefined);
  const rules: CheckRule[] = [];
  for (const later of withTerm)
    for (const earlier of withTerm) {
      if (termOf(earlier)! >= termOf(later)! || earlier.levels.join(';') !== later.levels.join(';')) continue;
      rules.push({
        ...base(later, 'term-both-filled', 'warning'),
        when: { terms: [term(earlier.code)], op: '>', value: 0 },
        left: [term(later.code)],
        op: '<=',
        right: [{ constant: 0, factor: 1 }],
        words: { term: termOf(later)!, otherTerm: termOf(earlier)! },
      });
    }
  return rules;
}

/** `DA8.25 + DA8.26:nu + 2*DA8.27`, `communes`, `communes:Xã`: a side of a checks.csv rule. */
export function parseSide(text: string): Term[] | string {
  const terms: Term[] = [];
  for (const raw of text.split('+').map((s) => s.trim())) {
    const m = /^(?:(\d+(?:\.\d+)?)\s*\*\s*)?(communes(?::(.+))?|([A-Z0-9]+\.\d{2})(?::(total|nu|dtts))?)$/.exec(raw);
    if (!m) return `"${raw}" không phải MÃ, MÃ:nu, communes hoặc communes:Loại`;
    const factor = m[1] ? Number(m[1]) : 1;
    if (m[4]) terms.push(term(m[4], (m[5] as Measure | undefined) ?? 'total', factor));
    else terms.push({ communes: m[3]?.trim() ?? null, factor });
  }
  return terms;
}

/**
 * One row of checks.csv (`rule,left,op,right,severity,missing,note`) into a rule, or the problem with it. The
 * finding points at the first indicator of the left side.
 */
export function checksRowRule(r: Record<string, string>): CheckRule | string {
  const left = parseSide(r.left ?? '');
  const right = parseSide(r.right ?? '');
  if (typeof left === 'string') return `left: ${left}`;
  if (typeof right === 'string') return `right: ${right}`;
  const op = r.op as Operator;
  if (!OPERATORS.includes(op)) return `op "${r.op}" không có (${OPERATORS.join(' ')})`;
  const severity = r.severity as CheckRule['severity'];
  if (severity !== 'error' && severity !== 'warning') return `severity "${r.severity}" không phải error hoặc warning`;
  const missing = (r.missing || 'skip-any') as Missing;
  if (!['skip-any', 'skip-all', 'zero', 'sum'].includes(missing)) return `missing "${r.missing}" không phải skip-any, skip-all, zero hoặc sum`;
  const first = left.find((t): t is Extract<Term, { code: string }> => 'code' in t);
  if (!first) return 'vế trái cần ít nhất một mã chỉ tiêu';
  if (!r.rule) return 'thiếu rule';
  return { rule: r.rule, left, op, right, severity, missing, at: { code: first.code, measure: first.measure }, params: {} };
}

/** The indicator codes a rule reads. */
export function codesOf(rule: CheckRule): string[] {
  return [...rule.left, ...rule.right, ...(rule.when?.terms ?? [])].flatMap((t) => ('code' in t ? [t.code] : []));
}

