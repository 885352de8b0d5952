// @ts-check
// The DOCX alone, in a fresh process: a roll-up with N units straight under the root (a two-level province of
// 300 communes, or all 3.321 communes of the country under one root), figures from the seeded generator.
// Prints one JSON line: { units, ms, cpuMs, maxRssMb, bytes }. Usage: node bench/docx-probe.mjs 3321
import '../dist/node/package-data-files.js';
import { loadCatalogue, measuresOf } from '../dist/core/catalogue/catalogue.js';
import { EMPTY_CONFIG } from '../dist/core/config.js';
import { computeRatios } from '../dist/core/rollup/rollup.js';
import { plausibleFigures, rng } from '../test/helpers/plausible-figures.mjs';
import { renderReport } from '../dist/core/write/report/index.js';

const n = Number(process.argv[2] ?? 300);
// The edition of the year 2025 reported below: 2024's form (the newest edition would leave its figures empty).
const catalogue = loadCatalogue('BDG-2024.1');
const units = Array.from({ length: n }, (_, i) => ({
  code: String(10000 + i),
  name: `Xã Số ${i + 1}`,
  level: 'Xã',
  parent: '00',
  source: /** @type {const} */ ('file'),
  values: plausibleFigures(rng(7000 + i), 1),
}));
/** @type {Record<string, any>} */
const totals = {};
for (const ind of catalogue.indicators) {
  const t = { reported: n, expected: n };
  for (const m of measuresOf(ind))
    t[m] = Math.round(units.reduce((a, u) => a + (u.values[ind.code]?.[m] ?? 0), 0) * 1000) / 1000;
  totals[ind.code] = t;
}
const rollup = {
  root: { code: '00', name: 'Tỉnh Đo Lường' },
  period: '2025',
  periodLabel: 'Năm 2025',
  catalogueVersion: catalogue.version,
  generatedAt: '2026-01-10T00:00:00.000Z',
  completeness: { expected: n, received: n, missing: [], late: [] },
  files: [],
  totals,
  ratios: computeRatios(catalogue, totals, n, 2025),
  communes: n,
  units,
  narratives: [],
};
const cpu = process.cpuUsage();
const started = performance.now();
const bytes = await renderReport(/** @type {any} */ (rollup), EMPTY_CONFIG);
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
// CPU time too: on a shared machine the wall clock also counts the time other processes held the cores.
const cpuMs = Math.round((used.user + used.system) / 1000);
console.log(
  JSON.stringify({
    units: n,
    ms: Math.round(ms),
    cpuMs,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    bytes: bytes.length,
  }),
);
