import { inflateRawSync } from 'node:zlib';

/**
 * Reads a zip's central directory, and inflates entries under a byte budget, so a file can be recognised
 * (xlsx, docx, ods) and refused (zip bomb, lying sizes, path tricks) before a spreadsheet library loads it.
 */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
}

export type ZipProbe = { ok: true; entries: ZipEntry[] } | { ok: false; reason: 'no-directory' | 'truncated' };

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

export function probeZip(buf: Buffer): ZipProbe {
  // The end-of-central-directory record sits in the last 22 + up to 65535 (comment) bytes.
  const from = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= from; i--) {
    if (buf.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return { ok: false, reason: 'no-directory' };
  const count = buf.readUInt16LE(eocd + 10);
  const dirSize = buf.readUInt32LE(eocd + 12);
  const dirOffset = buf.readUInt32LE(eocd + 16);
  if (dirOffset + dirSize > eocd) return { ok: false, reason: 'truncated' };
  const entries: ZipEntry[] = [];
  let p = dirOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL_SIGNATURE) return { ok: false, reason: 'truncated' };
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const uncompressedSize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    if (localOffset + compressedSize > buf.length) return { ok: false, reason: 'truncated' };
    entries.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLen), method, compressedSize, uncompressedSize, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return { ok: true, entries };
}

export type Inflated = { ok: true; data: Buffer } | { ok: false; reason: 'too-large' | 'damaged' | 'unsupported' };

/** Inflates one entry, refusing to produce more than `budget` bytes whatever its header claims. */
export function inflateEntry(buf: Buffer, entry: ZipEntry, budget: number): Inflated {
  const p = entry.localOffset;
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== LOCAL_SIGNATURE) return { ok: false, reason: 'damaged' };
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const raw = buf.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return raw.length <= budget ? { ok: true, data: raw } : { ok: false, reason: 'too-large' };
  if (entry.method !== 8) return { ok: false, reason: 'unsupported' };
  try {
    return { ok: true, data: inflateRawSync(raw, { maxOutputLength: Math.max(1, budget) }) };
  } catch (err) {
    return { ok: false, reason: (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError ? 'too-large' : 'damaged' };
  }
}
