import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { installDataFiles, type DataFiles } from '../core/data-files.js';
import { packageRoot } from './paths.js';

const CATALOGUE = 'catalogue/';

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The package's data files from disk (read once each). `overlay`: a folder laid out like catalogue/ (editions.csv,
 * edition folders, crosswalk/) whose files are taken before the package's — BDG_CATALOGUE_OVERLAY, with which a
 * maintainer tries an edition before adding it, and the tests add a second edition made only of files.
 */
export function packageDataFiles(overlay = process.env.BDG_CATALOGUE_OVERLAY): DataFiles {
  const overlaid = (path: string) =>
    overlay && (path === 'catalogue' || path.startsWith(CATALOGUE))
      ? join(overlay, path.slice(CATALOGUE.length))
      : undefined;
  const cache = new Map<string, string>();
  return {
    list: (dir) => {
      const over = overlaid(dir);
      const own = over ? listDir(join(packageRoot, dir)) : readdirSync(join(packageRoot, dir));
      // A folder the overlay has inside the catalogue (crosswalk/, an edition's) is the overlay's alone: the
      // package's crosswalks to editions the overlay's editions.csv does not list are not part of its catalogue.
      if (over && dir !== 'catalogue' && listDir(over).length) return listDir(over).sort();
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
  };
}

/** Importing this module gives the core the package's data files. */
installDataFiles(packageDataFiles());
