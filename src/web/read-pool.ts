import { issue } from '../core/rules/rules.js';
import type { Issue } from '../core/model.js';
import { unreadable, type CheckedFile } from '../core/validate/check-file.js';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.js';
import type { ReadLimits } from '../core/read/limits.js';

/** A file to read: the browser's File and the name it is known by in messages (its path in the chosen folder). */
export interface PageFile {
  file: File;
  rel: string;
}

/** The page's own script, from which every reading thread starts (one copy of the code in the page). */
let workerUrl: string | undefined;
function workerScriptUrl(): string {
  if (!workerUrl) {
    const code = document.getElementById('bdg-code')?.textContent ?? '';
    workerUrl = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  }
  return workerUrl;
}

/** Workers left from earlier runs, ready for the next (starting one costs the parse of the whole script). */
const idle: Worker[] = [];

function acquire(): Worker {
  return idle.pop() ?? new Worker(workerScriptUrl(), { name: 'bdg-doc-tep' });
}

function release(worker: Worker): void {
  worker.onmessage = null;
  worker.onerror = null;
  if (idle.length < defaultWorkers()) idle.push(worker);
  else worker.terminate();
}

/** Starts the workers while the person is still choosing files. */
export function prewarmWorkers(): void {
  while (idle.length < defaultWorkers()) idle.push(new Worker(workerScriptUrl(), { name: 'bdg-doc-tep' }));
}

export function defaultWorkers(): number {
  return Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2));
}

/** Files queued on a thread at once: one being read, one waiting. */
const PIPELINE_DEPTH = 2;

/**
 * Reads files on Web Workers, as src/node/read-files.ts does on threads: results in the order of `files`, a file
 * over the size limit refused unread, a file that takes too long or kills its worker rejected while a fresh worker
 * carries on with the others. The page never waits on a file.
 */
export async function readInWorkers(files: PageFile[], setup: WorkerSetup, onDone: () => void, workers = defaultWorkers()): Promise<CheckedFile[]> {
  const limits = setup.limits;
  const results: CheckedFile[] = new Array(files.length);
  const failed = (i: number, found: Issue) => unreadable(files[i]!.rel, found);
  let next = 0;
  const retry: number[] = [];
  const settle = (i: number, c: CheckedFile) => {
    if (results[i]) return;
    results[i] = c;
    onDone();
  };
  // Too large: refused before reading, as the CLI does from the size on disk.
  const take = (): number | undefined => {
    for (;;) {
      const i = retry.length ? retry.shift() : next < files.length ? next++ : undefined;
      if (i === undefined) return undefined;
      const f = files[i]!;
      if (f.file.size > limits.maxFileBytes)
        settle(i, unreadable(f.rel, issue('file-too-large', { part: 'file', size: f.file.size, limit: limits.maxFileBytes })));
      else return i;
    }
  };
  let setupError: Error | undefined;
  const runWorker = () =>
    new Promise<void>((done) => {
      const worker = acquire();
      const inFlight: number[] = [];
      let timer: ReturnType<typeof setTimeout> | undefined;
      let finished = false;
      /** Ends this worker's part of the run; a worker stopped mid-file is not reused. */
      const finish = (reuse: boolean) => {
        finished = true;
        clearTimeout(timer);
        if (reuse) release(worker);
        else worker.terminate();
      };
      const startTimer = () => {
        clearTimeout(timer);
        if (inFlight.length)
          timer = setTimeout(
            () => replace(issue('file-timeout', { seconds: Math.round(limits.maxMillisPerFile / 1000) })),
            limits.maxMillisPerFile,
          );
      };
      const dispatch = async () => {
        while (!finished && inFlight.length < PIPELINE_DEPTH) {
          const i = take();
          if (i === undefined) break;
          inFlight.push(i);
          let bytes: ArrayBuffer;
          try {
            bytes = await files[i]!.file.arrayBuffer();
          } catch {
            inFlight.splice(inFlight.indexOf(i), 1);
            settle(i, failed(i, issue('file-unreadable', { problem: 'page-file', path: files[i]!.rel })));
            continue;
          }
          if (finished) return;
          worker.postMessage({ type: 'read', index: i, name: files[i]!.rel, bytes } satisfies ToWorker, [bytes]);
          if (inFlight.length === 1) startTimer();
        }
        if (!inFlight.length && !finished) {
          finish(true);
          done();
        }
      };
      /** The file being read took too long or killed the worker: it is rejected, the others go to a new worker. */
      const replace = (found: Issue) => {
        if (finished) return;
        finish(false);
        const head = inFlight.shift();
        if (head !== undefined) settle(head, failed(head, found));
        retry.unshift(...inFlight);
        runWorker().then(done);
      };
      worker.onmessage = (e: MessageEvent<FromWorker>) => {
        const msg = e.data;
        if (msg.type === 'ready') void dispatch();
        else if (msg.type === 'setup-failed') {
          console.warn('bdg: reading worker setup failed:', msg.message);
          setupError ??= new Error(READER_FAILED);
          finish(true);
          done();
        } else if (msg.type === 'read' || msg.type === 'read-failed') {
          inFlight.splice(inFlight.indexOf(msg.index), 1);
          settle(
            msg.index,
            msg.type === 'read'
              ? msg.checked
              : failed(msg.index, unreadableBy(msg.message)),
          );
          startTimer();
          void dispatch();
        }
      };
      worker.onerror = (e) => {
        e.preventDefault();
        if (!inFlight.length) {
          console.warn('bdg: reading worker failed to start:', e.message);
          setupError ??= new Error(READER_FAILED);
          finish(false);
          done();
          return;
        }
        replace(unreadableBy(e.message));
      };
      worker.postMessage({ type: 'setup', setup } satisfies ToWorker);
    });
  const count = Math.max(1, Math.min(workers, files.length));
  await Promise.all(Array.from({ length: count }, runWorker));
  if (setupError) throw setupError;
  return results;
}

