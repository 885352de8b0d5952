import { resolve } from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { Issue } from '../../core/model.js';
import { validationJson, type CheckedFile } from '../../core/validate/check-file.js';
import { checkFileGuarded } from '../../node/read-files.js';
import { limitsFrom } from '../../core/read/limits.js';
import { previousFigures } from '../../core/rollup/saved.js';
import { loadSavedRollup } from '../../node/saved-rollup.js';
import { EXIT, type CommandIO } from '../io.js';
import { loadUnits } from '../../node/load-units.js';

export async function runValidate(file: string, opts: { units?: string; json?: boolean; maxFileMb?: number; timeLimit?: number; previous?: string }, io: CommandIO): Promise<number> {
  const units = await loadUnits(opts.units);
  const previous = opts.previous ? previousFigures(await loadSavedRollup(opts.previous, 'tệp tổng hợp kỳ trước')) : undefined;
  // Read on a worker thread with a heap limit and the time limit, as consolidate reads: a hostile file cannot hang or exhaust validate.
  const checked = await checkFileGuarded(file, {
    unitsFile: units && opts.units ? resolve(opts.units) : undefined,
    previousFile: previous && opts.previous ? resolve(opts.previous) : undefined,
    limits: limitsFrom(opts),
  });
  if (opts.json) io.stdout.write(`${JSON.stringify(validationJson(checked), null, 2)}\n`);
  else io.stdout.write(formatValidation(checked, io.color, Boolean(units)));
  return checked.valid ? EXIT.ok : EXIT.dataErrors;
}

/** The human report: who and when, then errors and warnings grouped by sheet, then a verdict that says what to do. */
export function formatValidation(c: CheckedFile, color: ChalkInstance, withUnits: boolean): string {
  const out: string[] = [];
  out.push(color.bold(`Kiểm tra tệp: ${c.file}`));
  if (c.unit) {
    const parts = [`Đơn vị: ${c.unit.code}${c.unit.name ? ` – ${c.unit.name}` : ''}`];
    if (c.periodLabel) parts.push(`Kỳ báo cáo: ${c.periodLabel}`);
    if (c.catalogue) parts.push(`Biểu mẫu: ${c.catalogue.version}`);
    out.push(parts.join(' · '));
  }
  if (!withUnits) out.push(color.dim('(Không có --units: chưa đối chiếu mã đơn vị và số xã với danh mục đơn vị hành chính.)'));
  out.push('');
  section(out, c.errors, color.red.bold(`✖ ${c.errors.length} lỗi`), color.red, color);
  section(out, c.warnings, color.yellow.bold(`⚠ ${c.warnings.length} cảnh báo`), color.yellow, color);
  if (c.valid)
    out.push(
      color.green.bold(
        c.warnings.length
          ? `✔ Tệp hợp lệ. Xem lại ${c.warnings.length} cảnh báo ở trên trước khi gửi.`
          : '✔ Tệp hợp lệ, có thể gửi.',
      ),
    );
  else out.push(color.red.bold(`Tệp CHƯA hợp lệ: sửa ${c.errors.length} lỗi ở trên, lưu lại rồi kiểm tra lần nữa.`));
  return `${out.join('\n')}\n`;
}

function section(out: string[], issues: Issue[], title: string, tint: ChalkInstance, color: ChalkInstance): void {
  if (issues.length === 0) return;
  out.push(title);
  const bySheet = new Map<string, Issue[]>();
  for (const i of issues) {
    const key = i.sheet ?? 'Tệp';
    bySheet.set(key, [...(bySheet.get(key) ?? []), i]);
  }
  for (const [sheet, list] of bySheet) {
    out.push(`  ${color.bold(sheet === 'Tệp' ? 'Tệp' : `Sheet "${sheet}"`)}`);
    for (const i of list) {
      const where = [i.cell, i.indicator].filter(Boolean).join(' ');
      out.push(`    ${tint(where ? where.padEnd(12) : '')} ${i.message} ${color.dim(`[${i.rule}]`)}`);
    }
  }
  out.push('');
}
