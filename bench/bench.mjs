// @ts-check
/**
 * `npm run bench`: consolidation at province and national scale (issue: national scale). Generates the sets once
 * (bench/cache/), then measures in fresh processes, several repetitions each:
 *  - per file, over bytes in memory, the contenders taking turns: bdg's reader, SheetJS (`xlsx`, dense, only the
 *    form's two sheets), exceljs `load`, and the floor (fflate unzip of the parts bdg needs + decoding them to text);
 *  - whole processes: a bare exceljs readFile loop and a bare SheetJS read loop over the same files;
 *  - `bdg consolidate` end to end (read, validate, roll up, summary workbook, JSON, DOCX) with `--workers 1` and
 *    `--workers 2` (at most that many reading threads: one per 500 files): wall time, time per file, peak RSS;
 *  - writing the DOCX alone from the roll-up.
 *  - the DOCX alone for a roll-up with 300 and with 3.321 units straight under the root (bench/docx-probe.mjs,
 *    fresh processes): wall time, CPU time, peak RSS.
 *  - the set `hostile` (issue 18): `bdg consolidate` over 20 commune files and one of ~22 MB with 108 errors and
 *    8 million styled empty cells, whose marked copy goes to tra-lai/: wall time and peak RSS (target: 10 s, 500 MB).
 *  - the curve (issue 24): `bdg consolidate --workers 2` over the first N files of the national set (its unit list cut
 *    to them, see ensureNationalFirst): wall time and peak RSS per N, to see the cost grow linearly with the files.
 *  - the page (bench/page.mjs): the "Tổng hợp" tab of dist/bdg.html in Chromium over a set, from choosing the files
 *    to the three download links, in a fresh page (cold) then again (warm).
 * Prints a table and writes bench/results.json. Options: --sets province-15,province-184,national-3321 (or none)
 * --docx 300,3321 (or none) --reps 3 --hostile 1 (0: not measured) --curve 300,1000,2000,3321 (or none)
 * --page province-184 (or none) --conversion 1 (0: not measured; the pair of sets commune-300-2026 and
 * commune-300-from-2024: what converting the 2024 form costs)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../dist/node/package-data-files.js';
import { renderReport } from '../dist/core/write/report/index.js';
import { EMPTY_CONFIG } from '../dist/core/config.js';
import { ensureNationalFirst, ensureSet, plan } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const sets = opt('sets', 'commune-300,province-15,province-184,national-3321')
  .split(',')
  .filter((s) => s && s !== 'none');
const docxSizes = opt('docx', '300,3321')
  .split(',')
  .filter((s) => s && s !== 'none')
  .map(Number);
const reps = Number(opt('reps', '3'));
const curveSizes = opt('curve', '300,1000,2000,3321')
  .split(',')
  .filter((s) => s && s !== 'none')
  .map(Number);
const pageSet = opt('page', 'province-184');
const cache = join(here, 'cache');
mkdirSync(cache, { recursive: true });

/** One fresh process; `ms` is its whole life, from spawn to exit (Node's start and the modules' loading included). */
function probe(mode, dir, out, workers = '1') {
  const started = performance.now();
  let line;
  try {
    line = execFileSync(process.execPath, [join(here, 'probe.mjs'), mode, dir, out, workers], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 1 << 26,
    });
  } catch (err) {
    // Exit 1: some file was rejected (the hostile set's is, by design); the run itself went through.
    if (err.status !== 1 || !err.stdout) throw err;
    line = err.stdout;
  }
  const ms = performance.now() - started;
  const result = JSON.parse(line.trim().split('\n').pop());
  return mode === 'reader' ? result : { ...result, ms };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
