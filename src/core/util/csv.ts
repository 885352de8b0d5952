import { parse } from 'csv-parse/sync';

/**
 * Every CSV the program reads (the catalogue, crosswalks, unit lists, shipped or given) goes through here, parsed
 * by csv-parse: quoted fields, doubled quotes, CRLF, a UTF-8 BOM, and the `;` separator that Excel writes on
 * machines whose decimal mark is a comma (common in Vietnam), told from `,` by the header line. Text is taken in
 * NFC; rows with no text in any field are left out; rows may be shorter or longer than the header.
 */
export function parseCsv(text: string): string[][] {
  const src = text.normalize('NFC').replace(/^\uFEFF/, '');
  const firstLine = src.slice(0, src.search(/\r?\n|$/));
  const delimiter = count(firstLine, ';') > count(firstLine, ',') ? ';' : ',';
  // relax_quotes: a quote inside an unquoted field is a character of it, as Excel reads it.
  const rows: string[][] = parse(src, {
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
  });
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

/** Rows as records keyed by the header row's names. */
export function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h.trim(), (r[i] ?? '').trim()])));
}

function count(s: string, ch: string): number {
  return s.split(ch).length - 1;
}
