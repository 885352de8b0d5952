import { MEASURE_LABEL, type Measure } from '../catalogue/catalogue.js';
import { makeIssue, where } from '../issues.js';
import type { CellRef, Issue } from '../model.js';

/**
 * Every finding the reader reports, one function per rule id: the parameters in, the issue with its Vietnamese
 * message out. Nothing else in src/core/read writes a message, so the rules catalogue can take these over as they are.
 */

const SAVE_AS_XLSX = 'Mở tệp bằng Excel hoặc LibreOffice Calc và lưu lại dưới dạng .xlsx (Excel Workbook), rồi gửi lại tệp đó.';
const RESAVE = 'Mở bằng Excel hoặc LibreOffice, lưu thành tệp mới rồi gửi lại.';

const mb = (n: number) => `${Math.max(1, Math.round(n / 1024 / 1024))} MB`;
const count = (n: number) => n.toLocaleString('vi-VN').replace(/,/g, '.');
const fileIssue = (rule: string, message: string, value?: string): Issue => makeIssue(rule, 'error', undefined, message, value === undefined ? {} : { value });

// ── the file as a whole ────────────────────────────────────────────────────────────────────────────────────────

export const fileEmpty = () => fileIssue('file-empty', 'Tệp rỗng (0 byte), có thể tải về chưa xong. Hãy lấy lại tệp gốc.');

export const fileTooLarge = (size: number, limit: number) =>
  fileIssue(
    'file-too-large',
    `Tệp nặng ${mb(size)}, vượt giới hạn ${mb(limit)} của một biểu mẫu. Xóa các sheet, hình ảnh không cần thiết rồi lưu lại (hoặc chạy lại với --max-file-mb nếu tệp đúng là lớn như vậy).`,
  );

export const tooLargeInside = (bytes: number, limit: number) =>
  fileIssue(
    'file-too-large',
    `Khi giải nén, tệp chiếm hơn ${mb(bytes)}, vượt giới hạn ${mb(limit)}. Tệp có thể bị lỗi hoặc chứa quá nhiều dòng, cột thừa: xóa chúng rồi lưu lại.`,
  );

export const sizeLies = (part: string, declared: number) =>
  fileIssue(
    'file-too-large',
    `Khi giải nén, phần "${part}" lớn hơn kích thước ghi trong tệp (${declared.toLocaleString('vi-VN').replace(/,/g, '.')} byte): tệp bị hỏng hoặc là "bom nén" cố ý. Mở tệp gốc bằng Excel hoặc LibreOffice, lưu thành tệp mới rồi gửi lại.`,
  );

export const sharedStringsTooLarge = (bytes: number, limit: number) =>
  fileIssue(
    'file-too-large',
    `Bảng chữ dùng chung của tệp chiếm ${mb(bytes)}, vượt giới hạn ${mb(limit)}; một biểu mẫu thật chỉ vài chục KB. Chép số liệu sang biểu mẫu mới rồi gửi lại.`,
  );

export const tooManyCells = (sheet: string, limit: number) =>
  fileIssue(
    'file-too-large',
    `Sheet "${sheet}" có hơn ${count(limit)} ô chứa dữ liệu, trong khi một biểu mẫu chỉ có vài trăm ô. Xóa các dòng, cột thừa (hoặc chép số liệu sang biểu mẫu mới do bdg template tạo) rồi lưu lại.`,
  );

export const tooManyElements = (part: string, limit: number) =>
  fileIssue(
    'file-too-large',
    `Phần "${part}" của tệp có hơn ${count(limit)} phần tử (ô, dòng trống có định dạng…), trong khi một biểu mẫu chỉ có vài nghìn. Xóa các dòng, cột thừa (chọn chúng › Delete) hoặc chép số liệu sang biểu mẫu mới do bdg template tạo, rồi lưu lại.`,
  );

export const tooManyMerges = (sheet: string, limit: number) =>
  fileIssue(
    'file-too-large',
    `Sheet "${sheet}" có hơn ${count(limit)} vùng gộp ô, trong khi một biểu mẫu chỉ có vài chục. Bỏ gộp ô thừa (hoặc chép số liệu sang biểu mẫu mới do bdg template tạo) rồi lưu lại.`,
  );

export const fileTruncated = () => fileIssue('file-damaged', 'Tệp bị hỏng hoặc tải về chưa hết (cấu trúc nén không đầy đủ). Hãy tải lại hoặc xin gửi lại tệp gốc.');

