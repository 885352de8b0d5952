import { MEASURE_LABEL, measuresOf, MONEY_IN_DONG_AT, type Catalogue, type Measure } from '../catalogue/catalogue.js';
import type { CheckRule, Operator, Term } from '../catalogue/check-rules.js';
import { ruleSpec, type RuleId } from '../rules/rules.js';

/**
 * The checks a spreadsheet program can make while a figure is typed in the template, as formulas: generated from
 * the edition (its indicators' kinds and breakdowns, and its cross-indicator rules of severity error) and the
 * rules catalogue's summaries as the notes, so nothing here is written per indicator. Only functions Excel,
 * LibreOffice Calc and WPS all evaluate: AND, OR, NOT, ISNUMBER, INT, ABS, N, IF. Rules a sheet cannot judge
 * (the number of communes needs the unit list) are left to `bdg validate`.
 */
export interface TypingCheck {
  /** The cell the condition marks ("F45"). */
  cell: string;
  row: number;
  /** True when the figure breaks the rule: an Excel formula without "=". */
  condition: string;
  /** The short note shown beside the row when it does. */
  note: string;
}

/** Where the figures are: the writer's layout. */
export interface FigureCells {
  columns: Record<Measure, string>;
  rowOf: Map<string, number>;
}

const num = (ref: string) => `ISNUMBER(${ref})`;

export function typingChecks(catalogue: Catalogue, at: FigureCells): TypingCheck[] {
  const out: TypingCheck[] = [];
  const ref = (code: string, m: Measure) => `${at.columns[m]}${at.rowOf.get(code)}`;
  const add = (code: string, m: Measure, rule: RuleId, condition: string) => {
    const row = at.rowOf.get(code);
    if (row === undefined) return;
    out.push({ cell: ref(code, m), row, condition, note: `${code} ${MEASURE_LABEL[m]}: ${ruleSpec(rule).summary}` });
  };
  for (const ind of catalogue.indicators) {
    for (const m of measuresOf(ind)) {
      const x = ref(ind.code, m);
      add(ind.code, m, 'value-negative', `AND(${num(x)},${x}<0)`);
      if (ind.kind === 'count') add(ind.code, m, 'value-not-whole', `AND(${num(x)},${x}>=0,${x}<>INT(${x}))`);
      else add(ind.code, m, 'money-in-dong', `AND(${num(x)},${x}>=${MONEY_IN_DONG_AT})`);
      const total = ref(ind.code, 'total');
      if (m !== 'total') add(ind.code, m, 'breakdown-exceeds-total', `AND(${num(x)},${num(total)},${x}>${total})`);
    }
    for (const rule of catalogue.rulesAt.get(ind.code) ?? []) {
      const condition = ruleCondition(rule, ref);
      if (condition && rule.severity === 'error') add(rule.at.code, rule.at.measure, rule.rule as RuleId, condition);
    }
  }
  return out;
}

/** A side of a rule as a sum; a missing figure counts 0 under `zero` (N), else the rule needs it (ISNUMBER). */
function sideFormula(terms: Term[], value: (t: Extract<Term, { code: string }>) => string): string {
  if (!terms.length) return '0';
  return terms.map((t) => ('code' in t ? (t.factor === 1 ? value(t) : `${t.factor}*${value(t)}`) : '')).join('+');
}

/** The formula true when a rule does not hold (checks.ts's `evaluate`, as a sheet computes it). */
export function ruleCondition(rule: CheckRule, ref: (code: string, m: Measure) => string): string | undefined {
  const all = [...rule.left, ...rule.right, ...(rule.when?.terms ?? [])];
  const terms = all.filter((t): t is Extract<Term, { code: string }> => 'code' in t);
  if (terms.length < all.length) return undefined; // communes: needs the unit list
  const cells = terms.map((t) => ref(t.code, t.measure));
  const value = (t: Extract<Term, { code: string }>) =>
    rule.missing === 'zero' ? `N(${ref(t.code, t.measure)})` : ref(t.code, t.measure);
  const needed =
    rule.missing === 'skip-any'
      ? cells.map(num)
      : rule.missing === 'skip-all'
        ? [`OR(${cells.map(num).join(',')})`]
        : [];
  const broken = `NOT(${holds(sideFormula(rule.left, value), rule.op, sideFormula(rule.right, value))})`;
  const when = rule.when ? [holds(sideFormula(rule.when.terms, value), rule.when.op, String(rule.when.value))] : [];
  return `AND(${[...needed, ...when, broken].join(',')})`;
}

function holds(l: string, op: Operator, r: string): string {
  // The engine's tolerance for money's decimals summed in binary.
  const eps = '0.000000001';
  switch (op) {
    case '<=':
      return `(${l})<=(${r})+${eps}`;
    case '>=':
      return `(${l})>=(${r})-${eps}`;
    case '<':
      return `(${l})<(${r})-${eps}`;
    case '>':
      return `(${l})>(${r})+${eps}`;
    case '=':
      return `ABS((${l})-(${r}))<=${eps}`;
  }
}
