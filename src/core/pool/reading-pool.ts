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
  /** The worker leaves before it was sent any file (a helper that could not start): the others read them. */
  leave(): void;
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
  /** Files queued on a worker at once (PIPELINE_DEPTH unless said). */
  depth?: number;
  /** Files queued on a worker when it is ready, if more than `depth`: it reads them while its sender is busy. */
  firstBatch?: number;
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
  return new Promise<R[]>((resolve, reject) => new PoolRun(options, resolve, reject).begin());
}

/** One run of the pool: the files' results, the queue, and the workers reading it. */
class PoolRun<R> {
  readonly results: R[];
  private readonly settled: boolean[];
  private next = 0;
  /** Files put back when their worker was replaced, read again before new ones. */
  readonly retry: number[] = [];
  stopped = false;
  private running = 0;
  /** The workers still held, so a failure lets them all go at once. */
  readonly active = new Set<WorkerSlot<R>>();

  constructor(
    readonly options: PoolOptions<R>,
    private readonly resolve: (results: R[]) => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.results = new Array(options.files);
    this.settled = new Array<boolean>(options.files).fill(false);
  }

  begin(): void {
    const { files, workers } = this.options;
    if (files === 0) return this.resolve(this.results);
    const count = Math.max(1, Math.min(workers, files));
    for (let n = 0; n < count; n++) this.startWorker();
  }

  startWorker(): void {
    this.running++;
    new WorkerSlot(this).start();
  }

  settle(i: number, r: R): void {
    if (this.settled[i]) return;
    this.settled[i] = true;
    this.results[i] = r;
    this.options.onDone();
  }

  /** The next file to send: a retried one first; files refused before sending are settled on the way. */
  take(): number | undefined {
    for (;;) {
      const i = this.retry.length ? this.retry.shift() : this.next < this.options.files ? this.next++ : undefined;
      if (i === undefined) return undefined;
      const refused = this.options.refuse?.(i);
      if (refused === undefined) return i;
      this.settle(i, refused);
    }
  }

  workerDone(): void {
    if (--this.running === 0 && !this.stopped) this.resolve(this.results);
  }

  fail(error: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const slot of [...this.active]) slot.abandon();
    this.reject(error);
  }
}

/** One worker of a run: the files in flight on it, the time limit of the one it reads, its replacement. */
class WorkerSlot<R> {
  private readonly inFlight: number[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private finished = false;
  private worker!: PoolWorker;

  constructor(private readonly run: PoolRun<R>) {}

  start(): void {
    this.run.active.add(this);
    this.worker = this.run.options.start(this.events());
  }

  private finish(clean: boolean): void | Promise<void> {
    this.finished = true;
    clearTimeout(this.timer);
    this.run.active.delete(this);
    return this.worker.stop(clean);
  }

  abandon(): void {
    if (this.finished) return;
    void this.finish(false);
    this.run.workerDone();
  }

  private startTimer(): void {
    clearTimeout(this.timer);
    const { maxMillisPerFile } = this.run.options;
    if (this.inFlight.length)
      this.timer = setTimeout(
        () => this.replace(issue('file-timeout', { seconds: Math.round(maxMillisPerFile / 1000) })),
        maxMillisPerFile,
      );
  }

  private dispatch(first = false): void {
    const run = this.run;
    const queued = run.options.depth ?? PIPELINE_DEPTH;
    const depth = first ? Math.max(queued, run.options.firstBatch ?? 0) : queued;
    while (!this.finished && !run.stopped && this.inFlight.length < depth) {
      const i = run.take();
      if (i === undefined) break;
      this.inFlight.push(i);
      this.worker.send(i);
    }
    if (this.finished) return;
    const done = () => run.workerDone();
    if (!this.inFlight.length) return void Promise.resolve(this.finish(true)).then(done, done);
    // Each file has the whole limit from when the one before it ended (or from now, for the first).
    this.startTimer();
  }

  /** The file being read took too long or killed the worker: it is rejected, the others go to a new worker. */
  private replace(found: Issue): void {
    if (this.finished) return;
    const run = this.run;
    void this.finish(false);
    const head = this.inFlight.shift();
    if (head !== undefined) run.settle(head, run.options.failed(head, found));
    run.retry.unshift(...this.inFlight);
    if (!run.stopped) run.startWorker();
    run.workerDone();
  }

  /** Stops the run for a failure of this worker's. */
  private failRun(error: Error): void {
    void this.finish(false);
    this.run.fail(error);
    this.run.workerDone();
  }

  private events(): WorkerEvents<R> {
    return {
      // Later, not within start(): the worker is not in hand yet.
      ready: () => void Promise.resolve().then(() => !this.finished && this.dispatch(true)),
      result: (index, r) => {
        if (this.finished) return;
        const at = this.inFlight.indexOf(index);
        if (at < 0) return;
        this.inFlight.splice(at, 1);
        this.run.settle(index, r);
        this.dispatch();
      },
      lost: (found, error) => {
        if (this.finished) return;
        if (this.inFlight.length) return this.replace(found);
        this.failRun(error);
      },
      fatal: (error) => {
        if (this.finished) return;
        this.failRun(error);
      },
      leave: () => {
        if (this.finished) return;
        if (this.inFlight.length) return this.replace(issue('file-unreadable', { problem: 'crashed' }));
        void this.finish(false);
        this.run.workerDone();
      },
    };
  }
}
