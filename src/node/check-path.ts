import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import type { FilePath } from '../core/consolidate/consolidate.js';
import { shownName } from '../core/util/shown-name.js';
import { fsPath, specialKind } from './file-names.js';
import { DEFAULT_LIMITS } from '../core/read/limits.js';
import { issue } from '../core/rules/rules.js';
import { checkSubmission, unreadable, type CheckOptions, type CheckedFile } from '../core/validate/check-file.js';
import './native-inflate.js'; // the reader's parts inflated by Node's zlib

/**
 * Reads a submission file from disk and checks it; the size is checked before the bytes are read. Runs on a
 * reading thread, so the file is read synchronously: no trip through libuv's pool and a promise per call.
 */
export async function checkFile(
  path: FilePath,
  options: CheckOptions & { displayName?: string } = {},
): Promise<CheckedFile> {
  const file = options.displayName ?? shownName(path);
  const limits = options.limits ?? DEFAULT_LIMITS;
  let bytes: Uint8Array;
  let fd: number | undefined;
  try {
    // Opened without waiting (a FIFO put in the file's place would wait for a writer), then looked at by handle.
    fd = openSync(fsPath(path), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = fstatSync(fd);
    const special = specialKind(st);
    if (special) return unreadable(file, issue('file-special', { found: special, path: file }));
    if (!st.isFile()) return unreadable(file, issue('file-unreadable', { problem: 'not-a-file', path: file }));
    const size = st.size;
    if (size > limits.maxFileBytes)
      return unreadable(file, issue('file-too-large', { part: 'file', size, limit: limits.maxFileBytes }));
    bytes = readFileSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'missing' : code === 'EISDIR' ? 'not-a-file' : 'no-access';
    return unreadable(file, issue('file-unreadable', { problem, path: file }));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const checked = await checkSubmission(bytes, file, options);
  // Hashed here, where the bytes already are: consolidation recognises a file sent twice without reading it again.
  checked.digest = createHash('sha256').update(bytes).digest('hex');
  return checked;
}
