import { issue } from '../rules/rules.js';
import type { Issue, PartialUnit, UnitRef } from '../model.js';
import type { AdminUnit, Hierarchy } from '../units/hierarchy.js';
import type { CheckedFile } from '../validate/check-file.js';

/** What settling conflicts decided for a file that was not simply accepted. */
export type Settled = { kind: 'rejected'; errors: Issue[] } | { kind: 'superseded'; by: CheckedFile; reason: string };

const dmy = (iso: string) => iso.split('-').reverse().join('/');

/** Units at the bottom of the list at or under `code` (a commune counts itself): what "covers" is counted in. */
export function leavesUnder(hierarchy: Hierarchy, code: string): AdminUnit[] {
  const unit = hierarchy.byCode.get(code);
  if (!unit) return [];
  const below = hierarchy.descendants(code);
  return below.length ? below.filter((u) => hierarchy.children(u.code).length === 0) : [unit];
}

/**
 * The commune-level units whose figures a file includes: those named in its `Đơn vị đã tổng hợp` row when it is a
 * summary that says so, otherwise every unit under it (docs/submission-workbook.md, "A summary workbook…").
 */
export function coveredBy(c: CheckedFile, hierarchy: Hierarchy): Set<string> {
  const all = leavesUnder(hierarchy, c.unit!.code);
  const listed = c.submission?.info.coveredUnits;
  if (!listed) return new Set(all.map((u) => u.code));
  const mine = new Set(all.map((u) => u.code));
  const codes = listed
    .split(/[,;\s]+/)
    .map((s) => hierarchy.resolve(s)?.code)
    .filter((s): s is string => s !== undefined && mine.has(s));
  return new Set(codes);
}

/** The partial-coverage entry for a file that covers fewer commune-level units than its unit has, else null. */
export function partialOf(c: CheckedFile, hierarchy: Hierarchy): PartialUnit | null {
  if (!c.submission?.info.coveredUnits) return null;
  const covered = coveredBy(c, hierarchy);
  const all = leavesUnder(hierarchy, c.unit!.code);
  if (covered.size >= all.length) return null;
  const children = hierarchy.children(c.unit!.code);
  const reported = children.filter((ch) => leavesUnder(hierarchy, ch.code).some((l) => covered.has(l.code))).length;
  return {
    code: c.unit!.code,
    name: c.unit!.name,
    reported,
    expected: children.length,
    missing: all.filter((u) => !covered.has(u.code)).map((u): UnitRef => ({ code: u.code, name: u.name })),
  };
}

/**
 * Decides, among valid files of the period, which are used. Never sums the same people twice, never drops a unit:
 * - several files of one unit: the one with the latest `Ngày lập` is used, the earlier ones are superseded; when the
 *   latest date is shared or a date is missing, all are rejected (`unit-duplicate`), naming each other;
 * - a unit's own file beside files of units below it: the side covering more commune-level units is used (the
 *   unit's own file on a tie), the other superseded.
 * Returns the decision for every file not simply accepted.
 */
export function settleConflicts(accepted: CheckedFile[], hierarchy: Hierarchy): Map<CheckedFile, Settled> {
  const settled = new Map<CheckedFile, Settled>();
  const byUnit = new Map<string, CheckedFile[]>();
  for (const c of accepted) byUnit.set(c.unit!.code, [...(byUnit.get(c.unit!.code) ?? []), c]);
  settleResends(byUnit, settled);
  settleLevels(new Set([...byUnit.values()].flat()), hierarchy, settled);
  return settled;
}

/** Several files of one unit: the latest by `Ngày lập` wins; a shared or missing date rejects them all. */
function settleResends(byUnit: Map<string, CheckedFile[]>, settled: Map<CheckedFile, Settled>): void {
  for (const [code, files] of byUnit) {
    if (files.length < 2) continue;
    const dated = files.every((f) => f.submission?.info.preparedOn);
    const latest = [...files].sort((a, b) =>
      a.submission!.info.preparedOn! < b.submission!.info.preparedOn! ? 1 : -1,
    );
    const winner = latest[0]!;
    const unique = dated && latest[1]!.submission!.info.preparedOn !== winner.submission!.info.preparedOn;
    if (unique) {
      for (const c of files)
        if (c !== winner)
          settled.set(c, {
            kind: 'superseded',
            by: winner,
            reason: `Đơn vị ${code} (${c.unit!.name}) đã gửi lại tệp "${winner.file}" lập ngày ${dmy(winner.submission!.info.preparedOn!)}, sau tệp này (lập ngày ${dmy(c.submission!.info.preparedOn!)}): dùng tệp gửi sau, tệp này không được tổng hợp.`,
          });
      byUnit.set(code, [winner]);
      continue;
    }
    for (const c of files) {
      const otherFiles = files.filter((o) => o !== c).map((o) => o.file);
      settled.set(c, {
        kind: 'rejected',
        errors: [
          issue(
            'unit-duplicate',
            {
              value: code,
              unitName: c.unit!.name,
              otherFiles,
              ...(dated ? { sameDate: dmy(c.submission!.info.preparedOn!) } : {}),
            },
            c.submission?.infoRefs.unitCode,
          ),
        ],
      });
    }
    byUnit.delete(code);
  }
}

/**
 * A unit's own file against the files below it, from the top of the tree down, so the loser never takes part
 * again: the side covering more commune-level units is used (the unit's own file on a tie).
 */
function settleLevels(active: Set<CheckedFile>, hierarchy: Hierarchy, settled: Map<CheckedFile, Settled>): void {
  // Each file under each unit above it, found once (a country has thousands of files: no file-by-file pairing).
  const under = new Map<string, CheckedFile[]>();
  const depth = new Map<CheckedFile, number>();
  for (const c of active) {
    const above = hierarchy.ancestors(c.unit!.code);
    depth.set(c, above.length);
    for (const a of above) {
      const list = under.get(a.code);
      if (list) list.push(c);
      else under.set(a.code, [c]);
    }
  }
  const tops = [...active].sort((a, b) => depth.get(a)! - depth.get(b)!);
  for (const own of tops) {
    if (!active.has(own)) continue;
    const code = own.unit!.code;
    const below = (under.get(code) ?? []).filter((c) => active.has(c));
    if (!below.length) continue;
    const all = leavesUnder(hierarchy, code).length;
    const ownCover = coveredBy(own, hierarchy).size;
    const belowCover = new Set(below.flatMap((c) => [...coveredBy(c, hierarchy)])).size;
    const name = own.unit!.name;
    const belowNames = below.map((c) => `"${c.file}"`).join(', ');
    if (ownCover >= belowCover) {
      for (const c of below) {
        active.delete(c);
        settled.set(c, {
          kind: 'superseded',
          by: own,
          reason: `${name} đã gửi tệp tổng hợp "${own.file}" gồm ${ownCover}/${all} đơn vị cấp xã, không ít hơn các tệp cấp dưới gửi cùng (${belowCover}/${all}): dùng tệp tổng hợp của ${name}; tệp này không cộng thêm để tránh cộng hai lần.`,
        });
      }
    } else {
      active.delete(own);
      settled.set(own, {
        kind: 'superseded',
        by: below[0]!,
        reason: `Các tệp của đơn vị cấp dưới ${name} (${belowNames}) gồm ${belowCover}/${all} đơn vị cấp xã, nhiều hơn tệp tổng hợp này (${ownCover}/${all}): dùng các tệp cấp dưới; tệp này không cộng thêm để tránh cộng hai lần.`,
      });
    }
  }
}
