import { HierarchyError, readHierarchy, type Hierarchy } from '../read/hierarchy.js';
import { UsageError } from './io.js';

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
