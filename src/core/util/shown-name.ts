/**
 * Names as bdg shows them: a name taken from a folder or a file (a file name, a sheet name, a unit name) may hold
 * bytes that are not UTF-8, or characters a terminal obeys instead of showing (ESC starts a sequence that clears the
 * screen or retitles the window; bidi overrides reorder what follows). Those are shown as escapes.
 */

/** C0, DEL, C1, the bidi marks, embeddings, overrides and isolates, and the line/paragraph separators. */
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\p{Cs}/gu;

const escape = (c: string): string => {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** Text safe to print to a terminal: every control or bidi character shown as its escape (`\x1b`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(ACTIVE, escape);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A file or folder name as bdg shows it everywhere (messages, the JSON's `path`, the outputs): its text, with control
 * and bidi characters as `\x1b`, `\u202e`, and each byte that is not part of valid UTF-8 as `\xff`. A `\` that would
 * read as such an escape is doubled (a name holding the four characters `\xff` is shown `\\xff`); any other `\`, as in
 * a Windows path, is shown as it is.
 */
export function shownName(name: string | Uint8Array): string {
  if (typeof name === 'string') return escapeText(name);
  if (isUtf8(name)) return escapeText(utf8.decode(name));
  let out = '';
  let run = 0; // start of the current run of valid sequences
  for (let i = 0; i < name.length;) {
    const len = sequenceLength(name, i);
    if (len) {
      i += len;
      continue;
    }
    out += `${escapeText(utf8.decode(name.subarray(run, i)))}\\x${name[i]!.toString(16).padStart(2, '0')}`;
    run = ++i;
  }
  return out + escapeText(utf8.decode(name.subarray(run)));
}

const escapeText = (text: string) => text.replace(/\\(?=x[0-9a-f]{2}|u[0-9a-f]{4})/gi, '\\\\').replace(ACTIVE, escape);

/** True when the bytes are valid UTF-8 (a name Node can use as a string path). */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The length of the valid UTF-8 sequence starting at `i` (RFC 3629: no overlong forms, no surrogates), or 0. */
function sequenceLength(b: Uint8Array, i: number): number {
  const b0 = b[i]!;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [lo, hi] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [lo, hi] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
