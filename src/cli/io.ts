import chalk, { Chalk, type ChalkInstance } from 'chalk';
import { printable } from '../core/util/shown-name.js';

/** Where a command writes: stdout for the result, stderr for progress and chatter, with colour decided once. */
export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Colour for human-readable output; disabled by NO_COLOR, --no-color, or a non-terminal. */
  color: ChalkInstance;
}

export function processIO(useColor: boolean): CommandIO {
  const enabled = useColor && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '') && Boolean(process.stdout.isTTY);
  // chalk's own detection gives the terminal's depth (and honours FORCE_COLOR); at least basic colours on a TTY.
  return { stdout: process.stdout, stderr: process.stderr, color: new Chalk({ level: enabled ? Math.max(chalk.level, 1) as 1 | 2 | 3 : 0 }) };
}

/** Exit statuses of every command (docs/json.md, "Exit status"). */
export const EXIT = { ok: 0, dataErrors: 1, cannotRun: 2 } as const;

export { UsageError } from '../core/errors.js';

/**
 * Every name or message the CLI prints goes through `printable` (core/util/shown-name.ts): control and bidi
 * characters of a file, sheet or unit name are shown as escapes (`\x1b`, `\u202e`), never obeyed by the terminal.
 */
export { printable };

/** Printed text of several lines (commander's help, an error), each line made printable. */
export const printableLines = (text: string): string => text.split('\n').map(printable).join('\n');

/** Characters JSON.stringify leaves as they are that a terminal may obey (C1, DEL, bidi): written as \u escapes. */
const JSON_ACTIVE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON for stdout: the same value once parsed, with nothing in it a terminal would act on. */
export function jsonText(value: unknown): string {
  const text = JSON.stringify(value, null, 2);
  return `${text.replace(JSON_ACTIVE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}
