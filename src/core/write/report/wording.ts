import {
  ratioCoverageCodes,
  wordingFile,
  type Catalogue,
  type Indicator,
  type Measure,
  type Ratio,
} from '../../catalogue/catalogue.js';
import { programmeAreaPhrase, provinceOwnReception } from './edition-blocks.js';
import { nq28Table } from './nq28.js';
import type { Config } from '../../config.js';
import { milestoneYear } from '../../rollup/rollup.js';
import { NARRATIVE_LABELS, type NarrativeKey, type RatioValue, type Rollup } from '../../model.js';
import { UsageError } from '../../errors.js';
import { formatMoney, formatNumber } from '../../util/number.js';
import { actors, agencyInText, inSentence, joinVi, unitList } from './names.js';
import {
  coverageOf,
  enoughForVerdict,
  notEnough,
  programmeGroup,
  worstBase,
  type Base,
  type Coverage,
} from './coverage.js';

/** A table in the body: header texts, relative column widths, rows of cell texts. */
export interface BodyTable {
  columns: { title: string; width: number; align: 'left' | 'center' | 'right' }[];
  rows: string[][];
}

/** What the body of the report is made of, before layout. Text in [ … ] is a blank left for the officer. */
export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  /** A statement of one or several units: the units lead in bold, then one line, or one bullet per line. */
  | { kind: 'attributed'; unit: string; lines: string[] }
  | { kind: 'bullet'; text: string }
  | { kind: 'table'; table: BodyTable };

export interface WordingContext {
  rollup: Rollup;
  catalogue: Catalogue;
  config: Config;
  previous?: Rollup;
  /** Earlier roll-ups of the phase, for cumulative figures. */
  phase?: Rollup[];
  /** "Phụ lục I, II": the annexes the body cites. */
  annexes?: string;
  /** "Phụ lục III": the annex listing the units that sent nothing, when there are more than the body names. */
  missingAnnex?: string;
  /** "Phụ lục IV": where the units' words go when a part has more lines than `quoteLines`; filled as the text is. */
  quoteAnnex?: { name: string; parts: { title: string; blocks: Block[] }[] };
}

/** The context as fillTemplate passes it on: with the roll-up's coverage, found once for the whole report. */
type FillContext = WordingContext & { cover: Coverage };

/** Missing units the body names one by one; more are counted there and listed in an annex. */
export const MISSING_IN_BODY = 10;

const CODE = /^([A-Z0-9]+\.\d{2})(?:\.(nu|dtts))?(%|\+)?$/;
const DEFAULT_PROGRAMME =
  'Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi giai đoạn 2021 - 2030, giai đoạn I: từ năm 2021 đến năm 2025';

/** A mistake in an edition's wording (catalogue/<edition>/bao-cao.txt): the program's, said with its file and line (exit 2). */
export class TemplateError extends UsageError {}

/**
 * Checks the template once, before any figure is filled in: every [ … ] optional part closes the brackets,
 * parentheses and quotes it opens, so dropping one can never leave "(trong đó nữ 350 lượt, chiếm 58,3%." behind.
 */
export function checkTemplate(template: string, file = 'bao-cao.txt'): void {
  template
    .normalize('NFC')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const line = raw.trim();
      if (!line || line.startsWith('%')) return;
      if (!line.includes('[') && !line.includes(']')) return; // nothing optional: nothing to check
      const where = `${file}, dòng ${i + 1}`;
      let depth = 0;
      let segment = '';
      const segments: string[] = [];
      for (const ch of line) {
        if (ch === '[' || ch === ']') {
          depth += ch === '[' ? 1 : -1;
          if (depth < 0 || depth > 1) throw new TemplateError(`${where}: dấu [ ] lồng nhau hoặc đóng khi chưa mở.`);
          segments.push(segment);
          segment = '';
        } else segment += ch;
      }
      if (depth !== 0) throw new TemplateError(`${where}: phần tùy chọn "[" chưa đóng bằng "]".`);
      segments.push(segment);
      // Each optional part must close what it opens; what is always printed is checked as one.
      const checked = [segments.filter((_, k) => k % 2 === 0).join(''), ...segments.filter((_, k) => k % 2 === 1)];
      if (segments.length === 1) return;
      checked.forEach((s, k) => {
        const text = s.replace(/\{[^}]*\}/g, '');
        let parens = 0;
        for (const ch of text) {
          parens += ch === '(' ? 1 : ch === ')' ? -1 : 0;
          if (parens < 0) break;
        }
        const quotes = (text.match(/"/g) ?? []).length;
        if (parens !== 0 || quotes % 2)
          throw new TemplateError(
            k
              ? `${where}: phần tùy chọn "[${s.trim()}]" mở ngoặc hoặc dấu nháy mà không đóng trong chính nó; khi phần này bị bỏ, câu sẽ bị hở ngoặc.`
              : `${where}: ngoặc hoặc dấu nháy ngoài các phần [ … ] không khớp nhau.`,
          );
      });
    });
}

/**
 * Fills the wording template (the edition's bao-cao.txt; its header documents the syntax). Logic-less on purpose:
 * substitution, "drop the sentence when a figure is empty", optional [ … ] parts dropped the same way, and a few
 * directives (@…) for the units' words, the reporting status and the tables.
 */
export function fillTemplate(template: string, given: WordingContext): Block[] {
  checkTemplate(template, wordingFile(given.catalogue.version));
  const ctx: FillContext = { ...given, cover: coverageOf(given.rollup, given.catalogue, given.config) };
  const blocks: Block[] = [];
  for (const raw of template.normalize('NFC').split(LINE_BREAK)) {
    const line = raw.trim();
    if (!line || line.startsWith('%')) continue;
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({
        kind: 'heading',
        level: heading[1]!.length as 1 | 2 | 3,
        text: renderLine(heading[2]!, ctx) ?? heading[2]!,
      });
      continue;
    }
    const directive = DIRECTIVE.exec(line);
    if (directive) {
      blocks.push(...expandDirective(directive[1]!, directive[2]!.trim(), ctx));
      continue;
    }
    const bullet = BULLET.exec(line);
    const text = renderLine(bullet ? bullet[1]! : line, ctx);
    if (text)
      blocks.push(bullet ? { kind: 'bullet', text: `- ${text}` } : { kind: 'paragraph', text: sentenceCase(text) });
  }
  return dropEmptyHeadings(blocks);
}

