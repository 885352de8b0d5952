import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document, Packer, Paragraph } from 'docx';
import { describe, expect, it } from 'vitest';
import { readHierarchy } from '../src/node/unit-list-file.js';
import { plausibleFigures, rng } from './helpers/plausible-figures.mjs';
import { checkFile } from '../src/node/check-path.js';
import { bdg, ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/workbooks.js';

const UNITS = join(ROOT, 'fixtures/dak-lak/don-vi.csv');
const fixture = (p: string) => join(ROOT, 'fixtures', p);

describe('files saved by other programs (committed fixtures, made by scripts/make-office-fixtures.mjs)', () => {
  it('reads a workbook saved by LibreOffice Calc, with the formulas it computed', async () => {
    const checked = await checkFile(fixture('libreoffice/krong-a-na-libreoffice.xlsx'), {
      units: await readHierarchy(UNITS),
    });
    expect(checked.errors).toEqual([]);
    expect(checked.figures).toEqual(plausibleFigures(rng(655), 8));
    expect(checked.submission!.info.preparedOn).toBe('2024-12-15');
    expect(checked.submission!.narrative.highlights).toBe(
      'Tổng hợp từ 8 xã, thị trấn.\nSố liệu đã được Phòng Lao động rà soát.',
    );
  });

  it('the same file before any program computed its formulas: each formula cell named', () => {
    const r = bdg(['validate', fixture('libreoffice/krong-a-na-chua-tinh.xlsx'), '--json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).errors.map((e: { rule: string; cell: string }) => `${e.rule}@${e.cell}`)).toEqual([
      'formula-no-result@E9',
      'formula-no-result@E12',
    ]);
  });

  it('refuses legacy .xls, .ods and a Word document, saying how to fix it', async () => {
    const dir = tempDir();
    const docx = join(dir, 'bao-cao.xlsx');
    writeFileSync(docx, await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('Báo cáo')] }] })));
    const xlsRenamed = join(dir, 'bieu-mau.xlsx');
    copyFileSync(fixture('broken/bieu-mau-excel-97.xls'), xlsRenamed);
    const cases: [string, RegExp][] = [
      [fixture('broken/bieu-mau-excel-97.xls'), /Excel 97-2003 \(\.xls\).*lưu lại dưới dạng \.xlsx/],
      [xlsRenamed, /Excel 97-2003 \(\.xls\)/],
      [fixture('broken/bieu-mau.ods'), /OpenDocument \(\.ods\).*lưu lại dưới dạng \.xlsx/],
      [docx, /văn bản Word/],
    ];
    for (const [file, message] of cases) {
      const r = bdg(['validate', file, '--json']);
      expect(r.status, file).toBe(1);
      const json = JSON.parse(r.stdout);
      expect(json.errors).toHaveLength(1);
      expect(json.errors[0].rule).toBe('file-not-xlsx');
      expect(json.errors[0].message).toMatch(message);
    }
  });
});
