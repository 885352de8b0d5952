// @ts-check
/**
 * Submission sets for the benchmark, made once and cached under bench/cache/<name>/ (units.csv + files/).
 *  - province-15: a three-level province before July 2025, 15 district files (12 communes each listed);
 *  - province-184: a two-level province, 184 commune files;
 *  - national-3321: the two-level country, 34 provinces, 3.321 commune files;
 *  - commune-300: a two-level province, 300 small commune files written as LibreOffice or openpyxl write them
 *    (shared strings, plain parts, no exceljs), the shape of most real files;
 *  - hostile: 20 such commune files and one of ~20 MB whose figures break the rules (dozens of errors) and whose
 *    figures sheet carries millions of styled empty cells (a formatted range of a whole sheet, as a careless
 *    exporter leaves it): its marked copy in tra-lai/ is what this set measures (issue 18: under 10 s and 500 MB);
 *  - commune-300-2026 and commune-300-from-2024: the same 300 communes reporting the year 2026, once on the 2026
 *    form and once on the 2024 form (each file converted by the crosswalk when consolidated), the same figures
 *    where the forms share a code: the pair measures what conversion costs (issue 19: at most 10 % more).
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../dist/node/package-data-files.js';
import { formEditionForPeriod, loadCatalogue } from '../dist/core/catalogue/catalogue.js';
import { conversionBetween, convertFigures } from '../dist/core/catalogue/crosswalk.js';
import { plausibleFigures, rng } from '../test/helpers/plausible-figures.mjs';
import { parsePeriodArg } from '../dist/core/util/period.js';
import { buildSubmissionWorkbook } from '../dist/core/write/submission-workbook.js';
import { zipSync, strToU8, Zip, ZipDeflate } from 'fflate';

// 2: each set on the form of its period (version 1 wrote the newest form, 2026's, into files of 2025, so every
// file was converted back to the 2024 form when consolidated).
const GENERATOR_VERSION = '2';

/** @returns {{ name: string, units: string[][], files: { code: string, name: string, communes: number }[] }} */
export function plan(name) {
  const units = [['Mã', 'Tên', 'Cấp', 'Mã cấp trên']];
  const files = [];
  if (name === 'province-15') {
    units.push(['01', 'Tỉnh Đo Lường', 'Tỉnh', '']);
    for (let d = 0; d < 15; d++) {
      const code = String(100 + d);
      units.push([code, `Huyện Số ${d + 1}`, 'Huyện', '01']);
      for (let x = 0; x < 12; x++) units.push([String(10000 + d * 100 + x), `Xã ${d + 1}.${x + 1}`, 'Xã', code]);
      files.push({ code, name: `Huyện Số ${d + 1}`, communes: 12 });
    }
  } else if (name === 'province-184') {
    units.push(['01', 'Tỉnh Đo Lường', 'Tỉnh', '']);
    for (let x = 0; x < 184; x++) {
      const code = String(10000 + x);
      units.push([code, `Xã Số ${x + 1}`, 'Xã', '01']);
      files.push({ code, name: `Xã Số ${x + 1}`, communes: 1 });
    }
  } else if (name === 'commune-300' || name === 'commune-300-2026' || name === 'commune-300-from-2024') {
    units.push(['01', 'Tỉnh Đo Lường', 'Tỉnh', '']);
    for (let x = 0; x < 300; x++) {
      const code = String(20000 + x);
      units.push([code, `Xã Số ${x + 1}`, 'Xã', '01']);
      files.push({ code, name: `Xã Số ${x + 1}`, communes: 1 });
    }
  } else if (name === 'hostile') {
    units.push(['01', 'Tỉnh Đo Lường', 'Tỉnh', '']);
    for (let x = 0; x < 21; x++) {
      const code = String(30000 + x);
      units.push([code, `Xã Số ${x + 1}`, 'Xã', '01']);
      files.push({ code, name: `Xã Số ${x + 1}`, communes: 1, hostile: x === 20 });
    }
  } else if (name === 'national-3321') {
    units.push(['00', 'Toàn quốc', 'Quốc gia', '']);
    let n = 0;
    for (let p = 0; p < 34; p++) {
      const province = String(10 + p);
      units.push([province, `Tỉnh Số ${p + 1}`, 'Tỉnh', '00']);
      const count = p < 23 ? 98 : 97; // 23 × 98 + 11 × 97 = 3.321
      for (let x = 0; x < count; x++, n++) {
        const code = String(10000 + n);
        units.push([code, `Xã Số ${n + 1}`, 'Xã', province]);
        files.push({ code, name: `Xã Số ${n + 1}`, communes: 1 });
      }
    }
  } else throw new Error(`unknown set ${name}`);
  return { name, units, files };
}

