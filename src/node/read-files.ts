import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { readerThread, takeEarly } from './reader-thread.js';
import { DEFAULT_LIMITS, type ReadLimits } from '../core/read/limits.js';
import { issue } from '../core/rules/rules.js';
import type { Issue } from '../core/model.js';
import { UsageError } from '../core/errors.js';
import type { CheckedFile } from '../core/validate/check-file.js';
import type { FileJob, FilePath } from '../core/consolidate/consolidate.js';
import { shownName } from '../core/util/shown-name.js';
import { slimChecked } from '../core/consolidate/found.js';

export { slimChecked };

const outOfMemory = (err: Error) => (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';

/** A reading thread that failed outside any file (while starting): said in Vietnamese, the run stops (exit 2). */
function threadFailure(err: Error): Error {
  if (outOfMemory(err))
    return new UsageError('luồng đọc tệp hết bộ nhớ cho phép ngay khi khởi động (danh mục đơn vị quá lớn?). Chạy lại lệnh.');
  if (err instanceof UsageError) return err;
  return new UsageError(`luồng đọc tệp không khởi động được (${err.message}). Chạy lại lệnh.`);
}


/** Files queued on a thread at once: one being read, one waiting. */
const PIPELINE_DEPTH = 2;

export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * Files one reading thread takes before a second one is worth its start and warm-up: a thread spends ~0,2 s
 * starting and its first ~50 files run at a fraction of full speed while the JIT warms up, so a province's few
 * hundred files are read sooner by one warm thread than by two cold ones (`npm run bench`).
 */
export const FILES_PER_THREAD = 500;

/** How many of at most `max` threads read `files` files. */
export function readingThreads(files: number, max: number): number {
  return Math.max(1, Math.min(max, Math.ceil(files / FILES_PER_THREAD)));
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
  /** Send back the whole reading (validate prints it), not only what consolidation keeps. */
  whole?: boolean;
}

/** One file read and checked on a thread of its own, under the same time and memory limits as consolidate. */
export async function checkFileGuarded(path: FilePath, setup: WorkerSetup, shown = shownName(path)): Promise<CheckedFile> {
  const [checked] = await readParallel([{ path, rel: shown }], { ...setup, whole: true }, 1, () => {});
  return checked!;
}

/** A reading thread started ahead of the files (it loads the unit list meanwhile). */
export interface Reader {
  worker: Worker;
  /** Resolves once the thread has loaded and said it is ready; an error it meets before that is kept in `failed`. */
  ready: Promise<void>;
  failed?: Error;
}

/** A reading thread for `setup`: the one bin/bdg.js started before the CLI loaded, if any, else a new one. */
function newWorker(setup: WorkerSetup): Worker {
  const data = { ...setup, limits: setup.limits ?? DEFAULT_LIMITS } satisfies WorkerSetup;
  return takeEarly(data) ?? readerThread(data);
}

/** Starts `count` reading threads now, so they load while the folder is walked. Hand them to readParallel. */
export function startReaders(setup: WorkerSetup, count: number): Reader[] {
  return Array.from({ length: Math.max(1, count) }, () => {
    const worker = newWorker(setup);
    const reader: Reader = { worker, ready: Promise.resolve() };
    reader.ready = new Promise((ok) => {
      worker.once('message', () => ok());
      worker.once('error', (err) => {
        reader.failed = err;
        ok();
      });
    });
    return reader;
  });
}

export async function readParallel(files: FileJob[], setup: WorkerSetup, workers: number, onDone: () => void, started: Reader[] = []): Promise<CheckedFile[]> {
  const limits = setup.limits ?? DEFAULT_LIMITS;
  const warm = [...started];
  const results: CheckedFile[] = new Array(files.length);
  let next = 0;
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
      const reader = warm.shift();
      const worker = reader?.worker ?? newWorker(setup);
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
      worker.on('message', (msg: { ready?: boolean; index?: number; checked?: CheckedFile; error?: string; fatal?: string }) => {
        if (msg.fatal !== undefined) {
          finished = true;
          clearTimeout(timer);
          void worker.terminate();
          fail(new UsageError(msg.fatal));
          return;
        }
        if (!msg.ready) {
          inFlight.splice(inFlight.indexOf(msg.index!), 1);
          // An exception while reading is a fault of bdg, not of the file; its (English) text is for BDG_DEBUG only.
          if (msg.error && process.env.BDG_DEBUG) process.stderr.write(`${files[msg.index!]!.rel}: ${msg.error}\n`);
          results[msg.index!] = msg.checked ?? failed(msg.index!, issue('file-unreadable', { problem: 'crashed' }));
          onDone();
        }
        dispatch();
        if (!finished) startTimer();
      });
      if (reader)
        void reader.ready.then(() => {
          // Its "ready" may have come before these handlers were attached: start it here (dispatch only tops up).
          if (reader.failed) {
            // The thread could not even start (unit list unreadable…): the run cannot go on, as when it fails later.
            finished = true;
            fail(threadFailure(reader.failed));
          } else if (!finished) {
            dispatch();
            if (!finished) startTimer();
          }
        });
      worker.on('error', (err) => {
        if (finished) return;
        if (!inFlight.length) {
          finished = true;
          fail(threadFailure(err));
          return;
        }
        replace(issue('file-unreadable', { problem: outOfMemory(err) ? 'memory' : 'crashed' }));
      });
      // A thread gone without an error (and not stopped by this run): the file it held is rejected, as for a crash.
      worker.on('exit', () => {
        if (finished) return;
        if (inFlight.length) return replace(issue('file-unreadable', { problem: 'stopped' }));
        finished = true;
        fail(new UsageError('luồng đọc tệp dừng bất ngờ trước khi đọc tệp nào. Chạy lại lệnh.'));
      });
    });
  const threads = readingThreads(files.length, workers);
  // Threads started ahead and not needed (fewer files than threads) are stopped.
  for (const spare of warm.splice(threads)) void spare.worker.terminate();
  await Promise.all(Array.from({ length: threads }, runWorker));
  return results;
}
