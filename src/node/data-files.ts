import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { installDataFiles } from '../core/data-files.js';
import { packageRoot } from './paths.js';

/** Importing this module gives the core the package's data files from disk (read once each). */
const cache = new Map<string, string>();
installDataFiles({
  list: (dir) => readdirSync(join(packageRoot, dir)).sort(),
  read: (path) => {
    let text = cache.get(path);
    if (text === undefined) cache.set(path, (text = readFileSync(join(packageRoot, path), 'utf8')));
    return text;
  },
});
