import { stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { emptyIssuerFields } from '../../core/write/report/issuer.js';
import cliProgress from 'cli-progress';
import { EMPTY_CONFIG, emptyConfigNotice, withIssuer, type Config } from '../../core/config.js';
import { loadConfig } from '../../node/config-file.js';
import { consolidate, rootUnit, type Consolidation, type Found } from '../../core/consolidate/consolidate.js';
import { hierarchyFor, unitSourceData } from '../../core/units/source.js';
import { discover } from '../../node/discover.js';
import { defaultWorkers, readParallel, startReaders, type WorkerSetup } from '../../node/read-files.js';
import type { Rollup } from '../../core/model.js';
import { limitsFrom } from '../../core/read/limits.js';
import { loadSavedRollup } from '../../node/saved-rollup.js';
import { checkPreviousPeriod } from '../../core/rollup/saved.js';
import { rollupInEdition } from '../../core/rollup/convert.js';
import { chooseEdition, loadedCatalogues } from '../../core/catalogue/catalogue.js';
import { checkCatalogue } from '../../node/catalogue-cache.js';
import { formatNumber, formatPercent } from '../../core/util/number.js';
import { parsePeriodArg } from '../../core/util/period.js';
import { checkOutputs } from '../../node/safe-write.js';
import { OutputSet } from '../../node/output-set.js';
import { consolidationOutputs, outputNames, type Made, type OutputFile } from '../../core/outputs/outputs.js';
import { newRunId } from '../../core/util/run-id.js';
import { VERSION } from '../../node/version.js';
import { CopyMarker } from '../../node/annotate-thread.js';
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
import { phase } from '../../node/phase-clock.js';
import { nativeCodec } from '../../node/native-codec.js';

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

/** The reading's progress bar, on a terminal that is not CI's. */
function progressBar(io: CommandIO): cliProgress.SingleBar | null {
  return io.stderr.isTTY && !process.env.CI
    ? new cliProgress.SingleBar(
        { stream: io.stderr, format: 'Đang đọc {bar} {value}/{total} tệp', hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
}

/** The paths of the three outputs of one consolidation (the names are the core's). */
function outputPaths(outDir: string, rootCode: string, period: string): string[] {
  return Object.values(outputNames(rootCode, period)).map((name) => join(outDir, name));
}

/**
 * What is known before reading, each checked so that a mistake stops the run before any work: the folder, the
 * config, the unit list, the period, the output folder, the limits, last period's roll-up, the root when it can be
 * known, and outputs already there.
 */
async function runArguments(dir: string, flags: ConsolidateFlags) {
  const st = await stat(dir).catch(() => null);
  if (!st) throw new UsageError(`không tìm thấy thư mục "${dir}". Kiểm tra lại đường dẫn.`);
  if (!st.isDirectory())
    throw new UsageError(
      `"${dir}" là một tệp, không phải thư mục. Lệnh consolidate tổng hợp cả một thư mục báo cáo; để kiểm tra một tệp, dùng: bdg validate "${dir}".`,
    );
  phase('consolidate: start');
  checkCatalogue();
  const config = withIssuer(flags.config ? await loadConfig(flags.config) : EMPTY_CONFIG, flags.issuer);
  const unitsFile = flags.units ?? config.unitsPath;
  const units = await loadUnitSource({ file: unitsFile, edition: flags.unitsEdition });
  const period = flags.period ? parsePeriodArg(flags.period) : undefined;
  if (flags.period && !period)
    throw new UsageError(
      `--period "${flags.period}" không đúng dạng: dùng 2026 (cả năm), 2026-H1 (6 tháng đầu năm), 2026-M9 (9 tháng) hoặc 2026-Q1…2026-Q4 (quý).`,
    );
  const outDir = resolve(flags.out ?? 'out');
  const inputDir = resolve(dir);
  const outStat = await stat(outDir).catch(() => null);
  if (outStat && !outStat.isDirectory())
    throw new UsageError(
      `--out "${flags.out ?? 'out'}" là một tệp, không phải thư mục: chọn một thư mục để ghi kết quả.`,
    );
  // Outputs left inside the folder of submissions would be read as submissions next time: only when asked.
  if (!flags.out && (outDir === inputDir || outDir.startsWith(inputDir + sep)))
    throw new UsageError(
      `thư mục kết quả mặc định "${outDir}" nằm trong thư mục báo cáo "${dir}". Chạy lệnh từ thư mục khác, hoặc chỉ rõ nơi ghi bằng --out.`,
    );
  const limits = limitsFrom(flags);
  const previous = flags.previous ? await loadSavedRollup(flags.previous, 'tệp tổng hợp kỳ trước') : undefined;
  if (flags.form !== undefined) chooseEdition(flags.form, period);
  if (previous && period) {
    checkPreviousPeriod(previous, { period: period.id, periodLabel: period.label }, flags.previous!);
    rollupInEdition(previous, chooseEdition(flags.form, period).id, `--previous "${flags.previous}"`);
  }
  // Known before reading when the period is given: the root (a wrong --root stops here), and outputs already there.
  const list = period
    ? hierarchyFor(units, period)
    : units.kind === 'list'
      ? hierarchyFor(units, undefined)
      : undefined;
  const knownRoot =
    list && (flags.root ? rootUnit(list, flags.root, units, period) : units.kind === 'list' ? list.root : undefined);
  if (knownRoot && period) await checkOutputs(outputPaths(outDir, knownRoot.code, period.id), { force: flags.force });
  return { config, unitsFile, units, period, outDir, limits, previous, knownRoot };
}

export async function runConsolidate(dir: string, flags: ConsolidateFlags, io: CommandIO): Promise<number> {
  const args = await runArguments(dir, flags);
  const { config, outDir, previous } = args;

  phase('options, unit list read');
  const pinned = pinnedDate();
  const runId = newRunId(pinned ?? new Date(), pinned !== undefined);
  const set = await OutputSet.open(outDir, runId);
  const bar = progressBar(io);
  const signals = watchInterrupts(set, bar, io);
  const threads = startThreads(flags, args, config.cutoff);
  try {
    const { found, result } = await readAndRollUp(dir, flags, args, runId, threads, bar);
    phase('read and rolled up');
    const { rollup } = result;
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
    const { written, skipped } = await makeOutputs(result, found, set, flags, {
      config,
      previous,
      runId,
      outDir,
      threads,
    });
    // A Ctrl-C that came while the last outputs were staged stops the run here, before the switch.
    if (signals.interrupted !== null) await signals.stop(signals.interrupted);
    await set.commit();
    phase('outputs in place');
    if (signals.interrupted !== null) await signals.stop(signals.interrupted);
    printOutcome(io, flags, config, rollup, written, skipped);
    return rollup.files.some((f) => f.status === 'rejected') ? EXIT.dataErrors : EXIT.ok;
  } catch (err) {
    if (signals.interrupted !== null) await signals.stop(signals.interrupted); // the run was stopped: exit 130, not the error it caused
    await set.abort();
    throw err;
  } finally {
    threads.reportThread.stop();
    signals.detach();
    await set.release();
  }
}

/**
 * SOURCE_DATE_EPOCH (the reproducible-builds convention, seconds since 1970) pins the run's date and id, so two runs
 * over the same files make the same outputs, byte for byte.
 */
function pinnedDate(): Date | undefined {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  return epoch ? new Date(Number(epoch) * 1000) : undefined;
}

type RunArguments = Awaited<ReturnType<typeof runArguments>>;
type Threads = ReturnType<typeof startThreads>;

/**
 * The folder walked and its files read and rolled up, with the progress bar; `found`: where each file shown as
 * `rel` is (its bytes, when its name is not UTF-8), to mark and send back its copy.
 */
async function readAndRollUp(
  dir: string,
  flags: ConsolidateFlags,
  args: RunArguments,
  runId: string,
  threads: Threads,
  bar: cliProgress.SingleBar | null,
): Promise<{ found: Found[]; result: Consolidation }> {
  const { setup, workers, readers } = threads;
  try {
    const found = await discover(dir, [args.outDir], args.knownRoot?.code);
    phase(`folder walked: ${found.length} files`);
    const result = await consolidate({
      found,
      units: args.units,
      root: flags.root,
      config: args.config,
      period: args.period ?? undefined,
      form: flags.form,
      runId,
      now: pinnedDate(),
      // Files are read on worker threads even with --workers 1, so the time limit per file holds.
      readFiles: async (files, tick) => {
        const read = await readParallel(files, setup, workers, tick, readers, threads.reportThread.helper);
        phase('files read');
        return read;
      },
      onProgress: (done, total) => {
        if (done === 1) loadSummaryWriter();
        if (done % 500 === 0 && done) phase(`${done} files read`);
        if (!bar) return;
        if (done === 0) bar.start(total, 0);
        else bar.update(done);
      },
    });
    return { found, result };
  } finally {
    bar?.stop();
    // Threads not handed out (the walk failed) must not keep the process alive.
    for (const r of readers) void r.worker.terminate();
  }
}

/**
 * Every output made and staged in the set, after checking that none overwrites what it must not. Each copy is
 * marked on a thread under the limits of the reading, while the summary and the report (on a thread of its own)
 * are written; one that cannot be made within them is skipped with the reason.
 */
async function makeOutputs(
  result: Consolidation,
  found: Found[],
  set: OutputSet,
  flags: ConsolidateFlags,
  run: { config: Config; previous: Rollup | undefined; runId: string; outDir: string; threads: Threads },
): Promise<Staged> {
  const { config, previous, runId, outDir, threads } = run;
  const marker = new CopyMarker(threads.setup.limits);
  const { outputs, pathOf, inputs } = plannedOutputs(result, found, outDir, {
    config,
    previous,
    runId,
    marker,
    reportThread: threads.reportThread,
  });
  try {
    await checkOutputs(outputs.map(pathOf), { force: flags.force, inputs });
    phase('outputs checked');
    return await stageOutputs(outputs, set, pathOf);
  } finally {
    marker.stop();
  }
}

/** What the run made, printed: the JSON on stdout with --json (the table then on stderr), and a config notice. */
function printOutcome(
  io: CommandIO,
  flags: ConsolidateFlags,
  config: Config,
  rollup: Rollup,
  written: string[],
  skipped: Staged['skipped'],
): void {
  if (flags.json) io.stdout.write(jsonText(rollup));
  (flags.json ? io.stderr : io.stdout).write(formatSummary(rollup, written, io, skipped));
  const notice = emptyConfigNotice(config, (c) => emptyIssuerFields(c, rollup));
  if (notice) (flags.json ? io.stderr : io.stdout).write(`${io.color.yellow(printable(notice))}\n`);
}

/**
 * The reading threads start before the folder walk (the first was started with the CLI; each takes the form
 * editions and the unit list this thread has read), and the report (docx) is written on a thread of its own, in
 * parallel with the workbook, which reads files too meanwhile when a second thread is allowed.
 */
function startThreads(flags: ConsolidateFlags, args: RunArguments, cutoff: string | undefined) {
  const setup: WorkerSetup = {
    unitsFile: args.unitsFile && resolve(args.unitsFile),
    unitsEdition: flags.unitsEdition,
    period: args.period?.id,
    previousFile: flags.previous && resolve(flags.previous),
    limits: args.limits,
    cutoff,
    // Checked by checkCatalogue (or the build's cache) and read by runArguments: the threads take them instead of
    // reading the same files again.
    catalogues: loadedCatalogues(),
    units: unitSourceData(args.units),
  };
  const workers = flags.workers ?? defaultWorkers();
  // One thread starts now; readParallel adds more once the walk has counted enough files to pay for them.
  const readers = startReaders(setup, 1);
  void readers[0]!.ready.then(() => phase('first reading thread ready'));
  // With a second thread allowed, the report thread reads too until the report is asked for (report-thread.ts).
  const reportThread = startReportThread(setup.catalogues, workers > 1 ? setup : undefined);
  return { setup, workers, readers, reportThread };
}

/**
 * Loads the summary's writer (exceljs) while the files are read, so the core finds it loaded: once the first file
 * is read, because compiling it holds this thread ~0,3 s and the reading threads have their first files by then.
 */
function loadSummaryWriter(): void {
  import('../../core/write/summary-workbook.js').catch(() => {});
}

/**
 * Ctrl-C: the cursor comes back, this run's temporary files and lock go, the previous outputs stay; a switch
 * already under way is finished first so the folder never holds half of each set. `interrupted`: the exit status
 * of a signal that came (130, 143), for the run to stop at its next safe point.
 */
function watchInterrupts(set: OutputSet, bar: cliProgress.SingleBar | null, io: CommandIO) {
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
  return {
    get interrupted() {
      return interrupted;
    },
    stop,
    detach() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/**
 * The outputs of the run, each copy only of a file found (`where`: a name shown → where it is), where they go, and
 * the inputs they must not overwrite.
 */
function plannedOutputs(
  result: Consolidation,
  found: Found[],
  outDir: string,
  run: {
    config: Config;
    previous: Rollup | undefined;
    runId: string;
    marker: CopyMarker;
    reportThread: ReturnType<typeof startReportThread>;
  },
) {
  const { marker, reportThread } = run;
  const where = new Map(found.map((f) => [f.rel, f.path]));
  const outputs = consolidationOutputs(result, {
    config: run.config,
    previous: run.previous,
    runId: run.runId,
    madeBy: `bdg ${VERSION}`,
    codec: nativeCodec,
    makers: {
      copy: (job) => marker.mark({ path: where.get(job.source)!, issues: job.issues, file: job.file }),
      report: (r, c, p) => reportThread.render(r, c, p),
    },
  }).filter((o) => o.kind !== 'copy' || where.has(o.source!));
  const pathOf = (o: OutputFile) => join(outDir, ...o.name.split('/'));
  const inputs = result.rollup.files
    .filter((f) => f.status !== 'ignored' && where.has(f.path))
    .map((f) => where.get(f.path)!);
  return { outputs, pathOf, inputs };
}

/** The outputs written and the copies that could not be made, with why. */
interface Staged {
  written: string[];
  skipped: { path: string; reason: string }[];
}

/**
 * Makes every output and stages it in the set: the summary and the report together, the copies one at a time (the
 * marking thread takes one file at once). A copy that cannot be made is skipped with its reason; any other output
 * that cannot be made stops the run.
 */
async function stageOutputs(outputs: OutputFile[], set: OutputSet, pathOf: (o: OutputFile) => string): Promise<Staged> {
  const written: string[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const copies = outputs.filter((o) => o.kind === 'copy');
  // One copy at a time: the marking thread takes one file at once.
  const marking = (async () => {
    const made: { out: OutputFile; made: Made }[] = [];
    for (const out of copies) made.push({ out, made: await out.make() });
    return made;
  })();
  marking.catch(() => {}); // awaited below, as the report is
  const main = outputs.filter((o) => o.kind !== 'copy');
  // The report first, so its thread renders while this one writes the summary; the JSON (a country's is tens of
  // MB of text) only when its turn comes, once the summary is staged and gone.
  const early = new Map(
    ['report', 'summary'].flatMap((kind) => main.filter((o) => o.kind === kind)).map((o) => [o, o.make()]),
  );
  for (const made of early.values()) made.catch(() => {}); // a failure while another output is written is not unhandled
  for (const out of main) {
    const made = await (early.get(out) ?? out.make());
    early.delete(out);
    if (!made.ok) throw new Error(made.skipped.message);
    await set.stage(pathOf(out), made.bytes);
    written.push(pathOf(out));
    phase(`staged ${out.name}`);
  }
  for (const { out, made } of await marking) {
    if (!made.ok) {
      skipped.push({ path: pathOf(out), reason: made.skipped.message });
      continue;
    }
    await set.stage(pathOf(out), made.bytes);
    written.push(pathOf(out));
  }
  return { written, skipped };
}

/** Which list was used and how the root was chosen, so a surprising root is explained where it is seen. */
function scopeLines(rollup: Rollup, io: CommandIO): string[] {
  const scope = rollup.scope;
  if (!scope) return [];
  const lines = [`  Danh mục:       ${printable(scope.unitList)}`];
  if (scope.rootChosenBy === 'files') {
    lines.push(
      `  Đơn vị tổng hợp: ${printable(`${rollup.root.code} ${rollup.root.name}`)} – đơn vị nhỏ nhất chứa mọi tệp hợp lệ (chọn đơn vị khác bằng --root MÃ)`,
    );
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
    lines.push(
      io.color.yellow(
        `  Đã chuyển ${converted.length} tệp theo biểu mẫu ${from} sang ${rollup.edition} (xem cảnh báo của từng tệp)`,
      ),
    );
  }
  return lines;
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
  lines.push(
    'Không ghi kết quả nào. Để có bản đánh dấu lỗi gửi lại đơn vị: bdg validate <tệp> --annotate <bản-sao>.xlsx',
  );
  return `${lines.join('\n')}\n`;
}

/** Warnings printed per unit in the summary; the rest are in the status sheet. */
const WARNINGS_SHOWN = 3;

/** The short table printed after a run: who reported, who did not, which files were refused and why. */
export function formatSummary(
  rollup: Rollup,
  written: string[],
  io: CommandIO,
  skipped: { path: string; reason: string }[] = [],
): string {
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
  if (k.missing.length)
    lines.push(c.yellow(printable(`  Chưa có số liệu: ${k.missing.map((m) => `${m.code} ${m.name}`).join('; ')}`)));
  for (const p of k.partial ?? []) lines.push(c.yellow(printable(`  Số liệu chưa đầy đủ: ${partialUnitText(p)}`)));
  if (k.late.length)
    lines.push(c.yellow(printable(`  Nộp muộn: ${k.late.map((m) => `${m.code} ${m.name}`).join('; ')}`)));
  const superseded = files.filter((f) => f.status === 'superseded');
  if (superseded.length) {
    lines.push(`  Thay bằng tệp khác (${superseded.length}):`);
    for (const f of superseded)
      lines.push(`    ${c.bold(printable(f.path))} → ${printable(`${f.supersededBy}: ${f.reason}`)}`);
  }
  const warned = files.filter((f) => f.status === 'accepted' && (f.warnings?.length ?? 0) > 0);
  if (warned.length) {
    // Looked up by code: a country's run warns thousands of units.
    const names = new Map(rollup.units.map((u) => [u.code, u.name]));
    lines.push(c.yellow(`  Cảnh báo cần xem lại (${warned.length} đơn vị):`));
    for (const f of warned) {
      const ws = f.warnings!;
      const unit = f.unit ? `${f.unit} ${names.get(f.unit) ?? ''}`.trim() : '';
      lines.push(
        `    ${c.bold(printable(unit || f.path))} (${printable(f.path)}): ${formatNumber(ws.length)} cảnh báo`,
      );
      for (const w of ws.slice(0, WARNINGS_SHOWN)) lines.push(`      - ${printable(w.message)}`);
      if (ws.length > WARNINGS_SHOWN)
        lines.push(
          `      (và ${formatNumber(ws.length - WARNINGS_SHOWN)} cảnh báo khác, xem sheet "Tình hình nộp báo cáo")`,
        );
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
  const shown = (p: string) => printable(relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p));
  for (const p of written) lines.push(`  ${shown(p)}`);
  // Where the copy would have been announced: why it is not there.
  for (const s of skipped)
    lines.push(c.yellow(`  (không ghi) ${shown(s.path)}: ${printable(s.reason)} [annotate-skipped]`));
  return `${lines.join('\n')}\n`;
}
