import { parentPort } from 'node:worker_threads';
import type { Period } from '../core/model.js';
import type { FileJob } from '../core/consolidate/consolidate.js';
import { loadUnitSource } from './load-units.js';
import { hierarchyFor, lookupFor, unitSourceFrom } from '../core/units/source.js';
import { parsePeriodArg } from '../core/util/period.js';
import { previousFigures } from '../core/rollup/saved.js';
import { loadSavedRollup } from './saved-rollup.js';
import { checkFile } from './check-path.js';
import { adoptCatalogues, CatalogueError, formEditions, loadCatalogue } from '../core/catalogue/catalogue.js';
import { slimChecked, type WorkerSetup } from './read-files.js';
import { phase } from './phase-clock.js';

/** A file to read, as the main thread sends it (src/node/read-files.ts); other messages are for the thread's own work. */
type ReadJob = FileJob & { index: number };
const isReadJob = (message: unknown): message is ReadJob =>
  typeof message === 'object' && message !== null && 'index' in message && 'path' in message;

/**
 * Makes this thread read files for the main thread: loads what `setup` names once (the form editions, the unit
 * list, last period's roll-up), then reads and validates each file it is sent, one at a time in the order sent, and
 * says when it is ready. The reading threads run only this (read-worker.ts); the report thread runs it too while
 * it waits for its report (report-worker.ts).
 */
export async function serveReading(setup: WorkerSetup): Promise<void> {
  const { unitsFile, unitsEdition, period, previousFile, limits, whole, cutoff } = setup;
  // The editions the main thread loaded and checked, else each loaded now: not while the first file's time limit runs.
  adoptCatalogues(setup.catalogues ?? []);
  for (const edition of formEditions())
    try {
      loadCatalogue(edition.id);
    } catch {
      // said when a file of this edition is read
    }
  const source = setup.units
    ? unitSourceFrom(setup.units)
    : await loadUnitSource({ file: unitsFile, edition: unitsEdition });
  const units = (p: Period | null) => lookupFor(source, p);
  // A built-in edition is parsed on first use: here, before the first file's time limit starts (the period's, or
  // the latest).
  hierarchyFor(source, period ? parsePeriodArg(period) : null);
  const previous = previousFile
    ? previousFigures(await loadSavedRollup(previousFile, 'tệp tổng hợp kỳ trước'))
    : undefined;
  // Jobs may arrive while one is being read: they are read one at a time, in the order sent.
  let queue = Promise.resolve();
  let read = 0;
  parentPort!.on('message', (job: unknown) => {
    if (!isReadJob(job)) return;
    queue = queue.then(async () => {
      try {
        const checked = await checkFile(job.path, { units, limits, previous, cutoff, displayName: job.rel });
        parentPort!.postMessage({ index: job.index, checked: whole ? checked : slimChecked(checked) });
        if (++read === 1 || read % 100 === 0) phase(`${read} files read`);
      } catch (err) {
        // A broken catalogue is the program's: it stops the run (exit 2), never rejects the file being read.
        if (err instanceof CatalogueError) parentPort!.postMessage({ index: job.index, fatal: err.message });
        else parentPort!.postMessage({ index: job.index, error: (err as Error).message });
      }
    });
  });
  phase('ready');
  parentPort!.postMessage({ ready: true });
}
