// Builds dist/bdg.html: the whole browser edge (src/web) over the pure core, with the shipped data files, the CSS
// and the worker, in one self-contained page that works opened from disk. Run by `npm run build` after tsc.
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Every file under these folders reaches the page, so data added later needs no change here. */
const DATA_DIRS = ['catalogue', 'data'];
/**
 * BDG_CATALOGUE_OVERLAY: a folder laid out like catalogue/ whose files the page takes before the package's, as the
 * CLI does (src/node/package-data-files.ts): a maintainer tries an edition in the page, the tests build a page with two.
 */
const OVERLAY = process.env.BDG_CATALOGUE_OVERLAY;
/** BDG_WEB_OUT: where the page is written (dist/bdg.html by default), so a page built for a test leaves dist/ alone. */
const OUT = process.env.BDG_WEB_OUT ? resolve(process.env.BDG_WEB_OUT) : join(root, 'dist/bdg.html');

function walk(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

/** `import files from 'bdg:data-files'` → { "catalogue/BDG-2024.1/indicators.csv": "…", … } */
const dataFilesPlugin = {
  name: 'bdg-data-files',
  setup(build) {
    build.onResolve({ filter: /^bdg:data-files$/ }, () => ({ path: 'data-files', namespace: 'bdg' }));
    build.onLoad({ filter: /.*/, namespace: 'bdg' }, () => {
      const files = {};
      const watchFiles = [];
      // The overlay's files come after the package's, so they replace them (as src/node/package-data-files.ts reads them).
      const sources = DATA_DIRS.map((dir) => ({ abs: join(root, dir), name: dir }));
      if (OVERLAY) sources.push({ abs: resolve(OVERLAY), name: 'catalogue' });
      for (const { abs, name } of sources) {
        try {
          statSync(abs);
        } catch {
          continue;
        }
        // A folder the overlay has inside the catalogue (crosswalk/, an edition's) is the overlay's alone, as
        // src/node/package-data-files.ts reads it: the package's crosswalks to editions the overlay does not list go.
        if (abs === resolve(OVERLAY ?? '') && name === 'catalogue')
          for (const sub of readdirSync(abs).filter((d) => statSync(join(abs, d)).isDirectory()))
            for (const key of Object.keys(files)) if (key.startsWith(`catalogue/${sub}/`)) delete files[key];
        for (const path of walk(abs)) {
          if (/(^|[\\/])\./.test(relative(abs, path))) continue;
          files[[name, ...relative(abs, path).split(sep)].join('/')] = readFileSync(path, 'utf8');
          watchFiles.push(path);
        }
      }
      return { contents: `export default ${JSON.stringify(files)};`, loader: 'js', watchFiles };
    });
  },
};

const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
/**
 * csv-parse's Node build uses Node's Buffer; its browser build (dist/esm) carries its own small Buffer. The core
 * imports `csv-parse/sync` (src/core/util/csv.ts: every CSV), so the page takes the browser build.
 */
const csvParseForBrowser = {
  name: 'csv-parse-browser',
  setup(build) {
    build.onResolve({ filter: /^csv-parse\/sync$/ }, () => ({
      path: join(root, 'node_modules/csv-parse/dist/esm/sync.js'),
    }));
  },
};

const result = await esbuild.build({
  entryPoints: [join(root, 'src/web/main.ts')],
  bundle: true,
  write: false,
  platform: 'browser',
  format: 'iife',
  target: ['chrome109', 'firefox115', 'edge109'],
  minify: true,
  legalComments: 'none',
  charset: 'utf8',
  // The core is written for Node's ESM resolution (.js suffixes on .ts files); esbuild maps them.
  resolveExtensions: ['.ts', '.js', '.mjs'],
  define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis', __BDG_VERSION__: JSON.stringify(version) },
  plugins: [dataFilesPlugin, csvParseForBrowser],
  logLevel: 'warning',
});
const script = result.outputFiles[0].text;
const html = readFileSync(join(root, 'src/web/page.html'), 'utf8');
const css = readFileSync(join(root, 'src/web/page.css'), 'utf8');
const scriptSafe = script.replace(/<\/script/gi, '<\\/script');
const page = html
  .replace('/*BDG_CSS*/', () => css)
  .replaceAll('{{VERSION}}', () => version)
  .replace('/*BDG_SCRIPT*/', () => scriptSafe);
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, page);
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
if (process.env.BDG_WEB_SIZE)
  console.error(`dist/bdg.html: ${kb(Buffer.byteLength(page))}, ${kb(gzipSync(page, { level: 9 }).length)} gzipped`);
