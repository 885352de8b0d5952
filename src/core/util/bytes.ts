/** Byte chunks joined into one array (the one given back as it is when there is only one). */
export function joinChunks(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Two byte arrays as one; when one is empty, the other as it is (neither is ever written into). */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (!a.length) return b;
  if (!b.length) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const ENCODER = new TextEncoder();

/** A text as UTF-8 bytes (an ASCII name or tag as its bytes). */
export function utf8(s: string): Uint8Array {
  return ENCODER.encode(s);
}

/** Whether `what` stands in `b` at `at`. */
export function startsWith(b: Uint8Array, at: number, what: Uint8Array): boolean {
  if (at + what.length > b.length) return false;
  for (let k = 0; k < what.length; k++) if (b[at + k] !== what[k]) return false;
  return true;
}
