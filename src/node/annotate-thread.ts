import { Worker } from 'node:worker_threads';
import type { Issue } from '../core/model.js';
import type { FilePath } from '../core/consolidate/consolidate.js';
import { DEFAULT_LIMITS, type ReadLimits } from '../core/read/limits.js';
import { issue } from '../core/rules/rules.js';
import { threadScript } from './thread-script.js';

/** One copy to mark: the file on disk, its problems, the name the list sheet gives it. */
export interface CopyJob {
  /** Text, or the name's bytes when it is not UTF-8 (src/node/file-names.ts). */
  path: FilePath;
  issues: Issue[];
  file: string;
  limits: ReadLimits;
}

/** The marked copy, or the `annotate-skipped` issue saying why there is none. */
export type CopyResult = { ok: true; bytes: Uint8Array } | { ok: false; skipped: Issue };

/**
 * Heap of the marking thread. Marking streams each sheet (inflate, edit, deflate) and holds the file and its copy
 * as buffers outside the heap, so a real file needs a few MB; a hostile one that still runs out stops this thread
 * alone, and its copy is skipped.
 */
const WORKER_HEAP_MB = 192;

/**
 * Marks copies on a thread of its own, one file at a time, each under the time limit per file: a file whose copy
 * takes longer, or exhausts the thread, gets no copy (`annotate-skipped`), and a fresh thread takes the next.
 */
export class CopyMarker {
  private worker: Worker | null = null;

  constructor(private readonly limits: ReadLimits = DEFAULT_LIMITS) {}

  mark(job: Omit<CopyJob, 'limits'>): Promise<CopyResult> {
    const worker = (this.worker ??= new Worker(threadScript('annotate-worker', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 32 },
    }));
    const seconds = Math.round(this.limits.maxMillisPerFile / 1000);
    return new Promise((done) => {
      const finish = (result: CopyResult, broken: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        if (broken) this.discard();
        done(result);
      };
      const skipped = (problem: 'too-large' | 'unreadable' | 'timeout' | 'memory') =>
        ({
          ok: false,
          skipped: issue('annotate-skipped', problem === 'timeout' ? { problem, seconds } : { problem }),
        }) as const;
      const onMessage = (msg: { bytes?: Uint8Array; skipped?: 'too-large' | 'unreadable'; error?: string }) =>
        finish(msg.bytes ? { ok: true, bytes: msg.bytes } : skipped(msg.skipped ?? 'unreadable'), false);
      // A thread that dies (out of memory) ends this copy only.
      const onError = (err: Error & { code?: string }) =>
        finish(skipped(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'unreadable'), true);
      const timer = setTimeout(() => finish(skipped('timeout'), true), this.limits.maxMillisPerFile);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ ...job, limits: this.limits } satisfies CopyJob);
    });
  }

  private discard(): void {
    void this.worker?.terminate();
    this.worker = null;
  }

  stop(): void {
    this.discard();
  }
}
