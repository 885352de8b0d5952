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
  const enabled =
    useColor && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '') && Boolean(process.stdout.isTTY);
  // chalk's own detection gives the terminal's depth (and honours FORCE_COLOR); at least basic colours on a TTY.
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    color: new Chalk({ level: enabled ? (Math.max(chalk.level, 1) as 1 | 2 | 3) : 0 }),
  };
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

export { jsonText } from '../core/util/json-text.js';
