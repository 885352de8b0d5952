import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Found } from '../core/consolidate/consolidate.js';
import { HIDDEN_REASON, classifyFound } from '../core/consolidate/found.js';
import { TRA_LAI } from './output-set.js';


/**
 * Lists every file under `dir` (subfolders included, in a stable order) and sorts them into submissions to read
 * and files to pass over (the reading thread hashes each file's bytes) with the reason. Follows symbolic links once: a loop is reported, not walked forever.
 */
export async function discover(dir: string, skip: string[] = [], rootCode?: string): Promise<Found[]> {
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
    // A folder of outputs left by an earlier run of this consolidation (its roll-up JSON beside its summary) holds
    // no unit's submission; a unit's own summary sent up has no such JSON named for this root.
    // Before the root is known (it may be found from the files), any bdg output folder's tra-lai/ copies are passed
    // over (they are annotated copies of files read elsewhere); the root's own summary is ignored once it is known.
    const ownOutputs = new RegExp(`^tong-hop-${rootCode ?? '\\d+'}-.+\\.json$`);
    const inOutputs = async (folder: string) => (await readdir(folder).catch(() => [] as string[])).some((n) => ownOutputs.test(n));
    if (current !== dir && !rootCode && basename(current) === TRA_LAI && (await inOutputs(dirname(current)))) {
      found.push({ kind: 'ignored', path: current, rel: relative(dir, current).split(sep).join('/'), reason: 'bản đánh dấu lỗi gửi trả của một lần tổng hợp trước (bdg), không phải báo cáo của đơn vị' });
      return;
    }
    if (current !== dir && rootCode && (await inOutputs(current))) {
      found.push({ kind: 'ignored', path: current, rel: relative(dir, current).split(sep).join('/'), reason: 'thư mục kết quả của một lần tổng hợp trước (bdg), không phải báo cáo của đơn vị' });
      return;
    }
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
      if (isOutput && e.name.startsWith('.bdg-')) continue; // this folder's own lock and records
      if (e.name.startsWith('.')) {
        if (isFile || isDir) found.push({ kind: 'ignored', path, rel, reason: HIDDEN_REASON });
        continue;
      }
      if (isDir) {
        if (isOutput && e.name === TRA_LAI) {
          found.push({ kind: 'ignored', path, rel, reason: 'bản trả lại do bdg tạo ở lần tổng hợp trước, không phải báo cáo của đơn vị' });
          continue;
        }
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
  return found;
}

