import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { DEFAULT_LIMITS } from '../core/read/limits.js';
import { issue } from '../core/rules/rules.js';
import { checkSubmission, unreadable, type CheckOptions, type CheckedFile } from '../core/validate/check-file.js';

/** Reads a submission file from disk and checks it; the size is checked before the bytes are read. */
export async function checkFile(path: string, options: CheckOptions & { displayName?: string } = {}): Promise<CheckedFile> {
  const file = options.displayName ?? path;
  const limits = options.limits ?? DEFAULT_LIMITS;
  let bytes: Uint8Array;
  try {
    const st = await stat(path);
    if (!st.isFile()) return unreadable(file, issue('file-unreadable', { problem: 'not-a-file', path }));
    if (st.size > limits.maxFileBytes) return unreadable(file, issue('file-too-large', { part: 'file', size: st.size, limit: limits.maxFileBytes }));
    bytes = await readFile(path);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return unreadable(file, issue('file-unreadable', { problem: missing ? 'missing' : 'no-access', path }));
  }
  const checked = await checkSubmission(bytes, file, options);
  // Hashed here, where the bytes already are: consolidation recognises a file sent twice without reading it again.
  checked.digest = createHash('sha256').update(bytes).digest('hex');
  return checked;
}
