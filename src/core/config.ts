import * as z from 'zod';
import { UsageError } from './errors.js';
import { cutoffs, findCutoff } from './catalogue/cutoffs.js';

/** The defaults of the fields that have one, which the schema gives and EMPTY_CONFIG holds. */
const DEFAULTS = { coverageForVerdict: 0.9, issuer: 'so', quoteLines: 15 } as const;

const ISSUERS = ['so', 'ubnd', 'hoi-phu-nu'] as const;

/** The issuing agency's lines, at the top of the config and in an issuer's own part. */
const agencyShape = () => ({
  /**
   * Cơ quan chủ quản: "UBND TỈNH ĐẮK LẮK", or its lines as a list; null for an issuer with no superior
   * (UBND tỉnh itself).
   */
  superior: z.union([z.string().min(1), z.array(z.string().min(1)).min(1), z.null()]).optional(),
  /** Cơ quan ban hành: "SỞ NỘI VỤ", or its lines as printed: ["SỞ LAO ĐỘNG – THƯƠNG BINH", "VÀ XÃ HỘI"]. */
  name: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /** The name as written inside a sentence: "Sở Lao động – Thương binh và Xã hội"; derived from `name` when missing. */
  nameInText: z.string().min(1).optional(),
  /** Chữ viết tắt in the document symbol: "SNV" → "Số: 05/BC-SNV". */
  symbol: z.string().min(1).optional(),
});

/** Who signs, at the top of the config and in an issuer's own part. */
const signerShape = () => ({
  /** Thẩm quyền ký: "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN". */
  prefix: z.string().min(1).optional(),
  /** Chức vụ: "PHÓ GIÁM ĐỐC". */
  title: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
});

const documentNumber = () => z.union([z.number().int().positive(), z.string().min(1)]).optional();

/**
 * What differs when another issuer signs the same roll-up: {"ubnd": {"signer": {"name": "…"}, "documentNumber": 8},
 * "hoi-phu-nu": {"agency": {"superior": "HỘI LHPN VIỆT NAM"}}}. Header, number, date, recipients, signer and
 * distribution are the issuer's own; what is not given is derived from the province's name or left blank.
 */
const issuersSchema = () =>
  z
    .partialRecord(
      z.enum(ISSUERS),
      z
        .object({
          agency: z.object(agencyShape()).strict().optional(),
          signer: z.object(signerShape()).strict().optional(),
          documentNumber: documentNumber(),
          documentDate: z.iso.date().optional(),
          recipients: z.array(z.string().min(1)).optional(),
          distribution: z.array(z.string().min(1)).optional(),
          archive: z.string().min(1).optional(),
          basis: z.array(z.string().min(1)).optional(),
        })
        .strict(),
    )
    .optional();

/**
 * Kế hoạch giao: indicator code → the figure assigned. A bare number is the year's plan ({"DA8.01": 40}); a
 * phase target says its phase: {"DA8.01": {"value": 312, "for": "giai đoạn 2021–2025"}}.
 */
const planSchema = () =>
  z
    .record(
      z.string().regex(/^[A-Z0-9]+\.\d{2}$/),
      z.union([
        z.number().nonnegative(),
        z.object({ value: z.number().nonnegative(), for: z.string().min(1) }).strict(),
      ]),
    )
    .default({});

/**
 * What a province sets once (README, "Tệp cấu hình"). Every field is optional: a missing one is printed in the
 * report as a visible blank to fill, never invented.
 */
const makeConfigSchema = () =>
  z
    .object({
      /** The unit list (danh mục đơn vị hành chính), relative to the config file. */
      units: z.string().min(1).optional(),
      agency: z.object(agencyShape()).strict().default({}),
      /**
       * Căn cứ: the plans and letters the report answers, cited in its opening ("Kế hoạch số 25/KH-UBND ngày
       * 12/02/2024 của Ủy ban nhân dân tỉnh về …", "Công văn số 458/BNV-BĐG ngày … của Bộ Nội vụ về việc báo cáo …").
       */
      basis: z.array(z.string().min(1)).default([]),
      /** The programme Project 8 belongs to, as the province names it; the national programme's name when missing. */
      programme: z.string().min(1).optional(),
      plan: planSchema(),
      /** Share of the units that must report a figure below which no verdict (đạt / chưa đạt, % of plan) is printed. */
      coverageForVerdict: z.number().min(0).max(1).default(DEFAULTS.coverageForVerdict),
      /** Communes of Project 8's area, by year of the period ({"2026": ["25174", …]}); its indicators count these. */
      programmeArea: z.record(z.string().regex(/^\d{4}$/), z.array(z.string().min(1))).optional(),
      /** Cơ quan chủ trì of the programme, to whom requests about programme money go ("Trung ương Hội LHPN Việt Nam"). */
      programmeLead: z.string().min(1).optional(),
      /** Who issues the report: the Sở (default), the provincial People's Committee, or the provincial Women's Union. */
      issuer: z.enum(ISSUERS).default(DEFAULTS.issuer),
      issuers: issuersSchema(),
      /** Units' quotes beyond this many lines in one part go to an annex, the body keeping a pointer to it. */
      quoteLines: z.number().int().positive().default(DEFAULTS.quoteLines),
      /** Địa danh in the date line: "Đắk Lắk". */
      place: z.string().min(1).optional(),
      documentNumber: documentNumber(),
      /** Ngày ban hành, yyyy-mm-dd; when missing the date line is left blank to fill. */
      documentDate: z.iso.date().optional(),
      /** Kính gửi. */
      recipients: z.array(z.string().min(1)).default([]),
      signer: z.object(signerShape()).strict().default({}),
      /** Nơi nhận, one line each without the leading "- " and trailing ";". */
      distribution: z.array(z.string().min(1)).default([]),
      /** Lưu: "VT, BĐG". */
      archive: z.string().min(1).optional(),
      /**
       * How the period's days are counted (form-2026.md §7): "calendar" (default) or "nd09" (from the 15th of the month
       * before to the 14th), as catalogue/cutoffs.csv defines them. The report says the dates; labels do not change.
       */
      cutoff: z.string().min(1).optional(),
      /** Hạn nộp báo cáo, yyyy-mm-dd: files whose `Ngày lập` is after it are listed as late. */
      deadline: z.iso.date().optional(),
    })
    .strict();