export const partDamaged = (part: string, detail?: string) =>
  fileIssue('file-damaged', `Không đọc được nội dung bảng tính (phần "${part}" bị hỏng${detail ? `: ${detail.slice(0, 120)}` : ''}). ${SAVE_AS_XLSX}`);

export const partMissing = (part: string) => fileIssue('file-damaged', `Không đọc được nội dung bảng tính (thiếu phần "${part}"). ${SAVE_AS_XLSX}`);

export const fileIsOds = () => fileIssue('file-not-xlsx', `Tệp là bảng tính OpenDocument (.ods), không phải .xlsx. ${SAVE_AS_XLSX}`);
export const fileIsDocx = () => fileIssue('file-not-xlsx', 'Tệp là văn bản Word (.docx) đặt tên .xlsx, không phải bảng tính. Hãy gửi đúng tệp biểu mẫu Excel.');
export const fileIsOtherZip = () => fileIssue('file-not-xlsx', `Tệp nén này không phải bảng tính Excel .xlsx. ${SAVE_AS_XLSX}`);

export function fileNotXlsx(kind: 'xls' | 'pdf' | 'html' | 'text' | 'unknown'): Issue {
  const text = {
    xls: `Tệp là định dạng Excel 97-2003 (.xls) cũ. ${SAVE_AS_XLSX}`,
    pdf: 'Tệp là PDF, không phải bảng tính. Hãy gửi tệp Excel .xlsx của biểu mẫu (không in ra PDF).',
    html: `Tệp là trang HTML đặt tên bảng tính (thường do phần mềm xuất ra). ${SAVE_AS_XLSX}`,
    text: `Tệp là văn bản thuần (CSV/TXT), không phải .xlsx. ${SAVE_AS_XLSX}`,
    unknown: `Tệp không phải bảng tính Excel .xlsx. ${SAVE_AS_XLSX}`,
  }[kind];
  return fileIssue('file-not-xlsx', text);
}

export const fileEncrypted = () =>
  fileIssue(
    'file-encrypted',
    'Tệp được đặt mật khẩu nên không đọc được. Mở tệp, bỏ mật khẩu (Excel: File › Info › Protect Workbook › Encrypt with Password, xóa mật khẩu), lưu lại rồi gửi.',
  );

export const entryNameUnsafe = (name: string) =>
  fileIssue('file-unsafe', `Tệp chứa thành phần có tên bất thường ("${name}"), không phải tệp do Excel tạo. Hãy mở bằng Excel hoặc LibreOffice và lưu lại thành tệp mới.`);

export const entryDuplicate = (name: string) =>
  fileIssue(
    'file-unsafe',
    `Tệp chứa hai thành phần cùng tên "${name}" (Excel không bao giờ tạo ra như vậy): không biết phần nào là số liệu thật. ${RESAVE}`,
  );

export const xmlDoctype = () =>
  fileIssue('file-unsafe', `Tệp chứa khai báo XML (DOCTYPE/ENTITY) mà Excel không bao giờ tạo ra, có thể là tệp độc hại. ${RESAVE}`);

export const xmlTooDeep = (part: string, limit: number) =>
  fileIssue('file-unsafe', `Phần "${part}" của tệp lồng nhau quá sâu (hơn ${limit} cấp, Excel không quá vài chục), có thể là tệp độc hại hoặc hỏng. ${RESAVE}`);

// ── sheets ─────────────────────────────────────────────────────────────────────────────────────────────────────

export const sheetMissing = (name: string, present: string[]) =>
  fileIssue(
    'sheet-missing',
    `Thiếu sheet "${name}". Tệp có các sheet: ${present.map((s) => `"${s}"`).join(', ') || '(không có)'}. Hãy dùng biểu mẫu do bdg template tạo, hoặc đổi tên sheet cho đúng.`,
  );

export const sheetAmbiguous = (name: string, matches: { name: string; hidden: boolean }[]) =>
  fileIssue(
    'sheet-ambiguous',
    `Có ${matches.length} sheet cùng được hiểu là "${name}": ${matches.map((m) => `"${m.name}"${m.hidden ? ' (đang ẩn)' : ''}`).join(', ')}, nên không biết số liệu nằm ở sheet nào. Chỉ giữ một sheet "${name}": xóa hoặc đổi tên các sheet còn lại (kể cả sheet ẩn: chuột phải vào tên sheet › Unhide để thấy) rồi lưu lại.`,
  );

