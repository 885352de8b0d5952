import { describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { annotateWorkbook } from '../src/core/write/annotate.js';
import { checkSubmission } from '../src/core/validate/check-file.js';
import { rawWorkbook, figuresSheetXml, infoSheetXml } from './helpers/raw-xlsx.js';
import { districtFigures } from './helpers/figures.js';
import { writeFileSync } from 'node:fs';

describe('smoke', () => {
  it('marks a raw workbook', async () => {
    const figures = districtFigures();
    figures['DA8.05'] = { ...figures['DA8.05'], nu: (figures['DA8.05']!.total ?? 0) + 10 };
    const bytes = rawWorkbook({ sheets: [{ name: 'Thông tin', xml: infoSheetXml() }, { name: 'Số liệu', xml: figuresSheetXml({ figures }) }], parts: { 'xl/styles.xml': `<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts><fills count="2"><fill/><fill/></fills><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellXfs></styleSheet>` } });
    const checked = await checkSubmission(bytes, 'x.xlsx');
    console.log(checked.errors.map((e) => `${e.rule}@${e.sheet}!${e.cell}`));
    const r = annotateWorkbook(bytes, [...checked.errors, ...checked.warnings, { rule: 'x', severity: 'warning', sheet: 'Số liệu', cell: 'Z500', message: 'm' }], { file: 'x.xlsx' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    writeFileSync('/tmp/ann/smoke.xlsx', r.bytes);
    const z = unzipSync(r.bytes);
    for (const k of Object.keys(z)) console.log(k, z[k]!.length);
    console.log(strFromU8(z['xl/workbook.xml']!));
    console.log(strFromU8(z['xl/_rels/workbook.xml.rels']!));
    console.log(strFromU8(z['[Content_Types].xml']!));
    console.log(strFromU8(z['xl/styles.xml']!));
    const sheet = strFromU8(z['xl/worksheets/sheet2.xml']!);
    console.log(sheet.slice(-600));
    console.log(sheet.match(/<c r="F\d+"[^>]*s="\d+"[^>]*>/g));
    const again = await checkSubmission(r.bytes, 'x.xlsx');
    expect(again.errors.map((e) => e.cell)).toEqual(checked.errors.map((e) => e.cell));
  });
});