const LINE_BREAK = /\r?\n/;
const HEADING = /^(#{1,3})\s+(.*)$/;
const DIRECTIVE = /^@(\S+)\s*(.*)$/;
const BULLET = /^-\s+(.*)$/;

const sentenceCase = (s: string) => s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);
/** The first letter in lower case inside a sentence, unless the word is an abbreviation ("CLB", "DTTS"). */
const lowerFirst = (s: string) => (/^\p{Lu}\p{Ll}/u.test(s) ? s.charAt(0).toLocaleLowerCase('vi') + s.slice(1) : s);

/** A heading left with nothing under it gets a blank for the officer, rather than standing alone. */
function dropEmptyHeadings(blocks: Block[]): Block[] {
  const out: Block[] = [];
  blocks.forEach((b, i) => {
    out.push(b);
    if (b.kind !== 'heading') return;
    const next = blocks[i + 1];
    if (!next || (next.kind === 'heading' && next.level <= b.level))
      out.push({ kind: 'paragraph', text: '[Bổ sung nội dung.]' });
  });
  return out;
}

/** Stands for the level words ("toàn tỉnh") of a sentence whose base is not the whole, until the base is named. */
const LEVEL_MARK = '\u0001';

/**
 * One sentence: null when a figure outside [ ] is empty. Whose figures it is: the whole ("toàn tỉnh …") when every
 * unit that must report them did; otherwise the sentence names its base ("8/102 đơn vị cấp xã đã báo cáo: …", or
 * "(số liệu của 8/102 đơn vị cấp xã)" when it has no level words), and verdicts wait for enough of them.
 */
function renderLine(line: string, ctx: FillContext): string | null {
  const resolved = resolveLine(line, ctx);
  if (!resolved) return null;
  // Only {level} depends on the base, and it is never empty: one pass finds the parts printed and their codes, whose
  // base then gives {level} its words.
  const base = baseFor(resolved.codes, ctx);
  const level = base && (!base.complete || base.named) ? LEVEL_MARK : (base?.whole ?? ctx.cover.words.whole);
  const text = resolved.pieces
    .map((p) => (p === LEVEL ? level : p))
    .join('')
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.;:)])/g, '$1')
    .trim();
  return nameBase(text, base);
}

/** Stands for {level} in a resolved line, until the line's base is known. */
const LEVEL = Symbol('level');
type Piece = string | typeof LEVEL;

const OPTIONAL = /\[([^\]]*)\]/;
const PLACEHOLDER = /\{([^}]+)\}/;

/**
 * A line with its placeholders filled in ({level} left for renderLine) and its empty [ … ] parts dropped, and the
 * codes it prints; null when a part outside [ ] is empty.
 */
function resolveLine(line: string, ctx: FillContext): { pieces: Piece[]; codes: Set<string> } | null {
  const pieces: Piece[] = [];
  const codes = new Set<string>();
  // Split with its group, a line alternates: printed always, [optional], printed always…
  const parts = line.split(OPTIONAL);
  for (let i = 0; i < parts.length; i++) {
    const used = new Set<string>();
    const filled = fillPart(parts[i]!, ctx, used);
    if (!filled) {
      if (i % 2 === 0) return null;
      continue;
    }
    used.forEach((c) => codes.add(c));
    pieces.push(...filled);
  }
  return { pieces, codes };
}

/** A part's text with its placeholders filled in; null when one is empty (all are resolved: a wrong one is said). */
function fillPart(text: string, ctx: FillContext, used: Set<string>): Piece[] | null {
  // Split with its group: text, a placeholder's name, text…
  const pieces: Piece[] = text.split(PLACEHOLDER);
  let empty = false;
  for (let i = 1; i < pieces.length; i += 2) {
    const v = resolve((pieces[i] as string).trim(), ctx, used);
    if (v === null) empty = true;
    pieces[i] = v ?? '';
  }
  return empty ? null : pieces;
}

function baseFor(codes: Set<string>, ctx: FillContext): Base | null {
  const inds = [...codes].map((c) => ctx.catalogue.byCode.get(c)).filter((i): i is Indicator => !!i);
  return worstBase(inds.map((i) => ctx.cover.baseOf(i)));
}

/** The base named in the sentence: in place of its level words, or as a note before the full stop. */
function nameBase(text: string, base: Base | null): string {
  if (!text.includes(LEVEL_MARK)) {
    // A base that is not the whole (the units with the programme's figures) is said even when all of them gave it.
    if (!base || (base.complete && !base.named)) return text;
    if (text.includes(`(${base.reported}/${base.expected} đơn vị)`)) return text; // its verdict already says it
    const note = ` (${base.note})`;
    const m = /(\.\/\.|[.:;])$/.exec(text);
    return m ? `${text.slice(0, -m[0].length)}${note}${m[0]}` : text + note;
  }
  const rest = text.replace(new RegExp(`\\s*${LEVEL_MARK}\\s*`, 'g'), ' ').trim();
  return `${base!.words}: ${lowerFirst(rest)}`;
}

function value(ctx: WordingContext, code: string, measure: Measure, rollup = ctx.rollup): number | null {
  const v = rollup.totals[code]?.[measure];
  return typeof v === 'number' ? v : null;
}

/** Percentages in the report all carry one decimal ("2,0%", "51,7%"); a whole share reads "100%". */
export function percent(share: number): string {
  const tenths = Math.round(share * 1000);
  if (tenths === 1000) return '100%';
  return `${formatNumber(Math.trunc(tenths / 10))},${Math.abs(tenths % 10)}%`;
}

/** "vượt" / "đạt" / "chưa đạt" a percent target, compared as printed (one decimal). */
export function verdict(share: number, target: number): 'vượt' | 'đạt' | 'chưa đạt' {
  const tenths = Math.round(share * 1000);
  return tenths > target * 10 ? 'vượt' : tenths === target * 10 ? 'đạt' : 'chưa đạt';
}

/**
 * The milestone year a period is measured against: the first target year of the edition's ratios (ratios.csv,
 * `target_YYYY` columns) on or after the period's year, else the last one.
 */
