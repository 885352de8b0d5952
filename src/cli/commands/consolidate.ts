import { stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import cliProgress from 'cli-progress';
import { EMPTY_CONFIG } from '../../core/config.js';
import { loadConfig } from '../../node/config-file.js';
import { consolidate, rootUnit, type Consolidation } from '../../core/consolidate/consolidate.js';
import { hierarchyFor } from '../../core/units/source.js';
import { discover } from '../../node/discover.js';
import { defaultWorkers, readParallel } from '../../node/read-files.js';
import type { Rollup } from '../../core/model.js';
import { limitsFrom } from '../../core/read/limits.js';
import { loadSavedRollup } from '../../node/saved-rollup.js';
import { checkPreviousPeriod } from '../../core/rollup/saved.js';
import { formatNumber, formatPercent } from '../../core/util/number.js';
import { parsePeriodArg } from '../../core/util/period.js';
import { checkOutputs, writeFileAtomic } from '../../node/safe-write.js';
import { renderReport } from '../../core/write/report/index.js';
import { buildSummaryWorkbook } from '../../core/write/summary-workbook.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';
import { loadUnitSource } from '../../node/load-units.js';

export interface ConsolidateFlags {
  units?: string;
  unitsEdition?: string;
  root?: string;
  config?: string;
  period?: string;
  out?: string;
  json?: boolean;
  force?: boolean;
  workers?: number;
  maxFileMb?: number;
  timeLimit?: number;
  previous?: string;
}

/** The names of the three outputs of one consolidation. */
export function outputPaths(outDir: string, rootCode: string, period: string) {
  return {
    workbook: join(outDir, `tong-hop-${rootCode}-${period}.xlsx`),
    json: join(outDir, `tong-hop-${rootCode}-${period}.json`),
    report: join(outDir, `bao-cao-${rootCode}-${period}.docx`),
  };
}

export async function runConsolidate(dir: string, flags: ConsolidateFlags, io: CommandIO): Promise<number> {
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw new UsageError(`không tìm thấy thư mục "${dir}".`);
  const config = flags.config ? await loadConfig(flags.config) : EMPTY_CONFIG;
  const unitsFile = flags.units ?? config.unitsPath;
  const units = await loadUnitSource({ file: unitsFile, edition: flags.unitsEdition });
  const period = flags.period ? parsePeriodArg(flags.period) : undefined;
  if (flags.period && !period) throw new UsageError(`--period "${flags.period}" không đúng dạng: dùng 2024 hoặc 2024-H1.`);
  const outDir = resolve(flags.out ?? 'out');
  const inputDir = resolve(dir);
  // Outputs left inside the folder of submissions would be read as submissions next time: only when asked.
  if (!flags.out && (outDir === inputDir || outDir.startsWith(inputDir + sep)))
    throw new UsageError(`thư mục kết quả mặc định "${outDir}" nằm trong thư mục báo cáo "${dir}". Chạy lệnh từ thư mục khác, hoặc chỉ rõ nơi ghi bằng --out.`);
  const limits = limitsFrom(flags);
  const previous = flags.previous ? await loadSavedRollup(flags.previous, 'tệp tổng hợp kỳ trước') : undefined;
  if (previous && period) checkPreviousPeriod(previous, { period: period.id, periodLabel: period.label }, flags.previous!);
  // Known before reading when the period is given: the root (a wrong --root stops here), and outputs already there.
  if (period) {
    const list = hierarchyFor(units, period);
    const root = flags.root ? rootUnit(list, flags.root, units, period) : units.kind === 'list' ? list.root : undefined;
    if (root) await checkOutputs(Object.values(outputPaths(outDir, root.code, period.id)), { force: flags.force });
  }

  const bar =
    io.stderr.isTTY && !process.env.CI
      ? new cliProgress.SingleBar(
          { stream: io.stderr, format: 'Đang đọc {bar} {value}/{total} tệp', hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        )
      : null;
  let result: Consolidation;
  try {
    result = await consolidate({
      found: await discover(dir, [outDir]),
      units,
      root: flags.root,
      config,
      period: period ?? undefined,
      // SOURCE_DATE_EPOCH (the reproducible-builds convention) pins the run's date, so outputs can be compared byte for byte.
      now: process.env.SOURCE_DATE_EPOCH ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000) : undefined,
      // Files are read on worker threads even with --workers 1, so the time limit per file holds.
      readFiles: (files, tick) =>
        readParallel(files, { unitsFile: unitsFile && resolve(unitsFile), unitsEdition: flags.unitsEdition, period: period?.id, previousFile: flags.previous && resolve(flags.previous), limits }, flags.workers ?? defaultWorkers(), tick),
      onProgress: (done, total) => {
        if (!bar) return;
        if (done === 0) bar.start(total, 0);
        else bar.update(done);
      },
    });
  } finally {
    bar?.stop();
  }
  const { rollup, byUnit, catalogue, hierarchy } = result;
  if (!rollup.files.some((f) => f.status !== 'ignored')) {
    io.stderr.write(`Không có tệp .xlsx nào để tổng hợp trong "${dir}" (đã xét ${rollup.files.length} tệp). Kiểm tra lại thư mục; không ghi kết quả nào.\n`);
    for (const f of rollup.files) io.stderr.write(`  ${f.path}: ${f.reason}\n`);
    return EXIT.dataErrors;
  }
  if (previous && flags.previous) checkPreviousPeriod(previous, rollup, flags.previous);
  const paths = outputPaths(outDir, rollup.root.code, rollup.period);
  await checkOutputs(Object.values(paths), { force: flags.force, inputs: rollup.files.filter((f) => f.status !== 'ignored').map((f) => join(dir, f.path)) });
  const workbook = buildSummaryWorkbook(rollup, byUnit, hierarchy, catalogue);
  await writeFileAtomic(paths.workbook, Buffer.from(await workbook.xlsx.writeBuffer()));
  await writeFileAtomic(paths.json, `${JSON.stringify(rollup, null, 2)}\n`);
  await writeFileAtomic(paths.report, await renderReport(rollup, config, { catalogue, previous }));

  if (flags.json) io.stdout.write(`${JSON.stringify(rollup, null, 2)}\n`);
  (flags.json ? io.stderr : io.stdout).write(formatSummary(rollup, Object.values(paths), io));
  return rollup.files.some((f) => f.status === 'rejected') ? EXIT.dataErrors : EXIT.ok;
}

/** Which list was used and how the root was chosen, so a surprising root is explained where it is seen. */
function scopeLines(rollup: Rollup, io: CommandIO): string[] {
  const scope = rollup.scope;
  if (!scope) return [];
  const lines = [`  Danh mục:       ${scope.unitList}`];
  if (scope.rootChosenBy === 'files') {
    lines.push(`  Đơn vị tổng hợp: ${rollup.root.code} ${rollup.root.name} – đơn vị nhỏ nhất chứa mọi tệp hợp lệ (chọn đơn vị khác bằng --root MÃ)`);
    if (scope.level === 'Quốc gia') {
      // The provinces the files come from: one stray file is enough to make the root the whole country.
      const byCode = new Map(rollup.units.map((u) => [u.code, u]));
      const provinceOf = (code: string) => {
        let u = byCode.get(code);
        while (u && u.parent !== rollup.root.code) u = u.parent ? byCode.get(u.parent) : undefined;
        return u;
      };
      const provinces = [...new Set(rollup.files.flatMap((f) => (f.unit && provinceOf(f.unit) ? [provinceOf(f.unit)!] : [])))];
      if (provinces.length > 1)
        lines.push(io.color.yellow(`  Các tệp thuộc ${provinces.length} tỉnh, thành phố khác nhau (${provinces.map((u) => u.name).join(', ')}) nên tổng hợp toàn quốc. Nếu có tệp gửi nhầm, bỏ tệp đó hoặc dùng --root MÃ-TỈNH.`));
    }
  }
  return lines;
}

/** The short table printed after a run: who reported, who did not, which files were refused and why. */
export function formatSummary(rollup: Rollup, written: string[], io: CommandIO): string {
  const c = io.color;
  const { completeness: k, files } = rollup;
  const count = (s: string) => files.filter((f) => f.status === s).length;
  const lines = [
    c.bold(`Tổng hợp ${rollup.root.name} – ${rollup.periodLabel}`),
    ...scopeLines(rollup, io),
    `  Tệp đã xét:     ${files.length} (tiếp nhận ${count('accepted')}, từ chối ${count('rejected')}, bỏ qua ${count('ignored')})`,
    `  Đơn vị có số liệu: ${k.received}/${k.expected}${k.expected ? ` (${formatPercent(k.received / k.expected)})` : ''}`,
  ];
  if (k.missing.length) lines.push(c.yellow(`  Chưa có số liệu: ${k.missing.map((m) => `${m.code} ${m.name}`).join('; ')}`));
  if (k.late.length) lines.push(c.yellow(`  Nộp muộn: ${k.late.map((m) => `${m.code} ${m.name}`).join('; ')}`));
  const rejected = files.filter((f) => f.status === 'rejected');
  if (rejected.length) {
    lines.push(c.red(`  Tệp bị từ chối (${rejected.length}):`));
    for (const f of rejected) {
      const first = f.errors?.[0];
      const more = (f.errors?.length ?? 0) > 1 ? ` (và ${formatNumber(f.errors!.length - 1)} lỗi khác)` : '';
      lines.push(`    ${c.bold(f.path)}: ${first?.message ?? ''}${more}`);
    }
    lines.push('    Xem chi tiết từng lỗi: bdg validate <tệp>, hoặc sheet "Tình hình nộp báo cáo".');
  }
  const ignored = files.filter((f) => f.status === 'ignored');
  if (ignored.length) {
    lines.push(c.dim(`  Bỏ qua (${ignored.length}):`));
    for (const f of ignored) lines.push(c.dim(`    ${f.path}: ${f.reason}`));
  }
  lines.push('Đã ghi:');
  for (const p of written) lines.push(`  ${relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p)}`);
  return `${lines.join('\n')}\n`;
}
