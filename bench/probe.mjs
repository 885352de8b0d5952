// One measured run in a fresh process: `consolidate` through the real CLI entry (the bundle bin/bdg.js runs), or the
// bare exceljs floor. Prints one JSON line: { ms, maxRssMb }; bench.mjs times the whole process from spawn to exit,
// so loading exceljs counts for the floor as loading the CLI counts for consolidate.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Files each contender reads untimed before the per-file measure. */
const WARM_UP_FILES = 300;

const [mode, dir, out, workers] = process.argv.slice(2);
const started = performance.now();
const { default: ExcelJS } = mode === 'consolidate' || mode === 'sheetjs' ? { default: null } : await import('exceljs');
if (mode === 'reader') {
  // The reader alone against SheetJS, exceljs `load` and the floor, per file, in one warm process over bytes already
  // in memory. The contenders take turns file by file (the order rotating), so a slow phase of a shared machine
  // falls on all of them alike.
  await import('../dist/node/package-data-files.js');
  await import('../dist/node/native-inflate.js'); // as the CLI's reading threads do (src/node/check-path.ts)
  const { readSubmissionBytes } = await import('../dist/core/read/submission.js');
  const { SHEET } = await import('../dist/core/form/layout.js');
  const XLSX = await import('xlsx');
  const { unzipSync } = await import('fflate');
  const all = readdirSync(join(dir, 'files'))
    .sort()
    .map((f) => readFileSync(join(dir, 'files', f)));
  const two = [SHEET.info, SHEET.data];
  const utf8 = new TextDecoder();
  // The floor: fflate unzips the parts bdg needs (the package's and workbook's relationships, the workbook, shared
  // strings, styles, the form's sheets) and decodes them to text; no parsing. Which parts is found once, untimed.
  const partsOf = (b) => {
    const names = unzipSync(b, {
      filter: (f) => /^(_rels\/\.rels|xl\/workbook\.xml|xl\/_rels\/workbook\.xml\.rels)$/.test(f.name),
    });
    const rels = utf8.decode(names['xl/_rels/workbook.xml.rels']);
    const wb = utf8.decode(names['xl/workbook.xml']);
    const target = (id) => new RegExp(`Id="${id}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="${id}"`).exec(rels);
    const wanted = new Set(['_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels']);
    for (const m of rels.matchAll(/Target="([^"]+)"/g))
      if (/(sharedStrings|styles)\.xml$/.test(m[1])) wanted.add(`xl/${m[1]}`);
    for (const m of wb.matchAll(/<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"/g)) {
      if (![SHEET.info, SHEET.data, SHEET.narrative].includes(m[1])) continue;
      const t = target(m[2]);
      if (t) wanted.add(`xl/${t[1] ?? t[2]}`);
    }
    return wanted;
  };
  const parts = all.map(partsOf);
  let sink = 0;
  const contenders = {
    bdg: (b) => readSubmissionBytes(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), 'x.xlsx'),
    sheetjs: (b) => XLSX.read(b, { type: 'buffer', dense: true, sheets: two }),
    floor: (b, i) => {
      const files = unzipSync(b, { filter: (f) => parts[i].has(f.name) });
      for (const k in files) sink += utf8.decode(files[k]).length;
    },
    exceljs: (b) => new ExcelJS.Workbook().xlsx.load(b),
  };
  const names = Object.keys(contenders).filter((n) => n !== 'exceljs' || workers !== 'no-exceljs');
  const total = Object.fromEntries(names.map((n) => [n, 0]));
  // Warm-up, untimed: each contender reads up to 300 files first, so that what is timed is each one's steady cost per
  // file (the JIT's warm-up is a fixed cost, paid in the end-to-end runs that bench.mjs times as whole processes).
  const warm = Math.min(WARM_UP_FILES, all.length);
  for (let i = 0; i < warm; i++) for (const n of names) await contenders[n](all[i], i);
  for (let i = 0; i < all.length; i++) {
    for (let k = 0; k < names.length; k++) {
      const n = names[(i + k) % names.length];
      const t = performance.now();
      await contenders[n](all[i], i);
      total[n] += performance.now() - t;
    }
  }
  const per = (n) => (n in total ? total[n] / all.length : null);
  console.log(
    JSON.stringify({
      readerMs: per('bdg'),
      sheetjsMs: per('sheetjs'),
      floorMs: per('floor'),
      exceljsMs: per('exceljs'),
      sink,
      bytes: Math.round(all.reduce((n, b) => n + b.length, 0) / all.length),
    }),
  );
  process.exit(0);
}
if (mode === 'sheetjs') {
  // A bare single-thread SheetJS loop: each file read from disk and parsed (dense, the form's two sheets).
  const XLSX = await import('xlsx');
  const { SHEET } = await import('../dist/core/form/layout.js');
  for (const f of readdirSync(join(dir, 'files')).sort())
    XLSX.read(readFileSync(join(dir, 'files', f)), { type: 'buffer', dense: true, sheets: [SHEET.info, SHEET.data] });
  console.log(JSON.stringify({ ms: performance.now() - started, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
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
  process.argv = [
    process.argv[0],
    join(here, '../bin/bdg.js'),
    'consolidate',
    join(dir, 'files'),
    '--units',
    join(dir, 'units.csv'),
    '--out',
    out,
    '--workers',
    workers,
  ];
  process.on('exit', (status) => {
    if (status > 1) return;
    const use = process.resourceUsage();
    const cpuMs = (use.userCPUTime + use.systemCPUTime) / 1000;
    console.log(JSON.stringify({ ms: performance.now() - started, cpuMs, maxRssMb: use.maxRSS / 1024 }));
  });
  // The line is printed once the process ends, after the CLI's own output.
  await import('../bin/bdg.js');
}
