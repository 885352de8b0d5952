import { installDataFiles } from '../core/data-files.js';
import files from 'bdg:data-files';

/** Importing this module gives the core the data files inlined into the page at build time (scripts/build-web.mjs). */
installDataFiles({
  list: (dir) => {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    return Object.keys(files)
      .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
      .map((p) => p.slice(prefix.length))
      .sort();
  },
  read: (path) => {
    const text = files[path.replace(/^\.\//, '')];
    if (text === undefined) throw new Error(`bdg: no data file ${path} in the page`);
    return text;
  },
});
