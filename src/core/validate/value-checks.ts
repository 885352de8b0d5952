import type { Indicator } from '../catalogue/catalogue.js';
import type { RuleId } from '../rules/rules.js';

/** A rule on one figure taken alone, by the indicator's kind. */
export type ValueRule = Extract<RuleId, 'value-negative' | 'value-too-large' | 'value-not-whole' | 'money-precision'>;

interface ValueCheck {
  rule: ValueRule;
  /** True when the value breaks the rule (written so that NaN and ±Infinity break it too). */
  fails: (v: number) => boolean;
}

/**
 * What every figure of a kind must be, in the order a cell is judged: the first check it fails is its finding
 * ("-1,5" people is negative before it is fractional). A table rather than a schema library: it runs for every
 * cell of every file, and a plain loop costs a hundredth of a schema parse.
 */
export const VALUE_CHECKS: Record<Indicator['kind'], readonly ValueCheck[]> = {
  count: [
    { rule: 'value-negative', fails: (v) => !(v >= 0) },
    // No count of people in a province comes near 10⁹; beyond it is a typing slip (or a pasted ID).
    { rule: 'value-too-large', fails: (v) => !(v <= 1e9) },
    { rule: 'value-not-whole', fails: (v) => !Number.isInteger(v) },
  ],
  money: [
    { rule: 'value-negative', fails: (v) => !(v >= 0) },
    // Triệu đồng to the đồng: three decimals at most. Money that is too large is money typed in đồng (money-in-dong).
    { rule: 'money-precision', fails: (v) => !(Math.abs(v * 1000 - Math.round(v * 1000)) < 1e-6) },
  ],
};

/** The first rule a figure of this indicator breaks, if any. */
export function valueFinding(ind: Indicator, v: number): ValueRule | undefined {
  return VALUE_CHECKS[ind.kind].find((c) => c.fails(v))?.rule;
}
