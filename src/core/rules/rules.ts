/**
 * Every rule `bdg` checks, in one place: its stable id, severity, the level it applies at, a short Vietnamese
 * description (the README's rule table and the template's guide sheet are made from it), the parameters a check
 * gives, and the Vietnamese message built from them (what is wrong, where, what to do).
 *
 * A check emits a `Finding` — `{ rule, params, cell }` — and `toIssue` turns it into the JSON issue of
 * submission-workbook.md. The params are typed per rule, so `issue('breakdown-exceeds-total', { … })` is
 * checked by tsc. By convention the params' `indicator` and `value` become the issue's fields of that name
 * (`value`: the value of the cell the issue points at, or the text it is about).
 *
 * Adding a rule: one entry here (and its sample in test/rules.test.ts), then emit it.
 *
 * Every part of the product emits its issues through here, the reader (src/core/read/, src/web/read-pool.ts)
 * included: no issue's message is written anywhere else.
 */
import { MEASURE_LABEL, type Measure } from '../catalogue/catalogue.js';
import { COLUMNS, INFO_FIELDS, type InfoField } from '../form/layout.js';
import type { CellRef, Issue, Severity } from '../model.js';
import { formatNumber } from '../util/number.js';

/** Where a rule applies: the file as a whole, a sheet's structure, one cell, or the files of a consolidation together. */
export type RuleLevel = 'file' | 'sheet' | 'cell' | 'consolidation';

/** Which part of the product emits the rule (the reader's rules are emitted from src/core/read/). */
export type RuleSource = 'read' | 'validate' | 'consolidate' | 'edge';

export interface RuleSpec<P> {
  severity: Severity;
  /** The indicator catalogue may set the severity per indicator (`not-above:…:warning`); `params.severity` then wins. */
  severityByIndicator?: true;
  level: RuleLevel;
  source: RuleSource;
  /** One short Vietnamese sentence: when the rule fires. */
  summary: string;
  message: (params: P, at: CellRef | undefined) => string;
}

/** Declares a rule with its params type; the params type is what `issue()` checks at its call sites. */
const rule = <P extends object = Record<never, never>>(spec: RuleSpec<P>): RuleSpec<P> => spec;

// ——— message helpers ———

