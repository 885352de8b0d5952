import { inflateSync } from 'fflate';

/**
 * Inflates a whole raw-deflate part into at most `max` bytes. The core uses fflate (it runs in the page too); an
 * edge may install a faster one (Node's zlib, see src/node/native-inflate.ts). One that would write more than `max`
 * bytes throws `OutputTooLarge` instead; a damaged stream throws anything else.
 */
export type InflateWhole = (raw: Uint8Array, max: number) => Uint8Array;

export class OutputTooLarge extends Error {}

const fflateWhole: InflateWhole = (raw, max) => {
  // Into a buffer of `max` plus one byte: a stream that fills the extra byte is longer than allowed.
  const out = inflateSync(raw, { out: new Uint8Array(max + 1) });
  if (out.length > max) throw new OutputTooLarge();
  return out;
};

let installed: InflateWhole = fflateWhole;

export function installInflater(inflate: InflateWhole | null): void {
  installed = inflate ?? fflateWhole;
}

export function inflateWhole(raw: Uint8Array, max: number): Uint8Array {
  return installed(raw, max);
}
