import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import '../src/node/package-data-files.js';
import { EMPTY_CONFIG } from '../src/core/config.js';
import type { Rollup } from '../src/core/model.js';
import { renderReport } from '../src/core/write/report/index.js';
import { checkFileGuarded, FILES_PER_THREAD, readParallel, readingThreads } from '../src/node/read-files.js';
import { DEFAULT_LIMITS } from '../src/core/read/limits.js';
import { startEarly, takeEarly } from '../src/node/reader-thread.js';
import { startReportThread, type ReportThread } from '../src/node/report-thread.js';
import { ROOT } from './helpers/cli.js';

const rollup = (): Rollup => JSON.parse(readFileSync(join(ROOT, 'fixtures/dak-lak/tong-hop-66-2023.json'), 'utf8'));
const documentXml = (docx: Uint8Array) => strFromU8(unzipSync(docx)['word/document.xml']!);

/** The report rendered on `thread` and on this thread: the same document. */
async function expectSameReport(thread: ReportThread): Promise<void> {
  const [there, here] = await Promise.all([
    thread.render(rollup(), EMPTY_CONFIG),
    renderReport(rollup(), EMPTY_CONFIG),
  ]);
  expect(documentXml(there)).toEqual(documentXml(here));
  expect(documentXml(there)).toContain('Đắk Lắk');
}

describe('threads of a consolidation', () => {
  it('one reading thread for a province, more only as the files pay for them, never more than asked', () => {
    expect(FILES_PER_THREAD).toBe(500);
    expect([0, 1, 300, 500].map((n) => readingThreads(n, 2))).toEqual([1, 1, 1, 1]);
    expect([501, 1000, 3321].map((n) => readingThreads(n, 2))).toEqual([2, 2, 2]);
    expect(readingThreads(3321, 8)).toBe(7);
    expect(readingThreads(3321, 1)).toBe(1);
  });

  it('a reading thread started before the options are read takes its setup later, once, and reads as a new one does', async () => {
    const file = join(ROOT, 'fixtures/dak-lak/nop-bao-cao-2024/646-huyen-ea-sup.xlsx');
    const setup = { unitsFile: join(ROOT, 'fixtures/dak-lak/don-vi.csv') };
    startEarly();
    const early = await checkFileGuarded(file, setup);
    // Handed out to that read: none is left for another.
    expect(takeEarly(setup)).toBeUndefined();
    const fresh = await checkFileGuarded(file, setup);
    expect(early).toEqual(fresh);
    expect(early.unit).toMatchObject({ code: '646' });
    expect(early.errors.map((e) => e.rule)).toEqual(fresh.errors.map((e) => e.rule));
    expect(early.errors.length).toBeGreaterThan(0);
  }, 60_000);

  it('the report thread writes the report the main thread would write', async () => {
    const thread = startReportThread();
    await expectSameReport(thread);
  }, 60_000);

  it('the report thread, sent only the files the report reads, still sees the province’s own submission', async () => {
    const own = rollup();
    own.files = [
      ...own.files,
      { path: 'so-lao-dong.xlsx', unit: own.root.code, status: 'accepted', errors: [], warnings: [] },
    ];
    const [there, here] = await Promise.all([
      startReportThread().render(own, EMPTY_CONFIG),
      renderReport(own, EMPTY_CONFIG),
    ]);
    expect(documentXml(there)).toEqual(documentXml(here));
    expect(documentXml(there)).toContain('các sở, ban, ngành, Hội Liên hiệp Phụ nữ tỉnh và');
  }, 60_000);

  it('the report thread reads files as a reading thread does while it waits, then writes its report', async () => {
    const setup = { unitsFile: join(ROOT, 'fixtures/dak-lak/don-vi.csv') };
    const dir = join(ROOT, 'fixtures/dak-lak/nop-bao-cao-2024');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.xlsx'))
      .sort()
      .map((f) => ({ path: join(dir, f), rel: f }));
    const byReader = await readParallel(files, setup, 1, () => {});
    const thread = startReportThread([], setup);
    // Handed to the pool as the run's one reading thread, it reads them all; let go after its part, it stays.
    const byReportThread = await readParallel(files, setup, 1, () => {}, [thread.helper!]);
    expect(byReportThread).toEqual(byReader);
    expect(byReader.filter((f) => f.valid).length).toBeGreaterThan(5);
    await expectSameReport(thread);
  }, 60_000);

  it('a report thread the run stopped (a file it read ran over the limit): the report gets a thread of its own', async () => {
    const setup = {
      unitsFile: join(ROOT, 'fixtures/dak-lak/don-vi.csv'),
      limits: { ...DEFAULT_LIMITS, maxMillisPerFile: 1 },
    };
    const file = join(ROOT, 'fixtures/dak-lak/nop-bao-cao-2024/646-huyen-ea-sup.xlsx');
    const thread = startReportThread([], setup);
    const [late] = await readParallel([{ path: file, rel: 'x.xlsx' }], setup, 1, () => {}, [thread.helper!]);
    expect(late!.errors.map((e) => e.rule)).toEqual(['file-timeout']);
    await expectSameReport(thread);
  }, 60_000);

  it('a report that cannot be written fails the run with its own error, and the thread is gone', async () => {
    const thread = startReportThread();
    const broken = { ...rollup(), catalogueVersion: 'BDG-1999.9' };
    const expected = await renderReport(broken, EMPTY_CONFIG).then(
      () => 'no error',
      (err: Error) => err.message,
    );
    expect(expected).not.toBe('no error');
    await expect(thread.render(broken, EMPTY_CONFIG)).rejects.toThrow(expected);
    thread.stop();
  }, 60_000);
});
