import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { bdg, ROOT } from './helpers/cli.js';
import { figuresFor, THREE_LEVEL, writeSubmission, writeUnits } from './helpers/province.js';
import { tempDir } from './helpers/workbooks.js';

const OUTPUTS = ['bao-cao-10-2024.docx', 'tong-hop-10-2024.json', 'tong-hop-10-2024.xlsx'];

/** Every file under the output folder, relative, hidden ones included. */
function files(out: string): string[] {
  return existsSync(out) ? readdirSync(out, { recursive: true }).map(String).sort() : [];
}
const temps = (out: string) => files(out).filter((f) => /(^|\/)\.bdg-.*\.tmp$|\.tmp$/.test(f));

/** The run id each output carries: the JSON's runId, the workbook's `Mã lần tổng hợp`, the DOCX custom property. */
async function runIds(out: string): Promise<{ json: string; xlsx: string; docx: string }> {
  const json = JSON.parse(readFileSync(join(out, 'tong-hop-10-2024.json'), 'utf8')).runId as string;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(join(out, 'tong-hop-10-2024.xlsx'));
  let xlsx = '';
  wb.getWorksheet('Thông tin')!.eachRow((row) => {
    if (row.getCell(1).value === 'Mã lần tổng hợp') xlsx = String(row.getCell(2).value);
  });
  const custom = await (
    await JSZip.loadAsync(readFileSync(join(out, 'bao-cao-10-2024.docx')))
  )
    .file('docProps/custom.xml')!
    .async('string');
  const docx = /<vt:lpwstr>([^<]*)<\/vt:lpwstr>/.exec(custom)?.[1] ?? '';
  return { json, xlsx, docx };
}

/** The folder holds exactly one complete set: the three outputs, the same run id in each, and that set's copies. */
async function expectOneSet(out: string): Promise<string> {
  for (const f of OUTPUTS) expect(existsSync(join(out, f)), f).toBe(true);
  const ids = await runIds(out);
  expect(ids.xlsx).toBe(ids.json);
  expect(ids.docx).toBe(ids.json);
  // Beside them, only this or an interrupted run's own files (lock, temporary files), all named .bdg-….
  expect(files(out).filter((f) => !/(^|\/)\.bdg-/.test(f))).toEqual([...OUTPUTS, 'tra-lai', 'tra-lai/103.xlsx']);
  return ids.json;
}

