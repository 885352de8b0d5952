import { isMainThread, threadId } from 'node:worker_threads';

/**
 * BDG_PHASES=1: each phase of a run said on stderr with the milliseconds since the process started (Node's start
 * included), the process's RSS and this thread's heap, to see where a run's time goes (`npm run bench`, issue 24).
 * Silent otherwise.
 */
export function phase(name: string): void {
  if (!process.env.BDG_PHASES) return;
  // The process's clock, the same on every thread (a thread's performance.now() starts with the thread).
  const ms = process.uptime() * 1000;
  const thread = isMainThread ? '' : ` ${threadName}`;
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  const mb = (n: number) => `${Math.round(n / 2 ** 20)}`.padStart(4);
  process.stderr.write(
    `[bdg${thread} ${ms.toFixed(0).padStart(6)} ms, RSS ${mb(rss)} MB, heap ${mb(heapUsed)} of ${mb(heapTotal)} MB` +
      `, external ${mb(external)} MB] ${name}\n`,
  );
}

/** How a thread's phases are marked: its role, set by the thread's script, and its number. */
let threadName = `luồng ${threadId}`;

export function nameThread(role: string): void {
  threadName = `${role} ${threadId}`;
}
