/**
 * Reads a zip's central directory without inflating anything, so a file can be recognised (xlsx, docx, ods)
 * and refused (zip bomb, path tricks) before a spreadsheet library loads it all into memory.
 */
export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

export type ZipProbe = { ok: true; entries: ZipEntry[] } | { ok: false; reason: 'no-directory' | 'truncated' };

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;

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
    const compressedSize = buf.readUInt32LE(p + 20);
    const uncompressedSize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    if (localOffset + compressedSize > buf.length) return { ok: false, reason: 'truncated' };
    entries.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLen), compressedSize, uncompressedSize });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return { ok: true, entries };
}