/** Starts the real CLI and SIGKILLs it the moment `when` holds for the output folder (polled as fast as possible). */
async function killWhen(args: string[], out: string, when: (names: string[]) => boolean): Promise<boolean> {
  const child = spawn(process.execPath, [resolve(ROOT, 'bin/bdg.js'), ...args], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  let running = true;
  void exited.then(() => (running = false));
  let killed = false;
  while (running) {
    if (when(files(out))) {
      killed = child.kill('SIGKILL');
      break;
    }
    await new Promise((r) => setImmediate(r));
  }
  await exited;
  return killed && child.signalCode === 'SIGKILL';
}

describe('outputs as one set', () => {
  let root: string;
  let dir: string;
  let units: string;
  let args: (out: string, force?: boolean) => string[];
  beforeAll(async () => {
    root = tempDir('bdg-set-');
    units = writeUnits(root, THREE_LEVEL);
    dir = join(root, 'in');
    await writeSubmission(join(dir, '101.xlsx'), { code: '101', name: 'Huyện Đông' }, figuresFor(1, 4));
    await writeSubmission(join(dir, '102.xlsx'), { code: '102', name: 'Huyện Tây' }, figuresFor(2, 4));
    const bad = figuresFor(3, 4);
    bad['DA8.20'] = { total: 150_000_000 };
    await writeSubmission(join(dir, '103.xlsx'), { code: '103', name: 'Thị xã Nam' }, bad);
    args = (out, force = true) => [
      'consolidate',
      dir,
      '--units',
      units,
      '--out',
      out,
      '--workers',
      '1',
      ...(force ? ['--force'] : []),
    ];
  });

  it(
    'killed at any point while writing, the folder holds the previous set or the new one; the next run clears what is left',
    { timeout: 480_000 },
    async () => {
      const out = join(root, 'out');
      expect(bdg(args(out, false)).status).toBe(1); // one file rejected: exit 1, outputs written
      let previous = await expectOneSet(out);
      const tmp = (names: string[]) => names.filter((n) => /\.tmp$/.test(n));
      const points: [string, (names: string[]) => boolean][] = [
        ['the first output is staged', (n) => tmp(n).length >= 1],
        ['three outputs are staged', (n) => tmp(n).length >= 3],
        ['the copy sent back is staged', (n) => n.some((x) => x.startsWith('tra-lai/.bdg-'))],
        ['the switch begins', (n) => n.includes('.bdg-switch.json') || n.some((x) => x.endsWith('.switch.tmp'))],
      ];
      // From the switch on, the run may pass its commit point and finish the renames between the moment the folder
      // is seen and the moment the signal lands (a few files renamed): then the new set is whole, as it must be.
      const mayHaveCommitted = (label: string) => label === 'the switch begins';
      let kills = 0;
      for (const [label, when] of points) {
        const killed = await killWhen(args(out), out, when);
        if (killed) kills++;
        const pending = existsSync(join(out, '.bdg-switch.json'));
        if (!pending) {
          // Not yet committed: the previous set, whole; or the run had finished: the new set, whole.
          const now = await expectOneSet(out);
          if (killed && !mayHaveCommitted(label)) expect(now, label).toBe(previous);
        }
        // The next run (refusing to overwrite without --force) finishes an interrupted switch and removes leftovers.
        const next = bdg(args(out, false));
        expect(next.status, `${label}: ${next.stderr}`).toBe(2);
        expect(next.stderr).toContain('--force');
        expect(temps(out), label).toEqual([]);
        expect(files(out), label).toEqual([...OUTPUTS, 'tra-lai', 'tra-lai/103.xlsx']);
        previous = await expectOneSet(out);
      }
      // The first three points come well before the end of a run: each must have been hit.
      expect(kills).toBeGreaterThanOrEqual(3);
    },
  );

  it(
    'a second run into a folder another run is writing says so and exits 2; a lock left by a dead run is taken over',
    { timeout: 240_000 },
    async () => {
      const out = join(root, 'locked');
      expect(bdg(args(out)).status).toBe(1);
      const first = await expectOneSet(out);
      const holder = spawn('sleep', ['60']);
      try {
        writeFileSync(join(out, '.bdg-lock'), JSON.stringify({ pid: holder.pid, started: new Date().toISOString() }));
        const r = bdg(args(out));
        expect(r.status).toBe(2);
        expect(r.stderr).toContain(`một lần tổng hợp khác (tiến trình ${holder.pid}`);
        expect(r.stderr).toContain(`đang ghi vào thư mục "${out}"`);
        expect(await expectOneSet(out)).toBe(first);
      } finally {
        holder.kill();
      }
      const gone = spawnSync('true').pid;
      writeFileSync(join(out, '.bdg-lock'), JSON.stringify({ pid: gone }));
      const r = bdg(args(out));
      expect(r.status, r.stderr).toBe(1);
      expect(await expectOneSet(out)).not.toBe(first);
      expect(existsSync(join(out, '.bdg-lock'))).toBe(false);
    },
  );

  it(
    'Ctrl-C while writing: exit 130, the previous set intact, no lock or temporary file left',
    { timeout: 240_000 },
    async () => {
      const out = join(root, 'interrupted');
      expect(bdg(args(out)).status).toBe(1);
      const first = await expectOneSet(out);
      // The outputs stay staged 3 s before the switch (a test hook): a run this small is otherwise over in a few ms.
      const env = { ...process.env, NO_COLOR: '1', BDG_TEST_PAUSE_BEFORE_SWITCH_MS: '3000' };
      const child = spawn(process.execPath, [resolve(ROOT, 'bin/bdg.js'), ...args(out)], { env });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      let running = true;
      const exited = new Promise<number | null>((done) => child.on('exit', (code) => ((running = false), done(code))));
      while (running && !files(out).some((f) => /\.tmp$/.test(f))) await new Promise((r) => setImmediate(r));
      expect(running, `the run ended before writing: ${stderr}`).toBe(true);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toContain('Đã dừng. Kết quả đã có (nếu có) vẫn giữ nguyên.');
      expect(temps(out)).toEqual([]);
      expect(existsSync(join(out, '.bdg-lock'))).toBe(false);
      expect(await expectOneSet(out)).toBe(first);
    },
  );

  it('Ctrl-C on a terminal stops the progress bar and gives the cursor back', { timeout: 240_000 }, async () => {
    const out = join(root, 'terminal');
    // `script` runs the CLI on a pseudo-terminal, as in a console window; Ctrl-C is the byte 0x03 typed into it.
    const command = [process.execPath, resolve(ROOT, 'bin/bdg.js'), ...args(out)].map((a) => `'${a}'`).join(' ');
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
    delete env.CI;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env });
    let screen = '';
    child.stdout.on('data', (d) => (screen += d));
    let running = true;
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => ((running = false), done(code))));
    const HIDE = '\x1b[?25l';
    const SHOW = '\x1b[?25h';
    while (running && !screen.includes(HIDE)) await new Promise((r) => setTimeout(r, 10));
    child.stdin.write('\x03');
    expect(await exited).toBe(130);
    expect(screen.lastIndexOf(SHOW)).toBeGreaterThan(screen.lastIndexOf(HIDE));
    expect(screen).toContain('Đã dừng.');
    expect(files(out)).toEqual([]);
  });
});
