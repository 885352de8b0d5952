// The words that sum up a consolidation, shared by the CLI's summary (src/cli/commands/consolidate.ts) and the page
// (src/web/app.ts), so both say the same thing of the same run; each edge adds only how its user changes the input.
import type { FileOutcome, PartialUnit, Rollup, UnitRef } from '../model.js';
import { formatNumber } from '../util/number.js';

/** "34 (tiếp nhận 30, từ chối 1, bỏ qua 3)": every file counted once, so the parts add up to the whole. */
export function filesCounted(files: FileOutcome[]): { total: string; parts: string } {
  const count = (s: FileOutcome['status']) => formatNumber(files.filter((f) => f.status === s).length);
  const superseded = files.some((f) => f.status === 'superseded') ? `thay bằng tệp khác ${count('superseded')}, ` : '';
  return {
    total: formatNumber(files.length),
    parts: `tiếp nhận ${count('accepted')}, từ chối ${count('rejected')}, ${superseded}bỏ qua ${count('ignored')}`,
  };
}

/** How the edge names what was read and what its user changes: the CLI a folder and --period, the page its inputs. */
export interface NothingAcceptedWords {
  /** Where the files were: `trong "DIR"`. */
  source: string;
  /** What to do when nothing could be read: "Kiểm tra lại thư mục.". */
  recheck: string;
  /** How the period was chosen, after its label: " (--period 2023)", or "". */
  periodChosen: string;
  /** How to change it: "Kiểm tra lại --period.". */
  periodFix: string;
}

/** Why a run wrote nothing: no file to read, or none accepted (above all, files of another period). */
export function nothingAcceptedReason(rollup: Rollup, words: NothingAcceptedWords): string[] {
  const considered = rollup.files.filter((f) => f.status !== 'ignored');
  const seen = formatNumber(rollup.files.length);
  if (!considered.length)
    return [`Không có tệp .xlsx nào để tổng hợp ${words.source} (đã xét ${seen} tệp). ${words.recheck}`];
  const refused = formatNumber(considered.length);
  const lines = [`Không tệp nào được tiếp nhận (${refused} tệp bị từ chối), nên không lập bảng tổng hợp và báo cáo.`];
  const mismatched = considered.filter((f) => f.errors?.some((e) => e.rule === 'period-mismatch'));
  if (mismatched.length) {
    const periods = new Map<string, number>();
    for (const f of mismatched) {
      const label = String(f.errors!.find((e) => e.rule === 'period-mismatch')!.value ?? 'không rõ kỳ');
      periods.set(label, (periods.get(label) ?? 0) + 1);
    }
    const list = [...periods].map(([label, n]) => `${label} (${formatNumber(n)} tệp)`).join(', ');
    lines.push(`Các tệp ghi kỳ: ${list}; đang tổng hợp ${rollup.periodLabel}${words.periodChosen}. ${words.periodFix}`);
  }
  return lines;
}

/** Why one file was not used, in one line: the reason it was left out, or its first error. */
export function whyNotUsed(f: FileOutcome): string {
  return f.status === 'ignored' || f.status === 'superseded' ? (f.reason ?? '') : (f.errors?.[0]?.message ?? '');
}

/**
 * The provinces the files come from, when the root was chosen by the files and is the whole country: one
 * stray file is enough to make it so, hence the warning (`spreadOverProvinces`).
 */
export function provincesOfFiles(rollup: Rollup): UnitRef[] {
  if (rollup.scope?.rootChosenBy !== 'files' || rollup.scope.level !== 'Quốc gia') return [];
  const byCode = new Map(rollup.units.map((u) => [u.code, u]));
  const provinceOf = (code: string) => {
    let u = byCode.get(code);
    while (u && u.parent !== rollup.root.code) u = u.parent ? byCode.get(u.parent) : undefined;
    return u;
  };
  const provinces = new Map<string, UnitRef>();
  for (const f of rollup.files) {
    const p = f.unit ? provinceOf(f.unit) : undefined;
    if (p) provinces.set(p.code, { code: p.code, name: p.name });
  }
  return [...provinces.values()];
}

/** The warning when files of several provinces made the run national; `fix` is how the edge narrows it. */
export function spreadOverProvinces(rollup: Rollup, fix: string): string | null {
  const provinces = provincesOfFiles(rollup);
  if (provinces.length < 2) return null;
  const names = provinces.map((u) => u.name).join(', ');
  const count = formatNumber(provinces.length);
  return `Các tệp thuộc ${count} tỉnh, thành phố khác nhau (${names}) nên tổng hợp toàn quốc. ${fix}`;
}

/** A unit received through a summary that lacks some of the units under it. */
export function partialUnitText(p: PartialUnit): string {
  const missing = p.missing.map((m) => `${m.code} ${m.name}`).join('; ');
  const share = `${formatNumber(p.reported)}/${formatNumber(p.expected)}`;
  return `${p.code} ${p.name} mới tổng hợp ${share} đơn vị trực thuộc (chưa có ${missing})`;
}
