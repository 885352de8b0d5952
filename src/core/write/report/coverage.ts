import type { Catalogue, Indicator } from '../../catalogue/catalogue.js';
import type { Config } from '../../config.js';
import type { Rollup, UnitFigures } from '../../model.js';
import { formatNumber } from '../../util/number.js';
import { levelWords, presentCommuneWord } from './names.js';

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

export function baseOf(ind: Indicator, rollup: Rollup, catalogue: Catalogue, config: Config): Base {
  const programme = programmeGroup(catalogue);
  const words = levelWords(rollup);
  const tops = topUnits(rollup);
  if (programme && ind.group === programme.code) {
    const area = areaOf(rollup, config);
    if (area) {
      const byCode = new Map(rollup.units.map((u) => [u.code, u]));
      const inArea = [...area].map((c) => byCode.get(c)).filter((u): u is UnitFigures => !!u);
      // A commune counts as reported when its own figure is there, or its district sent a summary giving it.
      const reported = inArea.filter(
        (u) => hasFigure(u, ind.code) || (u.source === 'missing' && sentFor(u, byCode, rollup, ind.code)),
      );
      const expected = inArea.length;
      const communes = presentCommuneWord(rollup);
      const whole = `địa bàn ${programme.name} (${formatNumber(expected)} ${communes})`;
      const above = reported.map((u) => topOf(u.code, byCode, rollup.root.code)).filter((u): u is UnitFigures => !!u);
      const fraction = `${formatNumber(reported.length)}/${formatNumber(expected)}`;
      return {
        reported: reported.length,
        expected,
        complete: reported.length === expected,
        words: `${fraction} ${communes} thuộc địa bàn ${programme.name} đã báo cáo`,
        note: `số liệu của ${fraction} ${communes} thuộc địa bàn ${programme.name}`,
        whole,
        units: [...new Set(above)],
      };
    }
    // No area named: the units that reported any of the programme's figures, and the sentence says so.
    const codes = catalogue.indicators.filter((i) => i.group === programme.code).map((i) => i.code);
    const active = tops.filter((u) => codes.some((c) => hasFigure(u, c)));
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
      words: `${formatNumber(active.length)}/${formatNumber(tops.length)} ${words.childUnits} có số liệu ${programme.name}${of}`,
      note:
        `số liệu của ${formatNumber(reported.length)}/${formatNumber(active.length)} ${words.childUnits}` +
        (someOnly ? ` có số liệu ${programme.name}` : ''),
      whole: words.whole,
      units: reported,
    };
  }
  const t = rollup.totals[ind.code];
  const reported = t?.reported ?? 0;
  const expected = t?.expected ?? tops.length;
  const own = withProvinceOwn(rollup, ind, reported, expected);
  if (own) return { reported, expected, complete: reported >= expected, ...own, whole: words.whole, units: own.units };
  return {
    reported,
    expected,
    complete: reported >= expected,
    words: `${formatNumber(reported)}/${formatNumber(expected)} ${words.childUnits} đã báo cáo`,
    note: `số liệu của ${formatNumber(reported)}/${formatNumber(expected)} ${words.childUnits}`,
    whole: words.whole,
    units: tops.filter((u) => hasFigure(u, ind.code)),
  };
}

/**
 * A row the communes and the province's own bodies both fill (levels `xa;tinh`, form-2026.md §5): its expected
 * senders are the communes and one more, the province's bodies, so the base names both ("3/102 đơn vị cấp xã và
 * các cơ quan, đơn vị cấp tỉnh"), never "4/103 đơn vị cấp xã".
 */
function withProvinceOwn(rollup: Rollup, ind: Indicator, reported: number, expected: number) {
  const tops = topUnits(rollup);
  if (!rollup.provinceOwn || !ind.levels.includes('tinh') || expected !== tops.length + 1) return null;
  const units = tops.filter((u) => hasFigure(u, ind.code));
  const ownGave = reported > units.length;
  const communes = `${formatNumber(units.length)}/${formatNumber(tops.length)} ${levelWords(rollup).childUnits}`;
  return {
    units,
    words: `${communes}${ownGave ? ' và các cơ quan, đơn vị cấp tỉnh' : ''} đã báo cáo`,
    note: `số liệu của ${communes}${ownGave ? ' và của' : '; chưa có số liệu của'} các cơ quan, đơn vị cấp tỉnh`,
  };
}

function sentFor(u: UnitFigures, byCode: Map<string, UnitFigures>, rollup: Rollup, code: string): boolean {
  const top = topOf(u.code, byCode, rollup.root.code);
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

/** Commune-level units under the given top units (the denominator of "x/y xã" over the reporting units). */
export function communesUnder(tops: UnitFigures[], rollup: Rollup): number {
  const byCode = new Map(rollup.units.map((u) => [u.code, u]));
  const set = new Set(tops.map((u) => u.code));
  const parents = new Set(rollup.units.map((u) => u.parent));
  const communeLevel = rollup.units.filter((u) => !parents.has(u.code) && u.code !== rollup.root.code);
  return communeLevel.filter((u) => {
    const top = topOf(u.code, byCode, rollup.root.code);
    return top && set.has(top.code);
  }).length;
}