const READER_FAILED = 'Không khởi động được luồng đọc tệp của trang. Tải lại trang (F5) rồi thử lại.';

/**
 * A file whose reading failed in the worker: the browser's own words (English, often internal) go to the console,
 * the person reads the catalogue's Vietnamese message, told apart by whether memory ran out.
 */
function unreadableBy(detail: string | undefined): Issue {
  console.warn('bdg: reading a file failed in the worker:', detail);
  const memory = /memory|allocation|heap/i.test(detail ?? '');
  return issue('file-unreadable', { problem: memory ? 'memory' : 'crashed' });
}

/** The marked copy of a file, or the `annotate-skipped` issue saying why there is none. */
export type PageCopy = { ok: true; bytes: Uint8Array } | { ok: false; skipped: Issue };

/**
 * Makes the marked copy of a rejected file on a worker, under the time limit per file, as the CLI does on a
 * thread: a copy that takes too long or exhausts the worker is skipped with the reason, and the page never waits.
 */
export async function annotateInWorker(file: File, issues: Issue[], limits: ReadLimits, onProgress: (done: number) => void): Promise<PageCopy> {
  const seconds = Math.round(limits.maxMillisPerFile / 1000);
  const skipped = (problem: 'too-large' | 'unreadable' | 'timeout' | 'memory'): PageCopy => ({
    ok: false,
    skipped: issue('annotate-skipped', problem === 'timeout' ? { problem, seconds } : { problem }),
  });
  if (file.size > limits.maxFileBytes) return skipped('too-large');
  let bytes: ArrayBuffer;
  try {
    bytes = await file.arrayBuffer();
  } catch {
    return skipped('unreadable');
  }
  const worker = acquire();
  return new Promise((done) => {
    const finish = (copy: PageCopy, reuse: boolean) => {
      clearTimeout(timer);
      if (reuse) release(worker);
      else worker.terminate();
      done(copy);
    };
    const timer = setTimeout(() => finish(skipped('timeout'), false), limits.maxMillisPerFile);
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const msg = e.data;
      if (msg.type === 'annotate-progress') onProgress(msg.done);
      else if (msg.type === 'annotated') finish({ ok: true, bytes: new Uint8Array(msg.bytes) }, true);
      else if (msg.type === 'annotate-skipped') finish(skipped(msg.problem), true);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      finish(skipped(/memory/i.test(e.message ?? '') ? 'memory' : 'unreadable'), false);
    };
    worker.postMessage({ type: 'annotate', name: file.name, bytes, issues, limits } satisfies ToWorker, [bytes]);
  });
}