export const sheetHidden = (name: string, veryHidden: boolean) =>
  fileIssue(
    'sheet-hidden',
    veryHidden
      ? `Sheet "${name}" bị ẩn sâu (very hidden, không hiện được từ menu), nên người lập biểu không thấy số liệu trong đó. Chép số liệu sang biểu mẫu mới do bdg template tạo rồi gửi lại.`
      : `Sheet "${name}" đang bị ẩn. Hiện sheet (chuột phải vào tên sheet › Unhide), kiểm tra lại số liệu trong đó, lưu lại rồi gửi.`,
  );

export const legacyEncoding = (sample: string) =>
  fileIssue(
    'legacy-encoding',
    `Tệp dùng bảng mã tiếng Việt cũ (TCVN3/ABC hoặc VNI, ví dụ "${sample}"), nên không đọc được tên sheet và nhãn. Chuyển mã sang Unicode (Unikey: Công cụ › Chuyển mã, hoặc dùng biểu mẫu mới do bdg template tạo), lưu lại rồi gửi.`,
    sample,
  );

// ── Thông tin ──────────────────────────────────────────────────────────────────────────────────────────────────

export const versionUnknown = (r: CellRef | undefined, version: string, known: string[]) =>
  makeIssue(
    'version-unknown',
    'error',
    r,
    `${where(r)}: phiên bản biểu mẫu "${version}" không được hỗ trợ (bdg biết: ${known.join(', ')}). Hãy chép số liệu sang biểu mẫu mới tạo bằng bdg template.`,
    { value: version },
  );

export const periodInvalid = (r: CellRef, text: string) =>
  makeIssue('period-invalid', 'error', r, `${where(r)}: kỳ báo cáo "${text}" không đúng dạng. Ghi "Năm 2024" hoặc "6 tháng đầu năm 2024".`, { value: text });

export const dateInvalid = (r: CellRef, text: string) =>
  makeIssue('date-invalid', 'warning', r, `${where(r)}: ngày lập "${text}" không đọc được. Ghi ngày dạng dd/mm/yyyy, ví dụ 15/12/2024.`, { value: text });

export const infoMissing = (r: CellRef, sheet: string, label: string, empty: boolean, hint: string) =>
  makeIssue('info-missing', 'error', r, `Sheet "${sheet}": thiếu "${label}"${empty ? ` (ô ${r.cell} đang trống)` : ''}. Ghi nhãn "${label}" ở cột A và ${hint} ở cột B.`);

// ── Số liệu: the table ─────────────────────────────────────────────────────────────────────────────────────────

export const headerMissing = (sheet: string, headers: string[]) =>
  makeIssue(
    'header-missing',
    'error',
    { sheet, cell: 'A1' },
    `Sheet "${sheet}" không có dòng tiêu đề chứa ô "Mã số". Thêm lại dòng tiêu đề của biểu mẫu (${headers.join(', ')}).`,
  );

export const columnDuplicate = (r: CellRef, header: string) =>
  makeIssue('column-duplicate', 'error', r, `${where(r)}: cột "${header}" xuất hiện hai lần trong dòng tiêu đề. Xóa hoặc đổi tên một cột.`);

export const columnMissing = (r: CellRef, sheet: string, headerRow: number, m: Measure) =>
  makeIssue(
    'column-missing',
    'error',
    r,
    `Sheet "${sheet}", dòng tiêu đề ${headerRow}: không tìm thấy cột "${MEASURE_LABEL[m]}". Thêm cột này (tiêu đề đúng chữ "${MEASURE_LABEL[m]}") rồi nhập số liệu.`,
  );

export const codeUnknown = (r: CellRef, code: string, version: string) =>
  makeIssue('code-unknown', 'error', r, `${where(r)}: mã chỉ tiêu "${code}" không có trong danh mục ${version}. Sửa lại mã cho đúng biểu mẫu, hoặc xóa dòng này.`, { value: code });

export const codeDuplicate = (r: CellRef, code: string, first: string) =>
  makeIssue(
    'code-duplicate',
    'error',
    r,
    `${where(r)}: mã ${code} đã có ở ô ${first}. Mỗi chỉ tiêu chỉ nhập một dòng: gộp số liệu vào một dòng và xóa dòng thừa.`,
    { indicator: code, value: code },
  );

