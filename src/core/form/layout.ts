import type { Measure } from '../catalogue/catalogue.js';
import { NARRATIVE_LABELS, type SubmissionInfo } from '../model.js';
import { normalizeLabel } from '../util/text.js';

/**
 * The form as people see it: sheet names, the labels of `Thông tin` and `Thuyết minh`, the headers of `Số liệu`
 * and the other spellings people give them (docs/submission-workbook.md). The template writer writes these words and
 * the reader looks for them; neither has a copy of its own.
 */

export const SHEET = { info: 'Thông tin', data: 'Số liệu', narrative: 'Thuyết minh', guide: 'Hướng dẫn' } as const;

export interface InfoField {
  key: keyof SubmissionInfo;
  label: string;
  /** The reader refuses a file without it. */
  required: boolean;
  /** What to write in column B, for the reader's message when it is missing ("ghi … ở cột B"). */
  expects: string;
  /** The template's hint in column C. */
  hint: string;
  /** Written only by a consolidation's summary workbook (docs/submission-workbook.md, "A summary workbook…"). */
  summaryOnly?: true;
  /** Written only on the province's own submission (form-2026.md §5). */
  ownOnly?: true;
}

/** `Phạm vi số liệu` of the province's own submission: what the province's bodies did themselves (form-2026.md §5). */
export const PROVINCE_OWN_SCOPE = 'Cơ quan, đơn vị cấp tỉnh';

/** The rows of `Thông tin`, in template order. Adding a label is one line here (and its key in SubmissionInfo). */
export const INFO_FIELDS: readonly InfoField[] = [
  {
    key: 'unitCode',
    label: 'Mã đơn vị',
    required: true,
    expects: 'mã đơn vị hành chính, ví dụ 655',
    hint: 'Bắt buộc. Mã theo danh mục đơn vị hành chính.',
  },
  {
    key: 'unitName',
    label: 'Tên đơn vị',
    required: true,
    expects: 'tên đơn vị, ví dụ "Huyện Krông A Na"',
    hint: 'Bắt buộc.',
  },
  {
    key: 'period',
    label: 'Kỳ báo cáo',
    required: true,
    expects: '"Năm 2024" hoặc "6 tháng đầu năm 2024"',
    hint: 'Bắt buộc. "Năm 2024" hoặc "6 tháng đầu năm 2024".',
  },
  {
    key: 'version',
    label: 'Phiên bản biểu mẫu',
    required: true,
    expects: 'tên phiên bản như ghi trên biểu mẫu trống',
    hint: 'Bắt buộc. Không sửa.',
  },
  { key: 'preparedBy', label: 'Người lập biểu', required: false, expects: 'họ tên', hint: '' },
  { key: 'phone', label: 'Điện thoại', required: false, expects: 'số điện thoại', hint: '' },
  {
    key: 'preparedOn',
    label: 'Ngày lập',
    required: false,
    expects: 'ngày dạng dd/mm/yyyy',
    hint: 'Ngày/tháng/năm, ví dụ 15/12/2024.',
  },
  { key: 'head', label: 'Thủ trưởng đơn vị', required: false, expects: 'họ tên', hint: '' },
  {
    key: 'scope',
    label: 'Phạm vi số liệu',
    required: false,
    expects: `"${PROVINCE_OWN_SCOPE}"`,
    hint: 'Không sửa: số liệu do chính các cơ quan, đơn vị cấp tỉnh thực hiện (không gồm số của cấp xã).',
    ownOnly: true,
  },
  {
    key: 'agency',
    label: 'Cơ quan lập biểu',
    required: false,
    expects: 'tên cơ quan, ví dụ "Sở Nội vụ"',
    hint: 'Mỗi cơ quan cấp tỉnh một tệp: ghi tên cơ quan lập biểu này.',
    ownOnly: true,
  },
  {
    key: 'coverage',
    label: 'Số đơn vị đã tổng hợp',
    required: false,
    expects: 'số đơn vị đã có / phải báo cáo, ví dụ 7/8',
    hint: 'Đơn vị cấp dưới trực tiếp đã có số liệu / phải báo cáo.',
    summaryOnly: true,
  },
  {
    key: 'coveredUnits',
    label: 'Đơn vị đã tổng hợp',
    required: false,
    expects: 'mã các đơn vị cấp xã, cách nhau bởi dấu phẩy',
    hint: 'Mã các đơn vị cấp xã có số liệu trong bảng này.',
    summaryOnly: true,
  },
  {
    key: 'runId',
    label: 'Mã lần tổng hợp',
    required: false,
    expects: 'mã lần tổng hợp',
    hint: 'Giống mã trong tệp JSON và báo cáo DOCX cùng lần.',
    summaryOnly: true,
  },
  { key: 'madeBy', label: 'Lập bởi', required: false, expects: 'tên phần mềm', hint: '', summaryOnly: true },
];

