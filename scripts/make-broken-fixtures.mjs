// @ts-check
/**
 * The corpus of bad and odd inputs (`npm run fixtures:broken`, after `npm run build`). Each file's expected
 * outcome is in fixtures/broken/README.md and asserted by test/hardening.test.ts.
 *  - fixtures/broken/: files bdg must refuse with a clear message (not a workbook, hostile);
 *  - fixtures/odd/: odd but legitimate files bdg must read.
 * The .xls, .ods (scripts/make-office-fixtures.mjs, LibreOffice) and mat-khau.xlsx (encrypted with the npm
 * package officecrypto-tool, once, by hand) are made elsewhere and kept as they are.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { Document, Packer, Paragraph } from 'docx';
import '../dist/node/package-data-files.js';
import { loadCatalogue } from '../dist/core/catalogue/catalogue.js';
import { plausibleFigures, rng } from '../test/helpers/plausible-figures.mjs';
import { parsePeriodArg } from '../dist/core/util/period.js';
import { buildSubmissionWorkbook, submissionLayout } from '../dist/core/write/submission-workbook.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const broken = join(root, 'fixtures/broken');
const odd = join(root, 'fixtures/odd');
mkdirSync(broken, { recursive: true });
mkdirSync(odd, { recursive: true });
// The edition of the fixtures' years (2023–2025): the 2024 form, not the newest edition.
const catalogue = loadCatalogue('BDG-2024.1');
const layout = submissionLayout(catalogue);

/** The base of every variant: Huyện Krông A Na's figures of src/sample, seed 655 (tests know them). */
async function base(edit) {
  const wb = buildSubmissionWorkbook({
    catalogue,
    unit: { code: '655', name: 'Huyện Krông A Na' },
    period: parsePeriodArg('2024'),
    figures: plausibleFigures(rng(655), 8),
    info: { preparedOn: new Date('2024-12-15T00:00:00Z') },
  });
  if (edit) edit(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
const cell = (code, col = 'E') => `${col}${layout.rowOf.get(code)}`;

/** A minimal zip writer, so sizes in the headers can be made to lie. */
function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const data = e.stored ? e.data : (e.compressed ?? deflateRawSync(e.data));
    const size = e.declaredSize ?? e.data?.length ?? e.size;
    const crc = e.crc ?? (e.data ? crc32(e.data) : 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.stored ? 0 : 8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(e.stored ? 0 : 8, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

/** The parts of a real workbook, to rebuild with changes. */
async function parts(buf) {
  const z = await JSZip.loadAsync(buf);
  const out = [];
  for (const name of Object.keys(z.files))
    if (!z.files[name].dir) out.push({ name, data: await z.file(name).async('nodebuffer') });
  return out;
}

async function rezip(buf, change) {
  const z = await JSZip.loadAsync(buf);
  for (const name of Object.keys(z.files)) {
    if (z.files[name].dir || !/\.(xml|rels)$/.test(name)) continue;
    const text = await z.file(name).async('string');
    const next = change(name, text);
    if (next !== text) z.file(name, next);
  }
  return z.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

const ok = await base();
const write = (dir, name, data) => writeFileSync(join(dir, name), data);

// --- not a workbook ------------------------------------------------------------------------------
write(broken, 'rong.xlsx', Buffer.alloc(0));
write(
  broken,
  'van-ban-word.xlsx',
  await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('Báo cáo kết quả')] }] })),
);
write(
  broken,
  'ban-scan.xlsx',
  Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
);
write(broken, 'tai-do-dang.xlsx', ok.subarray(0, Math.floor(ok.length * 0.6)));

// --- hostile -------------------------------------------------------------------------------------
const okParts = await parts(ok);
const sheet = okParts.find((p) => p.name === 'xl/worksheets/sheet2.xml');
// A sheet that inflates to 500 MB of spaces, sizes declared honestly, then the same with sizes that lie.
const bombData = Buffer.alloc(500 * 1024 * 1024, 0x20);
const bombCompressed = deflateRawSync(bombData, { level: 9 });
const bombCrc = crc32(bombData);
const withBomb = (declaredSize) =>
  zip(
    okParts.map((p) =>
      p === sheet ? { name: p.name, compressed: bombCompressed, size: bombData.length, declaredSize, crc: bombCrc } : p,
    ),
  );
write(broken, 'zip-bom.xlsx', withBomb(bombData.length));
write(broken, 'zip-bom-khai-gian.xlsx', withBomb(4096));
// A shared-strings table of 50 MB.
const sst = okParts.find((p) => p.name === 'xl/sharedStrings.xml');
const filler = `<si><t>${'Số liệu bổ sung '.repeat(60)}</t></si>`;
const bigSst = sst.data
  .toString('utf8')
  .replace('</sst>', filler.repeat(Math.ceil((50 * 1024 * 1024) / Buffer.byteLength(filler))) + '</sst>');
