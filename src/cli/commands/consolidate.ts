import { readFile, stat } from 'node:fs/promises';
import { emptyIssuerFields } from '../../core/write/report/issuer.js';
import { basename, join, relative, resolve, sep } from 'node:path';
import cliProgress from 'cli-progress';
import { EMPTY_CONFIG, emptyConfigNotice, withIssuer } from '../../core/config.js';
import { loadConfig } from '../../node/config-file.js';
import { consolidate, rootUnit, type Consolidation, type FilePath, type Found } from '../../core/consolidate/consolidate.js';
import { hierarchyFor } from '../../core/units/source.js';
import { discover } from '../../node/discover.js';
import { defaultWorkers, readParallel, startReaders, type WorkerSetup } from '../../node/read-files.js';
import type { Rollup } from '../../core/model.js';
import { limitsFrom } from '../../core/read/limits.js';
import { loadSavedRollup } from '../../node/saved-rollup.js';
import { checkPreviousPeriod } from '../../core/rollup/saved.js';
import { rollupInEdition } from '../../core/rollup/convert.js';
import { chooseEdition } from '../../core/catalogue/catalogue.js';
import { assertCatalogue } from '../../core/catalogue/check.js';
import { formatNumber, formatPercent } from '../../core/util/number.js';
import { parsePeriodArg } from '../../core/util/period.js';
import { checkOutputs } from '../../node/safe-write.js';
import { fsPath } from '../../node/file-names.js';
import { OutputSet, TRA_LAI } from '../../node/output-set.js';
import { newRunId } from '../../core/util/run-id.js';
import { VERSION } from '../../node/version.js';
import { annotateWorkbook } from '../../core/write/annotate.js';
import {
  filesCounted,
  nothingAcceptedReason,
  partialUnitText,
  spreadOverProvinces,
  whyNotUsed,
} from '../../core/consolidate/run-summary.js';
import { EXIT, UsageError, jsonText, printable, type CommandIO } from '../io.js';
import { loadUnitSource } from '../../node/load-units.js';
import { startReportThread } from '../../node/report-thread.js';

