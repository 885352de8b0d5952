import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { installDataFiles } from '../core/data-files.js';
import { packageRoot } from './paths.js';

/**
 * BDG_CATALOGUE_OVERLAY: a folder laid out like catalogue/ (editions.csv, edition folders, crosswalk/) whose files
 * are taken before the package's. A maintainer tries an edition with it before adding it; the tests use it for a
 * second edition made only of files.
 */
const overlay = process.env.BDG_CATALOGUE_OVERLAY;
const CATALOGUE = 'catalogue/';

function overlaid(path: string): string | undefined {
  return overlay && (path === 'catalogue' || path.startsWith(CATALOGUE)) ? join(overlay, path.slice(CATALOGUE.length)) : undefined;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Importing this module gives the core the package's data files from disk (read once each). */
const cache = new Map<string, string>();
installDataFiles({
  list: (dir) => {
    const over = overlaid(dir);
    const own = over ? listDir(join(packageRoot, dir)) : readdirSync(join(packageRoot, dir));
    return over ? [...new Set([...own, ...listDir(over)])].sort() : own.sort();
  },
  read: (path) => {
    let text = cache.get(path);
    if (text === undefined) {
      const over = overlaid(path);
      let found: string | undefined;
      if (over)
        try {
          found = readFileSync(over, 'utf8');
        } catch {
          found = undefined;
        }
      cache.set(path, (text = found ?? readFileSync(join(packageRoot, path), 'utf8')));
    }
    return text;
  },
});
