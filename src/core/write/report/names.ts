import type { Config } from '../../config.js';
import type { Rollup } from '../../model.js';
import { editionForPeriod } from '../../units/builtin.js';
import { parsePeriodArg } from '../../util/period.js';

/** Words that open a unit's name; inside a sentence they are written in lower case (Nghị định 30, Phụ lục II). */
const UNIT_TYPES = ['Thành phố', 'Thị xã', 'Thị trấn', 'Đặc khu', 'Huyện', 'Quận', 'Phường', 'Xã', 'Tỉnh'];

/** Each type word with its lower case, computed once: ICU's lower-casing per name and type was ~0,1 s of a report. */
const TYPE_WORDS = UNIT_TYPES.map((t) => ({ t, lower: t.toLocaleLowerCase('vi') }));

/** splitType's answers, by name: a report asks for the same units' types for many of its sentences. */
const splitByName = new Map<string, { type: string | null; rest: string }>();
const SPLITS_KEPT = 20_000;

function splitType(name: string): { readonly type: string | null; readonly rest: string } {
  let split = splitByName.get(name);
  if (!split) {
    if (splitByName.size >= SPLITS_KEPT) splitByName.clear();
    splitByName.set(name, (split = splitTypeOf(name)));
  }
  return split;
}

function splitTypeOf(name: string): { type: string | null; rest: string } {
  let lower: string | undefined;
  for (const { t, lower: type } of TYPE_WORDS)
    if (name.startsWith(`${t} `) || (lower ??= name.toLocaleLowerCase('vi')).startsWith(`${type} `))
      return { type, rest: name.slice(t.length + 1) };
  return { type: null, rest: name };
}

/** "Huyện Ea Súp" → "huyện Ea Súp" inside a sentence. */
export function inSentence(name: string): string {
  const { type, rest } = splitType(name);
  return type ? `${type} ${rest}` : name;
}