for (const name of sets) {
  if (name === 'hostile') continue;
  const files = plan(name).files.length;
  process.stderr.write(`Chuẩn bị ${name} (${files} tệp)…\n`);
  const dir = await ensureSet(cache, name, (m) => process.stderr.write(`${m}\n`));
  const out = join(cache, `${name}-out`);
  const loadBefore = os.loadavg()[0];
  const runs = { floor: [], sheetjs: [], w1: [], w2: [], docx: [], reader: [] };
  for (let r = 0; r < reps; r++) {
    process.stderr.write(`  ${name}: lần ${r + 1}/${reps}\n`);
    runs.reader.push(probe('reader', dir, out));
    runs.floor.push(probe('floor', dir, out));
    runs.sheetjs.push(probe('sheetjs', dir, out));
    runs.w1.push(probe('consolidate', dir, out, '1'));
    runs.w2.push(probe('consolidate', dir, out, '2'));
  }
  const rollupFile = join(out, `tong-hop-${plan(name).units[1][0]}-2025.json`);
  const rollup = JSON.parse(readFileSync(rollupFile, 'utf8'));
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    await renderReport(rollup, EMPTY_CONFIG);
    runs.docx.push(performance.now() - t);
  }
  const floor = median(runs.floor.map((x) => x.ms));
  const w1 = median(runs.w1.map((x) => x.ms));
  const w2 = median(runs.w2.map((x) => x.ms));
  const sheetjsLoop = median(runs.sheetjs.map((x) => x.ms));
  const perFile = (key) => median(runs.reader.map((x) => x[key]));
  // A ratio of the reader to another contender is taken within each process, where the two took turns file by file
  // (a slow phase of the shared machine falls on both), then the median of the processes': medians of each
  // contender taken apart may pair one process's slow phase with another's quiet one.
  const ratioRuns = (key) => runs.reader.map((x) => x.readerMs / x[key]);
  const ratio = (key) => +median(ratioRuns(key)).toFixed(2);
  results.push({
    set: name,
    files,
    /** The machine's 1-minute load average before and after the set (2 vCPU shared: above 2 means waiting). */
    load: [+loadBefore.toFixed(1), +os.loadavg()[0].toFixed(1)],
    repetitions: reps,
    floorMs: Math.round(floor),
    consolidate1WorkerMs: Math.round(w1),
    consolidate2WorkersMs: Math.round(w2),
    msPerFile2Workers: +(w2 / files).toFixed(2),
    peakRssMb2Workers: Math.round(Math.max(...runs.w2.map((x) => x.maxRssMb))),
    peakRssMb1Worker: Math.round(Math.max(...runs.w1.map((x) => x.maxRssMb))),
    overhead1WorkerVsFloor: +(w1 / floor).toFixed(2),
    speedup2Workers: +(w1 / w2).toFixed(2),
    docxMs: Math.round(median(runs.docx)),
    bytesPerFile: runs.reader[0].bytes,
    readerMsPerFile: +median(runs.reader.map((x) => x.readerMs)).toFixed(2),
    exceljsLoadMsPerFile: +median(runs.reader.map((x) => x.exceljsMs)).toFixed(2),
    readerVsExceljsLoad: ratio('exceljsMs'),
    consolidate1WorkerVsFloor: +(w1 / floor).toFixed(2),
    consolidate2WorkersVsFloor: +(w2 / floor).toFixed(2),
    sheetjsMsPerFile: +perFile('sheetjsMs').toFixed(2),
    floorMsPerFile: +perFile('floorMs').toFixed(2),
    readerVsSheetjs: ratio('sheetjsMs'),
    readerVsFloor: ratio('floorMs'),
    sheetjsLoopMs: Math.round(sheetjsLoop),
    consolidate2WorkersVsSheetjsLoop: +(w2 / sheetjsLoop).toFixed(2),
    /** Per-file times of the reader in each repetition: how noisy the machine was. */
    readerMsPerFileRuns: runs.reader.map((x) => +x.readerMs.toFixed(2)),
    /** The reader ÷ the floor in each repetition (one process each). */
    readerVsFloorRuns: ratioRuns('floorMs').map((x) => +x.toFixed(2)),
    consolidate2WorkersRunsMs: runs.w2.map((x) => Math.round(x.ms)),
  });
}

