import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from './paths.js';
import type { Period } from '../core/model.js';
import type { UnitLookup } from '../core/validate/validate.js';
import { DEFAULT_LIMITS, type ReadLimits } from '../core/read/limits.js';
import { issue } from '../core/rules/rules.js';
import type { Issue } from '../core/model.js';
import type { CheckedFile } from '../core/validate/check-file.js';
import { checkFile } from './check-file.js';
import type { FileJob } from '../core/consolidate/consolidate.js';


/**
 * Keeps of a read file only what consolidation uses: the figures, who/when, the words. The cell-by-cell
 * rows go, so memory stays flat in the number of files.
 */
export function slimChecked(c: CheckedFile): CheckedFile {
  if (!c.submission) return c;
  const { info, infoRefs, narrative, file } = c.submission;
  return { ...c, catalogue: null, submission: { file, info, infoRefs, narrative, rows: new Map() } };
}

/** Reads files one after the other in this thread. */
export async function readSequential(files: FileJob[], units: UnitLookup | ((period: Period | null) => UnitLookup | undefined), limits: ReadLimits | undefined, onDone: () => void) {
  const out: CheckedFile[] = [];
  for (const f of files) {
    out.push(slimChecked(await checkFile(f.path, { units, limits, displayName: f.rel })));
    onDone();
  }
  return out;
}

/** Files queued on a thread at once: one being read, one waiting. */
const PIPELINE_DEPTH = 2;

export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * Reads files on `workers` threads. Results are put back in the order of `files`, so the outcome is identical to
 * a single-threaded run whatever finishes first. A file that takes longer than the limit, or kills its thread
 * (out of memory), becomes a rejected result and a fresh thread carries on with the rest.
 */
/** What every reading thread loads once: the unit list (a file, or a built-in edition), last period's roll-up (optional), the limits. */
export interface WorkerSetup {
  unitsFile?: string;
  /** `--units-edition`; with neither, each file is checked against the built-in edition of the period it declares. */
  unitsEdition?: string;
  /** `--period`, when given: its edition is loaded before the first file, so no file's time limit pays for it. */
  period?: string;
  previousFile?: string;
  limits?: ReadLimits;
}

export async function readParallel(files: FileJob[], setup: WorkerSetup, workers: number, onDone: () => void): Promise<CheckedFile[]> {
  const limits = setup.limits ?? DEFAULT_LIMITS;
  const results: CheckedFile[] = new Array(files.length);
  let next = 0;
  const script = resolve(packageRoot, 'dist/node/read-worker.js');
  const failed = (i: number, error: Issue): CheckedFile => ({
    file: files[i]!.rel,
    valid: false,
    unit: null,
    period: null,
    periodLabel: null,
    errors: [error],
    warnings: [],
    submission: null,
    catalogue: null,
    figures: null,
  });
  // Files put back when their thread was replaced, read again before new ones.
  const retry: number[] = [];
  const take = () => (retry.length ? retry.shift() : next < files.length ? next++ : undefined);
  const runWorker = () =>
    new Promise<void>((done, fail) => {
      const worker = new Worker(script, {
        workerData: { ...setup, limits } satisfies WorkerSetup,
        // A hostile file may exhaust this thread's heap, never the whole run.
        resourceLimits: { maxOldGenerationSizeMb: 2048, maxYoungGenerationSizeMb: 32 },
      });
      // Files sent to this thread, in the order it reads them; the next one is sent before the current one ends,
      // so the thread never waits for the main thread between files.
      const inFlight: number[] = [];
      let timer: NodeJS.Timeout | undefined;
      let finished = false;
      const startTimer = () => {
        clearTimeout(timer);
        if (inFlight.length)
          timer = setTimeout(
            () => replace(issue('file-timeout', { seconds: Math.round(limits.maxMillisPerFile / 1000) })),
            limits.maxMillisPerFile,
          );
      };
      const dispatch = () => {
        while (inFlight.length < PIPELINE_DEPTH) {
          const i = take();
          if (i === undefined) break;
          inFlight.push(i);
          worker.postMessage({ index: i, ...files[i]! });
        }
        if (!inFlight.length) {
          finished = true;
          clearTimeout(timer);
          void worker.terminate().then(() => done());
        }
      };
      /** The file being read took too long or killed the thread: it is rejected, the others go to a new thread. */
      const replace = (error: Issue) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        const head = inFlight.shift();
        if (head !== undefined && !results[head]) {
          results[head] = failed(head, error);
          onDone();
        }
        retry.unshift(...inFlight);
        void worker.terminate();
        runWorker().then(done, fail);
      };
      worker.on('message', (msg: { ready?: boolean; index?: number; checked?: CheckedFile; error?: string }) => {
        if (!msg.ready) {
          inFlight.splice(inFlight.indexOf(msg.index!), 1);
          results[msg.index!] = msg.checked ?? failed(msg.index!, issue('file-unreadable', { problem: 'worker', detail: msg.error }));
          onDone();
        }
        dispatch();
        if (!finished) startTimer();
      });
      worker.on('error', (err) => {
        if (!inFlight.length) {
          finished = true;
          fail(err);
          return;
        }
        replace(issue('file-unreadable', { problem: 'thread', detail: err.message }));
      });
    });
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, files.length)) }, runWorker));
  return results;
}
