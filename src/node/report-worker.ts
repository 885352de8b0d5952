import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../core/config.js';
import type { Rollup } from '../core/model.js';
import './package-data-files.js';
import { nativeCodec as codec } from './native-codec.js';
import { adoptCatalogues, formEditions, loadCatalogue } from '../core/catalogue/catalogue.js';
import type { ReportThreadData } from './report-thread.js';
import { serveReading } from './reading-service.js';
import { nameThread, phase } from './phase-clock.js';

nameThread('report');

/**
 * The report thread: loads the report writer (docx) as soon as it starts, while the files are read, then renders
 * the one report it is asked for while the main thread writes the summary workbook. Given a reading setup, it
 * reads files too in the meantime (see startReportThread).
 */
const { renderReport } = await import('../core/write/report/index.js');
phase('report writer loaded');
parentPort!.on('message', async (job: { report?: { rollup: Rollup; config: Config; previous?: Rollup } }) => {
  if (!job.report) return;
  phase('report asked for');
  const { rollup, config, previous } = job.report;
  try {
    const bytes = await renderReport(rollup, config, { previous, codec });
    phase('report rendered');
    parentPort!.postMessage({ report: { bytes } }, [bytes.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ report: { error: { message: (err as Error).message, stack: (err as Error).stack } } });
  }
});
const data = workerData as ReportThreadData;
// The form editions are taken from the main thread (or loaded now), which the render would otherwise pay for
// (~40-60 ms cold, on the last output to finish). A broken edition is said by the render that needs it.
adoptCatalogues(data.catalogues);
for (const edition of formEditions())
  try {
    loadCatalogue(edition.id);
  } catch {
    // said by the render
  }
phase('editions loaded');
if (data.reading) await serveReading(data.reading);
else parentPort!.postMessage({ ready: true });
