/**
 * Writes what the reader makes of every workbook under fixtures/ to test/parity/<name>.json, so that a new reader
 * can be held to the old one's results (test/parity.test.ts). Usage: npm run build && node scripts/dump-submissions.mjs [name]
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import '../dist/node/package-data-files.js';
import { readSubmissionBytes } from '../dist/core/read/submission.js';

const root = join(import.meta.dirname, '..');
const out = process.argv[2] ?? 'old-reader';

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(xlsx|xls|ods)$/i.test(name)) yield p;
  }
}

/** A reading as plain JSON: the submission's every field, and the issues (rule, place, value, message). */
export function plain(read) {
  const s = read.submission;
  return {
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
    submission: s && {
      info: s.info,
      infoRefs: s.infoRefs,
      rows: Object.fromEntries([...s.rows].map(([code, row]) => [code, row])),
      narrative: s.narrative,
    },
  };
}

const result = {};
for (const p of walk(join(root, 'fixtures'))) {
  const rel = relative(root, p);
  result[rel] = plain(await readSubmissionBytes(new Uint8Array(readFileSync(p)), p));
}
writeFileSync(join(root, 'test/parity', `${out}.json`), JSON.stringify(result, null, 1) + '\n');
console.log(`${Object.keys(result).length} files → test/parity/${out}.json`);
