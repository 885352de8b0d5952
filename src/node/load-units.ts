import { readFile } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { programmeAreaColumn } from '../core/units/programme-column.js';
import { HierarchyError } from '../core/units/hierarchy.js';
import { findEdition, unitsEditions } from '../core/units/builtin.js';
import type { UnitSource } from '../core/units/source.js';
import { readHierarchy } from './unit-list-file.js';
import { UsageError } from '../core/errors.js';

/** What a command was told about units: a list file (`--units` or config `units`) and/or `--units-edition`. */
export interface UnitsChoice {
  file?: string;
  edition?: string;
}

/**
 * The units of a command: a province's own list when given (it wins over an edition), else the built-in lists.
 * A bad list or an unknown edition is a UsageError (exit 2) that says what is wrong.
 */
export async function loadUnitSource(choice: UnitsChoice): Promise<UnitSource> {
  const edition = choice.edition === undefined ? undefined : findEdition(choice.edition);
  if (choice.edition !== undefined && !edition)
    throw new UsageError(
      `--units-edition "${choice.edition}" không có: dùng ${unitsEditions()
        .map((e) => `${e.id} (${e.name})`)
        .join(' hoặc ')}.`,
    );
  if (!choice.file) return { kind: 'builtin', edition };
  try {
    // Named in messages as the person would type it: relative to where they are, when it is below.
    const shown = relative(process.cwd(), choice.file);
    const file = shown && !shown.startsWith('..') && !isAbsolute(shown) ? shown : choice.file;
    const hierarchy = await readHierarchy(choice.file);
    const area = programmeAreaColumn(await readFile(choice.file), file);
    return { kind: 'list', hierarchy, file, ...(area ? { programmeArea: area } : {}) };
  } catch (err) {
    if (err instanceof HierarchyError) throw new UsageError(err.message);
    throw err;
  }
}
