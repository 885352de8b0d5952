import { format } from 'date-fns';

/**
 * A run id: when the consolidation started, and a random part so two runs in one second differ
 * ("20241231-235959-3fa2"). The random bytes come from the Web Crypto API, which Node and browsers both have.
 */
export function newRunId(now: Date): string {
  const random = globalThis.crypto.getRandomValues(new Uint8Array(2));
  return `${format(now, 'yyyyMMdd-HHmmss')}-${Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
