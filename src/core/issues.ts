import type { CellRef, Issue, Severity } from './model.js';

export { where, issue, toIssue, type Finding, type RuleId } from './rules/rules.js';

/**
 * Compatibility path for code not yet routed through the rules catalogue (src/core/rules/rules.ts): an issue from a
 * rule id and a message written at the call site. New rules belong in the catalogue and are emitted with `issue()`;
 * test/rules.test.ts fails for a rule id emitted here that the catalogue does not know.
 */
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
