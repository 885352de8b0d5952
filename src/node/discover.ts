import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import type { FilePath, Found } from '../core/consolidate/consolidate.js';
import { HIDDEN_REASON, classifyFound } from '../core/consolidate/found.js';
import { issue, type SpecialFile } from '../core/rules/rules.js';
import { shownName } from '../core/util/shown-name.js';
import { childPath, fsPath, specialKind } from './file-names.js';
import { TRA_LAI } from './output-set.js';

/** What a folder entry is when it is neither a file, a folder nor a link (null then). */
function direntSpecial(e: Dirent<Buffer>): SpecialFile | null {
  if (e.isFIFO()) return 'fifo';
  if (e.isSocket()) return 'socket';
  if (e.isCharacterDevice()) return 'char-device';
  return e.isBlockDevice() ? 'block-device' : null;
}

/** A folder's identity (its real path's bytes), to see a folder reached twice through links. */
const realKey = (path: FilePath) => realpath(fsPath(path), { encoding: 'buffer' }).then((b) => b.toString('latin1'));

/**
 * Lists every file under `dir` (subfolders included, in a stable order) and sorts them into submissions to read
 * and files to pass over (the reading thread hashes each file's bytes) with the reason. Follows symbolic links once: a loop is reported, not walked forever.
 * Names are read as bytes: a name that is not UTF-8 is kept as bytes in `path` and shown escaped in `rel`
 * (util/shown-name.ts), as are names with control characters. A FIFO, socket or device is listed, never opened.
 */
export async function discover(dir: string, skip: string[] = [], rootCode?: string): Promise<Found[]> {
  const found: Found[] = [];
  const seenDirs = new Set<string>();
  const skipReal = await Promise.all(skip.map((s) => realKey(s).catch(() => s)));
  /** `rel`: the folder's shown path below `dir` ("" for `dir` itself); `name`, `parent`: its name, the folder it is in. */
  const walk = async (current: FilePath, rel = '', name = '', parent: FilePath = dir): Promise<void> => {
    const real = await realKey(current);
    if (seenDirs.has(real)) {
      found.push({
        kind: 'ignored',
        path: current,
        rel: rel || '.',
        reason: 'thư mục lặp lại (liên kết vòng), đã bỏ qua',
      });
      return;
    }
    seenDirs.add(real);
    const isOutput = skipReal.includes(real);
    if (isOutput && rel) return;
    // A folder of outputs left by an earlier run of this consolidation (its roll-up JSON beside its summary) holds
    // no unit's submission; a unit's own summary sent up has no such JSON named for this root.
    // Before the root is known (it may be found from the files), any bdg output folder's tra-lai/ copies are passed
    // over (they are annotated copies of files read elsewhere); the root's own summary is ignored once it is known.
    const ownOutputs = new RegExp(`^tong-hop-${rootCode ?? '\\d+'}-.+\\.json$`);
    const inOutputs = async (folder: FilePath) => {
      const names = await readdir(fsPath(folder), { encoding: 'buffer' }).catch(() => [] as Buffer[]);
      return names.some((n) => ownOutputs.test(n.toString()));
    };
    if (rel && !rootCode && name === TRA_LAI && (await inOutputs(parent))) {
      found.push({
        kind: 'ignored',
        path: current,
        rel,
        reason: 'bản đánh dấu lỗi gửi trả của một lần tổng hợp trước (bdg), không phải báo cáo của đơn vị',
      });
      return;
    }
    if (rel && rootCode && (await inOutputs(current))) {
      found.push({
        kind: 'ignored',
        path: current,
        rel,
        reason: 'thư mục kết quả của một lần tổng hợp trước (bdg), không phải báo cáo của đơn vị',
      });
      return;
    }
    let entries;
    try {
      entries = await readdir(fsPath(current), { withFileTypes: true, encoding: 'buffer' });
    } catch {
      found.push({
        kind: 'ignored',
        path: current,
        rel: rel || '.',
        reason: 'không đọc được thư mục (không có quyền?)',
      });
      return;
    }
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const e of entries) {
      const path = childPath(current, e.name);
      const shown = shownName(e.name);
      const entryRel = rel ? `${rel}/${shown}` : shown;
      const text = e.name.toString(); // compared below with ASCII names only
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      let special = direntSpecial(e);
      if (e.isSymbolicLink()) {
        const st = await stat(fsPath(path)).catch(() => null);
        if (!st) {
          found.push({ kind: 'ignored', path, rel: entryRel, reason: 'liên kết hỏng' });
          continue;
        }
        isDir = st.isDirectory();
        isFile = st.isFile();
        special = specialKind(st);
      }
      if (isOutput && text.startsWith('.bdg-')) continue; // this folder's own lock and records
      if (text.startsWith('.')) {
        if (isFile || isDir) found.push({ kind: 'ignored', path, rel: entryRel, reason: HIDDEN_REASON });
        continue;
      }
      if (isDir) {
        if (isOutput && text === TRA_LAI) {
          found.push({
            kind: 'ignored',
            path,
            rel: entryRel,
            reason: 'bản trả lại do bdg tạo ở lần tổng hợp trước, không phải báo cáo của đơn vị',
          });
          continue;
        }
        await walk(path, entryRel, text, current);
        continue;
      }
      if (special) {
        // Listed, never opened: opening a FIFO would wait for a writer that never comes.
        found.push({ kind: 'ignored', path, rel: entryRel, reason: issue('file-special', { found: special }).message });
        continue;
      }
      if (!isFile) continue;
      // When outputs are written into the folder itself (--out = the folder), a past run's summary is no submission.
      if (isOutput && /^(tong-hop|bao-cao)-.+\.(xlsx|json|docx)$/.test(text)) {
        found.push({
          kind: 'ignored',
          path,
          rel: entryRel,
          reason: 'kết quả của một lần tổng hợp trước (bdg), không phải báo cáo của đơn vị',
        });
        continue;
      }
      found.push(classifyFound(path, entryRel));
    }
  };
  await walk(dir);
  return found;
}