export function targetYear(ctx: WordingContext): number {
  const year = Number(ctx.rollup.period.slice(0, 4));
  return (
    milestoneYear(
      ctx.catalogue.ratios.flatMap((r) => r.targets),
      year,
    ) ?? year
  );
}

function indicator(ctx: WordingContext, code: string, name: string): Indicator {
  const ind = ctx.catalogue.byCode.get(code);
  if (!ind)
    throw new TemplateError(`${wordingFile(ctx.catalogue.version)}: chỉ tiêu không có trong danh mục {${name}}`);
  return ind;
}

function resolve(name: string, ctx: FillContext, used: Set<string>): Piece | null {
  const figure = figureOf(name, ctx, used);
  if (figure !== undefined) return figure;
  const [kind, arg, ...rest] = name.split(/[:|]/) as [string, string | undefined, ...string[]];
  const words = wordsOf(kind, arg, rest, ctx);
  if (words !== undefined) return words;
  return computedOf(kind, arg, rest, name, ctx, used);
}

/** A figure's placeholder ({BDG.27}, {DA8.05.nu%}, {BDG.27=0}…); undefined when `name` is not one. */
function figureOf(name: string, ctx: FillContext, used: Set<string>): string | null | undefined {
  const zero = /^(.+)=0$/.exec(name);
  if (zero && CODE.test(zero[1]!)) {
    // {BDG.27=0}: present (and empty) only when the figure is 0, for the negative sentence reports write instead.
    const [, c, breakdown] = CODE.exec(zero[1]!)!;
    indicator(ctx, c!, name);
    used.add(c!);
    return value(ctx, c!, (breakdown as Measure) ?? 'total') === 0 ? '' : null;
  }
  const code = CODE.exec(name);
  if (code) {
    const [, c, breakdown, suffix] = code;
    indicator(ctx, c!, name);
    used.add(c!);
    const v = value(ctx, c!, (breakdown as Measure) ?? 'total');
    if (v === null) return null;
    if (suffix === '+') return v === 0 ? null : formatNumber(v);
    if (suffix !== '%') return formatNumber(v);
    const total = value(ctx, c!, 'total');
    return total ? percent(v / total) : null;
  }
  return undefined;
}

/** A placeholder of words from the roll-up and the config ({period}, {root}, {agency}…); undefined if not one. */
function wordsOf(kind: string, arg: string | undefined, rest: string[], ctx: FillContext): Piece | null | undefined {
  const { rollup, config, cover } = ctx;
  switch (kind) {
    case 'period':
      return periodPhrase(rollup.periodLabel);
    case 'year':
      return rollup.period.slice(0, 4);
    case 'nextYear':
      return String(Number(rollup.period.slice(0, 4)) + 1);
    case 'root':
      return inSentence(rollup.root.name);
    case 'level': // the whole's words or the base's: known once the line's codes are (renderLine)
      return LEVEL;
    case 'actors':
      return actors(rollup);
    case 'children':
      return cover.words.children;
    case 'communeWord':
      return cover.communeWord();
    case 'agency':
      return agencyInText(config) ?? '[tên cơ quan]';
    case 'programme': // {programme:Tên} in an edition's wording: the edition's programme unless the config names one
      return config.programme ?? (arg ? [arg, ...rest].join(', ').trim() : DEFAULT_PROGRAMME);
    case 'basis':
      return config.basis.length
        ? joinVi(config.basis)
        : '[Kế hoạch số …/KH-UBND ngày … của Ủy ban nhân dân tỉnh về công tác bình đẳng giới năm …] và [Công văn số … ngày … của … về việc báo cáo kết quả thực hiện]';
    case 'annexes':
      return ctx.annexes ?? null;
    case 'programmeArea':
      return programmeAreaPhrase(rollup);
    case 'periodDates': {
      // Said only when the config sets a cut-off: "từ ngày 15/12/2025 đến ngày 14/12/2026 (theo …)".
      const d = rollup.periodDates;
      const day = (iso: string) => iso.split('-').reverse().join('/');
      return d ? `từ ngày ${day(d.from)} đến ngày ${day(d.to)} (${d.name})` : null;
    }
    case 'communeCount':
      return formatNumber(rollup.communes);
    case 'scope': // the same words as {level} and {communeWord}, under the names the unit lists give them
      return cover.words.whole;
    case 'Scope': {
      const words = cover.words.whole;
      return words.charAt(0).toLocaleUpperCase('vi') + words.slice(1);
    }
    case 'communeTypes':
      return cover.communeWord();
    default:
      return undefined;
  }
}

/** A placeholder computed from figures, plans, ratios or earlier periods ({money:…}, {ratio:…}, {phase:…}…). */
function computedOf(
  kind: string,
  arg: string | undefined,
  rest: string[],
  name: string,
  ctx: FillContext,
  used: Set<string>,
): string | null {
  const { rollup, config } = ctx;
  switch (kind) {
    case 'money': {
      indicator(ctx, arg!, name);
      used.add(arg!);
      const v = value(ctx, arg!, 'total');
      return v === null ? null : formatMoney(v);
    }
    case 'communes':
      return communesWords(arg!, name, ctx, used);
    case 'rate':
      return rateWords(arg, name, ctx, used);
    case 'planFor': {
      // "năm 2024" for the year's plan, "giai đoạn 2021–2025" for a phase target.
      const planned = planOf(config, indicator(ctx, arg!, name).code);
      return planned ? (planned.for ?? periodPhrase(rollup.periodLabel)) : null;
    }
    case 'part': {
      // {part:DA8.18|trong số|ngoài}: the first words when the catalogue counts this figure inside a total.
      const ind = indicator(ctx, arg!, name);
      if (rest.length !== 2)
        throw new TemplateError(
          `${wordingFile(ctx.catalogue.version)}: {part:MÃ|khi đã tính trong tổng|khi tính riêng}, không phải {${name}}`,
        );
      return ind.includedIn ? rest[0]! : rest[1]!;
    }
    case 'plan':
    case 'plan%':
      return planWords(kind, arg!, name, ctx, used);
    case 'ratio':
    case 'target':
    case 'goal':
      return ratioWords(kind, arg, name, ctx, used);
    case 'kps':
    case '!kps': {
      // {kps:BDG.14}, {kps:BDG.23/BDG.22}: present (and empty) only when the figures did not arise (form-2026.md §4);
      // {!kps:…} only when they did, for the sentence that gives them.
      // A guard's codes are not the sentence's figures: they do not change its base.
      const arises = !notArising(arg ?? '', ctx, name, kind === 'kps' ? used : new Set());
      return (kind === 'kps') !== arises ? '' : null;
    }
    case 'change':
      return change(arg!, ctx);
    case 'phase':
      return phaseWords(arg!, name, ctx, used);
    case 'phaseYears': {
      // "năm 2022–2024": the years the cumulative figures cover.
      if (!ctx.phase?.length) return null;
      const years = [rollup, ...ctx.phase].map((r) => Number(r.period.slice(0, 4)));
      return `năm ${Math.min(...years)}–${Math.max(...years)}`;
    }
    default:
      throw new TemplateError(`${wordingFile(ctx.catalogue.version)}: chỗ điền không hợp lệ {${name}}`);
  }
}

