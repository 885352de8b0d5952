import { issue } from '../core/rules/rules.js';
import type { Issue } from '../core/model.js';
import { runPool, type PoolWorker, type WorkerEvents } from '../core/pool/reading-pool.js';
import { unreadable, type CheckedFile } from '../core/validate/check-file.js';
import type { FromWorker, ToWorker, PageWorkerSetup } from './protocol.js';
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

/**
 * Reads files on Web Workers, scheduled by the core's pool (src/core/pool/reading-pool.ts) as the CLI's threads are:
 * results in the order of `files`, a file over the size limit refused unread, a file that takes too long or kills
 * its worker rejected while a fresh worker carries on with the others. The page never waits on a file.
 */
export function readInWorkers(
  files: PageFile[],
  setup: PageWorkerSetup,
  onDone: () => void,
  workers = defaultWorkers(),
): Promise<CheckedFile[]> {
  const limits = setup.limits;
  return runPool<CheckedFile>({
    files: files.length,
    workers,
    maxMillisPerFile: limits.maxMillisPerFile,
    start: (events) => readingWorker(files, setup, events),
    failed: (i, found) => unreadable(files[i]!.rel, found),
    // Too large: refused before reading, as the CLI does from the size on disk.
    refuse: (i) => {
      const { file, rel } = files[i]!;
      if (file.size <= limits.maxFileBytes) return undefined;
      return unreadable(rel, issue('file-too-large', { part: 'file', size: file.size, limit: limits.maxFileBytes }));
    },
    onDone,
  });
}

/** A worker (kept from an earlier run, or new) as the pool drives it. */
function readingWorker(files: PageFile[], setup: PageWorkerSetup, events: WorkerEvents<CheckedFile>): PoolWorker {
  const worker = acquire();
  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const msg = e.data;
    if (msg.type === 'ready') events.ready();
    else if (msg.type === 'setup-failed') {
      console.warn('bdg: reading worker setup failed:', msg.message);
      events.fatal(new Error(READER_FAILED));
    } else if (msg.type === 'read') events.result(msg.index, msg.checked);
    else if (msg.type === 'read-failed')
      events.result(msg.index, unreadable(files[msg.index]!.rel, unreadableBy(msg.message)));
  };
  worker.onerror = (e) => {
    e.preventDefault();
    events.lost(unreadableBy(e.message), new Error(READER_FAILED));
  };
  worker.postMessage({ type: 'setup', setup } satisfies ToWorker);
  // Files are sent in the order given (their bytes are read first), so the first in flight is the one being read.
  let sending = Promise.resolve();
  return {
    send: (i) => {
      const { file, rel } = files[i]!;
      sending = sending.then(() =>
        file.arrayBuffer().then(
          (bytes) => worker.postMessage({ type: 'read', index: i, name: rel, bytes } satisfies ToWorker, [bytes]),
          () => events.result(i, unreadable(rel, issue('file-unreadable', { problem: 'page-file', path: rel }))),
        ),
      );
    },
    stop: (clean) => (clean ? release(worker) : worker.terminate()),
  };
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
export async function annotateInWorker(
  file: File,
  issues: Issue[],
  limits: ReadLimits,
  onProgress: (done: number) => void,
): Promise<PageCopy> {
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
