import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { DEFAULT_LIMITS } from '../core/read/limits.js';
import { issue } from '../core/rules/rules.js';
import { checkSubmission, unreadable, type CheckOptions, type CheckedFile } from '../core/validate/check-file.js';

/**
 * Reads a submission file from disk and checks it; the size is checked before the bytes are read. Runs on a
 * reading thread, so the file is read synchronously: no trip through libuv's pool and a promise per call.
 */
export async function checkFile(path: string, options: CheckOptions & { displayName?: string } = {}): Promise<CheckedFile> {
  const file = options.displayName ?? path;
  const limits = options.limits ?? DEFAULT_LIMITS;
  let bytes: Uint8Array;
  let fd: number | undefined;
  try {
    // Looked at before opening: opening a named pipe would wait for a writer.
    if (!statSync(path).isFile()) return unreadable(file, issue('file-unreadable', { problem: 'not-a-file', path }));
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    if (size > limits.maxFileBytes) return unreadable(file, issue('file-too-large', { part: 'file', size, limit: limits.maxFileBytes }));
    bytes = readFileSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return unreadable(file, issue('file-unreadable', { problem: code === 'ENOENT' ? 'missing' : 'no-access', path }));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const checked = await checkSubmission(bytes, file, options);
  // Hashed here, where the bytes already are: consolidation recognises a file sent twice without reading it again.
  checked.digest = createHash('sha256').update(bytes).digest('hex');
  return checked;
}
