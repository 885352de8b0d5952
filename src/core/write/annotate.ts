import type { Issue } from '../model.js';
import { DEFAULT_LIMITS, type ReadLimits } from '../read/limits.js';
import { normalizeLabel } from '../util/text.js';
import {
  CONTENT_TYPE,
  isRelType,
  MAIN_NAMESPACES,
  NS,
  REL_NAMESPACES,
  relType,
  type Flavor,
} from '../ooxml/namespaces.js';
import { OfficePackage } from '../ooxml/package.js';
import { folderOf, freeName, relativeTarget } from '../ooxml/paths.js';
import type { Relationship } from '../ooxml/relationships.js';
import { deflateStream, PackageError, type Codec } from '../ooxml/zip.js';
import { joinChunks, utf8 } from '../util/bytes.js';
import {
  asUtf8,
  editXml,
  escapeXml,
  isUtf16,
  visitXml,
  XmlEditor,
  XmlError,
  type Edit,
  type EndTag,
  type Scope,
  type StartTag,
  type Visitor,
} from '../ooxml/xml.js';

/**
 * The copy of a rejected submission sent back to its unit ("tra-lai"): the same workbook, every problem cell
 * filled (red for errors, yellow for warnings) with a comment holding the message, and a first sheet
 * `Lỗi cần sửa` listing every problem with a link to its cell.
 *
 * Built by editing the package's parts through src/core/ooxml (namespace-aware, streamed) rather than loading and
 * re-saving the workbook: figures, formulas, other sheets, protection and data validation stay byte for byte as
 * the unit made them; parts not edited are copied still compressed. Bounded as the reader is: the same limits
 * (file size, bytes unzipped), each marked sheet edited in one streamed pass. Pure: bytes in, bytes out.
 */
export const ERRORS_SHEET = 'Lỗi cần sửa';

/** More marks than this on one file are not read by anyone; the list sheet still has them all. */
export const MAX_MARKS = 2000;

export interface AnnotateOptions {
  /** The file's name as the unit knows it, for the title of the list sheet. */
  file: string;
  limits?: ReadLimits;
  /** Called now and then with the share of the work done (0…1), for a progress line. */
  onProgress?: (done: number) => void;
  /** Native (de)compression where the platform has it (Node's zlib); fflate otherwise. */
  codec?: Codec;
}

/** Why no copy was made: the file is over the limits, or it is not a workbook package this can edit. */
export type AnnotateSkip = 'too-large' | 'unreadable';

export type AnnotateResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: AnnotateSkip };

export function annotateWorkbook(bytes: Uint8Array, issues: Issue[], options: AnnotateOptions): AnnotateResult {
  const limits = options.limits ?? DEFAULT_LIMITS;
  if (bytes.length > limits.maxFileBytes) return { ok: false, reason: 'too-large' };
  try {
    const copy = annotate(new OfficePackage(bytes, limits, options.codec), issues, options);
    return copy ? { ok: true, bytes: copy } : { ok: false, reason: 'unreadable' };
  } catch (err) {
    if (err instanceof PackageError)
      return { ok: false, reason: err.reason === 'too-large' ? 'too-large' : 'unreadable' };
    if (err instanceof XmlError) return { ok: false, reason: 'unreadable' };
    throw err;
  }
}

interface SheetInfo {
  name: string;
  path: string | null;
}

/** One marked cell: where, and the colour its most serious problem gives it. */
interface Mark {
  row: number;
  col: number;
  ref: string;
  error: boolean;
  issues: Issue[];
}

/** The copy's steps, in the order they must come (the list sheet adds formats before the styles part is written). */
function annotate(pkg: OfficePackage, issues: Issue[], options: AnnotateOptions): Uint8Array | null {
  const book = openWorkbook(pkg);
  if (!book) return null;
  const stylesPath = book.rels.find((r) => isRelType(r.type, 'styles') && !r.external)?.target;
  const styles = new StyleEditor(stylesPath && pkg.has(stylesPath) ? pkg.part(stylesPath) : null);
  const bySheet = marksBySheet(pkg, book.sheets, issues);
  const edited = styles.ok ? markSheets(pkg, bySheet, styles, book.flavor, options.onProgress) : new Set<string>();
  unselectSheets(pkg, book.sheets, edited, styles, book.flavor);
  const listPath = addListSheetPart(pkg, book, issues, options.file, styles);
  // After the list sheet: its formats are among those added.
  if (styles.ok && stylesPath) pkg.set(stylesPath, styles.write(pkg.part(stylesPath)!));
  putListSheetFirst(pkg, book, listPath);
  return pkg.write();
}

/** The workbook part of a package and what it says: its sheets, its relationships, its flavour. */
interface WorkbookPart {
  path: string;
  bytes: Uint8Array;
  rels: Relationship[];
  sheets: SheetInfo[];
  maxSheetId: number;
  flavor: Flavor;
}

