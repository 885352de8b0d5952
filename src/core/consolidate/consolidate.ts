import { loadCatalogue, CURRENT_VERSION, type Catalogue } from '../catalogue/catalogue.js';
import type { Config } from '../config.js';
import { makeIssue } from '../issues.js';
import type { FileOutcome, Figures, Issue, Period, Rollup, UnitFigures } from '../model.js';
import type { Hierarchy } from '../read/hierarchy.js';
import { computeRatios, rollUp, totalsOf } from '../rollup/rollup.js';
import { parsePeriodArg } from '../util/period.js';
import type { CheckedFile } from '../validate/check-file.js';

/** What the edge found in the folder: files to read (with a digest of their bytes, null if unreadable) and files passed over. */
export type Found =
  | { kind: 'candidate'; path: string; rel: string; digest: string | null }
  | { kind: 'ignored'; path: string; rel: string; reason: string }
  /** A spreadsheet in a format bdg cannot read (.xls, .ods): most likely a submission, so it is reported as rejected. */
  | { kind: 'wrong-format'; path: string; rel: string; format: string };

/** A file to read: where it is, and the name it is known by in messages (relative to the folder). */
export interface FileJob {
  path: string;
  rel: string;
}

export interface ConsolidateOptions {
  found: Found[];
  hierarchy: Hierarchy;
  config: Config;
  /** The period to consolidate; by default the period most accepted files declare. */
  period?: Period;
  /** Reads and validates the candidate files, returning them in the given order. */
  readFiles: (files: FileJob[], onDone: () => void) => Promise<CheckedFile[]>;
  onProgress?: (done: number, total: number) => void;
  now?: Date;
}

export interface Consolidation {
  rollup: Rollup;
  catalogue: Catalogue;
  /** Every unit's figures by code, root included (the summary workbook's sheets). */
  byUnit: Map<string, UnitFigures>;
}

/** The whole of `consolidate` short of writing: read, validate, settle conflicts, roll up. */
export async function consolidate(opts: ConsolidateOptions): Promise<Consolidation> {
  const { hierarchy, config } = opts;
  const catalogue = loadCatalogue(CURRENT_VERSION);
  const found = opts.found;
  const outcomes = new Map<Found, FileOutcome>();

  // The same bytes under two names is one submission sent twice: keep the first, pass over the copy.
  const candidates: Extract<Found, { kind: 'candidate' }>[] = [];
  const firstByDigest = new Map<string, Extract<Found, { kind: 'candidate' }>>();
  for (const f of found) {
    if (f.kind === 'ignored') outcomes.set(f, { path: f.rel, unit: null, status: 'ignored', reason: f.reason });
    else if (f.kind === 'wrong-format')
      outcomes.set(f, {
        path: f.rel,
        unit: null,
        status: 'rejected',
        errors: [makeIssue('file-not-xlsx', 'error', undefined, `Tệp ở định dạng ${f.format}, bdg chỉ đọc .xlsx. Mở tệp bằng Excel hoặc LibreOffice Calc và lưu lại dưới dạng .xlsx (Excel Workbook).`)],
        warnings: [],
      });
    else {
      const digest = f.digest;
      const first = digest ? firstByDigest.get(digest) : undefined;
      if (!first) {
        if (digest) firstByDigest.set(digest, f);
        candidates.push(f);
        continue;
      }
      // Keep the first found, unless its name marks it as the copy ("x (1).xlsx", "Copy of x", "bản sao").
      const looksCopied = (x: Found) => /\(\d+\)|copy|bản sao|ban[- ]sao/i.test(x.rel.normalize('NFC'));
      const [keep, copy] = looksCopied(first) && !looksCopied(f) ? [f, first] : [first, f];
      if (keep === f) {
        candidates[candidates.indexOf(first)] = f;
        firstByDigest.set(digest!, f);
      }
      outcomes.set(copy, { path: copy.rel, unit: null, status: 'ignored', reason: `trùng hệt tệp "${keep.rel}" (cùng nội dung), chỉ tính một lần` });
    }
  }

  let done = 0;
  opts.onProgress?.(0, candidates.length);
  const onDone = () => opts.onProgress?.(++done, candidates.length);
  const checked = await opts.readFiles(candidates, onDone);

  const period = opts.period ?? majorityPeriod(checked);
  const accepted: CheckedFile[] = [];
  const rejectedExtra = new Map<CheckedFile, Issue[]>();
  for (const c of checked) {
    if (!c.valid) continue;
    if (period && c.period !== period.id) {
      rejectedExtra.set(c, [
        makeIssue('period-mismatch', 'error', c.submission?.infoRefs.period, `Tệp báo cáo ${c.periodLabel ?? 'không rõ kỳ'}, khác kỳ đang tổng hợp (${period.label}). Kiểm tra ô "Kỳ báo cáo" hoặc bỏ tệp này khỏi thư mục.`, {
          value: c.periodLabel,
        }),
      ]);
      continue;
    }
    accepted.push(c);
  }
  settleConflicts(accepted, hierarchy, rejectedExtra);

  for (const [i, c] of checked.entries()) {
    const extra = rejectedExtra.get(c) ?? [];
    const ok = c.valid && extra.length === 0;
    outcomes.set(candidates[i]!, {
      path: c.file,
      unit: c.unit?.code ?? null,
      status: ok ? 'accepted' : 'rejected',
      errors: [...c.errors, ...extra],
      warnings: c.warnings,
      preparedOn: c.submission?.info.preparedOn ?? null,
    });
  }
  const final = accepted.filter((c) => !rejectedExtra.has(c));
  const submitted = new Map<string, Figures>(final.map((c) => [c.unit!.code, c.figures!]));
  const byUnit = rollUp(hierarchy, catalogue, submitted);
  const root = byUnit.get(hierarchy.root.code)!;
  const children = hierarchy.children(hierarchy.root.code);
  const year = period?.year ?? (opts.now ?? new Date()).getFullYear();
  const order = new Map(hierarchy.units.map((u, i) => [u.code, i]));

  const rollup: Rollup = {
    root: { code: hierarchy.root.code, name: hierarchy.root.name },
    period: period?.id ?? String(year),
    periodLabel: period?.label ?? `Năm ${year}`,
    catalogueVersion: catalogue.version,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    completeness: {
      expected: children.length,
      received: children.filter((u) => byUnit.get(u.code)!.source !== 'missing').length,
      missing: children.filter((u) => byUnit.get(u.code)!.source === 'missing').map((u) => ({ code: u.code, name: u.name })),
      late: config.deadline
        ? final
            .filter((c) => c.submission!.info.preparedOn && c.submission!.info.preparedOn > config.deadline!)
            .sort((a, b) => order.get(a.unit!.code)! - order.get(b.unit!.code)!)
            .map((c) => ({ code: c.unit!.code, name: c.unit!.name, preparedOn: c.submission!.info.preparedOn! }))
        : [],
    },
    files: found.map((f) => outcomes.get(f)!),
    totals: totalsOf(catalogue, root, children.length),
    ratios: computeRatios(catalogue, root.values, hierarchy.communesUnder(root.code), year, root.coverage),
    communes: hierarchy.communesUnder(root.code),
    units: hierarchy.units.filter((u) => u.code !== root.code).map((u) => byUnit.get(u.code)!),
    narratives: final
      .filter((c) => Object.keys(c.submission!.narrative).length > 0)
      .sort((a, b) => order.get(a.unit!.code)! - order.get(b.unit!.code)!)
      .map((c) => ({ unit: c.unit!, narrative: c.submission!.narrative })),
  };
  return { rollup, catalogue, byUnit };
}

