import { Packer, type Document } from 'docx';
import { ZipArchive } from '../../ooxml/zip.js';

/** docx's compiler: what its Packer zips, each part whole (text or bytes), in the order it zips them. */
interface DocxCompiler {
  compile(file: Document, prettify?: undefined, overrides?: []): Map<string, string | Uint8Array>;
}

/**
 * The parts of `doc` as the docx library's Packer makes them, whole. Taken from the compiler the Packer zips them
 * from when this docx has one (an internal of docx 9: the version is pinned in package.json, and the tests compare
 * both ways): the report's parts are then compressed once, by the platform's deflate, instead of first in docx's
 * own deflate, which runs cold (~40 ms of a 300-commune report, the last output of a run). Else Packer's zip read
 * back.
 */
export async function docxParts(doc: Document): Promise<Map<string, Uint8Array>> {
  const compiler = (Packer as unknown as { compiler?: DocxCompiler }).compiler;
  if (typeof compiler?.compile !== 'function') return packedParts(doc);
  const utf8 = new TextEncoder();
  const parts = new Map<string, Uint8Array>();
  for (const [path, data] of compiler.compile(doc))
    parts.set(path, typeof data === 'string' ? utf8.encode(data) : data);
  return parts;
}

/** The parts of `doc` through docx's public API: its zip, read back. */
export async function packedParts(doc: Document): Promise<Map<string, Uint8Array>> {
  const zip = new ZipArchive(new Uint8Array(await Packer.toArrayBuffer(doc)), {
    maxUncompressedBytes: Number.MAX_SAFE_INTEGER,
  });
  return new Map(zip.entries.map((e) => [e.name, zip.read(e.name)]));
}