/** The workbook part named by the package (or at its usual name); null when there is none or it is not one. */
function openWorkbook(pkg: OfficePackage): WorkbookPart | null {
  const doc =
    pkg.officeDocument() ?? (pkg.has('xl/workbook.xml') ? { path: pkg.nameOf('xl/workbook.xml'), flavor: null } : null);
  if (!doc) return null;
  const bytes = pkg.part(doc.path)!;
  const rels = pkg.relationships(doc.path);
  const book = readWorkbook(bytes, rels);
  if (!book) return null;
  const { sheets, maxSheetId } = book;
  return { path: doc.path, bytes, rels, sheets, maxSheetId, flavor: doc.flavor ?? book.flavor };
}

/** Marks per sheet part, one per cell (the first, most serious problem decides the colour), MAX_MARKS in all. */
function marksBySheet(pkg: OfficePackage, sheets: SheetInfo[], issues: Issue[]): Map<string, Map<string, Mark>> {
  const pathOfSheet = new Map(sheets.filter((s) => s.path).map((s) => [normalizeLabel(s.name), s.path!]));
  const bySheet = new Map<string, Map<string, Mark>>();
  let marks = 0;
  for (const issue of issues) {
    if (!issue.sheet || !issue.cell || marks >= MAX_MARKS) continue;
    const path = pathOfSheet.get(normalizeLabel(issue.sheet));
    const at = /^([A-Z]{1,3})([1-9]\d{0,6})$/.exec(issue.cell);
    if (!path || !pkg.has(path) || !at) continue;
    const cells = bySheet.get(path) ?? bySheet.set(path, new Map()).get(path)!;
    const mark = cells.get(issue.cell);
    if (mark) {
      mark.issues.push(issue);
      mark.error ||= issue.severity === 'error';
    } else {
      marks++;
      cells.set(issue.cell, {
        row: Number(at[2]),
        col: columnNumber(at[1]!),
        ref: issue.cell,
        error: issue.severity === 'error',
        issues: [issue],
      });
    }
  }
  return bySheet;
}

/** Each sheet with marks: its comments, then its cells filled. Progress is the share of those parts' bytes read. */
function markSheets(
  pkg: OfficePackage,
  bySheet: Map<string, Map<string, Mark>>,
  styles: StyleEditor,
  flavor: Flavor,
  onProgress: AnnotateOptions['onProgress'],
): Set<string> {
  const total = [...bySheet.keys()].reduce((n, p) => n + (pkg.zip.entry(p)?.uncompressedSize ?? 0), 0) || 1;
  let done = 0;
  const progress = (bytes: number) => {
    done += bytes;
    onProgress?.(Math.min(1, done / total));
  };
  let vmlIndex = 1;
  const edited = new Set<string>();
  for (const [path, cells] of bySheet) {
    const legacy = addComments(pkg, path, [...cells.values()], flavor, () => vmlIndex++);
    markSheet(pkg, path, sortMarks(cells), styles, legacy, flavor, progress);
    edited.add(path.toLowerCase());
  }
  return edited;
}

/** Only the list sheet is selected: several selected sheets would make every edit apply to all of them. */
function unselectSheets(
  pkg: OfficePackage,
  sheets: SheetInfo[],
  edited: Set<string>,
  styles: StyleEditor,
  flavor: Flavor,
): void {
  for (const s of sheets)
    if (s.path && !edited.has(s.path.toLowerCase()) && pkg.has(s.path) && isSelected(pkg, s.path))
      markSheet(pkg, s.path, [], styles, null, flavor, () => {});
}

/** The list sheet's part, beside the workbook's worksheets under a free name; its path. */
function addListSheetPart(
  pkg: OfficePackage,
  book: WorkbookPart,
  issues: Issue[],
  file: string,
  styles: StyleEditor,
): string {
  const baseDir = folderOf(book.path);
  const listPath = freeName(
    (n) => pkg.has(n),
    (n) => `${baseDir}worksheets/sheet${n}.xml`,
  );
  const names = book.sheets.map((s) => s.name);
  pkg.set(listPath, utf8(listSheet(issues, file, names, styles, book.flavor)));
  return listPath;
}

/** The list sheet made a sheet of the workbook, first and the one that opens, under a name no sheet has. */
function putListSheetFirst(pkg: OfficePackage, book: WorkbookPart, listPath: string): void {
  const [listId] = pkg.addRelationships(book.path, [
    { type: relType(book.flavor, 'worksheet'), target: relativeTarget(book.path, listPath) },
  ]);
  pkg.addContentTypes({ overrides: [[listPath, CONTENT_TYPE.worksheet]] });
  const names = new Set(book.sheets.map((s) => normalizeLabel(s.name)));
  let listName = ERRORS_SHEET;
  for (let i = 2; names.has(normalizeLabel(listName)); i++) listName = `${ERRORS_SHEET} (${i})`;
  const list = { name: listName, sheetId: book.maxSheetId + 1, relId: listId!, flavor: book.flavor };
  pkg.set(book.path, editWorkbook(book.bytes, list));
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + ch.charCodeAt(0) - 64;
  return n;
}

function sortMarks(cells: Map<string, Mark>): Mark[] {
  return [...cells.values()].sort((a, b) => a.row - b.row || a.col - b.col);
}

