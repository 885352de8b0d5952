import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { EMPTY_CONFIG, loadConfig } from '../config.js';
import type { Rollup } from '../model.js';
import { checkOutputs, writeFileAtomic } from '../util/safe-write.js';
import { renderReport } from '../write/report/index.js';
import { EXIT, UsageError, type CommandIO } from './io.js';

export interface ReportFlags {
  config?: string;
  previous?: string;
  out?: string;
  force?: boolean;
}

/** Enough of the roll-up's shape to tell a bdg roll-up from any other JSON, with a clear message. */
const rollupShape = z.looseObject({
  root: z.object({ code: z.string(), name: z.string() }),
  period: z.string(),
  periodLabel: z.string(),
  catalogueVersion: z.string(),
  completeness: z.looseObject({ expected: z.number(), received: z.number() }),
  totals: z.record(z.string(), z.looseObject({ reported: z.number(), expected: z.number() })),
  ratios: z.array(z.looseObject({ id: z.string() })),
  units: z.array(z.looseObject({ code: z.string() })),
  files: z.array(z.unknown()),
  narratives: z.array(z.unknown()),
});

async function readRollup(path: string, what: string): Promise<Rollup> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`không đọc được ${what} "${path}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'không có tệp này' : (err as Error).message}.`);
  }
  const parsed = rollupShape.safeParse(json);
  if (!parsed.success)
    throw new UsageError(`"${path}" không phải tệp tổng hợp của bdg (tong-hop-….json do lệnh consolidate tạo): ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}.`);
  return json as Rollup;
}

/** `bdg report`: rewrites the DOCX from a saved roll-up, e.g. after the config or the wording changed. */
export async function runReport(rollupPath: string, flags: ReportFlags, io: CommandIO): Promise<number> {
  const rollup = await readRollup(rollupPath, 'tệp tổng hợp');
  const previous = flags.previous ? await readRollup(flags.previous, 'tệp tổng hợp kỳ trước') : undefined;
  const config = flags.config ? await loadConfig(flags.config) : EMPTY_CONFIG;
  const out = resolve(flags.out ?? join(dirname(rollupPath), `bao-cao-${rollup.root.code}-${rollup.period}.docx`));
  await checkOutputs([out], { force: flags.force, inputs: [rollupPath, ...(flags.previous ? [flags.previous] : [])] });
  await writeFileAtomic(out, await renderReport(rollup, config, { previous }));
  io.stderr.write(`Đã viết báo cáo: ${out}\n`);
  return EXIT.ok;
}
