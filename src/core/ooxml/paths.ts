/**
 * Part names of an Office package (OPC): zip entry names without the leading "/", resolved and related to each
 * other as relationship targets are.
 */

/** The folder of a part, with its trailing "/" ('' at the root). */
export function folderOf(part: string): string {
  return part.slice(0, part.lastIndexOf('/') + 1);
}

/** The relationships part of `part` ("xl/workbook.xml" → "xl/_rels/workbook.xml.rels"; '' → "_rels/.rels"). */
export function relsPathOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

/** A relationship target of `source` resolved to a part name ("../comments1.xml", "/xl/x.xml", "a%20b.xml"). */
export function resolveTarget(source: string, target: string): string {
  // Most targets are a plain name under the source's folder ("worksheets/sheet1.xml"): nothing to resolve.
  if (PLAIN_TARGET.test(target)) return folderOf(source) + target;
  // Some Windows exporters write targets with backslashes ("xl\workbook.xml"); part names never have them.
  let t = target.replace(/\\/g, '/');
  try {
    t = decodeURI(t);
  } catch {
    // A target that is not valid percent-encoding is taken as written.
  }
  const parts = (t.startsWith('/') ? t.slice(1) : folderOf(source) + t).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.' && p !== '') out.push(p);
  }
  return out.join('/');
}

/** Names and folders that resolve to themselves: no "..", ".", "//", "%", backslash or leading "/". */
const PLAIN_TARGET = /^(?:[\w-]+(?:\.[\w-]+)*\/)*[\w-]+(?:\.[\w-]+)*$/;

/** The target that points from `source` to the part `to`, relative ("../comments1.xml"). */
export function relativeTarget(source: string, to: string): string {
  const from = folderOf(source).split('/').filter(Boolean);
  const parts = to.split('/');
  let common = 0;
  while (common < from.length && common < parts.length - 1 && from[common] === parts[common]) common++;
  return [...Array<string>(from.length - common).fill('..'), ...parts.slice(common)].join('/');
}

/** The first name `make(1)`, `make(2)`… that `taken` does not hold. */
export function freeName(taken: (name: string) => boolean, make: (i: number) => string): string {
  let i = 1;
  while (taken(make(i))) i++;
  return make(i);
}
