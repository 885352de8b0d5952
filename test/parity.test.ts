import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INFO_FIELDS } from '../src/core/form/layout.js';
import { readSubmissionBytes, type ReadResult } from '../src/core/read/submission.js';
import { ROOT } from './helpers/cli.js';

/**
 * The reader of our own against what the exceljs reader made of every workbook in fixtures/
 * (test/parity/old-reader.json, written by scripts/dump-submissions.mjs before that reader was removed).
 * Where the old reading was wrong or worse, the difference is listed here with the reason.
 */
const OLD = JSON.parse(readFileSync(join(ROOT, 'test/parity/old-reader.json'), 'utf8')) as Record<string, unknown>;

/** Files whose issue message changed on purpose; everything else (rules, cells, figures, info, words) is identical. */
const MESSAGE_CHANGED: Record<string, RegExp> = {
  // exceljs's parser position ("2:23258") told a person nothing; the new message names the broken part.
  'fixtures/broken/xml-hong.xlsx': /phần "xl\/worksheets\/sheet2\.xml" bị hỏng/,
  // The nesting is refused as soon as it passes the limit, without first counting all 200.002 levels.
  'fixtures/broken/xml-long-sau.xlsx': /lồng nhau quá sâu \(hơn 100 cấp/,
  // The lie is caught at the first chunk that outgrows the declared size, so the message says that instead of "200 MB".
  'fixtures/broken/zip-bom-khai-gian.xlsx':
    /phần "xl\/worksheets\/sheet2\.xml" lớn hơn kích thước ghi trong tệp \(4\.096 byte\)/,
};

function* workbooks(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* workbooks(p);
    else if (/\.(xlsx|xls|ods)$/i.test(name)) yield p;
  }
}

// Rows written only on a summary or on the province's own submission (issue 20) came after the dump.
const SUMMARY_ONLY = new Set(INFO_FIELDS.filter((f) => f.summaryOnly || f.ownOnly).map((f) => f.key as string));
const withoutEmptySummaryRows = (info: object) =>
  Object.fromEntries(Object.entries(info).filter(([k, v]) => v !== null || !SUMMARY_ONLY.has(k)));

function plain(read: ReadResult) {
  const s = read.submission;
  return JSON.parse(
    JSON.stringify({
      catalogue: read.catalogue?.version ?? null,
      issues: read.issues.map(({ rule, severity, sheet, cell, indicator, value, message }) => ({
        rule,
        severity,
        sheet,
        cell,
        indicator,
        value,
        message,
      })),
      // The summary-only rows (issue 10's coverage and run id) came after the dump: absent in a unit's file.
      submission: s && {
        info: withoutEmptySummaryRows(s.info),
        infoRefs: s.infoRefs,
        rows: Object.fromEntries(s.rows),
        narrative: s.narrative,
      },
    }),
  );
}

describe('parity with the exceljs reader on every workbook of fixtures/', () => {
  const files = [...workbooks(join(ROOT, 'fixtures'))].map((p) => relative(ROOT, p));
  it('the dump covers exactly the workbooks in fixtures/', () => {
    expect(files.sort()).toEqual(Object.keys(OLD).sort());
  });
  for (const file of files)
    it(file, async () => {
      const now = plain(await readSubmissionBytes(new Uint8Array(readFileSync(join(ROOT, file))), file));
      const before = OLD[file] as typeof now;
      const changed = MESSAGE_CHANGED[file];
      if (changed) {
        expect(now.issues.map((i: { message: string }) => i.message).join('\n')).toMatch(changed);
        const strip = (x: typeof now) => ({ ...x, issues: x.issues.map((i: object) => ({ ...i, message: '' })) });
        expect(strip(now)).toEqual(strip(before));
      } else expect(now).toEqual(before);
    });
});
