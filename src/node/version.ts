import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { packageRoot } from './paths.js';

/** The installed package's version, as `bdg --version` prints it and outputs name their maker ("bdg 0.1.0"). */
export const VERSION: string = (
  JSON.parse(readFileSync(resolve(packageRoot, 'package.json'), 'utf8')) as { version: string }
).version;