/** {communes:BDG.24}: communes that meet it, over the communes of the units that reported when not all did. */
function communesWords(code: string, name: string, ctx: FillContext, used: Set<string>): string | null {
  const { rollup } = ctx;
  const ind = indicator(ctx, code, name);
  used.add(code);
  const v = value(ctx, code, 'total');
  const base = ctx.cover.baseOf(ind);
  const of = base.complete ? rollup.communes : ctx.cover.communesUnder(base.units);
  if (v === null || !of) return null;
  return `${formatNumber(v)}/${formatNumber(of)} ${ctx.cover.communeWord()} (${percent(v / of)})`;
}

/** {rate:DA8.22.dtts/DA8.24.dtts}: one figure over another, as a percent. */
function rateWords(arg: string | undefined, name: string, ctx: FillContext, used: Set<string>): string | null {
  const [top, bottom] = (arg ?? '').split('/').map((x) => CODE.exec(x.trim()));
  if (!top || !bottom)
    throw new TemplateError(`${wordingFile(ctx.catalogue.version)}: {rate:MÃ/MÃ}, không phải {${name}}`);
  const n = value(ctx, top[1]!, (top[2] as Measure) ?? 'total');
  const d = value(ctx, bottom[1]!, (bottom[2] as Measure) ?? 'total');
  used.add(top[1]!).add(bottom[1]!);
  return n === null || !d ? null : percent(n / d);
}

/** {plan:…} the year's plan, {plan%:…} the figure against it; never for a figure of part of the units. */
function planWords(kind: 'plan' | 'plan%', code: string, name: string, ctx: FillContext, used: Set<string>) {
  const { config } = ctx;
  const ind = indicator(ctx, code, name);
  const planned = planOf(config, ind.code)?.value;
  if (planned === undefined) return null;
  const base = ctx.cover.baseOf(ind);
  if (base.named || !enoughForVerdict(base, config)) return null;
  if (kind === 'plan') return ind.kind === 'money' ? formatMoney(planned) : formatNumber(planned);
  used.add(ind.code);
  const v = value(ctx, ind.code, 'total');
  return v === null || !planned ? null : percent(v / planned);
}

/** {phase:DA8.05}: a flow summed over this period and the earlier ones given (--previous more than once). */
function phaseWords(code: string, name: string, ctx: FillContext, used: Set<string>): string | null {
  const ind = indicator(ctx, code, name);
  const earlier = ctx.phase ?? [];
  if (!earlier.length || ind.nature !== 'flow') return null;
  const values = [ctx.rollup, ...earlier].map((r) => value(ctx, ind.code, 'total', r));
  if (values.some((v) => v === null)) return null;
  used.add(ind.code);
  const sum = Math.round(values.reduce((a, b) => a! + b!, 0)! * 1000) / 1000;
  return ind.kind === 'money' ? formatMoney(sum) : formatNumber(sum);
}

/**
 * Whether every figure of `A+B` was "không phát sinh" (every unit that reported wrote it: the total's `kps`), or the
 * ratio `A/B` is 0 of 0 or over a "không phát sinh" denominator; false when a figure is missing (nothing known).
 */
function notArising(arg: string, ctx: FillContext, name: string, used: Set<string>): boolean {
  const codes = arg.split(/[+/]/).map((c) => c.trim());
  for (const c of codes) used.add(indicator(ctx, c, name).code);
  const kps = (c: string) => ctx.rollup.totals[c]?.kps === true;
  if (arg.includes('/')) {
    const [top, bottom] = codes as [string, string];
    return kps(bottom) || (value(ctx, top, 'total') === 0 && value(ctx, bottom, 'total') === 0);
  }
  return codes.every(kps);
}

/** {ratio:…} the value, {target:…} the target, {goal:…} the verdict against it: of one of the edition's ratios. */
function ratioWords(
  kind: 'ratio' | 'target' | 'goal',
  arg: string | undefined,
  name: string,
  ctx: FillContext,
  used: Set<string>,
): string | null {
  const { rollup, config } = ctx;
  const r = rollup.ratios.find((x) => x.id === arg);
  const def = ctx.catalogue.ratios.find((x) => x.id === arg);
  if (!r || !def)
    throw new TemplateError(
      `${wordingFile(ctx.catalogue.version)}: tỷ lệ không có trong ratios.csv của phiên bản {${name}}`,
    );
  for (const t of [def.numerator, def.denominator]) for (const code of ratioCoverageCodes(t)) used.add(code);
  if (kind === 'ratio') return r.value === null ? null : percent(r.value);
  if (r.target === null) return null;
  if (kind === 'target') return `${formatNumber(r.target)}%`;
  if (r.value === null) return null;
  const base = ratioBase(def, ctx);
  if (base && !enoughForVerdict(base, config)) return notEnough(base);
  const source = def.targetSource ? ` theo ${def.targetSource}` : '';
  return `${verdict(r.value, r.target)} chỉ tiêu ${formatNumber(r.target)}% đến năm ${targetYear(ctx)}${source}`;
}

/** The base a ratio rests on: the smaller of its parts'. */
function ratioBase(def: Ratio, ctx: FillContext): Base | null {
  const inds = [def.numerator, def.denominator].flatMap((t) =>
    'code' in t ? [ctx.catalogue.byCode.get(t.code)!] : [],
  );
  return worstBase(inds.filter(Boolean).map((i) => ctx.cover.baseOf(i)));
}

