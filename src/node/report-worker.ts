import { parentPort } from 'node:worker_threads';
import type { Config } from '../core/config.js';
import type { Rollup } from '../core/model.js';
import './data-files.js';

/**
 * The report thread: loads the report writer (docx) as soon as it starts, while the files are read, then writes
 * the report and the roll-up's JSON text (13 MB for a country) while the main thread writes the summary workbook.
 */
const { renderReport } = await import('../core/write/report/index.js');
parentPort!.once('message', async (job: { rollup: Rollup; config: Config; previous?: Rollup }) => {
  try {
    const report = await renderReport(job.rollup, job.config, { previous: job.previous });
    const json = new TextEncoder().encode(`${JSON.stringify(job.rollup, null, 2)}\n`);
    parentPort!.postMessage({ report, json }, [report.buffer as ArrayBuffer, json.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ error: { message: (err as Error).message, stack: (err as Error).stack } });
  }
});
parentPort!.postMessage({ ready: true });
