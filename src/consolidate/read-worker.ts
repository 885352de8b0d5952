import { parentPort, workerData } from 'node:worker_threads';
import { readHierarchy } from '../read/hierarchy.js';
import type { ReadLimits } from '../read/open-workbook.js';
import { checkFile } from '../validate/check-file.js';
import { slimChecked } from './read-files.js';

/** One reading thread: loads the unit list once, then reads and validates the files it is sent. */
const { unitsFile, limits } = workerData as { unitsFile: string; limits?: ReadLimits };
const units = await readHierarchy(unitsFile);
parentPort!.on('message', async (job: { index: number; path: string; rel: string }) => {
  try {
    const checked = await checkFile(job.path, { units, limits, displayName: job.rel });
    parentPort!.postMessage({ index: job.index, checked: slimChecked(checked) });
  } catch (err) {
    parentPort!.postMessage({ index: job.index, error: (err as Error).message });
  }
});
parentPort!.postMessage({ ready: true });