/** The sheets of the workbook part, each with its part; null when it is not a workbook. */
function readWorkbook(bytes: Uint8Array, rels: { id: string; target: string; external: boolean }[]) {
  const sheets: SheetInfo[] = [];
  let maxSheetId = 0;
  let flavor: Flavor | null = null;
  let hasSheets = false;
  visitXml(bytes, {
    open(tag) {
      if (tag.depth === 1) {
        if (tag.local !== 'workbook' || !MAIN_NAMESPACES.includes(tag.ns as never))
          throw new XmlError('not a workbook');
        flavor =
          tag.ns === NS.mainStrict
            ? { main: NS.mainStrict, rel: NS.relStrict, strict: true }
            : { main: NS.main, rel: NS.rel, strict: false };
      } else if (tag.local === 'sheets') hasSheets = true;
      else if (tag.local === 'sheet' && tag.depth === 3) {
        const id = tag.attr('id', REL_NAMESPACES) ?? anyPrefixedId(tag);
        const rel = id ? rels.find((r) => r.id === id && !r.external) : undefined;
        sheets.push({ name: tag.attr('name') ?? '', path: rel?.target ?? null });
        maxSheetId = Math.max(maxSheetId, Number(tag.attr('sheetId')) || 0);
      }
    },
  });
  return flavor && hasSheets ? { sheets, maxSheetId, flavor: flavor as Flavor } : null;
}

/** A `…:id` attribute whose prefix the part never declared (a copy made by an older bdg): still the sheet's id. */
function anyPrefixedId(tag: StartTag): string | undefined {
  return tag.attributes().find((a) => /^[^:]+:id$/.test(a.name) && !a.name.startsWith('xmlns:'))?.value;
}

/** The workbook part with the list sheet first and active, sheet-scoped names shifted one place right. */
function editWorkbook(
  bytes: Uint8Array,
  list: { name: string; sheetId: number; relId: string; flavor: Flavor },
): Uint8Array {
  return editXml(bytes, {
    open(tag, edit) {
      if (!MAIN_NAMESPACES.includes(tag.ns as never)) return;
      if (tag.local === 'sheets' && tag.depth === 2) {
        const attrs: [string | null, string, string, string?][] = [
          [null, 'name', list.name],
          [null, 'sheetId', String(list.sheetId)],
        ];
        attrs.push([list.flavor.rel, 'id', list.relId, 'r']);
        edit.rewrite({}, tag.scope.build(tag.ns, 'sheet', attrs));
      } else if (tag.local === 'definedName') {
        // Sheet-scoped names (print titles, filters) point at sheets by position: everything moved one place right.
        const local = tag.attr('localSheetId');
        if (local !== undefined && /^\d+$/.test(local)) edit.rewrite({ localSheetId: String(Number(local) + 1) });
      } else if (tag.local === 'workbookView') edit.rewrite({ activeTab: '0', firstSheet: null });
    },
  });
}

/** Whether a sheet part selects its tab: read only up to its data. */
function isSelected(pkg: OfficePackage, path: string): boolean {
  let selected = false;
  const STOP = new Error('stop');
  const editor = new XmlEditor(
    {
      open(tag) {
        if (tag.local === 'sheetView' && /^(1|true)$/.test(tag.attr('tabSelected') ?? '')) selected = true;
        if (tag.local === 'sheetData' || selected) throw STOP;
      },
    },
    () => {},
  );
  let utf16 = false;
  try {
    pkg.zip.stream(path, (chunk, final) => {
      // A UTF-16 part is edited whole (rare, and small); whether it selects its tab is left to that pass.
      if (isUtf16(chunk)) utf16 = true;
      if (utf16) throw STOP;
      editor.feed(chunk, final);
    });
  } catch (err) {
    if (err !== STOP) throw err;
  }
  return selected || utf16;
}

/** Elements that follow `legacyDrawing` in a worksheet (ECMA-376 CT_Worksheet order). */
const AFTER_LEGACY_DRAWING = new Set([
  'legacyDrawingHF',
  'drawingHF',
  'picture',
  'oleObjects',
  'controls',
  'webPublishItems',
  'tableParts',
  'extLst',
]);

/**
 * Edits one sheet part in a single streamed pass: marked cells take their fill (cells the file does not have are
 * added, rows too, in order), `<legacyDrawing>` is added for new comments, and the tab is no longer selected.
 * The edited part is deflated as it streams: a sheet of millions of styled empty cells is never held whole.
 */
function markSheet(
  pkg: OfficePackage,
  path: string,
  marks: Mark[],
  styles: StyleEditor,
  legacyId: string | null,
  flavor: Flavor,
  progress: (bytes: number) => void,
): void {
  const marking = new SheetMarking(marks, styles, legacyId, flavor);
  const run = (push: (chunk: Uint8Array) => void) => feedPart(pkg, path, new XmlEditor(marking, push), progress);
  pkg.set(path, deflateStream(run, pkg.zip.entry(path)!.uncompressedSize, pkg.codec));
}

/** Streams a part into an editor, saying how many bytes were read; a UTF-16 part is gathered and fed whole. */
function feedPart(pkg: OfficePackage, path: string, editor: XmlEditor, progress: (bytes: number) => void): void {
  let first = true;
  let whole: Uint8Array[] | null = null;
  pkg.zip.stream(path, (chunk, final) => {
    progress(chunk.length);
    if (first && isUtf16(chunk)) whole = [];
    first = false;
    if (whole) {
      whole.push(chunk);
      if (final) editor.feed(asUtf8(joinChunks(whole)), true);
    } else editor.feed(chunk, final);
  });
}

