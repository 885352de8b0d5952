import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Issue } from '../src/core/model.js';
import { checkSubmission, type CheckedFile } from '../src/core/validate/check-file.js';
import { annotateWorkbook, ERRORS_SHEET } from '../src/core/write/annotate.js';
import { DEFAULT_LIMITS } from '../src/core/read/limits.js';
import { bdg, ROOT } from './helpers/cli.js';
import { cellOf, figuresSheetXml, infoSheetXml, rawWorkbook } from './helpers/raw-xlsx.js';
import { tempDir } from './helpers/workbooks.js';
import { brokenFigures, excelLike, lyingWorkbook, MAIN, REL, STYLES } from './helpers/annotate-sources.js';

/**
 * The marked copy sent back to a unit (issue 18, points 2 and 3): made from files as every producer writes them
 * (raw XML in a zip, and the fixtures of LibreOffice and odd exporters), it must open in LibreOffice and openpyxl,
 * read back with bdg's reader as the same figures, and be made in one pass and within the reader's limits.
 */

const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';
const RED = 'FFFF7C80';

const PYTHON = '/usr/bin/python3';
const hasOpenpyxl = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import openpyxl']).status === 0;
const hasSoffice = existsSync('/usr/bin/soffice');

/** Replaces parts of a zip (raw XML as a producer wrote them). */
function withParts(zip: Uint8Array, parts: Record<string, string | null>): Uint8Array {
  const files = unzipSync(zip);
  for (const [name, text] of Object.entries(parts)) {
    if (text === null) delete files[name];
    else files[name] = strToU8(text);
  }
  return zipSync(files, { level: 6 });
}

const sheetsXml = (idAttr: (i: number) => string) =>
  ['Thông tin', 'Số liệu'].map((name, i) => `<sheet name="${name}" sheetId="${i + 1}" ${idAttr(i + 1)}/>`).join('');

/** openpyxl-like: the workbook root declares no `r`; each <sheet> declares it on itself; sheets declare none. */
function openpyxlLike(): Uint8Array {
  const data = figuresSheetXml({ figures: brokenFigures() }).replace(` xmlns:r="${REL}"`, '');
  return withParts(
    rawWorkbook({
      sheets: [
        { name: 'Thông tin', xml: infoSheetXml() },
        { name: 'Số liệu', xml: data },
      ],
      parts: { 'xl/styles.xml': STYLES },
    }),
    {
      'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}"><workbookPr/><bookViews><workbookView activeTab="1"/></bookViews><sheets>${sheetsXml((i) => `xmlns:r="${REL}" r:id="rId${i}"`)}</sheets><definedNames><definedName name="_xlnm.Print_Titles" localSheetId="1">'Số liệu'!$1:$1</definedName></definedNames></workbook>`,
    },
  );
}

/** Another prefix for relationships on the workbook, and `r` bound to something else in the sheet part. */
function otherPrefixes(): Uint8Array {
  const data = figuresSheetXml({ figures: brokenFigures() }).replace(
    ` xmlns:r="${REL}"`,
    ' xmlns:r="urn:example:not-relationships"',
  );
  return withParts(
    rawWorkbook({
      sheets: [
        { name: 'Thông tin', xml: infoSheetXml() },
        { name: 'Số liệu', xml: data },
      ],
      parts: { 'xl/styles.xml': STYLES },
    }),
    {
      'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:rel="${REL}"><sheets>${sheetsXml((i) => `rel:id="rId${i}"`)}</sheets></workbook>`,
    },
  );
}

/** Every part under a `x:` prefix for SpreadsheetML, the default namespace unused. */
function prefixedMain(): Uint8Array {
  const prefix = (xml: string) =>
    xml.replace(/<(\/?)(?!\?)([a-zA-Z]+)([\s>/])/g, '<$1x:$2$3').replace(` xmlns="${MAIN}"`, ` xmlns:x="${MAIN}"`);
  return withParts(
    rawWorkbook({
      sheets: [
        { name: 'Thông tin', xml: prefix(infoSheetXml()) },
        { name: 'Số liệu', xml: prefix(figuresSheetXml({ figures: brokenFigures() })) },
      ],
      parts: { 'xl/styles.xml': prefix(STYLES) },
    }),
    {
      'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8"?><x:workbook xmlns:x="${MAIN}" xmlns:r="${REL}"><x:sheets>${sheetsXml((i) => `r:id="rId${i}"`).replace(/<sheet /g, '<x:sheet ')}</x:sheets></x:workbook>`,
    },
  );
}

