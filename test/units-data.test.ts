import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  builtinUnits,
  communeTypesPhrase,
  editionForPeriod,
  findEdition,
  unitsEditions,
  unitType,
} from '../src/core/units/builtin.js';
import { halfYearPeriod, yearPeriod } from '../src/core/util/period.js';
import { foldName } from '../src/core/util/text.js';
import { sameUnitName } from '../src/core/units/hierarchy.js';
import { ROOT } from './helpers/cli.js';

// The digests of the reference lists (../shared/reference/units/SOURCES.md), as the shipped attribution repeats them;
// where the reference folder is beside the project (a developer's machine, CI), it is checked too.
const REFERENCE = join(ROOT, '../shared/reference/units/SOURCES.md');
const SOURCES = [join(ROOT, 'data/units/README.md'), ...(existsSync(REFERENCE) ? [REFERENCE] : [])].map((f) =>
  readFileSync(f, 'utf8'),
);

/** Counts of a column's values, e.g. how many units per level or per type. */
function tally(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

describe('built-in unit lists (data/units)', () => {
  it('are the reference files byte for byte: their sha256 is the one SOURCES.md gives', () => {
    for (const file of ['units-2024.csv', 'units-2025.csv']) {
      const digest = createHash('sha256')
        .update(readFileSync(join(ROOT, 'data/units', file)))
        .digest('hex');
      for (const text of SOURCES) {
        const row = text.split('\n').find((l) => l.startsWith(`| \`${file}\``))!;
        expect(row, file).toContain(`\`${digest}\``);
      }
    }
  });

  it('are clean as shipped: NFC, no stray spaces, no quotes, four fields a row, digits-only codes', () => {
    for (const file of ['units-2024.csv', 'units-2025.csv']) {
      const lines = readFileSync(join(ROOT, 'data/units', file), 'utf8')
        .split('\n')
        .filter(Boolean);
      for (const line of lines.slice(1)) {
        const fields = line.split(',');
        expect(fields, line).toHaveLength(4);
        expect(line.normalize('NFC') === line && !/["\r]|  |^ | ,|, | $/.test(line), line).toBe(true);
        expect(/^\d+$/.test(fields[0]!) && /^\d*$/.test(fields[3]!), line).toBe(true);
      }
    }
  });

  it('2025 edition: 34 provinces, 3.321 communes (2.621 xã, 687 phường, 13 đặc khu), all straight under a province', () => {
    const h = builtinUnits(findEdition('2025')!);
    expect(tally(h.units.map((u) => u.level))).toEqual({ 'Quốc gia': 1, Tỉnh: 34, Xã: 3321 });
    expect(tally(h.units.filter((u) => u.level === 'Xã').map((u) => unitType(u.name, u.level)))).toEqual({
      Xã: 2621,
      Phường: 687,
      'Đặc khu': 13,
    });
    expect(tally(h.units.filter((u) => u.level === 'Tỉnh').map((u) => unitType(u.name, u.level)))).toEqual({
      'Thành phố': 6,
      Tỉnh: 28,
    });
    expect(h.children(h.root.code)).toHaveLength(34);
    expect(h.communesUnder(h.root.code)).toBe(3321);
    expect(h.communesUnder('66')).toBe(102);
    expect(h.communesUnder('12')).toBe(38);
    expect(h.byCode.get('22057')).toMatchObject({ name: 'Xã Xuân Lộc', parent: '66' });
    expect(communeTypesPhrase(findEdition('2025')!)).toBe('xã, phường, đặc khu');
    expect(findEdition('2025')!.communeTypes).toBe(communeTypesPhrase(findEdition('2025')!));
  });

  it('2024 edition: 63 provinces, 696 districts, 10.035 communes; island districts without communes', () => {
    const h = builtinUnits(findEdition('2024')!);
    expect(tally(h.units.map((u) => u.level))).toEqual({ 'Quốc gia': 1, Tỉnh: 63, Huyện: 696, Xã: 10035 });
    expect(tally(h.units.filter((u) => u.level === 'Huyện').map((u) => unitType(u.name, u.level)))).toEqual({
      Huyện: 508,
      Quận: 49,
      'Thị xã': 52,
      'Thành phố': 87,
    });
    expect(tally(h.units.filter((u) => u.level === 'Xã').map((u) => unitType(u.name, u.level)))).toEqual({
      Xã: 7692,
      Phường: 1726,
      'Thị trấn': 617,
    });
    expect(h.communesUnder(h.root.code)).toBe(10035);
    for (const island of ['318', '471', '498', '536', '755']) expect(h.children(island), island).toEqual([]);
    expect(h.children('655').map((u) => u.code)).toEqual([
      '24538',
      '24556',
      '24559',
      '24565',
      '24568',
      '24571',
      '24574',
      '24577',
    ]);
    expect(h.byCode.get('22057')).toMatchObject({ name: 'Xã Xuân Lộc', parent: '557' }); // same code, another commune
    expect(communeTypesPhrase(findEdition('2024')!)).toBe('xã, phường, thị trấn');
    expect(findEdition('2024')!.communeTypes).toBe(communeTypesPhrase(findEdition('2024')!));
  });

  it('the period picks the edition: 2025 and later the new list, earlier periods (and the first half of 2025) the old one', () => {
    expect(unitsEditions().map((e) => e.id)).toEqual(['2024', '2025']);
    expect(editionForPeriod(yearPeriod(2023)).id).toBe('2024');
    expect(editionForPeriod(yearPeriod(2024)).id).toBe('2024');
    expect(editionForPeriod(halfYearPeriod(2025)).id).toBe('2024');
    expect(editionForPeriod(yearPeriod(2025)).id).toBe('2025');
    expect(editionForPeriod(yearPeriod(2026)).id).toBe('2025');
  });

  it('a code typed as a number picks, among codes of several lengths, the one whose name matches', () => {
    const h = builtinUnits(findEdition('2024')!);
    // 1 may be Hà Nội (01), Quận Ba Đình (001) or Phường Phúc Xá (00001).
    expect(h.resolve(1)?.code).toBe('01');
    expect(h.resolve(1, 'Quận Ba Đình')?.code).toBe('001');
    expect(h.resolve('1', 'phường phúc xá')?.code).toBe('00001');
    expect(h.resolve('00001', 'Quận Ba Đình')?.code).toBe('00001'); // a full code is never re-read
  });

  it('names are compared folding tone-mark placement, apostrophes and case', () => {
    expect(foldName('Xã Hoà An')).toBe(foldName('xã hòa an'));
    expect(foldName('Phường Thuỷ Xuân')).toBe(foldName('Phường Thủy Xuân'));
    expect(foldName('Hòa')).not.toBe(foldName('Hóa'));
    expect(sameUnitName('Xã Ea H’Leo', "xã ea h'leo")).toBe(true);
    expect(sameUnitName('Hoà Bình', 'Tỉnh Hòa Bình')).toBe(true);
    expect(sameUnitName('Xã Hòa An', 'Xã Hóa An')).toBe(false);
  });
});
