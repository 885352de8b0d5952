import type { Found } from '../core/consolidate/consolidate.js';
import { HIDDEN_REASON, classifyFound } from '../core/consolidate/found.js';
import type { PageFile } from './read-pool.js';

/** Files from `input[multiple]` (names only) or `input[webkitdirectory]` (paths under the chosen folder). */
export function filesFromInput(list: FileList | null): PageFile[] {
  return [...(list ?? [])].map((file) => {
    const path = file.webkitRelativePath || file.name;
    // "chosen-folder/sub/x.xlsx" → "sub/x.xlsx": named relative to the folder, as the CLI names them.
    const rel = file.webkitRelativePath ? path.slice(path.indexOf('/') + 1) : path;
    return { file, rel: rel.normalize('NFC') };
  });
}

interface EntryLike {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  file?(ok: (f: File) => void, fail: (e: unknown) => void): void;
  createReader?(): { readEntries(ok: (entries: EntryLike[]) => void, fail: (e: unknown) => void): void };
}

/** What was dropped: files, and folders walked through. A single dropped folder counts as the chosen folder. */
export async function filesFromDrop(data: DataTransfer): Promise<PageFile[]> {
  const entries = [...data.items]
    .map((item) => (item.kind === 'file' ? (item.webkitGetAsEntry?.() as EntryLike | null) : null))
    .filter((e): e is EntryLike => Boolean(e));
  if (entries.length === 0) return [...data.files].map((file) => ({ file, rel: file.name.normalize('NFC') }));
  const out: PageFile[] = [];
  const children = async (dir: EntryLike): Promise<EntryLike[]> => {
    const reader = dir.createReader!();
    const all: EntryLike[] = [];
    // readEntries gives the entries in batches until an empty one.
    for (;;) {
      const batch = await new Promise<EntryLike[]>((ok, fail) => reader.readEntries(ok, fail));
      if (!batch.length) return all;
      all.push(...batch);
    }
  };
  const walk = async (entry: EntryLike, prefix: string): Promise<void> => {
    if (entry.isFile && entry.file) {
      const file = await new Promise<File>((ok, fail) => entry.file!(ok, fail));
      out.push({ file, rel: `${prefix}${entry.name}`.normalize('NFC') });
    } else if (entry.isDirectory && entry.createReader)
      for (const e of await children(entry)) await walk(e, `${prefix}${entry.name}/`);
  };
  const single = entries.length === 1 && entries[0]!.isDirectory ? entries[0]! : undefined;
  if (single) for (const e of await children(single)) await walk(e, '');
  else for (const e of entries) await walk(e, '');
  return out;
}

/** Path order of the CLI's walk: folder by folder, names compared as strings, a folder's files where its name sorts. */
function comparePaths(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length;
}

/**
 * The files as the CLI's folder walk sees them: in the same order, hidden files and folders passed over (a hidden
 * folder once), every submission to be read (its reading thread hashes its bytes, so the same file sent twice counts
 * once).
 */
export async function foundFromFiles(files: PageFile[]): Promise<{ found: Found[]; byPath: Map<string, PageFile> }> {
  const sorted = [...files].sort((a, b) => comparePaths(a.rel, b.rel));
  const found: Found[] = [];
  const byPath = new Map<string, PageFile>();
  const hiddenSeen = new Set<string>();
  for (const f of sorted) {
    const parts = f.rel.split('/');
    const hidden = parts.findIndex((p) => p.startsWith('.'));
    if (hidden >= 0) {
      const rel = parts.slice(0, hidden + 1).join('/');
      if (!hiddenSeen.has(rel)) found.push({ kind: 'ignored', path: rel, rel, reason: HIDDEN_REASON });
      hiddenSeen.add(rel);
      continue;
    }
    if (byPath.has(f.rel)) continue;
    byPath.set(f.rel, f);
    const item = classifyFound(f.rel, f.rel);
    found.push(item);
  }
  return { found, byPath };
}
