import { readFileSync } from 'node:fs';
import { serialize, deserialize } from 'node:v8';
const { forReport } = await import('../dist/core/write/report/names.js');
const text = readFileSync(process.argv[2], 'utf8');
const rollup = JSON.parse(text);
for (let r = 0; r < 3; r++) {
  let t = performance.now(); const slim = forReport(rollup); const a = performance.now() - t;
  t = performance.now(); const ser = serialize(slim); const b = performance.now() - t;
  t = performance.now(); deserialize(ser); const c = performance.now() - t;
  t = performance.now(); const js = JSON.stringify(slim); const d = performance.now() - t;
  t = performance.now(); JSON.parse(js); const e = performance.now() - t;
  console.log(`forReport ${a.toFixed(0)} serialize ${b.toFixed(0)} (${(ser.length/1e6).toFixed(1)} MB) deserialize ${c.toFixed(0)} | stringify ${d.toFixed(0)} (${(js.length/1e6).toFixed(1)} MB) parse ${e.toFixed(0)} | full json ${(text.length/1e6).toFixed(1)} MB`);
}