let schema: ReturnType<typeof makeConfigSchema> | undefined;

/** The config's schema, made on first use: zod builds its ~40 parts at once, ~20 ms of every start without a config. */
export function configSchema(): ReturnType<typeof makeConfigSchema> {
  return (schema ??= makeConfigSchema());
}

export type Config = z.infer<ReturnType<typeof makeConfigSchema>> & { unitsPath?: string };

/** The config of a province that set nothing: what the schema makes of `{}` (test/report.test.ts checks it). */
export const EMPTY_CONFIG: Config = {
  agency: {},
  basis: [],
  plan: {},
  ...DEFAULTS,
  recipients: [],
  signer: {},
  distribution: [],
};

/** Checks a config file's text; any problem is a UsageError (exit 2) naming the field. `units` stays as written. */
export function parseConfig(text: string, file: string): Config {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new UsageError(`tệp cấu hình "${file}" không phải JSON hợp lệ: ${(err as Error).message}`);
  }
  const parsed = configSchema().safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(gốc)'}: ${i.message}`);
    throw new UsageError(`tệp cấu hình "${file}" có lỗi:\n${lines.join('\n')}`);
  }
  const cutoff = parsed.data.cutoff;
  if (cutoff !== undefined && !findCutoff(cutoff)) {
    const known = cutoffs().map((c) => `"${c.id}" (${c.name})`);
    throw new UsageError(
      `tệp cấu hình "${file}" có lỗi:\n  - cutoff: "${cutoff}" không có; dùng ${known.join(' hoặc ')}`,
    );
  }
  return parsed.data;
}

/** The fields the report's header and closing print, with what each is, in the order they appear on the page. */
const PRINTED_FIELDS: [string, string, (c: Config) => unknown][] = [
  ['agency.superior', 'cơ quan chủ quản', (c) => c.agency.superior],
  ['agency.name', 'tên cơ quan ban hành', (c) => c.agency.name],
  ['agency.symbol', 'chữ viết tắt trong số ký hiệu', (c) => c.agency.symbol],
  ['documentNumber', 'số văn bản', (c) => c.documentNumber],
  ['place', 'địa danh', (c) => c.place],
  ['documentDate', 'ngày ban hành', (c) => c.documentDate],
  ['recipients', 'Kính gửi', (c) => (c.recipients.length ? c.recipients : undefined)],
  ['basis', 'văn bản căn cứ', (c) => (c.basis.length ? c.basis : undefined)],
  ['signer.title', 'chức vụ người ký', (c) => c.signer.title],
  ['signer.name', 'họ tên người ký', (c) => c.signer.name],
  ['distribution', 'Nơi nhận', (c) => (c.distribution.length ? c.distribution : undefined)],
  ['archive', 'Lưu', (c) => c.archive],
];

/**
 * The config fields the report needs and does not have: each is a highlighted blank in the DOCX, and the CLI and
 * the page say which ("agency.name (tên cơ quan ban hành)").
 */
export function emptyConfigFields(config: Config): string[] {
  return PRINTED_FIELDS.filter(([, , get]) => get(config) === undefined).map(([key, what]) => `${key} (${what})`);
}

/** One line for the CLI and the page, or null when nothing the report prints is missing. */
export function emptyConfigNotice(config: Config, fields: (c: Config) => string[] = emptyConfigFields): string | null {
  const empty = fields(config);
  if (!empty.length) return null;
  return `Tệp cấu hình chưa có ${empty.length} mục, để trống và tô vàng trong báo cáo để điền trước khi ký: ${empty.join(', ')}.`;
}

/** The config with `--issuer` applied; an unknown issuer is a UsageError naming the three. */
export function withIssuer(config: Config, issuer: string | undefined): Config {
  if (issuer === undefined) return config;
  const parsed = configSchema().shape.issuer.safeParse(issuer);
  if (!parsed.success)
    throw new UsageError(
      `--issuer "${issuer}" không hợp lệ: dùng so (Sở), ubnd (Ủy ban nhân dân tỉnh) hoặc hoi-phu-nu (Hội Liên hiệp Phụ nữ tỉnh).`,
    );
  return { ...config, issuer: parsed.data };
}
