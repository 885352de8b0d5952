import { parentPort, workerData } from 'node:worker_threads';
import './package-data-files.js';
import type { WorkerSetup } from './read-files.js';
import { serveReading } from './reading-service.js';
import { nameThread, phase } from './phase-clock.js';

nameThread('reader');
phase('loaded');

/**
 * One reading thread: loads the unit list once, then reads and validates the files it is sent. Started early
 * (bin/bdg.js, see reader-thread.ts), it gets its setup in the first message, once the options are read.
 */
await serveReading((workerData as WorkerSetup | null) ?? (await setupWhenSent()));

/**
 * The setup, sent once the CLI has read its options (and loaded and checked the form editions, which it sends
 * along). Until then the thread, its code loaded, waits.
 */
function setupWhenSent(): Promise<WorkerSetup> {
  return new Promise<WorkerSetup>((ok) => parentPort!.once('message', (m: { setup: WorkerSetup }) => ok(m.setup)));
}
