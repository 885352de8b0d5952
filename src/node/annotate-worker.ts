import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import zlib from 'node:zlib';
import type { Codec } from '../core/ooxml/zip.js';
import { annotateWorkbook } from '../core/write/annotate.js';
import type { CopyJob } from './annotate-thread.js';
import { fsPath } from './file-names.js';

/**
 * Node's zlib deflates the large parts (a hostile sheet of 170 MB four times sooner than fflate); they are still
 * inflated by fflate as a stream, so no part is ever held uncompressed whole.
 */
const codec: Codec = {
  // Each piece ends on a sync flush (the last on finish): the pieces concatenated are one raw deflate stream.
  deflateRaw: (piece, final, level) =>
    zlib.deflateRawSync(piece, { level, finishFlush: final ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH }),
  crc32: typeof zlib.crc32 === 'function' ? (data, crc) => zlib.crc32(data, crc) : undefined,
};

/** The marking thread: makes the marked copy of each rejected file it is sent, one at a time. */
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
