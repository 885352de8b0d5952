import { MEASURE_LABEL, measuresOf, MONEY_IN_DONG_AT, type BoundLevel, type Catalogue, type Indicator, type Measure } from '../catalogue/catalogue.js';
import { makeIssue, where } from '../issues.js';
import type { CellValue, Figures, Issue, Submission, UnitRef } from '../model.js';
import { formatNumber } from '../util/number.js';
import { figuresSchema } from './figures-schema.js';

/** What validation needs of the unit list: resolving a typed code and counting communes. */
export interface UnitLookup {
  /** `level` ('Xã', 'Huyện', 'Tỉnh'…) decides the plausibility bounds. */
  resolve(raw: unknown): { code: string; name: string; level?: string } | undefined;
  communesUnder(code: string): number;
}

export interface ValidationContext {
  catalogue: Catalogue;
  units?: UnitLookup;
  /** Last period's figures of the same unit, for the outlier warning. */
  previous?: Figures;
}

export interface Validation {
  errors: Issue[];
  warnings: Issue[];
  /** The unit as resolved against the unit list (or as written when there is none). */
  unit: UnitRef | null;
  figures: Figures;
}

const n = (v: number) => formatNumber(v);

/** All rules of indicators.md over a read submission. Pure: same input, same issues, in catalogue order. */
export function validateSubmission(sub: Submission, ctx: ValidationContext): Validation {
  const issues: Issue[] = [];
  const unit = checkInfo(sub, ctx, issues);
  const figures = figuresOf(sub, ctx.catalogue);
  checkKinds(sub, ctx.catalogue, figures, issues);
  checkMagnitudes(sub, ctx, issues);
  for (const ind of ctx.catalogue.indicators) checkIndicator(ind, sub, ctx, unit, issues);
  if (ctx.previous) checkOutliers(sub, ctx, ctx.previous, issues);
  return {
    errors: issues.filter((i) => i.severity === 'error'),
    warnings: issues.filter((i) => i.severity === 'warning'),
    unit,
    figures,
  };
}

function checkInfo(sub: Submission, ctx: ValidationContext, issues: Issue[]): UnitRef | null {
  // Presence of the required labels is checked by the reader; here, the unit against the unit list.
  const { info, infoRefs } = sub;
  if (info.unitCode === null) return null;
  if (!ctx.units) return { code: info.unitCode, name: info.unitName ?? '' };
  const found = ctx.units.resolve(info.unitCode);
  if (!found) {
    issues.push(
      makeIssue('unit-unknown', 'error', infoRefs.unitCode, `${where(infoRefs.unitCode)}: mã đơn vị "${info.unitCode}" không có trong danh mục đơn vị hành chính. Kiểm tra lại mã (ví dụ 655 cho Huyện Krông A Na).`, {
        value: info.unitCode,
      }),
    );
    return { code: info.unitCode, name: info.unitName ?? '' };
  }
  if (info.unitName && !sameName(info.unitName, found.name))
    issues.push(
      makeIssue('unit-name-mismatch', 'warning', infoRefs.unitName, `${where(infoRefs.unitName)}: tên "${info.unitName}" khác tên trong danh mục của mã ${found.code} ("${found.name}"). Kiểm tra lại mã đơn vị.`, {
        value: info.unitName,
      }),
    );
  return { code: found.code, name: found.name };
}