export const codeMissing = (r: CellRef, sheet: string, code: string, name: string) =>
  makeIssue('code-missing', 'error', r, `Sheet "${sheet}": thiếu dòng chỉ tiêu ${code} "${name}". Thêm dòng này với mã ${code} (để trống số liệu nếu không có).`, {
    indicator: code,
  });

/** A merged range over figure cells: the merge hides which figure is whose, so the file is refused. */
export const mergedFigureCell = (sheet: string, range: string, covered: { code: string; measure: Measure }[]) => {
  const byCode = new Map<string, Measure[]>();
  for (const c of covered) byCode.set(c.code, [...(byCode.get(c.code) ?? []), c.measure]);
  const what = [...byCode].map(([code, ms]) => `chỉ tiêu ${code} (cột ${ms.map((m) => MEASURE_LABEL[m]).join(', ')})`).join(' và ');
  return makeIssue(
    'merged-figure-cell',
    'error',
    { sheet, cell: range },
    `Vùng ô ${range} (sheet "${sheet}") đang gộp lại (Merge) và phủ lên ô số liệu của ${what}: một số trong ô gộp không biết thuộc ô nào. Bỏ gộp vùng này (Home › Merge & Center › Unmerge Cells) rồi nhập lại từng số vào đúng ô của nó.`,
    { indicator: covered[0]!.code, value: range },
  );
};

// ── Số liệu: one figure cell ───────────────────────────────────────────────────────────────────────────────────

const cellIssue = (rule: string, r: CellRef, code: string, m: Measure, message: string, text: string) =>
  makeIssue(rule, 'error', r, `${where(r, code, m)}: ${message}`, { indicator: code, value: text });

export const formulaNoResult = (r: CellRef, code: string, m: Measure, formula: string) =>
  cellIssue(
    'formula-no-result',
    r,
    code,
    m,
    `công thức "=${formula}" chưa có kết quả được lưu. Mở tệp bằng Excel/LibreOffice và lưu lại (để công thức được tính), hoặc nhập số trực tiếp.`,
    `=${formula}`,
  );

export const valueError = (r: CellRef, code: string, m: Measure, error: string) =>
  cellIssue('value-error', r, code, m, `ô báo lỗi ${error}. Sửa công thức hoặc nhập số trực tiếp.`, error);

export const valueIsDate = (r: CellRef, code: string, m: Measure, isoDate: string) =>
  cellIssue(
    'value-not-number',
    r,
    code,
    m,
    `ô đang ở định dạng ngày tháng (${isoDate}), có thể do gõ "1.5" hay "1/5". Đổi định dạng ô sang Number và nhập lại số.`,
    isoDate,
  );

export const valueIsBool = (r: CellRef, code: string, m: Measure, value: boolean) =>
  cellIssue('value-not-number', r, code, m, `ô chứa giá trị ${value ? 'TRUE' : 'FALSE'}, không phải số. Nhập số, hoặc để trống nếu không có số liệu.`, String(value));

export const valueNotNumber = (r: CellRef, code: string, m: Measure, text: string) =>
  cellIssue(
    'value-not-number',
    r,
    code,
    m,
    `"${text}" không phải là số. Chỉ nhập số (ví dụ 1.234); để trống hoặc ghi "-" nếu không có số liệu; ghi chú đưa vào cột Ghi chú.`,
    text,
  );

export const valueAmbiguous = (r: CellRef, code: string, m: Measure, text: string, reading: string) =>
  cellIssue(
    'value-ambiguous',
    r,
    code,
    m,
    `"${text}" không rõ nghĩa (${reading}). Theo cách viết Việt Nam, dấu chấm ngăn cách hàng nghìn (1.234) và dấu phẩy là thập phân (12,5). Nhập lại số cho rõ.`,
    text,
  );

export const valueNotXmlNumber = (r: CellRef, code: string, m: Measure, stored: string) =>
  cellIssue(
    'value-not-xml-number',
    r,
    code,
    m,
    `ô số lưu giá trị "${stored}", không phải một số hợp lệ (phần mềm xuất tệp đã ghi sai định dạng số), nên không biết đúng số là bao nhiêu. Mở tệp bằng Excel/LibreOffice, nhập lại số ở ô này, lưu lại rồi gửi.`,
    stored,
  );
