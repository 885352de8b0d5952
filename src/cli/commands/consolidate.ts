import { stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import cliProgress from 'cli-progress';
import { EMPTY_CONFIG } from '../../core/config.js';
import { loadConfig } from '../../node/config-file.js';
import { consolidate, rootUnit, type Consolidation } from '../../core/consolidate/consolidate.js';
import { hierarchyFor } from '../../core/units/source.js';
import { discover } from '../../node/discover.js';
import { defaultWorkers, readParallel, startReaders, type WorkerSetup } from '../../node/read-files.js';
import type { Rollup } from '../../core/model.js';
import { limitsFrom } from '../../core/read/limits.js';
import { loadSavedRollup } from '../../node/saved-rollup.js';
import { checkPreviousPeriod } from '../../core/rollup/saved.js';
import { formatNumber, formatPercent } from '../../core/util/number.js';
import { parsePeriodArg } from '../../core/util/period.js';
import { checkOutputs } from '../../node/safe-write.js';
import { OutputSet, TRA_LAI } from '../../node/output-set.js';
import { newRunId } from '../../core/util/run-id.js';
import { VERSION } from '../../node/version.js';
import { CopyMarker, type CopyResult } from '../../node/annotate-thread.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';
import { loadUnitSource } from '../../node/load-units.js';
import { startReportThread } from '../../node/report-thread.js';

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
  if (!st) throw new UsageError(`không tìm thấy thư mục "${dir}". Kiểm tra lại đường dẫn.`);
  if (!st.isDirectory())
    throw new UsageError(`"${dir}" là một tệp, không phải thư mục. Lệnh consolidate tổng hợp cả một thư mục báo cáo; để kiểm tra một tệp, dùng: bdg validate "${dir}".`);
  const config = flags.config ? await loadConfig(flags.config) : EMPTY_CONFIG;
  const unitsFile = flags.units ?? config.unitsPath;
  const units = await loadUnitSource({ file: unitsFile, edition: flags.unitsEdition });
  const period = flags.period ? parsePeriodArg(flags.period) : undefined;
  if (flags.period && !period) throw new UsageError(`--period "${flags.period}" không đúng dạng: dùng 2024 hoặc 2024-H1.`);
  const outDir = resolve(flags.out ?? 'out');
  const inputDir = resolve(dir);
  const outStat = await stat(outDir).catch(() => null);
  if (outStat && !outStat.isDirectory()) throw new UsageError(`--out "${flags.out ?? 'out'}" là một tệp, không phải thư mục: chọn một thư mục để ghi kết quả.`);
  // Outputs left inside the folder of submissions would be read as submissions next time: only when asked.
  if (!flags.out && (outDir === inputDir || outDir.startsWith(inputDir + sep)))
    throw new UsageError(`thư mục kết quả mặc định "${outDir}" nằm trong thư mục báo cáo "${dir}". Chạy lệnh từ thư mục khác, hoặc chỉ rõ nơi ghi bằng --out.`);
  const limits = limitsFrom(flags);
  const previous = flags.previous ? await loadSavedRollup(flags.previous, 'tệp tổng hợp kỳ trước') : undefined;
  if (previous && period) checkPreviousPeriod(previous, { period: period.id, periodLabel: period.label }, flags.previous!);
  // Known before reading when the period is given: the root (a wrong --root stops here), and outputs already there.
  const list = period ? hierarchyFor(units, period) : units.kind === 'list' ? hierarchyFor(units, undefined) : undefined;
  const knownRoot = list && (flags.root ? rootUnit(list, flags.root, units, period) : units.kind === 'list' ? list.root : undefined);
  if (knownRoot && period) await checkOutputs(Object.values(outputPaths(outDir, knownRoot.code, period.id)), { force: flags.force });

  const runId = newRunId(new Date());
  const set = await OutputSet.open(outDir, runId);
  const bar =
    io.stderr.isTTY && !process.env.CI
      ? new cliProgress.SingleBar(
          { stream: io.stderr, format: 'Đang đọc {bar} {value}/{total} tệp', hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        )
      : null;
  // Ctrl-C: the cursor comes back, this run's temporary files and lock go, the previous outputs stay; a switch
  // already under way is finished first so the folder never holds half of each set.
  let interrupted: number | null = null;
  const stop = async (status: number) => {
    await set.abort();
    await set.release();
    io.stderr.write('\nĐã dừng. Kết quả đã có (nếu có) vẫn giữ nguyên.\n');
    process.exit(status);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    bar?.stop();
    interrupted = signal === 'SIGINT' ? 130 : 143;
    if (!set.switching) void stop(interrupted);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // The reading threads start before the folder walk (they load the unit list meanwhile); the summary workbook's
  // writer (exceljs) loads on this thread while they read, and the report (docx) is written on a thread of its own,
  // in parallel with the workbook.
  const setup: WorkerSetup = {
    unitsFile: unitsFile && resolve(unitsFile),
    unitsEdition: flags.unitsEdition,
    period: period?.id,
    previousFile: flags.previous && resolve(flags.previous),
    limits,
  };
  const workers = flags.workers ?? defaultWorkers();
  // One thread starts now; readParallel adds more once the walk has counted enough files to pay for them.
  const readers = startReaders(setup, 1);
  const reportThread = startReportThread();
  const summaryWriter = import('../../core/write/summary-workbook.js');
  summaryWriter.catch(() => {}); // awaited once the files are read
  try {
    let result: Consolidation;
    try {
      result = await consolidate({
        found: await discover(dir, [outDir], knownRoot?.code),
        units,
        root: flags.root,
        config,
        period: period ?? undefined,
        runId,
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
    const { rollup, byUnit, catalogue, covered, hierarchy } = result;
    if (!rollup.files.some((f) => f.status === 'accepted')) {
      // --json still describes every file; only the outputs (an empty summary and report) are not written.
      if (flags.json) io.stdout.write(`${JSON.stringify(rollup, null, 2)}\n`);
      io.stderr.write(nothingAccepted(rollup, dir, flags.period));
      return EXIT.dataErrors;
    }
    if (previous && flags.previous) checkPreviousPeriod(previous, rollup, flags.previous);
    const paths = outputPaths(outDir, rollup.root.code, rollup.period);
    const copies = sendBackCopies(rollup, inputDir, outDir);
    const inputs = rollup.files.filter((f) => f.status !== 'ignored').map((f) => join(dir, f.path));
    await checkOutputs([...Object.values(paths), ...copies.map((c) => c.out)], { force: flags.force, inputs });
    // Each copy is marked on a thread under the limits of the reading, while the summary and the report are written;
    // one that cannot be made within them is skipped with the reason.
    const marker = new CopyMarker(setup.limits);
    const marking = (async () => {
      const made: { out: string; copy: CopyResult }[] = [];
      for (const c of copies) {
        const f = rollup.files.find((x) => x.path === c.path)!;
        const issues = [...(f.errors ?? []), ...(f.warnings ?? [])];
        made.push({ out: c.out, copy: await marker.mark({ path: c.in, issues, file: basename(c.path) }) });
      }
      return made;
    })();
    marking.catch(() => {}); // awaited below, as the report is
    const written: string[] = [];
    const skipped: { path: string; reason: string }[] = [];
    try {
      const report = reportThread.render(rollup, config, previous);
      report.catch(() => {}); // awaited below; a failure while the workbook is written is not unhandled
      const { writeSummaryWorkbook } = await summaryWriter;
      await set.stage(paths.workbook, await writeSummaryWorkbook(rollup, byUnit, hierarchy, catalogue, { covered, runId, madeBy: `bdg ${VERSION}` }));
      await set.stage(paths.json, `${JSON.stringify(rollup, null, 2)}\n`);
      await set.stage(paths.report, await report);
      for (const { out, copy } of await marking) {
        if (!copy.ok) {
          skipped.push({ path: out, reason: copy.skipped.message });
          continue;
        }
        await set.stage(out, copy.bytes);
        written.push(out);
      }
    } finally {
      marker.stop();
    }
    await set.commit();
    if (interrupted !== null) await stop(interrupted);

    if (flags.json) io.stdout.write(`${JSON.stringify(rollup, null, 2)}\n`);
    (flags.json ? io.stderr : io.stdout).write(formatSummary(rollup, [...Object.values(paths), ...written], io, skipped));
    return rollup.files.some((f) => f.status === 'rejected') ? EXIT.dataErrors : EXIT.ok;
  } catch (err) {
    await set.abort();
    throw err;
  } finally {
    reportThread.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await set.release();
  }
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

/** Rejected files that were read as workbooks get a marked copy in `tra-lai/`, under the same relative path. */
function sendBackCopies(rollup: Rollup, inputDir: string, outDir: string): { path: string; in: string; out: string }[] {
  return rollup.files
    .filter((f) => f.status === 'rejected' && /\.xlsx$/i.test(f.path) && !(f.errors ?? []).some((e) => e.rule.startsWith('file-')))
    .map((f) => ({ path: f.path, in: join(inputDir, ...f.path.split('/')), out: join(outDir, TRA_LAI, ...f.path.split('/')) }));
}

/** Why no summary was written: what the files were, and the likely fix (a mistyped --period above all). */
function nothingAccepted(rollup: Rollup, dir: string, periodFlag: string | undefined): string {
  const lines: string[] = [];
  const considered = rollup.files.filter((f) => f.status !== 'ignored');
  if (!considered.length) lines.push(`Không có tệp .xlsx nào để tổng hợp trong "${dir}" (đã xét ${rollup.files.length} tệp). Kiểm tra lại thư mục.`);
  else {
    lines.push(`Không tệp nào được tiếp nhận (${considered.length} tệp bị từ chối), nên không lập bảng tổng hợp và báo cáo.`);
    const mismatched = considered.filter((f) => f.errors?.some((e) => e.rule === 'period-mismatch'));
    if (mismatched.length) {
      const periods = new Map<string, number>();
      for (const f of mismatched) {
        const label = String(f.errors!.find((e) => e.rule === 'period-mismatch')!.value ?? 'không rõ kỳ');
        periods.set(label, (periods.get(label) ?? 0) + 1);
      }
      const list = [...periods].map(([label, n]) => `${label} (${n} tệp)`).join(', ');
      lines.push(`Các tệp ghi kỳ: ${list}; đang tổng hợp ${rollup.periodLabel}${periodFlag ? ` (--period ${periodFlag})` : ''}. Kiểm tra lại --period.`);
    }
  }
  for (const f of rollup.files) lines.push(`  ${f.path}: ${f.status === 'ignored' ? f.reason : (f.errors?.[0]?.message ?? '')}`);
  lines.push('Không ghi kết quả nào. Để có bản đánh dấu lỗi gửi lại đơn vị: bdg validate <tệp> --annotate <bản-sao>.xlsx');
  return `${lines.join('\n')}\n`;
}

/** Warnings printed per unit in the summary; the rest are in the status sheet. */
const WARNINGS_SHOWN = 3;

/** The short table printed after a run: who reported, who did not, which files were refused and why. */
export function formatSummary(rollup: Rollup, written: string[], io: CommandIO, skipped: { path: string; reason: string }[] = []): string {
  const c = io.color;
  const { completeness: k, files } = rollup;
  const count = (s: string) => files.filter((f) => f.status === s).length;
  const lines = [
    c.bold(`Tổng hợp ${rollup.root.name} – ${rollup.periodLabel}`),
    ...scopeLines(rollup, io),
    `  Mã lần tổng hợp: ${rollup.runId ?? ''}`,
    `  Tệp đã xét:     ${files.length} (tiếp nhận ${count('accepted')}, từ chối ${count('rejected')}, ${count('superseded') ? `thay bằng tệp khác ${count('superseded')}, ` : ''}bỏ qua ${count('ignored')})`,
    `  Đơn vị có số liệu: ${k.received}/${k.expected}${k.expected ? ` (${formatPercent(k.received / k.expected)})` : ''}`,
  ];
  if (k.missing.length) lines.push(c.yellow(`  Chưa có số liệu: ${k.missing.map((m) => `${m.code} ${m.name}`).join('; ')}`));
  for (const p of k.partial ?? [])
    lines.push(c.yellow(`  Số liệu chưa đầy đủ: ${p.code} ${p.name} mới tổng hợp ${p.reported}/${p.expected} đơn vị trực thuộc (chưa có ${p.missing.map((m) => `${m.code} ${m.name}`).join('; ')})`));
  if (k.late.length) lines.push(c.yellow(`  Nộp muộn: ${k.late.map((m) => `${m.code} ${m.name}`).join('; ')}`));
  const superseded = files.filter((f) => f.status === 'superseded');
  if (superseded.length) {
    lines.push(`  Thay bằng tệp khác (${superseded.length}):`);
    for (const f of superseded) lines.push(`    ${c.bold(f.path)} → ${f.supersededBy}: ${f.reason}`);
  }
  const warned = files.filter((f) => f.status === 'accepted' && (f.warnings?.length ?? 0) > 0);
  if (warned.length) {
    lines.push(c.yellow(`  Cảnh báo cần xem lại (${warned.length} đơn vị):`));
    for (const f of warned) {
      const ws = f.warnings!;
      const unit = f.unit ? `${f.unit} ${rollup.units.find((u) => u.code === f.unit)?.name ?? ''}`.trim() : '';
      lines.push(`    ${c.bold(unit || f.path)} (${f.path}): ${formatNumber(ws.length)} cảnh báo`);
      for (const w of ws.slice(0, WARNINGS_SHOWN)) lines.push(`      - ${w.message}`);
      if (ws.length > WARNINGS_SHOWN) lines.push(`      (và ${formatNumber(ws.length - WARNINGS_SHOWN)} cảnh báo khác, xem sheet "Tình hình nộp báo cáo")`);
    }
  }
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
  const shown = (p: string) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p));
  for (const p of written) lines.push(`  ${shown(p)}`);
  // Where the copy would have been announced: why it is not there.
  for (const s of skipped) lines.push(c.yellow(`  (không ghi) ${shown(s.path)}: ${s.reason} [annotate-skipped]`));
  return `${lines.join('\n')}\n`;
}
