import { MEASURE_LABEL, type Measure } from './catalogue/catalogue.js';
import type { CellRef, Issue, Severity } from './model.js';

/** "ô F14 (sheet "Số liệu", chỉ tiêu DA8.05, cột Nữ)": where a person should look. */
export function where(ref: CellRef | undefined, indicator?: string, measure?: Measure): string {
  if (!ref) return `sheet "${indicator ?? ''}"`;
  const parts = [`sheet "${ref.sheet}"`];
  if (indicator) parts.push(`chỉ tiêu ${indicator}`);
  if (measure) parts.push(`cột ${MEASURE_LABEL[measure]}`);
  return `Ô ${ref.cell} (${parts.join(', ')})`;
}

export function makeIssue(
  rule: string,
  severity: Severity,
  ref: CellRef | undefined,
  message: string,
  extra: { indicator?: string; value?: number | string | null } = {},
): Issue {
  const issue = { rule, severity } as Issue;
  if (ref) {
    issue.sheet = ref.sheet;
    issue.cell = ref.cell;
  }
  if (extra.indicator) issue.indicator = extra.indicator;
  if (extra.value !== undefined) issue.value = extra.value;
  issue.message = message.normalize('NFC');
  return issue as Issue;
}

export const isError = (i: Issue) => i.severity === 'error';
