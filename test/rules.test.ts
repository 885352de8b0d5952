import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../src/core/catalogue/catalogue.js';
import { guideRuleLines, rulesTableMarkdown, withRulesTable } from '../src/core/rules/docs.js';
import {
  isRuleId,
  issue,
  RULE_IDS,
  RULES,
  ruleSpec,
  setMessageAudience,
  toIssue,
  type RuleId,
  type RuleParams,
} from '../src/core/rules/rules.js';
import { checkSubmission } from '../src/core/validate/check-file.js';
import { bdg, ROOT } from './helpers/cli.js';
import { figuresSheetXml, rawWorkbook, renameEntry } from './helpers/raw-xlsx.js';

/** Sample params for every rule, all variants of a rule's params included; tsc holds each to its rule's params type. */
const SAMPLES: { [R in RuleId]: RuleParams<R>[] } = {
  'file-empty': [{}],
  'file-too-large': [
    { part: 'file', size: 60 * 1024 * 1024, limit: 50 * 1024 * 1024 },
    { part: 'unzipped', size: 300 * 1024 * 1024, limit: 200 * 1024 * 1024 },
    { part: 'shared-strings', size: 25 * 1024 * 1024, limit: 20 * 1024 * 1024 },
    { part: 'entry', entry: 'xl/worksheets/sheet2.xml', declared: 4096 },
    { part: 'cells', sheet: 'Số liệu', limit: 250_000 },
    { part: 'merges', sheet: 'Số liệu', limit: 50_000 },
    { part: 'elements', entry: 'xl/worksheets/sheet2.xml', limit: 1_000_000 },
  ],
  'file-not-xlsx': [
    ...(['xls', 'ods', 'docx', 'zip', 'pdf', 'html', 'text', 'unknown'] as const).map((found) => ({ found })),
    { found: 'extension', format: 'Excel 97-2003 (.xls)' },
  ],
  'file-damaged': [
    { damage: 'zip' },
    { damage: 'part', part: 'xl/worksheets/sheet1.xml' },
    { damage: 'part', part: 'xl/worksheets/sheet1.xml', detail: 'unclosed tag: row' },
    { damage: 'part-missing', part: 'xl/workbook.xml' },
  ],
  'file-encrypted': [{}],
  'file-unsafe': [
    { danger: 'part-name', name: '../../etc/passwd\u0001' },
    { danger: 'duplicate-name', name: 'xl/worksheets/sheet2.xml' },
    { danger: 'dtd' },
    { danger: 'nesting', part: 'xl/workbook.xml', limit: 100 },
  ],
  'legacy-encoding': [{ value: 'Th«ng tin' }],
  'file-unreadable': [
    { problem: 'not-a-file', path: 'thu-muc' },
    { problem: 'missing', path: 'khong-co.xlsx' },
    { problem: 'no-access', path: 'bi-khoa.xlsx' },
    { problem: 'page-file', path: 'huyen/655.xlsx' },
    { problem: 'memory' },
    { problem: 'crashed' },
    { problem: 'stopped' },
  ],
  'file-special': [
    ...(['fifo', 'socket', 'char-device', 'block-device', 'other'] as const).map((found) => ({ found })),
    { found: 'fifo', path: 'huyen/655.xlsx' },
  ],
  'file-timeout': [{ seconds: 60 }],
  'annotate-skipped': [
    { problem: 'too-large' },
    { problem: 'unreadable' },
    { problem: 'timeout', seconds: 60 },
    { problem: 'memory' },
  ],
  'sheet-missing': [
    { sheet: 'Số liệu', present: ['Sheet1'] },
    { sheet: 'Thông tin', present: [] },
  ],
  'info-missing': [
    { sheet: 'Thông tin', field: 'unitCode', emptyCell: 'B2' },
    { sheet: 'Thông tin', field: 'version' },
  ],
  'period-invalid': [{ value: 'năm nay' }],
  'version-unknown': [{ value: 'BDG-2019', known: ['BDG-2024.1'] }],
  'edition-converted': [
    { value: 'BDG-2024.1', edition: 'BDG-2026.1', notConverted: ['DA8.20'], lacking: ['DA8.34'] },
    { value: 'BDG-2024.1', edition: 'BDG-2026.1', notConverted: [], lacking: [] },
  ],
  'edition-incompatible': [{ value: 'BDG-2024.1', edition: 'BDG-2026.1' }],
  'included-exceeds-total': [
    {
      indicator: 'DA8.04',
      measure: 'total',
      value: 157,
      whole: 'BDG.05',
      wholeName: 'Số cuộc truyền thông',
      wholeValue: 84,
      wholeCell: 'E40',
      severity: 'warning',
    },
  ],
  'parts-exceed-whole': [
    {
      indicator: 'DA8.25',
      value: 30,
      parts: ['DA8.25', 'DA8.26', 'DA8.27'],
      whole: 'DA8.18',
      wholeValue: 12,
      severity: 'warning',
    },
  ],
  'communes-of-type-exceed': [
    { indicator: 'BDG.24', value: 9, unitName: 'Huyện Krông A Na', type: 'Xã', max: 7, severity: 'error' },
  ],
  'outside-programme-area': [{ value: '22015', unitName: 'Phường Tuy Hòa', codes: ['DA8.04', 'DA8.05'] }],
  'term-both-filled': [
    {
      indicator: 'BDG.47',
      value: 30,
      term: '2026-2031',
      other: 'BDG.41',
      otherValue: 25,
      otherCell: 'E70',
      otherTerm: '2021-2026',
    },
  ],
  'value-outside-year-to-date': [{ indicator: 'DA8.41', value: 50, period: 'Quý II năm 2026', money: true }],
  'province-file-ambiguous': [{ value: '66', unitName: 'Tỉnh Đắk Lắk' }],
  'province-own-duplicate-stock': [{ indicator: 'BDG.13', value: 40, otherFiles: ['so-noi-vu.xlsx'] }],
  'level-not-applicable': [
    {
      indicator: 'BDG.40',
      measure: 'total',
      value: 50,
      own: false,
      levels: ['cơ quan, đơn vị cấp tỉnh (tệp riêng của tỉnh)'],
    },
    { indicator: 'BDG.14', measure: 'total', value: 3, own: true, levels: ['đơn vị cấp xã'] },
  ],
  'parts-differ-from-total': [{ indicator: 'DA8.20', value: 500, parts: ['DA8.39', 'DA8.40'], partsValue: 450 }],
  'value-above-max': [{ indicator: 'BDG.52', value: 3, max: 2 }],
  'value-above-max-per-commune': [{ indicator: 'BDG.54', value: 9, max: 2, communes: 4, unitName: 'Tỉnh Đắk Lắk' }],
  'term-out-of-window': [{ indicator: 'BDG.40', value: 85, term: '2021-2026', period: 'Năm 2026' }],
  'event-out-of-period': [{ indicator: 'BDG.42', value: 120, date: '15/03/2026', period: 'Quý II năm 2026' }],
  'form-outdated': [{ value: 'BDG-2024.1', edition: 'BDG-2026.1', period: 'Năm 2026' }],
  'form-newer': [{ value: 'BDG-2026.1', edition: 'BDG-2024.1', period: 'Năm 2025' }],
  'date-invalid': [{ value: '31/02/2024' }],
  'date-missing': [{ sheet: 'Thông tin', emptyCell: 'B7' }, { sheet: 'Thông tin' }],
  'header-missing': [{ sheet: 'Số liệu' }],
  'column-missing': [{ sheet: 'Số liệu', headerRow: 4, measure: 'dtts' }],
  'column-duplicate': [{ header: 'Nữ' }],
  'code-unknown': [{ value: 'DA8.99', catalogueVersion: 'BDG-2024.1' }],
  'code-duplicate': [{ indicator: 'BDG.01', value: 'BDG.01', firstCell: 'B7' }],
  'code-missing': [{ sheet: 'Số liệu', indicator: 'DA8.05', indicatorName: 'Số lượt người tham dự truyền thông' }],
  'value-not-number': [
    { indicator: 'DA8.05', measure: 'total', found: 'text', value: '10 người' },
    { indicator: 'DA8.05', measure: 'nu', found: 'date', value: '2024-05-01' },
    { indicator: 'DA8.05', measure: 'dtts', found: 'bool', value: 'true' },
  ],
  'value-ambiguous': [
    { indicator: 'DA8.05', measure: 'total', value: '1,234', reading: 'dấu phẩy hay dấu phân cách hàng nghìn' },
  ],
  'value-error': [{ indicator: 'DA8.05', measure: 'total', value: '#DIV/0!' }],
  'formula-no-result': [{ indicator: 'DA8.05', measure: 'total', value: '=SUM(E5:E9)' }],
  'unit-unknown': [
    { value: '999' },
    {
      value: '655',
      otherEdition: {
        fact: 'mã "655" là mã của danh mục trước 1/7/2025 (Huyện Krông A Na), không còn trong danh mục từ 1/7/2025',
        older: true,
      },
    },
    {
      value: '24577',
      otherEdition: {
        fact: 'mã "24577" là mã của danh mục từ 1/7/2025 (Xã Dray Bhăng), chưa có trong danh mục trước 1/7/2025',
        older: false,
      },
    },
  ],
  'unit-name-mismatch': [{ value: 'Huyện Krông Ana', code: '655', listedName: 'Huyện Krông A Na' }],
  'value-negative': [
    { indicator: 'DA8.05', measure: 'total', value: -3 },
    { indicator: 'DA8.05', measure: 'total', value: -1.5, text: '-1,5' },
  ],
  'value-too-large': [{ indicator: 'DA8.05', measure: 'total', value: 84912345678 }],
  'value-not-whole': [
    {
      indicator: 'DA8.05',
      measure: 'nu',
      value: 12.5,
      text: '12,5',
      indicatorName: 'Số lượt người tham dự truyền thông',
      unit: 'lượt người',
    },
  ],
  'money-precision': [{ indicator: 'DA8.20', measure: 'total', value: 1.2345 }],
  'no-figures': [{ sheet: 'Số liệu', firstCell: 'E6' }],
  'breakdown-not-applicable': [{ indicator: 'DA8.04', measure: 'nu', value: 7 }],
  'breakdown-without-total': [{ indicator: 'DA8.05', breakdown: 'nu', breakdownValue: 4320, value: null }],
  'value-not-xml-number': [{ indicator: 'DA8.05', measure: 'total', value: '298,7' }],
  'sheet-ambiguous': [
    {
      sheet: 'Số liệu',
      matches: [
        { name: 'Số liệu', hidden: true },
        { name: 'SỐ LIỆU ', hidden: false },
      ],
    },
  ],
  'sheet-hidden': [
    { sheet: 'Số liệu', veryHidden: true },
    { sheet: 'Số liệu', veryHidden: false },
  ],
  'sheet-part-missing': [
    { sheet: 'Số liệu', target: 'xl/worksheets/sheet9.xml' },
    { sheet: 'Số liệu', target: null },
  ],
  'cell-reference-broken': [
    { sheet: 'Số liệu', cell: 'E14', part: 'shared-strings', value: '12', count: 10 },
    { sheet: 'Số liệu', cell: 'E14', part: 'shared-strings', value: '0', count: 0 },
    { sheet: 'Số liệu', cell: 'E14', part: 'styles', value: '7', count: 3 },
  ],
  'merged-figure-cell': [
    {
      sheet: 'Số liệu',
      value: 'E12:E13',
      indicator: 'DA8.05',
      covered: [
        { code: 'DA8.05', measure: 'total' },
        { code: 'DA8.06', measure: 'total' },
      ],
    },
  ],
  'money-in-dong': [{ indicator: 'DA8.20', measure: 'total', value: 150000000 }],
  'value-above-level-bound': [
    {
      indicator: 'DA8.05',
      measure: 'total',
      value: 250000,
      unit: 'lượt người',
      level: 'Xã',
      bound: 50000,
      money: false,
    },
  ],
  'breakdown-exceeds-total': [{ indicator: 'DA8.05', measure: 'nu', value: 4320, total: 4200, totalCell: 'E12' }],
  'part-exceeds-whole': [
    {
      indicator: 'DA8.06',
      measure: 'total',
      value: 30,
      whole: 'DA8.05',
      wholeName: 'Số lượt người',
      wholeValue: 20,
      wholeCell: 'E12',
    },
  ],
  'attendance-without-event': [
    {
      indicator: 'DA8.05',
      value: 120,
      unit: 'lượt người',
      other: 'DA8.04',
      otherUnit: 'cuộc',
      otherValue: 0,
      otherCell: 'E11',
    },
  ],
  'event-without-attendance': [
    {
      indicator: 'DA8.05',
      value: 0,
      unit: 'lượt người',
      other: 'DA8.04',
      otherUnit: 'cuộc',
      otherValue: 3,
      otherCell: 'E11',
    },
    {
      indicator: 'DA8.05',
      value: null,
      unit: 'lượt người',
      other: 'DA8.04',
      otherUnit: 'cuộc',
      otherValue: 3,
      otherCell: 'E11',
    },
  ],
  'communes-exceed-units': [{ indicator: 'BDG.19', value: 12, unitName: 'Huyện Krông A Na', max: 8 }],
  'attendance-per-event-high': [
    {
      indicator: 'DA8.05',
      value: 9000,
      unit: 'lượt người',
      other: 'DA8.04',
      otherUnit: 'cuộc',
      otherValue: 3,
      otherCell: 'E11',
      max: 500,
    },
  ],
  'members-per-unit-unusual': [
    { indicator: 'DA8.09', value: 400, other: 'DA8.08', otherUnit: 'tổ', otherValue: 2, lo: 5, hi: 60 },
    { indicator: 'DA8.09', value: 400, other: 'DA8.08', otherUnit: 'tổ', otherValue: 0, lo: 5, hi: 60 },
  ],
  'victims-fewer-than-cases': [{ indicator: 'BDG.30', value: 2, other: 'BDG.29', otherValue: 5, otherCell: 'E40' }],
  'value-above-reference': [
    {
      indicator: 'DA8.21',
      value: 900,
      other: 'DA8.20',
      otherName: 'Kinh phí được giao',
      otherValue: 850,
      otherCell: 'E30',
      severity: 'warning',
    },
    {
      indicator: 'DA8.21',
      value: 900,
      other: 'DA8.20',
      otherName: 'Kinh phí được giao',
      otherValue: 850,
      otherCell: 'E30',
      severity: 'error',
    },
    {
      indicator: 'DA8.13',
      value: 90,
      other: 'DA8.35',
      otherName: 'Số phụ nữ DTTS mang thai',
      otherValue: 80,
      otherCell: 'E31',
      severity: 'warning',
      money: false,
    },
  ],
  'outlier-vs-previous': [{ indicator: 'DA8.05', value: 9000, previous: 120 }],
  'period-mismatch': [
    { value: 'Năm 2023', period: 'Năm 2024' },
    { value: null, period: 'Năm 2024' },
  ],
  'unit-outside-root': [{ value: '24577', unitName: 'Xã Quảng Điền', rootCode: '646', rootName: 'Huyện Ea Súp' }],
  'unit-duplicate': [
    { value: '655', unitName: 'Huyện Krông A Na', otherFiles: ['655-b.xlsx', 'x/655.xlsx'] },
    { value: '655', unitName: 'Huyện Krông A Na', otherFiles: ['655-b.xlsx'], sameDate: '15/12/2024' },
  ],
};

