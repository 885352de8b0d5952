import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { rng } from './helpers/plausible-figures.mjs';
import { checkFile } from '../src/node/check-path.js';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/workbooks.js';

const VALID = readFileSync(join(ROOT, 'fixtures/dak-lak/nop-bao-cao-2024/643-thanh-pho-buon-ma-thuot.xlsx'));
const PER_FILE_MS = 10_000;

/** The reader's contract under any damage: a result (valid, or errors each with a rule and a message), in time. */
async function expectContained(path: string, what: string) {
  const started = Date.now();
  const c = await checkFile(path);
  expect(Date.now() - started, what).toBeLessThan(PER_FILE_MS);
  if (!c.valid) {
    expect(c.errors.length, what).toBeGreaterThan(0);
    for (const e of c.errors) {
      expect(e.rule, what).toMatch(/^[a-z]+(-[a-z0-9]+)+$/);
      expect(e.message.length, what).toBeGreaterThan(10);
    }
  }
  return c;
}

describe('fuzzing the reader with damaged copies of a valid workbook', () => {
  const dir = tempDir('bdg-fuzz-');
  const r = rng(20241222);
  const int = (n: number) => Math.floor(r() * n);

  it('random byte flips', async () => {
    for (let i = 0; i < 60; i++) {
      const buf = Buffer.from(VALID);
      const flips = 1 + int(20);
      for (let k = 0; k < flips; k++) buf[int(buf.length)] = int(256);
      const path = join(dir, `flip-${i}.xlsx`);
      writeFileSync(path, buf);
      await expectContained(path, `flip-${i}`);
    }
  });

  it('truncations', async () => {
    for (let i = 0; i < 30; i++) {
      const path = join(dir, `cut-${i}.xlsx`);
      writeFileSync(path, VALID.subarray(0, int(VALID.length)));
      const c = await expectContained(path, `cut-${i}`);
      expect(c.valid).toBe(false);
    }
  });

  it('cell values swapped, replaced by text, or the sheet XML cut short', async () => {
    const zip = await JSZip.loadAsync(VALID);
    const sheet = await zip.file('xl/worksheets/sheet2.xml')!.async('string');
    const values = [...sheet.matchAll(/<v>[^<]*<\/v>/g)].map((m) => m[0]);
    for (let i = 0; i < 40; i++) {
      let xml = sheet;
      const a = values[int(values.length)]!;
      const b = values[int(values.length)]!;
      switch (i % 4) {
        case 0:
          xml = xml.replace(a, '\u0000').replace(b, a).replace('\u0000', b);
          break;
        case 1:
          xml = xml.replace(a, `<v>${['-1', '1e308', 'NaN', '12.5', '', 'x'][int(6)]}</v>`);
          break;
        case 2:
          xml = xml.slice(0, int(xml.length));
          break;
        default:
          xml = xml.replace(/<c r="E(\d+)"/, `<c r="E$1" t="${['s', 'b', 'e', 'str', 'inlineStr', 'n'][int(6)]}"`);
      }
      zip.file('xl/worksheets/sheet2.xml', xml);
      const path = join(dir, `cell-${i}.xlsx`);
      writeFileSync(path, await zip.generateAsync({ type: 'nodebuffer' }));
      await expectContained(path, `cell-${i}`);
    }
  });
});
