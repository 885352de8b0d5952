import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { readerThread, takeEarly } from './reader-thread.js';
import { DEFAULT_LIMITS, type ReadLimits } from '../core/read/limits.js';
import { issue } from '../core/rules/rules.js';
import { runPool, type PoolWorker, type WorkerEvents } from '../core/pool/reading-pool.js';
import { UsageError } from '../core/errors.js';
import { unreadable, type CheckedFile } from '../core/validate/check-file.js';
import type { FileJob, FilePath } from '../core/consolidate/consolidate.js';
import { shownName } from '../core/util/shown-name.js';
import { slimChecked } from '../core/consolidate/found.js';
import type { Catalogue } from '../core/catalogue/catalogue.js';
import type { UnitSourceData } from '../core/units/source.js';

export { slimChecked };

const outOfMemory = (err: Error) => (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';

/** A reading thread that failed outside any file (while starting): said in Vietnamese, the run stops (exit 2). */
function threadFailure(err: Error): Error {
  if (outOfMemory(err))
    return new UsageError(
      'luồng đọc tệp hết bộ nhớ cho phép ngay khi khởi động (danh mục đơn vị quá lớn?). Chạy lại lệnh.',
    );
  if (err instanceof UsageError) return err;
  return new UsageError(`luồng đọc tệp không khởi động được (${err.message}). Chạy lại lệnh.`);
}

export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * Files one reading thread takes before a second one is worth its start and warm-up: a thread spends ~0,2 s
 * starting and its first ~50 files run at a fraction of full speed while the JIT warms up, so a province's few
 * hundred files are read sooner by one warm thread than by two cold ones (`npm run bench`).
 */
export const FILES_PER_THREAD = 500;

/**
 * Files queued on a reading thread once it is ready, then at most at once. The main thread hands them out between
 * its own work, and loading the summary's writer (exceljs) holds it for ~0,3 s while the first files are read: the
 * first batch keeps the thread reading meanwhile. Then a few, so that a slow file holds few others behind it and
 * two threads end together. A thread lost puts the files behind its first back in the queue.
 */
const FIRST_BATCH = 64;
const FILES_QUEUED = 4;

/** How many of at most `max` threads read `files` files. */
export function readingThreads(files: number, max: number): number {
  return Math.max(1, Math.min(max, Math.ceil(files / FILES_PER_THREAD)));
}

/** What every reading thread loads once: the unit list (a file, or a built-in edition), last period's roll-up (optional), the limits. */
export interface WorkerSetup {
  unitsFile?: string;
  /** `--units-edition`; with neither, each file is checked against the built-in edition of the period it declares. */
  unitsEdition?: string;
  /** `--period`, when given: its edition is loaded before the first file, so no file's time limit pays for it. */
  period?: string;
  previousFile?: string;
  limits?: ReadLimits;
  /** The config's cut-off (`cutoff`): the dates of the rules with a window follow it. */
  cutoff?: string;
  /** Send back the whole reading (validate prints it), not only what consolidation keeps. */
  whole?: boolean;
  /** The form editions the main thread loaded and checked: adopted instead of parsed again (else loaded there). */
  catalogues?: Catalogue[];
  /** The units the main thread read and checked: taken instead of reading `unitsFile` again (else read there). */
  units?: UnitSourceData;
}

/** One file read and checked on a thread of its own, under the same time and memory limits as consolidate. */
export async function checkFileGuarded(
  path: FilePath,
  setup: WorkerSetup,
  shown = shownName(path),
): Promise<CheckedFile> {
  const [checked] = await readParallel([{ path, rel: shown }], { ...setup, whole: true }, 1, () => {});
  return checked!;
}

/** A reading thread started ahead of the files (it loads the unit list meanwhile). */
export interface Reader {
  worker: Worker;
  /** Resolves once the thread has loaded and said it is ready; an error it meets before that is kept in `failed`. */
  ready: Promise<void>;
  failed?: Error;
  /**
   * How the run lets go of a thread it does not own (the report thread, reading while it waits): after its part
   * (`clean`) it carries on with its own work; otherwise (a file over the time limit, a crash) it is stopped. A
   * thread without this is stopped either way.
   */
  release?: (clean: boolean) => Promise<void> | void;
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

/**
 * Reads files on `workers` threads, scheduled by the core's pool (src/core/pool/reading-pool.ts): results in the
 * order of `files`, a file over the time limit or that kills its thread rejected while a fresh thread carries on.
 * `helper`: a thread started for other work that reads along when the files get fewer reading threads than
 * `workers` (the report thread, which would only wait: its start is paid, not a new thread's).
 */
export async function readParallel(
  files: FileJob[],
  setup: WorkerSetup,
  workers: number,
  onDone: () => void,
  started: Reader[] = [],
  helper?: Reader,
): Promise<CheckedFile[]> {
  const limits = setup.limits ?? DEFAULT_LIMITS;
  const warm = [...started];
  const threads = files.length ? readingThreads(files.length, workers) : 0;
  // Threads started ahead and not needed (fewer files than threads) are stopped.
  for (const spare of warm.splice(threads)) void spare.worker.terminate();
  const helps = helper !== undefined && threads > 0 && threads < workers;
  if (helps) warm.push(helper);
  return runPool<CheckedFile>({
    files: files.length,
    workers: threads + (helps ? 1 : 0),
    maxMillisPerFile: limits.maxMillisPerFile,
    depth: FILES_QUEUED,
    firstBatch: FIRST_BATCH,
    start: (events) => readingThread(warm.shift(), setup, files, events),
    failed: (i, found) => unreadable(files[i]!.rel, found),
    onDone,
  });
}

/** A reading thread (one started ahead, or a new one) as the pool drives it. */
function readingThread(
  reader: Reader | undefined,
  setup: WorkerSetup,
  files: FileJob[],
  events: WorkerEvents<CheckedFile>,
): PoolWorker {
  const worker = reader?.worker ?? newWorker(setup);
  const onMessage = (msg: {
    ready?: boolean;
    index?: number;
    checked?: CheckedFile;
    error?: string;
    fatal?: string;
  }) => {
    if (msg.fatal !== undefined) return events.fatal(new UsageError(msg.fatal));
    if (msg.ready) return events.ready();
    if (msg.index === undefined) return; // the thread's own work (the report thread's report)
    // An exception while reading is a fault of bdg, not of the file; its (English) text is for BDG_DEBUG only.
    if (msg.error && process.env.BDG_DEBUG) process.stderr.write(`${files[msg.index]!.rel}: ${msg.error}\n`);
    events.result(
      msg.index,
      msg.checked ?? unreadable(files[msg.index]!.rel, issue('file-unreadable', { problem: 'crashed' })),
    );
  };
  const onError = (err: Error) =>
    events.lost(issue('file-unreadable', { problem: outOfMemory(err) ? 'memory' : 'crashed' }), threadFailure(err));
  // A thread gone without an error (and not stopped by this run): the file it held is rejected, as for a crash.
  const onExit = () =>
    events.lost(
      issue('file-unreadable', { problem: 'stopped' }),
      new UsageError('luồng đọc tệp dừng bất ngờ trước khi đọc tệp nào. Chạy lại lệnh.'),
    );
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', onExit);
  // A thread started ahead may have said "ready" before this listened: its promise says it again (or its failure).
  // A helper that could not start leaves the files to the others (the report it was for says its own error).
  if (reader)
    void reader.ready.then(() => {
      if (!reader.failed) events.ready();
      else if (reader.release) events.leave();
      else events.fatal(threadFailure(reader.failed));
    });
  return {
    send: (index) => worker.postMessage({ index, ...files[index]! }),
    stop: async (clean) => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      await (reader?.release ? reader.release(clean) : worker.terminate());
    },
  };
}
