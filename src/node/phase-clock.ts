/**
 * BDG_PHASES=1: each phase of a run said on stderr with the milliseconds since the process started (Node's start
 * included), the process's RSS and this thread's heap, to see where a run's time goes (`npm run bench`, issue 24).
 * Silent otherwise.
 */
export function phase(name: string): void {
  if (!process.env.BDG_PHASES) return;
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  const mb = (n: number) => `${Math.round(n / 2 ** 20)}`.padStart(4);
  process.stderr.write(
    `[bdg ${performance.now().toFixed(0).padStart(6)} ms, RSS ${mb(rss)} MB, heap ${mb(heapUsed)} of ${mb(heapTotal)} MB` +
      `, external ${mb(external)} MB] ${name}\n`,
  );
}