/** Makes the set unless the cache already holds it; returns its folder. */
export async function ensureSet(root, name, log = () => {}) {
  const dir = join(root, name);
  const marker = join(dir, `.done-${GENERATOR_VERSION}`);
  if (existsSync(marker)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'files'), { recursive: true });
  const { units, files } = plan(name);
  writeFileSync(join(dir, 'units.csv'), units.map((r) => r.join(',')).join('\n') + '\n');
  const period = parsePeriodArg('2025');
  const catalogue = loadCatalogue(formEditionForPeriod(period).id);
  for (const [i, f] of files.entries()) {
    if (f.hostile) {
      writeFileSync(
        join(dir, 'files', `${f.code}.xlsx`),
        hostileXlsx(catalogue, f, plausibleFigures(rng(Number(f.code)), 1)),
      );
      continue;
    }
    if (name === 'commune-300' || name === 'hostile') {
      writeFileSync(
        join(dir, 'files', `${f.code}.xlsx`),
        plainXlsx(catalogue, f, plausibleFigures(rng(Number(f.code)), 1)),
      );
      continue;
    }
    if (name === 'commune-300-from-2024') {
      const figures = plausibleFigures(rng(Number(f.code)), 1);
      writeFileSync(join(dir, 'files', `${f.code}.xlsx`), plainXlsx(catalogue, f, figures, false, YEAR_2026));
      continue;
    }
    if (name === 'commune-300-2026') {
      const figures = figuresOn2026Form(plausibleFigures(rng(Number(f.code)), 1));
      writeFileSync(
        join(dir, 'files', `${f.code}.xlsx`),
        plainXlsx(loadCatalogue('BDG-2026.1'), f, figures, false, YEAR_2026),
      );
      continue;
    }
    const wb = buildSubmissionWorkbook({
      catalogue,
      unit: { code: f.code, name: f.name },
      period,
      figures: plausibleFigures(rng(Number(f.code)), f.communes),
      info: { preparedOn: new Date('2025-12-10T00:00:00Z') },
    });
    writeFileSync(join(dir, 'files', `${f.code}.xlsx`), Buffer.from(await wb.xlsx.writeBuffer()));
    if ((i + 1) % 250 === 0) log(`  ${name}: ${i + 1}/${files.length} tệp`);
  }
  writeFileSync(marker, '');
  return dir;
}

const YEAR_2026 = { label: 'Năm 2026', preparedOn: '10/12/2026' };

/** A commune's 2024-form figures as the 2026 form holds them: carried codes only, those a commune (xã) fills. */
function figuresOn2026Form(figures) {
  const target = loadCatalogue('BDG-2026.1');
  const converted = convertFigures(figures, conversionBetween('BDG-2024.1', 'BDG-2026.1'), target);
  const forCommunes = target.indicators.filter((ind) => ind.levels.includes('xa')).map((ind) => ind.code);
  return Object.fromEntries(forCommunes.filter((code) => converted[code]).map((code) => [code, converted[code]]));
}

const esc = (t) => String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A filled form as a small writer (LibreOffice, openpyxl) writes it: shared strings, a styles part, column widths,
 * the title merged, a two-row header; written here by hand, no spreadsheet library.
 */