const CELL = { sheet: 'Số liệu', cell: 'F12' };

describe('the rules catalogue', () => {
  const cases = RULE_IDS.flatMap((id) =>
    (SAMPLES[id] as object[]).map((params, i) => [`${id} #${i + 1}`, id, params] as const),
  );

  it('has a sample for every rule', () => expect(Object.keys(SAMPLES).sort()).toEqual([...RULE_IDS].sort()));

  it.each(cases)('%s: a Vietnamese message built from the params, saying where and what to do', (_name, id, params) => {
    const spec = ruleSpec(id);
    const at = spec.level === 'cell' || spec.level === 'sheet' ? CELL : undefined;
    const out = toIssue({ rule: id, params, cell: at } as Parameters<typeof toIssue>[0]);
    expect(out.rule).toBe(id);
    expect(out.message).toBe(out.message.normalize('NFC'));
    expect(out.message).not.toMatch(/undefined|NaN|null|\[object|\$\{/);
    expect(out.message.length).toBeGreaterThan(25);
    expect(out.message).toMatch(/[.)]$/);
    // A message is for a person who reads Vietnamese.
    expect(out.message).toMatch(/[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]/i);
    // Every cell-level message names the cell; every param that is text shows up in it.
    if (spec.level === 'cell') expect(out.message).toContain('Ô F12 (sheet "Số liệu"');
    for (const [key, v] of Object.entries(params))
      if (
        typeof v === 'string' &&
        ![
          'found',
          'part',
          'damage',
          'danger',
          'problem',
          'side',
          'field',
          'measure',
          'breakdown',
          'severity',
          'value',
          'currentVersion',
          'level',
        ].includes(key)
      )
        expect(out.message, key).toContain(v.replace(/[\u0000-\u001f]/g, '?'));
    expect(out.severity).toBe(
      spec.severityByIndicator ? ((params as { severity?: string }).severity ?? spec.severity) : spec.severity,
    );
    expect(spec.summary.length).toBeGreaterThan(5);
    expect(spec.summary).toMatch(/\.$/);
  });

  it.each(cases)('%s: on the page, a message suggests no command and no option', (_name, id, params) => {
    const spec = ruleSpec(id);
    const at = spec.level === 'cell' || spec.level === 'sheet' ? CELL : undefined;
    const finding = { rule: id, params, cell: at } as Parameters<typeof toIssue>[0];
    const page = toIssue(finding, 'page').message;
    expect(page).not.toContain('bdg ');
    expect(page).not.toContain('--');
    expect(page).toBe(page.normalize('NFC'));
    expect(page).toMatch(/[.)]$/);
    // Only "what to do" differs: what is wrong and where is said the same way to both.
    const cli = toIssue(finding, 'cli').message;
    expect(page.slice(0, 20)).toBe(cli.slice(0, 20));
  });

  it('says what to do in the words of its reader: a command on the CLI, the page bdg.html on the page', () => {
    const old = SAMPLES['unit-unknown'][1]!;
    expect(issue('unit-unknown', old, CELL).message).toContain('(bdg template --unit MÃ-MỚI tạo biểu mẫu đúng mã)');
    expect(toIssue({ rule: 'unit-unknown', params: old, cell: CELL }, 'page').message).toBe(
      'Ô F12 (sheet "Số liệu"): mã "655" là mã của danh mục trước 1/7/2025 (Huyện Krông A Na), không còn trong danh mục từ 1/7/2025. ' +
        'Dùng mã mới của đơn vị (tải biểu mẫu đúng mã ở mục "Tải biểu mẫu" của trang bdg.html); nếu đây là báo cáo của kỳ trước thì sửa ô "Kỳ báo cáo".',
    );
    const big = SAMPLES['file-too-large'][0]!;
    expect(issue('file-too-large', big).message).toContain('--max-file-mb');
    expect(toIssue({ rule: 'file-too-large', params: big }, 'page').message).toBe(
      'Tệp nặng 60 MB, vượt giới hạn 50 MB của một biểu mẫu. Xóa các sheet, hình ảnh không cần thiết rồi lưu lại.',
    );
    // The edge sets its audience once (the page's script does): issue() then speaks to it.
    setMessageAudience('page');
    try {
      expect(issue('file-timeout', { seconds: 60 }).message).toBe(
        'Đọc tệp quá 60 giây nên đã dừng: tệp quá lớn hoặc bất thường. Mở bằng Excel/LibreOffice, xóa dòng, cột thừa, lưu lại rồi gửi lại.',
      );
    } finally {
      setMessageAudience('cli');
    }
    expect(issue('file-timeout', { seconds: 60 }).message).toContain('--time-limit');
  });

  it('gives the JSON issue of the spec: rule, severity, sheet, cell, indicator, value, message, in that order', () => {
    const out = issue(
      'breakdown-exceeds-total',
      { indicator: 'DA8.05', measure: 'nu', value: 4320, total: 4200, totalCell: 'E12' },
      CELL,
    );
    expect(out).toEqual({
      rule: 'breakdown-exceeds-total',
      severity: 'error',
      sheet: 'Số liệu',
      cell: 'F12',
      indicator: 'DA8.05',
      value: 4320,
      message:
        'Ô F12 (sheet "Số liệu", chỉ tiêu DA8.05, cột Nữ): số Nữ (4.320) lớn hơn Tổng số (4.200, ô E12). Số "Trong đó" không được vượt tổng: kiểm tra lại hai ô này.',
    });
    expect(Object.keys(out)).toEqual(['rule', 'severity', 'sheet', 'cell', 'indicator', 'value', 'message']);
    const whole = issue('file-timeout', { seconds: 60 });
    expect(Object.keys(whole)).toEqual(['rule', 'severity', 'message']);
    // A "no data" value is kept as null, not dropped.
    expect(
      issue('breakdown-without-total', { indicator: 'DA8.05', breakdown: 'nu', breakdownValue: 5, value: null }, CELL)
        .value,
    ).toBeNull();
  });

  it('takes the severity from the indicator catalogue where the rule allows it, and only there', () => {
    const p = SAMPLES['value-above-reference'];
    expect(issue('value-above-reference', p[0]!, CELL).severity).toBe('warning');
    expect(issue('value-above-reference', p[1]!, CELL).severity).toBe('error');
    // The rules an edition's data may set the severity of (checks.csv `severity`).
    expect(RULE_IDS.filter((id) => ruleSpec(id).severityByIndicator)).toEqual([
      'value-above-reference',
      'included-exceeds-total',
      'parts-exceed-whole',
      'communes-of-type-exceed',
    ]);
  });

  it('checks the params of a rule at compile time (npm run typecheck)', () => {
    // Each line below must fail to compile: if one compiled, tsc would report the unused @ts-expect-error.
    // @ts-expect-error a rule that is not in the catalogue
    expect(() => issue('no-such-rule', {})).toThrow();
    // @ts-expect-error a param missing
    issue('breakdown-exceeds-total', { indicator: 'DA8.05', measure: 'nu', value: 1, total: 0 });
    // @ts-expect-error a param of the wrong type
    issue('file-timeout', { seconds: '60' });
    // @ts-expect-error a measure that does not exist
    issue('column-missing', { sheet: 'Số liệu', headerRow: 4, measure: 'men' });
  });
});