/**
 * What marks one sheet part as it streams by: the marks in order of row and column, the next one not yet written,
 * and where the stream is (row, column, inside `<sheetData>` or not).
 */
class SheetMarking implements Visitor {
  private next = 0;
  private rowNum = 0;
  private col = 0;
  private inData = false;
  private legacyDone: boolean;

  constructor(
    private readonly marks: Mark[],
    private readonly styles: StyleEditor,
    private readonly legacyId: string | null,
    private readonly flavor: Flavor,
  ) {
    this.legacyDone = !legacyId;
  }

  open(tag: StartTag, edit: Edit): void {
    if (!MAIN_NAMESPACES.includes(tag.ns as never)) return;
    if (tag.depth === 1) {
      if (tag.local !== 'worksheet') throw new XmlError('not a worksheet');
    } else if (tag.depth === 2) this.openSheetChild(tag, edit);
    else if (this.inData && tag.depth === 3 && tag.local === 'row') this.openRow(tag, edit);
    else if (this.inData && tag.depth === 4 && tag.local === 'c') this.openCell(tag, edit);
    else if (tag.local === 'sheetView' && tag.attr('tabSelected') !== undefined) edit.rewrite({ tabSelected: null });
  }

  close(tag: EndTag, edit: Edit): void {
    if (!MAIN_NAMESPACES.includes(tag.ns as never)) return;
    if (this.inData && tag.depth === 3 && tag.local === 'row') {
      if (this.markInRow()) edit.before(this.cellsBefore(tag.scope, tag.ns, Infinity));
    } else if (tag.depth === 2 && tag.local === 'sheetData') {
      this.inData = false;
      if (this.next < this.marks.length) edit.before(this.rowsBefore(tag.scope, tag.ns, Infinity));
    } else if (tag.depth === 1 && !this.legacyDone) edit.before(this.legacy(tag.scope, tag.ns));
  }

  /** A child of `<worksheet>`: `<legacyDrawing>` goes before the first that must follow it. */
  private openSheetChild(tag: StartTag, edit: Edit): void {
    if (!this.legacyDone && AFTER_LEGACY_DRAWING.has(tag.local)) edit.before(this.legacy(tag.scope, tag.ns));
    this.inData = tag.local === 'sheetData';
    if (this.inData && !this.marks.length) edit.skipContent();
  }

  /** A row: the new rows above it go before it. */
  private openRow(tag: StartTag, edit: Edit): void {
    const r = Number(tag.attr('r') ?? this.rowNum + 1);
    if (!Number.isInteger(r) || r < 1) throw new XmlError('row number');
    if (this.next < this.marks.length && this.marks[this.next]!.row < r)
      edit.before(this.rowsBefore(tag.scope, tag.ns, r));
    this.rowNum = r;
    this.col = 0;
    // A row with nothing to mark is copied unvisited: a hostile sheet's millions of cells cost a byte scan.
    if (!this.markInRow()) edit.skipContent();
  }

  /** A cell: the new cells left of it go before it; marked, it takes its fill. */
  private openCell(tag: StartTag, edit: Edit): void {
    const ref = tag.attr('r');
    const at = ref ? /^([A-Z]{1,3})(\d+)$/.exec(ref) : null;
    this.col = at ? columnNumber(at[1]!) : this.col + 1;
    if (!this.markInRow()) return;
    if (this.marks[this.next]!.col < this.col) edit.before(this.cellsBefore(tag.scope, tag.ns, this.col));
    const m = this.marks[this.next];
    if (m && m.row === this.rowNum && m.col === this.col) {
      this.next++;
      edit.rewrite({ s: String(this.styleOf(m, Number(tag.attr('s') ?? 0) || 0)) });
    }
  }

  /** Whether the next mark not yet written is in the current row. */
  private markInRow(): boolean {
    return this.next < this.marks.length && this.marks[this.next]!.row === this.rowNum;
  }

  private styleOf(m: Mark, current: number): number {
    return this.styles.withFill(current, m.error ? 'error' : 'warning');
  }

  private cellXml(scope: Scope, ns: string, m: Mark): string {
    return scope.build(ns, 'c', [
      [null, 'r', m.ref],
      [null, 's', String(this.styleOf(m, 0))],
    ]);
  }

  /** New cells of the current row left of column `before`. */
  private cellsBefore(scope: Scope, ns: string, before: number): string {
    const marks = this.marks;
    let text = '';
    while (this.next < marks.length && marks[this.next]!.row === this.rowNum && marks[this.next]!.col < before)
      text += this.cellXml(scope, ns, marks[this.next++]!);
    return text;
  }

  /** New rows above row `before`, each with its marked cells. */
  private rowsBefore(scope: Scope, ns: string, before: number): string {
    const marks = this.marks;
    let text = '';
    while (this.next < marks.length && marks[this.next]!.row < before) {
      const row = marks[this.next]!.row;
      let cells = '';
      while (this.next < marks.length && marks[this.next]!.row === row)
        cells += this.cellXml(scope, ns, marks[this.next++]!);
      text += scope.build(ns, 'row', [[null, 'r', String(row)]], () => cells);
    }
    return text;
  }

