import { Worker } from 'node:worker_threads';
import { threadScript } from './thread-script.js';

/**
 * Heap of one reading thread. The reader keeps ranges as ranges and caps cells per sheet, so a real file needs a
 * few MB and a hostile one is refused long before this; a thread that still runs out dies alone.
 */
const WORKER_HEAP_MB = 160;

/** The heap of a reading thread; BDG_TEST_READER_HEAP_MB lowers it (a test hook: a file that exhausts it). */
export function readerHeapMb(): number {
  const asked = Number(process.env.BDG_TEST_READER_HEAP_MB);
  return Number.isFinite(asked) && asked > 0 ? Math.min(asked, WORKER_HEAP_MB) : WORKER_HEAP_MB;
}

/**
 * A reading thread running `read-worker`. With `workerData` it sets itself up at once; without, it loads its code
 * and waits for `{ setup }` (see `startEarly`). Kept small: bin/bdg.js loads this before the CLI.
 */
export function readerThread(workerData: unknown): Worker {
  return new Worker(threadScript('read-worker', import.meta.url), {
    workerData,
    // A hostile file may exhaust this thread's heap, never the whole run.
    resourceLimits: { maxOldGenerationSizeMb: readerHeapMb(), maxYoungGenerationSizeMb: Math.min(16, readerHeapMb()) },
  });
}

let early: { worker: Worker; failed: boolean } | undefined;

/**
 * Starts a reading thread before the CLI itself loads (bin/bdg.js, for `consolidate` and `validate`): the thread
 * loads its code (~0,2 s) while the CLI loads and reads its options and unit list, and the first thread the run
 * asks for is this one. Until then it does not keep the process alive (a usage error exits at once).
 */
export function startEarly(): void {
  if (early) return;
  const worker = readerThread(null);
  const started = { worker, failed: false };
  // An error before the thread is taken (it could not load) is kept, not thrown: the run starts a fresh one.
  worker.on('error', () => (started.failed = true));
  worker.unref();
  early = started;
}

/** The thread started early, if any and alive, given its setup; it is handed out once. */
export function takeEarly(setup: unknown): Worker | undefined {
  const started = early;
  early = undefined;
  if (!started) return undefined;
  if (started.failed) {
    void started.worker.terminate();
    return undefined;
  }
  started.worker.ref();
  started.worker.postMessage({ setup });
  return started.worker;
}
