import type { Catalogue, Indicator } from '../../catalogue/catalogue.js';
import type { Config } from '../../config.js';
import type { Rollup, UnitFigures } from '../../model.js';
import { formatNumber } from '../../util/number.js';
import { levelWords, presentCommuneWord, type LevelWords } from './names.js';

/**
 * Whose figures an aggregate is (issue 21, point 1). Coverage is counted per indicator against the units that
 * must report it: the units one level below the root; for the programme's indicators, the communes of the
 * programme area when the config names them, otherwise the units that reported any figure of the programme.
 */
export interface Base {
  reported: number;
  expected: number;
  /** Every unit that must report the figure did. */
  complete: boolean;
  /** The base is not the whole territory even when complete (the units that reported the programme's figures). */
  named?: boolean;
  /** How the sentence names its base when it is not the whole: "8/102 đơn vị cấp xã đã báo cáo". */
  words: string;
  /** The same as a note after the figures: "số liệu của 8/102 đơn vị cấp xã". */
  note: string;
  /** The level words when the base is the whole ("toàn tỉnh"), or the programme area's. */
  whole: string;
  /** What a withheld verdict cites, when not the base itself: the programme's units among all ("8/102"). */
  among?: { reported: number; expected: number };
  /** The reporting units one level below the root (for rates over the reporting units). */
  units: UnitFigures[];
}

/** The group of the catalogue whose indicators concern the programme's area (the one headed "Dự án …"). */
export function programmeGroup(catalogue: Catalogue): { code: string; name: string } | null {
  const g = catalogue.groups.find((x) => /^DỰ ÁN\s/u.test(x.heading));
  if (!g) return null;
  const short = g.heading.split(':')[0]!.trim().toLocaleLowerCase('vi');
  return { code: g.code, name: short.charAt(0).toLocaleUpperCase('vi') + short.slice(1) };
}

export function topUnits(rollup: Rollup): UnitFigures[] {
  return rollup.units.filter((u) => u.parent === rollup.root.code);
}

const hasFigure = (u: UnitFigures, code: string) => typeof u.values[code]?.total === 'number';

/** The commune codes of the programme area for the period's year, when the config or the unit list gives them. */
function areaOf(rollup: Rollup, config: Config): Set<string> | null {
  const list = config.programmeArea?.[rollup.period.slice(0, 4)] ?? rollup.programmeArea?.codes;
  return list && list.length ? new Set(list) : null;
}

/** The unit one level below the root that a unit belongs to. */
function topOf(code: string, byCode: Map<string, UnitFigures>, root: string): UnitFigures | undefined {
  let u = byCode.get(code);
  while (u && u.parent && u.parent !== root) u = byCode.get(u.parent);
  return u && u.parent === root ? u : undefined;
}

/**
 * The bases of one roll-up's indicators, for one report. The report asks for the base of each indicator of each
 * sentence, ratio and plan row, and each base read the units anew (a province's 300 communes, ~90 times): what the
 * bases share (the units one level below the root, the level words, the units by code) is found once here, and each
 * indicator's base once. Made for one report: a roll-up changed between two reports is read anew.
 */
export interface Coverage {
  /** The units one level below the root (topUnits). */
  readonly tops: UnitFigures[];
  /** The roll-up's level words (levelWords). */
  readonly words: LevelWords;
  /** The commune level's words for the types the roll-up has (presentCommuneWord). */
  communeWord(): string;
  /** The unit one level below the root that a unit belongs to (itself when it is one). */
  topOf(code: string): UnitFigures | undefined;
  /** Each unit's position in the roll-up, by code: the order units are named in. */
  position(): Map<string, number>;
  /** Whose figures an indicator's aggregate is. */
  baseOf(ind: Indicator): Base;
  /** How many commune-level units are under the given top units (the denominator of "x/y xã" over the reporting units). */
  communesUnder(tops: UnitFigures[]): number;
}

