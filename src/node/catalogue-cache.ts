import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { formEditions, loadedCatalogues, type Catalogue, type FormEdition } from '../core/catalogue/catalogue.js';
import {
  adoptCheckedCatalogues,
  assertCatalogue,
  catalogueChecked,
  catalogueProblems,
  type CatalogueProblems,
} from '../core/catalogue/check.js';
import { dataFiles, installDataFiles, type DataFiles } from '../core/data-files.js';
import { phase } from './phase-clock.js';

/**
 * The build's checked catalogue, so that a run does not parse and check the same CSV files at every start (~40 ms of
 * the main thread, most of it csv-parse running cold). Derived, never a source: the CSV files are. `npm run build`
 * checks the package's catalogue and writes every data file call the check made (list or read, by path), a SHA-256
 * of what they gave, and the editions listed and loaded (v8.serialize: they hold Maps). A run replays those calls on
 * its own data files (an overlay's, an edited edition's) and takes the editions only when every outcome is the same
 * byte for byte: the check is a function of what it reads, so it would find what the build found. Anything else (no
 * cache, another V8, a damaged file, other files) and the run checks the catalogue as it always did.
 *
 * Next to the bundle, which reads it: the code that takes the editions is built with the code that wrote them (the
 * tests, running the sources, have none).
 */
export const CATALOGUE_CACHE = fileURLToPath(new URL('catalogue-cache.bin', import.meta.url));

const MAGIC = 'bdg-catalogue-cache/1\n';

type Call = ['list' | 'read', string];

interface Header {
  /** V8 writes and reads the editions: another V8 may not read them the same. */
  v8: string;
  /** Each data file call of the check, once, in the order first made. */
  calls: Call[];
  /** What the calls gave (keyOf). */
  key: string;
  /** SHA-256 of the serialized editions that follow the header. */
  digest: string;
}

/** What the check leaves loaded: the editions listed, and each edition. */
interface Cached {
  editions: FormEdition[];
  catalogues: Catalogue[];
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** One SHA-256 over each call, its path and what it gave (the names listed, the text read, or that it failed). */
function keyOf(files: DataFiles, calls: readonly Call[]): string {
  const hash = createHash('sha256');
  for (const [op, path] of calls) {
    let given: string | undefined;
    try {
      given = op === 'list' ? files.list(path).join('\0') : files.read(path);
    } catch {
      given = undefined;
    }
    // Lengths first: no two sequences of calls and outcomes hash the same text.
    const call = `${op}:${path}`;
    hash.update(`${call.length}\0${call}\0`);
    hash.update(given === undefined ? '-\0' : `${given.length}\0${given}\0`);
  }
  return hash.digest('hex');
}

/** The data files, each call the check makes on them noted once. */
function recording(files: DataFiles, calls: Map<string, Call>): DataFiles {
  const note = (op: Call[0], path: string) => {
    if (!calls.has(`${op}:${path}`)) calls.set(`${op}:${path}`, [op, path]);
  };
  return {
    list: (dir) => (note('list', dir), files.list(dir)),
    read: (path) => (note('read', path), files.read(path)),
  };
}

/**
 * Checks the catalogue of `files` and, when it is sound, writes the cache to `path` (`npm run build`). Returns the
 * problems found (no cache then: the CLI says them when it runs). The data files installed before stay installed.
 */
export function writeCatalogueCache(path: string, files: DataFiles): CatalogueProblems[] {
  const calls = new Map<string, Call>();
  const before = dataFiles();
  installDataFiles(recording(files, calls));
  try {
    const problems = catalogueProblems();
    if (problems.length) return problems;
    const cached: Cached = { editions: formEditions(), catalogues: loadedCatalogues() };
    const body = serialize(cached);
    const header: Header = { v8: process.versions.v8, calls: [...calls.values()], key: '', digest: sha256(body) };
    header.key = keyOf(files, header.calls);
    const head = Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`, 'utf8');
    writeFileSync(`${path}.tmp`, Buffer.concat([head, body]));
    renameSync(`${path}.tmp`, path);
    return [];
  } finally {
    installDataFiles(before);
  }
}

/**
 * Takes the cache's editions as checked when it was made from exactly the installed data files; says why not
 * otherwise ('used' when taken). Never throws: a cache that cannot be used is only not used.
 */
export function useCatalogueCache(path = CATALOGUE_CACHE): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return 'none';
  }
  try {
    const end = bytes.indexOf(10, MAGIC.length);
    if (bytes.subarray(0, MAGIC.length).toString('latin1') !== MAGIC || end < 0) return 'not a cache';
    const header = JSON.parse(bytes.subarray(MAGIC.length, end).toString('utf8')) as Header;
    const body = bytes.subarray(end + 1);
    if (header.v8 !== process.versions.v8) return `made by V8 ${header.v8}`;
    if (sha256(body) !== header.digest) return 'damaged';
    if (!Array.isArray(header.calls) || keyOf(dataFiles(), header.calls) !== header.key) return 'other data files';
    const { editions, catalogues } = deserialize(body) as Cached;
    return adoptCheckedCatalogues(editions, catalogues) ? 'used' : 'other editions';
  } catch {
    return 'damaged';
  }
}

/** assertCatalogue(), the build's cache taken first when it fits (BDG_PHASES=1 says whether it did). */
export function checkCatalogue(): void {
  if (!catalogueChecked()) phase(`catalogue cache: ${useCatalogueCache()}`);
  assertCatalogue();
}
