// The template flags a mistake while it is typed: conditional formats generated from the edition's rules
// (src/core/write/typing-checks.ts). Proved by rendering a filled template with LibreOffice: the wrong cell is red,
// the right one is not, and the note beside the row says why.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../src/core/catalogue/catalogue.js';
import type { Figures } from '../src/core/model.js';
import { yearPeriod } from '../src/core/util/period.js';
import { buildSubmissionWorkbook } from '../src/core/write/submission-workbook.js';
import { typingChecks } from '../src/core/write/typing-checks.js';
import { tempDir } from './helpers/workbooks.js';

const hasRenderer =
  existsSync('/usr/bin/soffice') &&
  spawnSync('pdftoppm', ['-v']).status === 0 &&
  spawnSync('pdftotext', ['-v']).status === 0;
/** Functions Excel, LibreOffice Calc and WPS Spreadsheets all evaluate. */
const PORTABLE = new Set(['AND', 'OR', 'NOT', 'ISNUMBER', 'INT', 'ABS', 'N', 'IF']);

async function filled(figures: Figures): Promise<Uint8Array> {
  const wb = buildSubmissionWorkbook({
    catalogue: loadCatalogue('BDG-2024.1'),
    unit: { code: '24169', name: 'Phường Ea Kao' },
    period: yearPeriod(2026),
    figures,
  });
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

interface Word {
  page: number;
  text: string;
  x: number;
  y: number;
}

/** Every word of a PDF with its page and the middle of its left edge, in points. */
function words(pdf: string): Word[] {
  const html = execFileSync('pdftotext', ['-bbox', pdf, '-']).toString();
  const out: Word[] = [];
  let page = 0;
  for (const m of html.matchAll(
    /<page |<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<\/word>/g,
  )) {
    if (m[0].startsWith('<page')) page++;
    else out.push({ page, text: m[4]!, x: Number(m[1]), y: (Number(m[2]) + Number(m[3])) / 2 });
  }
  return out;
}

/** The colour a page shows at a point (rendered at 72 dpi: one pixel a point), from pdftoppm's PPM. */
function colourAt(pdf: string, page: number, x: number, y: number): [number, number, number] {
  const ppm = execFileSync('pdftoppm', [
    '-r',
    '72',
    '-f',
    String(page),
    '-l',
    String(page),
    '-x',
    String(Math.round(x)),
    '-y',
    String(Math.round(y)),
    '-W',
    '1',
    '-H',
    '1',
    pdf,
  ]);
  // "P6\n1 1\n255\n" then three bytes.
  const data = ppm.subarray(ppm.length - 3);
  return [data[0]!, data[1]!, data[2]!];
}

const isRed = ([r, g, b]: [number, number, number]) => r > 200 && g < 190 && b < 190;

describe('the template’s checks while typing', () => {
  it('are generated from the edition and use only functions every program evaluates', async () => {
    const catalogue = loadCatalogue('BDG-2024.1');
    const xml = strFromU8(unzipSync(await filled({}))['xl/worksheets/sheet2.xml']!);
    const formulas = [...xml.matchAll(/<formula>([^<]*)<\/formula>/g)].map((m) => m[1]!);
    // One format per figure cell that can be wrong: every open cell has at least the negative-number check.
    const open = catalogue.indicators.reduce((n, ind) => n + 1 + ind.breakdowns.length, 0);
    expect(formulas.length).toBe(open);
    const used = new Set(formulas.flatMap((f) => [...f.matchAll(/([A-Z][A-Z.]*)\(/g)].map((m) => m[1]!)));
    expect([...used].filter((f) => !PORTABLE.has(f))).toEqual([]);
    // Every cross-indicator error rule the sheet can judge is there (the commune count needs the unit list).
    const checks = typingChecks(catalogue, {
      columns: { total: 'E', nu: 'F', dtts: 'G' },
      rowOf: new Map(catalogue.indicators.map((ind, i) => [ind.code, i + 6])),
    });
    const judged = catalogue.rules.filter(
      (r) => r.severity === 'error' && [...r.left, ...r.right].every((t) => 'code' in t),
    );
    for (const rule of judged)
      expect(
        checks.some((c) => c.note.startsWith(`${rule.at.code} `)),
        rule.rule,
      ).toBe(true);
    // The data validations stay.
    expect(xml).toContain('<dataValidation type="whole"');
  });

  it.skipIf(!hasRenderer)(
    'show in LibreOffice: the wrong cell red with its note, the right one not',
    { timeout: 180_000 },
    async () => {
      const dir = tempDir('bdg-typing-');
      const xlsx = join(dir, 'nhap.xlsx');
      writeFileSync(
        xlsx,
        await filled({
          'BDG.02': { total: 404 },
          'BDG.03': { total: 419 }, // part above its whole
          'BDG.05': { total: 31 },
          'BDG.06': { total: 701, nu: 743, dtts: 209 }, // Nữ above Tổng số; DTTS right
          'BDG.08': { total: 0 },
          'BDG.09': { total: 557, nu: 311 }, // attendance without a class
          'DA8.20': { total: 2_500_000 }, // money typed in đồng
          'DA8.21': { total: 1_234 },
        }),
      );
      const run = spawnSync('soffice', ['--headless', '--convert-to', 'pdf', '--outdir', dir, xlsx], {
        timeout: 150_000,
      });
      expect(run.status, run.stderr?.toString()).toBe(0);
      const pdf = join(dir, 'nhap.pdf');
      const all = words(pdf);
      const at = (digits: string) => {
        // LibreOffice prints in its own locale here ("2,500,000.0"): compared as numbers.
        const found = all.filter((w) => Number(w.text.replace(/,/g, '')) === Number(digits));
        expect(found, digits).toHaveLength(1);
        const w = found[0]!;
        return colourAt(pdf, w.page, w.x - 4, w.y);
      };
      for (const wrong of ['743', '419', '557', '2500000']) expect(isRed(at(wrong)), wrong).toBe(true);
      for (const right of ['701', '209', '404', '311', '1234']) expect(isRed(at(right)), right).toBe(false);
      const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
      expect(text).toContain('BDG.06 Nữ: Số Nữ hoặc DTTS lớn hơn Tổng số');
      expect(text).toContain('DA8.20 Tổng số: Kinh phí từ 1.000.000 triệu đồng');
      expect(text).not.toMatch(/BDG\.06 DTTS:/);
    },
  );
});
