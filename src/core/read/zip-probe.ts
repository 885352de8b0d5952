/**
 * Reads a zip's central directory, so a file can be recognised (xlsx, docx, ods) and refused (zip bomb, lying
 * sizes, path tricks) before its parts are parsed.
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
const utf8 = new TextDecoder('utf-8');

export function probeZip(buf: Uint8Array): ZipProbe {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const u32 = (i: number) => view.getUint32(i, true);
  const u16 = (i: number) => view.getUint16(i, true);
  // The end-of-central-directory record sits in the last 22 + up to 65535 (comment) bytes.
  const from = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= from; i--) {
    if (u32(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return { ok: false, reason: 'no-directory' };
  const count = u16(eocd + 10);
  const dirSize = u32(eocd + 12);
  const dirOffset = u32(eocd + 16);
  if (dirOffset + dirSize > eocd) return { ok: false, reason: 'truncated' };
  const entries: ZipEntry[] = [];
  let p = dirOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || u32(p) !== CENTRAL_SIGNATURE) return { ok: false, reason: 'truncated' };
    const method = u16(p + 10);
    const compressedSize = u32(p + 20);
    const uncompressedSize = u32(p + 24);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    const commentLen = u16(p + 32);
    const localOffset = u32(p + 42);
    if (localOffset + compressedSize > buf.length || p + 46 + nameLen > buf.length) return { ok: false, reason: 'truncated' };
    entries.push({ name: utf8.decode(buf.subarray(p + 46, p + 46 + nameLen)), method, compressedSize, uncompressedSize, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return { ok: true, entries };
}
