import type { Measure } from './catalogue/catalogue.js';

/** Where a value was read: sheet name as written in the file and an A1 address. */
export interface CellRef {
  sheet: string;
  cell: string;
}

export type Severity = 'error' | 'warning';

/** One finding about a file: a rule id that never changes, and a Vietnamese message saying where and what to do. */
export interface Issue {
  rule: string;
  severity: Severity;
  sheet?: string;
  cell?: string;
  indicator?: string;
  value?: number | string | null;
  message: string;
}

/** A figure as read from one cell. `value` null means "no data"; `invalid` marks a cell whose text could not be read. */
export interface CellValue {
  value: number | null;
  ref: CellRef;
  /** What the person typed, when it was text (kept for messages). */
  text?: string;
  invalid?: boolean;
  /** "không phát sinh" (or KPS): reported, adds 0 (form-2026.md §4). */
  kps?: true;
}

export interface IndicatorRow {
  code: string;
  ref: CellRef;
  cells: Partial<Record<Measure, CellValue>>;
  note: string | null;
}

export type PeriodKind = 'year' | 'half' | 'nine' | 'quarter';

export interface Period {
  /** "2024" for a year, "2024-H1" for the first six months, "2026-M9" for nine months, "2026-Q3" for a quarter. */
  id: string;
  year: number;
  kind: PeriodKind;
  /** 1–4 for a quarter. */
  quarter?: number;
  /** Vietnamese label: "Năm 2024", "6 tháng đầu năm 2024". */
  label: string;
}

export interface SubmissionInfo {
  unitCode: string | null;
  unitName: string | null;
  period: Period | null;
  version: string | null;
  preparedBy: string | null;
  phone: string | null;
  preparedOn: string | null;
  head: string | null;
  /** `Phạm vi số liệu`: "Cơ quan, đơn vị cấp tỉnh" on the province's own submission (form-2026.md §5). */
  scope: string | null;
  /** `Cơ quan lập biểu`: the province-level body that filled an own submission. */
  agency: string | null;
  /** A summary written by `consolidate` (Additions): "7/8", the commune-level codes it includes, its run id, "bdg x.y.z". */
  coverage: string | null;
  coveredUnits: string | null;
  runId: string | null;
  madeBy: string | null;
}

/** The narrative labels of the Thuyết minh sheet, in report order. */
export const NARRATIVE_LABELS = {
  highlights: 'Kết quả nổi bật',
  goodPractices: 'Mô hình, cách làm hay',
  difficulties: 'Khó khăn, hạn chế',
  causes: 'Nguyên nhân',
  proposals: 'Kiến nghị, đề xuất',
  nextPeriod: 'Phương hướng, nhiệm vụ kỳ tới',
} as const;
export type NarrativeKey = keyof typeof NARRATIVE_LABELS;
export type Narrative = Partial<Record<NarrativeKey, string>>;

/** A workbook as read: who, when, the figures by indicator code with their cells, and the words. */
export interface Submission {
  file: string;
  info: SubmissionInfo;
  infoRefs: Partial<Record<keyof SubmissionInfo, CellRef>>;
  rows: Map<string, IndicatorRow>;
  narrative: Narrative;
}

/** Plain figures by indicator code, as rolled up and written out. A missing breakdown key = not applicable. */
export type Figure = Partial<Record<Measure, number | null>> & {
  /** Every figure behind the total was "không phát sinh": the total is 0 and the report says so (form-2026.md §4). */
  kps?: true;
};
export type Figures = Record<string, Figure>;

export interface UnitRef {
  code: string;
  name: string;
}

/** What became of one file found in a consolidated folder. */
export interface FileOutcome {
  path: string;
  unit: string | null;
  status: 'accepted' | 'rejected' | 'ignored' | 'superseded';
  reason?: string;
  /** For `superseded`: the path of the file used instead. */
  supersededBy?: string;
  errors?: Issue[];
  warnings?: Issue[];
  /** `Ngày lập` of the file (ISO yyyy-mm-dd), when given. */
  preparedOn?: string | null;
  /** The form edition the file was filled in (`Phiên bản biểu mẫu`), when it could be read. */
  edition?: string;
  /** When the file's edition is not the roll-up's: the edition it was converted from (its own). */
  convertedFrom?: string;
  /** Codes of the file's edition that held figures and could not be converted (split, retired). */
  notConverted?: string[];
  /** Codes of the roll-up's edition the converted file lacks (new): the unit counts as not reporting them. */
  lacking?: string[];
}

