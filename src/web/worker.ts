import './page-data-files.js';
import { parseHierarchy } from '../core/units/hierarchy.js';
import { previousFigures, parseSavedRollup } from '../core/rollup/saved.js';
import { slimChecked } from '../core/consolidate/found.js';
import { checkSubmission, type CheckOptions } from '../core/validate/check-file.js';
import type { FromWorker, ToWorker, PageWorkerSetup } from './protocol.js';
import { lookupFor } from '../core/units/source.js';
import { annotateWorkbook } from '../core/write/annotate.js';

interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}

/** One reading thread of the page (the same script as the page, started from a Blob URL): reads the files it is sent. */
export function runReadingWorker(scope: WorkerScope): void {
  let options: Promise<CheckOptions> | undefined;
  // Files may arrive while one is being read: they are read one at a time, in the order sent.
  let queue: Promise<void> = Promise.resolve();
  scope.onmessage = (e) => {
    const msg = e.data;
    if (msg.type === 'annotate') return annotate(scope, msg);
    if (msg.type === 'setup') {
      options = prepare(msg.setup);
      options.then(
        () => scope.postMessage({ type: 'ready' }),
        (err: unknown) => scope.postMessage({ type: 'setup-failed', message: (err as Error).message }),
      );
      return;
    }
    queue = queue.then(async () => {
      try {
        const opts = await options!;
        const bytes = new Uint8Array(msg.bytes);
        const checked = await checkSubmission(bytes, msg.name, opts);
        // Its bytes' digest, so the same file sent twice under two names counts once (as the CLI's reading thread
        // does).
        checked.digest = await sha256(bytes);
        scope.postMessage({ type: 'read', index: msg.index, checked: slimChecked(checked) });
      } catch (err) {
        scope.postMessage({ type: 'read-failed', index: msg.index, message: (err as Error).message });
      }
    });
  };
}

/** The marked copy of one file, made here so the page stays responsive; its progress reported now and then. */
function annotate(scope: WorkerScope, msg: Extract<ToWorker, { type: 'annotate' }>): void {
  let shown = 0;
  const onProgress = (done: number) => {
    if (done - shown < 0.02 && done < 1) return;
    shown = done;
    scope.postMessage({ type: 'annotate-progress', done });
  };
  const result = annotateWorkbook(new Uint8Array(msg.bytes), msg.issues, {
    file: msg.name,
    limits: msg.limits,
    onProgress,
  });
  if (result.ok)
    scope.postMessage({
      type: 'annotated',
      bytes: result.bytes.buffer.slice(
        result.bytes.byteOffset,
        result.bytes.byteOffset + result.bytes.byteLength,
      ) as ArrayBuffer,
    });
  else scope.postMessage({ type: 'annotate-skipped', problem: result.reason });
}

async function prepare(setup: PageWorkerSetup): Promise<CheckOptions> {
  const options: CheckOptions = { limits: setup.limits, cutoff: setup.cutoff };
  const u = setup.units;
  if (u.kind === 'file') options.units = await parseHierarchy(u.bytes, u.name);
  // Read once: the list in force in the file's period, chosen once its Thông tin is read (as the CLI's threads do).
  else options.units = (period) => lookupFor({ kind: 'builtin' }, period);
  if (setup.previous) options.previous = previousFigures(parseSavedRollup(setup.previous.text, setup.previous.name));
  return options;
}

async function sha256(bytes: Uint8Array): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}
