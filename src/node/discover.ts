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
 * and files to pass over (the reading thread hashes each file's bytes) with the reason. Follows symbolic links once: a
 * loop is reported, not walked forever.
 * Names are read as bytes: a name that is not UTF-8 is kept as bytes in `path` and shown escaped in `rel`
 * (util/shown-name.ts), as are names with control characters. A FIFO, socket or device is listed, never opened.
 */
export async function discover(dir: string, skip: string[] = [], rootCode?: string): Promise<Found[]> {
  const skipReal = await Promise.all(skip.map((s) => realKey(s).catch(() => s)));
  const walk = new FolderWalk(dir, skipReal, rootCode);
  await walk.folder(dir);
  return walk.found;
}

/** An entry of a folder as it will be judged: links followed once. */
interface Entry {
  path: FilePath;
  rel: string;
  /** Its name as text, compared with ASCII names only. */
  text: string;
  isDir: boolean;
  isFile: boolean;
  special: SpecialFile | null;
}

const EARLIER_COPIES = 'bản đánh dấu lỗi gửi trả của một lần tổng hợp trước (bdg), không phải báo cáo của đơn vị';
const EARLIER_OUTPUTS = 'thư mục kết quả của một lần tổng hợp trước (bdg), không phải báo cáo của đơn vị';
const OWN_COPIES = 'bản trả lại do bdg tạo ở lần tổng hợp trước, không phải báo cáo của đơn vị';
const EARLIER_OUTPUT = 'kết quả của một lần tổng hợp trước (bdg), không phải báo cáo của đơn vị';

class FolderWalk {
  readonly found: Found[] = [];
  private readonly seenDirs = new Set<string>();
  /** A roll-up JSON of this root (or of any root, before it is known): the mark of a folder of bdg's outputs. */
  private readonly ownOutputs: RegExp;

  constructor(
    private readonly dir: string,
    private readonly skipReal: string[],
    private readonly rootCode: string | undefined,
  ) {
    this.ownOutputs = new RegExp(`^tong-hop-${rootCode ?? '\\d+'}-.+\\.json$`);
  }

  private ignore(path: FilePath, rel: string, reason: string): void {
    this.found.push({ kind: 'ignored', path, rel, reason });
  }

  /** `rel`: the folder's shown path below `dir` ("" for `dir` itself); `name`, `parent`: its name, its folder. */
  async folder(current: FilePath, rel = '', name = '', parent: FilePath = this.dir): Promise<void> {
    const real = await realKey(current);
    if (this.seenDirs.has(real)) return this.ignore(current, rel || '.', 'thư mục lặp lại (liên kết vòng), đã bỏ qua');
    this.seenDirs.add(real);
    const isOutput = this.skipReal.includes(real);
    if (isOutput && rel) return;
    if (rel && (await this.earlierOutputs(current, rel, name, parent))) return;
    let entries;
    try {
      entries = await readdir(fsPath(current), { withFileTypes: true, encoding: 'buffer' });
    } catch {
      return this.ignore(current, rel || '.', 'không đọc được thư mục (không có quyền?)');
    }
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const e of entries) {
      const entry = await this.entryOf(e, current, rel);
      if (entry) await this.visit(entry, isOutput, current);
    }
  }

  /**
   * A folder of outputs left by an earlier run of this consolidation (its roll-up JSON beside its summary) holds no
   * unit's submission; a unit's own summary sent up has no such JSON named for this root. Before the root is known
   * (it may be found from the files), any bdg output folder's tra-lai/ copies are passed over (annotated copies of
   * files read elsewhere); the root's own summary is ignored once it is known. True when the folder was passed over.
   */
  private async earlierOutputs(current: FilePath, rel: string, name: string, parent: FilePath): Promise<boolean> {
    if (!this.rootCode && name === TRA_LAI && (await this.holdsOutputs(parent))) {
      this.ignore(current, rel, EARLIER_COPIES);
      return true;
    }
    if (this.rootCode && (await this.holdsOutputs(current))) {
      this.ignore(current, rel, EARLIER_OUTPUTS);
      return true;
    }
    return false;
  }

  private async holdsOutputs(folder: FilePath): Promise<boolean> {
    const names = await readdir(fsPath(folder), { encoding: 'buffer' }).catch(() => [] as Buffer[]);
    return names.some((n) => this.ownOutputs.test(n.toString()));
  }

  /** What an entry is, a link followed to what it points at; a broken link is passed over (null). */
  private async entryOf(e: Dirent<Buffer>, current: FilePath, rel: string): Promise<Entry | null> {
    const path = childPath(current, e.name);
    const shown = shownName(e.name);
    const entryRel = rel ? `${rel}/${shown}` : shown;
    const entry = {
      path,
      rel: entryRel,
      text: e.name.toString(),
      isDir: e.isDirectory(),
      isFile: e.isFile(),
      special: direntSpecial(e),
    };
    if (!e.isSymbolicLink()) return entry;
    const st = await stat(fsPath(path)).catch(() => null);
    if (!st) {
      this.ignore(path, entryRel, 'liên kết hỏng');
      return null;
    }
    return { ...entry, isDir: st.isDirectory(), isFile: st.isFile(), special: specialKind(st) };
  }

  private async visit(entry: Entry, isOutput: boolean, current: FilePath): Promise<void> {
    const { path, rel, text, isDir, isFile, special } = entry;
    if (isOutput && text.startsWith('.bdg-')) return; // this folder's own lock and records
    if (text.startsWith('.')) {
      if (isFile || isDir) this.ignore(path, rel, HIDDEN_REASON);
      return;
    }
    if (isDir) {
      if (isOutput && text === TRA_LAI) return this.ignore(path, rel, OWN_COPIES);
      return this.folder(path, rel, text, current);
    }
    // Listed, never opened: opening a FIFO would wait for a writer that never comes.
    if (special) return this.ignore(path, rel, issue('file-special', { found: special }).message);
    if (!isFile) return;
    // When outputs are written into the folder itself (--out = the folder), a past run's summary is no submission.
    if (isOutput && /^(tong-hop|bao-cao)-.+\.(xlsx|json|docx)$/.test(text))
      return this.ignore(path, rel, EARLIER_OUTPUT);
    this.found.push(classifyFound(path, rel));
  }
}