/** A plan entry of the config: the year's plan (a bare number) or a phase target ({value, for}). */
export function planOf(config: Config, code: string): { value: number; for?: string } | undefined {
  const p = config.plan[code];
  return p === undefined ? undefined : typeof p === 'number' ? { value: p } : p;
}

/** A count against last period in percent; a ratio in percentage points (a rate is never compared by a count's change). */
function change(arg: string, ctx: WordingContext): string | null {
  const prev = ctx.previous;
  if (!prev) return null;
  // A part of a year is compared with the same part of an earlier year: "so với cùng kỳ năm 2025".
  const since = /^\d{4}$/.test(prev.period)
    ? `so với ${periodPhrase(prev.periodLabel)}`
    : `so với cùng kỳ năm ${prev.period.slice(0, 4)}`;
  if (CODE.test(arg)) {
    indicator(ctx, arg, `change:${arg}`);
    const now = value(ctx, arg, 'total');
    const before = value(ctx, arg, 'total', prev);
    if (now === null || before === null || before === 0) return null;
    if (now === before) return `không thay đổi ${since}`;
    return `${now > before ? 'tăng' : 'giảm'} ${percent(Math.abs(now - before) / before)} ${since}`;
  }
  if (!ctx.catalogue.ratios.some((r) => r.id === arg))
    throw new TemplateError(`${wordingFile(ctx.catalogue.version)}: {change:${arg}} không phải mã chỉ tiêu hay tỷ lệ`);
  const now = ctx.rollup.ratios.find((r) => r.id === arg)?.value ?? null;
  const before = prev.ratios.find((r) => r.id === arg)?.value ?? null;
  if (now === null || before === null) return null;
  const points = Math.round(Math.abs(now - before) * 1000) / 10;
  if (points === 0) return `không thay đổi ${since}`;
  return `${now > before ? 'tăng' : 'giảm'} ${formatNumber(points, 1)} điểm phần trăm ${since}`;
}

/** "Năm 2024" → "năm 2024" inside a sentence. */
export function periodPhrase(label: string): string {
  return label.charAt(0).toLocaleLowerCase('vi') + label.slice(1);
}

function expandDirective(name: string, arg: string, ctx: FillContext): Block[] {
  switch (name) {
    case 'nhan-xet': {
      const keys = arg.split(/\s+/).filter(Boolean);
      for (const k of keys)
        if (!(k in NARRATIVE_LABELS))
          throw new TemplateError(`${wordingFile(ctx.catalogue.version)}: @nhan-xet ${k} không có`);
      return statementBlocks(keys as NarrativeKey[], ctx);
    }
    case 'kien-nghi':
      // "@kien-nghi <cơ quan chủ trì>": the edition may name the programme's lead agency.
      return proposalBlocks(ctx, arg || undefined);
    case 'danh-gia':
      return judgementBlocks(ctx);
    case 'dien':
      // "@dien Tổ chức …": a task of the year for the officer to keep, adapt or drop, highlighted as a blank.
      return [{ kind: 'bullet', text: `- [${(renderLine(arg, ctx) ?? arg).replace(/[.;]$/, '')}.]` }];
    case 'tiep-nhan':
      return [{ kind: 'paragraph', text: receptionSentence(ctx) }];
    case 'bang':
      if (arg === 'ke-hoach') return [planTable(ctx)];
      if (arg === 'ke-hoach-du-an') return [planTable(ctx, true)];
      if (arg === 'chi-tieu') return [targetTable(ctx)];
      if (arg === 'nq28' && ctx.catalogue.nq28.length) return [nq28Table(ctx.catalogue, ctx.rollup)];
      throw new TemplateError(
        `${wordingFile(ctx.catalogue.version)}: @bang ${arg} không có (ke-hoach, chi-tieu, nq28 khi có targets-nq28.csv)`,
      );
    default:
      throw new TemplateError(`${wordingFile(ctx.catalogue.version)}: @${name} không có`);
  }
}

/**
 * The list mark a unit's line may open with, stripped as the report sets its own: a bullet (•, *, ▪), a dash or
 * plus followed by a space or straight by a letter ("- Tổ chức", "-Tổ chức"), a list number or letter ("1.", "2)",
 * "a)") followed by a space or a letter. A sign before a digit ("-5% so với năm trước", "+3 lớp") and the dot of a
 * number ("1.500 lượt người") are the sentence's own and stay.
 */
const LIST_MARK = /^\s*(?:[•*▪◦●]\s*|[-+–—](?:\s+|(?=\p{L})|$)|(?:\d{1,2}[.)]|[a-zđ]\))(?:\s+|(?=\p{L})|$))/iu;

/** A line a unit wrote, without its own bullet or number, ending with a full stop. */
export function cleanLine(s: string): string {
  const t = s
    .replace(LIST_MARK, '')
    .trim()
    .replace(/[;,]\s*$/, '');
  if (!t) return '';
  const body = sentenceCase(t);
  return /[.!?…]$/.test(body) ? body : `${body}.`;
}

const normalizeStatement = (s: string) =>
  s
    .toLocaleLowerCase('vi')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** A statement's normalized words, with its word bigrams found once: each line is compared with every statement before it. */
interface Key {
  text: string;
  grams: Set<string>;
  /** Its words, for sameRequest: found when first compared. */
  words?: Set<string>;
}

function keyOf(text: string): Key {
  const w = text.split(' ');
  const grams = new Set<string>();
  for (let i = 0; i + 1 < w.length; i++) grams.add(`${w[i]} ${w[i + 1]}`);
  return { text, grams };
}

/** Word-bigram overlap (Dice): near-identical statements differ by a word or punctuation. */
function similar(a: Key, b: Key): boolean {
  const ga = a.grams;
  const gb = b.grams;
  if (!ga.size || !gb.size) return a.text === b.text;
  // Even all of the smaller set in common would not reach the threshold: no need to count.
  if ((2 * Math.min(ga.size, gb.size)) / (ga.size + gb.size) < 0.85) return false;
  let common = 0;
  for (const g of ga) if (gb.has(g)) common++;
  return (2 * common) / (ga.size + gb.size) >= 0.85;
}

