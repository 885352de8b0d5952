import { Deflate, Inflate, Zip, ZipDeflate, type ZipInputFile } from 'fflate';
import { inflateWhole, OutputTooLarge } from './inflate.js';
import { joinChunks } from '../util/bytes.js';

/**
 * The zip of an Office package, read under a byte budget and written with fflate. Reading: the central directory
 * once; an entry is inflated only when asked, as a stream, and the whole archive may not inflate to more than
 * the budget (nor an entry to more than the size its header declares: a zip bomb lies there). Writing: entries
 * not changed are copied as their compressed bytes, never inflated; changed ones are deflated as they stream in.
 */

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
}

/**
 * Why a package cannot be read: not a zip, damaged, over the byte budget, or a part name that is a trick; `facts`
 * say which, for a message (the reader's refusals).
 */
export class PackageError extends Error {
  constructor(
    readonly reason: 'not-zip' | 'damaged' | 'too-large' | 'unsafe',
    detail: string,
    readonly facts: PackageFacts = {},
  ) {
    super(`${reason}: ${detail}`);
  }
}

export interface PackageFacts {
  /** The entry concerned. */
  name?: string;
  /** unsafe: a name that climbs out, is absolute or holds control characters; or one that repeats another. */
  danger?: 'part-name' | 'duplicate-name';
  /** too-large: the whole archive ('unzipped', `size` declared or reached) or one entry past its declared size. */
  part?: 'unzipped' | 'entry';
  size?: number;
  declared?: number;
}

/** A part name no package may hold: one that climbs out of the package, is absolute, or holds control characters. */
const UNSAFE_NAME = /(^|\/)\.\.(\/|$)|^\/|\\|[\u0000-\u001f]/;

/**
 * The zip's central directory, entries in order; throws PackageError (not-zip, damaged) when there is none or it
 * does not fit in the bytes. Names are not judged here (see ZipArchive).
 */
export function readDirectory(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--)
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new PackageError('not-zip', 'no central directory');
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  if (p + view.getUint32(eocd + 12, true) > eocd) throw new PackageError('damaged', 'central directory');
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL)
      throw new PackageError('damaged', 'central directory');
    const nameLength = view.getUint16(p + 28, true);
    if (p + 46 + nameLength > bytes.length) throw new PackageError('damaged', 'central directory');
    const entry: ZipEntry = {
      name: utf8.decode(bytes.subarray(p + 46, p + 46 + nameLength)),
      method: view.getUint16(p + 10, true),
      crc: view.getUint32(p + 16, true),
      compressedSize: view.getUint32(p + 20, true),
      uncompressedSize: view.getUint32(p + 24, true),
      localOffset: view.getUint32(p + 42, true),
    };
    if (entry.localOffset + entry.compressedSize > bytes.length) throw new PackageError('damaged', entry.name);
    entries.push(entry);
    p += 46 + nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
  return entries;
}

const utf8 = new TextDecoder();

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** Compressed bytes handed to the inflater at a time: deflate expands ~1032× at most, so one step stays small. */
const STEP = 16 * 1024;

export interface ZipLimits {
  /** What all the entries read may inflate to, together. */
  maxUncompressedBytes: number;
}

/**
 * Native deflate, when the platform has one (Node's zlib, given by src/node): several times faster than fflate on
 * a part of 100 MB. Without it, fflate does the work. `inflateRaw` throws a RangeError rather than produce more
 * than `maxOutput` bytes; `deflateRaw` pieces, concatenated, form one raw deflate stream (the last one `final`);
 * `crc32` continues a CRC-32 as zlib's does.
 */
export interface Codec {
  inflateRaw?(raw: Uint8Array, maxOutput: number): Uint8Array;
  deflateRaw?(piece: Uint8Array, final: boolean, level: number): Uint8Array;
  crc32?(data: Uint8Array, crc: number): number;
}

/** Parts above this size are inflated by the native codec when there is one; pieces handed to it are this size. */
const NATIVE_FROM = 1024 * 1024;
/** Parts up to this size (declared) are inflated in one call rather than streamed: most parts of a form are. */
const WHOLE_PART_BYTES = 2 * 1024 * 1024;

