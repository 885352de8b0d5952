// @ts-check
/**
 * Generates the bundled sample provinces under fixtures/ (run `npm run fixtures` after `npm run build`):
 *  - fixtures/dak-lak/nop-bao-cao-2024/: the 15 district-level units of Đắk Lắk before July 2025; Krông A Na and
 *    Lắk report through their communes (subfolders), the rest as districts; a few ordinary mistakes.
 *  - fixtures/sau-2025/nop-bao-cao-2025/: a small two-level province after July 2025, one commune not reporting.
 * Figures come from a seeded generator in the ranges real reports print, so every run writes the same numbers.
 */
import { mkdirSync, rmSync, copyFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../dist/node/package-data-files.js';
import { loadCatalogue } from '../dist/core/catalogue/catalogue.js';
import { readHierarchy } from '../dist/node/unit-list-file.js';
import { parsePeriodArg } from '../dist/core/util/period.js';
import { buildSubmissionWorkbook } from '../dist/core/write/submission-workbook.js';
import { plausibleFigures, rng } from '../test/helpers/plausible-figures.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The edition of the fixtures' years (2023–2025): the 2024 form, not the newest edition.
const catalogue = loadCatalogue('BDG-2024.1');

const HIGHLIGHTS = [
  'Thành lập mới các Tổ truyền thông cộng đồng tại các thôn, buôn đặc biệt khó khăn; tổ chức truyền thông xóa bỏ định kiến giới bằng tiếng dân tộc.',
  'Duy trì hoạt động của mô hình Địa chỉ tin cậy tại cộng đồng, kịp thời tiếp nhận, hỗ trợ phụ nữ và trẻ em bị bạo lực.',
  'Tổ chức đối thoại chính sách giữa lãnh đạo chính quyền với phụ nữ dân tộc thiểu số về tảo hôn và hôn nhân cận huyết thống.',
];
const DIFFICULTIES = [
  'Cán bộ làm công tác bình đẳng giới ở cấp xã kiêm nhiệm, thường xuyên thay đổi.',
  'Kinh phí Dự án 8 giao muộn, việc giải ngân còn chậm.',
  'Trình độ, nhận thức của một bộ phận đồng bào dân tộc thiểu số chưa đồng đều, tình trạng tảo hôn còn xảy ra.',
];
const PROPOSALS = [
  'Đề nghị tỉnh tăng cường tập huấn kỹ năng lồng ghép giới cho cán bộ cấp xã.',
  'Đề nghị bố trí kinh phí sớm để các địa phương chủ động triển khai.',
];

/** @param {string} s */
const slug = (s) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/**
 * @param {string} path
 * @param {{code: string, name: string}} unit
 * @param {string} periodId
 * @param {number} communes
 * @param {number} seed
 * @param {{ preparedOn?: string, edit?: (wb: import('exceljs').Workbook) => void, narrative?: boolean }} [opts]
 */
async function writeSubmission(path, unit, periodId, communes, seed, opts = {}) {
  const r = rng(seed);
  const pick = (list) => list[Math.floor(r() * list.length)];
  const wb = buildSubmissionWorkbook({
    catalogue,
    unit,
    period: parsePeriodArg(periodId),
    figures: plausibleFigures(r, communes),
    narrative:
      opts.narrative === false
        ? undefined
        : { highlights: pick(HIGHLIGHTS), difficulties: pick(DIFFICULTIES), proposals: pick(PROPOSALS) },
    info: {
      preparedBy: 'Cán bộ phụ trách bình đẳng giới',
      phone: '0262 3' + String(100000 + (seed % 899999)).slice(0, 6),
      preparedOn: new Date(`${opts.preparedOn ?? '2024-12-12'}T00:00:00Z`),
      head: 'Thủ trưởng đơn vị',
    },
  });
  opts.edit?.(wb);
  mkdirSync(dirname(path), { recursive: true });
  await wb.xlsx.writeFile(path);
}

/** Finds the Số liệu cell of an indicator's measure by reading the header, as a person would look for it. */
function figureCell(wb, code, header) {
  const ws = wb.getWorksheet('Số liệu');
  let codeCol = 0;
  let headerRow = 0;
  let col = 0;
  ws.eachRow((row, r) => {
    row.eachCell((cell, c) => {
      if (cell.value === 'Mã số' && !codeCol) {
        codeCol = c;
        headerRow = r;
      }
      if (headerRow && r <= headerRow + 1 && cell.value === header) col = c;
    });
  });
  let found;
  ws.eachRow((row) => {
    if (row.getCell(codeCol).value === code) found = row.getCell(col);
  });
  return found;
}

async function dakLak() {
  const units = await readHierarchy(join(root, 'fixtures/dak-lak/don-vi.csv'));
  const out = join(root, 'fixtures/dak-lak/nop-bao-cao-2024');
  rmSync(out, { recursive: true, force: true });
  const viaCommunes = { 655: 'krong-a-na', 656: 'lak' };
  for (const [i, d] of units.children(units.root.code).entries()) {
    const seed = 2024_000 + Number(d.code);
    if (viaCommunes[d.code]) {
      for (const [j, x] of units.children(d.code).entries()) {
        // One commune of Lắk has not reported: the district's totals are partial.
        if (d.code === '656' && j === units.children(d.code).length - 1) continue;
        const edit =
          d.code === '655' && j === 2
            ? (wb) => {
                // Typed as text, Vietnamese style: read as 1.250.
                figureCell(wb, 'DA8.06', 'Tổng số').value = '1.250';
              }
            : undefined;
        await writeSubmission(
          join(out, viaCommunes[d.code], `${x.code}-${slug(x.name)}.xlsx`),
          x,
          '2024',
          1,
          seed * 100 + j,
          {
            edit,
            narrative: j === 0,
          },
        );
      }
      continue;
    }
    const file = join(out, `${d.code}-${slug(d.name)}.xlsx`);
    const communes = units.communesUnder(d.code);
    /** @type {Parameters<typeof writeSubmission>[5]} */
    const opts = { preparedOn: i % 5 === 4 ? '2024-12-27' : '2024-12-12' };
    if (d.code === '646')
      // Ea Súp: women counted above the total, an ordinary slip: the file is rejected and the unit is missing.
      opts.edit = (wb) => {
        const total = figureCell(wb, 'DA8.05', 'Tổng số');
        figureCell(wb, 'DA8.05', 'Nữ').value = Number(total.value) + 120;
      };
    if (d.code === '657')
      // Cư Kuin: disbursed above allocated (funds carried over): a warning, not an error.
      opts.edit = (wb) => {
        figureCell(wb, 'DA8.21', 'Tổng số').value = Number(figureCell(wb, 'DA8.20', 'Tổng số').value) + 85.5;
      };
    await writeSubmission(file, d, '2024', communes, seed, opts);
    if (d.code === '650') copyFileSync(file, join(out, `${d.code}-${slug(d.name)} (1).xlsx`)); // sent twice
  }
  writeFileSync(join(out, '~$643-thanh-pho-buon-ma-thuot.xlsx'), Buffer.from([0x0b, 0x4b, 0x00, 0x00]));
  writeFileSync(join(out, 'ghi-chu.txt'), 'Các tệp nhận qua thư điện tử đến ngày 31/12/2024.\n');
}

async function afterReform() {
  const units = await readHierarchy(join(root, 'fixtures/sau-2025/don-vi.csv'));
  const out = join(root, 'fixtures/sau-2025/nop-bao-cao-2025');
  rmSync(out, { recursive: true, force: true });
  const communes = units.children(units.root.code);
  for (const [j, x] of communes.entries()) {
    if (j === communes.length - 1) continue; // one commune has not reported
    await writeSubmission(join(out, `${x.code}-${slug(x.name)}.xlsx`), x, '2025', 1, 2025_000 + j, {
      preparedOn: '2025-12-10',
    });
  }
}

await dakLak();
await afterReform();
console.log('fixtures written');
