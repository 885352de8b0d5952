import { HierarchyError, type Hierarchy } from '../core/read/hierarchy.js';
import { readHierarchy } from './unit-list-file.js';
import { UsageError } from '../core/errors.js';

/** The unit list for a command, or a UsageError (exit 2) that says what is wrong with it. */
export async function loadUnits(file: string | undefined): Promise<Hierarchy | undefined> {
  if (!file) return undefined;
  try {
    return await readHierarchy(file);
  } catch (err) {
    if (err instanceof HierarchyError) throw new UsageError(err.message);
    throw err;
  }
}
