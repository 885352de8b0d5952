import { mkdir, open, readFile, readdir, rename, rm, rmdir, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { format } from 'date-fns';
import { describeFsError } from './safe-write.js';
import { UsageError } from '../core/errors.js';
import { TRA_LAI } from '../core/outputs/outputs.js';

/**
 * The outputs of one run, put in place as one set.
 *
 * Every output is first written under a temporary name beside its final one (`.bdg-<run id>.<name>.tmp`). When all
 * are written, a switch record (`.bdg-switch.json`, itself written then renamed into place) lists the renames and
 * the previous set's files to drop; from that moment the new set is committed. The renames follow, then the
 * record is removed. A run killed before the record exists leaves the previous set untouched (its temporary files
 * are removed by the next run); killed after, the next run finishes the switch from the record. The folder thus
 * holds the complete previous set or the complete new one (the renames themselves take microseconds; a run killed
 * inside them leaves the record, and the next run into the folder completes them before anything else).
 *
 * A lock file (`.bdg-lock`, created exclusively, holding the pid) keeps two runs from writing one folder; a lock
 * whose process is gone is taken over. Outside a run, the folder holds only the outputs.
 */
export const LOCK_FILE = '.bdg-lock';
export const SWITCH_FILE = '.bdg-switch.json';
/** The subfolder of copies sent back to their units. */
export { TRA_LAI } from '../core/outputs/outputs.js';
const TEMP = /^\.bdg-.+\.tmp$/;
/** Temporary files of writeFileAtomic (".name.1a2b3c4d.tmp"). */
const OLD_TEMP = /^\..+\.[0-9a-f]{8}\.tmp$/;

interface SwitchRecord {
  runId: string;
  renames: [temp: string, final: string][];
  remove: string[];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class OutputSet {
  private staged: [string, string][] = [];
  private releasing: Promise<void> | undefined;
  /** The folder did not exist before this run: a run that writes nothing leaves no folder behind. */
  private created = false;
  private committed = false;
  private aborted = false;
  /** True from the moment the switch record exists until the renames are done. */
  switching = false;
  /** The switch record is in place: what was staged belongs to it and is no longer this run's to remove. */
  private recorded = false;

  private constructor(
    readonly dir: string,
    readonly runId: string,
  ) {}

  /** Takes the folder's lock (exit 2 if another live run holds it), finishes or clears what an interrupted run left. */
  static async open(dir: string, runId: string): Promise<OutputSet> {
    const existed = await stat(dir).then(
      () => true,
      () => false,
    );
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw new UsageError(`không tạo được thư mục kết quả "${dir}": ${describeFsError(err)}.`);
    }
    const set = new OutputSet(dir, runId);
    set.created = !existed;
    await set.lock();
    try {
      await set.recover();
    } catch (err) {
      await set.release();
      throw err;
    }
    return set;
  }

  private async lock(): Promise<void> {
    const path = join(this.dir, LOCK_FILE);
    for (let attempt = 0; attempt < 3; attempt++) {
      let handle: FileHandle | undefined;
      try {
        handle = await open(path, 'wx');
        await handle.writeFile(
          JSON.stringify({ pid: process.pid, runId: this.runId, started: new Date().toISOString() }),
        );
        await handle.close();
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          if (handle)
            await handle
              .close()
              .then(() => rm(path, { force: true }))
              .catch(() => undefined);
          throw new UsageError(`không tạo được tệp khóa trong "${this.dir}": ${describeFsError(err)}.`);
        }
      }
      const holder = await readFile(path, 'utf8')
        .then((t) => JSON.parse(t) as { pid?: number; started?: string })
        .catch(() => null);
      if (holder?.pid && holder.pid !== process.pid && alive(holder.pid))
        throw new UsageError(
          `một lần tổng hợp khác (tiến trình ${holder.pid}${holder.started ? `, bắt đầu lúc ${format(new Date(holder.started), 'HH:mm:ss dd/MM/yyyy')}` : ''}) đang ghi vào thư mục "${this.dir}". Chờ lần đó xong rồi chạy lại, hoặc chọn thư mục khác bằng --out.`,
        );
      // The run that held it is gone (killed, power cut): take the folder over.
      await rm(path, { force: true });
    }
    throw new UsageError(`không giữ được tệp khóa "${path}": thư mục đang bị một chương trình khác dùng.`);
  }

  /** Finishes a switch an interrupted run had committed, and removes temporary files nobody will use. */
  private async recover(): Promise<void> {
    const record = await readFile(join(this.dir, SWITCH_FILE), 'utf8')
      .then((t) => JSON.parse(t) as SwitchRecord)
      .catch(() => null);
    try {
      if (record) await this.apply(record);
      for (const path of await walk(this.dir)) {
        const name = basename(path);
        if (TEMP.test(name) || OLD_TEMP.test(name)) await rm(path, { force: true });
      }
    } catch (err) {
      throw new UsageError(
        `không dọn được những gì lần chạy trước để lại trong "${this.dir}": ${describeFsError(err)}.`,
      );
    }
  }

  /** Writes one output under its temporary name. */
  async stage(finalPath: string, data: Uint8Array | string): Promise<void> {
    if (this.aborted) throw new UsageError('đã dừng.');
    const temp = join(dirname(finalPath), `.bdg-${this.runId}.${basename(finalPath)}.tmp`);
    this.staged.push([temp, finalPath]); // before writing: an abort meanwhile removes it too
    try {
      await mkdir(dirname(finalPath), { recursive: true });
      await writeFile(temp, data);
    } catch (err) {
      await rm(temp, { force: true });
      throw new UsageError(
        `không ghi được "${finalPath}": ${describeFsError(err)}. Kết quả cũ (nếu có) vẫn giữ nguyên, không có tệp dở dang nào được để lại.`,
      );
    }
  }

  /** Puts every staged output in place at once (see the class comment), dropping the previous set's leftovers. */
  async commit(): Promise<void> {
    // Test hook: the outputs stay staged this long before the switch, so that a test can stop the run in between.
    const pause = Number(process.env.BDG_TEST_PAUSE_BEFORE_SWITCH_MS ?? 0);
    if (pause > 0) await new Promise((done) => setTimeout(done, pause));
    if (this.aborted) throw new UsageError('đã dừng.');
    const finals = this.staged.map(([, f]) => f);
    const rel = (p: string) => relative(this.dir, p).split(sep).join('/');
    // Copies sent back by the previous run that this run does not send again (the unit's file is now accepted).
    const previous = (await walk(join(this.dir, TRA_LAI), true)).filter(
      (f) => !finals.includes(f) && !TEMP.test(basename(f)),
    );
    const record: SwitchRecord = {
      runId: this.runId,
      renames: this.staged.map(([t, f]) => [rel(t), rel(f)]),
      remove: previous.map(rel),
    };
    const recordTemp = join(this.dir, `.bdg-${this.runId}.switch.tmp`);
    try {
      await writeFile(recordTemp, JSON.stringify(record));
      // Stopped meanwhile (Ctrl-C): no switch; the record and what was staged are removed by the abort.
      if (this.aborted) {
        await rm(recordTemp, { force: true });
        throw new UsageError('đã dừng.');
      }
      this.switching = true;
      await rename(recordTemp, join(this.dir, SWITCH_FILE)); // the commit point
      this.recorded = true;
    } catch (err) {
      // Before the commit point: nothing of the previous set was touched; the caller removes what was staged.
      this.switching = false;
      await rm(recordTemp, { force: true }).catch(() => undefined);
      if (this.aborted) throw err;
      throw new UsageError(
        `không ghi được bản ghi chuyển đổi kết quả "${join(this.dir, SWITCH_FILE)}": ${describeFsError(err)}. Kết quả cũ (nếu có) vẫn giữ nguyên, không có tệp dở dang nào được để lại.`,
      );
    }
    try {
      await this.apply(record);
    } catch (err) {
      // After it: the record stays, and the next run into this folder finishes the switch before anything else.
      throw new UsageError(
        `chưa đặt xong các tệp kết quả mới vào "${this.dir}": ${describeFsError(err)}. Khắc phục lỗi này rồi chạy lại lệnh: lần chạy sau sẽ hoàn tất việc thay kết quả cũ bằng kết quả mới.`,
      );
    }
    this.switching = false;
    this.committed = true;
    this.staged = [];
  }

  private async apply(record: SwitchRecord): Promise<void> {
    const abs = (p: string) => join(this.dir, ...p.split('/'));
    // A temporary file already gone was renamed before an interruption; any other failure keeps the record.
    const gone = (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    };
    for (const [temp, final] of record.renames) await rename(abs(temp), abs(final)).catch(gone);
    for (const old of record.remove) await rm(abs(old), { force: true });
    await rm(join(this.dir, SWITCH_FILE), { force: true });
  }

  /** Removes what this run staged (an error or Ctrl-C before the switch). */
  async abort(): Promise<void> {
    this.aborted = true;
    if (this.recorded) return; // the next run finishes the switch from the record
    // Never fails: it runs while another error is being reported; what it cannot remove, the next run removes.
    const remove = (path: string) => rm(path, { force: true }).catch(() => undefined);
    for (const [temp] of this.staged) await remove(temp);
    this.staged = [];
    // A write still under way when the run was stopped may have created its file after the removal above.
    const mine = `.bdg-${this.runId}.`;
    for (const path of await walk(this.dir)) if (basename(path).startsWith(mine)) await remove(path);
  }

  /**
   * Gives the folder back. Called from the run and from a Ctrl-C handler at once: both wait for the same removal,
   * so neither exits the process while the lock is still there.
   */
  release(): Promise<void> {
    this.releasing ??= this.removeLock();
    return this.releasing;
  }

  private async removeLock(): Promise<void> {
    const path = join(this.dir, LOCK_FILE);
    const holder = await readFile(path, 'utf8')
      .then((t) => JSON.parse(t) as { pid?: number })
      .catch(() => null);
    // A lock that cannot be removed is taken over by the next run (its process is gone).
    if (holder?.pid === process.pid) await rm(path, { force: true }).catch(() => undefined);
    if (this.created && !this.committed) await rmdir(this.dir).catch(() => undefined); // only if nothing else is there
  }
}

/** Files of the output folder: its own and those of its `tra-lai` subfolder tree (never a person's other folders). */
async function walk(dir: string, inside = false): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (inside || e.name === TRA_LAI) out.push(...(await walk(p, true)));
    } else out.push(p);
  }
  return out;
}
