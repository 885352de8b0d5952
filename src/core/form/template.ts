import type ExcelJS from 'exceljs';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { Period } from '../model.js';
import { hasProvinceOwnRows } from '../rollup/province-own.js';
import { buildSubmissionWorkbook } from '../write/submission-workbook.js';
import { PROVINCE_OWN_SCOPE } from './layout.js';

/**
 * The blank form of one unit, as the CLI (`bdg template`) and the page's "Tải biểu mẫu" make it: one function, so
 * both grey the same rows and write the same `Thông tin`.
 */
export interface TemplateForm {
  catalogue: Catalogue;
  period: Period;
  /** The province's own submission (form-2026.md §5), with the agency that fills it when known. */
  own?: { agency?: string };
}

interface TemplateUnit {
  code: string;
  name: string;
  level: string;
}

/** Why the province's own form cannot be made for this unit in this edition (said to the person), or null. */
export function provinceOwnRefusal(unit: TemplateUnit, catalogue: Catalogue): string | null {
  if (!hasProvinceOwnRows(catalogue))
    return `biểu mẫu ${catalogue.version} không có phần riêng của các cơ quan, đơn vị cấp tỉnh.`;
  if (unit.level !== 'Tỉnh') return `${unit.name} (mã ${unit.code}) không phải đơn vị cấp tỉnh.`;
  return null;
}

/** A commune's form greys the rows of the province's own bodies; the province's own form greys the communes' rows. */
export function templateWorkbook(unit: TemplateUnit, { catalogue, period, own }: TemplateForm): ExcelJS.Workbook {
  const level = own ? 'tinh' : unit.level === 'Xã' && hasProvinceOwnRows(catalogue) ? 'xa' : undefined;
  const agency = own?.agency?.trim();
  const info = own ? { scope: PROVINCE_OWN_SCOPE, ...(agency ? { agency } : {}) } : undefined;
  return buildSubmissionWorkbook({ catalogue, unit: { code: unit.code, name: unit.name }, period, level, info });
}

/** "bieu-mau-66-cap-tinh-2026.xlsx": the name a unit's blank form is saved under. */
export function templateFileName(unit: { code: string }, { period, own }: TemplateForm): string {
  return `bieu-mau-${unit.code}${own ? '-cap-tinh' : ''}-${period.id}.xlsx`;
}