/** Near-identical requests: one's words nearly all in the other's ("Sớm phân bổ kinh phí" / "Đề nghị sớm phân bổ kinh phí"). */
function sameRequest(a: Key, b: Key): boolean {
  if (similar(a, b)) return true;
  const wa = (a.words ??= new Set(a.text.split(' ')));
  const wb = (b.words ??= new Set(b.text.split(' ')));
  const [small, large] = wa.size <= wb.size ? [wa, wb] : [wb, wa];
  if (small.size < 3 || small.size / large.size < 0.6) return false;
  let common = 0;
  for (const w of small) if (large.has(w)) common++;
  return common / small.size >= 0.8;
}

interface Statement {
  key: Key;
  text: string;
  units: { code: string; name: string }[];
  /** The codes of `units`, to add each unit once without reading them all (a line 300 communes wrote alike). */
  codes: Set<string>;
}

/** The units' lines for some narrative keys, identical or near-identical ones gathered, attributed to units one level below the root. */
function gatherStatements(
  keys: NarrativeKey[],
  ctx: FillContext,
  rewrite: (line: string) => string = (l) => l,
  same: (a: Key, b: Key) => boolean = similar,
): Statement[] {
  const statements: Statement[] = [];
  // A line met before goes where it went: the first statement like it stays the first (statements are only added).
  const byKey = new Map<string, Statement>();
  for (const n of ctx.rollup.narratives) {
    const top = ctx.cover.topOf(n.unit.code);
    const unit = top ? { code: top.code, name: top.name } : n.unit;
    for (const key of keys) {
      for (const raw of (n.narrative[key] ?? '').split(LINE_BREAK)) {
        const text = cleanLine(rewrite(cleanLine(raw)));
        if (!text) continue;
        const norm = normalizeStatement(text);
        let found = byKey.get(norm);
        if (!found) {
          const k = keyOf(norm);
          found = statements.find((s) => same(s.key, k));
          if (!found) statements.push((found = { key: k, text, units: [], codes: new Set() }));
          byKey.set(norm, found);
        }
        if (!found.codes.has(unit.code)) {
          found.units.push(unit);
          found.codes.add(unit.code);
        }
      }
    }
  }
  const order = ctx.cover.position();
  for (const s of statements) s.units.sort((a, b) => (order.get(a.code) ?? 0) - (order.get(b.code) ?? 0));
  return statements;
}

function statementBlocks(keys: NarrativeKey[], ctx: FillContext): Block[] {
  const statements = gatherStatements(keys, ctx);
  const next = `năm ${Number(ctx.rollup.period.slice(0, 4)) + 1}`;
  const what = keys
    .map((k) => NARRATIVE_LABELS[k].toLocaleLowerCase('vi'))
    .join('; ')
    .replace('kỳ tới', next);
  if (!statements.length) return [{ kind: 'paragraph', text: `[Bổ sung ${what}.]` }];
  const blocks = attributed(statements);
  // Beyond what a reader takes in, the units' words go to an annex; the body says where and how many units wrote.
  const lines = blocks.reduce((n, b) => n + (b.kind === 'attributed' ? Math.max(1, b.lines.length) : 1), 0);
  if (!ctx.quoteAnnex || lines <= ctx.config.quoteLines) return blocks;
  const title = sentenceCase(what);
  ctx.quoteAnnex.parts.push({ title, blocks });
  const units = new Set(statements.flatMap((s) => s.units.map((u) => u.code))).size;
  return [
    {
      kind: 'paragraph',
      text:
        `Ý kiến của ${formatNumber(units)} đơn vị về ${what} (${formatNumber(statements.length)} ý) ` +
        `được tổng hợp tại ${ctx.quoteAnnex.name} kèm theo.`,
    },
  ];
}

/**
 * The province's own judgement, computed from the data, before the units' words: how many units were active in each
 * core result (x/y), the change against the previous period, the most and least active units, and the Nghị quyết 28
 * targets met and not met with their coverage.
 */
function judgementBlocks(ctx: FillContext): Block[] {
  const { rollup, catalogue, config } = ctx;
  const tops = ctx.cover.tops.filter((u) => u.source !== 'missing');
  const all = ctx.cover.tops.length;
  if (!tops.length) return [];
  const words = ctx.cover.words;
  const core = catalogue.indicators.filter((i) => i.core);
  const active = (u: (typeof tops)[number], code: string) => (u.values[code]?.total ?? 0) > 0;
  const fields = core
    .map((i) => ({ i, n: tops.filter((u) => active(u, i.code)).length }))
    .filter((f) => f.n > 0)
    .map((f) => `${lowerFirst(f.i.shortName)} ${formatNumber(f.n)}/${formatNumber(all)}`);
  const out: Block[] = [];
  const period = periodPhrase(rollup.periodLabel);
  if (fields.length)
    out.push({
      kind: 'paragraph',
      text: `Số ${words.childUnits} có kết quả ở các chỉ tiêu chủ yếu ${period}: ${fields.join('; ')}.`,
    });
  const changes = core
    .map((i) => ({ i, c: change(i.code, ctx) }))
    .filter((x) => x.c)
    .map((x) => `${lowerFirst(x.i.shortName)} ${x.c!.replace(/ so với .*$/, '')}`);
  if (changes.length) out.push({ kind: 'paragraph', text: `So với kỳ trước: ${changes.join('; ')}.` });
  if (tops.length > 1 && core.length) {
    const scores = tops.map((u) => core.filter((i) => active(u, i.code)).length);
    const max = Math.max(...scores);
    const min = Math.min(...scores);
    if (max > min) {
      const most = tops.filter((_, k) => scores[k] === max).map((u) => u.name);
      const least = tops.filter((_, k) => scores[k] === min).map((u) => u.name);
      const name = (list: string[]) =>
        list.length > 5 ? `${formatNumber(list.length)} đơn vị` : unitList(list, false);
      out.push({
        kind: 'paragraph',
        text:
          `Triển khai nhiều chỉ tiêu chủ yếu nhất là ${name(most)} (${max}/${core.length} chỉ tiêu); ` +
          `ít nhất là ${name(least)} (${min}/${core.length} chỉ tiêu).`,
      });
    }
  }
  const judged = catalogue.ratios
    .filter((d) => d.targets.length)
    .map((d) => {
      const r = rollup.ratios.find((x) => x.id === d.id);
      return { d, a: assessment(r, r?.target ?? null, ratioBase(d, ctx), config) };
    });
  const named = (a: RegExp) => judged.filter((j) => a.test(j.a)).map((j) => lowerFirst(j.d.name));
  const parts = [
    [named(/^(Vượt|Đạt)$/), 'đạt hoặc vượt'],
    [named(/^Chưa đạt$/), 'chưa đạt'],
    [named(/^Chưa đủ số liệu/), 'chưa đủ số liệu để đánh giá'],
  ] as const;
  const said = parts
    .filter(([list]) => list.length)
    .map(([list, w]) => `${w} ${formatNumber(list.length)} chỉ tiêu (${list.join('; ')})`);
  if (said.length) {
    const base = judged.map((j) => ratioBase(j.d, ctx)).find((b) => b && !b.complete);
    const strategy = `Về các chỉ tiêu của Chiến lược quốc gia về bình đẳng giới đến năm ${targetYear(ctx)}`;
    out.push({ kind: 'paragraph', text: `${strategy}${base ? `, theo ${base.note}` : ''}: ${said.join('; ')}.` });
  }
  return out;
}

