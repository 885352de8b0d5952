import * as z from 'zod';
import { describeEditions, knownVersions } from '../catalogue/catalogue.js';
import { UsageError } from '../errors.js';
import type { Figures, Rollup } from '../model.js';
import { rollupEdition, rollupInEdition } from './convert.js';

/**
 * Enough of the roll-up's shape to tell a bdg roll-up from any other JSON, with a clear message. Made when a saved
 * roll-up is read (zod builds a schema's parts at once: not at the start of every run).
 */
const makeRollupShape = () =>
  z.looseObject({
    root: z.object({ code: z.string(), name: z.string() }),
    period: z.string(),
    periodLabel: z.string(),
    catalogueVersion: z.string(),
    edition: z.string().optional(),
    completeness: z.looseObject({ expected: z.number(), received: z.number() }),
    totals: z.record(z.string(), z.looseObject({ reported: z.number(), expected: z.number() })),
    ratios: z.array(z.looseObject({ id: z.string() })),
    units: z.array(z.looseObject({ code: z.string() })),
    files: z.array(z.unknown()),
    narratives: z.array(z.unknown()),
  });
let rollupShape: ReturnType<typeof makeRollupShape> | undefined;

/** Checks the text of a roll-up JSON written by `consolidate`; anything else is a UsageError (exit 2) saying so. */
export function parseSavedRollup(text: string, path: string): Rollup {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`"${path}" không phải tệp JSON hợp lệ: ${(err as Error).message}.`);
  }
  const parsed = (rollupShape ??= makeRollupShape()).safeParse(json);
  if (!parsed.success)
    throw new UsageError(
      `"${path}" không phải tệp tổng hợp của bdg (tong-hop-….json do lệnh consolidate tạo): ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}.`,
    );
  const edition = (json as Rollup).edition ?? (json as Rollup).catalogueVersion;
  if (!knownVersions().includes(edition))
    throw new UsageError(
      `"${path}" theo biểu mẫu ${edition}, phiên bản mà bdg này không biết (bdg biết: ${describeEditions()}). Dùng bdg mới hơn.`,
    );
  return json as Rollup;
}

/**
 * Last period's figures of any unit of a saved roll-up (the root's from its totals), for the outlier warning, in
 * the edition asked for (a file's own): through the crosswalks, only same and moved codes are compared.
 */
export function previousFigures(rollup: Rollup): (unitCode: string, edition?: string) => Figures | undefined {
  const byEdition = new Map<string, Map<string, Figures> | null>();
  const figuresIn = (edition: string) => {
    if (byEdition.has(edition)) return byEdition.get(edition)!;
    let inEdition: Rollup | null;
    try {
      inEdition = rollupInEdition(rollup, edition);
    } catch {
      inEdition = null; // no crosswalk: nothing to compare
    }
    const byCode = inEdition && new Map<string, Figures>(inEdition.units.map((u) => [u.code, u.values]));
    if (inEdition && byCode) {
      const root: Figures = {};
      for (const [code, { reported: _r, expected: _e, ...figure }] of Object.entries(inEdition.totals))
        root[code] = figure;
      byCode.set(rollup.root.code, root);
    }
    byEdition.set(edition, byCode);
    return byCode;
  };
  return (code, edition) => figuresIn(edition ?? rollupEdition(rollup))?.get(code);
}

/**
 * `--previous` must be an earlier period than the one reported: a roll-up of the same (or a later) period would
 * print "so với năm 2024" in the 2024 report. Periods are compared by year ("2023" and "2023-H1" both precede 2024).
 */
/** "Quý III năm 2026" → "quý III năm 2026" (the roman numerals stay). */
const lower = (label: string) => label.charAt(0).toLocaleLowerCase('vi') + label.slice(1);

export function checkPreviousPeriod(
  previous: Rollup,
  current: { period: string; periodLabel: string },
  path: string,
): void {
  const year = (p: string) => Number(p.slice(0, 4));
  // Like with like: a year with an earlier year, a quarter with the same quarter of an earlier year (cùng kỳ).
  const kind = (p: string) => p.slice(4).replace(/^-?/, '').replace(/^S1$/, 'H1');
  const same = `${year(current.period) - 1}${current.period.slice(4)}`;
  if (kind(previous.period) !== kind(current.period))
    throw new UsageError(
      `--previous "${path}" là số liệu ${lower(previous.periodLabel)}, khác loại kỳ với ${lower(current.periodLabel)}: chỉ so sánh cùng kỳ, dùng tệp tổng hợp cùng kỳ năm trước (ví dụ tong-hop-…-${same}.json).`,
    );
  if (year(previous.period) < year(current.period)) return;
  throw new UsageError(
    `--previous "${path}" là số liệu ${previous.periodLabel.toLocaleLowerCase('vi')}, không phải kỳ trước của ${current.periodLabel.toLocaleLowerCase('vi')}: dùng tệp tổng hợp của một năm trước đó (ví dụ tong-hop-…-${year(current.period) - 1}.json).`,
  );
}
