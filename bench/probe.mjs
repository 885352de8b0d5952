// One measured run in a fresh process: `consolidate` through the real CLI entry (the bundle bin/bdg.js runs), or the
// bare exceljs floor. Prints one JSON line: { ms, maxRssMb }; bench.mjs times the whole process from spawn to exit,
// so loading exceljs counts for the floor as loading the CLI counts for consolidate.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const [mode, dir, out, workers] = process.argv.slice(2);
const started = performance.now();
const { default: ExcelJS } = mode === 'consolidate' ? { default: null } : await import('exceljs');
if (mode === 'reader') {
  // The reader alone against exceljs `load` alone, per file, in one warm process over bytes already in memory.
  await import('../dist/node/data-files.js');
  const { readSubmissionBytes } = await import('../dist/core/read/submission.js');
  const all = readdirSync(join(dir, 'files')).sort().map((f) => readFileSync(join(dir, 'files', f)));
  const time = async (fn) => {
    for (const b of all.slice(0, 20)) await fn(b); // warm-up
    const t = performance.now();
    for (const b of all) await fn(b);
    return (performance.now() - t) / all.length;
  };
  const exceljsMs = await time((b) => new ExcelJS.Workbook().xlsx.load(b));
  const readerMs = await time((b) => readSubmissionBytes(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), 'x.xlsx'));
  console.log(JSON.stringify({ readerMs, exceljsMs, bytes: Math.round(all.reduce((n, b) => n + b.length, 0) / all.length) }));
  process.exit(0);
}
if (mode === 'floor') {
  // The floor: the same files read by a bare loop of exceljs readFile, one after the other, nothing else.
  for (const f of readdirSync(join(dir, 'files')).sort()) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'files', f));
  }
  console.log(JSON.stringify({ ms: performance.now() - started, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
} else {
  // Exactly what `bdg consolidate` runs: bin/bdg.js, as a person starts it.
  rmSync(out, { recursive: true, force: true });
  process.argv = [process.argv[0], join(here, '../bin/bdg.js'), 'consolidate', join(dir, 'files'), '--units', join(dir, 'units.csv'), '--out', out, '--workers', workers];
  process.on('exit', (status) => {
    if (status > 1) return;
    console.log(JSON.stringify({ ms: performance.now() - started, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  });
  // The line is printed once the process ends, after the CLI's own output.
  await import('../bin/bdg.js');
}
