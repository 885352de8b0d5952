// One measured run in a fresh process: `consolidate` through the real CLI entry (the bundle bin/bdg.js runs), or the
// bare exceljs floor. Prints one JSON line: { ms, maxRssMb }; bench.mjs times the whole process from spawn to exit,
// so loading exceljs counts for the floor as loading the CLI counts for consolidate.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

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
} else {
  const { main } = await import('../dist/bundle/cli.js');
  rmSync(out, { recursive: true, force: true });
  const argv = [process.argv[0], 'bdg', 'consolidate', join(dir, 'files'), '--units', join(dir, 'units.csv'), '--out', out, '--workers', workers, '--json'];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true; // the JSON is not what is measured
  const status = await main(argv);
  process.stdout.write = write;
  if (status > 1) process.exit(status);
}
const ms = performance.now() - started;
console.log(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
