import { readFile, stat } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Issue } from '../model.js';
import { probeZip } from './zip-probe.js';

/** Limits that keep one bad file from exhausting memory; defaults fit any real submission many times over. */
export interface ReadLimits {
  /** Size of the .xlsx file on disk. */
  maxFileBytes: number;
  /** Sum of the uncompressed sizes inside the zip (a zip bomb is tiny on disk and huge inside). */
  maxUncompressedBytes: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxUncompressedBytes: 300 * 1024 * 1024,
};

export type OpenResult = { ok: true; workbook: ExcelJS.Workbook } | { ok: false; issue: Issue };

const SAVE_AS_XLSX = 'Mở tệp bằng Excel hoặc LibreOffice Calc và lưu lại dưới dạng .xlsx (Excel Workbook), rồi gửi lại tệp đó.';

function fileIssue(rule: string, message: string): { ok: false; issue: Issue } {
  return { ok: false, issue: { rule, severity: 'error', message } };
}

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

/** Recognises what a file really is before handing it to exceljs, and says in Vietnamese how to fix it. */
export async function openWorkbook(file: string, limits: ReadLimits = DEFAULT_LIMITS): Promise<OpenResult> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return fileIssue('file-unreadable', `Không mở được tệp "${file}": tệp không tồn tại hoặc không có quyền đọc.`);
  }
  if (size === 0) return fileIssue('file-empty', `Tệp rỗng (0 byte), có thể tải về chưa xong. Hãy lấy lại tệp gốc.`);
  if (size > limits.maxFileBytes)
    return fileIssue(
      'file-too-large',
      `Tệp nặng ${mb(size)}, vượt giới hạn ${mb(limits.maxFileBytes)} của một biểu mẫu. Xóa các sheet, hình ảnh không cần thiết rồi lưu lại.`,
    );
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch {
    return fileIssue('file-unreadable', `Không đọc được tệp "${file}" (không có quyền đọc?).`);
  }
  const kind = sniff(buf);
  if (kind !== 'zip') return notXlsx(kind, buf);
  const zip = probeZip(buf);
  if (!zip.ok)
    return fileIssue('file-damaged', `Tệp bị hỏng hoặc tải về chưa hết (cấu trúc nén không đầy đủ). Hãy tải lại hoặc xin gửi lại tệp gốc.`);
  const names = new Set(zip.entries.map((e) => e.name));
  if (names.has('mimetype') && buf.includes('application/vnd.oasis.opendocument'))
    return fileIssue('file-not-xlsx', `Tệp là bảng tính OpenDocument (.ods), không phải .xlsx. ${SAVE_AS_XLSX}`);
  if (names.has('word/document.xml'))
    return fileIssue('file-not-xlsx', `Tệp là văn bản Word (.docx) đặt tên .xlsx, không phải bảng tính. Hãy gửi đúng tệp biểu mẫu Excel.`);
  if (![...names].some((n) => /^xl\/workbook\.xml$/i.test(n)))
    return fileIssue('file-not-xlsx', `Tệp nén này không phải bảng tính Excel .xlsx. ${SAVE_AS_XLSX}`);
  const unsafe = zip.entries.find((e) => /(^|\/)\.\.(\/|$)|^\/|\\|[\u0000-\u001f]/.test(e.name));
  if (unsafe)
    return fileIssue('file-unsafe', `Tệp chứa thành phần có tên bất thường ("${printable(unsafe.name)}"), không phải tệp do Excel tạo. Hãy lưu lại tệp bằng Excel hoặc LibreOffice.`);
  const inflated = zip.entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
  if (inflated > limits.maxUncompressedBytes)
    return fileIssue(
      'file-too-large',
      `Khi giải nén, tệp chiếm ${mb(inflated)}, vượt giới hạn ${mb(limits.maxUncompressedBytes)}. Tệp có thể bị lỗi hoặc chứa quá nhiều dòng trống đã định dạng: xóa các dòng, cột thừa rồi lưu lại.`,
    );
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buf as unknown as ArrayBuffer);
  } catch (err) {
    return fileIssue('file-damaged', `Không đọc được nội dung bảng tính (${(err as Error).message}). ${SAVE_AS_XLSX}`);
  }
  return { ok: true, workbook };
}

type Kind = 'zip' | 'cfb' | 'pdf' | 'html' | 'text' | 'unknown';

function sniff(buf: Buffer): Kind {
  if (buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50) return 'zip';
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from('d0cf11e0a1b11ae1', 'hex'))) return 'cfb';
  const head = buf.subarray(0, 512).toString('latin1').trimStart().toLowerCase();
  if (head.startsWith('%pdf')) return 'pdf';
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || head.includes('<table')) return 'html';
  if (/^[\x09\x0a\x0d\x20-\x7e\x80-\xff]*$/.test(head)) return 'text';
  return 'unknown';
}

function notXlsx(kind: Kind, buf: Buffer): { ok: false; issue: Issue } {
  switch (kind) {
    case 'cfb':
      // Encrypted OOXML is stored in an OLE compound file too; its directory names the EncryptionInfo stream.
      if (buf.includes(Buffer.from('EncryptionInfo', 'utf16le')))
        return fileIssue('file-encrypted', `Tệp được đặt mật khẩu nên không đọc được. Mở tệp, bỏ mật khẩu (File › Info › Protect Workbook › Encrypt with Password, xóa mật khẩu), lưu lại rồi gửi.`);
      return fileIssue('file-not-xlsx', `Tệp là định dạng Excel 97-2003 (.xls) cũ. ${SAVE_AS_XLSX}`);
    case 'pdf':
      return fileIssue('file-not-xlsx', `Tệp là PDF, không phải bảng tính. Hãy gửi tệp Excel .xlsx của biểu mẫu (không in ra PDF).`);
    case 'html':
      return fileIssue('file-not-xlsx', `Tệp là trang HTML đặt tên bảng tính (thường do phần mềm xuất ra). ${SAVE_AS_XLSX}`);
    case 'text':
      return fileIssue('file-not-xlsx', `Tệp là văn bản thuần (CSV/TXT), không phải .xlsx. ${SAVE_AS_XLSX}`);
    default:
      return fileIssue('file-not-xlsx', `Tệp không phải bảng tính Excel .xlsx. ${SAVE_AS_XLSX}`);
  }
}

function printable(s: string): string {
  return s.replace(/[\u0000-\u001f]/g, '?').slice(0, 80);
}
