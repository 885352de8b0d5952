import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { annotateWorkbook } from '../core/write/annotate.js';
import type { CopyJob } from './annotate-thread.js';
import { fsPath } from './file-names.js';
import { nativeCodec as codec } from './native-codec.js';

/**
 * The marking thread: makes the marked copy of each rejected file it is sent, one at a time. Node's zlib deflates
 * the large parts; they are still inflated by fflate as a stream, so no part is ever held uncompressed whole.
 */
let queue = Promise.resolve();
parentPort!.on('message', (job: CopyJob) => {
  queue = queue.then(async () => {
    try {
      const bytes = new Uint8Array(await readFile(fsPath(job.path)));
      const result = annotateWorkbook(bytes, job.issues, { file: job.file, limits: job.limits, codec });
      if (result.ok) parentPort!.postMessage({ bytes: result.bytes }, [result.bytes.buffer as ArrayBuffer]);
      else parentPort!.postMessage({ skipped: result.reason });
    } catch (err) {
      parentPort!.postMessage({ error: (err as Error).message });
    }
  });
});