  private legacy(scope: Scope, ns: string): string {
    this.legacyDone = true;
    return scope.build(ns, 'legacyDrawing', [[this.flavor.rel, 'id', this.legacyId!, 'r']]);
  }
}

/** Element names in namespace `ns` as written at `scope`, and the declaration the outermost one must carry. */
function namesIn(scope: Scope, ns: string): { n: (local: string) => string; decl: string } {
  const el = scope.element(ns, 'x');
  const prefix = el.name.slice(0, el.name.length - 1);
  return { n: (local) => prefix + local, decl: el.decl };
}

const VML_DECLS = ` xmlns:v="${NS.vml}" xmlns:o="${NS.office}" xmlns:x="${NS.excel}"`;

/** The shape type of a note, which a VML drawing declares once before its shapes. */
const NOTE_SHAPE_TYPE =
  '<v:shapetype' +
  VML_DECLS +
  ' id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">' +
  '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>';

/**
 * Comments for the marked cells of one sheet: into its comments part if it has one (the unit's own comments stay;
 * a cell that has one keeps it, its message is in the list sheet), else a new part with its VML drawing. Returns
 * the id of a new VML relationship, for the sheet's `<legacyDrawing>`; null when the sheet needs none (or when its
 * comments cannot be followed: its cells are still coloured and listed).
 */
function addComments(
  pkg: OfficePackage,
  path: string,
  marks: Mark[],
  flavor: Flavor,
  vmlNumber: () => number,
): string | null {
  const rels = pkg.relationships(path);
  const commentsRel = rels.find((r) => isRelType(r.type, 'comments') && !r.external && pkg.has(r.target));
  const vmlRel = rels.find((r) => isRelType(r.type, 'vmlDrawing') && !r.external && pkg.has(r.target));
  const index = vmlNumber();
  const baseDir = folderOf(path).replace(/worksheets\/$/, '');
  let existing: ExistingComments | null = null;
  let vml: ExistingVml | null = null;
  try {
    if (commentsRel) existing = readComments(pkg.part(commentsRel.target)!);
    if (vmlRel) vml = readVml(pkg.part(vmlRel.target)!);
  } catch (err) {
    if (err instanceof XmlError) return null;
    throw err;
  }
  const shown = marks.filter((m) => !existing?.taken.has(m.ref));
  if (!shown.length) return null;
  const added: { type: string; target: string }[] = [];
  if (existing) appendComments(pkg, commentsRel!.target, existing, shown);
  else added.push(addCommentsPart(pkg, path, baseDir, shown, flavor));
  const shapes = shown.map((m, k) => vmlShape(m.ref, index * 1024 + 512 + k, commentBody(m).length)).join('');
  if (vml) appendShapes(pkg, vmlRel!.target, vml, shapes);
  else added.push(addVmlPart(pkg, path, baseDir, index, shapes, flavor));
  if (!added.length) return null;
  const ids = pkg.addRelationships(path, added);
  return vml ? null : ids[ids.length - 1]!;
}

/** A comment's text: each problem of its cell on a line. */
function commentBody(m: Mark): string {
  return m.issues.map((i) => `${i.severity === 'error' ? 'Lỗi' : 'Cảnh báo'}: ${i.message}`).join('\n');
}

/** A `<comment>` by author number `author`, its element names from `n`, `decl` on the outermost. */
function commentXml(n: (l: string) => string, decl: string, m: Mark, author: number): string {
  return (
    `<${n('comment')}${decl} ref="${m.ref}" authorId="${author}"><${n('text')}>` +
    `<${n('r')}><${n('rPr')}><${n('b')}/><${n('sz')} val="9"/><${n('rFont')} val="Tahoma"/></${n('rPr')}>` +
    `<${n('t')} xml:space="preserve">bdg:\n</${n('t')}></${n('r')}>` +
    `<${n('r')}><${n('rPr')}><${n('sz')} val="9"/><${n('rFont')} val="Tahoma"/></${n('rPr')}>` +
    `<${n('t')} xml:space="preserve">${escapeXml(commentBody(m))}</${n('t')}></${n('r')}>` +
    `</${n('text')}></${n('comment')}>`
  );
}

/** The comments added at the end of the sheet's own comments part, by the author "bdg" (added if it has none). */
function appendComments(pkg: OfficePackage, commentsPath: string, existing: ExistingComments, shown: Mark[]): void {
  const author = existing.authors.indexOf('bdg');
  const authorId = author >= 0 ? author : existing.authors.length;
  pkg.set(
    commentsPath,
    editXml(existing.bytes, {
      close(tag, edit) {
        if (!MAIN_NAMESPACES.includes(tag.ns as never) || tag.depth !== 2) return;
        const { n, decl } = namesIn(tag.scope, tag.ns);
        if (tag.local === 'authors' && author < 0) edit.before(`<${n('author')}${decl}>bdg</${n('author')}>`);
        else if (tag.local === 'commentList') edit.before(shown.map((m) => commentXml(n, decl, m, authorId)).join(''));
      },
    }),
  );
}

