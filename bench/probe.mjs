// One measured run in a fresh process: `consolidate` through the real CLI entry, or the bare exceljs floor.
// Prints one JSON line: { ms, maxRssMb }.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';

const [mode, dir, out, workers] = process.argv.slice(2);
const started = performance.now();
if (mode === 'floor') {
  // The floor: the same files read by a bare loop of exceljs readFile, one after the other, nothing else.
  for (const f of readdirSync(join(dir, 'files')).sort()) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'files', f));
  }
} else {
  const { main } = await import('../dist/cli/cli.js');
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