function plainXlsx(
  catalogue,
  unit,
  figures,
  hostile = false,
  period = { label: 'Năm 2025', preparedOn: '10/12/2025' },
) {
  const strings = [];
  const index = new Map();
  const s = (t) => {
    if (!index.has(t)) index.set(t, strings.push(t) - 1);
    return index.get(t);
  };
  const str = (ref, t) => `<c r="${ref}" s="1" t="s"><v>${s(t)}</v></c>`;
  const num = (ref, v) =>
    v === undefined || v === null ? `<c r="${ref}" s="2"/>` : `<c r="${ref}" s="2"><v>${v}</v></c>`;
  const info = [
    ['Mã đơn vị', unit.code],
    ['Tên đơn vị', unit.name],
    ['Kỳ báo cáo', period.label],
    ['Phiên bản biểu mẫu', catalogue.version],
    ['Người lập biểu', 'Nguyễn Thị Hoa'],
    ['Điện thoại', '0262 3851 234'],
    ['Ngày lập', period.preparedOn],
    ['Thủ trưởng đơn vị', 'Y Bluin Niê'],
  ];
  const infoXml = info
    .map(([l, v], i) => `<row r="${i + 1}">${str(`A${i + 1}`, l)}${str(`B${i + 1}`, v)}</row>`)
    .join('');
  const rows = [`<row r="1">${str('A1', 'BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN CÔNG TÁC BÌNH ĐẲNG GIỚI VÀ DỰ ÁN 8')}</row>`];
  const heads = ['STT', 'Mã số', 'Chỉ tiêu', 'Đơn vị tính', 'Tổng số', 'Trong đó', '', 'Ghi chú'];
  rows.push(`<row r="3">${heads.map((h, i) => (h ? str(`${String.fromCharCode(65 + i)}3`, h) : '')).join('')}</row>`);
  rows.push(`<row r="4">${str('F4', 'Nữ')}${str('G4', 'DTTS')}</row>`);
  catalogue.indicators.forEach((ind, i) => {
    const r = i + 5;
    const f = figures[ind.code] ?? {};
    rows.push(
      `<row r="${r}"><c r="A${r}" s="2"><v>${i + 1}</v></c>${str(`B${r}`, ind.code)}${str(`C${r}`, ind.name)}${str(`D${r}`, ind.unit)}${num(`E${r}`, f.total)}${num(`F${r}`, f.nu)}${num(`G${r}`, f.dtts)}<c r="H${r}" s="1"/></row>`,
    );
  });
  const merges =
    '<mergeCells count="8"><mergeCell ref="A1:H1"/><mergeCell ref="F3:G3"/>' +
    ['A', 'B', 'C', 'D', 'E', 'H'].map((c) => `<mergeCell ref="${c}3:${c}4"/>`).join('') +
    '</mergeCells>';
  const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const sheet = (data, extra = '') =>
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${NS}" xmlns:r="${R}"><sheetPr filterMode="false"><pageSetUpPr fitToPage="false"/></sheetPr><dimension ref="A1:H60"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="1" width="5"/><col min="2" max="2" width="9"/><col min="3" max="3" width="58"/><col min="4" max="8" width="12"/></cols><sheetData>${data}</sheetData>${extra}<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`;
  const narrative = ['Kết quả nổi bật', 'Khó khăn, hạn chế', 'Kiến nghị, đề xuất']
    .map((l, i) => `<row r="${i + 1}">${str(`A${i + 1}`, l)}${str(`B${i + 1}`, `${l} của ${unit.name}.`)}</row>`)
    .join('');
  const files = {
    '[Content_Types].xml': `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>${[1, 2, 3].map((i) => `<Override PartName="/xl/worksheets/sheet${i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('')}</Types>`,
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${R}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${NS}" xmlns:r="${R}"><workbookPr/><sheets><sheet name="Thông tin" sheetId="1" r:id="rId1"/><sheet name="Số liệu" sheetId="2" r:id="rId2"/><sheet name="Thuyết minh" sheetId="3" r:id="rId3"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${[1, 2, 3].map((i) => `<Relationship Id="rId${i}" Type="${R}/worksheet" Target="worksheets/sheet${i}.xml"/>`).join('')}<Relationship Id="rId4" Type="${R}/styles" Target="styles.xml"/><Relationship Id="rId5" Type="${R}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    'xl/styles.xml': `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0"/></numFmts><fonts count="1"><font><sz val="12"/><name val="Times New Roman"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`,
    'xl/worksheets/sheet1.xml': sheet(infoXml),
    'xl/worksheets/sheet2.xml': sheet(rows.join(''), merges),
    'xl/worksheets/sheet3.xml': sheet(narrative),
  };
  files['xl/sharedStrings.xml'] =
    `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${NS}" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((t) => `<si><t xml:space="preserve">${esc(t)}</t></si>`).join('')}</sst>`;
  if (hostile) return { files, rows, merges, sheet };
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])), { level: 6 });
}

