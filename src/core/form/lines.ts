import type { Catalogue, Indicator } from '../catalogue/catalogue.js';

export type FormLine =
  | { kind: 'group'; text: string }
  | { kind: 'section'; text: string }
  | { kind: 'indicator'; ind: Indicator; stt: number };

/**
 * The rows of `Số liệu` in order: a heading per group, a heading per section within it, then its indicators.
 * Groups and sections come in the order their first indicator has in the catalogue, and the indicators in catalogue
 * order within them, so an indicator appended at the end of the CSV still lands under its own heading.
 */
export function formLines(catalogue: Catalogue): FormLine[] {
  const groups = new Map<string, Map<string, Indicator[]>>();
  for (const ind of catalogue.indicators) {
    const sections = groups.get(ind.group) ?? groups.set(ind.group, new Map()).get(ind.group)!;
    const list = sections.get(ind.section) ?? sections.set(ind.section, []).get(ind.section)!;
    list.push(ind);
  }
  const out: FormLine[] = [];
  let stt = 0;
  [...groups].forEach(([group, sections], g) => {
    const heading = catalogue.groups.find((x) => x.code === group)?.heading ?? group;
    out.push({ kind: 'group', text: `${letter(g)}. ${heading}` });
    [...sections].forEach(([section, indicators], s) => {
      const heading = catalogue.sections.find((x) => x.code === section)?.heading ?? section;
      out.push({ kind: 'section', text: `${roman(s + 1)}. ${heading}` });
      for (const ind of indicators) out.push({ kind: 'indicator', ind, stt: ++stt });
    });
  });
  return out;
}

/** A, B, … Z, AA, AB… */
function letter(i: number): string {
  return (i >= 26 ? letter(Math.floor(i / 26) - 1) : '') + String.fromCharCode(65 + (i % 26));
}

function roman(n: number): string {
  const digits: [number, string][] = [
    [1000, 'M'],
    [900, 'CM'],
    [500, 'D'],
    [400, 'CD'],
    [100, 'C'],
    [90, 'XC'],
    [50, 'L'],
    [40, 'XL'],
    [10, 'X'],
    [9, 'IX'],
    [5, 'V'],
    [4, 'IV'],
    [1, 'I'],
  ];
  let out = '';
  for (const [value, symbol] of digits) for (; n >= value; n -= value) out += symbol;
  return out;
}
