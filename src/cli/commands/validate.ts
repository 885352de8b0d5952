import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { ChalkInstance } from 'chalk';
import { ERRORS_SHEET } from '../../core/write/annotate.js';
import { CopyMarker } from '../../node/annotate-thread.js';
import { checkOutputs, writeFileAtomic } from '../../node/safe-write.js';
import type { Issue } from '../../core/model.js';
import { validationJson, withEditionWarning, type CheckedFile } from '../../core/validate/check-file.js';
import { chooseEdition, loadedCatalogues } from '../../core/catalogue/catalogue.js';
import { checkCatalogue } from '../../node/catalogue-cache.js';
import { verdictLine } from '../../core/validate/verdict.js';
import { checkFileGuarded } from '../../node/read-files.js';
import { limitsFrom } from '../../core/read/limits.js';
import { loadSavedRollup } from '../../node/saved-rollup.js';
import { EXIT, UsageError, jsonText, printable, type CommandIO } from '../io.js';
import { fsPath, locate, specialKind } from '../../node/file-names.js';
import { issue } from '../../core/rules/rules.js';
import { shownName } from '../../core/util/shown-name.js';
import { loadUnitSource } from '../../node/load-units.js';
import { describeUnits } from '../../core/units/source.js';
import { parsePeriodArg } from '../../core/util/period.js';

export interface ValidateFlags {
  units?: string;
  unitsEdition?: string;
  /** `--form`: the edition the file should be in (by default its period's); the file is read against its own. */
  form?: string;
  json?: boolean;
  maxFileMb?: number;
  previous?: string;
  annotate?: string;
  force?: boolean;
  timeLimit?: number;
}

export async function runValidate(file: string, opts: ValidateFlags, io: CommandIO): Promise<number> {
  // A name that is not UTF-8 reaches Node as U+FFFD: the file is found again by its bytes, and shown escaped.
  const path = await locate(file);
  const st = path === null ? null : await stat(fsPath(path)).catch(() => null);
  if (!path || !st) throw new UsageError(`không tìm thấy tệp "${file}". Kiểm tra lại tên và đường dẫn của tệp.`);
  const shown = shownName(path);
  if (st.isDirectory())
    throw new UsageError(
      `"${shown}" là một thư mục, không phải tệp. Lệnh validate kiểm tra một tệp .xlsx; để tổng hợp cả thư mục, dùng: bdg consolidate "${shown}".`,
    );
  // Never opened: opening a FIFO waits for a writer.
  const special = specialKind(st);
  if (special) throw new UsageError(issue('file-special', { found: special, path: shown }).message);
  if (opts.annotate) {
    if (resolve(opts.annotate) === resolve(file))
      throw new UsageError(
        `bản đánh dấu không được ghi đè tệp đang kiểm tra "${shown}": chọn tên khác cho --annotate.`,
      );
    await checkOutputs([opts.annotate], { force: opts.force, inputs: [path] });
  }
  // Checked here first, so a bad catalogue, list, edition or roll-up is said before any reading.
  checkCatalogue();
  if (opts.form !== undefined) chooseEdition(opts.form, null);
  const source = await loadUnitSource({ file: opts.units, edition: opts.unitsEdition });
  if (opts.previous) await loadSavedRollup(opts.previous, 'tệp tổng hợp kỳ trước');
  // Read on a worker thread with a heap limit and the time limit, as consolidate reads: a hostile file cannot hang or
  // exhaust validate. Without a list of its own, the file is checked against the built-in edition of its period.
  const checked = withEditionWarning(
    await checkFileGuarded(
      path,
      {
        unitsFile: opts.units && resolve(opts.units),
        unitsEdition: opts.unitsEdition,
        previousFile: opts.previous && resolve(opts.previous),
        limits: limitsFrom(opts),
        catalogues: loadedCatalogues(),
      },
      shown,
    ),
    opts.form,
  );
  let annotated: string | null = null;
  let skipped: Issue | null = null;
  if (opts.annotate) {
    // Marked on a thread of its own under the same limits as the reading: a file that cannot be marked within them
    // keeps its errors listed, and the copy is skipped with the reason.
    const marker = new CopyMarker(limitsFrom(opts));
    const issues = [...checked.errors, ...checked.warnings];
    const copy = checked.errors.some((e) => e.rule.startsWith('file-'))
      ? ({ ok: false, skipped: issue('annotate-skipped', { problem: 'unreadable' }) } as const)
      : await marker.mark({ path, issues, file: basename(shown) }).finally(() => marker.stop());
    if (copy.ok) {
      await writeFileAtomic(opts.annotate, copy.bytes);
      annotated = opts.annotate;
    } else skipped = copy.skipped;
  }
  if (opts.json) io.stdout.write(jsonText({ ...validationJson(checked), ...coverageJson(checked) }));
  else {
    const period = checked.period ? parsePeriodArg(checked.period) : null;
    const compared = period || source.kind === 'list' || source.edition;
    io.stdout.write(formatValidation(checked, io.color, compared ? describeUnits(source, period) : undefined));
  }
  if (opts.annotate)
    (opts.json ? io.stderr : io.stdout).write(
      annotated
        ? `Đã ghi bản đánh dấu lỗi: ${printable(annotated)} (sheet "${ERRORS_SHEET}" liệt kê từng lỗi; ô lỗi tô đỏ, có ghi chú).\n`
        : `${printable(skipped?.message ?? '')} [annotate-skipped]\n`,
    );
  return checked.valid ? EXIT.ok : EXIT.dataErrors;
}