/** Statements made by the same units are listed together, one bullet per line, the most shared first. */
function attributed(statements: Statement[]): Block[] {
  const byUnits = new Map<string, { units: Statement['units']; lines: string[] }>();
  for (const s of statements) {
    const k = s.units.map((u) => u.code).join(',');
    const entry = byUnits.get(k) ?? { units: s.units, lines: [] };
    entry.lines.push(s.text);
    byUnits.set(k, entry);
  }
  return [...byUnits.values()]
    .sort((a, b) => b.units.length - a.units.length)
    .map((e) => ({
      kind: 'attributed',
      unit: sentenceCase(
        unitList(
          e.units.map((u) => u.name),
          true,
        ),
      ),
      lines: e.lines,
    }));
}

/** Who a unit's request is for (issue 21, point 5). */
export type Addressee = 'province' | 'central' | 'programme';

const OPENING = /^(?:kiến nghị|đề nghị|đề xuất)(?=\s)/iu;
/** A named central body: "Bộ Nội vụ", "Chính phủ", "Trung ương Hội …", "Ủy ban Dân tộc". */
const CENTRAL = /(?:^|\s)(?:Bộ\s+\p{Lu}|Chính phủ|Thủ tướng|Quốc hội|Trung ương|Ủy ban Dân tộc|Uỷ ban Dân tộc)/u;
const MONEY = /(?:^|\s)(?:kinh phí|vốn|ngân sách)(?=\s|$)/iu;
const PROGRAMME = /(?:^|\s)(?:dự án\s*\d|chương trình|mục tiêu quốc gia|mtqg)/iu;

/** A request to a named central body, about the programme's money, or else to the province (the units' superior). */
export function addresseeOf(line: string): Addressee {
  if (CENTRAL.test(line)) return 'central';
  if (MONEY.test(line) && PROGRAMME.test(line)) return 'programme';
  return 'province';
}

/**
 * A request without its opening verb and a generic addressee, for a list under "Đề nghị <addressee>:". Only whole
 * words are taken away, and never a named body's ("Đề nghị Bộ Nội vụ ban hành …" is kept as written).
 */
