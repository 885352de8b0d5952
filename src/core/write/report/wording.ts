import type { Catalogue, Measure } from '../../catalogue/catalogue.js';
import type { Config } from '../../config.js';
import { NARRATIVE_LABELS, type NarrativeKey, type Rollup } from '../../model.js';
import { formatMoney, formatNumber, formatPercent } from '../../util/number.js';

/** What the body of the report is made of, before layout. */
export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  /** A unit's own words, gathered from its Thuyết minh: the unit name leads in bold. */
  | { kind: 'attributed'; unit: string; text: string };

export interface WordingContext {
  rollup: Rollup;
  catalogue: Catalogue;
  config: Config;
  previous?: Rollup;
}

const CODE = /^([A-Z0-9]+\.\d{2})(?:\.(nu|dtts))?(%)?$/;

/**
 * Fills the wording template (templates/bao-cao.txt; its header documents the syntax). Logic-less on purpose:
 * substitution, "drop the sentence when a figure is empty", and optional [ … ] parts dropped the same way.
 */
export function fillTemplate(template: string, ctx: WordingContext): Block[] {
  const blocks: Block[] = [];
  for (const raw of template.normalize('NFC').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('%')) continue;
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1]!.length as 1 | 2 | 3, text: renderLine(heading[2]!, ctx) ?? heading[2]! });
      continue;
    }
    const directive = /^@(\S+)\s*(\S*)$/.exec(line);
    if (directive) {
      blocks.push(...expandDirective(directive[1]!, directive[2]!, ctx));
      continue;
    }
    const text = renderLine(line, ctx);
    if (text) blocks.push({ kind: 'paragraph', text });
  }
  return dropEmptyHeadings(blocks);
}

/** A heading left with nothing under it says so, rather than standing alone. */
function dropEmptyHeadings(blocks: Block[]): Block[] {
  const out: Block[] = [];
  blocks.forEach((b, i) => {
    out.push(b);
    if (b.kind !== 'heading') return;
    const next = blocks[i + 1];
    if (!next || (next.kind === 'heading' && next.level <= b.level))
      out.push({ kind: 'paragraph', text: 'Các đơn vị chưa báo cáo số liệu về nội dung này.' });
  });
  return out;
}

/** One sentence: null when a figure outside [ ] is empty. A partial figure adds "(số liệu của r/e đơn vị)". */
export function renderLine(line: string, ctx: WordingContext): string | null {
  const parts: { text: string; optional: boolean }[] = [];
  const re = /\[([^\]]*)\]/g;
  let last = 0;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    parts.push({ text: line.slice(last, m.index), optional: false }, { text: m[1]!, optional: true });
    last = m.index + m[0].length;
  }
  parts.push({ text: line.slice(last), optional: false });
  const codes = new Set<string>();
  let out = '';
  for (const part of parts) {
    const used = new Set<string>();
    let empty = false;
    const text = part.text.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const v = resolve(name.trim(), ctx, used);
      if (v === null) empty = true;
      return v ?? '';
    });
    if (empty) {
      if (!part.optional) return null;
      continue;
    }
    used.forEach((c) => codes.add(c));
    out += text;
  }
  return addPartialNote(out.replace(/\s+/g, ' ').trim(), codes, ctx);
}

function addPartialNote(text: string, codes: Set<string>, ctx: WordingContext): string {
  let worst: { reported: number; expected: number } | null = null;
  // Missing units are named once at the top ({coverage}); a sentence notes only a figure fewer units gave.
  const received = ctx.rollup.completeness.received;
  for (const code of codes) {
    const t = ctx.rollup.totals[code];
    if (!t || t.reported >= t.expected || t.reported >= received) continue;
    if (!worst || t.reported < worst.reported) worst = { reported: t.reported, expected: t.expected };
  }
  if (!worst) return text;
  const note = ` (số liệu của ${worst.reported}/${worst.expected} đơn vị)`;
  const m = /([.:;]|\.\/\.)$/.exec(text);
  return m ? `${text.slice(0, -m[0].length)}${note}${m[0]}` : text + note;
}

function value(ctx: WordingContext, code: string, measure: Measure, rollup = ctx.rollup): number | null {
  const v = rollup.totals[code]?.[measure];
  return typeof v === 'number' ? v : null;
}