/** A value computed when first asked for, if ever. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

export function coverageOf(rollup: Rollup, catalogue: Catalogue, config: Config): Coverage {
  const root = rollup.root.code;
  const byCode = new Map(rollup.units.map((u) => [u.code, u]));
  const shared: Shared = {
    rollup,
    catalogue,
    config,
    tops: topUnits(rollup),
    words: levelWords(rollup),
    byCode,
    topOf: (code) => topOf(code, byCode, root),
    communeWord: once(() => presentCommuneWord(rollup)),
    programme: programmeGroup(catalogue),
    area: once(() => areaOf(rollup, config)),
    programmeActive: once(() => programmeActive(shared)),
  };
  const bases = new Map<string, Base>();
  // Each commune-level unit (neither a parent nor the root) by the unit one level below the root it is under.
  const communes = once(() => {
    const parents = new Set(rollup.units.map((u) => u.parent));
    return rollup.units.filter((u) => !parents.has(u.code) && u.code !== root).map((u) => shared.topOf(u.code));
  });
  return {
    tops: shared.tops,
    words: shared.words,
    topOf: shared.topOf,
    communeWord: shared.communeWord,
    position: once(() => new Map(rollup.units.map((u, i) => [u.code, i]))),
    baseOf: (ind) => {
      let base = bases.get(ind.code);
      if (!base) bases.set(ind.code, (base = baseOf(ind, shared)));
      return base;
    },
    communesUnder: (tops) => {
      const set = new Set(tops.map((u) => u.code));
      return communes().filter((top) => top && set.has(top.code)).length;
    },
  };
}

/** What the bases read of the roll-up, found once a report (see Coverage). */
interface Shared extends Pick<Coverage, 'tops' | 'words' | 'topOf' | 'communeWord'> {
  rollup: Rollup;
  catalogue: Catalogue;
  config: Config;
  byCode: Map<string, UnitFigures>;
  programme: { code: string; name: string } | null;
  area: () => Set<string> | null;
  /** The units below the root that reported any of the programme's figures. */
  programmeActive: () => UnitFigures[];
}

function baseOf(ind: Indicator, s: Shared): Base {
  if (s.programme && ind.group === s.programme.code) {
    const area = s.area();
    return area ? areaBase(ind, area, s.programme.name, s) : activeBase(ind, s.programme.name, s);
  }
  const t = s.rollup.totals[ind.code];
  const reported = t?.reported ?? 0;
  const expected = t?.expected ?? s.tops.length;
  const own = withProvinceOwn(ind, reported, expected, s);
  if (own)
    return { reported, expected, complete: reported >= expected, ...own, whole: s.words.whole, units: own.units };
  const fraction = `${formatNumber(reported)}/${formatNumber(expected)} ${s.words.childUnits}`;
  return {
    reported,
    expected,
    complete: reported >= expected,
    words: `${fraction} đã báo cáo`,
    note: `số liệu của ${fraction}`,
    whole: s.words.whole,
    // Found when asked: only a count over the reporting units reads them ({communes:…} when not all reported).
    get units() {
      return s.tops.filter((u) => hasFigure(u, ind.code));
    },
  };
}

/** A programme's indicator when the config or the unit list names the programme's area: its communes are the base. */
function areaBase(ind: Indicator, area: Set<string>, programme: string, s: Shared): Base {
  const inArea = [...area].map((c) => s.byCode.get(c)).filter((u): u is UnitFigures => !!u);
  // A commune counts as reported when its own figure is there, or its district sent a summary giving it.
  const reported = inArea.filter((u) => hasFigure(u, ind.code) || (u.source === 'missing' && sentFor(u, ind.code, s)));
  const expected = inArea.length;
  const communes = s.communeWord();
  const whole = `địa bàn ${programme} (${formatNumber(expected)} ${communes})`;
  const above = reported.map((u) => s.topOf(u.code)).filter((u): u is UnitFigures => !!u);
  const fraction = `${formatNumber(reported.length)}/${formatNumber(expected)}`;
  return {
    reported: reported.length,
    expected,
    complete: reported.length === expected,
    words: `${fraction} ${communes} thuộc địa bàn ${programme} đã báo cáo`,
    note: `số liệu của ${fraction} ${communes} thuộc địa bàn ${programme}`,
    whole,
    units: [...new Set(above)],
  };
}