export function requestContent(line: string): string {
  if (CENTRAL.test(line.replace(OPENING, ''))) return line;
  return line.replace(
    /^(?:kiến nghị|đề nghị|đề xuất)\s+(?:(?:(?:ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+tỉnh|tỉnh|cấp trên|các cấp)(?=\s)\s*)?(?:quan tâm(?=\s)\s*)?/iu,
    '',
  );
}

const bulletList = (lines: string[]): Block[] =>
  lines.map((l, i): Block => ({
    kind: 'bullet',
    text: `- ${l.replace(/[.;]$/, '')}${i === lines.length - 1 ? '.' : ';'}`,
  }));

/** "(các xã A, B)" after a request several units wrote. */
const byWhom = (s: Statement) =>
  s.units.length > 1
    ? ` (${unitList(
        s.units.map((u) => u.name),
        true,
      )})`
    : '';
const unstop = (t: string) => t.replace(/[.;]$/, '');

/**
 * Units' requests routed by addressee: about the programme's money, to the programme's lead agency (config, else a
 * blank: never the report's recipient by default); to a named central body, as the issuer's recommendation to it, in
 * the unit's words; to the province, kept in their own part for the province to act on. Near-identical ones merged.
 */
function proposalBlocks(ctx: FillContext, lead: string | undefined): Block[] {
  const to = ctx.config.recipients[0] ?? '[cơ quan cấp trên]';
  const blocks: Block[] = [];
  const by: Record<Addressee, Statement[]> = { central: [], programme: [], province: [] };
  for (const s of gatherStatements(['proposals'], ctx, (l) => l, sameRequest)) by[addresseeOf(s.text)].push(s);
  const { central, programme, province } = by;
  if (central.length) blocks.push(...bulletList(central.map((s) => unstop(sentenceCase(s.text)) + byWhom(s))));
  if (programme.length) {
    const who = ctx.config.programmeLead ?? lead ?? '[cơ quan chủ trì Chương trình]';
    blocks.push({ kind: 'paragraph', text: `Đề nghị ${who}:` });
    blocks.push(...bulletList(programme.map((s) => unstop(sentenceCase(requestContent(s.text))) + byWhom(s))));
  }
  if (!central.length && !programme.length)
    blocks.push({ kind: 'paragraph', text: `[Bổ sung kiến nghị, đề xuất với ${to}.]` });
  if (province.length) {
    blocks.push({ kind: 'paragraph', text: 'Kiến nghị của các đơn vị với tỉnh:' });
    blocks.push(...attributed(province));
  }
  return blocks;
}

/** "Đã tổng hợp số liệu của 14/15 đơn vị cấp huyện; chưa có số liệu: huyện Ea Súp." Many missing: counted, listed in an annex. */
function receptionSentence(ctx: FillContext): string {
  const { rollup } = ctx;
  const c = rollup.completeness;
  const words = ctx.cover.words;
  const own = provinceOwnReception(rollup); // the province's own bodies: said apart from the communes
  const head = `Đã tổng hợp số liệu của ${c.received - (own?.received ?? 0)}/${c.expected - (own?.expected ?? 0)} ${words.childUnits}${own?.clause ?? ''}`;
  const lacking = c.missing.filter((m) => !own || m.code !== rollup.root.code);
  const missing = !lacking.length
    ? ''
    : lacking.length <= MISSING_IN_BODY || !ctx.missingAnnex
      ? `; chưa có số liệu: ${unitList(
          lacking.map((m) => m.name),
          false,
        )}`
      : `; ${formatNumber(lacking.length)} đơn vị chưa gửi báo cáo (danh sách tại ${ctx.missingAnnex} kèm theo)`;
  // A unit that sent a summary of only some of its units: its figures are partial, and the report says whose are
  // missing.
  const partial = (c.partial ?? []).map(
    (p) =>
      `; số liệu của ${inSentence(p.name)} chưa đầy đủ (${p.reported}/${p.expected} đơn vị trực thuộc${
        p.missing.length
          ? `, chưa có số liệu của ${unitList(
              p.missing.map((m) => m.name),
              false,
            )}`
          : ''
      })`,
  );
  return `${head}${missing}${partial.join('')}.`;
}

function planTable(ctx: FillContext, programmeOnly = false): Block {
  const { catalogue, config, rollup } = ctx;
  const codes = [
    ...new Set([...catalogue.indicators.filter((i) => i.core).map((i) => i.code), ...Object.keys(config.plan)]),
  ];
  const group = programmeOnly ? programmeGroup(catalogue)?.code : undefined;
  const inds = codes
    .map((c) => catalogue.byCode.get(c))
    .filter((i): i is Indicator => !!i && (!group || i.group === group));
  // The header says what the plan is: the year's, a phase's, or each row says its own.
  const fors = new Set(
    inds
      .map((i) => planOf(config, i.code))
      .filter((p) => p)
      .map((p) => p!.for ?? ''),
  );
  const one = fors.size <= 1 ? ([...fors][0] ?? '') : null;
  const rows = inds.map((ind, n) => {
    const done = value(ctx, ind.code, 'total');
    const planned = planOf(config, ind.code);
    const show = (v: number) => (ind.kind === 'money' ? formatNumber(v, 1) : formatNumber(v));
    const base = ctx.cover.baseOf(ind);
    const comparable = !base.named && enoughForVerdict(base, config);
    const among = base.among ?? base;
    const short = `Chưa đủ số liệu (${formatNumber(among.reported)}/${formatNumber(among.expected)} đơn vị)`;
    const rate = !planned || done === null || !planned.value ? '…' : comparable ? percent(done / planned.value) : short;
    const plan =
      planned === undefined
        ? '…'
        : one === null
          ? `${show(planned.value)} (${planned.for ?? periodPhrase(rollup.periodLabel)})`
          : show(planned.value);
    return [String(n + 1), ind.shortName, ind.unit, plan, done === null ? '-' : show(done), rate];
  });
  const planTitle =
    one === null ? 'Kế hoạch giao' : one ? `Kế hoạch ${one}` : `Kế hoạch ${periodPhrase(rollup.periodLabel)}`;
  return {
    kind: 'table',
    table: {
      columns: [
        { title: 'STT', width: 8, align: 'center' },
        { title: 'Chỉ tiêu', width: 40, align: 'left' },
        { title: 'ĐVT', width: 12, align: 'center' },
        { title: planTitle, width: 14, align: 'right' },
        { title: 'Thực hiện', width: 14, align: 'right' },
        { title: 'Tỷ lệ so với kế hoạch', width: 14, align: 'right' },
      ],
      rows,
    },
  };
}

/**
 * The words of a Nghị quyết 28 assessment, the same in the DOCX and on the page: "Vượt" / "Đạt" / "Chưa đạt", "Không
 * phát sinh" for 0 of 0, "Chưa có số liệu", or "Chưa đủ số liệu để đánh giá (x/y đơn vị)" below the coverage threshold.
 */
export function assessment(
  r: RatioValue | undefined,
  target: number | null,
  base: Base | null,
  config: Pick<Config, 'coverageForVerdict'>,
): string {
  if (r && r.numerator === 0 && r.denominator === 0) return 'Không phát sinh';
  if (!r || r.value === null || target === null) return 'Chưa có số liệu';
  if (base && !enoughForVerdict(base, config)) return sentenceCase(notEnough(base));
  return sentenceCase(verdict(r.value, target));
}

/** The assessment of each ratio of a roll-up, for a reader without the report (the page). */
export function assessments(rollup: Rollup, catalogue: Catalogue, config: Config): Map<string, string> {
  const ctx: FillContext = { rollup, catalogue, config, cover: coverageOf(rollup, catalogue, config) };
  const out = new Map<string, string>();
  for (const def of catalogue.ratios) {
    const r = rollup.ratios.find((x) => x.id === def.id);
    out.set(def.id, r?.target == null ? '' : assessment(r, r.target, ratioBase(def, ctx), config));
  }
  return out;
}

/** The Nghị quyết 28 targets: result, target and year, and whether it is met. */
function targetTable(ctx: FillContext): Block {
  const { catalogue, rollup } = ctx;
  const year = targetYear(ctx);
  const rows = catalogue.ratios
    .filter((r) => r.targets.length)
    .map((def, n) => {
      const r = rollup.ratios.find((x) => x.id === def.id);
      const result =
        r && r.value !== null && r.numerator !== null && r.denominator !== null
          ? `${percent(r.value)} (${formatNumber(r.numerator)}/${formatNumber(r.denominator)})`
          : '-';
      const target = r?.target ?? def.targets.find((t) => t.year === year)?.percent ?? null;
      const zero = r && r.numerator === 0 && r.denominator === 0;
      const words = assessment(r, target, ratioBase(def, ctx), ctx.config);
      return [
        String(n + 1),
        def.name,
        zero ? 'Không phát sinh' : result,
        target === null ? '-' : `${formatNumber(target)}%`,
        words,
      ];
    });
  return {
    kind: 'table',
    table: {
      columns: [
        { title: 'STT', width: 8, align: 'center' },
        { title: 'Chỉ tiêu', width: 42, align: 'left' },
        { title: `Kết quả ${periodPhrase(rollup.periodLabel)}`, width: 20, align: 'center' },
        { title: `Chỉ tiêu đến năm ${year}`, width: 14, align: 'center' },
        { title: 'Đánh giá', width: 18, align: 'center' },
      ],
      rows,
    },
  };
}
