/**
 * The text files bdg ships with — catalogue CSVs, the report's wording, the built-in unit lists — by path
 * relative to the package root ("catalogue/BDG-2024.1/indicators.csv"). The core never touches a disk: each edge
 * installs
 * how to get them (the Node edge reads the package folder, the web page carries them inlined).
 */
export interface DataFiles {
  /** File names (not paths) directly in a folder, sorted. */
  list(dir: string): string[];
  /** A file's text; throws when it does not exist. */
  read(path: string): string;
}

let installed: DataFiles | undefined;

export function installDataFiles(files: DataFiles): void {
  installed = files;
}

export function dataFiles(): DataFiles {
  if (!installed)
    throw new Error('bdg: no data files installed (import src/node/package-data-files.js or the web edge first)');
  return installed;
}