export interface ConsolidateFlags {
  units?: string;
  unitsEdition?: string;
  /** `--form`: the form edition to roll up in; by default the edition of the period. */
  form?: string;
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
  /** `--issuer`: who signs the report (so, ubnd, hoi-phu-nu); the config's `issuer` otherwise. */
  issuer?: string;
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
  assertCatalogue();
  const config = withIssuer(flags.config ? await loadConfig(flags.config) : EMPTY_CONFIG, flags.issuer);
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
  if (flags.form !== undefined) chooseEdition(flags.form, period);
  if (previous && period) {
    checkPreviousPeriod(previous, { period: period.id, periodLabel: period.label }, flags.previous!);
    rollupInEdition(previous, chooseEdition(flags.form, period).id, `--previous "${flags.previous}"`);
  }
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
  // Where each file shown as `rel` is (its bytes, when its name is not UTF-8): to mark and send back its copy.
  let found: Found[] = [];
  try {
    let result: Consolidation;
    try {
      result = await consolidate({
        found: (found = await discover(dir, [outDir], knownRoot?.code)),
        units,
        root: flags.root,
        config,
        period: period ?? undefined,
        form: flags.form,
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
      if (flags.json) io.stdout.write(jsonText(rollup));
      io.stderr.write(nothingAccepted(rollup, dir, flags.period));
      return EXIT.dataErrors;
    }
    if (previous && flags.previous) {
      checkPreviousPeriod(previous, rollup, flags.previous);
      rollupInEdition(previous, rollup.edition!, `--previous "${flags.previous}"`);
    }
    const paths = outputPaths(outDir, rollup.root.code, rollup.period);
    const where = new Map(found.map((f) => [f.rel, f.path]));
    const copies = sendBackCopies(rollup, where, outDir);
    const inputs = rollup.files.filter((f) => f.status !== 'ignored' && where.has(f.path)).map((f) => where.get(f.path)!);
    await checkOutputs([...Object.values(paths), ...copies.map((c) => c.out)], { force: flags.force, inputs });
    const report = reportThread.render(rollup, config, previous);
    report.catch(() => {}); // awaited below; a failure while the workbook is written is not unhandled
    const { writeSummaryWorkbook } = await summaryWriter;
    await set.stage(paths.workbook, await writeSummaryWorkbook(rollup, byUnit, hierarchy, catalogue, { covered, runId, madeBy: `bdg ${VERSION}` }));
    const json = jsonText(rollup);
    await set.stage(paths.json, json);
    await set.stage(paths.report, await report);
    const written: string[] = [];
    for (const c of copies) {
      const f = rollup.files.find((x) => x.path === c.path)!;
      const bytes = await readFile(fsPath(c.in)).catch(() => null);
      const annotated = bytes && annotateWorkbook(bytes, [...(f.errors ?? []), ...(f.warnings ?? [])], { file: basename(c.path) });
      if (!annotated) continue;
      await set.stage(c.out, annotated);
      written.push(c.out);
    }
    await set.commit();
    if (interrupted !== null) await stop(interrupted);

    if (flags.json) io.stdout.write(json);
    (flags.json ? io.stderr : io.stdout).write(formatSummary(rollup, [...Object.values(paths), ...written], io));
    const notice = emptyConfigNotice(config, (c) => emptyIssuerFields(c, rollup));
    if (notice) (flags.json ? io.stderr : io.stdout).write(`${io.color.yellow(printable(notice))}\n`);
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
  const lines = [`  Danh mục:       ${printable(scope.unitList)}`];
  if (scope.rootChosenBy === 'files') {
    lines.push(`  Đơn vị tổng hợp: ${printable(`${rollup.root.code} ${rollup.root.name}`)} – đơn vị nhỏ nhất chứa mọi tệp hợp lệ (chọn đơn vị khác bằng --root MÃ)`);
    // One stray file is enough to make the root the whole country.
    const spread = spreadOverProvinces(rollup, 'Nếu có tệp gửi nhầm, bỏ tệp đó hoặc dùng --root MÃ-TỈNH.');
    if (spread) lines.push(io.color.yellow(`  ${printable(spread)}`));
  }
  return lines;
}

/** The edition rolled up in, and the files converted into it from another edition. */
function editionLines(rollup: Rollup, io: CommandIO): string[] {
  if (!rollup.edition) return [];
  const lines = [`  Biểu mẫu:       ${rollup.edition}`];
  const converted = rollup.files.filter((f) => f.status === 'accepted' && f.convertedFrom);
  if (converted.length) {
    const from = [...new Set(converted.map((f) => f.convertedFrom!))].join(', ');
    lines.push(io.color.yellow(`  Đã chuyển ${converted.length} tệp theo biểu mẫu ${from} sang ${rollup.edition} (xem cảnh báo của từng tệp)`));
  }
  return lines;
}

/**
 * Rejected files that were read as workbooks get a marked copy in `tra-lai/`, under the same relative path as shown
 * (a name that is not UTF-8 or holds control characters is written as it is shown, escaped: a name any mail or
 * archive program keeps).
 */
function sendBackCopies(rollup: Rollup, where: Map<string, FilePath>, outDir: string): { path: string; in: FilePath; out: string }[] {
  return rollup.files
    .filter((f) => f.status === 'rejected' && /\.xlsx$/i.test(f.path) && !(f.errors ?? []).some((e) => e.rule.startsWith('file-')))
    .filter((f) => where.has(f.path))
    .map((f) => ({ path: f.path, in: where.get(f.path)!, out: join(outDir, TRA_LAI, ...f.path.split('/')) }));
}

/** Why no summary was written: what the files were, and the likely fix (a mistyped --period above all). */
function nothingAccepted(rollup: Rollup, dir: string, periodFlag: string | undefined): string {
  const lines = nothingAcceptedReason(rollup, {
    source: `trong "${dir}"`,
    recheck: 'Kiểm tra lại thư mục.',
    periodChosen: periodFlag ? ` (--period ${periodFlag})` : '',
    periodFix: 'Kiểm tra lại --period.',
  }).map(printable);
  for (const f of rollup.files) lines.push(`  ${printable(`${f.path}: ${whyNotUsed(f)}`)}`);
  lines.push('Không ghi kết quả nào. Để có bản đánh dấu lỗi gửi lại đơn vị: bdg validate <tệp> --annotate <bản-sao>.xlsx');
  return `${lines.join('\n')}\n`;
}

/** Warnings printed per unit in the summary; the rest are in the status sheet. */
const WARNINGS_SHOWN = 3;

/** The short table printed after a run: who reported, who did not, which files were refused and why. */
export function formatSummary(rollup: Rollup, written: string[], io: CommandIO): string {
  const c = io.color;
  const { completeness: k, files } = rollup;
  const counted = filesCounted(files);
  const lines = [
    c.bold(printable(`Tổng hợp ${rollup.root.name} – ${rollup.periodLabel}`)),
    ...scopeLines(rollup, io),
    ...editionLines(rollup, io),
    `  Mã lần tổng hợp: ${printable(rollup.runId ?? '')}`,
    `  Tệp đã xét:     ${counted.total} (${counted.parts})`,
    `  Đơn vị có số liệu: ${k.received}/${k.expected}${k.expected ? ` (${formatPercent(k.received / k.expected)})` : ''}`,
  ];
  if (k.missing.length) lines.push(c.yellow(printable(`  Chưa có số liệu: ${k.missing.map((m) => `${m.code} ${m.name}`).join('; ')}`)));
  for (const p of k.partial ?? [])
    lines.push(c.yellow(printable(`  Số liệu chưa đầy đủ: ${partialUnitText(p)}`)));
  if (k.late.length) lines.push(c.yellow(printable(`  Nộp muộn: ${k.late.map((m) => `${m.code} ${m.name}`).join('; ')}`)));
  const superseded = files.filter((f) => f.status === 'superseded');
  if (superseded.length) {
    lines.push(`  Thay bằng tệp khác (${superseded.length}):`);
    for (const f of superseded) lines.push(`    ${c.bold(printable(f.path))} → ${printable(`${f.supersededBy}: ${f.reason}`)}`);
  }
  const warned = files.filter((f) => f.status === 'accepted' && (f.warnings?.length ?? 0) > 0);
  if (warned.length) {
    lines.push(c.yellow(`  Cảnh báo cần xem lại (${warned.length} đơn vị):`));
    for (const f of warned) {
      const ws = f.warnings!;
      const unit = f.unit ? `${f.unit} ${rollup.units.find((u) => u.code === f.unit)?.name ?? ''}`.trim() : '';
      lines.push(`    ${c.bold(printable(unit || f.path))} (${printable(f.path)}): ${formatNumber(ws.length)} cảnh báo`);
      for (const w of ws.slice(0, WARNINGS_SHOWN)) lines.push(`      - ${printable(w.message)}`);
      if (ws.length > WARNINGS_SHOWN) lines.push(`      (và ${formatNumber(ws.length - WARNINGS_SHOWN)} cảnh báo khác, xem sheet "Tình hình nộp báo cáo")`);
    }
  }
  const rejected = files.filter((f) => f.status === 'rejected');
  if (rejected.length) {
    lines.push(c.red(`  Tệp bị từ chối (${rejected.length}):`));
    for (const f of rejected) {
      const first = f.errors?.[0];
      const more = (f.errors?.length ?? 0) > 1 ? ` (và ${formatNumber(f.errors!.length - 1)} lỗi khác)` : '';
      lines.push(`    ${c.bold(printable(f.path))}: ${printable(first?.message ?? '')}${more}`);
    }
    lines.push('    Xem chi tiết từng lỗi: bdg validate <tệp>, hoặc sheet "Tình hình nộp báo cáo".');
  }
  const ignored = files.filter((f) => f.status === 'ignored');
  if (ignored.length) {
    lines.push(c.dim(`  Bỏ qua (${ignored.length}):`));
    for (const f of ignored) lines.push(c.dim(printable(`    ${f.path}: ${f.reason}`)));
  }
  lines.push('Đã ghi:');
  for (const p of written) lines.push(`  ${printable(relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p))}`);
  return `${lines.join('\n')}\n`;
}
