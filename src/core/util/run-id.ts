import { format } from 'date-fns';

/**
 * A run id: when the consolidation started, and a random part so two runs in one second differ
 * ("20241231-235959-3fa2"). The random bytes come from the Web Crypto API, which Node and browsers both have. A run
 * whose date is pinned (SOURCE_DATE_EPOCH) has "0000" instead: the same run makes the same outputs.
 */
export function newRunId(now: Date, pinned = false): string {
  const random = pinned ? new Uint8Array(2) : globalThis.crypto.getRandomValues(new Uint8Array(2));
  return `${format(now, 'yyyyMMdd-HHmmss')}-${Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
