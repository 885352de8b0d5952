import {
  builtinUnits,
  editionForPeriod,
  findEdition,
  unitsEditions,
  type UnitsEdition,
} from '../core/units/builtin.js';
import type { Hierarchy } from '../core/units/hierarchy.js';
import type { Period } from '../core/model.js';

/* The built-in unit lists for the Biểu mẫu tab's pickers: the core's editions (src/core/units/builtin.ts), with a label. */

export type { UnitsEdition };

export function editions(): UnitsEdition[] {
  return unitsEditions();
}

/** "Danh mục đơn vị hành chính từ 1/7/2025": the edition's name as a label starting a line. */
export function editionLabel(edition: UnitsEdition): string {
  return edition.name.charAt(0).toLocaleUpperCase('vi') + edition.name.slice(1);
}

export function editionFor(period: Period | null | undefined): UnitsEdition {
  return editionForPeriod(period);
}

/** The whole country in the edition with this id (the latest when unknown). */
export function nationalUnits(id: string): Hierarchy {
  return builtinUnits(findEdition(id) ?? editionForPeriod(null));
}