// The report alone, its annex one row per unit: the province of 300 communes and the whole country under one root.
const docx = [];
for (const units of docxSizes) {
  process.stderr.write(`  DOCX ${units} đơn vị\n`);
  const runs = [];
  for (let r = 0; r < reps; r++) {
    const line = execFileSync(process.execPath, [join(here, 'docx-probe.mjs'), String(units)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    runs.push(JSON.parse(line.trim().split('\n').pop()));
  }
  docx.push({
    units,
    repetitions: reps,
    ms: Math.round(median(runs.map((x) => x.ms))),
    cpuMs: Math.round(median(runs.map((x) => x.cpuMs))),
    peakRssMb: Math.max(...runs.map((x) => x.maxRssMb)),
    bytes: runs[0].bytes,
  });
}

// The hostile set: consolidate end to end, its marked copy included (no floor: exceljs cannot open such a file in time).
const hostile = [];
if (Number(opt('hostile', '1')) > 0) {
  process.stderr.write('Chuẩn bị hostile…\n');
  const dir = await ensureSet(cache, 'hostile', (m) => process.stderr.write(`${m}\n`));
  const out = join(cache, 'hostile-out');
  const runs = [];
  for (let r = 0; r < reps; r++) {
    process.stderr.write(`  hostile: lần ${r + 1}/${reps}\n`);
    runs.push(probe('consolidate', dir, out, '2'));
  }
  const copy = join(out, 'tra-lai', '30020.xlsx');
  hostile.push({
    set: 'hostile',
    files: plan('hostile').files.length,
    hostileBytes: readFileSync(join(dir, 'files', '30020.xlsx')).length,
    repetitions: reps,
    consolidateMs: Math.round(median(runs.map((x) => x.ms))),
    peakRssMb: Math.round(Math.max(...runs.map((x) => x.maxRssMb))),
    copyBytes: (() => {
      try {
        return readFileSync(copy).length;
      } catch {
        return 0;
      }
    })(),
  });
}

// What converting costs (issue 19): the same 300 communes' year 2026 on the 2026 form and on the 2024 form (converted
// by the crosswalk), consolidated in turns; the ratio of their medians, wall time and CPU.
const conversion = [];
if (Number(opt('conversion', '1')) > 0) {
  const [native, converted] = ['commune-300-2026', 'commune-300-from-2024'];
  const dirs = [];
  for (const name of [native, converted])
    dirs.push(await ensureSet(cache, name, (m) => process.stderr.write(`${m}\n`)));
  const runs = [[], []];
  for (let r = 0; r < reps; r++) {
    process.stderr.write(`  chuyển biểu mẫu: lần ${r + 1}/${reps}\n`);
    dirs.forEach((dir, i) =>
      runs[i].push(probe('consolidate', dir, join(cache, `${[native, converted][i]}-out`), '2')),
    );
  }
  const [ms, cpuMs] = ['ms', 'cpuMs'].map((k) => runs.map((rs) => median(rs.map((x) => x[k]))));
  conversion.push({
    files: plan(native).files.length,
    repetitions: reps,
    nativeMs: Math.round(ms[0]),
    convertedMs: Math.round(ms[1]),
    nativeCpuMs: Math.round(cpuMs[0]),
    convertedCpuMs: Math.round(cpuMs[1]),
    convertedVsNative: +(ms[1] / ms[0]).toFixed(2),
    convertedVsNativeCpu: +(cpuMs[1] / cpuMs[0]).toFixed(2),
  });
}

// The curve: the first N files of the country, the same run each time.
const curve = [];
for (const n of curveSizes) {
  process.stderr.write(`Đường cong: ${n} tệp đầu của national-3321…\n`);
  const dir = n >= 3321 ? await ensureSet(cache, 'national-3321') : await ensureNationalFirst(cache, n);
  const out = join(cache, `national-first-${n}-out`);
  const loadBefore = os.loadavg()[0];
  const runs = [];
  for (let r = 0; r < reps; r++) runs.push(probe('consolidate', dir, out, '2'));
  const ms = median(runs.map((x) => x.ms));
  curve.push({
    files: Math.min(n, 3321),
    repetitions: reps,
    load: [+loadBefore.toFixed(1), +os.loadavg()[0].toFixed(1)],
    consolidate2WorkersMs: Math.round(ms),
    msPerFile: +(ms / Math.min(n, 3321)).toFixed(2),
    peakRssMb: Math.round(Math.max(...runs.map((x) => x.maxRssMb))),
    runsMs: runs.map((x) => Math.round(x.ms)),
  });
}

// The page, in Chromium: choosing a province's files to the download links.
const page = [];
if (pageSet !== 'none') {
  process.stderr.write(`Trang bdg.html: tổng hợp ${pageSet}…\n`);
  const loadBefore = os.loadavg()[0];
  const line = execFileSync(
    process.execPath,
    [join(here, 'page.mjs'), '--set', pageSet, '--reps', String(Math.max(2, reps))],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const run = JSON.parse(line.trim().split('\n').pop());
  page.push({
    ...run,
    load: [+loadBefore.toFixed(1), +os.loadavg()[0].toFixed(1)],
    coldMs: run.ms[0],
    warmMs: median(run.ms.slice(1)),
  });
}

const machine = {
  cpus: os.cpus().length,
  model: os.cpus()[0]?.model ?? '?',
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
};
// A run of only some measurements keeps the others' last figures.
const saved = (() => {
  try {
    return JSON.parse(readFileSync(join(here, 'results.json'), 'utf8'));
  } catch {
    return {};
  }
})();
const keep = {
  results: results.length ? results : (saved.results ?? []),
  docx: docx.length ? docx : (saved.docx ?? []),
  hostile: hostile.length ? hostile : (saved.hostile ?? []),
  conversion: conversion.length ? conversion : (saved.conversion ?? []),
  curve: curve.length ? curve : (saved.curve ?? []),
  page: page.length ? page : (saved.page ?? []),
};
writeFileSync(
  join(here, 'results.json'),
  `${JSON.stringify({ date: new Date().toISOString(), machine, ...keep }, null, 2)}\n`,
);
const header = [
  'tập',
  'tệp',
  'KB/tệp',
  'đọc ms/tệp',
  'SheetJS',
  'sàn',
  'exceljs',
  'đọc/SheetJS',
  'đọc/sàn',
  'đọc/exceljs',
  'vòng SheetJS',
  'vòng exceljs',
  '--workers 1',
  '--workers 2',
  'w2/SheetJS',
  'RSS đỉnh',
  'DOCX',
];
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
const rows = results.map((r) =>
  [
    r.set,
    r.files,
    (r.bytesPerFile / 1024).toFixed(1),
    r.readerMsPerFile,
    r.sheetjsMsPerFile,
    r.floorMsPerFile,
    r.exceljsLoadMsPerFile,
    `${r.readerVsSheetjs}×`,
    `${r.readerVsFloor}×`,
    `${r.readerVsExceljsLoad}×`,
    s(r.sheetjsLoopMs),
    s(r.floorMs),
    s(r.consolidate1WorkerMs),
    s(r.consolidate2WorkersMs),
    `${r.consolidate2WorkersVsSheetjsLoop}×`,
    `${r.peakRssMb2Workers} MB`,
    `${r.docxMs} ms`,
  ].map(String),
);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
console.log(`${machine.cpus} × ${machine.model}, ${machine.memoryGb} GB, Node ${machine.node}`);
console.log(line(header));
for (const r of rows) console.log(line(r));
for (const r of results)
  console.log(
    `${r.set}: tải máy ${r.load.join(' → ')}; đọc ms/tệp từng lần ${r.readerMsPerFileRuns.join(', ')} (÷ sàn ${r.readerVsFloorRuns.join(', ')}); --workers 2 từng lần ${r.consolidate2WorkersRunsMs.join(', ')} ms`,
  );
for (const d of docx)
  console.log(
    `DOCX ${d.units} đơn vị: ${d.ms} ms (CPU ${d.cpuMs} ms), RSS đỉnh ${d.peakRssMb} MB, ${Math.round(d.bytes / 1024)} KB`,
  );
for (const x of hostile)
  console.log(
    `hostile (${x.files} tệp, một tệp ${(x.hostileBytes / 2 ** 20).toFixed(1)} MB): consolidate ${(x.consolidateMs / 1000).toFixed(1)} s, RSS đỉnh ${x.peakRssMb} MB, bản đánh dấu ${x.copyBytes ? `${(x.copyBytes / 2 ** 20).toFixed(1)} MB` : 'không có'}`,
  );
for (const c of conversion)
  console.log(
    `chuyển biểu mẫu (${c.files} tệp năm 2026, --workers 2): biểu mẫu 2026 ${s(c.nativeMs)} (CPU ${s(c.nativeCpuMs)}), biểu mẫu 2024 được chuyển ${s(c.convertedMs)} (CPU ${s(c.convertedCpuMs)}): ${c.convertedVsNative}× (CPU ${c.convertedVsNativeCpu}×)`,
  );
const sec = (ms) => `${(ms / 1000).toFixed(1).replace('.', ',')} s`;
for (const c of curve)
  console.log(
    `đường cong, ${c.files} tệp đầu của national-3321, --workers 2: ${sec(c.consolidate2WorkersMs)} (${String(c.msPerFile).replace('.', ',')} ms/tệp), RSS đỉnh ${c.peakRssMb} MB; tải máy ${c.load.join(' → ')}`,
  );
for (const p of page)
  console.log(
    `trang bdg.html, tổng hợp ${p.set} (${p.files} tệp), từ lúc chọn tệp đến các liên kết tải: lần đầu ${sec(p.coldMs)}, các lần sau ${sec(p.warmMs)}; tải máy ${p.load.join(' → ')}`,
  );
console.log(`Đã ghi ${resolve(here, 'results.json')}`);