/** The workbook part is not at xl/workbook.xml: the package relationships name it. */
function workbookElsewhere(): Uint8Array {
  const files = unzipSync(excelLike());
  const moved: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(
      strFromU8(files['[Content_Types].xml']!)
        .replace('/xl/workbook.xml', '/book/main.xml')
        .replaceAll('/xl/worksheets/', '/book/s/'),
    ),
    '_rels/.rels': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="/book/main.xml"/></Relationships>`,
    ),
    'book/main.xml': files['xl/workbook.xml']!,
    'book/_rels/main.xml.rels': strToU8(
      strFromU8(files['xl/_rels/workbook.xml.rels']!)
        .replaceAll('worksheets/', 's/')
        .replace('Target="styles.xml"', 'Target="../xl/styles.xml"'),
    ),
    // Styles left at xl/styles.xml, reached by "../xl/styles.xml": openpyxl looks for them there whatever the package says.
    'xl/styles.xml': files['xl/styles.xml']!,
    'book/s/sheet1.xml': files['xl/worksheets/sheet1.xml']!,
    'book/s/sheet2.xml': files['xl/worksheets/sheet2.xml']!,
  };
  return zipSync(moved, { level: 6 });
}

interface Producer {
  name: string;
  bytes: Uint8Array;
  /** Read by bdg's reader (a workbook part elsewhere than xl/workbook.xml is not, on this branch). */
  readable: boolean;
}

const fixture = (path: string): Producer => ({
  name: path,
  bytes: new Uint8Array(readFileSync(join(ROOT, path))),
  readable: true,
});

const PRODUCERS: Producer[] = [
  { name: 'Excel-like (r on the root)', bytes: excelLike(), readable: true },
  { name: 'openpyxl-like (r declared on each sheet)', bytes: openpyxlLike(), readable: true },
  { name: 'another prefix for relationships, r bound elsewhere', bytes: otherPrefixes(), readable: true },
  { name: 'SpreadsheetML under the x: prefix', bytes: prefixedMain(), readable: true },
  { name: 'workbook part found via _rels/.rels', bytes: workbookElsewhere(), readable: false },
  ...readdirSync(join(ROOT, 'fixtures/libreoffice')).map((f) => fixture(`fixtures/libreoffice/${f}`)),
  ...readdirSync(join(ROOT, 'fixtures/odd')).map((f) => fixture(`fixtures/odd/${f}`)),
];

/**
 * Problems to mark: the file's own, else (a valid file) one on its DA8.05 Nữ cell as bdg read it and one past the
 * data (a cell and a row the file does not have).
 */
function problemsOf(checked: CheckedFile): Issue[] {
  const own = [...checked.errors, ...checked.warnings].filter((i) => !i.rule.startsWith('file-'));
  if (own.some((i) => i.cell)) return own;
  const nu = checked.submission?.rows.get('DA8.05')?.cells.nu?.ref ?? {
    sheet: 'Số liệu',
    cell: cellOf('DA8.05', 'nu'),
  };
  return [
    ...own,
    {
      rule: 'breakdown-exceeds-total',
      severity: 'error',
      sheet: nu.sheet,
      cell: nu.cell,
      message: 'Ô kiểm tra: số Nữ lớn hơn Tổng số.',
    },
    {
      rule: 'value-above-reference',
      severity: 'warning',
      sheet: 'Số liệu',
      cell: 'K300',
      message: 'Ô kiểm tra ngoài vùng dữ liệu.',
    },
  ];
}

const dir = tempDir('bdg-annotate-');
const made: { producer: Producer; path: string; issues: Issue[]; marked: Issue }[] = [];

beforeAll(async () => {
  for (const producer of PRODUCERS) {
    const checked = await checkSubmission(producer.bytes, basename(producer.name));
    const issues = problemsOf(checked);
    const copy = annotateWorkbook(producer.bytes, issues, { file: `${made.length}.xlsx` });
    if (!copy.ok) throw new Error(`${producer.name}: no copy (${copy.reason})`);
    const path = join(dir, `${made.length}.xlsx`);
    writeFileSync(path, copy.bytes);
    made.push({ producer, path, issues, marked: issues.find((i) => i.cell)! });
  }
}, 120_000);

describe('the marked copy of a file from every producer', () => {
  it.each(PRODUCERS.filter((p) => p.readable).map((p) => [p.name, p] as const))(
    '%s: reads back with bdg as the same figures and problems',
    async (_name, producer) => {
      const { path, issues } = made.find((m) => m.producer === producer)!;
      const before = await checkSubmission(producer.bytes, 'x.xlsx');
      const after = await checkSubmission(new Uint8Array(readFileSync(path)), 'x.xlsx');
      expect(after.figures).toEqual(before.figures);
      if (before.submission) expect(after.figures).not.toBeNull();
      expect(after.errors.map((e) => `${e.rule}@${e.cell}`)).toEqual(before.errors.map((e) => `${e.rule}@${e.cell}`));
      expect(issues.length).toBeGreaterThan(0);
    },
  );

  it('adds no part under a prefix it does not declare: every added r:id has its namespace in scope', () => {
    for (const { path, producer } of made) {
      const files = unzipSync(new Uint8Array(readFileSync(path)));
      const workbook = Object.keys(files).find((k) => /(^xl\/workbook|^book\/main)\.xml$/.test(k))!;
      const wb = strFromU8(files[workbook]!);
      const listSheet = /<(?:\w+:)?sheet\b[^>]*name="Lỗi cần sửa"[^>]*\/>/.exec(wb)?.[0];
      expect(listSheet, producer.name).toBeDefined();
      const prefix = /\s(\w+):id="rIdBdg\d+"/.exec(listSheet!)![1]!;
      // Declared on the element itself, or on the root with the relationships namespace (strict or transitional).
      const declared = new RegExp(`xmlns:${prefix}="(${REL}|http://purl.oclc.org/ooxml/officeDocument/relationships)"`);
      expect(declared.test(listSheet!) || declared.test(wb.slice(0, wb.indexOf('>', wb.indexOf('workbook'))))).toBe(
        true,
      );
    }
  });

  it.skipIf(!hasOpenpyxl)(
    'opens in openpyxl: the list sheet first and active, the marked cell red with its comment',
    () => {
      // openpyxl cannot open Strict files at all (the original neither): those are left out, by name.
      const script = `
import json, sys, unicodedata, openpyxl
out = []
for source, path, sheet, cell, light in json.loads(sys.argv[1]):
    try:
        openpyxl.load_workbook(source, read_only=light)
    except Exception:
        out.append(None)
        continue
    wb = openpyxl.load_workbook(path, read_only=light)
    if light:
        out.append({"sheets": wb.sheetnames, "active": wb.active.title, "fill": None, "comment": None, "figures": []})
        continue
    ws = next((w for w in wb.worksheets if unicodedata.normalize("NFC", w.title) == sheet), None)
    if ws is None:
        out.append({"sheets": wb.sheetnames, "active": wb.active.title, "fill": None, "comment": None, "figures": []})
        continue
    c = ws[cell]
    out.append({"sheets": wb.sheetnames, "active": wb.active.title, "fill": c.fill.fgColor.rgb, "comment": c.comment.text if c.comment else None,
                "figures": [ws.cell(row=r, column=5).value for r in range(2, 12)] if sheet == "Số liệu" else []})
print(json.dumps(out))`;
      const jobs = made.map((m, k) => {
        const source = join(dir, `source-${k}.xlsx`);
        writeFileSync(source, m.producer.bytes);
        // The fixture of a million empty rows takes openpyxl minutes unless read-only (no styles then): opened so.
        return [source, m.path, m.marked.sheet, m.marked.cell, m.producer.name.includes('trieu-dong')];
      });
      const r = spawnSync(PYTHON, ['-c', script, JSON.stringify(jobs)], { encoding: 'utf8' });
      expect(r.stderr.replace(/.*UserWarning.*\n.*warn\(.*\n?/g, '')).not.toMatch(/Error|Traceback/);
      const results = JSON.parse(r.stdout) as ({
        sheets: string[];
        active: string;
        fill: string;
        comment: string | null;
        figures: unknown[];
      } | null)[];
      expect(made.filter((_, k) => !results[k]).map((m) => m.producer.name)).toEqual(['fixtures/odd/strict.xlsx']);
      results.forEach((res, k) => {
        const m = made[k]!;
        if (!res) return;
        expect(res.sheets[0], m.producer.name).toBe(ERRORS_SHEET);
        expect(res.active, m.producer.name).toBe(ERRORS_SHEET);
        // Sheets named in TCVN3 ("Sè liÖu"): a problem on "Số liệu" is listed, no cell of theirs is marked.
        if (m.producer.name.includes('tcvn3') || m.producer.name.includes('trieu-dong'))
          return expect(res.fill).toBeNull();
        expect(res.fill, m.producer.name).toBe(m.marked.severity === 'error' ? RED : 'FFFFE699');
        expect(res.comment ?? '', m.producer.name).toContain(m.marked.message);
      });
      // The workbook the reader does not open (found via _rels/.rels) keeps its figures: read with openpyxl.
      const elsewhere = results[made.findIndex((m) => !m.producer.readable)]!;
      expect(elsewhere.sheets).toEqual([ERRORS_SHEET, 'Thông tin', 'Số liệu']);
      expect(elsewhere.figures.slice(0, 4)).toEqual([12, 4, 96, 45]);
    },
  );

  it.skipIf(!hasSoffice)('opens in LibreOffice, which shows the list sheet', { timeout: 300_000 }, () => {
    const out = join(dir, 'csv');
    mkdirSync(out, { recursive: true });
    const r = spawnSync(
      '/usr/bin/soffice',
      [
        `-env:UserInstallation=file://${join(dir, 'lo-profile')}`,
        '--headless',
        '--convert-to',
        'csv:Text - txt - csv (StarCalc):44,34,76',
        '--outdir',
        out,
        ...made.map((m) => m.path),
      ],
      { encoding: 'utf8', timeout: 280_000 },
    );
    expect(r.status).toBe(0);
    for (const m of made) {
      const csv = readFileSync(join(out, basename(m.path).replace(/\.xlsx$/, '.csv')), 'utf8');
      expect(csv, m.producer.name).toContain(`Tệp ""${basename(m.path)}""`);
      expect(csv, m.producer.name).toContain(m.marked.message.replace(/"/g, '""'));
    }
  });
});