function sameName(a: string, b: string): boolean {
  const key = (s: string) => s.normalize('NFC').toLocaleLowerCase('vi').replace(/[\s'’‘-]+/g, '');
  return key(a) === key(b) || key(b).endsWith(key(a)) || key(a).endsWith(key(b));
}

/** Plain figures: readable values only (a cell already reported as unreadable counts as no data). */
function figuresOf(sub: Submission, catalogue: Catalogue): Figures {
  const figures: Figures = {};
  for (const ind of catalogue.indicators) {
    const row = sub.rows.get(ind.code);
    const fig: Figures[string] = { total: row?.cells.total?.value ?? null };
    for (const m of ['nu', 'dtts'] as const) {
      const v = row?.cells[m]?.value ?? null;
      if (ind.breakdowns.includes(m)) fig[m] = v;
      else if (v !== null) fig[m] = v; // not applicable: kept only so the schema can flag it
    }
    figures[ind.code] = fig;
  }
  return figures;
}

function checkKinds(sub: Submission, catalogue: Catalogue, figures: Figures, issues: Issue[]): void {
  const result = figuresSchema(catalogue).safeParse(figures);
  if (result.success) return;
  const seen = new Set<string>();
  for (const zi of result.error.issues) {
    const code = String(zi.path[0]);
    const ind = catalogue.byCode.get(code)!;
    const row = sub.rows.get(code);
    if (zi.code === 'unrecognized_keys') {
      for (const key of zi.keys as Measure[]) {
        const cell = row?.cells[key];
        issues.push(
          makeIssue('breakdown-not-applicable', 'error', cell?.ref, `${where(cell?.ref, code, key)}: chỉ tiêu này không tách theo "${MEASURE_LABEL[key]}" (ô xám) nhưng có số ${n(cell!.value!)}. Xóa số ở ô này; nếu cần, ghi vào cột Ghi chú.`, {
            indicator: code,
            value: cell?.value ?? null,
          }),
        );
        figures[code]![key] = undefined;
        delete figures[code]![key];
      }
      continue;
    }
    const m = zi.path[1] as Measure;
    const key = `${code}/${m}`;
    if (seen.has(key)) continue; // one message per cell: "-1,5" is negative first
    seen.add(key);
    const cell = row?.cells[m];
    const v = cell?.value ?? null;
    const what = where(cell?.ref, code, m);
    const text = cell?.text ? `"${cell.text}"` : v === null ? '' : n(v);
    const message =
      zi.message === 'value-negative'
        ? `${what}: số ${text} là số âm. Số liệu phải ≥ 0; nếu không có số liệu thì để trống.`
        : zi.message === 'value-too-large'
          ? `${what}: ${text} lớn bất thường (quá 1 tỷ). Kiểm tra lại số đã nhập (có thể dán nhầm mã số hoặc số điện thoại).`
          : zi.message === 'value-not-whole'
          ? `${what}: ${text} không phải số nguyên, mà "${ind.name}" đếm bằng ${ind.unit}. Nhập số nguyên (nếu gõ 1.234 thì dấu chấm là phân cách hàng nghìn).`
            : `${what}: ${text} có quá 3 chữ số thập phân. Kinh phí ghi bằng triệu đồng, tối đa 3 chữ số thập phân (ví dụ 1.643,5).`;
    issues.push(makeIssue(zi.message, 'error', cell?.ref, message, { indicator: code, value: v }));
    // A value of the wrong kind takes no part in the cross-field rules.
    if (cell) cell.invalid = true;
  }
}

/**
 * Figures far beyond what a unit of its level can have. Money ≥ 1.000.000 triệu đồng can only be đồng typed in
 * the triệu column (an error: the report would print thousands of billions); above the level's bound from
 * catalogue/bounds.csv, a warning to look again.
 */
function checkMagnitudes(sub: Submission, ctx: ValidationContext, issues: Issue[]): void {
  const level = sub.info.unitCode === null ? undefined : ctx.units?.resolve(sub.info.unitCode)?.level;
  for (const ind of ctx.catalogue.indicators) {
    const row = sub.rows.get(ind.code);
    if (!row) continue;
    for (const m of measuresOf(ind)) {
      const cell = row.cells[m];
      const v = valueOf(cell);
      if (v == null || !cell) continue;
      const what = where(cell.ref, ind.code, m);
      if (ind.kind === 'money' && v >= MONEY_IN_DONG_AT) {
        issues.push(
          makeIssue('money-in-dong', 'error', cell.ref, `${what}: ${n(v)} triệu đồng là ${n(v / 1e6)} nghìn tỷ đồng, có thể đã nhập theo đồng; đơn vị tính là triệu đồng. Nếu số tiền là ${n(v)} đồng, nhập ${n(Math.round(v / 1000) / 1000)} (triệu đồng).`, {
            indicator: ind.code,
            value: v,
          }),
        );
        cell.invalid = true; // no cross rule on a figure in the wrong unit
        continue;
      }
      const bound = m === 'total' && level ? ctx.catalogue.bounds.get(ind.code)?.[level as BoundLevel] : undefined;
      if (bound !== undefined && v > bound)
        issues.push(
          makeIssue('value-above-level-bound', 'warning', cell.ref, `${what}: ${n(v)} ${ind.unit} cao bất thường với một đơn vị cấp ${level!.toLocaleLowerCase('vi')} (thường không quá ${n(bound)}). Kiểm tra lại số đã nhập${ind.kind === 'money' ? ' (kinh phí ghi bằng triệu đồng)' : ''}.`, {
            indicator: ind.code,
            value: v,
          }),
        );
    }
  }
}

/** The value of a cell for the cross rules: undefined when unreadable (its error is already reported). */
function valueOf(cell: CellValue | undefined): number | null | undefined {
  if (!cell) return null;
  return cell.invalid ? undefined : cell.value;
}

function checkIndicator(ind: Indicator, sub: Submission, ctx: ValidationContext, unit: UnitRef | null, issues: Issue[]): void {
  const row = sub.rows.get(ind.code);
  if (!row) return;
  const cell = (code: string, m: Measure) => sub.rows.get(code)?.cells[m];
  const total = valueOf(row.cells.total);

  for (const b of ind.breakdowns) {
    const bc = row.cells[b];
    const bv = valueOf(bc);
    if (bv === undefined || bv === null || total === undefined) continue;
    if (total === null)
      issues.push(
        makeIssue('breakdown-without-total', 'error', row.cells.total?.ref, `${where(row.cells.total?.ref, ind.code, 'total')}: có số ${MEASURE_LABEL[b]} (${n(bv)}) nhưng Tổng số để trống. Nhập Tổng số.`, {
          indicator: ind.code,
          value: null,
        }),
      );
    else if (bv > total)
      issues.push(
        makeIssue('breakdown-exceeds-total', 'error', bc!.ref, `${where(bc!.ref, ind.code, b)}: số ${MEASURE_LABEL[b]} (${n(bv)}) lớn hơn Tổng số (${n(total)}, ô ${row.cells.total!.ref.cell}). Số "Trong đó" không được vượt tổng: kiểm tra lại hai ô này.`, {
          indicator: ind.code,
          value: bv,
        }),
      );
  }

  if (ind.partOf) {
    const whole = ctx.catalogue.byCode.get(ind.partOf)!;
    for (const m of measuresOf(ind).filter((x) => measuresOf(whole).includes(x))) {
      const pv = valueOf(row.cells[m]);
      const wc = cell(whole.code, m);
      const wv = valueOf(wc);
      if (pv == null || wv == null || pv <= wv) continue;
      issues.push(
        makeIssue('part-exceeds-whole', 'error', row.cells[m]!.ref, `${where(row.cells[m]!.ref, ind.code, m)}: ${n(pv)} lớn hơn số của chỉ tiêu ${whole.code} "${whole.name}" (${n(wv)}, ô ${wc!.ref.cell}), trong khi đây là số "trong đó". Sửa một trong hai ô.`, {
          indicator: ind.code,
          value: pv,
        }),
      );
    }
  }

  const check = ind.check;
  if (!check) return;
  const ref = row.cells.total?.ref;
  const other = check.type === 'communes' ? undefined : ctx.catalogue.byCode.get(check.of)!;
  const ov = other ? valueOf(cell(other.code, 'total')) : undefined;
  const oref = other ? cell(other.code, 'total')?.ref : undefined;
  switch (check.type) {
    case 'attendance-of': {
      if (ov === 0 && total != null && total > 0)
        issues.push(
          makeIssue('attendance-without-event', 'error', ref, `${where(ref, ind.code, 'total')}: có ${n(total)} ${ind.unit} nhưng số ${other!.unit} ở ${other!.code} (ô ${oref!.cell}) là 0. Nhập số ${other!.unit} đã tổ chức, hoặc sửa số người về 0.`, {
            indicator: ind.code,
            value: total,
          }),
        );
      else if (ov != null && ov > 0 && (total === 0 || total === null))
        issues.push(
          makeIssue('event-without-attendance', 'error', ref, `${where(ref, ind.code, 'total')}: ${other!.code} có ${n(ov)} ${other!.unit} (ô ${oref!.cell}) nhưng số người tham dự ${total === 0 ? 'là 0' : 'để trống'}. Nhập số ${ind.unit} tham dự.`, {
            indicator: ind.code,
            value: total,
          }),
        );
      else if (ov != null && ov > 0 && total != null && total / ov > 500)
        issues.push(
          makeIssue('attendance-per-event-high', 'warning', ref, `${where(ref, ind.code, 'total')}: bình quân ${n(Math.round(total / ov))} ${ind.unit}/${other!.unit} (${n(total)} ÷ ${n(ov)}), cao bất thường (trên 500). Kiểm tra lại số liệu.`, {
            indicator: ind.code,
            value: total,
          }),
        );
      break;
    }
    case 'members-of': {
      if (ov == null || total == null || total === 0) break;
      const per = ov === 0 ? Infinity : total / ov;
      if (per < check.lo || per > check.hi)
        issues.push(
          makeIssue('members-per-unit-unusual', 'warning', ref, ov === 0
            ? `${where(ref, ind.code, 'total')}: có ${n(total)} thành viên nhưng ${other!.code} ghi 0 ${other!.unit}. Kiểm tra lại.`
            : `${where(ref, ind.code, 'total')}: bình quân ${formatNumber(Math.round(per * 10) / 10)} thành viên/${other!.unit} (${n(total)} ÷ ${n(ov)}), ngoài khoảng thường gặp ${check.lo}–${check.hi}. Kiểm tra lại số liệu.`, {
            indicator: ind.code,
            value: total,
          }),
        );
      break;
    }
    case 'victims-of':
      if (ov != null && total != null && ov > 0 && total < ov)
        issues.push(
          makeIssue('victims-fewer-than-cases', 'warning', ref, `${where(ref, ind.code, 'total')}: ${n(total)} nạn nhân, ít hơn số vụ ở ${other!.code} (${n(ov)}, ô ${oref!.cell}). Mỗi vụ có ít nhất một nạn nhân: kiểm tra lại.`, {
            indicator: ind.code,
            value: total,
          }),
        );
      break;
    case 'not-above':
      if (ov != null && total != null && total > ov)
        issues.push(
          makeIssue('value-above-reference', check.severity, ref, `${where(ref, ind.code, 'total')}: ${n(total)} lớn hơn ${other!.code} "${other!.name}" (${n(ov)}, ô ${oref!.cell}). Có thể do kinh phí năm trước chuyển sang; nếu không, kiểm tra lại.`, {
            indicator: ind.code,
            value: total,
          }),
        );
      break;
    case 'communes': {
      if (!ctx.units || !unit || total == null) break;
      const resolved = ctx.units.resolve(unit.code);
      if (!resolved) break;
      const max = ctx.units.communesUnder(resolved.code);
      if (total > max)
        issues.push(
          makeIssue('communes-exceed-units', 'error', ref, `${where(ref, ind.code, 'total')}: ${n(total)} xã, nhưng theo danh mục, ${resolved.name} chỉ có ${n(max)} đơn vị cấp xã. Sửa lại số xã (không vượt ${n(max)}).`, {
            indicator: ind.code,
            value: total,
          }),
        );
      break;
    }
  }
}

/** DHIS2-style outlier flag against last period: more than 5× up or down, and at least 20 in absolute change. */
function checkOutliers(sub: Submission, ctx: ValidationContext, previous: Figures, issues: Issue[]): void {
  for (const ind of ctx.catalogue.indicators) {
    const row = sub.rows.get(ind.code);
    const now = valueOf(row?.cells.total);
    const before = previous[ind.code]?.total;
    if (now == null || before == null || Math.abs(now - before) < 20) continue;
    if (now > before * 5 || now * 5 < before)
      issues.push(
        makeIssue('outlier-vs-previous', 'warning', row!.cells.total!.ref, `${where(row!.cells.total!.ref, ind.code, 'total')}: ${n(now)} so với ${n(before)} kỳ trước, thay đổi hơn 5 lần. Kiểm tra lại số liệu.`, {
          indicator: ind.code,
          value: now,
        }),
      );
  }
}
