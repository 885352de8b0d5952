import * as z from 'zod';
import { UsageError } from '../errors.js';
import type { Figures, Rollup } from '../model.js';

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

/** Checks the text of a roll-up JSON written by `consolidate`; anything else is a UsageError (exit 2) saying so. */
export function parseSavedRollup(text: string, path: string): Rollup {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`"${path}" không phải tệp JSON hợp lệ: ${(err as Error).message}.`);
  }
  const parsed = rollupShape.safeParse(json);
  if (!parsed.success)
    throw new UsageError(`"${path}" không phải tệp tổng hợp của bdg (tong-hop-….json do lệnh consolidate tạo): ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}.`);
  return json as Rollup;
}

/** Last period's figures of any unit of a saved roll-up (the root's from its totals), for the outlier warning. */
export function previousFigures(rollup: Rollup): (unitCode: string) => Figures | undefined {
  const byCode = new Map<string, Figures>(rollup.units.map((u) => [u.code, u.values]));
  const root: Figures = {};
  for (const [code, { reported: _r, expected: _e, ...figure }] of Object.entries(rollup.totals)) root[code] = figure;
  byCode.set(rollup.root.code, root);
  return (code) => byCode.get(code);
}

/**
 * `--previous` must be an earlier period than the one reported: a roll-up of the same (or a later) period would
 * print "so với năm 2024" in the 2024 report. Periods are compared by year ("2023" and "2023-H1" both precede 2024).
 */
export function checkPreviousPeriod(previous: Rollup, current: { period: string; periodLabel: string }, path: string): void {
  const year = (p: string) => Number(p.slice(0, 4));
  if (year(previous.period) < year(current.period)) return;
  throw new UsageError(
    `--previous "${path}" là số liệu ${previous.periodLabel.toLocaleLowerCase('vi')}, không phải kỳ trước của ${current.periodLabel.toLocaleLowerCase('vi')}: dùng tệp tổng hợp của một năm trước đó (ví dụ tong-hop-…-${year(current.period) - 1}.json).`,
  );
}