// ——— every rule used, and only rules of the catalogue ———

const srcFiles = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(ROOT, 'src', f));
const isCatalogue = (f: string) => relative(ROOT, f).startsWith(join('src', 'core', 'rules'));

/** Rule ids at the places that emit them: issue('…'), rule: '…' (a finding), bad('…'), rule('…') in the schema, i.rule === '…'. */
const EMITTED = [/\b(?:issue|bad|rule)\(\s*'([^']+)'/g, /\brule:\s*'([^']+)'/g, /\.rule\s*===?\s*'([^']+)'/g];

function emittedRules(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of srcFiles) {
    if (isCatalogue(file)) continue;
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const re of EMITTED)
      for (const m of code.matchAll(re)) found.set(m[1]!, [...(found.get(m[1]!) ?? []), relative(ROOT, file)]);
  }
  return found;
}

describe('the catalogue and the code agree', () => {
  const emitted = emittedRules();

  it('finds the emitting call sites (the scan itself works)', () => {
    expect(emitted.get('breakdown-exceeds-total')).toEqual(['src/core/validate/validate.ts']);
    expect(emitted.get('unit-duplicate')).toContain('src/core/consolidate/conflicts.ts');
    expect(emitted.get('file-timeout')).toContain('src/core/pool/reading-pool.ts');
    expect(emitted.get('value-ambiguous')).toEqual(['src/core/read/submission.ts']);
    expect(new Set(emitted.get('file-damaged'))).toEqual(
      new Set(['src/core/read/xlsx.ts', 'src/core/read/part-feed.ts', 'src/core/read/sheet.ts']),
    );
    expect(emitted.get('value-not-whole')).toContain('src/core/validate/value-checks.ts');
    expect(emitted.size).toBeGreaterThan(30);
  });

  it('every rule id emitted anywhere in src/ is in the catalogue', () => {
    const unknown = [...emitted]
      .filter(([id]) => !Object.hasOwn(RULES, id))
      .map(([id, files]) => `${id} (${files.join(', ')})`);
    expect(unknown).toEqual([]);
  });

  it('no dead rule: every rule is emitted somewhere in src/', () => {
    const dead = RULE_IDS.filter((id) => !emitted.has(id));
    expect(dead).toEqual([]);
  });

  it('every rule of the reader is emitted by the reader, and the reader emits only its own rules', () => {
    const isReader = (file: string) => file.startsWith('src/core/read/');
    const reader = [...emitted].filter(([, files]) => files.some(isReader)).map(([id]) => id);
    expect(reader.filter((id) => !isRuleId(id) || ruleSpec(id).source !== 'read')).toEqual([]);
    expect(RULE_IDS.filter((id) => ruleSpec(id).source === 'read' && !reader.includes(id))).toEqual([]);
  });

  it('no message is written outside the catalogue: no makeIssue anywhere, no Vietnamese sentence in the reader', () => {
    for (const file of srcFiles) expect(readFileSync(file, 'utf8'), relative(ROOT, file)).not.toMatch(/\bmakeIssue\b/);
    // Letters only Vietnamese has (Latin-1 holds à, é, ô…, which the legacy-encoding check looks for). hierarchy.ts
    // reads the unit lists, whose problems are lines of an error, not issues of a submission.
    const vietnamese = /[ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i;
    const reader = srcFiles.filter(
      (f) => relative(ROOT, f).startsWith(join('src', 'core', 'read')) && !f.endsWith('hierarchy.ts'),
    );
    expect(reader.length).toBeGreaterThanOrEqual(3);
    for (const file of reader) {
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      expect(code, relative(ROOT, file)).not.toMatch(vietnamese);
    }
  });
});

// ——— what people read: README and the template's guide ———

describe('the rules as documented', () => {
  it('README.md holds the rule table generated from the catalogue (else run npm run docs:rules)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(withRulesTable(readme)).toBe(readme);
    for (const id of RULE_IDS) expect(readme).toContain(`| \`${id}\` |`);
    expect(rulesTableMarkdown().split('\n')).toHaveLength(RULE_IDS.length + 2);
  });

  it('the template’s guide sheet lists every sheet and cell rule with its summary and id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdg-rules-'));
    const out = join(dir, 'bieu-mau.xlsx');
    const run = bdg([
      'template',
      '--unit',
      '655',
      '--units',
      'fixtures/dak-lak/don-vi.csv',
      '--period',
      '2024',
      '--out',
      out,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const lines: string[] = [];
    wb.getWorksheet('Hướng dẫn')!.eachRow((row) => lines.push(String(row.getCell(1).value)));
    const text = lines.join(' ');
    const { errors, warnings } = guideRuleLines();
    for (const line of [...errors, ...warnings]) expect(text).toContain(line);
    for (const id of RULE_IDS.filter((id) => ['sheet', 'cell'].includes(ruleSpec(id).level)))
      expect(text).toContain(`[${id}]`);
    for (const id of RULE_IDS.filter((id) => ['file', 'consolidation'].includes(ruleSpec(id).level)))
      expect(text).not.toContain(`[${id}]`);
    // Warnings are listed after the heading for warnings, errors before it.
    const warnAt = text.indexOf('• Cảnh báo');
    expect(text.indexOf('[breakdown-exceeds-total]')).toBeLessThan(warnAt);
    expect(text.indexOf('[outlier-vs-previous]')).toBeGreaterThan(warnAt);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
  }, 60_000);
});

