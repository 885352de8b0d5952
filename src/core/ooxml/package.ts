import { CONTENT_TYPES_PART, addContentTypes } from './content-types.js';
import { isRelType, NS, STRICT, TRANSITIONAL, type Flavor } from './namespaces.js';
import { relsPathOf } from './paths.js';
import { addRelationships, emptyRelationships, parseRelationships, type Relationship } from './relationships.js';
import { writeZip, ZipArchive, type Codec, type NewPart, type ZipLimits } from './zip.js';

/**
 * An Office package (OPC) opened for editing: its parts as the zip holds them, the parts changed or added so far,
 * and the package's relationships followed as the standard says (the office document from `_rels/.rels`).
 * Nothing is inflated until asked, under the zip's byte budget; `write` copies what was not changed as it was.
 */
export class OfficePackage {
  readonly zip: ZipArchive;
  private readonly changed = new Map<string, NewPart>();

  constructor(
    bytes: Uint8Array,
    limits: ZipLimits,
    readonly codec: Codec = {},
  ) {
    this.zip = new ZipArchive(bytes, limits, codec);
  }

  /** Whether a part exists, in the zip or among the parts added (names are case-insensitive). */
  has(name: string): boolean {
    const key = name.toLowerCase();
    return this.zip.has(name) || [...this.changed.keys()].some((k) => k.toLowerCase() === key);
  }

  /** A part's current bytes (as changed, else as the zip holds it); null when there is no such part. */
  part(name: string): Uint8Array | null {
    const key = name.toLowerCase();
    for (const [k, v] of this.changed) if (k.toLowerCase() === key) return v instanceof Uint8Array ? v : null;
    return this.zip.has(name) ? this.zip.read(name) : null;
  }

  /** The part name as the zip spells it (a relationship may differ in case), or `name` for a new part. */
  nameOf(name: string): string {
    return this.zip.entry(name)?.name ?? name;
  }

  set(name: string, part: NewPart): void {
    this.changed.set(this.nameOf(name), part);
  }

  /** The relationships of a part ('' for the package itself). */
  relationships(source: string): Relationship[] {
    const bytes = this.part(relsPathOf(source));
    return bytes ? parseRelationships(bytes, source) : [];
  }

  /** Adds relationships from `source` to new parts; returns their ids. */
  addRelationships(source: string, added: { type: string; target: string }[]): string[] {
    const path = relsPathOf(source);
    const result = addRelationships(this.part(path) ?? emptyRelationships(), added);
    this.set(path, result.bytes);
    return result.ids;
  }

  /** Declares the content types of parts added. */
  addContentTypes(add: Parameters<typeof addContentTypes>[1]): void {
    const bytes = this.part(CONTENT_TYPES_PART);
    if (!bytes) throw new Error('no [Content_Types].xml');
    this.set(CONTENT_TYPES_PART, addContentTypes(bytes, add));
  }

  /** The office document (the workbook of an .xlsx) named by the package relationships; null when none is a part. */
  officeDocument(): { path: string; flavor: Flavor } | null {
    const rel = this.relationships('').find((r) => isRelType(r.type, 'officeDocument') && !r.external);
    if (!rel || !this.zip.has(rel.target)) return null;
    return { path: this.nameOf(rel.target), flavor: rel.type.startsWith(NS.relStrict) ? STRICT : TRANSITIONAL };
  }

  write(): Uint8Array {
    return writeZip(this.zip, this.changed);
  }
}