/** A new comments part for the sheet; the relationship the sheet needs to it. */
function addCommentsPart(
  pkg: OfficePackage,
  path: string,
  baseDir: string,
  shown: Mark[],
  flavor: Flavor,
): { type: string; target: string } {
  const commentsPath = freeName(
    (name) => pkg.has(name),
    (i) => `${baseDir}comments${i}.xml`,
  );
  const n = (l: string) => l;
  pkg.set(
    commentsPath,
    utf8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
        `<comments xmlns="${flavor.main}"><authors><author>bdg</author></authors>` +
        `<commentList>${shown.map((m) => commentXml(n, '', m, 0)).join('')}</commentList></comments>`,
    ),
  );
  pkg.addContentTypes({ overrides: [[commentsPath, CONTENT_TYPE.comments]] });
  return { type: relType(flavor, 'comments'), target: relativeTarget(path, commentsPath) };
}

/** The notes' shapes added at the end of the sheet's own VML drawing (with the note's shape type if it lacks it). */
function appendShapes(pkg: OfficePackage, vmlPath: string, vml: ExistingVml, shapes: string): void {
  pkg.set(
    vmlPath,
    editXml(vml.bytes, {
      close(tag, edit) {
        if (tag.depth === 1) edit.before((vml.hasType ? '' : NOTE_SHAPE_TYPE) + shapes);
      },
    }),
  );
}

/** A new VML drawing with the notes' shapes, numbered `index`; the relationship the sheet needs to it. */
function addVmlPart(
  pkg: OfficePackage,
  path: string,
  baseDir: string,
  index: number,
  shapes: string,
  flavor: Flavor,
): { type: string; target: string } {
  const vmlPath = freeName(
    (name) => pkg.has(name),
    (i) => `${baseDir}drawings/vmlDrawing${i}.vml`,
  );
  pkg.set(
    vmlPath,
    utf8(
      `<xml${VML_DECLS}><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="${index}"/></o:shapelayout>` +
        `${NOTE_SHAPE_TYPE}${shapes}</xml>`,
    ),
  );
  pkg.addContentTypes({ defaults: [['vml', CONTENT_TYPE.vml]] });
  return { type: relType(flavor, 'vmlDrawing'), target: relativeTarget(path, vmlPath) };
}

/** A sheet's own comments part: its bytes, the cells that have a comment, its authors. */
interface ExistingComments {
  bytes: Uint8Array;
  taken: Set<string>;
  authors: string[];
}

/** A sheet's own VML drawing: its bytes, and whether it declares the note's shape type. */
interface ExistingVml {
  bytes: Uint8Array;
  hasType: boolean;
}

function readComments(bytes: Uint8Array): ExistingComments {
  const taken = new Set<string>();
  const authors: string[] = [];
  let author: string | null = null;
  let hasList = false;
  visitXml(bytes, {
    open(tag) {
      if (tag.depth === 1 && (tag.local !== 'comments' || !MAIN_NAMESPACES.includes(tag.ns as never)))
        throw new XmlError('not a comments part');
      if (tag.local === 'commentList') hasList = true;
      else if (tag.local === 'comment') taken.add(tag.attr('ref') ?? '');
      else if (tag.local === 'author') author = '';
    },
    text(t) {
      if (author !== null) author += t;
    },
    close(tag) {
      if (tag.local === 'author') {
        authors.push(author ?? '');
        author = null;
      }
    },
  });
  if (!hasList) throw new XmlError('comments without a list');
  return { bytes, taken, authors };
}

function readVml(bytes: Uint8Array): ExistingVml {
  let hasType = false;
  visitXml(bytes, {
    open(tag) {
      if (tag.local === 'shapetype' && tag.attr('id') === '_x0000_t202') hasType = true;
    },
  });
  return { bytes, hasType };
}

function vmlShape(ref: string, id: number, length: number): string {
  const at = /^([A-Z]+)(\d+)$/.exec(ref)!;
  const col = columnNumber(at[1]!);
  const row = Number(at[2]);
  const rows = Math.min(20, 3 + Math.ceil(length / 60));
  return (
    `<v:shape${VML_DECLS} id="_x0000_s${id}" type="#_x0000_t202" style="position:absolute;margin-left:60pt;margin-top:2pt;width:240pt;height:${rows * 15}pt;z-index:1;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">` +
    '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>' +
    '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>' +
    `<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>${col}, 15, ${Math.max(0, row - 2)}, 2, ${col + 4}, 15, ${row - 2 + rows}, 2</x:Anchor>` +
    `<x:AutoFill>False</x:AutoFill><x:Row>${row - 1}</x:Row><x:Column>${col - 1}</x:Column></x:ClientData></v:shape>`
  );
}

type Snippet = (n: (local: string) => string) => string;

/** Appends fills, fonts and cell formats to the styles part, reusing what it added for the same base style. */
class StyleEditor {
  ok = false;
  private fills: Snippet[] = [];
  private fonts: Snippet[] = [];
  private xfs: Snippet[] = [];
  private baseCount = { fills: 0, fonts: 0, cellXfs: 0 };
  private baseXfs: { name: string; attrs: { name: string; raw: string }[]; inner: string | null }[] = [];
  private cache = new Map<string, number>();