/**
 * The hostile submission: a plain form whose every breakdown exceeds its total (an error per figure with a
 * breakdown), and whose figures sheet goes on with 4.000 rows × 2.000 styled empty cells (8 million cells, ~170 MB
 * unzipped, under the reader's 200 MB), styles varying as a real formatted range does; zipped fast (level 1), ~20 MB.
 */
function hostileXlsx(catalogue, unit, figures) {
  const broken = Object.fromEntries(
    Object.entries(figures).map(([code, f]) => [
      code,
      f.total !== null && f.total !== undefined ? { ...f, nu: f.total + 7, dtts: f.total + 9 } : f,
    ]),
  );
  const { files, rows, merges } = plainXlsx(catalogue, unit, broken, true);
  const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  // Two more cell formats for the styled empty range.
  files['xl/styles.xml'] = files['xl/styles.xml']
    .replace('<cellXfs count="3">', '<cellXfs count="5">')
    .replace(
      '</cellXfs>',
      '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="0" fillId="1" borderId="0" applyFill="1"/></cellXfs>',
    );
  const chunks = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    chunks.push(chunk);
  });
  for (const [name, text] of Object.entries(files)) {
    if (name === 'xl/worksheets/sheet2.xml') continue;
    const f = new ZipDeflate(name, { level: 6 });
    zip.add(f);
    f.push(strToU8(text), true);
  }
  const sheet = new ZipDeflate('xl/worksheets/sheet2.xml', { level: 1 });
  zip.add(sheet);
  const first = catalogue.indicators.length + 5;
  sheet.push(
    strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${NS}" xmlns:r="${R}"><dimension ref="A1:BXX${first + 4000}"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>${rows.join('')}`,
    ),
  );
  const random = rng(7);
  const letters = (n) => {
    let s = '';
    for (let c = n; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
    return s;
  };
  const cols = Array.from({ length: 2000 }, (_, i) => letters(i + 9));
  for (let r = first; r < first + 4000; r++) {
    let row = `<row r="${r}" s="3" customFormat="1">`;
    for (const col of cols) row += `<c r="${col}${r}" s="${random() < 0.5 ? 3 : 4}"/>`;
    sheet.push(strToU8(`${row}</row>`));
  }
  sheet.push(
    strToU8(
      `</sheetData>${merges}<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`,
    ),
    true,
  );
  zip.end();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The first `count` files of the national set as a set of their own (bench/cache/national-first-<count>/): the files
 * linked (copied where a link cannot be made), the unit list cut to the country, the provinces and the communes of
 * those files — so the whole run, outputs included, grows with the number of files (the curve of `npm run bench`).
 */
export async function ensureNationalFirst(root, count, log = () => {}) {
  const whole = plan('national-3321');
  const source = await ensureSet(root, 'national-3321', log);
  const dir = join(root, `national-first-${count}`);
  const marker = join(dir, `.done-${GENERATOR_VERSION}`);
  if (existsSync(marker)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'files'), { recursive: true });
  const files = whole.files.slice(0, count);
  const communes = new Set(files.map((f) => f.code));
  const parents = new Set(whole.units.filter((u) => communes.has(u[0])).map((u) => u[3]));
  const units = whole.units.filter((u, i) => i === 0 || u[3] === '' || communes.has(u[0]) || parents.has(u[0]));
  writeFileSync(join(dir, 'units.csv'), units.map((r) => r.join(',')).join('\n') + '\n');
  for (const f of files) {
    const from = join(source, 'files', `${f.code}.xlsx`);
    const to = join(dir, 'files', `${f.code}.xlsx`);
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to);
    }
  }
  writeFileSync(marker, '');
  return dir;
}
