import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../core/config.js';
import type { Rollup } from '../core/model.js';
import './package-data-files.js';
import { nativeCodec as codec } from './native-codec.js';
import { adoptCatalogues, formEditions, loadCatalogue, type Catalogue } from '../core/catalogue/catalogue.js';
import { nameThread, phase } from './phase-clock.js';

nameThread('report');

/**
 * The report thread: loads the report writer (docx) as soon as it starts, while the files are read, then renders
 * the one report it is asked for while the main thread writes the summary workbook.
 */
const { renderReport } = await import('../core/write/report/index.js');
phase('report writer loaded');
parentPort!.once('message', async (job: { rollup: Rollup; config: Config; previous?: Rollup }) => {
  phase('report asked for');
  try {
    const bytes = await renderReport(job.rollup, job.config, { previous: job.previous, codec });
    phase('report rendered');
    parentPort!.postMessage({ bytes }, [bytes.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ error: { message: (err as Error).message, stack: (err as Error).stack } });
  }
});
parentPort!.postMessage({ ready: true });
// Idle until the files are read: the form editions are taken from the main thread (or loaded now), which the
// render would otherwise pay for (~40-60 ms cold, on the last output to finish). A broken edition is said by the
// render that needs it.
adoptCatalogues((workerData as { catalogues?: Catalogue[] } | null)?.catalogues ?? []);
for (const edition of formEditions())
  try {
    loadCatalogue(edition.id);
  } catch {
    // said by the render
  }
phase('editions loaded');
