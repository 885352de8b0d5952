import { joinChunks } from './bytes.js';
/** Characters JSON.stringify leaves as they are that a terminal may obey (C1, DEL, bidi): written as \u escapes. */
const JSON_ACTIVE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escapeActive = (text: string) =>
  text.replace(JSON_ACTIVE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** JSON as bdg writes it (stdout, the roll-up's .json): the same value once parsed, nothing a terminal would act on. */
export function jsonText(value: unknown): string {
  return `${escapeActive(JSON.stringify(value, null, 2))}\n`;
}

/**
 * The UTF-8 bytes of `jsonText(value)`, made piece by piece: each member of the top object, and each element of
 * the arrays it holds, is stringified alone and indented to its depth. A country's roll-up is ~17 MB of JSON, whose
 * text made at once (twice, with the escaping) held some 80 MB at the end of the run.
 */
export function jsonBytes(value: unknown): Uint8Array {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const put = (text: string) => chunks.push(encoder.encode(escapeActive(text)));
  // JSON.stringify's own output wherever a value may shape itself (toJSON) or is not a plain object.
  if (!isPlainObject(value)) return encoder.encode(jsonText(value));
  // The members JSON.stringify leaves out; one that is an object shaping itself (toJSON) is left to it too.
  const members = Object.entries(value).filter(
    ([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol',
  );
  const shaped = (v: unknown) =>
    typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function';
  if (!members.length || members.some(([, v]) => shaped(v))) return encoder.encode(jsonText(value));
  members.forEach(([key, v], i) => {
    put(`${i ? ',' : '{'}\n  ${JSON.stringify(key)}: `);
    if (!Array.isArray(v) || !v.length) return void put(indented(JSON.stringify(v, null, 2), '  '));
    // By index: a hole is `null`, as JSON.stringify writes it.
    for (let k = 0; k < v.length; k++)
      put(`${k ? ',' : '['}\n    ${indented(JSON.stringify(v[k], null, 2) ?? 'null', '    ')}`);
    put('\n  ]');
  });
  put('\n}\n');
  return joinChunks(chunks);
}

/** A value's JSON text placed at a depth: its lines after the first indented (a string in JSON holds no newline). */
const indented = (text: string, indent: string) => text.replaceAll('\n', `\n${indent}`);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
