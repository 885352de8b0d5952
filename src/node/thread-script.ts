import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from './paths.js';

/**
 * The script of a thread (`read-worker`, `report-worker`): the one beside the calling module when it runs bundled
 * (dist/bundle/, see scripts/build-node.mjs) or compiled (dist/node/), the compiled one when it runs from src/ (tests).
 */
export function threadScript(name: string, from: string): URL {
  const beside = new URL(`./${name}.js`, from);
  return existsSync(beside) ? beside : pathToFileURL(resolve(packageRoot, `dist/node/${name}.js`));
}
