import { dataFiles } from '../data-files.js';
import { checkTemplate } from '../write/report/wording.js';
import { CHECK_FINDINGS } from '../validate/checks.js';
import {
  adoptCatalogues,
  adoptFormEditions,
  CatalogueError,
  editionFile,
  formEditions,
  loadCatalogue,
  wordingFile,
  type Catalogue,
  type FormEdition,
} from './catalogue.js';
import { allCrosswalkProblems } from './crosswalk.js';

export interface CatalogueProblems {
  file: string;
  problems: string[];
}

const CODE = /^([A-Z0-9]+\.\d{2})(?:\.(nu|dtts))?(%|\+)?$/;
const CODE_ARG = new Set(['money', 'communes', 'part', 'plan', 'plan%']);
const RATIO_ARG = new Set(['ratio', 'target', 'goal']);

/** What an edition's wording names that the edition does not have: every placeholder is checked, used or not. */
export function wordingProblems(catalogue: Catalogue, template: string): string[] {
  const file = wordingFile(catalogue.version);
  try {
    checkTemplate(template, file);
  } catch (err) {
    return [(err as Error).message];
  }
  const problems: string[] = [];
  const ratios = new Set(catalogue.ratios.map((r) => r.id));
  template.split(/\r?\n/).forEach((line, i) => {
    if (line.trim().startsWith('%')) return;
    for (const [, name] of line.matchAll(/\{([^}]*)\}/g)) {
      const code = CODE.exec(name!);
      const [kind, arg] = name!.split(/[:|]/);
      const missing =
        code ? !catalogue.byCode.has(code[1]!)
        : CODE_ARG.has(kind!) ? !catalogue.byCode.has(arg ?? '')
        : RATIO_ARG.has(kind!) ? !ratios.has(arg ?? '')
        : kind === 'change' && !catalogue.byCode.has(arg ?? '') && !ratios.has(arg ?? '');
      if (missing) problems.push(`dòng ${i + 1}: {${name}} nói đến mã không có trong ${catalogue.version}`);
    }
  });
  return problems;
}

/**
 * Every problem of the shipped catalogue: each edition's files and internal references, its wording, and each
 * crosswalk against both editions. `npm test` asserts there is none; the CLI checks it before reading any file.
 */
export function catalogueProblems(): CatalogueProblems[] {
  const found: CatalogueProblems[] = [];
  let editions: string[];
  try {
    editions = formEditions().map((e) => e.id);
  } catch (err) {
    if (err instanceof CatalogueError) return [{ file: err.file, problems: err.problems }];
    throw err;
  }
  const sound: string[] = [];
  for (const id of editions) {
    try {
      const catalogue = loadCatalogue(id);
      sound.push(id);
      const unknown = [...new Set(catalogue.rules.map((r) => r.rule).filter((rule) => !Object.hasOwn(CHECK_FINDINGS, rule)))];
      if (unknown.length) found.push({ file: editionFile(id, 'checks'), problems: unknown.map((r) => `quy tắc "${r}" không có (bdg có: ${Object.keys(CHECK_FINDINGS).join(', ')})`) });
      let template: string | undefined;
      try {
        template = dataFiles().read(wordingFile(id));
      } catch {
        found.push({ file: wordingFile(id), problems: ['không có tệp này'] });
      }
      if (template !== undefined) {
        const problems = wordingProblems(catalogue, template.normalize('NFC'));
        if (problems.length) found.push({ file: wordingFile(id), problems });
      }
    } catch (err) {
      if (!(err instanceof CatalogueError)) throw err;
      found.push({ file: err.file, problems: err.problems });
    }
  }
  // A crosswalk is checked once both its editions load.
  if (sound.length === editions.length) found.push(...allCrosswalkProblems().filter((c) => c.problems.length));
  return found;
}

let checkedFor: unknown;

/** Throws a CatalogueError (exit 2, naming the file) when the catalogue is broken; checked once per data files. */
export function assertCatalogue(): void {
  if (catalogueChecked()) return;
  const [first] = catalogueProblems();
  if (first) throw new CatalogueError(first.file, first.problems);
  checkedFor = dataFiles();
}

/** Whether the installed data files' catalogue is known sound: checked here, or adopted as checked. */
export function catalogueChecked(): boolean {
  return checkedFor === dataFiles();
}

/**
 * Takes the editions listed and every edition as loaded and checked elsewhere from data files identical to the
 * installed ones, and marks them checked: assertCatalogue() then returns at once, reading nothing. The caller vouches
 * for the match (the Node edge's build cache, src/node/catalogue-cache.ts, compares every file the check reads).
 * False, and nothing taken, unless the catalogues are exactly the editions listed.
 */
export function adoptCheckedCatalogues(editions: readonly FormEdition[], given: readonly Catalogue[]): boolean {
  const ids = new Set(editions.map((e) => e.id));
  const versions = new Set(given.map((c) => c.version));
  if (ids.size !== editions.length || versions.size !== given.length || ids.size !== versions.size) return false;
  if (![...ids].every((id) => versions.has(id))) return false;
  adoptFormEditions(editions);
  adoptCatalogues(given);
  checkedFor = dataFiles();
  return true;
}
