import { readFileSync } from 'node:fs';
import '/work/wt-9/dist/node/data-files.js';
import { openXlsx } from '/work/wt-9/dist/core/read/xlsx.js';
const bytes = new Uint8Array(readFileSync(process.argv[2]));
let t = performance.now();
const o = openXlsx(bytes);
console.log('open', performance.now() - t);
for (const sh of o.book.sheets) {
t = performance.now();
try { const s = o.book.readSheet(sh);
console.log('sheet', sh.name, performance.now() - t, s.rows.size, s.merges.length); } catch (e) { console.log('refused', sh.name, performance.now() - t, e.issue?.message ?? e); }
}
