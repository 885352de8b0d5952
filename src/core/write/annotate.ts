import { strFromU8, strToU8, unzipSync, zipSync, type Unzipped } from 'fflate';
import type { Issue } from '../model.js';
import { normalizeLabel } from '../util/text.js';

/**
 * The copy of a rejected submission sent back to its unit ("tra-lai"): the same workbook, every problem cell
 * filled (red for errors, yellow for warnings) with a comment holding the message, and a first sheet
 * `Lỗi cần sửa` listing every problem with a link to its cell.
 *
 * Built by editing the package's XML parts directly rather than loading and re-saving the workbook: figures,
 * formulas, other sheets, protection and data validation stay byte for byte as the unit made them, and a
 * hostile file costs no more than unzipping it. Pure: bytes in, bytes out; null when the bytes are not an
 * xlsx package this can edit.
 */
export const ERRORS_SHEET = 'Lỗi cần sửa';

const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const REL_WORKSHEET = `${NS_REL}/worksheet`;
const REL_COMMENTS = `${NS_REL}/comments`;
const REL_VML = `${NS_REL}/vmlDrawing`;
const CT_WORKSHEET = 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml';
const CT_COMMENTS = 'application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml';
const CT_VML = 'application/vnd.openxmlformats-officedocument.vmlDrawing';
/** More marks than this on one file are not read by anyone; the list sheet still has them all. */
const MAX_MARKS = 2000;

export interface AnnotateOptions {
  /** The file's name as the unit knows it, for the title of the list sheet. */
  file: string;
}