// ——— the reader's findings, emitted through the catalogue ———

async function workbookBytes(fill: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  fill(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe('the reader’s findings are the catalogue’s issues', () => {
  it('whole-file rules, from bytes', async () => {
    const empty = await checkSubmission(new Uint8Array(), 'x.xlsx');
    expect(empty.errors).toEqual([issue('file-empty', {})]);
    expect(empty.errors[0]!.message).toBe('Tệp rỗng (0 byte), có thể tải về chưa xong. Hãy lấy lại tệp gốc.');
    const pdf = await checkSubmission(new TextEncoder().encode('%PDF-1.4 …'), 'x.xlsx');
    expect(pdf.errors).toEqual([issue('file-not-xlsx', { found: 'pdf' })]);
    const csv = await checkSubmission(new TextEncoder().encode('Mã số;Tổng số\nDA8.05;12\n'), 'x.xlsx');
    expect(csv.errors).toEqual([issue('file-not-xlsx', { found: 'text' })]);
  });

  it('the variants of file-unsafe, file-damaged and file-too-large, from zips written byte by byte', async () => {
    const zip = rawWorkbook({ parts: { 'xl/worksheets/sheet9.xml': figuresSheetXml({ figures: {} }) } });
    const twice = await checkSubmission(
      renameEntry(zip, 'xl/worksheets/sheet9.xml', 'xl/worksheets/sheet2.xml'),
      'x.xlsx',
    );
    expect(twice.errors).toEqual([
      issue('file-unsafe', { danger: 'duplicate-name', name: 'xl/worksheets/sheet2.xml' }),
    ]);

    const fixture = (name: string) =>
      checkSubmission(new Uint8Array(readFileSync(join(ROOT, 'fixtures/broken', name))), name);
    const damaged = await fixture('xml-hong.xlsx');
    expect(damaged.errors).toEqual([
      issue('file-damaged', { damage: 'part', part: 'xl/worksheets/sheet2.xml', detail: 'unexpected close tag.' }),
    ]);
    expect(damaged.errors[0]!.message).toBe(
      'Không đọc được nội dung bảng tính (phần "xl/worksheets/sheet2.xml" bị hỏng: unexpected close tag.). Mở tệp bằng Excel hoặc LibreOffice Calc và lưu lại dưới dạng .xlsx (Excel Workbook), rồi gửi lại tệp đó.',
    );

    const lies = await fixture('zip-bom-khai-gian.xlsx');
    expect(lies.errors).toEqual([
      issue('file-too-large', { part: 'entry', entry: 'xl/worksheets/sheet2.xml', declared: 4096 }),
    ]);
    expect(lies.errors[0]!.message).toContain(
      'phần "xl/worksheets/sheet2.xml" lớn hơn kích thước ghi trong tệp (4.096 byte)',
    );
  });

  it('sheet and cell rules, from workbooks written with exceljs', async () => {
    const noSheets = await checkSubmission(
      await workbookBytes((wb) => wb.addWorksheet('Sheet1').addRow(['x'])),
      'x.xlsx',
    );
    expect(noSheets.errors).toEqual([
      issue('sheet-missing', { sheet: 'Thông tin', present: ['Sheet1'] }),
      issue('sheet-missing', { sheet: 'Số liệu', present: ['Sheet1'] }),
    ]);

    const bytes = await workbookBytes((wb) => {
      const info = wb.addWorksheet('Thông tin');
      info.addRows([
        ['Mã đơn vị', null],
        ['Tên đơn vị', 'Huyện Krông A Na'],
        ['Kỳ báo cáo', 'năm nay'],
        ['Phiên bản biểu mẫu', 'BDG-2024.1'],
      ]);
      const data = wb.addWorksheet('Số liệu');
      data.addRow(['STT', 'Mã số', 'Chỉ tiêu', 'Đơn vị tính', 'Tổng số', 'Nữ', 'DTTS', 'Ghi chú']);
      data.addRow([1, 'DA8.04', '', '', '10 cuộc', null, null, null]);
      data.addRow([2, 'DA8.05', '', '', '1,234', 3, 1, null]);
      data.addRow([3, 'DA8.05', '', '', 5, null, null, null]);
      data.mergeCells('F3:G3');
    });
    const c = await checkSubmission(bytes, 'x.xlsx');
    const byRule = (rule: string) => c.errors.filter((e) => e.rule === rule);
    expect(byRule('info-missing')).toEqual([
      issue(
        'info-missing',
        { sheet: 'Thông tin', field: 'unitCode', emptyCell: 'B1' },
        { sheet: 'Thông tin', cell: 'B1' },
      ),
    ]);
    expect(byRule('info-missing')[0]!.message).toBe(
      'Sheet "Thông tin": thiếu "Mã đơn vị" (ô B1 đang trống). Ghi nhãn "Mã đơn vị" ở cột A và mã đơn vị hành chính, ví dụ 655 ở cột B.',
    );
    expect(byRule('period-invalid')).toEqual([
      issue('period-invalid', { value: 'năm nay' }, { sheet: 'Thông tin', cell: 'B3' }),
    ]);
    expect(byRule('value-not-number')).toEqual([
      issue(
        'value-not-number',
        { indicator: 'DA8.04', measure: 'total', found: 'text', value: '10 cuộc' },
        { sheet: 'Số liệu', cell: 'E2' },
      ),
    ]);
    expect(byRule('value-ambiguous')).toEqual([
      issue(
        'value-ambiguous',
        { indicator: 'DA8.05', measure: 'total', value: '1,234', reading: 'dấu phẩy hay dấu phân cách hàng nghìn' },
        { sheet: 'Số liệu', cell: 'E3' },
      ),
    ]);
    expect(byRule('code-duplicate')).toEqual([
      issue(
        'code-duplicate',
        { indicator: 'DA8.05', value: 'DA8.05', firstCell: 'B3' },
        { sheet: 'Số liệu', cell: 'B4' },
      ),
    ]);
    expect(byRule('merged-figure-cell')).toEqual([
      issue(
        'merged-figure-cell',
        {
          sheet: 'Số liệu',
          value: 'F3:G3',
          indicator: 'DA8.05',
          covered: [
            { code: 'DA8.05', measure: 'nu' },
            { code: 'DA8.05', measure: 'dtts' },
          ],
        },
        { sheet: 'Số liệu', cell: 'F3:G3' },
      ),
    ]);
    const catalogue = loadCatalogue('BDG-2024.1');
    expect(byRule('code-missing')).toEqual(
      catalogue.indicators
        .filter((ind) => !['DA8.04', 'DA8.05'].includes(ind.code))
        .map((ind) =>
          issue(
            'code-missing',
            { sheet: 'Số liệu', indicator: ind.code, indicatorName: ind.name },
            { sheet: 'Số liệu', cell: 'B1' },
          ),
        ),
    );
  });
});
