import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
import { figuresSheetXml, rawWorkbook, rowOf } from './helpers/raw-xlsx.js';
import { tempDir } from './helpers/workbooks.js';

/**
 * Tiny files that used to cost minutes and gigabytes (the workbook library expanded every range and row): each is
 * read or refused by `bdg validate` in < 10 s and < 300 MB peak, measured on the real CLI process by /usr/bin/time.
 * The seconds are CPU seconds (user + system) of the whole process: the test machine is shared, and wall time
 * there says more about the neighbours than about the file; wall time is only held to a loose bound.
 */
const MAX_SECONDS = 10;
const MAX_WALL_SECONDS = 60;
const MAX_RSS_MB = 300;

function validateMeasured(bytes: Uint8Array, name: string) {
  const file = join(tempDir('bdg-bounds-'), name);
  writeFileSync(file, bytes);
  const started = Date.now();
  const r = spawnSync(
    '/usr/bin/time',
    ['-v', process.execPath, resolve(ROOT, 'bin/bdg.js'), 'validate', file, '--json'],
    {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 120_000,
    },
  );
  const wall = (Date.now() - started) / 1000;
  expect(wall).toBeLessThan(MAX_WALL_SECONDS);
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
  const seconds =
    Number(/User time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1]) +
    Number(/System time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1]);
  const json = JSON.parse(r.stdout) as { valid: boolean; errors: { rule: string; cell?: string; message: string }[] };
  return { json, seconds, rssMb: rssKb / 1024, size: bytes.length };
}

const lastRow = () => rowOf('BDG.15') + 5;
const WHOLE_SHEET = 'A1:XFD1048576';

describe('bounded whatever the file holds', () => {
  it('one merge over the whole sheet (a 3 KB file): refused naming the range', () => {
    const m = validateMeasured(
      rawWorkbook({
        sheets: undefined,
        parts: {
          'xl/worksheets/sheet2.xml': figuresSheetXml({
            after: `<mergeCells count="1"><mergeCell ref="${WHOLE_SHEET}"/></mergeCells>`,
          }),
        },
      }),
      'gop-ca-sheet.xlsx',
    );
    expect(m.size).toBeLessThan(8 * 1024);
    expect(m.json.errors.map((e) => `${e.rule}@${e.cell}`)).toEqual([`merged-figure-cell@${WHOLE_SHEET}`]);
    expect(m.seconds).toBeLessThan(MAX_SECONDS);
    expect(m.rssMb).toBeLessThan(MAX_RSS_MB);
  });

  it('a data validation and a conditional format over the whole sheet: read, figures valid', () => {
    const after =
      `<conditionalFormatting sqref="${WHOLE_SHEET}"><cfRule type="cellIs" dxfId="0" priority="1" operator="lessThan"><formula>0</formula></cfRule></conditionalFormatting>` +
      `<dataValidations count="1"><dataValidation type="whole" operator="greaterThanOrEqual" allowBlank="1" showErrorMessage="1" sqref="${WHOLE_SHEET}"><formula1>0</formula1></dataValidation></dataValidations>`;
    const m = validateMeasured(
      rawWorkbook({ parts: { 'xl/worksheets/sheet2.xml': figuresSheetXml({ after }) } }),
      'kiem-tra-ca-sheet.xlsx',
    );
    expect(m.size).toBeLessThan(8 * 1024);
    expect(m.json.errors).toEqual([]);
    expect(m.json.valid).toBe(true);
    expect(m.seconds).toBeLessThan(MAX_SECONDS);
    expect(m.rssMb).toBeLessThan(MAX_RSS_MB);
  });

  it('empty formatted rows down to the last row of the grid (over a million): read, figures valid', () => {
    const from = lastRow();
    const rows = Array.from(
      { length: 1_048_576 - from + 1 },
      (_, i) => `<row r="${from + i}" s="1" customFormat="1" ht="15"/>`,
    ).join('');
    const m = validateMeasured(
      rawWorkbook({ parts: { 'xl/worksheets/sheet2.xml': figuresSheetXml({ moreRows: rows }) } }),
      'trieu-dong.xlsx',
    );
    expect(m.json.errors).toEqual([]);
    expect(m.seconds).toBeLessThan(MAX_SECONDS);
    expect(m.rssMb).toBeLessThan(MAX_RSS_MB);
  });

  it('16.384 formatted columns on a hundred rows: read, figures valid', () => {
    const from = lastRow();
    const cells = (r: number) =>
      Array.from({ length: 16_384 }, (_, c) => `<c r="${columnLetters(c + 1)}${r}" s="1"/>`).join('');
    const rows = Array.from({ length: 100 }, (_, i) => `<row r="${from + i}">${cells(from + i)}</row>`).join('');
    const m = validateMeasured(
      rawWorkbook({ parts: { 'xl/worksheets/sheet2.xml': figuresSheetXml({ moreRows: rows }) } }),
      'het-cot.xlsx',
    );
    expect(m.json.errors).toEqual([]);
    expect(m.seconds).toBeLessThan(MAX_SECONDS);
    expect(m.rssMb).toBeLessThan(MAX_RSS_MB);
  });

  it('millions of empty cells without addresses (positional): refused as too large, within bounds', () => {
    const from = lastRow();
    const rows = Array.from({ length: 100 }, (_, i) => `<row r="${from + i}">${'<c s="1"/>'.repeat(16_384)}</row>`)
      .join('')
      .repeat(2);
    const m = validateMeasured(
      rawWorkbook({ parts: { 'xl/worksheets/sheet2.xml': figuresSheetXml({ moreRows: rows }) } }),
      'o-khong-dia-chi.xlsx',
    );
    expect(m.json.errors.map((e) => e.rule)).toEqual(['file-too-large']);
    expect(m.json.errors[0]!.message).toContain('phần tử');
    expect(m.seconds).toBeLessThan(MAX_SECONDS);
    expect(m.rssMb).toBeLessThan(MAX_RSS_MB);
  });

  it('values in every one of 16.384 columns on 20 rows: refused as too many cells, within bounds', () => {
    const from = lastRow();
    const rows = Array.from(
      { length: 20 },
      (_, i) =>
        `<row r="${from + i}">${Array.from({ length: 16_384 }, (_, c) => `<c r="${columnLetters(c + 1)}${from + i}"><v>1</v></c>`).join('')}</row>`,
    ).join('');
    const m = validateMeasured(
      rawWorkbook({ parts: { 'xl/worksheets/sheet2.xml': figuresSheetXml({ moreRows: rows }) } }),
      'day-o.xlsx',
    );
    expect(m.json.errors.map((e) => e.rule)).toEqual(['file-too-large']);
    expect(m.json.errors[0]!.message).toContain('ô chứa dữ liệu');
    expect(m.seconds).toBeLessThan(MAX_SECONDS);
    expect(m.rssMb).toBeLessThan(MAX_RSS_MB);
  });
});

function columnLetters(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
