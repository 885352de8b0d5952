// The data-entry form's core (src/core/form/entry.ts): what is typed is read by the reader and checked by the rules
// of `bdg validate`, and the workbook saved from it (src/core/write/entry-workbook.ts, the template's writer) is read
// by `bdg validate` with the same findings, rule by rule and cell by cell.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../src/core/catalogue/catalogue.js';
import { checkDraft, draftOfSubmission, emptyDraft, tidyTyped, type EntryDraft } from '../src/core/form/entry.js';
import type { Issue } from '../src/core/model.js';
import { readSubmissionBytes } from '../src/core/read/submission.js';
import { builtinUnits, editionForPeriod } from '../src/core/units/builtin.js';
import { yearPeriod } from '../src/core/util/period.js';
import { draftWorkbook } from '../src/core/write/entry-workbook.js';
import { installDataFiles } from '../src/core/data-files.js';
import { buildSubmissionWorkbook } from '../src/core/write/submission-workbook.js';
import { packageDataFiles } from '../src/node/package-data-files.js';
import { bdg, ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/workbooks.js';

const catalogue = loadCatalogue('BDG-2024.1');
const units = builtinUnits(editionForPeriod(yearPeriod(2026)));
const EA_KAO = { code: '24169', name: 'Phường Ea Kao' };

function draft(figures: EntryDraft['figures'], info: EntryDraft['info'] = { preparedOn: '15/12/2026' }): EntryDraft {
  return { ...emptyDraft(EA_KAO, '2026', catalogue.version), figures, info };
}

const found = (issues: Issue[]) => issues.map((i) => `${i.rule} ${i.sheet ?? ''}!${i.cell ?? ''}`);

async function savedAndValidated(d: EntryDraft, name: string) {
  const path = join(tempDir('bdg-entry-core-'), name);
  writeFileSync(path, new Uint8Array(await draftWorkbook(d, catalogue).xlsx.writeBuffer()));
  const run = bdg(['validate', path, '--json']);
  return { path, json: JSON.parse(run.stdout) as { valid: boolean; errors: Issue[]; warnings: Issue[] } };
}

describe('the entry form read and checked by the core', () => {
  it('reads figures typed the Vietnamese way, and empty stays no data', () => {
    const c = checkDraft(
      draft({
        'BDG.05': { total: '12' },
        'BDG.06': { total: '1.234', nu: '700', dtts: '' },
        'BDG.26': { total: '1.643,5' },
      }),
      catalogue,
      'x.xlsx',
      { units },
    );
    expect(c.errors).toEqual([]);
    expect(c.figures!['BDG.06']).toEqual({ total: 1234, nu: 700, dtts: null });
    expect(c.figures!['BDG.26']!.total).toBe(1643.5);
    expect(c.figures!['BDG.07']!.total).toBeNull();
  });

  it('tidies what was typed into the Vietnamese style, keeping every digit', () => {
    expect(tidyTyped('1234')).toBe('1.234');
    expect(tidyTyped('1643,5')).toBe('1.643,5');
    expect(tidyTyped('1.643,125')).toBe('1.643,125');
    expect(tidyTyped(' - ')).toBe('');
    expect(tidyTyped('12.5')).toBe('12.5'); // ambiguous: left as typed, for the reader to say so
  });

  it('finds in the saved workbook exactly what it found in the form', { timeout: 60_000 }, async () => {
    const d = draft(
      {
        'BDG.02': { total: '4' },
        'BDG.03': { total: '9' }, // part above its whole
        'BDG.05': { total: '0' },
        'BDG.06': { total: '1.234', nu: '2.000', dtts: 'abc' }, // attendance without event; Nữ above; not a number
        'BDG.07': { total: '1,5', nu: '3' }, // fractional count; a figure in a greyed cell
        'BDG.09': { total: '1,234' }, // ambiguous
        'DA8.20': { total: '2.500.000' }, // money in đồng
      },
      { preparedOn: '31/02/2026', preparedBy: 'Nguyễn Thị Hoa' },
    );
    const onPage = checkDraft(d, catalogue, 'x.xlsx', { units });
    const { json } = await savedAndValidated(d, 'sai.xlsx');
    expect(found([...json.errors, ...json.warnings])).toEqual(found([...onPage.errors, ...onPage.warnings]));
    const rules = new Set(onPage.errors.map((i) => i.rule));
    for (const r of [
      'breakdown-exceeds-total',
      'attendance-without-event',
      'part-exceeds-whole',
      'value-not-number',
      'value-not-whole',
      'breakdown-not-applicable',
      'value-ambiguous',
      'money-in-dong',
    ])
      expect(rules, r).toContain(r);
    expect(onPage.warnings.map((i) => i.rule)).toContain('date-invalid');
    // The same words, but for the advice the page gives on the page.
    expect(json.errors.find((i) => i.rule === 'breakdown-exceeds-total')?.message).toBe(
      onPage.errors.find((i) => i.rule === 'breakdown-exceeds-total')?.message,
    );
  });

  it('says a blank form is no report, as validate does', async () => {
    const onPage = checkDraft(draft({}), catalogue, 'x.xlsx', { units });
    expect(found(onPage.errors)).toEqual([expect.stringMatching(/^no-figures Số liệu!/)]);
    const { json } = await savedAndValidated(draft({}), 'trong.xlsx');
    expect(found(json.errors)).toEqual(found(onPage.errors));
  });

  it('opens a saved file back into the same draft', async () => {
    const d = draft(
      { 'BDG.05': { total: '12' }, 'BDG.06': { total: '1.234', nu: '700' }, 'BDG.26': { total: '1.643,125' } },
      { preparedOn: '15/12/2026', head: 'Lê Văn A' },
    );
    d.notes = { 'BDG.06': 'Số liệu của Hội LHPN' };
    d.narrative = { highlights: 'Tổ chức 12 cuộc truyền thông.' };
    const { path } = await savedAndValidated(d, 'dung.xlsx');
    const read = await readSubmissionBytes(
      new Uint8Array(await import('node:fs').then((fs) => fs.readFileSync(path))),
      'dung.xlsx',
    );
    const opened = draftOfSubmission(read.submission!, read.catalogue!, catalogue.version, EA_KAO, '2026')!;
    expect(opened.notCarried).toEqual([]);
    expect(opened.draft.figures).toEqual({
      'BDG.05': { total: '12' },
      'BDG.06': { total: '1.234', nu: '700' },
      'BDG.26': { total: '1.643,125' },
    });
    expect(opened.draft.info).toEqual({ preparedOn: '15/12/2026', head: 'Lê Văn A' });
    expect(opened.draft.notes).toEqual(d.notes);
    expect(opened.draft.narrative).toEqual(d.narrative);
  });
});

describe('a file of an older edition opened into the form', () => {
  afterAll(() => installDataFiles(packageDataFiles(undefined)));

  it('goes through the crosswalk, and names what could not be carried over', async () => {
    // The fixture edition of test/editions.test.ts: DA8.06 moved to DA8.31, BDG.07 retired, BDG.30 split.
    installDataFiles(packageDataFiles(join(ROOT, 'test/fixtures/editions')));
    const old = loadCatalogue('BDG-2024.1');
    const figures = { 'BDG.05': { total: 12 }, 'DA8.06': { total: 7 }, 'BDG.07': { total: 3 } };
    const wb = buildSubmissionWorkbook({ catalogue: old, unit: EA_KAO, period: yearPeriod(2026), figures });
    const read = await readSubmissionBytes(new Uint8Array(await wb.xlsx.writeBuffer()), 'cu.xlsx');
    expect(read.catalogue!.version).toBe('BDG-2024.1');
    const opened = draftOfSubmission(read.submission!, read.catalogue!, 'TEST-2026.1', EA_KAO, '2026-H1')!;
    expect(opened.convertedFrom).toBe('BDG-2024.1');
    expect(opened.notCarried).toEqual(['BDG.07']);
    expect(opened.draft.edition).toBe('TEST-2026.1');
    expect(opened.draft.figures).toEqual({ 'BDG.05': { total: '12' }, 'DA8.31': { total: '7' } });
  });
});
