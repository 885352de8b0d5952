import type { Config } from '../config.js';
import type { Consolidation } from '../consolidate/consolidate.js';
import type { Issue, Rollup } from '../model.js';
import type { Codec } from '../ooxml/zip.js';
import { jsonBytes } from '../util/json-text.js';

/** The folder of the outputs holding the marked copies sent back to the units (`tra-lai/<path as shown>`). */
export const TRA_LAI = 'tra-lai';

export type OutputKind = 'summary' | 'json' | 'report' | 'copy';

/** What making an output gave: its content, or (a copy only) the `annotate-skipped` issue saying why there is none. */
export type Made = { ok: true; bytes: Uint8Array | string } | { ok: false; skipped: Issue };

/** One output of a consolidation: its name, and how to make it when the edge asks (on a thread, a worker, now). */
export interface OutputFile {
  kind: OutputKind;
  /** Its name in the output folder, '/'-separated: a copy keeps the folders of the file it marks. */
  name: string;
  /** A copy: the file it marks, as the roll-up names it. */
  source?: string;
  make(): Promise<Made>;
}

/** A rejected file to mark and send back: as the roll-up names it, its problems, the name its list sheet shows. */
export interface CopyToMark {
  source: string;
  issues: Issue[];
  file: string;
}

/**
 * How the edge makes what the core cannot make alone or where it wants it made: the marked copies (the edge has
 * the files' bytes) always; the report and the summary workbook when not here (the CLI renders the report on a
 * thread of its own).
 */
export interface OutputMakers {
  copy: (job: CopyToMark) => Promise<Made>;
  report?: (rollup: Rollup, config: Config, previous: Rollup | undefined) => Promise<Uint8Array>;
  summary?: (result: Consolidation, stamp: { runId: string; madeBy: string }) => Promise<Uint8Array>;
}

export interface OutputOptions {
  config: Config;
  /** Last period's roll-up (`--previous`, "Kỳ trước"): the report compares with it. */
  previous?: Rollup;
  runId: string;
  /** "bdg 0.1.0", stamped in the summary workbook. */
  madeBy: string;
  makers: OutputMakers;
  /** The platform's deflate for the summary's large parts (Node's zlib at the Node edge); fflate without. */
  codec?: Codec;
}

/** The names of the three outputs of a consolidation of `rootCode` for `period` (known before reading, to check). */
export function outputNames(rootCode: string, period: string): { summary: string; json: string; report: string } {
  return {
    summary: `tong-hop-${rootCode}-${period}.xlsx`,
    json: `tong-hop-${rootCode}-${period}.json`,
    report: `bao-cao-${rootCode}-${period}.docx`,
  };
}

/**
 * Rejected files that were read as workbooks: each gets a marked copy in `tra-lai/`, under the same relative path as
 * shown (a name that is not UTF-8 or holds control characters is written as it is shown, escaped: a name any mail or
 * archive program keeps).
 */
export function copiesToSendBack(rollup: Rollup): CopyToMark[] {
  return rollup.files
    .filter((f) => f.status === 'rejected' && /\.xlsx$/i.test(f.path))
    .filter((f) => !(f.errors ?? []).some((e) => e.rule.startsWith('file-')))
    .map((f) => ({
      source: f.path,
      issues: [...(f.errors ?? []), ...(f.warnings ?? [])],
      file: f.path.slice(f.path.lastIndexOf('/') + 1),
    }));
}

/**
 * Every output of a consolidation, named, in the order they are announced: the summary workbook, the roll-up's
 * JSON, the report, then the copies sent back. Nothing is made until `make()` is called. No output when no file
 * was accepted (an empty summary and report would say nothing): the edges say why instead.
 */
export function consolidationOutputs(result: Consolidation, options: OutputOptions): OutputFile[] {
  const { rollup } = result;
  if (!rollup.files.some((f) => f.status === 'accepted')) return [];
  const { config, previous, runId, madeBy, makers, codec } = options;
  const names = outputNames(rollup.root.code, rollup.period);
  const made = async (bytes: Promise<Uint8Array | string>): Promise<Made> => ({ ok: true, bytes: await bytes });
  const summary = makers.summary ?? ((r, stamp) => writeSummary(r, stamp, codec));
  const report = makers.report ?? ((r, c, p) => writeReport(r, c, p, result));
  return [
    { kind: 'summary', name: names.summary, make: () => made(summary(result, { runId, madeBy })) },
    { kind: 'json', name: names.json, make: () => made(Promise.resolve(jsonBytes(rollup))) },
    { kind: 'report', name: names.report, make: () => made(report(rollup, config, previous)) },
    ...copiesToSendBack(rollup).map((job): OutputFile => ({
      kind: 'copy',
      name: [TRA_LAI, ...job.source.split('/')].join('/'),
      source: job.source,
      make: () => makers.copy(job),
    })),
  ];
}

/** The summary workbook; its writer (exceljs) is loaded when first needed. */
async function writeSummary(
  result: Consolidation,
  stamp: { runId: string; madeBy: string },
  codec: Codec | undefined,
): Promise<Uint8Array> {
  const { writeSummaryWorkbook } = await import('../write/summary-workbook.js');
  const { rollup, byUnit, hierarchy, catalogue, covered } = result;
  return writeSummaryWorkbook(rollup, byUnit, hierarchy, catalogue, { covered, ...stamp }, codec);
}

/** The report in the consolidation's edition; its writer (docx) is loaded when first needed. */
async function writeReport(rollup: Rollup, config: Config, previous: Rollup | undefined, result: Consolidation) {
  const { renderReport } = await import('../write/report/index.js');
  return renderReport(rollup, config, { catalogue: result.catalogue, previous });
}
