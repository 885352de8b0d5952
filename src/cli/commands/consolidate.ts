import { stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import cliProgress from 'cli-progress';
import { EMPTY_CONFIG } from '../../core/config.js';
import { loadConfig } from '../../node/config-file.js';
import { consolidate, type Consolidation } from '../../core/consolidate/consolidate.js';
import { discover } from '../../node/discover.js';
import { defaultWorkers, readParallel, startReaders, type WorkerSetup } from '../../node/read-files.js';
import type { Rollup } from '../../core/model.js';
import { limitsFrom } from '../../core/read/limits.js';
import { loadSavedRollup } from '../../node/saved-rollup.js';
import { formatNumber, formatPercent } from '../../core/util/number.js';
import { parsePeriodArg } from '../../core/util/period.js';
import { checkOutputs, writeFileAtomic } from '../../node/safe-write.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';
import { loadUnits } from '../../node/load-units.js';

export interface ConsolidateFlags {
  units?: string;
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
  if (!unitsFile)
    throw new UsageError('cần danh mục đơn vị hành chính: thêm --units DANH-MUC.csv hoặc khai báo "units" trong tệp cấu hình.');
  const hierarchy = (await loadUnits(unitsFile))!;
  const period = flags.period ? parsePeriodArg(flags.period) : undefined;
  if (flags.period && !period) throw new UsageError(`--period "${flags.period}" không đúng dạng: dùng 2024 hoặc 2024-H1.`);
  const outDir = resolve(flags.out ?? 'out');
  const inputDir = resolve(dir);
  // Outputs left inside the folder of submissions would be read as submissions next time: only when asked.
  if (!flags.out && (outDir === inputDir || outDir.startsWith(inputDir + sep)))
    throw new UsageError(`thư mục kết quả mặc định "${outDir}" nằm trong thư mục báo cáo "${dir}". Chạy lệnh từ thư mục khác, hoặc chỉ rõ nơi ghi bằng --out.`);
  const limits = limitsFrom(flags);
  const previous = flags.previous ? await loadSavedRollup(flags.previous, 'tệp tổng hợp kỳ trước') : undefined;
  if (period) await checkOutputs(Object.values(outputPaths(outDir, hierarchy.root.code, period.id)), { force: flags.force });

  const bar =
    io.stderr.isTTY && !process.env.CI
      ? new cliProgress.SingleBar(
          { stream: io.stderr, format: 'Đang đọc {bar} {value}/{total} tệp', hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        )
      : null;
  // The reading threads start before the folder walk (they load the unit list meanwhile), and the writers (exceljs,
  // docx) load on this thread while they read.
  const setup: WorkerSetup = { unitsFile: resolve(unitsFile), previousFile: flags.previous && resolve(flags.previous), limits };
  const workers = flags.workers ?? defaultWorkers();
  const readers = startReaders(setup, workers);
  const writers = Promise.all([import('../../core/write/summary-workbook.js'), import('../../core/write/report/index.js')]);
  let result: Consolidation;
  try {
    result = await consolidate({
      found: await discover(dir, [outDir]),
      hierarchy,
      config,
      period: period ?? undefined,
      // SOURCE_DATE_EPOCH (the reproducible-builds convention) pins the run's date, so outputs can be compared byte for byte.
      now: process.env.SOURCE_DATE_EPOCH ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000) : undefined,
      // Files are read on worker threads even with --workers 1, so the time limit per file holds.
      readFiles: (files, tick) => readParallel(files, setup, workers, tick, readers),
      onProgress: (done, total) => {
        if (!bar) return;
        if (done === 0) bar.start(total, 0);
        else bar.update(done);
      },
    });
  } finally {
    bar?.stop();
    // Threads not handed out (the walk failed) must not keep the process alive.
    for (const r of readers) void r.worker.terminate();
  }
  const { rollup, byUnit, catalogue } = result;
  if (!rollup.files.some((f) => f.status !== 'ignored')) {
    io.stderr.write(`Không có tệp .xlsx nào để tổng hợp trong "${dir}" (đã xét ${rollup.files.length} tệp). Kiểm tra lại thư mục; không ghi kết quả nào.\n`);
    for (const f of rollup.files) io.stderr.write(`  ${f.path}: ${f.reason}\n`);
    return EXIT.dataErrors;
  }
  const paths = outputPaths(outDir, rollup.root.code, rollup.period);
  await checkOutputs(Object.values(paths), { force: flags.force, inputs: rollup.files.filter((f) => f.status !== 'ignored').map((f) => join(dir, f.path)) });
  const [{ buildSummaryWorkbook }, { renderReport }] = await writers;
  const workbook = buildSummaryWorkbook(rollup, byUnit, hierarchy, catalogue);
  await writeFileAtomic(paths.workbook, Buffer.from(await workbook.xlsx.writeBuffer()));
  await writeFileAtomic(paths.json, `${JSON.stringify(rollup, null, 2)}\n`);
  await writeFileAtomic(paths.report, await renderReport(rollup, config, { catalogue, previous }));

  if (flags.json) io.stdout.write(`${JSON.stringify(rollup, null, 2)}\n`);
  (flags.json ? io.stderr : io.stdout).write(formatSummary(rollup, Object.values(paths), io));
  return rollup.files.some((f) => f.status === 'rejected') ? EXIT.dataErrors : EXIT.ok;
}

/** The short table printed after a run: who reported, who did not, which files were refused and why. */
export function formatSummary(rollup: Rollup, written: string[], io: CommandIO): string {
  const c = io.color;
  const { completeness: k, files } = rollup;
  const count = (s: string) => files.filter((f) => f.status === s).length;
  const lines = [
    c.bold(`Tổng hợp ${rollup.root.name} – ${rollup.periodLabel}`),
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
