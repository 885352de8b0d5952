import { readFileSync } from 'node:fs';
import JSZip from 'jszip';

export interface Run {
  text: string;
  bold: boolean;
  italic: boolean;
  /** Half-points, as in w:sz. */
  size: number | null;
}

export interface Para {
  text: string;
  runs: Run[];
  xml: string;
}

export interface OpenedDocx {
  files: Record<string, string>;
  document: string;
  paragraphs: Para[];
  /** Table rows of the document as arrays of cell texts. */
  rows: string[][];
}

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

export function paragraphsOf(xml: string): Para[] {
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map(([p]) => {
    const runs = [...p.matchAll(/<w:r>([\s\S]*?)<\/w:r>/g)].map(([, r]) => {
      const rPr = /<w:rPr>([\s\S]*?)<\/w:rPr>/.exec(r!)?.[1] ?? '';
      return {
        text: [...r!.matchAll(/<w:t(?: [^>]*)?>([\s\S]*?)<\/w:t>/g)].map((m) => unescape(m[1]!)).join(''),
        bold: /<w:b\/>|<w:b w:val="(true|1)"\/>/.test(rPr),
        italic: /<w:i\/>|<w:i w:val="(true|1)"\/>/.test(rPr),
        size: Number(/<w:sz w:val="(\d+)"/.exec(rPr)?.[1]) || null,
      };
    });
    return { text: runs.map((r) => r.text).join(''), runs, xml: p };
  });
}

/** Unzips a .docx and reads its parts the way Word does: paragraphs with their runs, tables by row. */
export async function openDocx(path: string): Promise<OpenedDocx> {
  const zip = await JSZip.loadAsync(readFileSync(path));
  const files: Record<string, string> = {};
  for (const name of Object.keys(zip.files))
    if (name.endsWith('.xml') || name.endsWith('.rels')) files[name] = await zip.file(name)!.async('string');
  const document = files['word/document.xml']!;
  const rows = [...document.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map(([tr]) =>
    [...tr.matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map(([tc]) =>
      paragraphsOf(tc)
        .map((p) => p.text)
        .join('\n'),
    ),
  );
  return { files, document, paragraphs: paragraphsOf(document), rows };
}

/** "15.369" → 15369, "1.643,5" → 1643.5 */
export function parseVn(s: string): number {
  return Number(s.replace(/\./g, '').replace(',', '.'));
}