export class ZipArchive {
  /** Entries in the order of the directory. */
  readonly entries: ZipEntry[] = [];
  private readonly byName = new Map<string, ZipEntry>();
  private budget: number;

  /** `entries`: the directory when the caller has read it already (readDirectory). */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: ZipLimits,
    private readonly codec: Codec = {},
    entries: ZipEntry[] = readDirectory(bytes),
  ) {
    this.budget = limits.maxUncompressedBytes;
    const unsafe = entries.find((e) => UNSAFE_NAME.test(e.name));
    if (unsafe) throw new PackageError('unsafe', unsafe.name, { name: unsafe.name, danger: 'part-name' });
    let declared = 0;
    for (const entry of entries) {
      // Part names are case-insensitive (OPC): two of one name leave it to chance which one a program reads.
      const key = entry.name.toLowerCase();
      if (this.byName.has(key))
        throw new PackageError('unsafe', `duplicate ${entry.name}`, { name: entry.name, danger: 'duplicate-name' });
      this.byName.set(key, entry);
      this.entries.push(entry);
      declared += entry.uncompressedSize;
    }
    const limit = limits.maxUncompressedBytes;
    if (declared > limit)
      throw new PackageError('too-large', `${declared} bytes declared`, { part: 'unzipped', size: declared });
  }

  /** The entry of a part name, matched without regard to case; undefined when there is none. */
  entry(name: string): ZipEntry | undefined {
    return this.byName.get(name.toLowerCase());
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  /** An entry's compressed bytes as stored. */
  raw(entry: ZipEntry): Uint8Array {
    // Read in place: a DataView per part costs more than the few bytes read.
    const b = this.bytes;
    const p = entry.localOffset;
    if (p + 30 > b.length || (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0 !== LOCAL)
      throw new PackageError('damaged', entry.name);
    const start = p + 30 + (b[p + 26]! | (b[p + 27]! << 8)) + (b[p + 28]! | (b[p + 29]! << 8));
    return b.subarray(start, start + entry.compressedSize);
  }

  /** Inflates a part chunk by chunk into `onChunk`, counting every byte against the budget. */
  stream(name: string, onChunk: (chunk: Uint8Array, final: boolean) => void): void {
    const entry = this.entry(name);
    if (!entry) throw new PackageError('damaged', `no part ${name}`);
    let size = 0;
    const take = (chunk: Uint8Array, final: boolean) => {
      size += chunk.length;
      this.budget -= chunk.length;
      if (size > entry.uncompressedSize) throw this.pastDeclared(entry);
      if (this.budget < 0) throw this.overBudget();
      try {
        onChunk(chunk, final);
      } catch (err) {
        thrown = err;
        throw err;
      }
    };
    // What the consumer throws passes through as it is; only the inflater's own errors mean a damaged part.
    let thrown: unknown = undefined;
    const raw = this.raw(entry);
    if (entry.method === 0) return take(raw, true);
    if (entry.method !== 8) throw new PackageError('damaged', `${name}: compression ${entry.method}`);
    if (this.codec.inflateRaw && entry.uncompressedSize > NATIVE_FROM) return this.streamNative(entry, raw, take);
    if (entry.uncompressedSize <= WHOLE_PART_BYTES && raw.length <= WHOLE_PART_BYTES / 8)
      return this.streamWhole(entry, raw, take);
    let ended = false;
    const inflater = new Inflate((chunk, final) => {
      ended ||= final;
      take(chunk, final);
    });
    try {
      for (let i = 0; i < raw.length || i === 0; i += STEP)
        inflater.push(raw.subarray(i, i + STEP), i + STEP >= raw.length);
    } catch (err) {
      if (err instanceof PackageError || (thrown !== undefined && err === thrown)) throw err;
      throw new PackageError('damaged', `${name}: ${(err as Error).message}`);
    }
    if (!ended) throw new PackageError('damaged', `${name} is cut short`);
  }

  /**
   * A part of a few MB at most, inflated in one call (by the inflater an edge installed, else fflate) into at most
   * its declared size: one that says less than it holds is refused as a bomb is.
   */
  private streamWhole(entry: ZipEntry, raw: Uint8Array, take: (chunk: Uint8Array, final: boolean) => void): void {
    let data: Uint8Array;
    try {
      data = inflateWhole(raw, entry.uncompressedSize);
    } catch (err) {
      if (err instanceof OutputTooLarge) throw this.pastDeclared(entry);
      throw new PackageError('damaged', `${entry.name}: ${(err as Error).message}`, { name: entry.name });
    }
    take(data, true);
  }

  /** Counts `size` bytes against the budget, for a part the caller had inflated before from the same bytes. */
  charge(size: number): void {
    this.budget -= size;
    if (this.budget < 0) throw this.overBudget();
  }

  private pastDeclared(entry: ZipEntry): PackageError {
    const facts = { part: 'entry', name: entry.name, declared: entry.uncompressedSize } as const;
    return new PackageError('too-large', `${entry.name} inflates past its declared size`, facts);
  }

  private overBudget(): PackageError {
    const limit = this.limits.maxUncompressedBytes;
    return new PackageError('too-large', `over ${limit} bytes unzipped`, { part: 'unzipped', size: limit + 1 });
  }

  /** A large part inflated natively, never past its declared size nor the budget, then handed on in pieces. */
  private streamNative(entry: ZipEntry, raw: Uint8Array, take: (chunk: Uint8Array, final: boolean) => void): void {
    let data: Uint8Array;
    try {
      data = this.codec.inflateRaw!(raw, Math.max(0, Math.min(entry.uncompressedSize, this.budget)) + 1);
    } catch (err) {
      if (err instanceof RangeError)
        throw new PackageError('too-large', `${entry.name} inflates past its declared size or the budget`);
      throw new PackageError('damaged', `${entry.name}: ${(err as Error).message}`);
    }
    if (data.length === 0) return take(data, true);
    for (let at = 0; at < data.length; at += NATIVE_FROM)
      take(data.subarray(at, at + NATIVE_FROM), at + NATIVE_FROM >= data.length);
  }

  /** A whole part, inflated under the budget. */
  read(name: string): Uint8Array {
    const chunks: Uint8Array[] = [];
    let size = 0;
    this.stream(name, (c) => {
      chunks.push(c);
      size += c.length;
    });
    if (chunks.length === 1) return chunks[0]!;
    const out = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** Bytes of the budget not yet used. */
  remaining(): number {
    return this.budget;
  }
}

/** A part already deflated (a large part edited as it streamed), with what the zip directory says of it. */
export interface Deflated {
  deflated: Uint8Array;
  crc: number;
  size: number;
}

/** A part of the package being written: its bytes whole, or already deflated. */
export type NewPart = Uint8Array | Deflated;

/**
 * Deflates what `produce` pushes, as it pushes it: a part edited as a stream is never held uncompressed whole.
 * Level 1 past a few MB: a hostile part of 200 MB of empty cells compresses as well and four times sooner; level 3
 * past 256 KB: a summary's unit rows or a report's annex tables (repetitive XML) deflate in half the time for ~15 %
 * more bytes, at the end of a run where they are the last work.
 * The native deflater, when given, takes every part: a writer's small parts deflate in fflate's cold code for
 * ~0,2 s of a 300-file run (summary and report each), in zlib in a few ms; the parts' bytes are the same.
 */
export function deflateStream(
  produce: (push: (chunk: Uint8Array) => void) => void,
  expectedSize: number,
  codec: Codec = {},
): Deflated {
  const level = expectedSize > 4 * 1024 * 1024 ? 1 : expectedSize > 256 * 1024 ? 3 : 6;
  const chunks: Uint8Array[] = [];
  let size = 0;
  let crc = 0;
  const native = codec.deflateRaw ? codec.deflateRaw.bind(codec) : null;
  const deflater = native ? null : new Deflate({ level }, (chunk) => chunks.push(chunk));
  // The native deflater takes pieces of ~1 MB: the editor pushes many small chunks.
  let piece: Uint8Array[] = [];
  let pieceSize = 0;
  const flush = (final: boolean) => {
    chunks.push(native!(joinChunks(piece), final, level));
    piece = [];
    pieceSize = 0;
  };
  produce((chunk) => {
    if (!chunk.length) return;
    crc = codec.crc32 ? codec.crc32(chunk, crc) : crc32(chunk, crc);
    size += chunk.length;
    if (deflater) return deflater.push(chunk, false);
    piece.push(chunk.slice());
    pieceSize += chunk.length;
    if (pieceSize >= NATIVE_FROM) flush(false);
  });
  if (deflater) deflater.push(new Uint8Array(0), true);
  else flush(true);
  return { deflated: joinChunks(chunks), crc: crc >>> 0, size };
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 of `b` continued from `crc` (0 to start), as zlib's crc32. */
function crc32(b: Uint8Array, crc: number): number {
  let c = ~crc;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * When every entry written is dated: 1/1/1980, the zip format's first day, as Excel dates the parts of what it
 * saves. Not the clock: the same parts make the same bytes (a run pinned by SOURCE_DATE_EPOCH repeats itself).
 */
const ENTRY_DATE = new Date(1980, 0, 1);

/**
 * Writes a zip: every entry of `from` in its order, each replaced by `changed` when named there (or left out when
 * `changed` maps it to null), then the new parts of `changed` in their order. Unchanged entries keep their
 * compressed bytes.
 */
export function writeZip(from: ZipArchive, changed: Map<string, NewPart | null>, level: 1 | 6 = 6): Uint8Array {
  const zip = zipWriter(level);
  const done = new Set<string>();
  for (const entry of from.entries) {
    const key = entry.name.toLowerCase();
    done.add(key);
    const replacement = [...changed].find(([name]) => name.toLowerCase() === key);
    if (replacement) {
      if (replacement[1]) zip.put(entry.name, replacement[1]);
      continue;
    }
    if (entry.name.endsWith('/') && entry.uncompressedSize === 0) continue; // folder entries carry nothing
    copyRaw(zip.zip, entry, from.raw(entry));
  }
  for (const [name, part] of changed) if (!done.has(name.toLowerCase()) && part) zip.put(name, part);
  return zip.end();
}

/** Writes a zip of `parts`, in their order: a package made whole by a writer. */
export function zipParts(parts: Iterable<[string, NewPart]>): Uint8Array {
  const zip = zipWriter(6);
  for (const [name, part] of parts) zip.put(name, part);
  return zip.end();
}

/** fflate's zip, collecting its bytes: `put` adds a part (deflated at `level`, or copied when already deflated). */
function zipWriter(level: 1 | 6) {
  const chunks: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else chunks.push(chunk);
  });
  return {
    zip,
    put(name: string, part: NewPart): void {
      if (!(part instanceof Uint8Array))
        return copyRaw(zip, { name, method: 8, crc: part.crc, uncompressedSize: part.size }, part.deflated);
      const file = new ZipDeflate(name, { level });
      file.mtime = ENTRY_DATE;
      zip.add(file);
      file.push(part, true);
    },
    end(): Uint8Array {
      zip.end();
      if (failure) throw failure;
      return joinChunks(chunks);
    },
  };
}

/** An entry copied as it is stored: fflate takes its compressed bytes, size and CRC from the source directory. */
function copyRaw(
  zip: Zip,
  entry: Pick<ZipEntry, 'name' | 'method' | 'crc' | 'uncompressedSize'>,
  raw: Uint8Array,
): void {
  const file: ZipInputFile = {
    filename: entry.name,
    size: entry.uncompressedSize,
    crc: entry.crc,
    compression: entry.method,
    mtime: ENTRY_DATE,
  };
  zip.add(file);
  file.ondata!(null, raw as Uint8Array<ArrayBuffer>, true);
}

/**
 * A whole part deflated as `deflateStream` does, handed over in pieces of 1 MB: pushed whole, a part of tens of MB
 * would be copied once more into the deflater's own buffer.
 */
export function deflatePart(bytes: Uint8Array, codec: Codec = {}): Deflated {
  return deflateStream(
    (push) => {
      for (let at = 0; at < bytes.length; at += NATIVE_FROM) push(bytes.subarray(at, at + NATIVE_FROM));
    },
    bytes.length,
    codec,
  );
}
