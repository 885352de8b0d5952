import { basename, resolve } from 'node:path';
import { loadCatalogue } from '../../core/catalogue/catalogue.js';
import { parsePeriodArg } from '../../core/util/period.js';
import { checkOutputs, writeFileAtomic } from '../../node/safe-write.js';
import { buildSubmissionWorkbook } from '../../core/write/submission-workbook.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';
import { loadUnits } from '../../node/load-units.js';

export interface TemplateFlags {
  unit: string;
  units?: string;
  period: string;
  out?: string;
  force?: boolean;
}

/** `bdg template`: the blank submission workbook for one unit, generated from the catalogue. */
export async function runTemplate(flags: TemplateFlags, io: CommandIO): Promise<number> {
  const period = parsePeriodArg(flags.period);
  if (!period) throw new UsageError(`--period "${flags.period}" không đúng dạng: dùng 2024 (cả năm) hoặc 2024-H1 (6 tháng đầu năm).`);
  const units = await loadUnits(flags.units);
  let unit = { code: flags.unit.trim(), name: '' };
  if (units) {
    const found = units.resolve(flags.unit);
    if (!found) throw new UsageError(`mã đơn vị "${flags.unit}" không có trong danh mục "${flags.units}".`);
    unit = { code: found.code, name: found.name };
  } else if (!/^\d+$/.test(unit.code)) throw new UsageError(`mã đơn vị "${flags.unit}" phải là dãy chữ số.`);
  const out = resolve(flags.out ?? `bieu-mau-${unit.code}-${period.id}.xlsx`);
  await checkOutputs([out], { force: flags.force });
  const wb = buildSubmissionWorkbook({ catalogue: loadCatalogue(), unit, period });
  await writeFileAtomic(out, Buffer.from(await wb.xlsx.writeBuffer()));
  io.stderr.write(`Đã tạo biểu mẫu ${period.label} cho ${unit.name || `đơn vị ${unit.code}`}: ${out}\n`);
  if (!units) io.stderr.write('Chưa có --units nên ô "Tên đơn vị" để trống: hãy điền tên đơn vị vào sheet "Thông tin".\n');
  io.stderr.write(`Điền số liệu, lưu lại, rồi kiểm tra: bdg validate ${basename(out)}${flags.units ? ` --units ${flags.units}` : ''}\n`);
  return EXIT.ok;
}