/** "A, B và C". */
export function joinVi(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} và ${items[items.length - 1]}`;
}

/**
 * Unit names as a sentence says them, the same kind gathered: "thành phố Buôn Ma Thuột, thị xã Buôn Hồ và các
 * huyện Ea H'Leo, Buôn Đôn". With `plural` false every name keeps its own type word.
 */
export function unitList(names: string[], plural = true): string {
  if (!plural) return joinVi(names.map(inSentence));
  const groups = new Map<string, string[]>();
  for (const n of names) {
    const { type, rest } = splitType(n);
    const key = type ?? '';
    const group = groups.get(key); // added to in place: a copy per name was quadratic (300 communes in one line)
    if (group) group.push(type ? rest : n);
    else groups.set(key, [type ? rest : n]);
  }
  const parts = [...groups.entries()].map(([type, rests]) =>
    !type ? rests.join(', ') : rests.length === 1 ? `${type} ${rests[0]}` : `các ${type} ${rests.join(', ')}`,
  );
  return joinVi(parts);
}

const CHILD_UNITS: Record<string, string> = { Tỉnh: 'tỉnh, thành phố', Huyện: 'đơn vị cấp huyện', Xã: 'đơn vị cấp xã' };

export interface LevelWords {
  whole: string;
  children: string;
  childUnits: string;
}

/** Level words computed from the roll-up: "toàn tỉnh", the units below ("đơn vị cấp huyện"). */
export function levelWords(rollup: Rollup): LevelWords {
  const { type } = splitType(rollup.root.name);
  // The unit list's words when consolidate recorded them (root level, edition of the period); else from the name.
  const whole =
    rollup.scope?.words ??
    (type
      ? `toàn ${type}`
      : rollup.root.name.toLocaleLowerCase('vi').startsWith('toàn')
        ? rollup.root.name.toLocaleLowerCase('vi')
        : 'toàn địa bàn');
  const childLevel = rollup.units.find((u) => u.parent === rollup.root.code)?.level ?? '';
  const childUnits = CHILD_UNITS[childLevel] ?? 'đơn vị';
  const children =
    childLevel === 'Huyện' ? 'huyện, thị xã, thành phố' : childLevel === 'Xã' ? communeWord(rollup) : childUnits;
  return { whole, children, childUnits };
}

/** The commune level's words in the unit list of the period (the district level ended on 1/7/2025). */
export function communeWord(rollup: Pick<Rollup, 'period' | 'scope'>): string {
  // A roll-up written before `scope` existed: the built-in unit list of its period says it.
  return rollup.scope?.communeTypes ?? editionForPeriod(parsePeriodArg(rollup.period)).communeTypes;
}

const nameLines = (v: string | string[] | null | undefined): string[] => (v == null ? [] : Array.isArray(v) ? v : [v]);

/** The issuer's name as printed in the header, line by line. */
export function agencyLines(config: Config): string[] {
  return nameLines(config.agency.name);
}

/** The superior's lines; [] for an issuer without one (`"superior": null`); undefined when not given. */
export function superiorLines(config: Config): string[] | undefined {
  if (config.agency.superior === undefined) return undefined;
  return nameLines(config.agency.superior);
}

const titleWord = (w: string) => w.charAt(0).toLocaleUpperCase('vi') + w.slice(1);

/**
 * The issuer's name inside a sentence: "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI" → "Sở Lao động - Thương binh và Xã
 * hội"; the agency word and the first word of each field upper case (Nghị định 30, Phụ lục II). `nameInText` wins.
 */
export function agencyInText(config: Config): string | null {
  if (config.agency.nameInText) return config.agency.nameInText;
  const lines = agencyLines(config);
  if (!lines.length) return null;
  const name = lines.join(' ').replace(/\s+/g, ' ').trim();
  if (name !== name.toLocaleUpperCase('vi')) return name;
  const words = name.toLocaleLowerCase('vi').split(' ');
  const ubnd = /^(ủy|uỷ) ban nhân dân /.exec(words.slice(0, 4).join(' ') + ' ');
  if (ubnd) {
    // "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK": the level word lower case, the place name in title case.
    const [level, ...place] = words.slice(4);
    return ['Ủy ban nhân dân', level, ...place.map(titleWord)].filter(Boolean).join(' ');
  }
  return words
    .map((w, i) => {
      const prev = words[i - 1];
      const capital =
        i === 0 || i === 1 || prev === '-' || prev === '–' || prev === 'và' || (prev?.endsWith(',') ?? false);
      return capital ? titleWord(w) : w;
    })
    .join(' ');
}

/** The type words of some units, in the order of `order` ("xã, phường, đặc khu"); others after it. */
function typesOf(names: string[], order: string[]): string[] {
  const present = new Set(names.map((n) => splitType(n).type).filter((t): t is string => !!t));
  return [...order.filter((t) => present.has(t)), ...[...present].filter((t) => !order.includes(t))];
}

/** The commune level's words for the types the province actually has: "xã, phường" where it has no đặc khu. */
export function presentCommuneWord(rollup: Rollup): string {
  const listed = communeWord(rollup);
  const parents = new Set(rollup.units.map((u) => u.parent));
  const names = rollup.units.filter((u) => u.code !== rollup.root.code && !parents.has(u.code)).map((u) => u.name);
  const types = typesOf(names, listed.split(/,\s*/));
  return types.length ? types.join(', ') : listed;
}

/**
 * Who did what the roll-up counts, from the data: the People's Committees of the units that reported (their types
 * as present), and the province's own bodies when the roll-up carries the province's own submission.
 */
export function actors(rollup: Rollup): string {
  const tops = rollup.units.filter((u) => u.parent === rollup.root.code && u.source !== 'missing');
  const order = ['huyện', 'quận', 'thị xã', 'thành phố', ...communeWord(rollup).split(/,\s*/)];
  const types = typesOf(
    tops.map((u) => u.name),
    order,
  );
  const local =
    tops.length === 1
      ? `Ủy ban nhân dân ${inSentence(tops[0]!.name)}`
      : types.length
        ? `Ủy ban nhân dân các ${types.join(', ')}`
        : 'các địa phương';
  return ownSubmission(rollup) ? `các sở, ban, ngành, Hội Liên hiệp Phụ nữ tỉnh và ${local}` : local;
}

/** The province's own submission ("Cơ quan, đơn vị cấp tỉnh") is in the roll-up: an accepted file of the root itself. */
export function ownSubmission(rollup: Rollup): boolean {
  return rollup.files.some(isOwnFile(rollup));
}

const isOwnFile = (rollup: Rollup) => (f: Rollup['files'][number]) =>
  f.status === 'accepted' && f.unit === rollup.root.code;

/**
 * The roll-up as the report reads it: of its files, only those `ownSubmission` looks at (the report reads no other).
 * What the CLI sends to its report thread: a country's list of files, every warning included, is tens of MB to copy.
 */
export function forReport(rollup: Rollup): Rollup {
  return { ...rollup, files: rollup.files.filter(isOwnFile(rollup)) };
}
