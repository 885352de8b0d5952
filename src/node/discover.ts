import { createHash } from 'node:crypto';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Found } from '../core/consolidate/consolidate.js';
import { HIDDEN_REASON, classifyFound } from '../core/consolidate/found.js';


/**
 * Lists every file under `dir` (subfolders included, in a stable order) and sorts them into submissions to read
 * (with a digest of their bytes) and files to pass over with the reason. Follows symbolic links once: a loop is reported, not walked forever.
 */
export async function discover(dir: string, skip: string[] = []): Promise<Found[]> {
  const found: Found[] = [];
  const seenDirs = new Set<string>();
  const skipReal = await Promise.all(skip.map((s) => realpath(s).catch(() => s)));
  const walk = async (current: string): Promise<void> => {
    const real = await realpath(current);
    if (seenDirs.has(real)) {
      found.push({ kind: 'ignored', path: current, rel: relative(dir, current) || '.', reason: 'thư mục lặp lại (liên kết vòng), đã bỏ qua' });
      return;
    }
    seenDirs.add(real);
    const isOutput = skipReal.includes(real);
    if (isOutput && current !== dir) return;
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      found.push({ kind: 'ignored', path: current, rel: relative(dir, current) || '.', reason: 'không đọc được thư mục (không có quyền?)' });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = join(current, e.name);
      const rel = relative(dir, path).split(sep).join('/');
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const st = await stat(path).catch(() => null);
        if (!st) {
          found.push({ kind: 'ignored', path, rel, reason: 'liên kết hỏng' });
          continue;
        }
        isDir = st.isDirectory();
        isFile = st.isFile();
      }
      if (e.name.startsWith('.')) {
        if (isFile || isDir) found.push({ kind: 'ignored', path, rel, reason: HIDDEN_REASON });
        continue;
      }
      if (isDir) {
        await walk(path);
        continue;
      }
      if (!isFile) continue;
      // When outputs are written into the folder itself (--out = the folder), a past run's summary is no submission.
      if (isOutput && /^(tong-hop|bao-cao)-.+\.(xlsx|json|docx)$/.test(e.name)) {
        found.push({ kind: 'ignored', path, rel, reason: 'kết quả của một lần tổng hợp trước (bdg), không phải báo cáo của đơn vị' });
        continue;
      }
      found.push(classifyFound(path, rel));
    }
  };
  await walk(dir);
  for (const f of found) if (f.kind === 'candidate') f.digest = await fileDigest(f.path);
  return found;
}

/** Content hash, to recognise the same file sent twice under two names. */
export async function fileDigest(path: string): Promise<string | null> {
  try {
    return createHash('sha256').update(await readFile(path)).digest('hex');
  } catch {
    return null;
  }
}