  constructor(bytes: Uint8Array | null) {
    if (!bytes) return;
    const seen = new Set<string>();
    let container: keyof StyleEditor['baseCount'] | null = null;
    let xf: { name: string; attrs: { name: string; raw: string }[]; innerFrom: number; selfClosing: boolean } | null =
      null;
    const utf8 = asUtf8(bytes);
    const decoder = new TextDecoder();
    try {
      visitXml(utf8, {
        open: (tag) => {
          if (tag.depth === 1 && (tag.local !== 'styleSheet' || !MAIN_NAMESPACES.includes(tag.ns as never)))
            throw new XmlError('not a styles part');
          if (tag.depth === 2 && (tag.local === 'fills' || tag.local === 'fonts' || tag.local === 'cellXfs')) {
            container = tag.local;
            seen.add(tag.local);
          } else if (tag.depth === 3 && container) {
            this.baseCount[container]++;
            if (container === 'cellXfs')
              xf = { name: tag.name, attrs: tag.attributes(), innerFrom: tag.end + 1, selfClosing: tag.selfClosing };
          }
        },
        close: (tag) => {
          if (tag.depth === 2) container = null;
          else if (tag.depth === 3 && xf) {
            this.baseXfs.push({
              name: xf.name,
              attrs: xf.attrs,
              inner: xf.selfClosing ? null : decoder.decode(utf8.subarray(xf.innerFrom, tag.at)),
            });
            xf = null;
          }
        },
      });
    } catch (err) {
      if (err instanceof XmlError) return;
      throw err;
    }
    this.ok = seen.size === 3;
  }

  private fill(kind: 'error' | 'warning'): number {
    const key = `fill:${kind}`;
    if (!this.cache.has(key)) {
      const rgb = kind === 'error' ? 'FFFF7C80' : 'FFFFE699';
      this.cache.set(key, this.addFill(rgb));
    }
    return this.cache.get(key)!;
  }

  private addFill(rgb: string): number {
    this.fills.push(
      (n) =>
        `<${n('fill')}><${n('patternFill')} patternType="solid"><${n('fgColor')} rgb="${rgb}"/><${n('bgColor')} indexed="64"/></${n('patternFill')}></${n('fill')}>`,
    );
    return this.baseCount.fills + this.fills.length - 1;
  }

  private addFont(inner: string): number {
    // `inner` is written with bare names; each becomes the part's own spelling.
    this.fonts.push(
      (n) =>
        `<${n('font')}>${inner.replace(/<(\/?)(\w+)/g, (_, slash: string, local: string) => `<${slash}${n(local)}`)}</${n('font')}>`,
    );
    return this.baseCount.fonts + this.fonts.length - 1;
  }

  private addXf(snippet: Snippet): number {
    this.xfs.push(snippet);
    return this.baseCount.cellXfs + this.xfs.length - 1;
  }

  /** The index of a cell format like `base` but filled red (error) or yellow (warning). */
  withFill(base: number, kind: 'error' | 'warning'): number {
    const key = `${base}:${kind}`;
    if (this.cache.has(key)) return this.cache.get(key)!;
    const fillId = this.fill(kind);
    const xf = this.baseXfs[base] ?? this.baseXfs[0];
    let index: number;
    if (!xf)
      index = this.addXf((n) => `<${n('xf')} numFmtId="0" fontId="0" fillId="${fillId}" borderId="0" applyFill="1"/>`);
    else {
      // The unit's own format, copied as written (its prefix included), with the fill set.
      const attrs = xf.attrs
        .filter((a) => a.name !== 'fillId' && a.name !== 'applyFill')
        .map((a) => ` ${a.name}="${a.raw}"`)
        .join('');
      const open = `<${xf.name}${attrs} fillId="${fillId}" applyFill="1"`;
      const text = xf.inner === null ? `${open}/>` : `${open}>${xf.inner}</${xf.name}>`;
      index = this.addXf(() => text);
    }
    this.cache.set(key, index);
    return index;
  }

  /** Formats of the list sheet: bold header, wrapped text at the top of the cell, a link. */
  listStyle(kind: 'title' | 'note' | 'header' | 'text' | 'link'): number {
    if (!this.ok) return 0;
    const key = `list:${kind}`;
    if (this.cache.has(key)) return this.cache.get(key)!;
    let index: number;
    const plain =
      (fontId: number, align = '') =>
      (n: (l: string) => string) =>
        `<${n('xf')} numFmtId="0" fontId="${fontId}" fillId="0" borderId="0" applyFont="1"${align ? ` applyAlignment="1"><${n('alignment')} ${align}/></${n('xf')}>` : '/>'}`;
    if (kind === 'title') index = this.addXf(plain(this.addFont('<b/><sz val="13"/><name val="Times New Roman"/>')));
    else if (kind === 'note')
      index = this.addXf(plain(this.addFont('<i/><sz val="11"/><name val="Times New Roman"/>')));
    else if (kind === 'header') {
      const fillId = this.addFill('FFD9D9D9');
      const fontId = this.addFont('<b/><sz val="12"/><name val="Times New Roman"/>');
      index = this.addXf(
        (n) =>
          `<${n('xf')} numFmtId="0" fontId="${fontId}" fillId="${fillId}" borderId="0" applyFont="1" applyFill="1" applyAlignment="1"><${n('alignment')} vertical="center" wrapText="1"/></${n('xf')}>`,
      );
    } else if (kind === 'link')
      index = this.addXf(
        plain(this.addFont('<u/><sz val="12"/><color rgb="FF0563C1"/><name val="Times New Roman"/>'), 'vertical="top"'),
      );
    else
      index = this.addXf(
        plain(this.addFont('<sz val="12"/><name val="Times New Roman"/>'), 'vertical="top" wrapText="1"'),
      );
    this.cache.set(key, index);
    return index;
  }

