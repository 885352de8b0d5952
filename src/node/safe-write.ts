import { randomBytes } from 'node:crypto';
import { access, mkdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { FilePath } from '../core/consolidate/consolidate.js';
import { fsPath } from './file-names.js';

export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Refuses, before any work is done, to overwrite files a person made (unless --force) or to write over an input. */
export async function checkOutputs(paths: string[], opts: { force?: boolean; inputs?: FilePath[] }): Promise<void> {
  // Only an output already there can be an input (under another name, through a link): the inputs, a country's
  // thousands of files, are resolved only then. Compared as bytes: an input's name may not be UTF-8.
  const real = (p: FilePath) => realpath(fsPath(p), { encoding: 'buffer' }).then((b) => b.toString('latin1'));
  const resolved = await Promise.all(paths.map(async (p) => [p, await real(p).catch(() => null)] as const));
  const there = resolved.filter(([, r]) => r !== null);
  if (there.length && opts.inputs?.length) {
    const inputs = new Set(await Promise.all(opts.inputs.map((p) => real(p).catch(() => ''))));
    const same = there.find(([, real]) => inputs.has(real!));
    if (same)
      throw new UsageError(`tệp kết quả "${same[0]}" trùng với tệp đầu vào; chọn tên hoặc thư mục khác (--out).`);
  }
  if (opts.force) return;
  const existing: string[] = [];
  for (const p of paths) if (await exists(p)) existing.push(p);
  if (existing.length)
    throw new UsageError(
      `đã có ${existing.map((p) => `"${p}"`).join(', ')}. bdg không ghi đè tệp đã có: thêm --force để ghi đè, hoặc chọn nơi khác bằng --out.`,
    );
}

/**
 * Writes through a temporary file in the same folder and renames it into place, so an interrupted run or a full
 * disk never leaves a half-written output. The temporary file is removed on failure.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new UsageError(`không tạo được thư mục kết quả "${dir}": ${describeFsError(err)}.`);
  }
  const tmp = join(dir, `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new UsageError(`không ghi được "${path}": ${describeFsError(err)}. Không có tệp dở dang nào được để lại.`);
  }
}

/** A file-system error as a person reads it (full disk, no permission…), whatever the writer. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOSPC':
      return 'ổ đĩa đã đầy';
    case 'EDQUOT':
      return 'đã hết hạn mức dung lượng được cấp trên ổ đĩa';
    case 'EACCES':
    case 'EPERM':
      return 'không có quyền ghi vào thư mục này';
    case 'EROFS':
      return 'ổ đĩa chỉ đọc';
    case 'EMFILE':
    case 'ENFILE':
      return 'máy đang mở quá nhiều tệp cùng lúc; đóng bớt chương trình khác';
    case 'EIO':
      return 'lỗi đọc ghi ổ đĩa (ổ đĩa hỏng hoặc đã bị rút ra?)';
    case 'ENAMETOOLONG':
      return 'tên hoặc đường dẫn quá dài';
    case 'ENOENT':
    case 'ENOTDIR':
      return 'thư mục không còn tồn tại (đã bị xóa hoặc đổi tên?)';
    case 'EISDIR':
      return 'ở đó đã có một thư mục cùng tên';
    case 'EBUSY':
    case 'ETXTBSY':
      return 'tệp đang được một chương trình khác sử dụng';
    case 'EFBIG':
      return 'tệp vượt quá dung lượng hệ thống cho phép';
  }
  return code ? `lỗi hệ thống tệp (${code})` : `lỗi không rõ (${(err as Error).message})`;
}