/** The period most valid files declare; on a tie, the latest. */
export function majorityPeriod(checked: CheckedFile[]): Period | undefined {
  const counts = new Map<string, number>();
  for (const c of checked) if (c.valid && c.period) counts.set(c.period, (counts.get(c.period) ?? 0) + 1);
  const best = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1))[0];
  return best ? (parsePeriodArg(best[0]) ?? undefined) : undefined;
}

/**
 * Two files for one unit, or a unit sent together with a unit below it, would count the same people twice:
 * all such files are rejected, each naming the others, and none is summed.
 */
function settleConflicts(accepted: CheckedFile[], hierarchy: Hierarchy, rejected: Map<CheckedFile, Issue[]>): void {
  const add = (c: CheckedFile, issue: Issue) => rejected.set(c, [...(rejected.get(c) ?? []), issue]);
  const byUnit = new Map<string, CheckedFile[]>();
  for (const c of accepted) byUnit.set(c.unit!.code, [...(byUnit.get(c.unit!.code) ?? []), c]);
  for (const [code, files] of byUnit) {
    if (files.length < 2) continue;
    for (const c of files) {
      const others = files.filter((o) => o !== c).map((o) => `"${o.file}"`).join(', ');
      add(c, makeIssue('unit-duplicate', 'error', c.submission?.infoRefs.unitCode, `Đơn vị ${code} (${c.unit!.name}) có nhiều tệp: tệp này và ${others}. Không tệp nào được tổng hợp để tránh cộng hai lần: giữ lại một tệp đúng và xóa các tệp còn lại.`, { value: code }));
    }
  }
  for (const c of accepted) {
    for (const anc of hierarchy.ancestors(c.unit!.code)) {
      for (const a of byUnit.get(anc.code) ?? []) {
        add(c, makeIssue('unit-overlap', 'error', c.submission?.infoRefs.unitCode, `Đơn vị ${c.unit!.code} (${c.unit!.name}) thuộc ${anc.name}, mà ${anc.name} cũng đã gửi tệp tổng hợp "${a.file}". Số liệu sẽ bị cộng hai lần: chỉ giữ tệp của ${anc.name} hoặc chỉ giữ tệp của các đơn vị cấp dưới.`, { value: c.unit!.code }));
        add(a, makeIssue('unit-overlap', 'error', a.submission?.infoRefs.unitCode, `Tệp của ${anc.name} gửi cùng tệp "${c.file}" của đơn vị cấp dưới ${c.unit!.code} (${c.unit!.name}). Số liệu sẽ bị cộng hai lần: chỉ giữ tệp của ${anc.name} hoặc chỉ giữ tệp của các đơn vị cấp dưới.`, { value: a.unit!.code }));
      }
    }
  }
}