  /** The styles part with what was added, the counts updated. */
  write(bytes: Uint8Array): Uint8Array {
    const added = { fills: this.fills, fonts: this.fonts, cellXfs: this.xfs };
    return editXml(bytes, {
      open: (tag, edit) => {
        if (tag.depth === 2 && tag.local in added && added[tag.local as keyof typeof added].length)
          edit.rewrite({
            count: String(
              this.baseCount[tag.local as keyof typeof added] + added[tag.local as keyof typeof added].length,
            ),
          });
      },
      close: (tag, edit) => {
        if (tag.depth !== 2 || !(tag.local in added)) return;
        const list = added[tag.local as keyof typeof added];
        if (!list.length) return;
        const { n, decl } = namesIn(tag.scope, tag.ns);
        // A declaration, when one is needed, goes on each added element (the outermost of each snippet).
        edit.before(list.map((s) => (decl ? s(n).replace(/^<([\w:]+)/, `<$1${decl}`) : s(n))).join(''));
      },
    });
  }
}

function listSheet(issues: Issue[], file: string, sheetNames: string[], styles: StyleEditor, flavor: Flavor): string {
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  const rows: string[] = [];
  const str = (ref: string, value: string, style: number) =>
    `<c r="${ref}" t="inlineStr" s="${style}"><is><t xml:space="preserve">${escapeXml(value)}</t></is></c>`;
  const title = styles.listStyle('title');
  const header = styles.listStyle('header');
  const textStyle = styles.listStyle('text');
  const link = styles.listStyle('link');
  const verdict = errors
    ? `bị trả lại: ${errors} lỗi cần sửa${warnings ? `, ${warnings} cảnh báo cần xem lại` : ''}`
    : `không có lỗi${warnings ? `; ${warnings} cảnh báo cần xem lại` : ''}`;
  rows.push(`<row r="1" ht="20" customHeight="1">${str('A1', `Tệp "${file}" ${verdict}`, title)}</row>`);
  // Unwrapped, so it runs across the empty cells to its right.
  rows.push(
    `<row r="2">${str('A2', 'Ô có lỗi được tô đỏ (cảnh báo: tô vàng) và có ghi chú nêu lỗi; bấm vào địa chỉ ô ở cột "Ô" để đến ô đó. Sửa từng lỗi ở sheet gốc, có thể xóa sheet này, lưu lại rồi gửi lại tệp.', styles.listStyle('note'))}</row>`,
  );
  const heads = ['STT', 'Mức', 'Sheet', 'Ô', 'Chỉ tiêu', 'Lỗi và cách sửa', 'Mã quy tắc'];
  rows.push(
    `<row r="3" ht="20" customHeight="1">${heads.map((h, i) => str(`${String.fromCharCode(65 + i)}3`, h, header)).join('')}</row>`,
  );
  const links: string[] = [];
  const known = new Set(sheetNames.map((s) => normalizeLabel(s)));
  issues.forEach((issue, k) => {
    const r = 4 + k;
    const lines = Math.max(1, Math.ceil(issue.message.length / 85));
    const cells = [
      `<c r="A${r}" s="${textStyle}"><v>${k + 1}</v></c>`,
      str(`B${r}`, issue.severity === 'error' ? 'Lỗi' : 'Cảnh báo', textStyle),
      str(`C${r}`, issue.sheet ?? '', textStyle),
      str(`D${r}`, issue.cell ?? '', issue.sheet && issue.cell ? link : textStyle),
      str(`E${r}`, issue.indicator ?? '', textStyle),
      str(`F${r}`, issue.message, textStyle),
      str(`G${r}`, issue.rule, textStyle),
    ];
    rows.push(`<row r="${r}" ht="${Math.min(409, 16 * lines + 2)}" customHeight="1">${cells.join('')}</row>`);
    if (issue.sheet && issue.cell && known.has(normalizeLabel(issue.sheet)))
      links.push(
        `<hyperlink ref="D${r}" location="${escapeXml(`'${issue.sheet.replace(/'/g, "''")}'!${issue.cell}`)}" display="${issue.cell}"/>`,
      );
  });
  const widths = [6, 10, 14, 8, 10, 90, 26];
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${flavor.main}" xmlns:r="${flavor.rel}">` +
    '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' +
    '<sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="3" topLeftCell="A4" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    `<cols>${widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('')}</cols>` +
    `<sheetData>${rows.join('')}</sheetData>` +
    (links.length ? `<hyperlinks>${links.join('')}</hyperlinks>` : '') +
    '<pageMargins left="0.5" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>' +
    '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>' +
    '</worksheet>'
  );
}