/** A rolled-up figure: sums of the units below, and how many of them reported it. */
export type TotalFigure = Figure & { reported: number; expected: number };

export interface RatioValue {
  id: string;
  name: string;
  numerator: number | null;
  denominator: number | null;
  /** numerator ÷ denominator, or null ("không xác định") when either is missing or the denominator is 0. */
  value: number | null;
  /** Percent target for the period's year (Nghị quyết 28), if any, and whether it is met. */
  target: number | null;
  met: boolean | null;
  partial: boolean;
}

export interface UnitFigures {
  code: string;
  name: string;
  level: string;
  parent: string | null;
  /** `file` when the unit's own submission was read, `rollup` when summed from its children, `missing` otherwise. */
  source: 'file' | 'rollup' | 'missing';
  values: Figures;
  /** Per indicator, how many children reported it / were expected (roll-up units only). */
  coverage?: Record<string, { reported: number; expected: number }>;
}

/** The root's level and the words the report uses for it, derived from data (data/units/). */
export interface RollupScope {
  /** The root's level: "Quốc gia", "Tỉnh", "Huyện" or "Xã". */
  level: string;
  /** The root's type, the first word(s) of its name: "Tỉnh", "Thành phố", "Huyện", "Thị xã", "Xã"… */
  type: string;
  /** "toàn tỉnh", "toàn huyện", "toàn xã", "toàn quốc". */
  words: string;
  /** The commune level as the period's list names it: "xã, phường, thị trấn" before 1/7/2025, "xã, phường, đặc khu" after. */
  communeTypes: string;
  /** How the root was chosen: `--root`, the smallest unit containing every accepted file, or the root of a province's own list. */
  rootChosenBy: 'option' | 'files' | 'list';
  /** The unit list used: a built-in edition ("2024", "2025"), or null for a province's own list. */
  unitsEdition: string | null;
  /** The list, named for a person: "danh mục đơn vị hành chính từ 1/7/2025 (có sẵn trong bdg)". */
  unitList: string;
}

/** A unit received through a partial summary: how many units one level below it it covers, and the communes it lacks. */
export interface PartialUnit extends UnitRef {
  reported: number;
  expected: number;
  missing: UnitRef[];
}

/** The result of `consolidate`: its JSON (docs/json.md, "consolidate --json") plus what the report needs. */
export interface Rollup {
  /** The id shared by every output of one run (JSON, summary workbook, DOCX). */
  runId?: string;
  root: UnitRef;
  period: string;
  periodLabel: string;
  /** The form edition the figures are in (catalogue/editions.csv); `catalogueVersion` says the same for older readers. */
  edition?: string;
  catalogueVersion: string;
  generatedAt: string;
  completeness: {
    expected: number;
    received: number;
    missing: UnitRef[];
    /** Units whose file is dated after the configured deadline. */
    late: (UnitRef & { preparedOn: string })[];
    /** Units whose figures came from a summary that does not cover every commune-level unit under them. */
    partial: PartialUnit[];
  };
  files: FileOutcome[];
  totals: Record<string, TotalFigure>;
  /**
   * The programme's area its rows were expected from (form-2026.md §6): the config's list, or, without one, the
   * communes that filled any of its figures; `communes` of them are under the root.
   */
  programmeArea?: {
    source: 'config' | 'units' | 'filled';
    communes: number;
    /** The area's communes, when the unit list's column gave them (the config's list is in the config). */
    codes?: string[];
    /** Communes outside the configured area that reported its figures above 0: not added to the totals. */
    outside?: { code: string; name: string; figures: Record<string, number> }[];
  };
  /**
   * The days the period covers when the config sets a cut-off (`cutoff`, catalogue/cutoffs.csv): "nd09" counts Năm
   * 2026 from 2025-12-15 to 2026-12-14. Absent: calendar months. The period's label is the same either way.
   */
  periodDates?: { cutoff: string; from: string; to: string; name: string };
  /** The province's own submissions added to the totals (form-2026.md §5), one per agency; absent before 2026. */
  provinceOwn?: { file: string; agency: string | null }[];
  ratios: RatioValue[];
  /** Number of commune-level units under the root (for "x/y xã"). */
  communes: number;
  /** What the root is and what the report calls things, from the unit list and the period (absent in older roll-ups). */
  scope?: RollupScope;
  units: UnitFigures[];
  narratives: { unit: UnitRef; narrative: Narrative }[];
}
