/**
 * The namespaces of Office Open XML, in both of their spellings: Transitional (what Excel, LibreOffice and most
 * libraries write) and Strict (Excel's "Strict Open XML" save). A part is matched against both; what is added
 * to a package uses the spelling the package already uses.
 */
export const NS = {
  /** SpreadsheetML's main namespace (workbook, sheets, styles, comments). */
  main: 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
  mainStrict: 'http://purl.oclc.org/ooxml/spreadsheetml/main',
  /** Relationship ids in parts (`r:id`) and the base of relationship types. */
  rel: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
  relStrict: 'http://purl.oclc.org/ooxml/officeDocument/relationships',
  /** The .rels parts. */
  packageRels: 'http://schemas.openxmlformats.org/package/2006/relationships',
  contentTypes: 'http://schemas.openxmlformats.org/package/2006/content-types',
  vml: 'urn:schemas-microsoft-com:vml',
  office: 'urn:schemas-microsoft-com:office:office',
  excel: 'urn:schemas-microsoft-com:office:excel',
  xml: 'http://www.w3.org/XML/1998/namespace',
} as const;

/** The spelling a package uses: its main and relationships namespaces, and the base of its relationship types. */
export interface Flavor {
  main: string;
  rel: string;
  strict: boolean;
}

export const TRANSITIONAL: Flavor = { main: NS.main, rel: NS.rel, strict: false };
export const STRICT: Flavor = { main: NS.mainStrict, rel: NS.relStrict, strict: true };

export const MAIN_NAMESPACES = [NS.main, NS.mainStrict];
export const REL_NAMESPACES = [NS.rel, NS.relStrict];

/** The full type of a relationship of `kind` ("worksheet", "comments"…) in a package of `flavor`. */
export function relType(flavor: Flavor, kind: string): string {
  return `${flavor.rel}/${kind}`;
}

/** Whether a relationship type is of `kind`, in either spelling. */
export function isRelType(type: string, kind: string): boolean {
  return type === `${NS.rel}/${kind}` || type === `${NS.relStrict}/${kind}`;
}

export const CONTENT_TYPE = {
  worksheet: 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml',
  comments: 'application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml',
  vml: 'application/vnd.openxmlformats-officedocument.vmlDrawing',
} as const;
