import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import type { Issue } from '../model.js';
import { DEFAULT_LIMITS, type ReadLimits } from './limits.js';
import { inflateEntry, probeZip, type ZipEntry } from './zip-probe.js';

export { DEFAULT_LIMITS, type ReadLimits } from './limits.js';

export type OpenResult = { ok: true; workbook: ExcelJS.Workbook } | { ok: false; issue: Issue };

const SAVE_AS_XLSX = 'Mở tệp bằng Excel hoặc LibreOffice Calc và lưu lại dưới dạng .xlsx (Excel Workbook), rồi gửi lại tệp đó.';

function fileIssue(rule: string, message: string): { ok: false; issue: Issue } {
  return { ok: false, issue: { rule, severity: 'error', message } };
}

const mb = (n: number) => `${Math.max(1, Math.round(n / 1024 / 1024))} MB`;

/** The issue for a file over the size limit; the edges check the size before reading the bytes. */
export function fileTooLarge(size: number, limits: ReadLimits): { ok: false; issue: Issue } {
  return fileIssue(
    'file-too-large',
    `Tệp nặng ${mb(size)}, vượt giới hạn ${mb(limits.maxFileBytes)} của một biểu mẫu. Xóa các sheet, hình ảnh không cần thiết rồi lưu lại (hoặc chạy lại với --max-file-mb nếu tệp đúng là lớn như vậy).`,
  );
}

/**
 * Recognises what a file really is before handing it to exceljs, refuses what is hostile within the limits,
 * and says in Vietnamese how to fix it. Never throws for a bad file.
 */
export async function openWorkbook(buf: Uint8Array, limits: ReadLimits = DEFAULT_LIMITS): Promise<OpenResult> {
  const size = buf.length;
  if (size === 0) return fileIssue('file-empty', `Tệp rỗng (0 byte), có thể tải về chưa xong. Hãy lấy lại tệp gốc.`);
  if (size > limits.maxFileBytes) return fileTooLarge(size, limits);
  const kind = sniff(buf);
  if (kind !== 'zip') return notXlsx(kind, buf);
  const zip = probeZip(buf);
  if (!zip.ok)
    return fileIssue('file-damaged', `Tệp bị hỏng hoặc tải về chưa hết (cấu trúc nén không đầy đủ). Hãy tải lại hoặc xin gửi lại tệp gốc.`);
  const names = new Set(zip.entries.map((e) => e.name));
  if (names.has('mimetype') && contains(buf, ascii('application/vnd.oasis.opendocument')))
    return fileIssue('file-not-xlsx', `Tệp là bảng tính OpenDocument (.ods), không phải .xlsx. ${SAVE_AS_XLSX}`);
  if (names.has('word/document.xml'))
    return fileIssue('file-not-xlsx', `Tệp là văn bản Word (.docx) đặt tên .xlsx, không phải bảng tính. Hãy gửi đúng tệp biểu mẫu Excel.`);
  if (!names.has('xl/workbook.xml'))
    return fileIssue('file-not-xlsx', `Tệp nén này không phải bảng tính Excel .xlsx. ${SAVE_AS_XLSX}`);
  const unsafe = zip.entries.find((e) => /(^|\/)\.\.(\/|$)|^\/|\\|[\u0000-\u001f]/.test(e.name));
  if (unsafe)
    return fileIssue('file-unsafe', `Tệp chứa thành phần có tên bất thường ("${printable(unsafe.name)}"), không phải tệp do Excel tạo. Hãy mở bằng Excel hoặc LibreOffice và lưu lại thành tệp mới.`);
  const declared = zip.entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
  if (declared > limits.maxUncompressedBytes) return tooLargeInside(declared, limits);

  const checked = inspectParts(buf, zip.entries, limits);
  if (!checked.ok) return checked;
  let data = buf;
  if (checked.rewrite.size) data = await rewriteParts(buf, checked.rewrite);

  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch (err) {
    return fileIssue('file-damaged', `Không đọc được nội dung bảng tính (${printable((err as Error).message)}). ${SAVE_AS_XLSX}`);
  }
  return { ok: true, workbook };
}

