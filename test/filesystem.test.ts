import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issue } from '../src/core/rules/rules.js';
import { printable, shownName } from '../src/core/util/shown-name.js';
import { describeFsError } from '../src/node/safe-write.js';
import { bdg, ROOT } from './helpers/cli.js';
import { figuresFor, sumFigures, THREE_LEVEL, writeSubmission, writeUnits } from './helpers/province.js';
import { figuresSheetXml, infoSheetXml, rawWorkbook } from './helpers/raw-xlsx.js';
import { tempDir } from './helpers/workbooks.js';

const BIN = resolve(ROOT, 'bin/bdg.js');
const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const noMkfifo = !has('mkfifo', ['--version']);
/** A user and mount namespace of our own, where a small tmpfs can be mounted (Linux, unprivileged namespaces). */
const noNamespace = !has('unshare', ['-Urm', 'sh', '-c', 'mount -t tmpfs -o size=1m tmpfs /mnt']);
const isRoot = process.getuid?.() === 0;

/** Runs the CLI through a shell, so that arguments can carry bytes that are not UTF-8 (`printf '\377'`). */
function bdgSh(script: string, cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync('sh', ['-c', script], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', BDG: BIN, ...env },
    timeout: 120_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
/** A name's bytes in a folder (the name may not be UTF-8). */
const at = (dir: string, name: Buffer) => Buffer.concat([Buffer.from(`${dir}/`), name]);
/** Every string in every cell of a workbook's sheet. */
async function sheetTexts(path: string, sheet: string): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const out: string[] = [];
  wb.getWorksheet(sheet)!.eachRow((row) => row.eachCell((cell) => out.push(String(cell.value))));
  return out;
}

describe('names as shown', () => {
  it('keeps UTF-8 text, escapes control and bidi characters, bytes that are not UTF-8, and doubles "\\"', () => {
    expect(shownName('Huyện Đông/101.xlsx')).toBe('Huyện Đông/101.xlsx');
    expect(shownName(Buffer.from([0xff, 0xfe, 0x31, 0x2e, 0x78]))).toBe('\\xff\\xfe1.x');
    // Latin-1 "é", a truncated sequence, an overlong "/", an encoded surrogate: each byte on its own.
    const odd = Buffer.from([0x61, 0xe9, 0x62, 0xe1, 0xba, 0xc0, 0xaf, 0xed, 0xa0, 0x80]);
    expect(shownName(odd)).toBe('a\\xe9b\\xe1\\xba\\xc0\\xaf\\xed\\xa0\\x80');
    expect(shownName(Buffer.from('Xã Ea Tiêu.xlsx'))).toBe('Xã Ea Tiêu.xlsx');
    expect(shownName('\x1b]0;pwned\x07\x1b[2J.xlsx')).toBe('\\x1b]0;pwned\\x07\\x1b[2J.xlsx');
    expect(shownName('a\u202egpj.xlsx\u009b\u007f\n')).toBe('a\\u202egpj.xlsx\\x9b\\x7f\\x0a');
    // Unambiguous: the four characters "\xff" are not the byte 0xff.
    expect(shownName('\\xff')).toBe('\\\\xff');
    expect(shownName(Buffer.from([0xff]))).toBe('\\xff');
    // Any other "\" (a Windows path, a name with a backslash) is shown as it is.
    expect(shownName('Huyện Đông\\Xã A.xlsx')).toBe('Huyện Đông\\Xã A.xlsx');
    expect(shownName('a\\b\\x.xlsx')).toBe('a\\b\\x.xlsx');
    // printable (terminal output) escapes the same characters but leaves "\" as it is (messages hold shown names).
    expect(printable('Sheet \u2066x\u2069 \x1b[2J \\x')).toBe('Sheet \\u2066x\\u2069 \\x1b[2J \\x');
  });

  it('says every file-system error in Vietnamese, never the system’s English', () => {
    const codes = [
      'ENOSPC',
      'EDQUOT',
      'EACCES',
      'EPERM',
      'EROFS',
      'EMFILE',
      'ENFILE',
      'EIO',
      'ENAMETOOLONG',
      'ENOENT',
      'EISDIR',
    ];
    for (const code of [...codes, 'EBUSY', 'EFBIG']) {
      const said = describeFsError(Object.assign(new Error(`${code}: no space left on device`), { code }));
      expect(said, code).not.toMatch(/[A-Z]{4}|device|permission|denied/);
      expect(said, code).toMatch(/[ổđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/);
    }
    expect(describeFsError(Object.assign(new Error('x'), { code: 'EXDEV' }))).toBe('lỗi hệ thống tệp (EXDEV)');
  });
});

describe('a folder of submissions as people keep it', () => {
  let root: string;
  let units: string;
  beforeAll(() => {
    root = tempDir('bdg-fs-');
    chmodSync(root, 0o755); // read by another user in the permission test
    units = writeUnits(root, THREE_LEVEL);
  });

  it('reads a file whose name is not UTF-8 from its bytes: counted, shown escaped in messages, JSON, outputs', async () => {
    const dir = join(root, 'bytes');
    await writeSubmission(join(dir, 'a.xlsx'), { code: '101', name: 'Huyện Đông' }, figuresFor(1, 4));
    await writeSubmission(join(dir, '102.xlsx'), { code: '102', name: 'Huyện Tây' }, figuresFor(2, 4));
    const bad = figuresFor(3, 4);
    bad['DA8.20'] = { total: 150_000_000 }; // money in đồng: rejected, a copy marked for its unit
    await writeSubmission(join(dir, 'b.xlsx'), { code: '103', name: 'Thị xã Nam' }, bad);
    // Names as a zip made on a Windows machine leaves them: bytes of another code page.
    renameSync(join(dir, 'a.xlsx'), at(dir, Buffer.from([0xff, 0xfe, 0x31, 0x30, 0x31, 0x2e, 0x78, 0x6c, 0x73, 0x78])));
    renameSync(join(dir, 'b.xlsx'), at(dir, Buffer.from('X\xe3 Nam.xlsx', 'latin1')));
    const out = join(root, 'bytes-out');
    const r = bdg(['consolidate', dir, '--units', units, '--out', out, '--json']);
    expect(r.stderr).not.toContain('Không tìm thấy');
    expect(r.status).toBe(1); // the file in đồng is rejected
    const json = JSON.parse(r.stdout);
    const byPath = Object.fromEntries(json.files.map((f: { path: string }) => [f.path, f]));
    expect(Object.keys(byPath).sort()).toEqual(['102.xlsx', 'X\\xe3 Nam.xlsx', '\\xff\\xfe101.xlsx']);
    expect(byPath['\\xff\\xfe101.xlsx']).toMatchObject({ unit: '101', status: 'accepted' });
    expect(byPath['X\\xe3 Nam.xlsx']).toMatchObject({ status: 'rejected' });
    // Its figures are in the totals: 101 and 102 summed.
    const sum = sumFigures([figuresFor(1, 4), figuresFor(2, 4)]);
    expect(json.totals['DA8.05']).toMatchObject({ ...sum['DA8.05'], reported: 2 });
    expect(r.stderr).toContain('    X\\xe3 Nam.xlsx: ');
    // The copy sent back is named as shown; the status sheet names both files as shown.
    expect(readdirSync(join(out, 'tra-lai'))).toEqual(['X\\xe3 Nam.xlsx']);
    const status = await sheetTexts(join(out, 'tong-hop-10-2024.xlsx'), 'Tình hình nộp báo cáo');
    expect(status).toContain('\\xff\\xfe101.xlsx');
    expect(status).toContain('X\\xe3 Nam.xlsx');

    // validate, given the name as the shell passes it (bytes): read, shown escaped.
    const v = bdgSh(`node "$BDG" validate "$(printf 'bytes/\\377\\376101.xlsx')" --units don-vi.csv`, root);
    expect(v.stdout.toString()).toContain('Kiểm tra tệp: bytes/\\xff\\xfe101.xlsx\nĐơn vị: 101 – Huyện Đông');
    expect(v.status).toBe(0);
    const bytesOut = bdgSh(`node "$BDG" validate "$(printf 'bytes/X\\343 Nam.xlsx')" --units don-vi.csv --json`, root);
    expect(JSON.parse(bytesOut.stdout.toString()).file).toBe('bytes/X\\xe3 Nam.xlsx');
    expect(bytesOut.status).toBe(1);
    const missing = bdgSh(`node "$BDG" validate "$(printf 'bytes/\\377\\377.xlsx')"`, root);
    expect(missing.stderr.toString()).toContain('Lỗi: không tìm thấy tệp "bytes/\uFFFD\uFFFD.xlsx"');
    expect(missing.status).toBe(2);
  });

  describe('special files', () => {
    let server: Server;
    let dir: string;
    beforeAll(async () => {
      dir = join(root, 'special');
      await writeSubmission(join(dir, '101.xlsx'), { code: '101', name: 'Huyện Đông' }, figuresFor(1, 4));
      server = createServer();
      await new Promise<void>((ok) => server.listen(join(dir, 'socket.xlsx'), ok));
    });
    afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

    const title = 'lists a FIFO or a socket named .xlsx as skipped with the reason, never opens it; validate exits 2';
    it.skipIf(noMkfifo)(title, { timeout: 150_000 }, () => {
      expect(spawnSync('mkfifo', [join(dir, 'x.xlsx')]).status).toBe(0);
      // A run that opened the FIFO would wait for a writer: the CLI's own timeout (120 s) would end it with no status.
      const r = bdg(['consolidate', dir, '--units', units, '--out', join(root, 'special-out'), '--json']);
      expect(r.status).toBe(0);
      const files = JSON.parse(r.stdout).files as { path: string; status: string; reason?: string }[];
      expect(files).toEqual([
        {
          path: '101.xlsx',
          unit: '101',
          status: 'accepted',
          edition: 'BDG-2024.1',
          errors: [],
          warnings: [],
          preparedOn: '2024-12-10',
        },
        {
          path: 'socket.xlsx',
          unit: null,
          status: 'ignored',
          reason: issue('file-special', { found: 'socket' }).message,
        },
        { path: 'x.xlsx', unit: null, status: 'ignored', reason: issue('file-special', { found: 'fifo' }).message },
      ]);
      const plain = 'không phải tệp dữ liệu thông thường nên không mở.';
      expect(r.stderr).toContain(`  Bỏ qua (2):\n    socket.xlsx: Đây là một socket, ${plain}`);
      expect(r.stderr).toContain(`    x.xlsx: Đây là một đường ống có tên (FIFO), ${plain}`);

      const v = bdg(['validate', join(dir, 'x.xlsx')]);
      expect(v.stderr).toBe(`Lỗi: ${issue('file-special', { found: 'fifo', path: join(dir, 'x.xlsx') }).message}\n`);
      expect(v.status).toBe(2);
      const s = bdg(['validate', 'special/socket.xlsx'], { cwd: root });
      expect(s.stderr).toContain('Lỗi: "special/socket.xlsx" là một socket, không phải tệp dữ liệu thông thường');
      expect(s.status).toBe(2);
      const device = bdg(['validate', '/dev/null']);
      expect(device.stderr).toContain('Lỗi: "/dev/null" là một thiết bị ký tự');
      expect(device.status).toBe(2);
    });
  });

  it('never lets a name from a folder or a file drive the terminal: no ESC, C1 or bidi character printed', async () => {
    const dir = join(root, 'control');
    const hostile = '\x1b]0;pwned\x07\x1b[2J';
    // A unit name in the file that is not the list's (a warning quoting it), with a bidi override and a C1 CSI.
    const unit = { code: '101', name: 'Huyện\u202e gnôĐ\u009b2J' };
    await writeSubmission(join(dir, `${hostile}101.xlsx`), unit, figuresFor(1, 4));
    const bad = figuresFor(2, 4);
    bad['DA8.20'] = { total: 150_000_000 };
    await writeSubmission(join(dir, `${hostile}102.xlsx`), { code: '102', name: 'Huyện Tây' }, bad);
    const noActive = (text: string) => {
      expect(text.includes('\x1b')).toBe(false);
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    };
    for (const json of [false, true]) {
      const out = join(root, 'control-out');
      const r = bdg(['consolidate', dir, '--units', units, '--out', out, '--force', ...(json ? ['--json'] : [])]);
      expect(r.status).toBe(1);
      noActive(r.stdout);
      noActive(r.stderr);
      if (json) {
        const files = JSON.parse(r.stdout).files as { path: string; warnings: { message: string }[] }[];
        const shown = '\\x1b]0;pwned\\x07\\x1b[2J';
        expect(files.map((f) => f.path)).toEqual([`${shown}101.xlsx`, `${shown}102.xlsx`]);
        // The unit name is kept as it was given, as JSON escapes.
        expect(files[0]!.warnings.map((w) => w.message).join()).toContain('Huyện\u202e gnôĐ\u009b2J');
        expect(r.stdout).toContain('\\u202e gnôĐ\\u009b2J');
      } else {
        expect(r.stdout).toContain('    \\x1b]0;pwned\\x07\\x1b[2J102.xlsx: ');
        expect(r.stdout).toContain('Huyện\\u202e gnôĐ\\x9b2J');
      }
    }
    const v = bdg(['validate', join(dir, `${hostile}101.xlsx`), '--units', units]);
    noActive(v.stdout);
    noActive(v.stderr);
    expect(v.stdout).toContain('Kiểm tra tệp: ');
    expect(v.stdout).toContain('\\x1b]0;pwned\\x07\\x1b[2J101.xlsx');
    const missing = bdg(['validate', join(dir, `${hostile}.xlsx`)]);
    noActive(missing.stderr);
    expect(missing.stderr).toContain('\\x1b]0;pwned\\x07\\x1b[2J.xlsx');
    expect(missing.status).toBe(2);
    // Sheet names come from the file: listed when the data sheet is missing, shown escaped.
    const sheets = rawWorkbook({
      sheets: [
        { name: 'Thông tin', xml: infoSheetXml() },
        { name: 'Số\u202eliệu\u009b', xml: figuresSheetXml() },
      ],
    });
    writeFileSync(join(dir, 'sheets.xlsx'), sheets);
    const s = bdg(['validate', join(dir, 'sheets.xlsx')]);
    noActive(s.stdout);
    expect(s.stdout).toContain('"Số\\u202eliệu\\x9b"');
    expect(s.status).toBe(1);
    // Commander's own messages echo what was typed.
    const unknown = bdg(['validate', '--\x1b[2J']);
    noActive(unknown.stderr);
    expect(unknown.status).toBe(2);
  });

  it('rejects a file whose reading exhausts its thread’s memory, in Vietnamese, and reads the others', () => {
    const dir = join(root, 'memory');
    mkdirSync(dir);
    writeFileSync(join(dir, '103.xlsx'), heavyWorkbook());
    return (async () => {
      await writeSubmission(join(dir, '101.xlsx'), { code: '101', name: 'Huyện Đông' }, figuresFor(1, 4));
      await writeSubmission(join(dir, '102.xlsx'), { code: '102', name: 'Huyện Tây' }, figuresFor(2, 4));
      // The test hook lowers the reading thread's heap (160 MB) to 16 MB; an ordinary file needs under 8.
      const env = { BDG_TEST_READER_HEAP_MB: '16' };
      const out = join(root, 'memory-out');
      const r = bdg(['consolidate', dir, '--units', units, '--out', out, '--json', '--workers', '1'], { env });
      expect(r.status).toBe(1);
      const files = JSON.parse(r.stdout).files as { path: string; status: string; errors: unknown[] }[];
      expect(files.map((f) => [f.path, f.status])).toEqual([
        ['101.xlsx', 'accepted'],
        ['102.xlsx', 'accepted'],
        ['103.xlsx', 'rejected'],
      ]);
      expect(files[2]!.errors).toEqual([issue('file-unreadable', { problem: 'memory' })]);
      expect(r.stderr).toContain(`    103.xlsx: ${issue('file-unreadable', { problem: 'memory' }).message}`);
      expect(r.stdout + r.stderr).not.toMatch(/Worker|memory limit|terminated/i);
      const v = bdg(['validate', join(dir, '103.xlsx'), '--units', units], { env });
      expect(v.stdout).toContain(issue('file-unreadable', { problem: 'memory' }).message);
      expect(v.stdout + v.stderr).not.toMatch(/Worker|memory limit|terminated/i);
      expect(v.status).toBe(1);
    })();
  });

  it('cannot write into a folder it has no right to: the Vietnamese message, exit 2, the old set intact', () => {
    const dir = join(root, 'perm-in');
    const out = join(root, 'perm-out');
    return (async () => {
      await writeSubmission(join(dir, '101.xlsx'), { code: '101', name: 'Huyện Đông' }, figuresFor(1, 4));
      expect(bdg(['consolidate', dir, '--units', units, '--out', out]).status).toBe(0);
      const before = snapshot(out);
      // Root may write anywhere: the run is made as "nobody" then; anyone else meets a read-only folder.
      const asOther = isRoot ? { uid: 65534, gid: 65534 } : {};
      if (!isRoot) chmodSync(out, 0o555);
      const r = spawnSync(process.execPath, [BIN, 'consolidate', dir, '--units', units, '--out', out, '--force'], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 120_000,
        ...asOther,
      });
      if (!isRoot) chmodSync(out, 0o755);
      expect(r.stderr).toBe(`Lỗi: không tạo được tệp khóa trong "${out}": không có quyền ghi vào thư mục này.\n`);
      expect(r.status).toBe(2);
      expect(snapshot(out)).toEqual(before);
    })();
  });

  const title =
    'a full disk or a read-only one when the set is switched: the Vietnamese message, exit 2, old set intact';
  it.skipIf(noNamespace)(title, () => {
    const dir = join(root, 'full-in');
    return (async () => {
      await writeSubmission(join(dir, '101.xlsx'), { code: '101', name: 'Huyện Đông' }, figuresFor(1, 4));
      await writeSubmission(join(dir, '102.xlsx'), { code: '102', name: 'Huyện Tây' }, figuresFor(2, 4));
      const mnt = join(root, 'mnt');
      mkdirSync(mnt);
      // In a namespace of its own, a real tmpfs: a first run writes the set; then the file system is allowed just the
      // inodes of a second run's lock and three staged outputs, so creating the switch record meets ENOSPC from the
      // kernel. Then the same folder read-only (EROFS).
      const script = `
        set -u
        mount -t tmpfs -o size=32m,nr_inodes=1000 tmpfs "$MNT" || exit 90
        run() { node "$BDG" consolidate "$IN" --units "$UNITS" --out "$MNT/out" --force; }
        state() { (cd "$MNT/out" && ls -A && sha256sum *); }
        run >/dev/null 2>&1 || exit 91
        state > "$ROOT/full-before.txt"
        used=$(df --output=iused "$MNT" | tail -1)
        mount -o remount,nr_inodes=$((used + 4)) "$MNT" || exit 92
        run > /dev/null 2> "$ROOT/full-stderr.txt"
        echo $? > "$ROOT/full-status.txt"
        state > "$ROOT/full-after.txt"
        mount -o remount,ro "$MNT" || exit 93
        run > /dev/null 2> "$ROOT/ro-stderr.txt"
        echo $? > "$ROOT/ro-status.txt"
        state > "$ROOT/ro-after.txt"
      `;
      const r = spawnSync('unshare', ['-Urm', 'sh', '-c', script], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', BDG: BIN, IN: dir, UNITS: units, MNT: mnt, ROOT: root },
        timeout: 170_000,
      });
      expect(r.status, r.stderr).toBe(0);
      const read = (name: string) => readFileSync(join(root, name), 'utf8');
      const before = read('full-before.txt');
      expect(before).toMatch(
        /^bao-cao-10-2024\.docx\ntong-hop-10-2024\.json\ntong-hop-10-2024\.xlsx\n[0-9a-f]{64} {2}bao-cao/,
      );
      expect(read('full-stderr.txt')).toBe(
        `Lỗi: không ghi được bản ghi chuyển đổi kết quả "${mnt}/out/.bdg-switch.json": ổ đĩa đã đầy. Kết quả cũ (nếu có) vẫn giữ nguyên, không có tệp dở dang nào được để lại.\n`,
      );
      expect(read('full-status.txt')).toBe('2\n');
      expect(read('full-after.txt')).toBe(before); // the same three files, byte for byte, and nothing else
      expect(read('ro-stderr.txt')).toBe(`Lỗi: không tạo được tệp khóa trong "${mnt}/out": ổ đĩa chỉ đọc.\n`);
      expect(read('ro-status.txt')).toBe('2\n');
      expect(read('ro-after.txt')).toBe(before);
    })();
  });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Every file of a folder (hidden ones included) with its bytes. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true })
      .map(String)
      .sort()
      .map((f) => [f, statSync(join(dir, f)).isFile() ? sha256(readFileSync(join(dir, f))) : 'folder']),
  );
}

/**
 * A submission within every limit (0,4 MB, 150.000 shared strings, 6 MB unzipped) that needs more than a 16 MB heap
 * to read: a reading thread given that little dies of it, as a larger file would with the real limit.
 */
function heavyWorkbook(): Uint8Array {
  const n = 150_000;
  const si = Array.from({ length: n }, (_, i) => `<si><t>Ghi chú số ${i} của đơn vị, viết dài cho đủ</t></si>`).join(
    '',
  );
  const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const sst = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${main}" count="${n}" uniqueCount="${n}">${si}</sst>`;
  const info = infoSheetXml({ 'Mã đơn vị': '103', 'Tên đơn vị': 'Thị xã Nam' });
  const sheets = [
    { name: 'Thông tin', xml: info },
    { name: 'Số liệu', xml: figuresSheetXml() },
  ];
  return rawWorkbook({ sheets, parts: { 'xl/sharedStrings.xml': sst } });
}