/** The cell formats of a copy's styles part, and the fill each uses. */
function fillOfStyle(files: Record<string, Uint8Array>, stylesPath = 'xl/styles.xml'): (s: number) => string | null {
  const styles = strFromU8(files[stylesPath]!);
  const fills = [
    ...styles
      .slice(styles.indexOf('<fills'), styles.indexOf('</fills>'))
      .matchAll(/<fill>([\s\S]*?)<\/fill>|<fill\/>/g),
  ].map((m) => /fgColor rgb="(\w+)"/.exec(m[1] ?? '')?.[1] ?? null);
  const xfs = [...styles.slice(styles.indexOf('<cellXfs'), styles.indexOf('</cellXfs>')).matchAll(/<xf\b[^>]*>/g)].map(
    (m) => Number(/fillId="(\d+)"/.exec(m[0])?.[1] ?? 0),
  );
  return (s) => fills[xfs[s]!] ?? null;
}

describe('marking in one pass, within the limits', () => {
  it(
    'styles 2.000 marked cells of a sheet of 200.000 cells in one pass: existing cells, new cells, new rows',
    { timeout: 120_000 },
    () => {
      // 200 rows × 1.000 columns of numbers, every one styled; marks on existing cells, on cells a row lacks (column
      // 1.001 on), and on rows the sheet lacks (past row 200), in no particular order.
      const col = (n: number) => {
        let s = '';
        for (let c = n; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
        return s;
      };
      const rows: string[] = [];
      for (let r = 1; r <= 200; r++) {
        let cells = '';
        for (let c = 1; c <= 1000; c++) cells += `<c r="${col(c)}${r}" s="1"><v>${r * c}</v></c>`;
        rows.push(`<row r="${r}">${cells}</row>`);
      }
      const sheet = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>${rows.join('')}</sheetData></worksheet>`;
      const bytes = rawWorkbook({
        sheets: [
          { name: 'Thông tin', xml: infoSheetXml() },
          { name: 'Số liệu', xml: sheet },
        ],
        parts: { 'xl/styles.xml': STYLES },
      });
      const issues: Issue[] = [];
      const at = (ref: string, severity: 'error' | 'warning' = 'error') =>
        issues.push({
          rule: 'breakdown-exceeds-total',
          severity,
          sheet: 'Số liệu',
          cell: ref,
          message: `Ô ${ref} sai.`,
        });
      // 1.900 distinct existing cells: ten per row over rows 1–190, spread over the columns.
      const existing = (k: number) =>
        `${col(1 + (((k % 10) * 97 + Math.floor(k / 10)) % 1000))}${1 + Math.floor(k / 10)}`;
      for (let k = 0; k < 1900; k++) at(existing(k), k % 3 ? 'error' : 'warning');
      for (let k = 0; k < 50; k++) at(`${col(1001 + k)}${1 + k * 4}`);
      for (let k = 0; k < 50; k++) at(`B${250 + k * 2}`, 'warning');
      const marked = new Set(issues.map((i) => i.cell));
      expect(marked.size).toBe(2000);
      const copy = annotateWorkbook(bytes, issues, { file: 'lon.xlsx' });
      if (!copy.ok) throw new Error(copy.reason);
      const files = unzipSync(copy.bytes);
      const xml = strFromU8(files['xl/worksheets/sheet2.xml']!);
      const fill = fillOfStyle(files);
      const styleOf = (ref: string) => {
        const tags = [...xml.matchAll(new RegExp(`<c r="${ref}"[^>]*>`, 'g'))];
        expect(tags.length, ref).toBe(1);
        return Number(/\ss="(\d+)"/.exec(tags[0]![0])![1]);
      };
      // k = 0 (a warning), 1 and 2 (errors); an unmarked neighbour; a cell added to a row; a row added.
      expect(existing(0)).toBe('A1');
      expect(fill(styleOf('A1'))).toBe('FFFFE699');
      expect(fill(styleOf(existing(1)))).toBe(RED);
      expect(fill(styleOf(existing(1897)))).toBe(RED);
      expect(fill(styleOf(existing(1899)))).toBe('FFFFE699');
      expect(marked.has('A2')).toBe(false);
      expect(styleOf('A2')).toBe(1);
      expect(fill(styleOf('ALM1'))).toBe(RED);
      expect(fill(styleOf('ALN5'))).toBe(RED);
      expect(fill(styleOf('B250'))).toBe('FFFFE699');
      // Cells stay in column order within their row, rows in order, the values as they were.
      const row1 = /<row r="1">([\s\S]*?)<\/row>/.exec(xml)![1]!;
      expect(row1.indexOf('r="ALL1"')).toBeLessThan(row1.indexOf('r="ALM1"'));
      expect(xml.indexOf('<row r="200">')).toBeLessThan(xml.indexOf('<row r="250">'));
      expect(xml).toContain(`<c r="ALL200" s="1"><v>${200 * 1000}</v></c>`);
      // The comments hold every marked cell, the first 2.000 (MAX_MARKS) of them.
      const comments = strFromU8(files['xl/comments1.xml']!);
      expect([...comments.matchAll(/<comment ref=/g)].length).toBe(Math.min(2000, marked.size));
    },
  );

  it("keeps the unit's own comments: a cell that has one keeps it, the others get bdg's", async () => {
    const files = unzipSync(excelLike());
    files['xl/worksheets/sheet2.xml'] = strToU8(
      strFromU8(files['xl/worksheets/sheet2.xml']!).replace('</worksheet>', '<legacyDrawing r:id="rIdV"/></worksheet>'),
    );
    files['xl/worksheets/_rels/sheet2.xml.rels'] = strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG}"><Relationship Id="rIdC" Type="${REL}/comments" Target="../comments9.xml"/><Relationship Id="rIdV" Type="${REL}/vmlDrawing" Target="../drawings/vmlDrawing9.vml"/></Relationships>`,
    );
    const ownCell = cellOf('DA8.05', 'nu');
    files['xl/comments9.xml'] = strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><comments xmlns="${MAIN}"><authors><author>Chị Hoa</author></authors><commentList><comment ref="${ownCell}" authorId="0"><text><t>Số đã kiểm tra với sổ sách.</t></text></comment></commentList></comments>`,
    );
    files['xl/drawings/vmlDrawing9.vml'] = strToU8(
      '<xml xmlns:v="urn:schemas-microsoft-com:vml"><v:shape id="_x0000_s1025"/></xml>',
    );
    const source = zipSync(files);
    const checked = await checkSubmission(source, 'x.xlsx');
    const issues = [
      ...checked.errors,
      {
        rule: 'value-above-reference',
        severity: 'warning',
        sheet: 'Số liệu',
        cell: 'E2',
        message: 'Xem lại ô E2.',
      } as Issue,
    ];
    const copy = annotateWorkbook(source, issues, { file: 'x.xlsx' });
    if (!copy.ok) throw new Error(copy.reason);
    const out = unzipSync(copy.bytes);
    const comments = strFromU8(out['xl/comments9.xml']!);
    expect(comments).toContain('<author>Chị Hoa</author><author>bdg</author>');
    expect(comments).toContain(
      `<comment ref="${ownCell}" authorId="0"><text><t>Số đã kiểm tra với sổ sách.</t></text></comment>`,
    );
    expect(comments).toContain('<comment ref="E2" authorId="1">');
    expect(comments.match(new RegExp(`ref="${ownCell}"`, 'g'))).toHaveLength(1);
    expect(
      Object.keys(out)
        .filter((k) => /comments|vml/i.test(k))
        .sort(),
    ).toEqual(['xl/comments9.xml', 'xl/drawings/vmlDrawing9.vml']);
    expect(strFromU8(out['xl/drawings/vmlDrawing9.vml']!)).toContain('<x:Row>1</x:Row><x:Column>4</x:Column>');
    // The marked cell keeps the unit's comment and is still coloured.
    const fill = fillOfStyle(out);
    const tag = new RegExp(`<c r="${ownCell}" s="(\\d+)"`).exec(strFromU8(out['xl/worksheets/sheet2.xml']!))!;
    expect(fill(Number(tag[1]))).toBe(RED);
  });

  it('refuses to inflate past the byte budget: the copy is skipped, too large', () => {
    const bytes = excelLike();
    expect(
      annotateWorkbook(bytes, [], { file: 'x.xlsx', limits: { ...DEFAULT_LIMITS, maxUncompressedBytes: 2_000 } }),
    ).toEqual({ ok: false, reason: 'too-large' });
    expect(annotateWorkbook(bytes, [], { file: 'x.xlsx', limits: { ...DEFAULT_LIMITS, maxFileBytes: 100 } })).toEqual({
      ok: false,
      reason: 'too-large',
    });
    expect(annotateWorkbook(strToU8('not a zip'), [], { file: 'x.xlsx' })).toEqual({ ok: false, reason: 'unreadable' });
  });

  it('validate --annotate: a copy over the bounds is skipped with the reason, the errors still listed', () => {
    const lying = lyingWorkbook();
    const path = join(dir, 'noi-doi.xlsx');
    writeFileSync(path, lying);
    const copy = join(dir, 'noi-doi-danh-dau.xlsx');
    const r = bdg(['validate', path, '--annotate', copy]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('[breakdown-exceeds-total]');
    expect(r.stdout).toContain('Tệp CHƯA hợp lệ: sửa 1 lỗi');
    expect(r.stdout).toContain(
      'Không tạo bản đánh dấu lỗi: nội dung giải nén của tệp vượt giới hạn dung lượng; các lỗi của tệp vẫn được liệt kê. Gửi danh sách lỗi này cho đơn vị',
    );
    expect(r.stdout).toContain('[annotate-skipped]');
    expect(existsSync(copy)).toBe(false);
  });

  it('consolidate: the copy that cannot be made is named where it would have been, with the reason', () => {
    const folder = join(dir, 'tong-hop');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '655.xlsx'), lyingWorkbook());
    const info = infoSheetXml({ 'Mã đơn vị': '643', 'Tên đơn vị': 'Thành phố Buôn Ma Thuột' });
    const other = rawWorkbook({
      sheets: [
        { name: 'Thông tin', xml: info },
        { name: 'Số liệu', xml: figuresSheetXml() },
      ],
    });
    writeFileSync(join(folder, '643.xlsx'), other);
    const out = join(dir, 'tong-hop-out');
    const r = bdg(['consolidate', folder, '--units', join(ROOT, 'fixtures/dak-lak/don-vi.csv'), '--out', out]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain('tiếp nhận 1, từ chối 1');
    expect(r.stdout).toMatch(
      /\(không ghi\) \S*tra-lai\/655\.xlsx: Không tạo bản đánh dấu lỗi: nội dung giải nén của tệp vượt giới hạn dung lượng/,
    );
    expect(existsSync(join(out, 'tra-lai', '655.xlsx'))).toBe(false);
    // The other outputs are written as usual.
    expect(readdirSync(out).sort()).toEqual(['bao-cao-66-2024.docx', 'tong-hop-66-2024.json', 'tong-hop-66-2024.xlsx']);
  });
});