/** What a summary says it covers (the `Thông tin` rows a consolidated workbook carries), for validate's output. */
function coverageJson(c: CheckedFile) {
  const info = c.submission?.info;
  if (!info?.coverage && !info?.coveredUnits && !info?.runId) return {};
  return {
    coverage: {
      units: info.coverage,
      included: info.coveredUnits ? info.coveredUnits.split(/[,;\s]+/).filter(Boolean) : [],
      runId: info.runId,
      madeBy: info.madeBy,
    },
  };
}

/** The human report: who and when, then errors and warnings grouped by sheet, then a verdict that says what to do. */
export function formatValidation(c: CheckedFile, color: ChalkInstance, unitList?: string): string {
  const out: string[] = [];
  out.push(color.bold(`Kiểm tra tệp: ${printable(c.file)}`));
  if (c.unit) {
    const parts = [`Đơn vị: ${c.unit.code}${c.unit.name ? ` – ${c.unit.name}` : ''}`];
    if (c.periodLabel) parts.push(`Kỳ báo cáo: ${c.periodLabel}`);
    if (c.catalogue) parts.push(`Biểu mẫu: ${c.catalogue.version}`);
    out.push(printable(parts.join(' · ')));
  }
  if (unitList && c.unit) out.push(color.dim(printable(`Đối chiếu với ${unitList}.`)));
  const info = c.submission?.info;
  if (info?.coverage || info?.coveredUnits) {
    const codes = info.coveredUnits ? info.coveredUnits.split(/[,;\s]+/).filter(Boolean) : [];
    out.push(
      printable(
        `Bảng tổng hợp: gồm số liệu của ${info.coverage ?? '?'} đơn vị trực thuộc (${codes.length} đơn vị cấp xã)${info.madeBy ? `, lập bởi ${info.madeBy}` : ''}${info.runId ? `, mã lần tổng hợp ${info.runId}` : ''}.`,
      ),
    );
    const [got, of] = (info.coverage ?? '').split('/').map(Number);
    if (got !== undefined && of !== undefined && got < of)
      out.push(color.yellow(`Số liệu chưa đầy đủ: mới tổng hợp ${got}/${of} đơn vị trực thuộc.`));
  }
  out.push('');
  section(out, c.errors, color.red.bold(`✖ ${c.errors.length} lỗi`), color.red, color);
  section(out, c.warnings, color.yellow.bold(`⚠ ${c.warnings.length} cảnh báo`), color.yellow, color);
  out.push((c.valid ? color.green.bold : color.red.bold)(verdictLine(c, 'above')));
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
    out.push(`  ${color.bold(sheet === 'Tệp' ? 'Tệp' : `Sheet "${printable(sheet)}"`)}`);
    for (const i of list) {
      const where = printable([i.cell, i.indicator].filter(Boolean).join(' '));
      out.push(`    ${tint(where ? where.padEnd(12) : '')} ${printable(i.message)} ${color.dim(`[${i.rule}]`)}`);
    }
  }
  out.push('');
}
