/** Characters JSON.stringify leaves as they are that a terminal may obey (C1, DEL, bidi): written as \u escapes. */
const JSON_ACTIVE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON as bdg writes it (stdout, the roll-up's .json): the same value once parsed, nothing a terminal would act on. */
export function jsonText(value: unknown): string {
  const text = JSON.stringify(value, null, 2);
  return `${text.replace(JSON_ACTIVE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}
