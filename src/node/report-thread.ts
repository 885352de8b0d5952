import { Worker } from 'node:worker_threads';
import type { Config } from '../core/config.js';
import type { Rollup } from '../core/model.js';
import type { Catalogue } from '../core/catalogue/catalogue.js';
import { threadScript } from './thread-script.js';
import { phase } from './phase-clock.js';
import { forReport } from '../core/write/report/names.js';

/** Young generation of the report thread, in MB (see startReportThread). */
const REPORT_YOUNG_MB = 8;

/** A thread that renders the report (DOCX) in parallel with the summary workbook. */
export interface ReportThread {
  render(rollup: Rollup, config: Config, previous?: Rollup): Promise<Uint8Array>;
  stop(): void;
}

/** A failure of the report thread in Vietnamese: running out of memory is the one a person can act on. */
function said(err: Error): Error {
  if ((err as NodeJS.ErrnoException).code !== 'ERR_WORKER_OUT_OF_MEMORY') return err;
  return new Error(
    'luồng lập báo cáo hết bộ nhớ cho phép; bảng tổng hợp chưa được ghi. Đóng bớt chương trình khác rồi chạy lại',
  );
}

/**
 * Starts the report thread now, so the report writer loads while the files are read. `catalogues`: the editions
 * this thread loaded, which the report thread takes instead of parsing them again.
 */
export function startReportThread(catalogues: Catalogue[] = []): ReportThread {
  // A young generation of 8 MB (V8's own grows to tens of MB): it renders one report while the summary is written
  // on the main thread, the run's peak of memory; a country's run peaks ~30 MB lower at the same time.
  const worker = new Worker(threadScript('report-worker', import.meta.url), {
    resourceLimits: { maxYoungGenerationSizeMb: REPORT_YOUNG_MB },
    workerData: { catalogues },
  });
  // Until it is given its job, the thread must not keep the process alive (a run that stops early).
  worker.unref();
  let failure: Error | undefined;
  worker.on('error', (err) => (failure = said(err)));
  return {
    render(rollup, config, previous) {
      worker.ref();
      return new Promise((ok, fail) => {
        if (failure) return fail(failure);
        worker.on(
          'message',
          (msg: { ready?: true; bytes?: Uint8Array; error?: { message: string; stack?: string } }) => {
            if (msg.ready) return;
            void worker.terminate();
            if (msg.bytes) return ok(msg.bytes);
            const err = new Error(msg.error!.message);
            err.stack = msg.error!.stack;
            fail(err);
          },
        );
        worker.once('error', (err) => fail(said(err)));
        worker.once('exit', (code) => fail(new Error(`luồng lập báo cáo dừng bất thường (mã ${code})`)));
        worker.postMessage({ rollup: forReport(rollup), config, previous: previous && forReport(previous) });
        phase('report asked for');
      });
    },
    stop() {
      void worker.terminate();
    },
  };
}
