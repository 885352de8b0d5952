import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseConfig, type Config } from '../core/config.js';
import { UsageError } from '../core/errors.js';

/** Reads a config file; its `units` path is taken relative to the file. */
export async function loadConfig(file: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`không đọc được tệp cấu hình "${file}". Kiểm tra lại đường dẫn.`);
  }
  const config = parseConfig(text, file);
  if (config.units) config.unitsPath = resolve(dirname(file), config.units);
  return config;
}
