/**
 * Every rule `bdg` checks, in one place: its stable id, severity, the level it applies at, a short Vietnamese
 * description (the README's rule table and the template's guide sheet are made from it), the parameters a check
 * gives, and the Vietnamese message built from them (what is wrong, where, what to do).
 *
 * A check emits a `Finding` — `{ rule, params, cell }` — and `toIssue` turns it into the JSON issue of
 * docs/json.md ("An issue"). The params are typed per rule, so `issue('breakdown-exceeds-total', { … })` is
 * checked by tsc. By convention the params' `indicator` and `value` become the issue's fields of that name
 * (`value`: the value of the cell the issue points at, or the text it is about).
 *
 * Adding a rule: one entry here (and its sample in test/rules.test.ts), then emit it.
 *
 * Every part of the product emits its issues through here, the reader (src/core/read/, src/web/read-pool.ts)
 * included: no issue's message is written anywhere else.
 */
import { MEASURE_LABEL, type Measure } from '../catalogue/catalogue.js';
import { COLUMNS, INFO_FIELDS, PROVINCE_OWN_SCOPE, type InfoField } from '../form/layout.js';
import type { CellRef, Issue, Severity } from '../model.js';
import { dayMonthYear } from '../util/date.js';
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
  /** `say`: the "what to do" phrases of the audience reading the message (CLI or page), see ADVICE. */
  message: (params: P, at: CellRef | undefined, say: Advice) => string;
}

/** Declares a rule with its params type; the params type is what `issue()` checks at its call sites. */
const rule = <P extends object = Record<never, never>>(spec: RuleSpec<P>): RuleSpec<P> => spec;

// ——— message helpers ———

