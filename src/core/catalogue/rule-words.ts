import { MEASURE_LABEL, type Catalogue } from './catalogue.js';
import type { CheckRule, Operator, Term } from './check-rules.js';
import { formatNumber } from '../util/number.js';

/**
 * An edition's cross-indicator rules (`catalogue.rules`: part_of, check, checks.csv, all in the one rule shape) in
 * plain words, errors and warnings apart, in the order they are evaluated: the template's guide lists them, so a new
 * edition's checks reach its guide with no code.
 */
export function ruleSentences(catalogue: Catalogue): { errors: string[]; warnings: string[] } {
  const name = (code: string) => catalogue.byCode.get(code)?.name.replace(/^Trong đó:\s*/i, '') ?? code;
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const group of sameRuleGroups(catalogue.rules)) {
    const list = group[0]!.severity === 'error' ? errors : warnings;
    for (const said of sentences(group, name)) if (!list.includes(said)) list.push(said);
  }
  return { errors, warnings };
}

/**
 * Rules said in one sentence: the same check written once per measure (a part never above its whole, on every
 * measure both have), and a lower and an upper bound on the same figures (`members-of`).
 */
function sameRuleGroups(rules: CheckRule[]): CheckRule[][] {
  const groups = new Map<string, CheckRule[]>();
  for (const r of rules) {
    // The right side by its codes alone: a lower and an upper bound (3 × X, 30 × X) are said together.
    const right = r.right.map((t) => ('code' in t ? t.code : 'communes' in t ? t.communes : t.constant));
    const key = JSON.stringify([r.rule, r.severity, shape(r.left), right, r.when && shape(r.when.terms), r.when?.op, r.when?.value, r.outsidePeriod]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()];
}

/** The codes and factors of a side, without its measures. */
const shape = (terms: Term[]) =>
  terms.map((t) => ('code' in t ? [t.code, t.factor] : 'communes' in t ? ['communes', t.communes, t.factor] : ['constant', t.constant, t.factor]));

function sentences(group: CheckRule[], name: (code: string) => string): string[] {
  const [first, second] = group;
  const same = (r: CheckRule) => r.op === first!.op && JSON.stringify(shape(r.right)) === JSON.stringify(shape(first!.right));
  // Written once per measure: said of the indicators themselves, on every measure they both have.
  if (group.length > 1 && group.every(same)) return [sentence(first!, name, false)];
  const bounds = group.length === 2 && [first!.op, second!.op].sort().join() === '<=,>=';
  if (bounds) {
    const [lo, hi] = first!.op === '>=' ? [first!, second!] : [second!, first!];
    return [sentence(lo, name, true, `từ ${sideText(lo.right, true)} đến ${sideText(hi.right, true)}`)];
  }
  return group.map((r) => sentence(r, name, true));
}

function sentence(r: CheckRule, name: (code: string) => string, withMeasure: boolean, claimed?: string): string {
  const lone = r.left.length === 1 && 'code' in r.left[0]! && r.left[0].factor === 1 ? r.left[0] : undefined;
  const subject = lone ? `${termText(lone, withMeasure)} (${name(lone.code)})` : sideText(r.left, withMeasure);
  // Figures are never negative: "not above nothing" is "zero".
  const claim = claimed ?? (r.right.length === 0 && r.op === '<=' ? 'bằng 0' : `${OP_WORDS[r.op]} ${sideText(r.right, withMeasure)}`);
  const when = r.when ? `, khi ${sideText(r.when.terms, withMeasure)} ${OP_WORDS[r.when.op]} ${formatNumber(r.when.value)}` : '';
  const blank = r.missing === 'zero' ? ' (ô để trống tính là 0)' : '';
  return `${subject} ${claim}${when}${blank}${periodText(r.outsidePeriod)}.`;
}

const sideText = (terms: Term[], withMeasure: boolean) =>
  terms.length ? terms.map((t) => termText(t, withMeasure)).join(' + ') : '0';

const OP_WORDS: Record<Operator, string> = {
  '<=': 'không lớn hơn',
  '>=': 'không nhỏ hơn',
  '<': 'nhỏ hơn',
  '>': 'lớn hơn',
  '=': 'bằng',
};

/** The periods a rule holds in (`term:`, `event:`): it is checked only outside them. */
function periodText(w: CheckRule['outsidePeriod']): string {
  if (!w) return '';
  const day = (iso: string) => iso.split('-').reverse().join('/');
  if (w.contains) return `, chỉ ghi trong kỳ báo cáo có ngày ${day(w.contains)}`;
  if (w.fromYearStart) return ', chỉ ghi trong Quý I và các kỳ tính từ đầu năm (6 tháng, 9 tháng, Năm)';
  const from = w.endsFrom ? ` kết thúc từ ${day(w.endsFrom)}` : '';
  const by = w.endsBy ? `${from ? ' và' : ''} kết thúc đến ${day(w.endsBy)}` : '';
  return from || by ? `, chỉ ghi trong kỳ báo cáo${from}${by}` : '';
}

function termText(t: Term, withMeasure: boolean): string {
  const factor = t.factor === 1 ? '' : `${formatNumber(t.factor)} × `;
  if ('constant' in t) return `${factor}${formatNumber(t.constant)}`;
  if (!('code' in t)) return `${factor}số đơn vị cấp xã${t.communes ? ` loại "${t.communes}"` : ''} trực thuộc`;
  const measure = withMeasure && t.measure !== 'total' ? ` (${MEASURE_LABEL[t.measure]})` : '';
  return `${factor}${t.code}${measure}`;
}
