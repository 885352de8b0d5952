import { readFile } from 'node:fs/promises';
import { HierarchyError, parseHierarchy, type Hierarchy } from '../core/units/hierarchy.js';

/** Reads a unit list file (CSV or XLSX). */
export async function readHierarchy(file: string): Promise<Hierarchy> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new HierarchyError(
      [
        `không đọc được tệp (${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'không tồn tại' : (err as Error).message})`,
      ],
      file,
    );
  }
  return parseHierarchy(bytes, file);
}