const n = (v: number) => formatNumber(v);
const mb = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024 / 1024))} MB`;
/** A name taken from a hostile file, quoted in a message: control characters as "?", at most 120 characters. */
const snippet = (s: string) => s.replace(/[\u0000-\u001f]/g, '?').slice(0, 120);
const quoted = (names: string[]) => names.map((s) => `"${s}"`).join(', ');

/**
 * Codes as runs of consecutive numbers, "DA8.25–DA8.36, BDG.40–BDG.61": 41 new codes of an edition in one short
 * line; beyond `max` runs, the first ones and "…" (the full list is in the JSON, `lacking`).
 */
export function codeRanges(codes: string[], max = 8): string {
  const runs: [string, string][] = [];
  const parse = (c: string) => /^(.*\.)(\d+)$/.exec(c);
  // In each prefix's order of first appearance, by number: the form lists "Trong đó" rows beside their whole.
  const prefixes = [...new Set(codes.map((c) => parse(c)?.[1] ?? c))];
  const key = (c: string) => [prefixes.indexOf(parse(c)?.[1] ?? c), Number(parse(c)?.[2] ?? 0)] as const;
  const sorted = [...codes].sort((x, y) => key(x)[0] - key(y)[0] || key(x)[1] - key(y)[1]);
  for (const code of sorted) {
    const last = runs.at(-1);
    const [a, b] = [last && parse(last[1]), parse(code)];
    const next = a && b && a[1] === b[1] && Number(b[2]) === Number(a[2]) + 1;
    if (next) last![1] = code;
    else runs.push([code, code]);
  }
  const shown = runs.slice(0, max).map(([from, to]) => (from === to ? from : `${from}–${to}`));
  return shown.join(', ') + (runs.length > max ? ', …' : '');
}

/** "Ô F14 (sheet "Số liệu", chỉ tiêu DA8.05, cột Nữ)": where a person should look. */
export function where(ref: CellRef | undefined, indicator?: string, measure?: Measure): string {
  if (!ref) return `sheet "${indicator ?? ''}"`;
  const parts = [`sheet "${ref.sheet}"`];
  if (indicator) parts.push(`chỉ tiêu ${indicator}`);
  if (measure) parts.push(`cột ${MEASURE_LABEL[measure]}`);
  return `Ô ${ref.cell} (${parts.join(', ')})`;
}

/**
 * Who reads a message. The CLI's user runs commands; the page's user (a commune officer with bdg.html) never does,
 * so a message shown on the page must not suggest a command or an option. Only "what to do" differs: each phrase
 * that does is written once per audience here, and the messages use it through `say`.
 */
export type Audience = 'cli' | 'page';

const ADVICE = {
  cli: {
    /** Where a fresh blank form comes from. */
    newForm: 'biểu mẫu mới do bdg template tạo',
    /** The same, for the form of one unit code. */
    newFormOfUnit: 'bdg template --unit MÃ-MỚI tạo biểu mẫu đúng mã',
    /** After "lưu lại": a limit the user may raise for a file that is really that large or slow. */
    raiseSizeLimit: ' (hoặc chạy lại với --max-file-mb nếu tệp đúng là lớn như vậy)',
    raiseTimeLimit: ' (hoặc chạy lại với --time-limit lớn hơn)',
    /** What to do about a file of a unit outside the part of the list being consolidated. */
    widenRoot: (root: string) =>
      ` (--root ${root}). Bỏ tệp này khỏi thư mục, hoặc chọn --root là đơn vị chứa cả đơn vị này`,
    /** Where the blank form of one edition comes from. */
    formOfEdition: (edition: string) => `bdg template --form ${edition}`,
    /** Where the errors of a file without its marked copy are. */
    errorsStillListed: 'các lỗi của tệp vẫn được liệt kê',
  },
  page: {
    newForm: 'biểu mẫu mới tải ở mục "Tải biểu mẫu" của trang bdg.html',
    newFormOfUnit: 'tải biểu mẫu đúng mã ở mục "Tải biểu mẫu" của trang bdg.html',
    raiseSizeLimit: '',
    raiseTimeLimit: '',
    widenRoot: () => '. Bỏ tệp này khỏi các tệp đã chọn',
    formOfEdition: (edition: string) => `tải ở mục "Tải biểu mẫu" của trang bdg.html, chọn phiên bản ${edition}`,
    errorsStillListed: 'các lỗi vẫn được liệt kê dưới đây',
  },
} satisfies Record<Audience, Record<string, string | ((...args: string[]) => string)>>;

export type Advice = (typeof ADVICE)[Audience];

/**
 * The audience of the messages this program makes: 'cli' unless the edge says otherwise. The page sets 'page' once,
 * in its script (page and reading threads alike): issues are made at many places deep in the reader and the checks,
 * and a process serves one audience only, so the edge says it once rather than every call passing it down.
 */
let currentAudience: Audience = 'cli';

export function setMessageAudience(audience: Audience): void {
  currentAudience = audience;
}

const SAVE_AS_XLSX =
  'Mở tệp bằng Excel hoặc LibreOffice Calc và lưu lại dưới dạng .xlsx (Excel Workbook), rồi gửi lại tệp đó.';
const RESAVE = 'Mở bằng Excel hoặc LibreOffice, lưu thành tệp mới rồi gửi lại.';

/** The kinds of special file (`file-special`), as a person is told. */
export type SpecialFile = 'fifo' | 'socket' | 'char-device' | 'block-device' | 'other';
const SPECIAL_FILE: Record<SpecialFile, string> = {
  fifo: 'một đường ống có tên (FIFO)',
  socket: 'một socket',
  'char-device': 'một thiết bị ký tự',
  'block-device': 'một thiết bị khối (ổ đĩa)',
  other: 'một loại tệp đặc biệt',
};

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
/** A figure as read, every digit of it (three decimals would show 7,99999999999 as the whole number 8). */
const shown = (p: BadFigure) => (p.text ? `"${p.text}"` : p.value === null ? '' : formatNumber(p.value, 15));

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

function tooLargeMessage(p: TooLarge, _at: CellRef | undefined, say: Advice): string {
  switch (p.part) {
    case 'file':
      return `Tệp nặng ${mb(p.size)}, vượt giới hạn ${mb(p.limit)} của một biểu mẫu. Xóa các sheet, hình ảnh không cần thiết rồi lưu lại${say.raiseSizeLimit}.`;
    case 'unzipped':
      return `Khi giải nén, tệp chiếm hơn ${mb(p.size)}, vượt giới hạn ${mb(p.limit)}. Tệp có thể bị lỗi hoặc chứa quá nhiều dòng, cột thừa: xóa chúng rồi lưu lại.`;
    case 'shared-strings':
      return `Bảng chữ dùng chung của tệp chiếm ${mb(p.size)}, vượt giới hạn ${mb(p.limit)}; một biểu mẫu thật chỉ vài chục KB. Chép số liệu sang biểu mẫu mới rồi gửi lại.`;
    case 'entry':
      return `Khi giải nén, phần "${snippet(p.entry)}" lớn hơn kích thước ghi trong tệp (${n(p.declared)} byte): tệp bị hỏng hoặc là "bom nén" cố ý. Mở tệp gốc bằng Excel hoặc LibreOffice, lưu thành tệp mới rồi gửi lại.`;
    case 'cells':
      return `Sheet "${p.sheet}" có hơn ${n(p.limit)} ô chứa dữ liệu, trong khi một biểu mẫu chỉ có vài trăm ô. Xóa các dòng, cột thừa (hoặc chép số liệu sang ${say.newForm}) rồi lưu lại.`;
    case 'merges':
      return `Sheet "${p.sheet}" có hơn ${n(p.limit)} vùng gộp ô, trong khi một biểu mẫu chỉ có vài chục. Bỏ gộp ô thừa (hoặc chép số liệu sang ${say.newForm}) rồi lưu lại.`;
    case 'elements':
      return `Phần "${snippet(p.entry)}" của tệp có hơn ${n(p.limit)} phần tử (ô, dòng trống có định dạng…), trong khi một biểu mẫu chỉ có vài nghìn. Xóa các dòng, cột thừa (chọn chúng › Delete) hoặc chép số liệu sang ${say.newForm}, rồi lưu lại.`;
  }
}

/**
 * A unit code found in another edition of the built-in unit lists, not in the one of the file's period: `fact` says
 * whose code it is and where (e.g. `mã "655" là mã của danh mục … (Huyện Krông A Na, Tỉnh Đắk Lắk), không còn trong
 * danh mục … dùng cho kỳ báo cáo này`); `older`: the other edition is the earlier one.
 */
export interface OtherEditionCode {
  fact: string;
  older: boolean;
}

/** The fact and what to do about it, in the words of `say`'s audience (also for the CLI's --unit and --root). */
export function otherEditionText(o: OtherEditionCode, say: Advice = ADVICE[currentAudience]): string {
  return o.older
    ? `${o.fact}. Dùng mã mới của đơn vị (${say.newFormOfUnit}); nếu đây là báo cáo của kỳ trước thì sửa ô "Kỳ báo cáo".`
    : `${o.fact}. Báo cáo của kỳ này dùng mã đơn vị cũ; nếu đây là báo cáo của kỳ sau thì sửa ô "Kỳ báo cáo".`;
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
        ? `Tệp ở định dạng ${p.format}, không phải .xlsx (chỉ đọc được bảng tính .xlsx). Mở tệp bằng Excel hoặc LibreOffice Calc và lưu lại dưới dạng .xlsx (Excel Workbook).`
        : NOT_XLSX[p.found],
  }),
  /** `detail`: what the XML parser said of the damaged part, when it said something. */
  'file-damaged': rule<
    { damage: 'zip' } | { damage: 'part'; part: string; detail?: string } | { damage: 'part-missing'; part: string }
  >({
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
    | { danger: 'part-name' | 'duplicate-name'; name: string }
    | { danger: 'dtd' }
    | { danger: 'nesting'; part: string; limit: number }
  >({
    severity: 'error',
    level: 'file',
    source: 'read',
    summary: 'Tệp không do Excel tạo: tên thành phần lạ, khai báo DTD/ENTITY, XML lồng quá sâu.',
    message: (p) => {
      switch (p.danger) {
        case 'part-name':
          return `Tệp chứa thành phần có tên bất thường ("${snippet(p.name)}"), không phải tệp do Excel tạo. Hãy mở bằng Excel hoặc LibreOffice và lưu lại thành tệp mới.`;
        case 'duplicate-name':
          return `Tệp chứa hai thành phần cùng tên "${snippet(p.name)}" (Excel không bao giờ tạo ra như vậy): không biết phần nào là số liệu thật. ${RESAVE}`;
        case 'dtd':
          return `Tệp chứa khai báo XML (DOCTYPE/ENTITY) mà Excel không bao giờ tạo ra, có thể là tệp độc hại. ${RESAVE}`;
        case 'nesting':
          return `Phần "${snippet(p.part)}" của tệp lồng nhau quá sâu (hơn ${p.limit} cấp, Excel không quá vài chục), có thể là tệp độc hại hoặc hỏng. ${RESAVE}`;
      }
    },
  }),
  'legacy-encoding': rule<{ value: string }>({
    severity: 'error',
    level: 'file',
    source: 'read',
    summary: 'Chữ gõ bằng bảng mã cũ TCVN3 (.VnTime) hoặc VNI, không đọc được tên sheet và nhãn.',
    message: (p, _at, say) =>
      `Tệp dùng bảng mã tiếng Việt cũ (TCVN3/ABC hoặc VNI, ví dụ "${p.value}"), nên không đọc được tên sheet và nhãn. Chuyển mã sang Unicode (Unikey: Công cụ › Chuyển mã, hoặc dùng ${say.newForm}), lưu lại rồi gửi.`,
  }),

  // ——— the file, at the edge (files on disk, worker threads) ———
  /** `page-file`: the web page could not get the bytes of a file the person chose. */
  'file-unreadable': rule<
    | { problem: 'not-a-file' | 'missing' | 'no-access' | 'page-file'; path: string }
    /** The reading thread, at the edge: out of its memory limit, crashed, or gone without a word. */
    | { problem: 'memory' | 'crashed' | 'stopped' }
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
        case 'memory':
          return `Đọc tệp cần nhiều bộ nhớ hơn mức cho phép nên đã dừng: tệp quá lớn hoặc bất thường (nhiều dòng, cột thừa có định dạng…). Mở bằng Excel/LibreOffice, xóa dòng, cột thừa, lưu lại rồi gửi lại.`;
        case 'crashed':
          return `Việc đọc tệp bị dừng vì lỗi của luồng đọc (tệp có thể hỏng hoặc bất thường). Mở bằng Excel/LibreOffice, lưu thành tệp mới rồi gửi lại.`;
        case 'stopped':
          return `Luồng đọc tệp dừng bất ngờ khi đang đọc tệp này nên chưa đọc xong. Chạy lại; nếu vẫn vậy, mở tệp bằng Excel/LibreOffice, lưu thành tệp mới rồi gửi lại.`;
      }
    },
  }),
  /** A FIFO, socket or device among the submissions: never opened (opening a FIFO waits for a writer). */
  'file-special': rule<{ found: SpecialFile; path?: string }>({
    severity: 'error',
    level: 'file',
    source: 'edge',
    summary: 'Một tệp đặc biệt (FIFO, socket, thiết bị) nằm trong thư mục báo cáo: không mở, bỏ qua.',
    message: (p) =>
      `${p.path ? `"${p.path}" là` : 'Đây là'} ${SPECIAL_FILE[p.found]}, không phải tệp dữ liệu thông thường nên không mở. Nếu đây là báo cáo, lưu nó thành một tệp .xlsx thông thường rồi chạy lại.`,
  }),
  'file-timeout': rule<{ seconds: number }>({
    severity: 'error',
    level: 'file',
    source: 'edge',
    summary: 'Đọc một tệp quá thời gian cho phép (mặc định 60 giây, khi tổng hợp).',
    message: (p, _at, say) =>
      `Đọc tệp quá ${p.seconds} giây nên đã dừng: tệp quá lớn hoặc bất thường. Mở bằng Excel/LibreOffice, xóa dòng, cột thừa, lưu lại rồi gửi lại${say.raiseTimeLimit}.`,
  }),
  /** The marked copy of a rejected file (validate --annotate, consolidate's tra-lai/, the page) could not be made within the bounds. */
  'annotate-skipped': rule<{ problem: 'too-large' | 'unreadable' | 'timeout' | 'memory'; seconds?: number }>({
    severity: 'warning',
    level: 'file',
    source: 'edge',
    summary:
      'Không tạo bản đánh dấu lỗi của một tệp bị từ chối (tệp quá lớn, bất thường, hoặc đánh dấu quá thời gian); các lỗi vẫn được liệt kê.',
    message: (p, _at, say) => {
      const why = {
        'too-large': 'nội dung giải nén của tệp vượt giới hạn dung lượng',
        unreadable: 'tệp không mở được như một bảng tính .xlsx',
        timeout: `đánh dấu quá ${p.seconds ?? 60} giây nên đã dừng (tệp quá lớn hoặc bất thường)`,
        memory: 'đánh dấu cần quá nhiều bộ nhớ nên đã dừng (tệp quá lớn hoặc bất thường)',
      }[p.problem];
      const send = say.errorsStillListed;
      return `Không tạo bản đánh dấu lỗi: ${why}; ${send}. Gửi danh sách lỗi này cho đơn vị; đơn vị mở tệp bằng Excel hoặc LibreOffice, xóa dòng, cột thừa, sửa các lỗi rồi gửi lại.`;
    },
  }),

  // ——— sheets and their structure (reader) ———
  'sheet-missing': rule<{ sheet: string; present: string[] }>({
    severity: 'error',
    level: 'sheet',
    source: 'read',
    summary: 'Thiếu sheet "Thông tin" hoặc "Số liệu".',
    message: (p, _at, say) =>
      `Thiếu sheet "${p.sheet}". Tệp có các sheet: ${quoted(p.present) || '(không có)'}. Hãy dùng ${say.newForm}, hoặc đổi tên sheet cho đúng.`,
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
    message: (p, _at, say) =>
      p.veryHidden
        ? `Sheet "${p.sheet}" bị ẩn sâu (very hidden, không hiện được từ menu), nên người lập biểu không thấy số liệu trong đó. Chép số liệu sang ${say.newForm} rồi gửi lại.`
        : `Sheet "${p.sheet}" đang bị ẩn. Hiện sheet (chuột phải vào tên sheet › Unhide), kiểm tra lại số liệu trong đó, lưu lại rồi gửi.`,
  }),
  /** `value`: the merged range (E12:E13); `indicator`: the first indicator whose figure it covers. */
  'merged-figure-cell': rule<{
    sheet: string;
    value: string;
    indicator: string;
    covered: { code: string; measure: Measure }[];
  }>({
    severity: 'error',
    level: 'sheet',
    source: 'read',
    summary: 'Vùng gộp ô (Merge) phủ lên ô số liệu: không biết số thuộc ô nào.',
    message: (p) => {
      const byCode = new Map<string, Measure[]>();
      for (const c of p.covered) byCode.set(c.code, [...(byCode.get(c.code) ?? []), c.measure]);
      const what = [...byCode]
        .map(([code, ms]) => `chỉ tiêu ${code} (cột ${ms.map((m) => MEASURE_LABEL[m]).join(', ')})`)
        .join(' và ');
      return `Vùng ô ${p.value} (sheet "${p.sheet}") đang gộp lại (Merge) và phủ lên ô số liệu của ${what}: một số trong ô gộp không biết thuộc ô nào. Bỏ gộp vùng này (Home › Merge & Center › Unmerge Cells) rồi nhập lại từng số vào đúng ô của nó.`;
    },
  }),
  /**
   * `target`: the part the workbook's relationship names, null when no relationship of that id is there. The file as
   * a program wrote it is broken (no one filling the form in Excel can do this): a rule of the file, not the guide's.
   */
  'sheet-part-missing': rule<{ sheet: string; target: string | null }>({
    severity: 'error',
    level: 'file',
    source: 'read',
    summary: 'Sheet có tên trong tệp nhưng tệp không có phần chứa nội dung của nó (tệp hỏng hoặc ghi lỗi).',
    message: (p) =>
      `Sheet "${p.sheet}" có tên trong tệp nhưng nội dung của nó không có trong tệp (${p.target ? `thiếu phần "${snippet(p.target)}"` : 'không trỏ tới phần nào'}), nên không đọc được số liệu. Tệp bị hỏng hoặc do phần mềm ghi lỗi: xuất lại tệp, hoặc nhập số liệu vào biểu mẫu mới rồi gửi lại.`,
  }),
  /**
   * A cell pointing at what the file does not have: `value` is the index as written, `count` how many entries the
   * table has (0: the file has no such table). Like sheet-part-missing, a rule of the file; the issue has the cell.
   */
  'cell-reference-broken': rule<{
    sheet: string;
    cell: string;
    part: 'shared-strings' | 'styles';
    value: string;
    count: number;
  }>({
    severity: 'error',
    level: 'file',
    source: 'read',
    summary: 'Ô trỏ tới mục chữ dùng chung hoặc định dạng ô không có trong tệp (tệp ghi lỗi): không biết ô ghi gì.',
    message: (p) => {
      const what = p.part === 'shared-strings' ? 'bảng chữ dùng chung' : 'bảng định dạng ô';
      const has = p.count
        ? `${what} của tệp chỉ có ${n(p.count)} mục (từ 0 đến ${n(p.count - 1)})`
        : `tệp không có ${what}`;
      const unknown = p.part === 'shared-strings' ? 'không biết ô này ghi gì' : 'không biết ô này là số hay ngày tháng';
      return `Ô ${p.cell} (sheet "${p.sheet}") trỏ tới mục "${snippet(p.value)}" của ${what}, nhưng ${has}: ${unknown}. Tệp do phần mềm ghi lỗi. Mở tệp bằng Excel hoặc LibreOffice, kiểm tra lại ô này, lưu thành tệp mới rồi gửi lại.`;
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
    message: (p, at) =>
      `${where(at)}: kỳ báo cáo "${p.value}" không đúng dạng. Ghi "Năm 2024" hoặc "6 tháng đầu năm 2024".`,
  }),
  'version-unknown': rule<{ value: string; known: string[] }>({
    severity: 'error',
    level: 'cell',
    source: 'read',
    summary: 'Phiên bản biểu mẫu không được hỗ trợ.',
    message: (p, at, say) =>
      `${where(at)}: phiên bản biểu mẫu "${p.value}" không được hỗ trợ (chỉ đọc được: ${p.known.join(', ')}). Hãy chép số liệu sang ${say.newForm}.`,
  }),
  'date-invalid': rule<{ value: string }>({
    severity: 'warning',
    level: 'cell',
    source: 'read',
    summary: 'Ngày lập không đọc được (ghi dd/mm/yyyy).',
    message: (p, at) =>
      `${where(at)}: ngày lập "${p.value}" không đọc được. Ghi ngày dạng dd/mm/yyyy, ví dụ 15/12/2024.`,
  }),
  /** `emptyCell`: the field's cell in column B when its label is there and the cell empty. */
  'date-missing': rule<{ sheet: string; emptyCell?: string }>({
    severity: 'warning',
    level: 'sheet',
    source: 'read',
    summary: 'Chưa ghi Ngày lập: bản sửa gửi lại sau sẽ không phân biệt được với bản này.',
    message: (p) =>
      `Sheet "${p.sheet}": chưa ghi "Ngày lập"${p.emptyCell ? ` (ô ${p.emptyCell} đang trống)` : ''}. Khi đơn vị gửi lại bản sửa, ngày lập là cách duy nhất biết bản nào gửi sau; thiếu ngày lập thì hai bản không phân biệt được và cả hai không được tổng hợp. Ghi ngày lập dạng dd/mm/yyyy, ví dụ 15/12/2024.`,
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
    message: (p, at) =>
      `${where(at)}: cột "${p.header}" xuất hiện hai lần trong dòng tiêu đề. Xóa hoặc đổi tên một cột.`,
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
  'value-not-number': rule<
    FigureCell & ({ found: 'text' | 'date'; value: string } | { found: 'bool'; value: 'true' | 'false' })
  >({
    severity: 'error',
    level: 'cell',
    source: 'read',
    summary: 'Ô số liệu chứa chữ, ngày tháng hoặc TRUE/FALSE thay vì số.',
    message: (p, at) => {
      const head = `${where(at, p.indicator, p.measure)}: `;
      if (p.found === 'date')
        return `${head}ô đang ở định dạng ngày tháng (${dayMonthYear(p.value)}), có thể do gõ "1.5" hay "1/5". Đổi định dạng ô sang Number và nhập lại số.`;
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
    message: (p, at) =>
      `${where(at, p.indicator, p.measure)}: ô báo lỗi ${p.value}. Sửa công thức hoặc nhập số trực tiếp.`,
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
  /** `otherEdition`: the code belongs to another edition of the built-in unit lists. */
  'unit-unknown': rule<{ value: string; otherEdition?: OtherEditionCode }>({
    severity: 'error',
    level: 'cell',
    source: 'validate',
    summary: 'Mã đơn vị không có trong danh mục đơn vị hành chính (hoặc là mã của danh mục khác kỳ).',
    message: (p, at, say) =>
      p.otherEdition
        ? `${where(at)}: ${otherEditionText(p.otherEdition, say)}`
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
    message: (p, at) =>
      `${where(at, p.indicator, p.measure)}: số ${shown(p)} là số âm. Số liệu phải ≥ 0; nếu không có số liệu thì để trống.`,
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

  /** `firstCell`: the first figure cell of the form (where to start typing). */
  'no-figures': rule<{ sheet: string; firstCell: string }>({
    severity: 'error',
    level: 'sheet',
    source: 'validate',
    summary: 'Biểu mẫu chưa có số liệu nào: mọi ô số liệu đều để trống.',
    message: (p) =>
      `Biểu mẫu chưa có số liệu nào: mọi ô số liệu của sheet "${p.sheet}" (cột Tổng số, Nữ, DTTS) đều để trống, nên tệp chưa phải là một báo cáo. Nhập số liệu của kỳ báo cáo từ ô ${p.firstCell} (ghi 0 khi số liệu bằng không, để trống khi không có số liệu), lưu lại rồi kiểm tra lần nữa.`,
  }),

  // ——— figures against each other (docs/editions.md, "Checks as data") ———
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
  'value-above-level-bound': rule<
    FigureCell & { value: number; unit: string; level: string; bound: number; money: boolean }
  >({
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
  'part-exceeds-whole': rule<
    FigureCell & { value: number; whole: string; wholeName: string; wholeValue: number; wholeCell: string }
  >({
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
  /** `money`: a sum of money, which funds carried over from earlier years can explain. */
  'value-above-reference': rule<
    Omit<Against, 'otherUnit'> & { otherName: string; severity: Severity; money?: boolean }
  >({
    severity: 'warning',
    severityByIndicator: true,
    level: 'cell',
    source: 'validate',
    summary: 'Số lớn hơn chỉ tiêu đối chiếu (ví dụ kinh phí giải ngân lớn hơn kinh phí được giao).',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: ${n(p.value)} lớn hơn ${p.other} "${p.otherName}" (${n(p.otherValue)}, ô ${p.otherCell}). ` +
      (p.money === false
        ? 'Kiểm tra lại hai số này.'
        : 'Có thể do kinh phí năm trước chuyển sang; nếu không, kiểm tra lại.'),
  }),
  'outlier-vs-previous': rule<{ indicator: string; value: number; previous: number }>({
    severity: 'warning',
    level: 'cell',
    source: 'validate',
    summary: 'Số liệu tăng hoặc giảm quá 5 lần so với kỳ trước (khi có số liệu kỳ trước để so sánh).',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: ${n(p.value)} so với ${n(p.previous)} kỳ trước, thay đổi hơn 5 lần. Kiểm tra lại số liệu.`,
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
    summary: 'Tệp của đơn vị không thuộc đơn vị đang tổng hợp.',
    message: (p, _at, say) =>
      `Đơn vị ${p.value} (${p.unitName}) không thuộc ${p.rootName}, đơn vị đang tổng hợp${say.widenRoot(p.rootCode)}.`,
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
  'province-file-ambiguous': rule<{ value: string; unitName: string }>({
    severity: 'error',
    level: 'consolidation',
    source: 'consolidate',
    summary: 'Tệp mang mã của chính tỉnh nhưng không nói là tệp riêng của các cơ quan cấp tỉnh hay bảng tổng hợp.',
    message: (p) =>
      `Tệp mang mã ${p.value} của chính ${p.unitName}, nhưng sheet "Thông tin" không có "Phạm vi số liệu" = "${PROVINCE_OWN_SCOPE}" (tệp riêng của các cơ quan, đơn vị cấp tỉnh) cũng không có "Số đơn vị đã tổng hợp" (bảng tổng hợp), nên không biết có cộng vào tổng hay không. Nếu đây là số liệu do các cơ quan cấp tỉnh tự thực hiện, dùng biểu mẫu riêng của tỉnh (có dòng "Phạm vi số liệu"); nếu là bảng tổng hợp cũ, bỏ tệp khỏi thư mục.`,
  }),
  'outside-programme-area': rule<{ value: string; unitName: string; codes: string[] }>({
    severity: 'warning',
    level: 'consolidation',
    source: 'consolidate',
    summary:
      'Đơn vị cấp xã ngoài địa bàn Dự án 8 (theo cấu hình hoặc danh mục đơn vị) có số liệu Dự án 8; số liệu đó không được cộng.',
    message: (p) =>
      `${p.unitName} (mã ${p.value}) không thuộc địa bàn Dự án 8 đã khai báo (trong cấu hình hoặc danh mục đơn vị), nhưng có số liệu ở ${p.codes.join(', ')}. Số liệu này không được cộng vào số liệu Dự án 8 của địa bàn (báo cáo nêu rõ); kiểm tra lại với đơn vị: nếu xã không thực hiện Dự án 8 thì để trống hoặc ghi "không phát sinh", nếu có thì bổ sung xã vào "programmeArea" của cấu hình (hoặc đánh dấu x ở cột "Địa bàn Dự án 8" của danh mục đơn vị) rồi tổng hợp lại.`,
  }),
  'province-own-duplicate-stock': rule<{ indicator: string; value: number; otherFiles: string[] }>({
    severity: 'error',
    level: 'consolidation',
    source: 'consolidate',
    summary: 'Hai tệp riêng của các cơ quan cấp tỉnh cùng ghi một chỉ tiêu thời điểm (số hiện có), không cộng được.',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: ${n(p.value)}, nhưng ${quoted(p.otherFiles)} cũng ghi chỉ tiêu ${p.indicator}. Đây là số hiện có tại cuối kỳ của một cơ quan, không cộng giữa các tệp: chỉ một cơ quan ghi chỉ tiêu này, các tệp khác để trống, rồi gửi lại.`,
  }),
  // ——— rules an edition's checks.csv may name (src/core/validate/checks.ts) ———
  'included-exceeds-total': rule<
    FigureCell & {
      value: number;
      whole: string;
      wholeName: string;
      wholeValue: number;
      wholeCell: string;
      severity: Severity;
    }
  >({
    severity: 'warning',
    severityByIndicator: true,
    level: 'cell',
    source: 'validate',
    summary:
      'Một chỉ tiêu đã được tính trong một chỉ tiêu khác lại lớn hơn chỉ tiêu đó (ví dụ cuộc truyền thông của Dự án 8 nhiều hơn tổng số cuộc truyền thông).',
    message: (p, at) =>
      `${where(at, p.indicator, p.measure)}: ${n(p.value)} lớn hơn ${p.whole} "${p.wholeName}" (${n(p.wholeValue)}, ô ${p.wholeCell}), trong khi số này đã được tính trong ${p.whole}. Kiểm tra lại hai ô: ${p.whole} phải gồm cả số này.`,
  }),
  'parts-exceed-whole': rule<{
    indicator: string;
    value: number;
    parts: string[];
    whole: string;
    wholeValue: number;
    severity: Severity;
  }>({
    severity: 'warning',
    severityByIndicator: true,
    level: 'cell',
    source: 'validate',
    summary: 'Tổng các phần lớn hơn chỉ tiêu gốc của chúng.',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: tổng ${p.parts.join(' + ')} là ${n(p.value)}, lớn hơn ${p.whole} (${n(p.wholeValue)}), trong khi đây là các phần của ${p.whole}. Kiểm tra lại các ô này.`,
  }),
  'communes-of-type-exceed': rule<{
    indicator: string;
    value: number;
    unitName: string;
    type: string;
    max: number;
    severity: Severity;
  }>({
    severity: 'error',
    severityByIndicator: true,
    level: 'cell',
    source: 'validate',
    summary:
      'Số xã vượt số đơn vị cấp xã cùng loại (chỉ tính xã, không tính phường, đặc khu) trực thuộc theo danh mục.',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: ${n(p.value)}, nhưng theo danh mục, ${p.unitName} chỉ có ${n(p.max)} đơn vị loại "${p.type}". Sửa lại số (không vượt ${n(p.max)}).`,
  }),
  'level-not-applicable': rule<FigureCell & { value: number; own: boolean; levels: string[] }>({
    severity: 'error',
    level: 'cell',
    source: 'validate',
    summary: 'Có số ở dòng mà cấp của tệp này không báo cáo (ô xám trong biểu mẫu).',
    message: (p, at) =>
      `${where(at, p.indicator, p.measure)}: ${n(p.value)}, nhưng chỉ tiêu này do ${p.levels.join(' và ')} báo cáo, không phải ${p.own ? 'tệp riêng của các cơ quan, đơn vị cấp tỉnh' : 'đơn vị cấp xã'} (ô xám trong biểu mẫu). Xóa số ở ô này (hoặc ghi "không phát sinh"); nếu số này là của cấp khác, gửi trong tệp của cấp đó.`,
  }),
  'parts-differ-from-total': rule<{ indicator: string; value: number; parts: string[]; partsValue: number }>({
    severity: 'warning',
    level: 'cell',
    source: 'validate',
    summary:
      'Đã ghi đủ các phần nhưng tổng các phần khác tổng số (ví dụ kinh phí trung ương + địa phương khác kinh phí được giao).',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: tổng số là ${n(p.value)}, nhưng ${p.parts.join(' + ')} = ${n(p.partsValue)}. Các phần phải cộng lại bằng tổng số: kiểm tra lại các ô này.`,
  }),
  'value-above-max': rule<{ indicator: string; value: number; max: number }>({
    severity: 'error',
    level: 'cell',
    source: 'validate',
    summary: 'Số lớn hơn mức tối đa của chỉ tiêu (ví dụ quá 2 cơ quan chính quyền cấp tỉnh).',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: ${n(p.value)}, nhưng chỉ tiêu này không quá ${n(p.max)}. Sửa lại số.`,
  }),
  'value-above-max-per-commune': rule<{
    indicator: string;
    value: number;
    max: number;
    communes: number;
    unitName: string;
  }>({
    severity: 'error',
    level: 'cell',
    source: 'validate',
    summary: 'Số lớn hơn mức tối đa cho mỗi đơn vị cấp xã nhân với số đơn vị cấp xã trực thuộc.',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: ${n(p.value)}, nhưng mỗi đơn vị cấp xã có nhiều nhất ${n(p.max)} và ${p.unitName} có ${n(p.communes)} đơn vị cấp xã, nên không quá ${n(p.max * p.communes)}. Sửa lại số.`,
  }),
  'term-out-of-window': rule<{ indicator: string; value: number; term: string; period: string }>({
    severity: 'warning',
    level: 'cell',
    source: 'validate',
    summary: 'Số liệu của một nhiệm kỳ Hội đồng nhân dân ghi trong kỳ báo cáo không thuộc nhiệm kỳ đó.',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: ${n(p.value)} người của nhiệm kỳ ${p.term}, nhưng kỳ báo cáo ${p.period} không thuộc nhiệm kỳ này. Ghi số đại biểu vào dòng của nhiệm kỳ đương nhiệm; để trống dòng này.`,
  }),
  'event-out-of-period': rule<{ indicator: string; value: number; date: string; period: string }>({
    severity: 'warning',
    level: 'cell',
    source: 'validate',
    summary: 'Số liệu của một sự kiện (ví dụ cuộc bầu cử) ghi trong kỳ báo cáo không chứa ngày diễn ra sự kiện.',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: ${n(p.value)}, nhưng sự kiện này diễn ra ngày ${p.date}, ngoài kỳ báo cáo ${p.period}. Để trống hoặc ghi "không phát sinh"; số liệu này báo cáo trong kỳ có ngày đó.`,
  }),
  'term-both-filled': rule<{
    indicator: string;
    value: number;
    term: string;
    other: string;
    otherValue: number;
    otherCell: string;
    otherTerm: string;
  }>({
    severity: 'warning',
    level: 'cell',
    source: 'validate',
    summary: 'Một đơn vị ghi số đại biểu của cả hai nhiệm kỳ Hội đồng nhân dân cùng cấp trong một kỳ báo cáo.',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: ${n(p.value)} người của nhiệm kỳ ${p.term}, nhưng ô ${p.otherCell} (chỉ tiêu ${p.other}, nhiệm kỳ ${p.otherTerm}) cũng ghi ${n(p.otherValue)} người. Mỗi đơn vị chỉ ghi số đại biểu của nhiệm kỳ đương nhiệm vào cuối kỳ báo cáo: để trống dòng của nhiệm kỳ kia.`,
  }),
  'value-outside-year-to-date': rule<{ indicator: string; value: number; period: string; money: boolean }>({
    severity: 'warning',
    level: 'cell',
    source: 'validate',
    summary:
      'Số liệu chỉ tính trong Quý I và các kỳ tính từ đầu năm (kinh phí năm trước chuyển sang) được ghi trong Quý II, III hoặc IV; số này không được cộng.',
    message: (p, at) =>
      `${where(at, p.indicator, 'total')}: ${n(p.value)}${p.money ? ' triệu đồng' : ''}, nhưng chỉ tiêu này chỉ ghi trong Quý I và các kỳ tính từ đầu năm (6 tháng, 9 tháng, Năm), không ghi trong ${p.period}. Số này không được cộng khi tổng hợp; để trống ô hoặc ghi "không phát sinh".`,
  }),
  // ——— form editions (catalogue/editions.csv, crosswalk/) ———
  'edition-converted': rule<{ value: string; edition: string; notConverted: string[]; lacking: string[] }>({
    severity: 'warning',
    level: 'consolidation',
    source: 'consolidate',
    summary:
      'Tệp theo phiên bản biểu mẫu khác, đã chuyển sang phiên bản đang tổng hợp; chỉ tiêu không chuyển được thì không tính.',
    message: (p, _at, say) =>
      `Tệp theo biểu mẫu ${p.value}, đã chuyển sang biểu mẫu ${p.edition} đang tổng hợp.` +
      (p.notConverted.length ? ` Không chuyển được (chỉ tiêu đã tách hoặc bỏ): ${p.notConverted.join(', ')}.` : '') +
      (p.lacking.length
        ? ` Tệp không có ${n(p.lacking.length)} chỉ tiêu mới (${codeRanges(p.lacking)}): đơn vị được tính là chưa báo cáo các chỉ tiêu này.`
        : '') +
      ` Để đủ số liệu, đề nghị đơn vị điền biểu mẫu ${p.edition} (${say.formOfEdition(p.edition)}).`,
  }),
  'edition-incompatible': rule<{ value: string; edition: string }>({
    severity: 'error',
    level: 'consolidation',
    source: 'consolidate',
    summary: 'Tệp theo phiên bản biểu mẫu không chuyển được sang phiên bản đang tổng hợp.',
    message: (p, _at, say) =>
      `Tệp theo biểu mẫu ${p.value}, không chuyển được sang biểu mẫu ${p.edition} đang tổng hợp (chưa có bảng chuyển đổi giữa hai phiên bản). Đề nghị đơn vị chép số liệu sang biểu mẫu ${p.edition} (${say.formOfEdition(p.edition)}) rồi gửi lại.`,
  }),
  'form-outdated': rule<{ value: string; edition: string; period: string }>({
    severity: 'warning',
    level: 'file',
    source: 'validate',
    summary: 'Tệp dùng phiên bản biểu mẫu cũ hơn phiên bản của kỳ báo cáo.',
    message: (p, _at, say) =>
      `Tệp theo biểu mẫu ${p.value}; kỳ báo cáo ${p.period} dùng biểu mẫu ${p.edition}. Số liệu vẫn được kiểm tra theo biểu mẫu ${p.value} và sẽ được chuyển khi tổng hợp, nhưng chỉ tiêu mới sẽ thiếu: nên chép sang biểu mẫu mới (${say.formOfEdition(p.edition)}).`,
  }),
  'form-newer': rule<{ value: string; edition: string; period: string }>({
    severity: 'warning',
    level: 'file',
    source: 'validate',
    summary: 'Tệp dùng phiên bản biểu mẫu mới hơn phiên bản của kỳ báo cáo.',
    message: (p, _at, say) =>
      `Tệp theo biểu mẫu ${p.value}, mới hơn biểu mẫu ${p.edition} của kỳ báo cáo ${p.period}. Kiểm tra ô "Kỳ báo cáo"; nếu đúng kỳ, nên dùng biểu mẫu ${p.edition} (${say.formOfEdition(p.edition)}).`,
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

/**
 * The JSON issue (docs/json.md, "An issue") for a finding: `rule`, `severity`, `sheet`, `cell`, `indicator`, `value`,
 * `message`, the message in the words of `audience` (by default, the one the edge set).
 */
export function toIssue(finding: Finding, audience: Audience = currentAudience): Issue {
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
  issue.message = spec.message(finding.params, finding.cell, ADVICE[audience]).normalize('NFC');
  return issue;
}

/** `toIssue` of one finding, written as a call: `issue('breakdown-exceeds-total', { … }, cell)`. */
export function issue<R extends RuleId>(rule: R, params: RuleParams<R>, cell?: CellRef): Issue {
  return toIssue({ rule, params, cell } as Finding);
}
