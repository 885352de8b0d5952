/** The rules catalogue as people read it: the README's rule table and the template's guide lines. */
import { RULE_IDS, ruleSpec, type RuleId, type RuleLevel } from './rules.js';

const LEVEL_LABEL: Record<RuleLevel, string> = {
  file: 'cả tệp',
  sheet: 'sheet',
  cell: 'ô',
  consolidation: 'khi tổng hợp',
};

function severityLabel(id: RuleId): string {
  const spec = ruleSpec(id);
  const label = spec.severity === 'error' ? 'lỗi' : 'cảnh báo';
  return spec.severityByIndicator
    ? `${label} (danh mục chỉ tiêu có thể đặt là ${spec.severity === 'error' ? 'cảnh báo' : 'lỗi'})`
    : label;
}

/** Markers around the generated table in README.md; `npm run docs:rules` rewrites what lies between them. */
export const RULES_TABLE_START = '<!-- rules-table:start (npm run docs:rules) -->';
export const RULES_TABLE_END = '<!-- rules-table:end -->';

/** One row per rule, in catalogue order. */
export function rulesTableMarkdown(): string {
  const rows = RULE_IDS.map((id) => {
    const spec = ruleSpec(id);
    return `| \`${id}\` | ${severityLabel(id)} | ${LEVEL_LABEL[spec.level]} | ${spec.summary.replace(/\|/g, '\\|')} |`;
  });
  return ['| mã quy tắc | mức | áp dụng cho | khi nào |', '|---|---|---|---|', ...rows].join('\n');
}

/** README text with the table between the markers replaced; throws when the markers are missing. */
export function withRulesTable(readme: string): string {
  const start = readme.indexOf(RULES_TABLE_START);
  const end = readme.indexOf(RULES_TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${RULES_TABLE_START} … ${RULES_TABLE_END} markers`);
  return `${readme.slice(0, start + RULES_TABLE_START.length)}\n${rulesTableMarkdown()}\n${readme.slice(end)}`;
}

/**
 * The rules a person filling the form can break (sheets and cells), as the guide sheet lists them:
 * "summary [rule-id]", errors and warnings apart. The id is the one printed in brackets after each message.
 */
export function guideRuleLines(): { errors: string[]; warnings: string[] } {
  const lines = (severity: 'error' | 'warning') =>
    RULE_IDS.filter((id) => {
      const spec = ruleSpec(id);
      return spec.severity === severity && (spec.level === 'sheet' || spec.level === 'cell');
    }).map((id) => `${ruleSpec(id).summary} [${id}]`);
  return { errors: lines('error'), warnings: lines('warning') };
}
