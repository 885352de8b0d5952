/**
 * What reading a small part gave, remembered by what decides it: the part's path, its compressed bytes and the size
 * its zip entry declares. A folder's files come from one template, and the package's relationships, the workbook's
 * relationships, the workbook and the styles are the same bytes file after file: each is inflated and parsed once
 * per thread. Only results are kept (a part that is refused is refused again, read again); the values are shared
 * between workbooks, so nothing may change them.
 */
export class PartMemo<T> {
  private readonly byHash = new Map<number, Remembered<T>[]>();
  private count = 0;

  /** What `path` gave the last time it had these bytes (and the bytes it inflated to), or undefined. */
  find(path: string, raw: Uint8Array, declared: number): Remembered<T> | undefined {
    const bucket = this.byHash.get(hashOf(raw, declared));
    return bucket?.find((r) => r.path === path && r.declared === declared && sameBytes(r.raw, raw));
  }

  remember(path: string, raw: Uint8Array, declared: number, size: number, value: T): void {
    // Bounded: a folder of many templates forgets and starts again.
    if (this.count >= MAX_REMEMBERED) {
      this.byHash.clear();
      this.count = 0;
    }
    const hash = hashOf(raw, declared);
    // A copy: the part's bytes are a window on the whole file's, which must not stay in memory for it.
    const entry = { path, raw: raw.slice(), declared, size, value };
    const bucket = this.byHash.get(hash);
    if (bucket) bucket.push(entry);
    else this.byHash.set(hash, [entry]);
    this.count++;
  }
}

export interface Remembered<T> {
  path: string;
  raw: Uint8Array;
  declared: number;
  /** The bytes the part inflated to, counted against each archive's budget as if inflated again. */
  size: number;
  value: T;
}

/** Parts remembered per kind at most. */
const MAX_REMEMBERED = 64;

/** Compressed parts up to this size are remembered: relationships, workbooks and styles are a few hundred bytes. */
export const MEMO_PART_BYTES = 4096;

/** FNV-1a of the bytes, and the declared size. */
function hashOf(raw: Uint8Array, declared: number): number {
  let h = 0x811c9dc5 ^ declared;
  for (let i = 0; i < raw.length; i++) h = Math.imul(h ^ raw[i]!, 0x01000193);
  return h;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
