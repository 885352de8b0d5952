// Builds dist/bundle/: the CLI (bin/bdg.js runs it), the reading thread and the report thread, each with every dependency bundled in,
// split into chunks they share and chunks loaded only when needed (the writers, exceljs and docx, load while the
// threads read). One file per part instead of ~1.500 modules: Node resolves and compiles a few files, which halves
// the start of the CLI and of each thread. Run by `npm run build` after tsc (tsc's dist/ stays for scripts and tests).
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * exceljs's index loads its streaming reader and writer and its CSV with the workbook; bdg uses its workbook and
 * `writeBuffer` only. Those three are bundled as a stub that throws if ever constructed (exceljs-not-bundled.cjs):
 * the summary's writer then loads without unzipper, archiver and fast-csv (~0,1 s less, while the files are read).
 */
const exceljsWritingOnly = {
  name: 'exceljs-writing-only',
  setup(build) {
    const unused = /^(\.\/stream\/xlsx\/workbook-(reader|writer)|\.\.\/csv\/csv)$/;
    build.onResolve({ filter: unused }, (args) =>
      /[\\/]node_modules[\\/]exceljs[\\/]lib[\\/]/.test(args.importer)
        ? { path: join(root, 'scripts/exceljs-not-bundled.cjs') }
        : undefined,
    );
  },
};
const outdir = join(root, 'dist/bundle');
rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  // The threads' file names are what src/node/thread-script.ts looks for next to the module starting them.
  entryPoints: {
    cli: join(root, 'src/cli/cli.ts'),
    'read-worker': join(root, 'src/node/read-worker.ts'),
    'report-worker': join(root, 'src/node/report-worker.ts'),
    'annotate-worker': join(root, 'src/node/annotate-worker.ts'),
    // Loaded by bin/bdg.js before the CLI, to start the first reading thread sooner; shared with the CLI's chunks.
    'reader-thread': join(root, 'src/node/reader-thread.ts'),
  },
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir,
  // The core is written for Node's ESM resolution (.js suffixes on .ts files); esbuild maps them.
  resolveExtensions: ['.ts', '.js', '.mjs'],
  // CommonJS dependencies (exceljs and its zip libraries) `require` Node's built-in modules.
  banner: {
    js: "import { createRequire as __bdgRequire } from 'node:module'; const require = __bdgRequire(import.meta.url);",
  },
  // Names kept, so a stack trace in a bug report still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  // The bundled libraries' licence notices stay with their code.
  legalComments: 'eof',
  charset: 'utf8',
  plugins: [exceljsWritingOnly],
  logLevel: 'warning',
});

// The catalogue checked once here, for the bundle to take at start when its data files are these very ones
// (src/node/catalogue-cache.ts). tsc's dist/node is the same source as the bundle, built by the same `npm run build`.
const { writeCatalogueCache } = await import('../dist/node/catalogue-cache.js');
const { packageDataFiles } = await import('../dist/node/package-data-files.js');
const problems = writeCatalogueCache(join(outdir, 'catalogue-cache.bin'), packageDataFiles(undefined));
// A catalogue being edited need not stop the build: without a cache, the CLI checks it and says what is wrong.
for (const p of problems) console.warn(`bdg build: no catalogue cache: ${p.file}: ${p.problems.join('; ')}`);
