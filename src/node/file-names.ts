import type { Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';
import type { FilePath } from '../core/consolidate/consolidate.js';
import type { SpecialFile } from '../core/rules/rules.js';
import { isUtf8 } from '../core/util/shown-name.js';

/**
 * Paths whose names are not UTF-8. Node decodes such a name to U+FFFD when it gives it as a string, and that string
 * names no file; so folders are read with Buffer names, and a path stays text while it can, bytes once it cannot.
 */

/** A path Node's fs takes: text, or bytes (a Uint8Array crossing from a thread is made a Buffer again). */
export function fsPath(path: FilePath): string | Buffer {
  if (typeof path === 'string' || Buffer.isBuffer(path)) return path;
  return Buffer.from(path.buffer, path.byteOffset, path.byteLength);
}

/** `name` (the bytes of a folder entry) inside `parent`: text while both are UTF-8, bytes otherwise. */
export function childPath(parent: FilePath, name: Buffer): FilePath {
  if (typeof parent === 'string' && isUtf8(name)) return join(parent, name.toString('utf8'));
  const head = fsPath(parent);
  const bytes = typeof head === 'string' ? Buffer.from(head) : head;
  const slash = bytes.length && bytes[bytes.length - 1] === sep.charCodeAt(0) ? [] : [Buffer.from(sep)];
  return Buffer.concat([bytes, ...slash, name]);
}

/** What a special file is (never to be opened: opening a FIFO waits for a writer), or null for a file or folder. */
export function specialKind(st: Stats): SpecialFile | null {
  if (st.isFile() || st.isDirectory()) return null;
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'char-device';
  if (st.isBlockDevice()) return 'block-device';
  return 'other';
}

/**
 * The file a person typed: the path itself, or, when its name held bytes that are not UTF-8 (the shell passes them,
 * Node turns each into U+FFFD), the one entry of each folder on the way whose name decodes to what was typed.
 * Null when there is no such file, or more than one.
 */
export async function locate(typed: string): Promise<FilePath | null> {
  if (
    await stat(typed).then(
      () => true,
      () => false,
    )
  )
    return typed;
  if (!typed.includes('\uFFFD')) return null;
  const parts = typed.split(sep);
  let at: FilePath = isAbsolute(typed) ? sep : '.';
  for (const part of parts) {
    if (!part) continue;
    if (!part.includes('\uFFFD')) {
      at = childPath(at, Buffer.from(part));
      continue;
    }
    const names = await readdir(fsPath(at), { encoding: 'buffer' }).catch(() => [] as Buffer[]);
    const matches = names.filter((n) => n.toString('utf8') === part);
    if (matches.length !== 1) return null;
    at = childPath(at, matches[0]!);
  }
  return (await stat(fsPath(at)).then(
    () => true,
    () => false,
  ))
    ? at
    : null;
}