export function annotateWorkbook(bytes: Uint8Array, issues: Issue[], options: AnnotateOptions): Uint8Array | null {
  let zip: Unzipped;
  try {
    zip = unzipSync(bytes);
  } catch {
    return null;
  }
  const text = (name: string) => (zip[name] ? strFromU8(zip[name]!) : null);
  const workbookPath = officeDocument(text('_rels/.rels')) ?? 'xl/workbook.xml';
  const workbookXml = text(workbookPath);
  if (!workbookXml || !/<sheets[\s>]/.test(workbookXml)) return null;
  const baseDir = workbookPath.slice(0, workbookPath.lastIndexOf('/') + 1);
  const workbookRelsPath = relsPathOf(workbookPath);
  const workbookRels = text(workbookRelsPath);
  const contentTypes = text('[Content_Types].xml');
  if (!workbookRels || !contentTypes) return null;

  const rels = parseRels(workbookRels);
  const relPrefix = /<sheet\b[^>]*?\s(\w+):id="/.exec(workbookXml)?.[1] ?? 'r';
  const sheets = [...workbookXml.matchAll(/<sheet\b[^>]*?\/?>/g)].map((m) => {
    const attrs = attributes(m[0]);
    const target = rels.get(attrs[`${relPrefix}:id`] ?? '')?.target;
    return { name: unescapeXml(attrs.name ?? ''), path: target ? resolvePath(baseDir, target) : null };
  });
  const pathOfSheet = new Map(sheets.filter((s) => s.path).map((s) => [normalizeLabel(s.name), s.path!]));

  const out: Record<string, Uint8Array> = { ...zip };
  const put = (name: string, xml: string) => (out[name] = strToU8(xml));
  let types = contentTypes;

  // Styles: a red and a yellow fill, each cell keeping its own number format, font and borders.
  const styles = new StyleEditor(text(`${baseDir}styles.xml`));

  // Marks per sheet part, one per cell (the first, most serious problem decides the colour).
  const bySheet = new Map<string, Map<string, Issue[]>>();
  let marks = 0;
  for (const issue of issues) {
    if (!issue.sheet || !issue.cell || marks >= MAX_MARKS) continue;
    const path = pathOfSheet.get(normalizeLabel(issue.sheet));
    if (!path || !zip[path] || !/^[A-Z]{1,3}[1-9]\d{0,6}$/.test(issue.cell)) continue;
    const cells = bySheet.get(path) ?? bySheet.set(path, new Map()).get(path)!;
    if (!cells.has(issue.cell)) marks++;
    cells.set(issue.cell, [...(cells.get(issue.cell) ?? []), issue]);
  }

  let vmlIndex = 1;
  const freeName = (make: (i: number) => string) => {
    while (out[make(vmlIndex)]) vmlIndex++;
    return make(vmlIndex);
  };
  if (styles.ok)
    for (const [path, cells] of bySheet) {
      let sheet = strFromU8(zip[path]!);
      if (!/<worksheet[\s>]/.test(sheet) || !/<sheetData[\s>/]/.test(sheet)) continue; // prefixed or odd: listed only
      for (const [ref, list] of cells) {
        const error = list.some((i) => i.severity === 'error');
        sheet = setCellStyle(sheet, ref, (s) => styles.withFill(s, error ? 'error' : 'warning'));
      }
      // Comments: into the sheet's comments part if it has one, else a new part with its VML drawing.
      const sheetRelsPath = relsPathOf(path);
      let sheetRels = text(sheetRelsPath) ?? `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>`;
      const existing = parseRels(sheetRels);
      const sheetDir = path.slice(0, path.lastIndexOf('/') + 1);
      const commentsRel = [...existing.values()].find((r) => r.type === REL_COMMENTS);
      const vmlRel = [...existing.values()].find((r) => r.type === REL_VML);
      let commentsPath: string;
      let commentsXml: string;
      if (commentsRel) {
        commentsPath = resolvePath(sheetDir, commentsRel.target);
        commentsXml = text(commentsPath) ?? '';
      } else {
        commentsPath = freeName((i) => `${baseDir}comments${i}.xml`);
        commentsXml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="${NS_MAIN}"><authors><author>bdg</author></authors><commentList></commentList></comments>`;
        sheetRels = addRel(sheetRels, REL_COMMENTS, relativePath(sheetDir, commentsPath)).xml;
        types = addOverride(types, commentsPath, CT_COMMENTS);
      }
      let vmlPath: string;
      let vmlXml: string;
      if (vmlRel) {
        vmlPath = resolvePath(sheetDir, vmlRel.target);
        vmlXml = text(vmlPath) ?? '';
      } else {
        vmlPath = freeName((i) => `${baseDir}drawings/vmlDrawing${i}.vml`);
        vmlXml = newVml(vmlIndex);
        const added = addRel(sheetRels, REL_VML, relativePath(sheetDir, vmlPath));
        sheetRels = added.xml;
        sheet = insertLegacyDrawing(sheet, added.id, /<worksheet\b[^>]*\sxmlns:(\w+)="http:\/\/schemas\.openxmlformats\.org\/officeDocument\/2006\/relationships"/.exec(sheet)?.[1]);
        if (!/<Default\b[^>]*Extension="vml"/i.test(types)) types = types.replace('</Types>', `<Default Extension="vml" ContentType="${CT_VML}"/></Types>`);
      }
      if (!/<commentList[\s>/]/.test(commentsXml) || !/<\/xml>\s*$/.test(vmlXml)) continue;
      const authorId = authorIndex(commentsXml);
      commentsXml = authorId.xml;
      const taken = new Set([...commentsXml.matchAll(/<comment\b[^>]*\sref="([A-Z]+\d+)"/g)].map((m) => m[1]));
      let shapes = '';
      let shapeNo = 0;
      const entries: string[] = [];
      for (const [ref, list] of cells) {
        if (taken.has(ref)) continue; // the unit's own comment stays; the message is in the list sheet
        const body = list.map((i) => `${i.severity === 'error' ? 'Lỗi' : 'Cảnh báo'}: ${i.message}`).join('\n');
        entries.push(`<comment ref="${ref}" authorId="${authorId.id}"><text><r><rPr><b/><sz val="9"/><rFont val="Tahoma"/></rPr><t xml:space="preserve">bdg:\n</t></r><r><rPr><sz val="9"/><rFont val="Tahoma"/></rPr><t xml:space="preserve">${escapeXml(body)}</t></r></text></comment>`);
        shapes += vmlShape(ref, vmlIndex * 1024 + 512 + shapeNo++, body.length);
      }
      commentsXml = commentsXml.replace(/<commentList\s*\/>/, '<commentList></commentList>').replace('</commentList>', `${entries.join('')}</commentList>`);
      vmlXml = vmlXml.replace(/<\/xml>\s*$/, `${shapes}</xml>`);
      put(commentsPath, commentsXml);
      put(vmlPath, vmlXml);
      put(sheetRelsPath, sheetRels);
      put(path, sheet);
      vmlIndex++;
    }

  // The list sheet, first in the workbook and the one that opens.
  let n = 1;
  while (out[`${baseDir}worksheets/sheet${n}.xml`]) n++;
  const listPath = `${baseDir}worksheets/sheet${n}.xml`;
  put(listPath, listSheet(issues, options.file, sheets.map((s) => s.name), styles));
  if (styles.ok) put(`${baseDir}styles.xml`, styles.xml());
  const rel = addRel(workbookRels, REL_WORKSHEET, relativePath(baseDir, listPath));
  put(workbookRelsPath, rel.xml);
  types = addOverride(types, listPath, CT_WORKSHEET);
  put('[Content_Types].xml', types);
  const names = new Set(sheets.map((s) => normalizeLabel(s.name)));
  let listName = ERRORS_SHEET;
  for (let i = 2; names.has(normalizeLabel(listName)); i++) listName = `${ERRORS_SHEET} (${i})`;
  const maxId = Math.max(0, ...[...workbookXml.matchAll(/<sheet\b[^>]*\ssheetId="(\d+)"/g)].map((m) => Number(m[1])));
  let wb = workbookXml.replace(/<sheets(\s[^>]*)?>/, (open) => `${open}<sheet name="${escapeXml(listName)}" sheetId="${maxId + 1}" ${relPrefix}:id="${rel.id}"/>`);
  // Sheet-scoped names (print titles, filters) point at sheets by position: everything moved one place right.
  wb = wb.replace(/(<definedName\b[^>]*\slocalSheetId=")(\d+)"/g, (_, head: string, i: string) => `${head}${Number(i) + 1}"`);
  wb = wb.replace(/<workbookView\b[^>]*?\/?>/g, (view) => view.replace(/\s(activeTab|firstSheet)="\d+"/g, '').replace(/<workbookView/, '<workbookView activeTab="0"'));
  put(workbookPath, wb);
  // Only the list sheet is selected: several selected sheets would make every edit apply to all of them.
  for (const s of sheets)
    if (s.path && out[s.path]) {
      const xml = strFromU8(out[s.path]!);
      if (/\stabSelected="(1|true)"/.test(xml)) put(s.path, xml.replace(/\stabSelected="(1|true)"/g, ''));
    }
  return zipSync(out, { level: 6 });
}

function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // Characters XML 1.0 cannot carry at all.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) out[m[1]!] = m[3] ?? m[4] ?? '';
  return out;
}

function officeDocument(rootRels: string | null): string | null {
  if (!rootRels) return null;
  for (const r of parseRels(rootRels).values()) if (r.type.endsWith('/officeDocument')) return r.target.replace(/^\//, '');
  return null;
}

function parseRels(xml: string): Map<string, { type: string; target: string }> {
  const out = new Map<string, { type: string; target: string }>();
  for (const m of xml.matchAll(/<Relationship\b[^>]*?\/?>/g)) {
    const a = attributes(m[0]);
    if (a.Id && a.Target && a.TargetMode !== 'External') out.set(a.Id, { type: a.Type ?? '', target: unescapeXml(a.Target) });
  }
  return out;
}

function addRel(xml: string, type: string, target: string): { xml: string; id: string } {
  let i = 1;
  while (new RegExp(`\\sId="rIdBdg${i}"`).test(xml)) i++;
  const id = `rIdBdg${i}`;
  const rel = `<Relationship Id="${id}" Type="${type}" Target="${escapeXml(target)}"/>`;
  return { xml: /<Relationships\b[^>]*\/>/.test(xml) ? xml.replace(/<Relationships\b([^>]*)\/>/, `<Relationships$1>${rel}</Relationships>`) : xml.replace('</Relationships>', `${rel}</Relationships>`), id };
}

function addOverride(types: string, part: string, contentType: string): string {
  return types.replace('</Types>', `<Override PartName="/${escapeXml(part)}" ContentType="${contentType}"/></Types>`);
}

function relsPathOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

/** A relationship target resolved against the folder of its source part ("../comments1.xml", "/xl/x.xml"). */
function resolvePath(dir: string, target: string): string {
  const parts = (target.startsWith('/') ? target.slice(1) : dir + target).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.' && p !== '') out.push(p);
  }
  return out.join('/');
}

function relativePath(fromDir: string, to: string): string {
  const from = fromDir.split('/').filter(Boolean);
  const parts = to.split('/');
  let common = 0;
  while (common < from.length && common < parts.length - 1 && from[common] === parts[common]) common++;
  return [...Array(from.length - common).fill('..'), ...parts.slice(common)].join('/');
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + ch.charCodeAt(0) - 64;
  return n;
}

function splitRef(ref: string): { col: number; row: number } {
  const m = /^([A-Z]+)(\d+)$/.exec(ref)!;
  return { col: columnNumber(m[1]!), row: Number(m[2]) };
}

/** Sets the style of one cell of a worksheet part, adding the cell (and its row) when the file has none there. */
function setCellStyle(sheet: string, ref: string, style: (current: number) => number): string {
  const cell = new RegExp(`<c\\b[^>]*?\\sr="${ref}"[^>]*?(/?)>`);
  const found = cell.exec(sheet);
  if (found) {
    const tag = found[0];
    const current = Number(/\ss="(\d+)"/.exec(tag)?.[1] ?? 0);
    const next = /\ss="\d+"/.test(tag) ? tag.replace(/\ss="\d+"/, ` s="${style(current)}"`) : tag.replace(/^<c\b/, `<c s="${style(current)}"`);
    return sheet.slice(0, found.index) + next + sheet.slice(found.index + tag.length);
  }
  const { col, row } = splitRef(ref);
  const newCell = `<c r="${ref}" s="${style(0)}"/>`;
  const rowTag = new RegExp(`<row\\b[^>]*?\\sr="${row}"[^>]*?(/?)>`).exec(sheet);
  if (rowTag) {
    const start = rowTag.index + rowTag[0].length;
    if (rowTag[1] === '/') return sheet.slice(0, rowTag.index) + rowTag[0].replace(/\/>$/, '>') + newCell + '</row>' + sheet.slice(start);
    const end = sheet.indexOf('</row>', start);
    const inner = sheet.slice(start, end);
    // Cells of a row are in column order: the new one goes before the first cell to its right.
    let at = inner.length;
    for (const m of inner.matchAll(/<c\b[^>]*?\sr="([A-Z]+)\d+"/g))
      if (columnNumber(m[1]!) > col) {
        at = m.index!;
        break;
      }
    return sheet.slice(0, start) + inner.slice(0, at) + newCell + inner.slice(at) + sheet.slice(end);
  }
  const newRow = `<row r="${row}">${newCell}</row>`;
  if (/<sheetData\s*\/>/.test(sheet)) return sheet.replace(/<sheetData\s*\/>/, `<sheetData>${newRow}</sheetData>`);
  const dataStart = sheet.search(/<sheetData[\s>]/);
  const dataEnd = sheet.indexOf('</sheetData>');
  for (const m of sheet.slice(dataStart, dataEnd).matchAll(/<row\b[^>]*?\sr="(\d+)"/g))
    if (Number(m[1]) > row) return sheet.slice(0, dataStart + m.index!) + newRow + sheet.slice(dataStart + m.index!);
  return sheet.slice(0, dataEnd) + newRow + sheet.slice(dataEnd);
}

/** Elements that follow `legacyDrawing` in a worksheet (ECMA-376 CT_Worksheet order). */
const AFTER_LEGACY_DRAWING = ['legacyDrawingHF', 'drawingHF', 'picture', 'oleObjects', 'controls', 'webPublishItems', 'tableParts', 'extLst'];

function insertLegacyDrawing(sheet: string, id: string, prefix: string | undefined): string {
  let xml = sheet;
  let p = prefix;
  if (!p) {
    p = 'r';
    xml = xml.replace(/<worksheet\b/, `<worksheet xmlns:r="${NS_REL}"`);
  }
  const element = `<legacyDrawing ${p}:id="${id}"/>`;
  const next = AFTER_LEGACY_DRAWING.map((name) => xml.search(new RegExp(`<${name}[\\s>/]`))).filter((i) => i >= 0);
  const at = next.length ? Math.min(...next) : xml.lastIndexOf('</worksheet>');
  return xml.slice(0, at) + element + xml.slice(at);
}

function authorIndex(comments: string): { xml: string; id: number } {
  const authors = [...comments.matchAll(/<author>([\s\S]*?)<\/author>/g)].map((m) => m[1]);
  const i = authors.indexOf('bdg');
  if (i >= 0) return { xml: comments, id: i };
  if (/<authors\s*\/>/.test(comments)) return { xml: comments.replace(/<authors\s*\/>/, '<authors><author>bdg</author></authors>'), id: 0 };
  return { xml: comments.replace('</authors>', '<author>bdg</author></authors>'), id: authors.length };
}

function newVml(index: number): string {
  return (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">' +
    `<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="${index}"/></o:shapelayout>` +
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>' +
    '</xml>'
  );
}

function vmlShape(ref: string, id: number, length: number): string {
  const { col, row } = splitRef(ref);
  const rows = Math.min(20, 3 + Math.ceil(length / 60));
  return (
    `<v:shape id="_x0000_s${id}" type="#_x0000_t202" style="position:absolute;margin-left:60pt;margin-top:2pt;width:240pt;height:${rows * 15}pt;z-index:1;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">` +
    '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>' +
    '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>' +
    `<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>${col}, 15, ${Math.max(0, row - 2)}, 2, ${col + 4}, 15, ${row - 2 + rows}, 2</x:Anchor>` +
    `<x:AutoFill>False</x:AutoFill><x:Row>${row - 1}</x:Row><x:Column>${col - 1}</x:Column></x:ClientData></v:shape>`
  );
}

/** Appends fills, fonts and cell formats to styles.xml, reusing what it added for the same base style. */
class StyleEditor {
  ok: boolean;
  private source: string;
  private fills: string[] = [];
  private fonts: string[] = [];
  private xfs: string[] = [];
  private baseFillCount = 0;
  private baseFontCount = 0;
  private baseXfCount = 0;
  private baseXfs: string[] = [];
  private cache = new Map<string, number>();

  constructor(xml: string | null) {
    this.source = xml ?? '';
    const fills = /<fills\b[^>]*>([\s\S]*?)<\/fills>/.exec(this.source);
    const fonts = /<fonts\b[^>]*>([\s\S]*?)<\/fonts>/.exec(this.source);
    const xfs = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(this.source);
    this.ok = Boolean(fills && fonts && xfs);
    if (!this.ok) return;
    this.baseFillCount = [...fills![1]!.matchAll(/<fill[\s>/]/g)].length;
    this.baseFontCount = [...fonts![1]!.matchAll(/<font[\s>/]/g)].length;
    this.baseXfs = [...xfs![1]!.matchAll(/<xf\b[^>]*\/>|<xf\b[^>]*>[\s\S]*?<\/xf>/g)].map((m) => m[0]);
    this.baseXfCount = this.baseXfs.length;
  }

  private fill(kind: 'error' | 'warning'): number {
    const key = `fill:${kind}`;
    if (!this.cache.has(key)) {
      const rgb = kind === 'error' ? 'FFFF7C80' : 'FFFFE699';
      this.fills.push(`<fill><patternFill patternType="solid"><fgColor rgb="${rgb}"/><bgColor indexed="64"/></patternFill></fill>`);
      this.cache.set(key, this.baseFillCount + this.fills.length - 1);
    }
    return this.cache.get(key)!;
  }

  /** The index of a cell format like `base` but filled red (error) or yellow (warning). */
  withFill(base: number, kind: 'error' | 'warning'): number {
    const key = `${base}:${kind}`;
    if (this.cache.has(key)) return this.cache.get(key)!;
    const fillId = this.fill(kind);
    const xf = this.baseXfs[base] ?? this.baseXfs[0] ?? '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>';
    const open = /^<xf\b[^>]*?(\/?)>/.exec(xf)![0];
    let tag = open.replace(/\s(fillId|applyFill)="[^"]*"/g, '');
    tag = tag.replace(/^<xf\b/, `<xf fillId="${fillId}" applyFill="1"`);
    this.xfs.push(tag + xf.slice(open.length));
    this.cache.set(key, this.baseXfCount + this.xfs.length - 1);
    return this.cache.get(key)!;
  }

  /** Formats of the list sheet: bold header, wrapped text at the top of the cell, a link. */
  listStyle(kind: 'title' | 'note' | 'header' | 'text' | 'link'): number {
    if (!this.ok) return 0;
    const key = `list:${kind}`;
    if (this.cache.has(key)) return this.cache.get(key)!;
    const font = (xml: string) => {
      this.fonts.push(xml);
      return this.baseFontCount + this.fonts.length - 1;
    };
    let xf: string;
    if (kind === 'title') xf = `<xf numFmtId="0" fontId="${font('<font><b/><sz val="13"/><name val="Times New Roman"/></font>')}" fillId="0" borderId="0" applyFont="1"/>`;
    else if (kind === 'note') xf = `<xf numFmtId="0" fontId="${font('<font><i/><sz val="11"/><name val="Times New Roman"/></font>')}" fillId="0" borderId="0" applyFont="1"/>`;
    else if (kind === 'header') {
      this.fills.push('<fill><patternFill patternType="solid"><fgColor rgb="FFD9D9D9"/><bgColor indexed="64"/></patternFill></fill>');
      xf = `<xf numFmtId="0" fontId="${font('<font><b/><sz val="12"/><name val="Times New Roman"/></font>')}" fillId="${this.baseFillCount + this.fills.length - 1}" borderId="0" applyFont="1" applyFill="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>`;
    } else if (kind === 'link') xf = `<xf numFmtId="0" fontId="${font('<font><u/><sz val="12"/><color rgb="FF0563C1"/><name val="Times New Roman"/></font>')}" fillId="0" borderId="0" applyFont="1" applyAlignment="1"><alignment vertical="top"/></xf>`;
    else xf = `<xf numFmtId="0" fontId="${font('<font><sz val="12"/><name val="Times New Roman"/></font>')}" fillId="0" borderId="0" applyFont="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>`;
    this.xfs.push(xf);
    this.cache.set(key, this.baseXfCount + this.xfs.length - 1);
    return this.cache.get(key)!;
  }

  xml(): string {
    const append = (xml: string, element: string, added: string[], total: number) =>
      added.length
        ? xml.replace(new RegExp(`(<${element}\\b[^>]*>)([\\s\\S]*?)(</${element}>)`), (_, open: string, body: string, close: string) => `${open.replace(/\scount="\d+"/, '').replace(`<${element}`, `<${element} count="${total}"`)}${body}${added.join('')}${close}`)
        : xml;
    let xml = append(this.source, 'fills', this.fills, this.baseFillCount + this.fills.length);
    xml = append(xml, 'fonts', this.fonts, this.baseFontCount + this.fonts.length);
    xml = append(xml, 'cellXfs', this.xfs, this.baseXfCount + this.xfs.length);
    return xml;
  }
}

function listSheet(issues: Issue[], file: string, sheetNames: string[], styles: StyleEditor): string {
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  const rows: string[] = [];
  const str = (ref: string, value: string, style: number) => `<c r="${ref}" t="inlineStr" s="${style}"><is><t xml:space="preserve">${escapeXml(value)}</t></is></c>`;
  const title = styles.listStyle('title');
  const header = styles.listStyle('header');
  const textStyle = styles.listStyle('text');
  const link = styles.listStyle('link');
  const verdict = errors ? `bị trả lại: ${errors} lỗi cần sửa${warnings ? `, ${warnings} cảnh báo cần xem lại` : ''}` : `không có lỗi${warnings ? `; ${warnings} cảnh báo cần xem lại` : ''}`;
  rows.push(`<row r="1" ht="20" customHeight="1">${str('A1', `Tệp "${file}" ${verdict}`, title)}</row>`);
  // Unwrapped, so it runs across the empty cells to its right.
  rows.push(`<row r="2">${str('A2', 'Ô có lỗi được tô đỏ (cảnh báo: tô vàng) và có ghi chú nêu lỗi; bấm vào địa chỉ ô ở cột "Ô" để đến ô đó. Sửa từng lỗi ở sheet gốc, có thể xóa sheet này, lưu lại rồi gửi lại tệp.', styles.listStyle('note'))}</row>`);
  const heads = ['STT', 'Mức', 'Sheet', 'Ô', 'Chỉ tiêu', 'Lỗi và cách sửa', 'Mã quy tắc'];
  rows.push(`<row r="3" ht="20" customHeight="1">${heads.map((h, i) => str(`${String.fromCharCode(65 + i)}3`, h, header)).join('')}</row>`);
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
      links.push(`<hyperlink ref="D${r}" location="${escapeXml(`'${issue.sheet.replace(/'/g, "''")}'!${issue.cell}`)}" display="${issue.cell}"/>`);
  });
  const widths = [6, 10, 14, 8, 10, 90, 26];
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
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
