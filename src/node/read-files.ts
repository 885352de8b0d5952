import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { makeIssue } from '../core/issues.js';
import { packageRoot } from './paths.js';
import type { Hierarchy } from '../core/read/hierarchy.js';
import { DEFAULT_LIMITS, type ReadLimits } from '../core/read/limits.js';
import type { CheckedFile } from '../core/validate/check-file.js';
import { checkFile } from './check-file.js';
import type { FileJob } from '../core/consolidate/consolidate.js';
import { slimChecked } from '../core/consolidate/found.js';

export { slimChecked };


/** Reads files one after the other in this thread. */
export async function readSequential(files: FileJob[], units: Hierarchy, limits: ReadLimits | undefined, onDone: () => void) {
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
/** What every reading thread loads once: the unit list, last period's roll-up (optional), the limits. */
export interface WorkerSetup {
  unitsFile: string;
  previousFile?: string;
  limits?: ReadLimits;
}

export async function readParallel(files: FileJob[], setup: WorkerSetup, workers: number, onDone: () => void): Promise<CheckedFile[]> {
  const limits = setup.limits ?? DEFAULT_LIMITS;
  const results: CheckedFile[] = new Array(files.length);
  let next = 0;
  const script = resolve(packageRoot, 'dist/node/read-worker.js');
  const failed = (i: number, rule: string, message: string): CheckedFile => ({
    file: files[i]!.rel,
    valid: false,
    unit: null,
    period: null,
    periodLabel: null,
    errors: [makeIssue(rule, 'error', undefined, message)],
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
            () => replace('file-timeout', `Đọc tệp quá ${Math.round(limits.maxMillisPerFile / 1000)} giây nên đã dừng: tệp quá lớn hoặc bất thường. Mở bằng Excel/LibreOffice, xóa dòng, cột thừa, lưu lại (hoặc chạy lại với --time-limit lớn hơn).`),
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
      const replace = (rule: string, message: string) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        const head = inFlight.shift();
        if (head !== undefined && !results[head]) {
          results[head] = failed(head, rule, message);
          onDone();
        }
        retry.unshift(...inFlight);
        void worker.terminate();
        runWorker().then(done, fail);
      };
      worker.on('message', (msg: { ready?: boolean; index?: number; checked?: CheckedFile; error?: string }) => {
        if (!msg.ready) {
          inFlight.splice(inFlight.indexOf(msg.index!), 1);
          results[msg.index!] = msg.checked ?? failed(msg.index!, 'file-unreadable', `Không đọc được tệp: ${msg.error ?? 'lỗi không rõ'}. Mở tệp bằng Excel/LibreOffice, lưu lại rồi gửi lại.`);
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
        replace('file-unreadable', `Không đọc được tệp (${err.message}); tệp có thể quá lớn hoặc hỏng. Mở bằng Excel/LibreOffice, lưu lại rồi gửi lại.`);
      });
    });
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, files.length)) }, runWorker));
  return results;
}