/** A programme's indicator, no area named: the units that reported any of the programme's figures, and the sentence says so. */
function activeBase(ind: Indicator, programme: string, s: Shared): Base {
  const { tops, words } = s;
  const active = s.programmeActive();
  const reported = active.filter((u) => hasFigure(u, ind.code));
  const of = reported.length < active.length ? ` (số liệu của ${reported.length}/${active.length} đơn vị)` : '';
  const someOnly = active.length < tops.length;
  // Named against the units below the root, so a reader sees how many did not report the programme at all.
  return {
    reported: reported.length,
    expected: active.length,
    complete: reported.length === active.length,
    // Every unit below the root reported some of the programme: then the base is the whole.
    named: someOnly,
    among: { reported: active.length, expected: tops.length },
    words: `${formatNumber(active.length)}/${formatNumber(tops.length)} ${words.childUnits} có số liệu ${programme}${of}`,
    note:
      `số liệu của ${formatNumber(reported.length)}/${formatNumber(active.length)} ${words.childUnits}` +
      (someOnly ? ` có số liệu ${programme}` : ''),
    whole: words.whole,
    units: reported,
  };
}

function programmeActive(s: Shared): UnitFigures[] {
  const codes = s.catalogue.indicators.filter((i) => i.group === s.programme?.code).map((i) => i.code);
  return s.tops.filter((u) => codes.some((c) => hasFigure(u, c)));
}

/**
 * A row the communes and the province's own bodies both fill (levels `xa;tinh`, form-2026.md §5): its expected
 * senders are the communes and one more, the province's bodies, so the base names both ("3/102 đơn vị cấp xã và
 * các cơ quan, đơn vị cấp tỉnh"), never "4/103 đơn vị cấp xã".
 */
function withProvinceOwn(ind: Indicator, reported: number, expected: number, s: Shared) {
  const { tops } = s;
  if (!s.rollup.provinceOwn || !ind.levels.includes('tinh') || expected !== tops.length + 1) return null;
  const units = tops.filter((u) => hasFigure(u, ind.code));
  const ownGave = reported > units.length;
  const communes = `${formatNumber(units.length)}/${formatNumber(tops.length)} ${s.words.childUnits}`;
  return {
    units,
    words: `${communes}${ownGave ? ' và các cơ quan, đơn vị cấp tỉnh' : ''} đã báo cáo`,
    note: `số liệu của ${communes}${ownGave ? ' và của' : '; chưa có số liệu của'} các cơ quan, đơn vị cấp tỉnh`,
  };
}

function sentFor(u: UnitFigures, code: string, s: Shared): boolean {
  const top = s.topOf(u.code);
  return !!top && top.source === 'file' && hasFigure(top, code);
}

/** Enough of the units that must report a figure did, for a verdict against a target or a plan. */
export function enoughForVerdict(base: Base, config: Pick<Config, 'coverageForVerdict'>): boolean {
  return base.expected > 0 && base.reported / base.expected >= config.coverageForVerdict - 1e-9;
}

/** "chưa đủ số liệu để đánh giá (8/102 đơn vị)". */
export function notEnough(base: Base): string {
  const b = base.among ?? base;
  return `chưa đủ số liệu để đánh giá (${formatNumber(b.reported)}/${formatNumber(b.expected)} đơn vị)`;
}

/** The smallest base of several indicators: the one a sentence using all of them rests on. */
export function worstBase(bases: Base[]): Base | null {
  let worst: Base | null = null;
  for (const b of bases) {
    const share = b.expected ? b.reported / b.expected : 1;
    const w = worst ? (worst.expected ? worst.reported / worst.expected : 1) : 2;
    if (!worst || share < w || (!b.complete && worst.complete)) worst = b;
  }
  return worst;
}