export type Column = 'stt' | 'code' | 'name' | 'unit' | Measure | 'note';

/** The columns of `Số liệu` in template order: the header the template writes and every header the reader accepts. */
export const COLUMNS: readonly { key: Column; header: string; aliases: readonly string[] }[] = [
  { key: 'stt', header: 'STT', aliases: [] },
  { key: 'code', header: 'Mã số', aliases: ['Mã chỉ tiêu', 'Mã'] },
  { key: 'name', header: 'Chỉ tiêu', aliases: ['Nội dung'] },
  { key: 'unit', header: 'Đơn vị tính', aliases: [] },
  { key: 'total', header: 'Tổng số', aliases: ['Tổng', 'Tổng cộng'] },
  { key: 'nu', header: 'Nữ', aliases: ['Số nữ', 'Phụ nữ'] },
  {
    key: 'dtts',
    header: 'DTTS',
    aliases: ['Người DTTS', 'Dân tộc thiểu số', 'Người dân tộc thiểu số', 'Số người DTTS'],
  },
  { key: 'note', header: 'Ghi chú', aliases: [] },
];

/** The template's heading over the breakdown columns (Nữ, DTTS) on a second header row. */
export const BREAKDOWN_HEADING = 'Trong đó';

export const HEADER_OF = Object.fromEntries(COLUMNS.map((c) => [c.key, c.header])) as Record<Column, string>;

/** The columns the reader needs, found by header text. */
const READ_COLUMNS = new Set<Column>(['code', 'total', 'nu', 'dtts', 'note']);
const BY_HEADER = new Map<string, Column>();
for (const c of COLUMNS)
  if (READ_COLUMNS.has(c.key)) for (const h of [c.header, ...c.aliases]) BY_HEADER.set(normalizeLabel(h), c.key);

/** The column a header cell names: "Tổng số (1)" and "Trong đó: Nữ" count too. */
export function columnOfHeader(text: string): Column | undefined {
  const t = normalizeLabel(text)
    .replace(/\s*\(\d+\)$/, '') // "Tổng số (1)": numbered columns
    .replace(/^trong đó\s*[:\-–]?\s*(?=\S)/, '') // "Trong đó: Nữ" in a one-row header
    .trim();
  return BY_HEADER.get(t);
}

/** The field a `Thông tin` label names; "Mã đơn vị (*)" and "Mã đơn vị:" count too. */
const INFO_BY_LABEL = new Map(INFO_FIELDS.map((f) => [normalizeLabel(f.label), f]));
export function infoFieldOfLabel(text: string): InfoField | undefined {
  return INFO_BY_LABEL.get(
    normalizeLabel(text)
      .replace(/\s*\(\*\)$/, '')
      .replace(/:$/, ''),
  );
}

export { NARRATIVE_LABELS };
export type NarrativeKey = keyof typeof NARRATIVE_LABELS;
const NARRATIVE_BY_LABEL = new Map(
  Object.entries(NARRATIVE_LABELS).map(([k, label]) => [normalizeLabel(label), k as NarrativeKey]),
);
export function narrativeKeyOfLabel(text: string): NarrativeKey | undefined {
  return NARRATIVE_BY_LABEL.get(normalizeLabel(text).replace(/:$/, ''));
}
