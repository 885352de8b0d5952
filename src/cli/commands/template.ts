import { basename, join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { chooseEdition, loadCatalogue } from '../../core/catalogue/catalogue.js';
import { checkCatalogue } from '../../node/catalogue-cache.js';
import type { AdminUnit, Hierarchy } from '../../core/units/hierarchy.js';
import { describeUnits, hierarchyFor, type UnitSource } from '../../core/units/source.js';
import { parsePeriodArg } from '../../core/util/period.js';
import { checkOutputs, writeFileAtomic } from '../../node/safe-write.js';
import { provinceOwnRefusal, templateFileName, templateWorkbook, type TemplateForm } from '../../core/form/template.js';
import type { Period } from '../../core/model.js';
import { printable, EXIT, UsageError, type CommandIO } from '../io.js';
import { loadUnitSource } from '../../node/load-units.js';
import { otherEditionText } from '../../core/rules/rules.js';

export interface TemplateFlags {
  unit?: string;
  under?: string;
  units?: string;
  unitsEdition?: string;
  /** `--form`: the form edition; by default the edition of the period. */
  form?: string;
  period: string;
  out?: string;
  force?: boolean;
  /** The province's own submission (form-2026.md §5): `--unit` is the province. */
  provinceOwn?: boolean;
  agency?: string;
}

/**
 * `bdg template`: the blank submission workbook for one unit (`--unit`), or one for every unit directly under a
 * unit (`--under`, what a province sends out each year), generated from the catalogue, names from the unit list.
 */
export async function runTemplate(flags: TemplateFlags, io: CommandIO): Promise<number> {
  const period = parsePeriodArg(flags.period);
  if (!period)
    throw new UsageError(
      `--period "${flags.period}" không đúng dạng: dùng 2026 (cả năm), 2026-H1 (6 tháng đầu năm), 2026-M9 (9 tháng) hoặc 2026-Q1…2026-Q4 (quý).`,
    );
  if (Boolean(flags.unit) === Boolean(flags.under))
    throw new UsageError(
      'cần đúng một trong hai: --unit MÃ (một biểu mẫu cho một đơn vị) hoặc --under MÃ --out THƯ-MỤC (mỗi đơn vị trực thuộc một biểu mẫu).',
    );
  checkCatalogue();
  const catalogue = loadCatalogue(chooseEdition(flags.form, period).id);
  const source = await loadUnitSource({ file: flags.units, edition: flags.unitsEdition });
  const list = hierarchyFor(source, period);
  if (flags.provinceOwn && !flags.unit)
    throw new UsageError('--province-own cần --unit MÃ-TỈNH (biểu mẫu riêng của các cơ quan, đơn vị cấp tỉnh).');
  const form = { catalogue, period, own: flags.provinceOwn ? { agency: flags.agency } : undefined };
  return flags.under
    ? writeTemplatesUnder(flags.under, list, source, form, flags, io)
    : writeOneTemplate(flags.unit!, list, source, form, flags, io);
}

function findUnit(code: string, list: Hierarchy, source: UnitSource, period: Period, option: string): AdminUnit {
  const found = list.resolve(code);
  if (found) return found;
  const why = list.explainUnknown?.(code);
  throw new UsageError(
    why
      ? `${option}: ${otherEditionText(why)}`
      : `mã đơn vị "${code}" không có trong ${describeUnits(source, period)}. Kiểm tra lại mã.`,
  );
}

type Form = TemplateForm;

function workbookBytes(unit: AdminUnit, form: Form): Promise<ArrayBuffer> {
  return templateWorkbook(unit, form).xlsx.writeBuffer() as Promise<ArrayBuffer>;
}

async function writeOneTemplate(
  code: string,
  list: Hierarchy,
  source: UnitSource,
  form: Form,
  flags: TemplateFlags,
  io: CommandIO,
): Promise<number> {
  const { period } = form;
  const unit = findUnit(code, list, source, period, '--unit');
  const refused = form.own ? provinceOwnRefusal(unit, form.catalogue) : null;
  if (refused) throw new UsageError(`--province-own: ${refused}`);
  const out = resolve(flags.out ?? templateFileName(unit, form));
  await checkOutputs([out], { force: flags.force });
  await writeFileAtomic(out, new Uint8Array(await workbookBytes(unit, form)));
  const whose = form.own ? `các cơ quan, đơn vị cấp tỉnh của ${unit.name}` : unit.name;
  io.stderr.write(
    `${printable(`Đã tạo biểu mẫu ${period.label} cho ${whose} (mã ${unit.code}, theo ${describeUnits(source, period)}): ${out}`)}\n`,
  );
  io.stderr.write(`Phiên bản biểu mẫu: ${form.catalogue.version} (${form.catalogue.name}).\n`);
  io.stderr.write(
    `${printable(`Điền số liệu, lưu lại, rồi kiểm tra: bdg validate ${basename(out)}${flags.units ? ` --units ${flags.units}` : ''}`)}\n`,
  );
  return EXIT.ok;
}

async function writeTemplatesUnder(
  code: string,
  list: Hierarchy,
  source: UnitSource,
  form: Form,
  flags: TemplateFlags,
  io: CommandIO,
): Promise<number> {
  const { period } = form;
  const parent = findUnit(code, list, source, period, '--under');
  const units = list.children(parent.code);
  if (!units.length)
    throw new UsageError(
      `${parent.name} (mã ${parent.code}) không có đơn vị trực thuộc trong ${describeUnits(source, period)}: dùng --unit ${parent.code} để tạo biểu mẫu của chính đơn vị này.`,
    );
  const dir = resolve(flags.out ?? `bieu-mau-${parent.code}-${period.id}`);
  const paths = units.map((u) => join(dir, `bieu-mau-${u.code}-${slug(u.name)}-${period.id}.xlsx`));
  // Every file is checked before the first is written: a refused run leaves the folder as it was.
  await checkOutputs(paths, { force: flags.force });
  const bar =
    io.stderr.isTTY && !process.env.CI
      ? new cliProgress.SingleBar(
          {
            stream: io.stderr,
            format: 'Đang tạo {bar} {value}/{total} biểu mẫu',
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
  bar?.start(units.length, 0);
  try {
    for (const [i, unit] of units.entries()) {
      await writeFileAtomic(paths[i]!, new Uint8Array(await workbookBytes(unit, form)));
      bar?.update(i + 1);
    }
  } finally {
    bar?.stop();
  }
  io.stderr.write(
    `${printable(`Đã tạo ${units.length} biểu mẫu ${period.label} cho các đơn vị trực thuộc ${parent.name} (theo ${describeUnits(source, period)}) trong thư mục ${dir}`)}\n`,
  );
  io.stderr.write(`Phiên bản biểu mẫu: ${form.catalogue.version} (${form.catalogue.name}).\n`);
  io.stderr.write('Gửi mỗi đơn vị tệp mang mã của mình; khi nhận lại, tổng hợp cả thư mục bằng bdg consolidate.\n');
  return EXIT.ok;
}

/** "Xã Ea H'Leo" → "xa-ea-h-leo": a file name that survives any disk, e-mail or zip tool. */
function slug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