const n = (v: number) => formatNumber(v);
const mb = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024 / 1024))} MB`;
/** A name taken from a hostile file, made safe to print. */
const printable = (s: string) => s.replace(/[\u0000-\u001f]/g, '?').slice(0, 120);
const quoted = (names: string[]) => names.map((s) => `"${s}"`).join(', ');

/** "Ô F14 (sheet "Số liệu", chỉ tiêu DA8.05, cột Nữ)": where a person should look. */
export function where(ref: CellRef | undefined, indicator?: string, measure?: Measure): string {
  if (!ref) return `sheet "${indicator ?? ''}"`;
  const parts = [`sheet "${ref.sheet}"`];
  if (indicator) parts.push(`chỉ tiêu ${indicator}`);
  if (measure) parts.push(`cột ${MEASURE_LABEL[measure]}`);
  return `Ô ${ref.cell} (${parts.join(', ')})`;
}

const SAVE_AS_XLSX = 'Mở tệp bằng Excel hoặc LibreOffice Calc và lưu lại dưới dạng .xlsx (Excel Workbook), rồi gửi lại tệp đó.';
const RESAVE = 'Mở bằng Excel hoặc LibreOffice, lưu thành tệp mới rồi gửi lại.';

/** A figure cell: the indicator and column it belongs to. */
interface FigureCell {
  indicator: string;
  measure: Measure;
}

/** A figure of the wrong kind: the number read, or the text typed when it was text. */
interface BadFigure extends FigureCell {
  value: number | null;
  text?: string;
}
const shown = (p: BadFigure) => (p.text ? `"${p.text}"` : p.value === null ? '' : n(p.value));

/** A cross-indicator rule on the Tổng số of `indicator`, read against another indicator. */
interface Against {
  indicator: string;
  value: number;
  /** The other indicator's code, its unit ("cuộc"), its value and cell. */
  other: string;
  otherUnit: string;
  otherValue: number;
  otherCell: string;
}

type NotXlsx =
  | { found: 'xls' | 'ods' | 'docx' | 'zip' | 'pdf' | 'html' | 'text' | 'unknown' }
  /** Found by its extension in a folder, not opened. */
  | { found: 'extension'; format: string };

const NOT_XLSX: Record<Exclude<NotXlsx['found'], 'extension'>, string> = {
  xls: `Tệp là định dạng Excel 97-2003 (.xls) cũ. ${SAVE_AS_XLSX}`,
  ods: `Tệp là bảng tính OpenDocument (.ods), không phải .xlsx. ${SAVE_AS_XLSX}`,
  docx: 'Tệp là văn bản Word (.docx) đặt tên .xlsx, không phải bảng tính. Hãy gửi đúng tệp biểu mẫu Excel.',
  zip: `Tệp nén này không phải bảng tính Excel .xlsx. ${SAVE_AS_XLSX}`,
  pdf: 'Tệp là PDF, không phải bảng tính. Hãy gửi tệp Excel .xlsx của biểu mẫu (không in ra PDF).',
  html: `Tệp là trang HTML đặt tên bảng tính (thường do phần mềm xuất ra). ${SAVE_AS_XLSX}`,
  text: `Tệp là văn bản thuần (CSV/TXT), không phải .xlsx. ${SAVE_AS_XLSX}`,
  unknown: `Tệp không phải bảng tính Excel .xlsx. ${SAVE_AS_XLSX}`,
};

/** What is too large, and by how much. */
type TooLarge =
  /** The file, what its parts unzip to in all, or its shared strings table: `size` bytes over `limit`. */
  | { part: 'file' | 'unzipped' | 'shared-strings'; size: number; limit: number }
  /** A part of the zip that unzips to more than the size the file declares for it. */
  | { part: 'entry'; entry: string; declared: number }
  /** A sheet holding more than `limit` cells with a value, or merged ranges. */
  | { part: 'cells' | 'merges'; sheet: string; limit: number }
  /** A part of the zip handing the XML parser more than `limit` elements. */
  | { part: 'elements'; entry: string; limit: number };

function tooLargeMessage(p: TooLarge): string {
  switch (p.part) {
    case 'file':
      return `Tệp nặng ${mb(p.size)}, vượt giới hạn ${mb(p.limit)} của một biểu mẫu. Xóa các sheet, hình ảnh không cần thiết rồi lưu lại (hoặc chạy lại với --max-file-mb nếu tệp đúng là lớn như vậy).`;
    case 'unzipped':
      return `Khi giải nén, tệp chiếm hơn ${mb(p.size)}, vượt giới hạn ${mb(p.limit)}. Tệp có thể bị lỗi hoặc chứa quá nhiều dòng, cột thừa: xóa chúng rồi lưu lại.`;
    case 'shared-strings':
      return `Bảng chữ dùng chung của tệp chiếm ${mb(p.size)}, vượt giới hạn ${mb(p.limit)}; một biểu mẫu thật chỉ vài chục KB. Chép số liệu sang biểu mẫu mới rồi gửi lại.`;
    case 'entry':
      return `Khi giải nén, phần "${printable(p.entry)}" lớn hơn kích thước ghi trong tệp (${n(p.declared)} byte): tệp bị hỏng hoặc là "bom nén" cố ý. Mở tệp gốc bằng Excel hoặc LibreOffice, lưu thành tệp mới rồi gửi lại.`;
    case 'cells':
      return `Sheet "${p.sheet}" có hơn ${n(p.limit)} ô chứa dữ liệu, trong khi một biểu mẫu chỉ có vài trăm ô. Xóa các dòng, cột thừa (hoặc chép số liệu sang biểu mẫu mới do bdg template tạo) rồi lưu lại.`;
    case 'merges':
      return `Sheet "${p.sheet}" có hơn ${n(p.limit)} vùng gộp ô, trong khi một biểu mẫu chỉ có vài chục. Bỏ gộp ô thừa (hoặc chép số liệu sang biểu mẫu mới do bdg template tạo) rồi lưu lại.`;
    case 'elements':
      return `Phần "${printable(p.entry)}" của tệp có hơn ${n(p.limit)} phần tử (ô, dòng trống có định dạng…), trong khi một biểu mẫu chỉ có vài nghìn. Xóa các dòng, cột thừa (chọn chúng › Delete) hoặc chép số liệu sang biểu mẫu mới do bdg template tạo, rồi lưu lại.`;
  }
}

/** A field of `Thông tin`: its label and what to write beside it, as the form has them. */
const infoField = (key: InfoField['key']): InfoField => INFO_FIELDS.find((f) => f.key === key)!;

export const RULES = {
  // ——— the file as a whole (reader) ———
  'file-empty': rule({
    severity: 'error',
    level: 'file',
    source: 'read',
    summary: 'Tệp rỗng (0 byte), thường do tải về chưa xong.',
    message: () => 'Tệp rỗng (0 byte), có thể tải về chưa xong. Hãy lấy lại tệp gốc.',
  }),
  'file-too-large': rule<TooLarge>({
    severity: 'error',
    level: 'file',
    source: 'read',
    summary: 'Tệp, hoặc nội dung giải nén của tệp, vượt giới hạn dung lượng.',
    message: tooLargeMessage,
  }),
  'file-not-xlsx': rule<NotXlsx>({
    severity: 'error',
    level: 'file',
    source: 'read',
    summary: 'Tệp không phải .xlsx (.xls, .ods, PDF, Word, CSV…).',
    message: (p) =>
      p.found === 'extension'
        ? `Tệp ở định dạng ${p.format}, bdg chỉ đọc .xlsx. Mở tệp bằng Excel hoặc LibreOffice Calc và lưu lại dưới dạng .xlsx (Excel Workbook).`
        : NOT_XLSX[p.found],
  }),
  /** `detail`: what the XML parser said of the damaged part, when it said something. */
  'file-damaged': rule<{ damage: 'zip' } | { damage: 'part'; part: string; detail?: string } | { damage: 'part-missing'; part: string }>({
    severity: 'error',
    level: 'file',
    source: 'read',
    summary: 'Tệp hỏng hoặc tải về dở, không giải nén hay không đọc được.',
    message: (p) =>
      p.damage === 'zip'
        ? 'Tệp bị hỏng hoặc tải về chưa hết (cấu trúc nén không đầy đủ). Hãy tải lại hoặc xin gửi lại tệp gốc.'
        : p.damage === 'part'
          ? `Không đọc được nội dung bảng tính (phần "${p.part}" bị hỏng${p.detail ? `: ${p.detail.slice(0, 120)}` : ''}). ${SAVE_AS_XLSX}`
          : `Không đọc được nội dung bảng tính (thiếu phần "${p.part}"). ${SAVE_AS_XLSX}`,
  }),
  'file-encrypted': rule({
    severity: 'error',
    level: 'file',
    source: 'read',
    summary: 'Tệp có mật khẩu.',
    message: () =>
      'Tệp được đặt mật khẩu nên không đọc được. Mở tệp, bỏ mật khẩu (Excel: File › Info › Protect Workbook › Encrypt with Password, xóa mật khẩu), lưu lại rồi gửi.',
  }),
  /** `limit`: the nesting depth the reader allows, which the part goes past. */
  'file-unsafe': rule<
    { danger: 'part-name' | 'duplicate-name'; name: string } | { danger: 'dtd' } | { danger: 'nesting'; part: string; limit: number }
  >({
    severity: 'error',
    level: 'file',
    source: 'read',
    summary: 'Tệp không do Excel tạo: tên thành phần lạ, khai báo DTD/ENTITY, XML lồng quá sâu.',
    message: (p) => {
      switch (p.danger) {
        case 'part-name':
          return `Tệp chứa thành phần có tên bất thường ("${printable(p.name)}"), không phải tệp do Excel tạo. Hãy mở bằng Excel hoặc LibreOffice và lưu lại thành tệp mới.`;
        case 'duplicate-name':
          return `Tệp chứa hai thành phần cùng tên "${printable(p.name)}" (Excel không bao giờ tạo ra như vậy): không biết phần nào là số liệu thật. ${RESAVE}`;
        case 'dtd':
          return `Tệp chứa khai báo XML (DOCTYPE/ENTITY) mà Excel không bao giờ tạo ra, có thể là tệp độc hại. ${RESAVE}`;
        case 'nesting':
          return `Phần "${printable(p.part)}" của tệp lồng nhau quá sâu (hơn ${p.limit} cấp, Excel không quá vài chục), có thể là tệp độc hại hoặc hỏng. ${RESAVE}`;
      }
    },
  }),
  'legacy-encoding': rule<{ value: string }>({
    severity: 'error',
    level: 'file',
    source: 'read',
    summary: 'Chữ gõ bằng bảng mã cũ TCVN3 (.VnTime) hoặc VNI, không đọc được tên sheet và nhãn.',
    message: (p) =>
      `Tệp dùng bảng mã tiếng Việt cũ (TCVN3/ABC hoặc VNI, ví dụ "${p.value}"), nên không đọc được tên sheet và nhãn. Chuyển mã sang Unicode (Unikey: Công cụ › Chuyển mã, hoặc dùng biểu mẫu mới do bdg template tạo), lưu lại rồi gửi.`,
  }),

  // ——— the file, at the edge (files on disk, worker threads) ———
  /** `page-file`: the web page could not get the bytes of a file the person chose. */
  'file-unreadable': rule<
    | { problem: 'not-a-file' | 'missing' | 'no-access' | 'page-file'; path: string }
    | { problem: 'worker'; detail?: string }
    | { problem: 'thread'; detail: string }
  >({
    severity: 'error',
    level: 'file',
    source: 'edge',
    summary: 'Không mở được tệp: không có tệp, không có quyền đọc, hoặc việc đọc bị dừng vì lỗi.',
    message: (p) => {
      switch (p.problem) {
        case 'not-a-file':
          return `"${p.path}" không phải là một tệp.`;
        case 'missing':
          return `Không tìm thấy tệp "${p.path}". Kiểm tra lại tên và thư mục.`;
        case 'no-access':
          return `Không đọc được tệp "${p.path}" (không có quyền đọc?). Kiểm tra quyền truy cập tệp.`;
        case 'page-file':
          return `Không đọc được tệp "${p.path}" từ máy (tệp đã bị chuyển, xóa hoặc không có quyền đọc?). Chọn lại tệp.`;
        case 'worker':
          return `Không đọc được tệp: ${p.detail ?? 'lỗi không rõ'}. Mở tệp bằng Excel/LibreOffice, lưu lại rồi gửi lại.`;
        case 'thread':
          return `Không đọc được tệp (${p.detail}); tệp có thể quá lớn hoặc hỏng. Mở bằng Excel/LibreOffice, lưu lại rồi gửi lại.`;
      }
    },
  }),
  /** `page`: on the web page, which has no --time-limit to suggest. */
  'file-timeout': rule<{ seconds: number; page?: true }>({
    severity: 'error',
    level: 'file',
    source: 'edge',
    summary: 'Đọc một tệp quá thời gian cho phép (mặc định 60 giây, khi tổng hợp).',
    message: (p) =>
      `Đọc tệp quá ${p.seconds} giây nên đã dừng: tệp quá lớn hoặc bất thường. Mở bằng Excel/LibreOffice, xóa dòng, cột thừa, ${p.page ? 'lưu lại rồi gửi lại' : 'lưu lại (hoặc chạy lại với --time-limit lớn hơn)'}.`,
  }),
  /** The marked copy of a rejected file (validate --annotate, consolidate's tra-lai/, the page) could not be made within the bounds. */
  'annotate-skipped': rule<{ problem: 'too-large' | 'unreadable' | 'timeout' | 'memory'; seconds?: number; page?: true }>({
    severity: 'warning',
    level: 'file',
    source: 'edge',
    summary: 'Không tạo bản đánh dấu lỗi của một tệp bị từ chối (tệp quá lớn, bất thường, hoặc đánh dấu quá thời gian); các lỗi vẫn được liệt kê.',
    message: (p) => {
      const why = {
        'too-large': 'nội dung giải nén của tệp vượt giới hạn dung lượng',
        unreadable: 'tệp không mở được như một bảng tính .xlsx',
        timeout: `đánh dấu quá ${p.seconds ?? 60} giây nên đã dừng (tệp quá lớn hoặc bất thường)`,
        memory: 'đánh dấu cần quá nhiều bộ nhớ nên đã dừng (tệp quá lớn hoặc bất thường)',
      }[p.problem];
      const send = p.page ? 'các lỗi vẫn được liệt kê dưới đây' : 'các lỗi của tệp vẫn được liệt kê';
      return `Không tạo bản đánh dấu lỗi: ${why}; ${send}. Gửi danh sách lỗi này cho đơn vị; đơn vị mở tệp bằng Excel hoặc LibreOffice, xóa dòng, cột thừa, sửa các lỗi rồi gửi lại.`;
    },
  }),

  // ——— sheets and their structure (reader) ———
  'sheet-missing': rule<{ sheet: string; present: string[] }>({
    severity: 'error',
    level: 'sheet',
    source: 'read',
    summary: 'Thiếu sheet "Thông tin" hoặc "Số liệu".',
    message: (p) =>
      `Thiếu sheet "${p.sheet}". Tệp có các sheet: ${quoted(p.present) || '(không có)'}. Hãy dùng biểu mẫu do bdg template tạo, hoặc đổi tên sheet cho đúng.`,
  }),
  'sheet-ambiguous': rule<{ sheet: string; matches: { name: string; hidden: boolean }[] }>({
    severity: 'error',
    level: 'sheet',
    source: 'read',
    summary: 'Hai sheet cùng được hiểu là "Thông tin" hoặc "Số liệu" (kể cả sheet ẩn).',
    message: (p) =>
      `Có ${p.matches.length} sheet cùng được hiểu là "${p.sheet}": ${p.matches.map((m) => `"${m.name}"${m.hidden ? ' (đang ẩn)' : ''}`).join(', ')}, nên không biết số liệu nằm ở sheet nào. Chỉ giữ một sheet "${p.sheet}": xóa hoặc đổi tên các sheet còn lại (kể cả sheet ẩn: chuột phải vào tên sheet › Unhide để thấy) rồi lưu lại.`,
  }),
  'sheet-hidden': rule<{ sheet: string; veryHidden: boolean }>({
    severity: 'error',
    level: 'sheet',
    source: 'read',
    summary: 'Sheet cần đọc đang bị ẩn (người lập biểu không thấy số liệu trong đó).',
    message: (p) =>
      p.veryHidden
        ? `Sheet "${p.sheet}" bị ẩn sâu (very hidden, không hiện được từ menu), nên người lập biểu không thấy số liệu trong đó. Chép số liệu sang biểu mẫu mới do bdg template tạo rồi gửi lại.`
        : `Sheet "${p.sheet}" đang bị ẩn. Hiện sheet (chuột phải vào tên sheet › Unhide), kiểm tra lại số liệu trong đó, lưu lại rồi gửi.`,
  }),
  /** `value`: the merged range (E12:E13); `indicator`: the first indicator whose figure it covers. */
  'merged-figure-cell': rule<{ sheet: string; value: string; indicator: string; covered: { code: string; measure: Measure }[] }>({
    severity: 'error',
    level: 'sheet',
    source: 'read',
    summary: 'Vùng gộp ô (Merge) phủ lên ô số liệu: không biết số thuộc ô nào.',
    message: (p) => {
      const byCode = new Map<string, Measure[]>();
      for (const c of p.covered) byCode.set(c.code, [...(byCode.get(c.code) ?? []), c.measure]);
      const what = [...byCode].map(([code, ms]) => `chỉ tiêu ${code} (cột ${ms.map((m) => MEASURE_LABEL[m]).join(', ')})`).join(' và ');
      return `Vùng ô ${p.value} (sheet "${p.sheet}") đang gộp lại (Merge) và phủ lên ô số liệu của ${what}: một số trong ô gộp không biết thuộc ô nào. Bỏ gộp vùng này (Home › Merge & Center › Unmerge Cells) rồi nhập lại từng số vào đúng ô của nó.`;
    },
  }),
  /** `emptyCell`: the field's cell in column B when its label is there and the cell empty. Label and hint from src/core/form/layout.ts. */
  'info-missing': rule<{ sheet: string; field: InfoField['key']; emptyCell?: string }>({
    severity: 'error',
    level: 'sheet',
    source: 'read',
    summary: 'Sheet "Thông tin" thiếu Mã đơn vị, Tên đơn vị, Kỳ báo cáo hoặc Phiên bản biểu mẫu.',
    message: (p) => {
      const { label, expects } = infoField(p.field);
      return `Sheet "${p.sheet}": thiếu "${label}"${p.emptyCell ? ` (ô ${p.emptyCell} đang trống)` : ''}. Ghi nhãn "${label}" ở cột A và ${expects} ở cột B.`;
    },
  }),
  'period-invalid': rule<{ value: string }>({
    severity: 'error',
    level: 'cell',
    source: 'read',
    summary: 'Kỳ báo cáo không đúng dạng "Năm 2024" hoặc "6 tháng đầu năm 2024".',
    message: (p, at) => `${where(at)}: kỳ báo cáo "${p.value}" không đúng dạng. Ghi "Năm 2024" hoặc "6 tháng đầu năm 2024".`,
  }),
  'version-unknown': rule<{ value: string; known: string[] }>({
    severity: 'error',
    level: 'cell',
    source: 'read',
    summary: 'Phiên bản biểu mẫu không được hỗ trợ.',
    message: (p, at) =>
      `${where(at)}: phiên bản biểu mẫu "${p.value}" không được hỗ trợ (bdg biết: ${p.known.join(', ')}). Hãy chép số liệu sang biểu mẫu mới tạo bằng bdg template.`,
  }),
  'date-invalid': rule<{ value: string }>({
    severity: 'warning',
    level: 'cell',
    source: 'read',
    summary: 'Ngày lập không đọc được (ghi dd/mm/yyyy).',
    message: (p, at) => `${where(at)}: ngày lập "${p.value}" không đọc được. Ghi ngày dạng dd/mm/yyyy, ví dụ 15/12/2024.`,
  }),
  'header-missing': rule<{ sheet: string }>({
    severity: 'error',
    level: 'sheet',
    source: 'read',
    summary: 'Sheet "Số liệu" không có dòng tiêu đề chứa ô "Mã số".',
    message: (p) =>
      `Sheet "${p.sheet}" không có dòng tiêu đề chứa ô "Mã số". Thêm lại dòng tiêu đề của biểu mẫu (${COLUMNS.map((c) => c.header).join(', ')}).`,
  }),
  'column-missing': rule<{ sheet: string; headerRow: number; measure: Measure }>({
    severity: 'error',
    level: 'sheet',
    source: 'read',
    summary: 'Dòng tiêu đề thiếu cột Tổng số, Nữ hoặc DTTS.',
    message: (p) =>
      `Sheet "${p.sheet}", dòng tiêu đề ${p.headerRow}: không tìm thấy cột "${MEASURE_LABEL[p.measure]}". Thêm cột này (tiêu đề đúng chữ "${MEASURE_LABEL[p.measure]}") rồi nhập số liệu.`,
  }),
  'column-duplicate': rule<{ header: string }>({
    severity: 'error',
    level: 'sheet',
    source: 'read',
    summary: 'Một cột xuất hiện hai lần trong dòng tiêu đề.',
    message: (p, at) => `${where(at)}: cột "${p.header}" xuất hiện hai lần trong dòng tiêu đề. Xóa hoặc đổi tên một cột.`,
  }),
  'code-unknown': rule<{ value: string; catalogueVersion: string }>({
    severity: 'error',
    level: 'sheet',
    source: 'read',
    summary: 'Mã chỉ tiêu không có trong danh mục.',
    message: (p, at) =>
      `${where(at)}: mã chỉ tiêu "${p.value}" không có trong danh mục ${p.catalogueVersion}. Sửa lại mã cho đúng biểu mẫu, hoặc xóa dòng này.`,
  }),
  'code-duplicate': rule<{ indicator: string; value: string; firstCell: string }>({
    severity: 'error',
    level: 'sheet',
    source: 'read',
    summary: 'Một mã chỉ tiêu có hai dòng.',
    message: (p, at) =>
      `${where(at)}: mã ${p.value} đã có ở ô ${p.firstCell}. Mỗi chỉ tiêu chỉ nhập một dòng: gộp số liệu vào một dòng và xóa dòng thừa.`,
  }),
  'code-missing': rule<{ sheet: string; indicator: string; indicatorName: string }>({
    severity: 'error',
    level: 'sheet',
    source: 'read',
    summary: 'Thiếu dòng của một chỉ tiêu trong danh mục.',
    message: (p) =>
      `Sheet "${p.sheet}": thiếu dòng chỉ tiêu ${p.indicator} "${p.indicatorName}". Thêm dòng này với mã ${p.indicator} (để trống số liệu nếu không có).`,
  }),

  // ——— one cell (reader) ———
  'value-not-xml-number': rule<FigureCell & { value: string }>({
    severity: 'error',
    level: 'cell',
    source: 'read',
    summary: 'Ô số lưu một giá trị không phải số hợp lệ (phần mềm xuất tệp ghi sai, ví dụ 298,7).',
    message: (p, at) =>
      `${where(at, p.indicator, p.measure)}: ô số lưu giá trị "${p.value}", không phải một số hợp lệ (phần mềm xuất tệp đã ghi sai định dạng số), nên không biết đúng số là bao nhiêu. Mở tệp bằng Excel/LibreOffice, nhập lại số ở ô này, lưu lại rồi gửi.`,
  }),
  'value-not-number': rule<FigureCell & ({ found: 'text' | 'date'; value: string } | { found: 'bool'; value: 'true' | 'false' })>({
    severity: 'error',
    level: 'cell',
    source: 'read',
    summary: 'Ô số liệu chứa chữ, ngày tháng hoặc TRUE/FALSE thay vì số.',
    message: (p, at) => {
      const head = `${where(at, p.indicator, p.measure)}: `;
      if (p.found === 'date')
        return `${head}ô đang ở định dạng ngày tháng (${p.value}), có thể do gõ "1.5" hay "1/5". Đổi định dạng ô sang Number và nhập lại số.`;
      if (p.found === 'bool')
        return `${head}ô chứa giá trị ${p.value === 'true' ? 'TRUE' : 'FALSE'}, không phải số. Nhập số, hoặc để trống nếu không có số liệu.`;
      return `${head}"${p.value}" không phải là số. Chỉ nhập số (ví dụ 1.234); để trống hoặc ghi "-" nếu không có số liệu; ghi chú đưa vào cột Ghi chú.`;
    },
  }),
  'value-ambiguous': rule<FigureCell & { value: string; reading: string }>({
    severity: 'error',
    level: 'cell',
    source: 'read',
    summary: 'Số viết mập mờ (1,234 hay 12.5): không rõ phân cách hàng nghìn hay thập phân.',
    message: (p, at) =>
      `${where(at, p.indicator, p.measure)}: "${p.value}" không rõ nghĩa (${p.reading}). Theo cách viết Việt Nam, dấu chấm ngăn cách hàng nghìn (1.234) và dấu phẩy là thập phân (12,5). Nhập lại số cho rõ.`,
  }),
  'value-error': rule<FigureCell & { value: string }>({
    severity: 'error',
    level: 'cell',
    source: 'read',
    summary: 'Ô báo lỗi công thức (#DIV/0!, #REF!…).',
    message: (p, at) => `${where(at, p.indicator, p.measure)}: ô báo lỗi ${p.value}. Sửa công thức hoặc nhập số trực tiếp.`,
  }),
  'formula-no-result': rule<FigureCell & { value: string }>({
    severity: 'error',
    level: 'cell',
    source: 'read',
    summary: 'Công thức chưa có kết quả được lưu.',
    message: (p, at) =>
      `${where(at, p.indicator, p.measure)}: công thức "${p.value}" chưa có kết quả được lưu. Mở tệp bằng Excel/LibreOffice và lưu lại (để công thức được tính), hoặc nhập số trực tiếp.`,
  }),

  // ——— the unit (validation of Thông tin) ———
  /** `otherEdition`: the code belongs to the other edition of the built-in unit lists, said in full. */
  'unit-unknown': rule<{ value: string; otherEdition?: string }>({
    severity: 'error',
    level: 'cell',
    source: 'validate',
    summary: 'Mã đơn vị không có trong danh mục đơn vị hành chính (hoặc là mã của danh mục khác kỳ).',
    message: (p, at) =>
      p.otherEdition
        ? `${where(at)}: ${p.otherEdition}`
        : `${where(at)}: mã đơn vị "${p.value}" không có trong danh mục đơn vị hành chính. Kiểm tra lại mã (ví dụ 655 cho Huyện Krông A Na).`,
  }),
  /** `hint`: what the unit lists know of that name (another edition's name of the code), else a plain check. */
  'unit-name-mismatch': rule<{ value: string; code: string; listedName: string; hint?: string }>({
    severity: 'warning',
    level: 'cell',
    source: 'validate',
    summary: 'Tên đơn vị khác tên trong danh mục của mã đã ghi.',
    message: (p, at) =>
      `${where(at)}: tên "${p.value}" khác tên trong danh mục của mã ${p.code} ("${p.listedName}"). ${p.hint ?? 'Kiểm tra lại mã đơn vị.'}`,
  }),

  // ——— the kind of each figure (zod schema from the catalogue) ———
  'value-negative': rule<BadFigure>({
    severity: 'error',
    level: 'cell',
    source: 'validate',
    summary: 'Số âm (số liệu phải từ 0 trở lên).',
    message: (p, at) => `${where(at, p.indicator, p.measure)}: số ${shown(p)} là số âm. Số liệu phải ≥ 0; nếu không có số liệu thì để trống.`,
  }),
  'value-too-large': rule<BadFigure>({
    severity: 'error',
    level: 'cell',
    source: 'validate',
    summary: 'Số lớn bất thường (quá 1 tỷ), thường do dán nhầm.',
    message: (p, at) =>
      `${where(at, p.indicator, p.measure)}: ${shown(p)} lớn bất thường (quá 1 tỷ). Kiểm tra lại số đã nhập (có thể dán nhầm mã số hoặc số điện thoại).`,
  }),
  'value-not-whole': rule<BadFigure & { indicatorName: string; unit: string }>({
    severity: 'error',
    level: 'cell',
    source: 'validate',
    summary: 'Số lẻ ở chỉ tiêu đếm (người, cuộc, xã…).',
    message: (p, at) =>
      `${where(at, p.indicator, p.measure)}: ${shown(p)} không phải số nguyên, mà "${p.indicatorName}" đếm bằng ${p.unit}. Nhập số nguyên (nếu gõ 1.234 thì dấu chấm là phân cách hàng nghìn).`,
  }),
  'money-precision': rule<BadFigure>({
    severity: 'error',
    level: 'cell',
    source: 'validate',
    summary: 'Kinh phí có quá 3 chữ số thập phân (ghi bằng triệu đồng).',
    message: (p, at) =>
      `${where(at, p.indicator, p.measure)}: ${shown(p)} có quá 3 chữ số thập phân. Kinh phí ghi bằng triệu đồng, tối đa 3 chữ số thập phân (ví dụ 1.643,5).`,
  }),
  'breakdown-not-applicable': rule<FigureCell & { value: number }>({
    severity: 'error',
    level: 'cell',
    source: 'validate',
    summary: 'Có số trong ô xám (chỉ tiêu không tách theo Nữ hoặc DTTS).',
    message: (p, at) =>
      `${where(at, p.indicator, p.measure)}: chỉ tiêu này không tách theo "${MEASURE_LABEL[p.measure]}" (ô xám) nhưng có số ${n(p.value)}. Xóa số ở ô này; nếu cần, ghi vào cột Ghi chú.`,
  }),

  // ——— figures against each other (indicators.md) ———
  'breakdown-without-total': rule<{ indicator: string; breakdown: Measure; breakdownValue: number; value: null }>({
    severity: 'error',
    level: 'cell',
    source: 'validate',
    summary: 'Có số Nữ hoặc DTTS nhưng Tổng số để trống.',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: có số ${MEASURE_LABEL[p.breakdown]} (${n(p.breakdownValue)}) nhưng Tổng số để trống. Nhập Tổng số.`,
  }),
  'money-in-dong': rule<FigureCell & { value: number }>({
    severity: 'error',
    level: 'cell',
    source: 'validate',
    summary: 'Kinh phí từ 1.000.000 triệu đồng trở lên: có thể đã nhập theo đồng.',
    message: (p, at) =>
      `${where(at, p.indicator, p.measure)}: ${n(p.value)} triệu đồng là ${n(p.value / 1e6)} nghìn tỷ đồng, có thể đã nhập theo đồng; đơn vị tính là triệu đồng. Nếu số tiền là ${n(p.value)} đồng, nhập ${n(Math.round(p.value / 1000) / 1000)} (triệu đồng).`,
  }),
  'value-above-level-bound': rule<FigureCell & { value: number; unit: string; level: string; bound: number; money: boolean }>({
    severity: 'warning',
    level: 'cell',
    source: 'validate',
    summary: 'Số liệu cao bất thường so với một đơn vị cùng cấp (ngưỡng theo cấp trong danh mục chỉ tiêu).',
    message: (p, at) =>
      `${where(at, p.indicator, p.measure)}: ${n(p.value)} ${p.unit} cao bất thường với một đơn vị cấp ${p.level.toLocaleLowerCase('vi')} (thường không quá ${n(p.bound)}). Kiểm tra lại số đã nhập${p.money ? ' (kinh phí ghi bằng triệu đồng)' : ''}.`,
  }),
  'breakdown-exceeds-total': rule<FigureCell & { value: number; total: number; totalCell: string }>({
    severity: 'error',
    level: 'cell',
    source: 'validate',
    summary: 'Số Nữ hoặc DTTS lớn hơn Tổng số của cùng dòng.',
    message: (p, at) =>
      `${where(at, p.indicator, p.measure)}: số ${MEASURE_LABEL[p.measure]} (${n(p.value)}) lớn hơn Tổng số (${n(p.total)}, ô ${p.totalCell}). Số "Trong đó" không được vượt tổng: kiểm tra lại hai ô này.`,
  }),
  'part-exceeds-whole': rule<FigureCell & { value: number; whole: string; wholeName: string; wholeValue: number; wholeCell: string }>({
    severity: 'error',
    level: 'cell',
    source: 'validate',
    summary: 'Chỉ tiêu "trong đó" lớn hơn chỉ tiêu gốc của nó.',
    message: (p, at) =>
      `${where(at, p.indicator, p.measure)}: ${n(p.value)} lớn hơn số của chỉ tiêu ${p.whole} "${p.wholeName}" (${n(p.wholeValue)}, ô ${p.wholeCell}), trong khi đây là số "trong đó". Sửa một trong hai ô.`,
  }),
  'attendance-without-event': rule<Against & { unit: string }>({
    severity: 'error',
    level: 'cell',
    source: 'validate',
    summary: 'Có người tham dự nhưng số cuộc, lớp là 0.',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: có ${n(p.value)} ${p.unit} nhưng số ${p.otherUnit} ở ${p.other} (ô ${p.otherCell}) là 0. Nhập số ${p.otherUnit} đã tổ chức, hoặc sửa số người về 0.`,
  }),
  'event-without-attendance': rule<Omit<Against, 'value'> & { value: 0 | null; unit: string }>({
    severity: 'error',
    level: 'cell',
    source: 'validate',
    summary: 'Có cuộc, lớp nhưng số người tham dự là 0 hoặc để trống.',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: ${p.other} có ${n(p.otherValue)} ${p.otherUnit} (ô ${p.otherCell}) nhưng số người tham dự ${p.value === 0 ? 'là 0' : 'để trống'}. Nhập số ${p.unit} tham dự.`,
  }),
  'communes-exceed-units': rule<{ indicator: string; value: number; unitName: string; max: number }>({
    severity: 'error',
    level: 'cell',
    source: 'validate',
    summary: 'Số xã vượt số đơn vị cấp xã trực thuộc theo danh mục (cần danh mục đơn vị).',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: ${n(p.value)} xã, nhưng theo danh mục, ${p.unitName} chỉ có ${n(p.max)} đơn vị cấp xã. Sửa lại số xã (không vượt ${n(p.max)}).`,
  }),
  'attendance-per-event-high': rule<Against & { unit: string; max: number }>({
    severity: 'warning',
    level: 'cell',
    source: 'validate',
    summary: 'Bình quân người tham dự mỗi cuộc, lớp cao bất thường.',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: bình quân ${n(Math.round(p.value / p.otherValue))} ${p.unit}/${p.otherUnit} (${n(p.value)} ÷ ${n(p.otherValue)} ${p.otherUnit} ở ${p.other}, ô ${p.otherCell}), cao bất thường (trên ${n(p.max)}). Kiểm tra lại số liệu.`,
  }),
  'members-per-unit-unusual': rule<Omit<Against, 'otherCell'> & { lo: number; hi: number }>({
    severity: 'warning',
    level: 'cell',
    source: 'validate',
    summary: 'Bình quân thành viên mỗi tổ, nhóm, câu lạc bộ ngoài khoảng thường gặp.',
    message: (p, at) =>
      p.otherValue === 0
        ? `${where(at, p.indicator, 'total')}: có ${n(p.value)} thành viên nhưng ${p.other} ghi 0 ${p.otherUnit}. Kiểm tra lại.`
        : `${where(at, p.indicator, 'total')}: bình quân ${n(Math.round((p.value / p.otherValue) * 10) / 10)} thành viên/${p.otherUnit} (${n(p.value)} ÷ ${n(p.otherValue)} ${p.otherUnit} ở ${p.other}), ngoài khoảng thường gặp ${p.lo}–${p.hi}. Kiểm tra lại số liệu.`,
  }),
  'victims-fewer-than-cases': rule<Omit<Against, 'otherUnit'>>({
    severity: 'warning',
    level: 'cell',
    source: 'validate',
    summary: 'Số nạn nhân ít hơn số vụ.',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: ${n(p.value)} nạn nhân, ít hơn số vụ ở ${p.other} (${n(p.otherValue)}, ô ${p.otherCell}). Mỗi vụ có ít nhất một nạn nhân: kiểm tra lại.`,
  }),
  'value-above-reference': rule<Omit<Against, 'otherUnit'> & { otherName: string; severity: Severity }>({
    severity: 'warning',
    severityByIndicator: true,
    level: 'cell',
    source: 'validate',
    summary: 'Số lớn hơn chỉ tiêu đối chiếu (ví dụ kinh phí giải ngân lớn hơn kinh phí được giao).',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: ${n(p.value)} lớn hơn ${p.other} "${p.otherName}" (${n(p.otherValue)}, ô ${p.otherCell}). Có thể do kinh phí năm trước chuyển sang; nếu không, kiểm tra lại.`,
  }),
  'outlier-vs-previous': rule<{ indicator: string; value: number; previous: number }>({
    severity: 'warning',
    level: 'cell',
    source: 'validate',
    summary: 'Số liệu tăng hoặc giảm quá 5 lần so với kỳ trước (khi có số liệu kỳ trước để so sánh).',
    message: (p, at) => `${where(at, p.indicator, 'total')}: ${n(p.value)} so với ${n(p.previous)} kỳ trước, thay đổi hơn 5 lần. Kiểm tra lại số liệu.`,
  }),

  // ——— the files of a consolidation together ———
  'period-mismatch': rule<{ value: string | null; period: string }>({
    severity: 'error',
    level: 'consolidation',
    source: 'consolidate',
    summary: 'Tệp của kỳ khác kỳ đang tổng hợp.',
    message: (p) =>
      `Tệp báo cáo ${p.value ?? 'không rõ kỳ'}, khác kỳ đang tổng hợp (${p.period}). Kiểm tra ô "Kỳ báo cáo" hoặc bỏ tệp này khỏi thư mục.`,
  }),
  'unit-outside-root': rule<{ value: string; unitName: string; rootCode: string; rootName: string }>({
    severity: 'error',
    level: 'consolidation',
    source: 'consolidate',
    summary: 'Tệp của đơn vị không thuộc đơn vị đang tổng hợp (--root).',
    message: (p) =>
      `Đơn vị ${p.value} (${p.unitName}) không thuộc ${p.rootName}, đơn vị đang tổng hợp (--root ${p.rootCode}). Bỏ tệp này khỏi thư mục, hoặc chọn --root là đơn vị chứa cả đơn vị này.`,
  }),
  /** `sameDate`: the files' common `Ngày lập` (dd/mm/yyyy); absent when not every file has one. */
  'unit-duplicate': rule<{ value: string; unitName: string; otherFiles: string[]; sameDate?: string }>({
    severity: 'error',
    level: 'consolidation',
    source: 'consolidate',
    summary: 'Hai tệp của cùng một đơn vị, cùng "Ngày lập" hoặc thiếu "Ngày lập" (không biết tệp nào gửi sau).',
    message: (p) =>
      `Đơn vị ${p.value} (${p.unitName}) có nhiều tệp: tệp này và ${quoted(p.otherFiles)} (${p.sameDate ? `cùng ngày lập ${p.sameDate}` : 'không phải tệp nào cũng ghi "Ngày lập"'}, nên không biết tệp nào gửi sau). Không tệp nào được tổng hợp để tránh cộng hai lần: giữ lại một tệp đúng, hoặc ghi "Ngày lập" của bản sửa sau ngày của bản cũ.`,
  }),
} as const;

