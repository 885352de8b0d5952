// @ts-check
/**
 * Inputs saved by another program than exceljs, committed so CI needs no LibreOffice
 * (run `npm run fixtures:office` on a machine with `soffice`):
 *  - fixtures/libreoffice/krong-a-na-libreoffice.xlsx: a submission with live formulas (no cached results when
 *    written), opened and saved by LibreOffice Calc, which computes and stores them: what a person's re-save does.
 *  - fixtures/libreoffice/krong-a-na-chua-tinh.xlsx: the same before LibreOffice, formulas without results.
 *  - fixtures/broken/bieu-mau-excel-97.xls and bieu-mau.ods: the same workbook saved in formats bdg refuses.
 * The figures are figuresFor(655, 8) of src/sample, so tests know every value.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../dist/node/package-data-files.js';
import { loadCatalogue } from '../dist/core/catalogue/catalogue.js';
import { plausibleFigures, rng } from '../test/helpers/plausible-figures.mjs';
import { parsePeriodArg } from '../dist/core/util/period.js';
import { buildSubmissionWorkbook, submissionLayout } from '../dist/core/write/submission-workbook.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The edition of the fixtures' years (2023–2025): the 2024 form, not the newest edition.
const catalogue = loadCatalogue('BDG-2024.1');
const figures = plausibleFigures(rng(655), 8);
const wb = buildSubmissionWorkbook({
  catalogue,
  unit: { code: '655', name: 'Huyện Krông A Na' },
  period: parsePeriodArg('2024'),
  figures,
  narrative: { highlights: 'Tổng hợp từ 8 xã, thị trấn.\nSố liệu đã được Phòng Lao động rà soát.' },
  info: { preparedBy: 'Nguyễn Thị Hoa', preparedOn: new Date('2024-12-15T00:00:00Z') },
});
const layout = submissionLayout(catalogue);
const ws = wb.getWorksheet('Số liệu');
// Totals typed as formulas, the way offices add up sub-columns: DA8.05 = Nữ + (total − Nữ).
const row = layout.rowOf.get('DA8.05');
const { total, nu } = figures['DA8.05'];
ws.getCell(`E${row}`).value = { formula: `F${row}+${total - nu}` };
const r2 = layout.rowOf.get('DA8.02');
ws.getCell(`E${r2}`).value = {
  formula: `E${layout.rowOf.get('DA8.01')}-${figures['DA8.01'].total - figures['DA8.02'].total}`,
};
ws.unprotect();

const work = mkdtempSync(join(tmpdir(), 'bdg-office-'));
const raw = join(work, 'krong-a-na-chua-tinh.xlsx');
await wb.xlsx.writeFile(raw);
const soffice = (to, file) =>
  execFileSync('soffice', ['--headless', '--calc', '--convert-to', to, '--outdir', join(work, 'out'), file], {
    stdio: 'ignore',
  });
soffice('xlsx:Calc MS Excel 2007 XML', raw);
soffice('xls:MS Excel 97', raw);
soffice('ods', raw);
copyFileSync(raw, join(root, 'fixtures/libreoffice/krong-a-na-chua-tinh.xlsx'));
renameSync(join(work, 'out/krong-a-na-chua-tinh.xlsx'), join(root, 'fixtures/libreoffice/krong-a-na-libreoffice.xlsx'));
renameSync(join(work, 'out/krong-a-na-chua-tinh.xls'), join(root, 'fixtures/broken/bieu-mau-excel-97.xls'));
renameSync(join(work, 'out/krong-a-na-chua-tinh.ods'), join(root, 'fixtures/broken/bieu-mau.ods'));
console.log('office fixtures written');