function tooLargeInside(bytes: number, limits: ReadLimits) {
  return fileIssue(
    'file-too-large',
    `Khi giải nén, tệp chiếm hơn ${mb(bytes)}, vượt giới hạn ${mb(limits.maxUncompressedBytes)}. Tệp có thể bị lỗi hoặc chứa quá nhiều dòng, cột thừa: xóa chúng rồi lưu lại.`,
  );
}

const MAIN_NS = /^https?:\/\/(schemas\.openxmlformats\.org\/spreadsheetml\/2006\/main|purl\.oclc\.org\/ooxml\/spreadsheetml\/main)$/;
const STRICT_NS: [RegExp, string][] = [
  [/http:\/\/purl\.oclc\.org\/ooxml\/spreadsheetml\/main/g, 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'],
  [/http:\/\/purl\.oclc\.org\/ooxml\/officeDocument\/relationships/g, 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'],
  [/http:\/\/purl\.oclc\.org\/ooxml\/drawingml\/main/g, 'http://schemas.openxmlformats.org/drawingml/2006/main'],
];

/**
 * Inflates every part under the byte budget (headers can lie), refuses DTDs (entity expansion) and an oversized
 * shared-strings table, and notes the parts to rewrite for exceljs: namespace-prefixed elements (`<x:row>`, as
 * some writers produce) and Strict OOXML namespaces.
 */
function inspectParts(buf: Uint8Array, entries: ZipEntry[], limits: ReadLimits): { ok: true; rewrite: Map<string, string> } | { ok: false; issue: Issue } {
  let budget = limits.maxUncompressedBytes;
  const rewrite = new Map<string, string>();
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    const isXml = /\.(xml|rels)$/i.test(entry.name);
    const inflated = inflateEntry(buf, entry, budget + 1);
    if (!inflated.ok) {
      if (inflated.reason === 'too-large') return tooLargeInside(limits.maxUncompressedBytes + 1, limits);
      if (!isXml) continue; // a damaged picture does not stop the figures
      return fileIssue('file-damaged', `Tệp bị hỏng (phần "${printable(entry.name)}" không giải nén được). ${SAVE_AS_XLSX}`);
    }
    budget -= inflated.data.length;
    if (budget < 0) return tooLargeInside(limits.maxUncompressedBytes + 1, limits);
    if (/sharedStrings\.xml$/i.test(entry.name) && inflated.data.length > limits.maxSharedStringsBytes)
      return fileIssue(
        'file-too-large',
        `Bảng chữ dùng chung của tệp chiếm ${mb(inflated.data.length)}, vượt giới hạn ${mb(limits.maxSharedStringsBytes)}; một biểu mẫu thật chỉ vài chục KB. Chép số liệu sang biểu mẫu mới rồi gửi lại.`,
      );
    if (!isXml) continue;
    const head = utf8.decode(inflated.data.subarray(0, 4096));
    if (/<!DOCTYPE|<!ENTITY/i.test(head) || (inflated.data.length > 4096 && contains(inflated.data, ascii('<!ENTITY'))))
      return fileIssue('file-unsafe', `Tệp chứa khai báo XML (DOCTYPE/ENTITY) mà Excel không bao giờ tạo ra, có thể là tệp độc hại. Mở bằng Excel hoặc LibreOffice, lưu thành tệp mới rồi gửi lại.`);
    const depth = maxDepth(inflated.data);
    if (depth > MAX_XML_DEPTH)
      return fileIssue('file-unsafe', `Phần "${printable(entry.name)}" của tệp lồng nhau quá sâu (${depth} cấp, Excel không quá vài chục), có thể là tệp độc hại hoặc hỏng. Mở bằng Excel hoặc LibreOffice, lưu thành tệp mới rồi gửi lại.`);
    const prefix = mainPrefix(head);
    const strict = head.includes('purl.oclc.org/ooxml');
    if (prefix || strict) {
      let text = utf8.decode(inflated.data);
      if (prefix) text = unprefix(text, prefix);
      if (strict) for (const [from, to] of STRICT_NS) text = text.replace(from, to);
      rewrite.set(entry.name, text);
    }
  }
  return { ok: true, rewrite };
}

/** SpreadsheetML nests a dozen levels at most; thousands means a hostile or broken part. */
const MAX_XML_DEPTH = 100;

/** Deepest element nesting of an XML part, by a byte scan (no parser: the point is to refuse before parsing). */
function maxDepth(xml: Uint8Array): number {
  let depth = 0;
  let max = 0;
  for (let i = xml.indexOf(0x3c); i >= 0 && i < xml.length; i = xml.indexOf(0x3c, i + 1)) {
    const next = xml[i + 1];
    if (next === 0x2f) depth--; // </
    else if (next !== 0x3f && next !== 0x21) {
      // <? and <! are not elements; a self-closing tag ends with "/>"
      const end = xml.indexOf(0x3e, i);
      if (end < 0) break;
      if (xml[end - 1] !== 0x2f) depth++;
      if (depth > max) max = depth;
      i = end;
    }
  }
  return max;
}

/** The prefix bound to the SpreadsheetML namespace on the root element, if the root element uses one. */
function mainPrefix(head: string): string | null {
  const root = /<([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*[\s>]/.exec(head.replace(/<\?xml[^>]*\?>/, ''));
  if (!root) return null;
  const binding = new RegExp(`xmlns:${root[1]}="([^"]+)"`).exec(head);
  return binding && MAIN_NS.test(binding[1]!) ? root[1]! : null;
}

function unprefix(xml: string, prefix: string): string {
  return xml
    .replace(new RegExp(`<(/?)${prefix}:`, 'g'), '<$1')
    .replace(new RegExp(`xmlns:${prefix}=`, 'g'), 'xmlns=');
}

async function rewriteParts(buf: Uint8Array, parts: Map<string, string>): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(buf);
  for (const [name, text] of parts) zip.file(name, text);
  return zip.generateAsync({ type: 'uint8array', compression: 'STORE' });
}

const utf8 = new TextDecoder('utf-8');
const ascii = (s: string) => new TextEncoder().encode(s);
const utf16le = (s: string) => new Uint8Array(new Uint16Array([...s].map((c) => c.charCodeAt(0))).buffer);

/** Whether `needle` occurs in `bytes`. */
function contains(bytes: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  outer: for (let i = bytes.indexOf(first!); i >= 0 && i + needle.length <= bytes.length; i = bytes.indexOf(first!, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

type Kind = 'zip' | 'cfb' | 'pdf' | 'html' | 'text' | 'unknown';

const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function sniff(buf: Uint8Array): Kind {
  if (buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) return 'zip';
  if (buf.length >= 8 && CFB_MAGIC.every((b, i) => buf[i] === b)) return 'cfb';
  const head = String.fromCharCode(...buf.subarray(0, 512)).trimStart().toLowerCase();
  if (head.startsWith('%pdf')) return 'pdf';
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || head.includes('<table')) return 'html';
  if (/^[\x09\x0a\x0d\x20-\x7e\x80-\xff]*$/.test(head)) return 'text';
  return 'unknown';
}

function notXlsx(kind: Kind, buf: Uint8Array): { ok: false; issue: Issue } {
  switch (kind) {
    case 'cfb':
      // Encrypted OOXML is stored in an OLE compound file too; its directory names the EncryptionInfo stream.
      if (contains(buf, utf16le('EncryptionInfo')))
        return fileIssue('file-encrypted', `Tệp được đặt mật khẩu nên không đọc được. Mở tệp, bỏ mật khẩu (Excel: File › Info › Protect Workbook › Encrypt with Password, xóa mật khẩu), lưu lại rồi gửi.`);
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
  return s.replace(/[\u0000-\u001f]/g, '?').slice(0, 120);
}
