// The reading pool of the core (src/core/pool/reading-pool.ts), which the Node threads and the page's workers both use,
// driven with workers made here: each reads a "file" after the delay the test gives it, or dies on it.
import { describe, expect, it } from 'vitest';
import { runPool, type PoolWorker, type WorkerEvents } from '../src/core/pool/reading-pool.js';
import type { Issue } from '../src/core/model.js';

/** What a file does on its worker: read in `ms`, hang, or kill the worker. */
type Behaviour = { ms: number } | 'hang' | 'die';

function pool(
  files: Behaviour[],
  workers: number,
  limitMs = 200,
  refuse?: (i: number) => string | undefined,
  queued: { depth?: number; firstBatch?: number; leaves?: number } = {},
) {
  const log: string[] = [];
  let started = 0;
  let done = 0;
  const run = runPool<string>({
    files: files.length,
    workers,
    maxMillisPerFile: limitMs,
    depth: queued.depth,
    firstBatch: queued.firstBatch,
    start: (events: WorkerEvents<string>): PoolWorker => {
      const id = ++started;
      let alive = true;
      // The worker reads what it is sent one at a time, in order.
      let queue = Promise.resolve();
      // The worker `leaves` could not start (a helper): it leaves instead of saying it is ready.
      setTimeout(() => (id === queued.leaves ? events.leave() : events.ready()), 5);
      return {
        send: (i) => {
          log.push(`w${id}<${i}`);
          queue = queue.then(async () => {
            const b = files[i]!;
            if (b === 'hang') return new Promise<void>(() => {});
            if (b === 'die') {
              if (alive) events.lost({ rule: 'file-unreadable' } as Issue, new Error('died idle'));
              return;
            }
            await new Promise((ok) => setTimeout(ok, b.ms));
            if (alive) events.result(i, `read ${i} on w${id}`);
          });
        },
        stop: (clean) => {
          alive = false;
          log.push(`w${id} ${clean ? 'done' : 'stopped'}`);
        },
      };
    },
    failed: (i, found) => `${found.rule} ${i}`,
    refuse,
    onDone: () => done++,
  });
  return { run, log, workers: () => started, done: () => done };
}

describe('the reading pool (core), with workers made by the test', () => {
  it('gives results in the order of the files, whatever finishes first', async () => {
    const p = pool([{ ms: 40 }, { ms: 1 }, { ms: 20 }, { ms: 1 }, { ms: 5 }], 2);
    const results = await p.run;
    expect(results.map((r) => r.replace(/ on w\d/, ''))).toEqual(['read 0', 'read 1', 'read 2', 'read 3', 'read 4']);
    expect(p.done()).toBe(5);
    expect(p.workers()).toBe(2);
    expect(p.log.filter((l) => l.endsWith('done'))).toHaveLength(2);
  });

  it('a worker that leaves before it is ready (a helper that could not start): the others read every file', async () => {
    const p = pool([{ ms: 2 }, { ms: 2 }, { ms: 2 }, { ms: 2 }], 2, 200, undefined, { leaves: 2 });
    const results = await p.run;
    expect(results).toEqual([0, 1, 2, 3].map((i) => `read ${i} on w1`));
    expect(p.workers()).toBe(2);
    expect(p.log).toContain('w2 stopped');
    expect(p.log.filter((l) => l.startsWith('w2<'))).toEqual([]);
  });

  it('a worker is sent its first batch when ready, then kept at its depth; results stay in order', async () => {
    const files = Array.from({ length: 8 }, () => ({ ms: 2 }));
    const p = pool(files, 1, 200, undefined, { depth: 2, firstBatch: 5 });
    const results = await p.run;
    expect(results).toEqual(files.map((_, i) => `read ${i} on w1`));
    // Five sent before any result; the next only once the queue is below two again (after four results).
    expect(p.log.slice(0, 5)).toEqual(['w1<0', 'w1<1', 'w1<2', 'w1<3', 'w1<4']);
    expect(p.log.filter((l) => l.startsWith('w1<')).map((l) => Number(l.slice(3)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('a file that hangs in a first batch: rejected, the files behind it read by a new worker', async () => {
    const p = pool([{ ms: 1 }, 'hang', { ms: 1 }, { ms: 1 }, { ms: 1 }], 1, 100, undefined, { firstBatch: 5 });
    const results = await p.run;
    expect(results[1]).toBe('file-timeout 1');
    expect(results.slice(2)).toEqual(['read 2 on w2', 'read 3 on w2', 'read 4 on w2']);
    expect(p.workers()).toBe(2);
  });

  it('a file over the time limit is rejected, its worker replaced, the file queued behind it read by the new one', async () => {
    const p = pool([{ ms: 1 }, 'hang', { ms: 1 }, { ms: 1 }], 1, 100);
    const results = await p.run;
    expect(results[1]).toBe('file-timeout 1');
    expect(results.filter((r) => r.startsWith('read'))).toHaveLength(3);
    expect(p.workers()).toBe(2);
    expect(p.log).toContain('w1 stopped');
    // File 2 was sent to the first worker behind the one that hung, and read again by the second.
    expect(p.log).toContain('w1<2');
    expect(results[2]).toBe('read 2 on w2');
  });

  it('a file that kills its worker is rejected; with nothing in flight the run stops with the error', async () => {
    const p = pool([{ ms: 1 }, 'die', { ms: 1 }], 1);
    const results = await p.run;
    expect(results).toEqual(['read 0 on w1', 'file-unreadable 1', 'read 2 on w2']);
    const idle = runPool<string>({
      files: 2,
      workers: 1,
      maxMillisPerFile: 100,
      start: (events) => {
        setTimeout(() => events.lost({ rule: 'x' } as Issue, new Error('could not start')), 5);
        return { send: () => {}, stop: () => {} };
      },
      failed: () => 'failed',
      onDone: () => {},
    });
    // Lost before it was sent any file (it never said ready): nothing to blame on a file, the run stops.
    await expect(idle).rejects.toThrow('could not start');
  });

  it('a fatal error stops every worker and the run', async () => {
    const stops: boolean[] = [];
    const run = runPool<string>({
      files: 4,
      workers: 2,
      maxMillisPerFile: 1000,
      start: (events) => {
        const n = stops.push(false) - 1;
        setTimeout(() => (n === 0 ? events.fatal(new Error('catalogue broken')) : events.ready()), 5);
        return { send: () => {}, stop: () => void (stops[n] = true) };
      },
      failed: () => 'failed',
      onDone: () => {},
    });
    await expect(run).rejects.toThrow('catalogue broken');
    expect(stops).toEqual([true, true]);
  });

  it('a file refused before sending is never sent', async () => {
    const p = pool([{ ms: 1 }, { ms: 1 }, { ms: 1 }], 1, 200, (i) => (i === 1 ? 'too large' : undefined));
    expect(await p.run).toEqual(['read 0 on w1', 'too large', 'read 2 on w1']);
    expect(p.log.some((l) => l.endsWith('<1'))).toBe(false);
  });
});