function resolve(name: string, ctx: WordingContext, used: Set<string>): string | null {
  const { rollup } = ctx;
  const code = CODE.exec(name);
  if (code) {
    const [, c, breakdown, percent] = code;
    if (!ctx.catalogue.byCode.has(c!)) throw new Error(`templates: unknown indicator {${name}}`);
    used.add(c!);
    const v = value(ctx, c!, (breakdown as Measure) ?? 'total');
    if (v === null) return null;
    if (!percent) return formatNumber(v);
    const total = value(ctx, c!, 'total');
    return total ? formatPercent(v / total) : null;
  }
  const [kind, arg] = name.split(':') as [string, string | undefined];
  switch (kind) {
    case 'period':
      return periodPhrase(rollup.periodLabel);
    case 'root':
      return rollup.root.name.replace(/^\S+/, (w) => w.toLocaleLowerCase('vi'));
    case 'coverage': {
      const c = rollup.completeness;
      if (c.received >= c.expected) return null;
      const level = LEVEL_PHRASE[rollup.units.find((u) => u.parent === rollup.root.code)?.level ?? ''] ?? 'đơn vị';
      return `${c.received}/${c.expected} ${level} (chưa có số liệu của ${c.missing.map((m) => m.name).join(', ')})`;
    }
    case 'communeCount':
      return formatNumber(rollup.communes);
    case 'money': {
      used.add(arg!);
      const v = value(ctx, arg!, 'total');
      return v === null ? null : formatMoney(v);
    }
    case 'communes': {
      used.add(arg!);
      const v = value(ctx, arg!, 'total');
      if (v === null || !rollup.communes) return null;
      return `${formatNumber(v)}/${formatNumber(rollup.communes)} xã, phường, thị trấn (${formatPercent(v / rollup.communes)})`;
    }
    case 'ratio':
    case 'target':
    case 'verdict': {
      const r = rollup.ratios.find((x) => x.id === arg);
      const def = ctx.catalogue.ratios.find((x) => x.id === arg);
      if (!r || !def) throw new Error(`templates: unknown ratio {${name}}`);
      for (const t of [def.numerator, def.denominator]) if ('code' in t) used.add(t.code);
      if (kind === 'ratio') return r.value === null ? null : formatPercent(r.value);
      if (kind === 'target') return r.target === null ? null : `${formatNumber(r.target)}%`;
      return r.met === null ? null : r.met ? 'đạt' : 'chưa đạt';
    }
    case 'change': {
      const prev = ctx.previous;
      if (!prev) return null;
      const now = value(ctx, arg!, 'total');
      const before = value(ctx, arg!, 'total', prev);
      if (now === null || before === null || before === 0) return null;
      const since = `so với ${periodPhrase(prev.periodLabel)}`;
      if (now === before) return `không thay đổi ${since}`;
      return `${now > before ? 'tăng' : 'giảm'} ${formatPercent(Math.abs(now - before) / before)} ${since}`;
    }
    default:
      throw new Error(`templates: unknown placeholder {${name}}`);
  }
}

/** "Năm 2024" → "năm 2024" inside a sentence. */
export function periodPhrase(label: string): string {
  return label.charAt(0).toLocaleLowerCase('vi') + label.slice(1);
}

function expandDirective(name: string, arg: string, ctx: WordingContext): Block[] {
  const { rollup } = ctx;
  if (name === 'nhan-xet') {
    if (!(arg in NARRATIVE_LABELS)) throw new Error(`templates: unknown @nhan-xet ${arg}`);
    const key = arg as NarrativeKey;
    const items = rollup.narratives.filter((n) => n.narrative[key]);
    if (!items.length) return [{ kind: 'paragraph', text: `${NARRATIVE_LABELS[key]}: các đơn vị chưa gửi nội dung này trong thuyết minh.` }];
    return items.map((n) => ({ kind: 'attributed', unit: unitLabel(n.unit.code, n.unit.name, rollup), text: n.narrative[key]!.replace(/\s*\n\s*/g, ' ') }));
  }
  if (name === 'tiep-nhan') return receptionBlocks(ctx);
  throw new Error(`templates: unknown directive @${name}`);
}

/** A unit below the first level is named with its parent: "Xã Ea Na (Huyện Krông A Na)". */
function unitLabel(code: string, name: string, rollup: Rollup): string {
  const parent = rollup.units.find((u) => u.code === code)?.parent;
  if (!parent || parent === rollup.root.code) return name;
  const p = rollup.units.find((u) => u.code === parent);
  return p ? `${name} (${p.name})` : name;
}

const LEVEL_PHRASE: Record<string, string> = { 'Huyện': 'đơn vị cấp huyện', 'Xã': 'đơn vị cấp xã', 'Tỉnh': 'đơn vị cấp tỉnh' };

function receptionBlocks(ctx: WordingContext): Block[] {
  const { rollup, config } = ctx;
  const { completeness: c } = rollup;
  const childLevel = rollup.units.find((u) => u.parent === rollup.root.code)?.level ?? 'Huyện';
  const units = LEVEL_PHRASE[childLevel] ?? 'đơn vị';
  const out: Block[] = [];
  const share = c.expected ? ` (${formatPercent(c.received / c.expected)})` : '';
  out.push({ kind: 'paragraph', text: `Đã tổng hợp số liệu của ${c.received}/${c.expected} ${units}${share}.` });
  if (c.missing.length)
    out.push({ kind: 'paragraph', text: `Chưa có số liệu (chưa gửi báo cáo hoặc báo cáo bị trả lại): ${c.missing.map((m) => m.name).join(', ')}.` });
  else out.push({ kind: 'paragraph', text: `Tất cả các ${units} đã gửi báo cáo.` });
  for (const p of c.partial ?? [])
    out.push({
      kind: 'paragraph',
      text: `Số liệu của ${p.name} chưa đầy đủ: bảng tổng hợp của đơn vị mới gồm ${p.reported}/${p.expected} đơn vị trực thuộc, chưa có số liệu của ${p.missing.map((m) => m.name).join(', ')}.`,
    });
  if (c.late.length) {
    const deadline = config.deadline ? ` (hạn ngày ${config.deadline.split('-').reverse().join('/')})` : '';
    out.push({
      kind: 'paragraph',
      text: `Gửi báo cáo muộn${deadline}: ${c.late.map((l) => `${l.name} (lập ngày ${l.preparedOn.split('-').reverse().join('/')})`).join(', ')}.`,
    });
  }
  const rejected = rollup.files.filter((f) => f.status === 'rejected');
  if (rejected.length) {
    out.push({ kind: 'paragraph', text: `Có ${rejected.length} tệp báo cáo bị trả lại để sửa:` });
    for (const f of rejected) {
      const unit = f.unit ? (rollup.units.find((u) => u.code === f.unit)?.name ?? f.unit) : 'không rõ đơn vị';
      const first = f.errors?.[0]?.message ?? '';
      const more = (f.errors?.length ?? 0) > 1 ? ` (và ${f.errors!.length - 1} lỗi khác)` : '';
      out.push({ kind: 'paragraph', text: `- ${unit}, tệp "${f.path}": ${first}${more}` });
    }
  }
  return out;
}
