import type { Issue } from '../model.js';
import { issue } from '../rules/rules.js';

/**
 * What the pool tells of one worker (a Node thread, a Web Worker): the edge wires its worker's events to these.
 * Calls after the pool has let the worker go are ignored.
 */
export interface WorkerEvents<R> {
  /** Set up and waiting for files. */
  ready(): void;
  /** A file's result (read, or refused by the worker or the edge while sending it). */
  result(index: number, result: R): void;
  /**
   * The worker died or stopped: with files in flight, the first is rejected with `issue` and the others go to a new
   * worker; with none, nothing was read by it yet, and the run stops with `error`.
   */
  lost(issue: Issue, error: Error): void;
  /** A failure that stops the whole run (the worker could not set up; a broken catalogue). */
  fatal(error: Error): void;
}

/** One worker as the pool drives it. */
export interface PoolWorker {
  /** Sends the file `index`; its result comes back through `WorkerEvents.result`. */
  send(index: number): void;
  /** Lets it go: `clean` when it finished its part (it may be kept for another run), not when it failed or ran late. */
  stop(clean: boolean): void | Promise<void>;
}

export interface PoolOptions<R> {
  /** How many files. */
  files: number;
  /** How many workers read them (at most one per file). */
  workers: number;
  /** Time one file may take on its worker before it is rejected (`file-timeout`) and the worker replaced. */
  maxMillisPerFile: number;
  /** Starts a worker (or takes one started ahead) whose events go to `events`. */
  start(events: WorkerEvents<R>): PoolWorker;
  /** A file rejected without its worker's result: timed out, or its worker lost. */
  failed(index: number, found: Issue): R;
  /** A result given before the file is sent (too large to read, say): it is then never sent. */
  refuse?(index: number): R | undefined;
  onDone(): void;
}

/** Files queued on a worker at once: one being read, one waiting, so the worker never waits between files. */
export const PIPELINE_DEPTH = 2;

/**
 * Reads files on workers: results in the order of the files, so the outcome is the same however many workers and
 * whatever finishes first. A file that takes longer than the limit, or kills its worker, is rejected, and a fresh
 * worker carries on with the files that were queued behind it. The one scheduling of the Node threads
 * (src/node/read-files.ts) and the page's workers (src/web/read-pool.ts).
 */
export function runPool<R>(options: PoolOptions<R>): Promise<R[]> {
  const { files, maxMillisPerFile } = options;
  const results: R[] = new Array(files);
  const settled = new Array<boolean>(files).fill(false);
  let next = 0;
  // Files put back when their worker was replaced, read again before new ones.
  const retry: number[] = [];
  let stopped = false;
  return new Promise<R[]>((resolve, reject) => {
    let running = 0;
    const settle = (i: number, r: R) => {
      if (settled[i]) return;
      settled[i] = true;
      results[i] = r;
      options.onDone();
    };
    const take = (): number | undefined => {
      for (;;) {
        const i = retry.length ? retry.shift() : next < files ? next++ : undefined;
        if (i === undefined) return undefined;
        const refused = options.refuse?.(i);
        if (refused === undefined) return i;
        settle(i, refused);
      }
    };
    const workerDone = () => {
      if (--running === 0 && !stopped) resolve(results);
    };
    // Each worker's way to let it go, so a failure stops them all at once.
    const active = new Set<() => void>();
    const fail = (error: Error) => {
      if (stopped) return;
      stopped = true;
      for (const stop of [...active]) stop();
      reject(error);
    };
    const runWorker = () => {
      running++;
      const inFlight: number[] = [];
      let timer: ReturnType<typeof setTimeout> | undefined;
      let finished = false;
      let worker!: PoolWorker;
      const finish = (clean: boolean) => {
        finished = true;
        clearTimeout(timer);
        active.delete(abandon);
        return worker.stop(clean);
      };
      const abandon = () => {
        if (finished) return;
        void finish(false);
        workerDone();
      };
      active.add(abandon);
      const startTimer = () => {
        clearTimeout(timer);
        if (inFlight.length)
          timer = setTimeout(
            () => replace(issue('file-timeout', { seconds: Math.round(maxMillisPerFile / 1000) })),
            maxMillisPerFile,
          );
      };
      const dispatch = () => {
        while (!finished && !stopped && inFlight.length < PIPELINE_DEPTH) {
          const i = take();
          if (i === undefined) break;
          inFlight.push(i);
          worker.send(i);
        }
        if (finished) return;
        if (!inFlight.length) return void Promise.resolve(finish(true)).then(workerDone, workerDone);
        // Each file has the whole limit from when the one before it ended (or from now, for the first).
        startTimer();
      };
      /** The file being read took too long or killed the worker: it is rejected, the others go to a new worker. */
      const replace = (found: Issue) => {
        if (finished) return;
        void finish(false);
        const head = inFlight.shift();
        if (head !== undefined) settle(head, options.failed(head, found));
        retry.unshift(...inFlight);
        if (!stopped) runWorker();
        workerDone();
      };
      const events: WorkerEvents<R> = {
        // Later, not within start(): the worker is not in hand yet.
        ready: () => void Promise.resolve().then(() => !finished && dispatch()),
        result: (index, r) => {
          if (finished) return;
          const at = inFlight.indexOf(index);
          if (at < 0) return;
          inFlight.splice(at, 1);
          settle(index, r);
          dispatch();
        },
        lost: (found, error) => {
          if (finished) return;
          if (inFlight.length) return replace(found);
          void finish(false);
          fail(error);
          workerDone();
        },
        fatal: (error) => {
          if (finished) return;
          void finish(false);
          fail(error);
          workerDone();
        },
      };
      worker = options.start(events);
    };
    const count = Math.max(1, Math.min(options.workers, files));
    if (files === 0) return resolve(results);
    for (let n = 0; n < count; n++) runWorker();
  });
}