export type RuleId = keyof typeof RULES;
export type RuleParams<R extends RuleId> = (typeof RULES)[R] extends RuleSpec<infer P> ? P : never;

/** What a check emits: the rule, its parameters, and the cell it points at (none for a whole file). */
export type Finding = { [R in RuleId]: { rule: R; params: RuleParams<R>; cell?: CellRef } }[RuleId];

export const RULE_IDS = Object.keys(RULES) as RuleId[];

export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(RULES, id);
}

export function ruleSpec(id: RuleId): RuleSpec<object> {
  return RULES[id] as RuleSpec<object>;
}

/** The JSON issue of submission-workbook.md for a finding: `rule`, `severity`, `sheet`, `cell`, `indicator`, `value`, `message`. */
export function toIssue(finding: Finding): Issue {
  const spec = ruleSpec(finding.rule);
  const params = finding.params as { indicator?: string; value?: number | string | null; severity?: Severity };
  const severity = spec.severityByIndicator && params.severity ? params.severity : spec.severity;
  const issue = { rule: finding.rule, severity } as Issue;
  if (finding.cell) {
    issue.sheet = finding.cell.sheet;
    issue.cell = finding.cell.cell;
  }
  if (params.indicator) issue.indicator = params.indicator;
  if (params.value !== undefined) issue.value = params.value;
  issue.message = spec.message(finding.params, finding.cell).normalize('NFC');
  return issue;
}

/** `toIssue` of one finding, written as a call: `issue('breakdown-exceeds-total', { … }, cell)`. */
export function issue<R extends RuleId>(rule: R, params: RuleParams<R>, cell?: CellRef): Issue {
  return toIssue({ rule, params, cell } as Finding);
}
