import { Worker } from 'node:worker_threads';
import type { Config } from '../core/config.js';
import type { Rollup } from '../core/model.js';
import type { Catalogue } from '../core/catalogue/catalogue.js';
import { threadScript } from './thread-script.js';
import { phase } from './phase-clock.js';
import { forReport } from '../core/write/report/names.js';
import { readerHeapMb } from './reader-thread.js';
import type { Reader, WorkerSetup } from './read-files.js';

/** Young generation of the report thread, in MB (see startReportThread). */
const REPORT_YOUNG_MB = 8;

/** What the report thread is started with: the main thread's form editions, and what to read while it waits. */
export interface ReportThreadData {
  catalogues: Catalogue[];
  reading?: WorkerSetup;
}

/** A thread that renders the report (DOCX) in parallel with the summary workbook. */
export interface ReportThread {
  render(rollup: Rollup, config: Config, previous?: Rollup): Promise<Uint8Array>;
  stop(): void;
  /** The thread as a reading thread, when it was started with a reading setup (see startReportThread). */
  helper?: Reader;
}

/** A failure of the report thread in Vietnamese: running out of memory is the one a person can act on. */
function said(err: Error): Error {
  if ((err as NodeJS.ErrnoException).code !== 'ERR_WORKER_OUT_OF_MEMORY') return err;
  return new Error(
    'luồng lập báo cáo hết bộ nhớ cho phép; bảng tổng hợp chưa được ghi. Đóng bớt chương trình khác rồi chạy lại',
  );
}

function reportWorker(data: ReportThreadData): Worker {
  // A young generation of 8 MB (V8's own grows to tens of MB): it renders one report while the summary is written
  // on the main thread, the run's peak of memory; a country's run peaks ~30 MB lower at the same time. Reading
  // files, it is held to a reading thread's heap: a hostile file exhausts this thread, never the run.
  const worker = new Worker(threadScript('report-worker', import.meta.url), {
    resourceLimits: {
      maxYoungGenerationSizeMb: REPORT_YOUNG_MB,
      ...(data.reading ? { maxOldGenerationSizeMb: readerHeapMb() } : {}),
    },
    workerData: data,
  });
  // Until it is given its job, the thread must not keep the process alive (a run that stops early).
  worker.unref();
  return worker;
}

/** A report thread, and whether it is gone (ended, or let go by the reading pool) so the report needs another. */
interface Running {
  worker: Worker;
  gone: boolean;
}

function run(data: ReportThreadData): Running {
  const running = { worker: reportWorker(data), gone: false };
  // A failure before the report is asked for (a file it read killed it, say) is met by a fresh thread then.
  running.worker.on('error', () => {});
  running.worker.once('exit', () => (running.gone = true));
  return running;
}

/**
 * Starts the report thread now, so the report writer loads while the files are read. `catalogues`: the editions
 * this thread loaded, which the report thread takes instead of parsing them again. With `reading` (a reading
 * thread's setup), the thread, once its writer is loaded, reads files too until the report is asked for: its start
 * is paid already and it would only wait, while the files of a province are read by one thread (read-files.ts). A
 * file over the time limit or that kills it stops it as it stops a reading thread: the report then gets a thread
 * of its own.
 */
export function startReportThread(catalogues: Catalogue[] = [], reading?: WorkerSetup): ReportThread {
  // The editions go once, with the thread's own data, not again with the reading setup.
  let thread = run({ catalogues, reading: reading && { ...reading, catalogues: undefined } });
  const first = thread;
  const helper: Reader | undefined = reading && {
    worker: first.worker,
    ready: new Promise((ok) => {
      first.worker.once('message', () => ok());
      first.worker.once('error', (err) => {
        helper!.failed = err;
        ok();
      });
    }),
    release: (clean) => {
      if (clean) return;
      first.gone = true;
      return first.worker.terminate().then(() => {});
    },
  };
  return {
    helper,
    render(rollup, config, previous) {
      if (thread.gone) thread = run({ catalogues });
      const { worker } = thread;
      worker.ref();
      return new Promise((ok, fail) => {
        worker.on(
          'message',
          (msg: { report?: { bytes?: Uint8Array; error?: { message: string; stack?: string } } }) => {
            if (!msg.report) return;
            void worker.terminate();
            if (msg.report.bytes) return ok(msg.report.bytes);
            const err = new Error(msg.report.error!.message);
            err.stack = msg.report.error!.stack;
            fail(err);
          },
        );
        worker.once('error', (err) => fail(said(err)));
        worker.once('exit', (code) => fail(new Error(`luồng lập báo cáo dừng bất thường (mã ${code})`)));
        worker.postMessage({
          report: { rollup: forReport(rollup), config, previous: previous && forReport(previous) },
        });
        phase('report asked for');
      });
    },
    stop() {
      void thread.worker.terminate();
    },
  };
}
