import { readFile } from 'node:fs/promises';
import type { Rollup } from '../core/model.js';
import { UsageError } from '../core/errors.js';
import { parseSavedRollup } from '../core/rollup/saved.js';

/** Reads a roll-up JSON written by `consolidate` (`what` names it in the message: "tệp kỳ trước"). */
export async function loadSavedRollup(path: string, what: string): Promise<Rollup> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `không đọc được ${what} "${path}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'không có tệp này' : (err as Error).message}.`,
    );
  }
  return parseSavedRollup(text, path);
}