write(
  broken,
  'chuoi-50mb.xlsx',
  zip(okParts.map((p) => (p === sst ? { name: p.name, data: Buffer.from(bigSst) } : p))),
);
// "Billion laughs": entities that expand exponentially.
const laughs =
  '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "hahahahaha">' +
  Array.from(
    { length: 9 },
    (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`,
  ).join('') +
  ']>';
write(
  broken,
  'xml-thuc-the.xlsx',
  await rezip(ok, (name, t) =>
    name === 'xl/sharedStrings.xml' ? t.replace(/^<\?xml[^>]*\?>/, laughs).replace('<t>', '<t>&j;') : t,
  ),
);
// Deeply nested elements and malformed XML.
write(
  broken,
  'xml-long-sau.xlsx',
  await rezip(ok, (name, t) =>
    name === 'xl/worksheets/sheet2.xml'
      ? t.replace('</worksheet>', `<extLst>${'<ext>'.repeat(200000)}${'</ext>'.repeat(200000)}</extLst></worksheet>`)
      : t,
  ),
);
write(
  broken,
  'xml-hong.xlsx',
  await rezip(ok, (name, t) =>
    name === 'xl/worksheets/sheet2.xml'
      ? t.replace('</sheetData>', '<row r="9999"><c r="A9999"><v>1</c></sheetData>')
      : t,
  ),
);
// Path tricks inside the zip.
write(broken, 'ten-la.xlsx', zip([...okParts, { name: '../../ngoai-thu-muc.txt', data: Buffer.from('x') }]));
write(
  broken,
  'ten-ky-tu-dieu-khien.xlsx',
  zip([...okParts, { name: 'xl/media/anh\u0007.png', data: Buffer.from('x') }]),
);

// --- odd but legitimate --------------------------------------------------------------------------
// A million empty formatted rows after the data, what formatting a whole column leaves.
write(
  odd,
  'trieu-dong-trong.xlsx',
  await rezip(ok, (name, t) =>
    name === 'xl/worksheets/sheet2.xml'
      ? t.replace(
          '</sheetData>',
          `${Array.from({ length: 1_000_000 }, (_, i) => `<row r="${i + 200}" s="1" customFormat="1"/>`).join('')}</sheetData>`,
        )
      : t,
  ),
);
// Namespace-prefixed XML, as some writers (WPS-style) produce.
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
write(
  odd,
  'tien-to-x.xlsx',
  await rezip(ok, (name, t) => {
    if (!t.includes(`xmlns="${MAIN}"`)) return t;
    return t
      .replace(`xmlns="${MAIN}"`, `xmlns:x="${MAIN}"`)
      .replace(/<(\/?)([A-Za-z][\w]*)(?=[\s>/])/g, (m, slash, tag) => (tag.includes(':') ? m : `<${slash}x:${tag}`));
  }),
);
// Strict OOXML namespaces.
write(
  odd,
  'strict.xlsx',
  await rezip(ok, (_, t) =>
    t
      .replaceAll(MAIN, 'http://purl.oclc.org/ooxml/spreadsheetml/main')
      .replaceAll(
        'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
        'http://purl.oclc.org/ooxml/officeDocument/relationships',
      ),
  ),
);
// The 1904 date system (old Mac Excel): Ngày lập must still read 15/12/2024.
write(
  odd,
  'ngay-1904.xlsx',
  await base((wb) => {
    wb.properties.date1904 = true;
  }),
);
// Shared formulas, rich text, hyperlinks.
write(
  odd,
  'cong-thuc-chu.xlsx',
  await base((wb) => {
    const ws = wb.getWorksheet('Số liệu');
    const f = plausibleFigures(rng(655), 8);
    ws.getCell(cell('DA8.07')).value = {
      formula: `${f['DA8.07'].total}+0`,
      result: f['DA8.07'].total,
      shareType: 'shared',
      ref: `${cell('DA8.07')}:${cell('DA8.07')}`,
    };
    ws.getCell(cell('DA8.13')).value = {
      richText: [
        { text: String(f['DA8.13'].total).slice(0, 1), font: { bold: true } },
        { text: String(f['DA8.13'].total).slice(1) },
      ],
    };
    ws.getCell(cell('DA8.17')).value = { text: String(f['DA8.17'].total), hyperlink: 'https://example.org/so-lieu' };
    ws.getCell(cell('DA8.17', 'H')).value = { text: 'xem biên bản', hyperlink: 'https://example.org/bien-ban' };
  }),
);
// Text stored in decomposed Unicode (NFD), as macOS keyboards type it.
write(odd, 'nfd.xlsx', await rezip(ok, (_, t) => t.normalize('NFD')));
// A #DIV/0! error, a huge number and a negative number in value cells: read, each named as an error.
write(
  odd,
  'loi-trong-o.xlsx',
  await base((wb) => {
    const ws = wb.getWorksheet('Số liệu');
    ws.getCell(cell('DA8.06')).value = { formula: `1/0`, result: { error: '#DIV/0!' } };
    ws.getCell(cell('DA8.13')).value = 1e15;
    ws.getCell(cell('DA8.17')).value = -4;
  }),
);
// Labels typed with a legacy Vietnamese font (TCVN3 / ABC): must be recognised, not mis-read.
write(
  odd,
  'tcvn3.xlsx',
  await base((wb) => {
    wb.getWorksheet('Thông tin').name = 'Th«ng tin';
    wb.getWorksheet('Số liệu').name = 'Sè liÖu';
  }),
);
console.log('broken and odd fixtures written');
