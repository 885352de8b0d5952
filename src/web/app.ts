import { format, isValid, parseISO } from 'date-fns';
import { emptyIssuerFields } from '../core/write/report/issuer.js';
import {
  chooseEdition,
  formEditions,
  loadCatalogue,
  MEASURES,
  MEASURE_LABEL,
  type Catalogue,
} from '../core/catalogue/catalogue.js';
import { consolidate, type Consolidation, type Found } from '../core/consolidate/consolidate.js';
import type { Issue, Period, Rollup } from '../core/model.js';
import { provinceOwnRefusal, templateFileName, templateWorkbook } from '../core/form/template.js';
import { programmeAreaColumn } from '../core/units/programme-column.js';
import { parseHierarchy, type Hierarchy } from '../core/units/hierarchy.js';
import { DEFAULT_LIMITS } from '../core/read/limits.js';
import { parseSavedRollup } from '../core/rollup/saved.js';
import { formatNumber, formatPercent } from '../core/util/number.js';
import { parsePeriodArg, periodsOfYear } from '../core/util/period.js';
import { assertCatalogue } from '../core/catalogue/check.js';
import { validationJson, withEditionWarning, type CheckedFile } from '../core/validate/check-file.js';
import { verdictLine } from '../core/validate/verdict.js';
import { assessments } from '../core/write/report/wording.js';
import { emptyConfigNotice, type Config } from '../core/config.js';
import { consolidationOutputs, type Made, type OutputFile, type OutputKind } from '../core/outputs/outputs.js';
import { newRunId } from '../core/util/run-id.js';
import {
  filesCounted,
  nothingAcceptedReason,
  partialUnitText,
  spreadOverProvinces,
  whyNotUsed,
} from '../core/consolidate/run-summary.js';
import { configUnitsName, currentConfig, setupConfigForm } from './config-form.js';
import { MIME, byId, downloadLink, h, jsonText, releaseDownloads, saveFile, setContent } from './dom.js';
import { filesFromDrop, filesFromInput, foundFromFiles } from './picked-files.js';
import type { PageWorkerUnits, PageWorkerSetup } from './protocol.js';
import { annotateInWorker, prewarmWorkers, readInWorkers, type PageFile } from './read-pool.js';
import { editionFor, editionLabel, editions, nationalUnits } from './units.js';
import { setupEntry } from './entry/entry-tab.js';
import type { UnitSource } from '../core/units/source.js';

const LIMITS = DEFAULT_LIMITS;

/** The unit list the user gave (#danh-muc), parsed once; otherwise the built-in editions are used. */
let ownUnits: { name: string; bytes: Uint8Array; hierarchy: Hierarchy; programmeArea?: string[] } | undefined;
/** Last period's roll-up (#ky-truoc). */
let previous: { name: string; text: string; rollup: Rollup } | undefined;

export function startApp(): void {
  try {
    assertCatalogue();
  } catch (err) {
    // The program's own catalogue is broken: said once, before any file is read (never as a refused file).
    document.body.prepend(h('p', { class: 'alert bad', id: 'loi-danh-muc' }, `Lỗi: ${(err as Error).message}`));
    return;
  }
  setupTabs();
  showChosenNames();
  setupUnitList();
  setupValidate();
  setupConsolidate();
  setupTemplates();
  rerun.push(setupEntry(() => ownUnits?.hierarchy));
  // A file dropped outside the drop areas would make the browser open it in place of the page.
  for (const type of ['dragover', 'drop']) window.addEventListener(type, (e) => e.preventDefault());
  document.body.dataset.ready = 'true';
  setTimeout(prewarmWorkers, 300);
}

// ───────────────────────────── tabs ─────────────────────────────

/** Beside each file button: what was chosen. */
function showChosenNames(): void {
  for (const input of document.querySelectorAll<HTMLInputElement>('input[type="file"]')) {
    const shown = document.querySelector<HTMLElement>(`.chosen[data-for="${input.id}"]`);
    if (!shown) continue;
    const update = () => {
      const files = [...(input.files ?? [])];
      const folder = files[0]?.webkitRelativePath.split('/')[0];
      shown.textContent =
        files.length === 0
          ? 'chưa chọn'
          : folder
            ? `thư mục "${folder}" (${formatNumber(files.length)} tệp)`
            : files.length === 1
              ? files[0]!.name
              : `${formatNumber(files.length)} tệp`;
    };
    input.addEventListener('change', update);
    // Cleared from code (another input chosen, "Bỏ…"): the name goes too.
    input.addEventListener('bdg-cleared', update);
  }
}

function clearInput(input: HTMLInputElement): void {
  input.value = '';
  input.dispatchEvent(new Event('bdg-cleared'));
}

function setupTabs(): void {
  const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const select = (tab: HTMLButtonElement, focus: boolean) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      byId(t.getAttribute('aria-controls')!).hidden = !on;
    }
    // The unit list serves checking and consolidating; templates choose from the built-in lists.
    byId('khung-danh-muc').hidden = tab.id === 'the-bieu-mau';
    if (focus) tab.focus();
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => select(tab, false));
    tab.addEventListener('keydown', (e) => {
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      select(tabs[(to + tabs.length) % tabs.length]!, true);
    });
  });
}

// ───────────────────────────── unit list ─────────────────────────────

const rerun: (() => void)[] = [];

function setupUnitList(): void {
  const input = byId<HTMLInputElement>('danh-muc');
  const status = byId('trang-thai-danh-muc');
  const clear = byId<HTMLButtonElement>('bo-danh-muc');
  const builtinText = 'Đang dùng danh mục có sẵn, theo kỳ báo cáo của tệp (trước hoặc từ 1/7/2025).';
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    try {
      const hierarchy = await parseHierarchy(bytes, file.name);
      ownUnits = { name: file.name, bytes, hierarchy, programmeArea: programmeAreaColumn(bytes, file.name) };
      status.className = 'muted';
      status.textContent = `Đang dùng danh mục riêng "${file.name}": ${hierarchy.root.name} (${formatNumber(hierarchy.units.length)} đơn vị).`;
      clear.hidden = false;
    } catch (err) {
      ownUnits = undefined;
      status.className = 'alert bad';
      status.textContent = `Không dùng được danh mục "${file.name}": ${(err as Error).message}. Sửa tệp rồi chọn lại; trong lúc này trang dùng danh mục có sẵn.`;
      clearInput(input);
    }
    refreshTemplateEditions();
    for (const r of rerun) r();
  });
  clear.addEventListener('click', () => {
    ownUnits = undefined;
    clearInput(input);
    status.className = 'muted';
    status.textContent = builtinText;
    clear.hidden = true;
    refreshTemplateEditions();
    for (const r of rerun) r();
  });
}

// ───────────────────────────── issues ─────────────────────────────

function issueTables(issues: Issue[], severity: 'error' | 'warning'): HTMLElement {
  const title =
    severity === 'error' ? `✖ ${formatNumber(issues.length)} lỗi` : `⚠ ${formatNumber(issues.length)} cảnh báo`;
  const bySheet = new Map<string, Issue[]>();
  for (const i of issues) bySheet.set(i.sheet ?? '', [...(bySheet.get(i.sheet ?? '') ?? []), i]);
  return h(
    'div',
    { class: `issues-${severity}` },
    h('h3', {}, title),
    [...bySheet].map(([sheet, list]) =>
      h(
        'table',
        {},
        h('caption', { class: 'muted', style: 'text-align:left' }, sheet ? `Sheet "${sheet}"` : 'Tệp'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'Ô'),
            h('th', {}, 'Chỉ tiêu'),
            h('th', {}, 'Giá trị'),
            h('th', {}, 'Nội dung và cách sửa'),
            h('th', {}, 'Mã quy tắc'),
          ),
        ),
        h(
          'tbody',
          {},
          list.map((i) =>
            h(
              'tr',
              {},
              h('td', { class: 'code' }, i.cell ?? ''),
              h('td', { class: 'code' }, i.indicator ?? ''),
              h(
                'td',
                { class: 'num' },
                i.value === undefined || i.value === null
                  ? ''
                  : typeof i.value === 'number'
                    ? formatNumber(i.value)
                    : i.value,
              ),
              h('td', {}, i.message),
              h('td', { class: 'code' }, i.rule),
            ),
          ),
        ),
      ),
    ),
  );
}

// ───────────────────────────── Kiểm tra tệp ─────────────────────────────

function setupValidate(): void {
  const input = byId<HTMLInputElement>('tep-kiem-tra');
  let current: File | undefined;
  const run = () => current && void validateFile(current);
  input.addEventListener('change', () => {
    current = input.files?.[0];
    run();
  });
  dropZone('tha-kiem-tra', async (data) => {
    const [first] = await filesFromDrop(data);
    if (first) {
      current = first.file;
      run();
    }
  });
  rerun.push(run);
}

let validateRun = 0;

async function validateFile(file: File): Promise<void> {
  const run = ++validateRun;
  const out = byId('ket-qua-kiem-tra');
  releaseDownloads('kiem-tra');
  setContent(out, h('p', { class: 'muted' }, `Đang kiểm tra "${file.name}"…`));
  let checked: CheckedFile;
  let unitsNote: string;
  try {
    ({ checked, unitsNote } = await checkOneFile(file));
  } catch (err) {
    if (run === validateRun)
      setContent(out, h('p', { class: 'alert bad' }, `Không kiểm tra được: ${(err as Error).message}`));
    return;
  }
  if (run !== validateRun) return;
  // As `bdg validate`: read against its own edition, warned when its period uses another.
  checked = withEditionWarning(checked);
  const json = validationJson(checked);
  const base = file.name.replace(/\.xlsx$/i, '');
  const c = checked;
  // A copy with the errors marked on the cells and listed on a sheet of their own (the same as `bdg validate
  // --annotate`: its errors and its warnings), made on a worker while the results are already shown.
  const copyLine =
    c.errors.length && !c.errors.some((e) => e.rule.startsWith('file-'))
      ? h('span', { class: 'muted', id: 'tien-do-danh-dau' }, 'Đang tạo bản đánh dấu lỗi…')
      : null;
  const who = whoLine(c);
  const verdict = h(
    'p',
    { class: `alert ${c.valid ? 'good' : 'bad'}`, id: 'ket-luan-kiem-tra' },
    `${c.valid ? '' : '✖ '}${verdictLine(c, 'below')}`,
  );
  setContent(
    out,
    h('h3', {}, `Kết quả kiểm tra: ${file.name}`),
    who && h('p', {}, who),
    h('p', { class: 'muted' }, unitsNote),
    verdict,
    h(
      'div',
      { class: 'downloads' },
      downloadLink(
        'kiem-tra',
        `kiem-tra-${base}.json`,
        jsonText(json),
        MIME.json,
        'Tải kết quả kiểm tra (.json)',
        'tai-kiem-tra-json',
      ),
      copyLine,
    ),
    c.errors.length > 0 && issueTables(c.errors, 'error'),
    c.warnings.length > 0 && issueTables(c.warnings, 'warning'),
  );
  if (!copyLine) return;
  const copy = await annotateInWorker(file, [...c.errors, ...c.warnings], LIMITS, (done) => {
    if (run === validateRun) copyLine.textContent = `Đang tạo bản đánh dấu lỗi… ${formatPercent(done)}`;
  });
  if (run !== validateRun) return;
  copyLine.replaceWith(
    copy.ok
      ? downloadLink(
          'kiem-tra',
          `${base}-danh-dau-loi.xlsx`,
          copy.bytes,
          MIME.xlsx,
          'Tải bản đánh dấu lỗi',
          'tai-danh-dau-loi',
        )
      : h('p', { class: 'alert warn', id: 'bo-qua-danh-dau' }, copy.skipped.message),
  );
}

/** One file read and checked on a worker, against the page's own unit list or the built-in one of its period. */
async function checkOneFile(file: File): Promise<{ checked: CheckedFile; unitsNote: string }> {
  const job: PageFile[] = [{ file, rel: file.name.normalize('NFC') }];
  if (ownUnits) {
    const setup = setupFor({ kind: 'file', name: ownUnits.name, bytes: ownUnits.bytes });
    const [checked] = (await readInWorkers(job, setup, () => {}, 1)) as [CheckedFile];
    return { checked, unitsNote: `Đối chiếu với danh mục riêng "${ownUnits.name}".` };
  }
  // The edition follows the file's period: the worker finds it, then checks the file against that list.
  const [checked] = (await readInWorkers(job, setupFor({ kind: 'builtin-by-period' }), () => {}, 1)) as [CheckedFile];
  const edition = editionFor(checked.period ? parsePeriodArg(checked.period) : null);
  return { checked, unitsNote: `Đối chiếu với ${edition.name}.` };
}

/** "Đơn vị: … · Kỳ báo cáo: … · Biểu mẫu: …" of a checked file, or nothing when its unit is unknown. */
function whoLine(c: CheckedFile): string {
  if (!c.unit) return '';
  return [
    `Đơn vị: ${c.unit.code}${c.unit.name ? ` – ${c.unit.name}` : ''}`,
    c.periodLabel && `Kỳ báo cáo: ${c.periodLabel}`,
    c.submission?.info.version && `Biểu mẫu: ${c.submission.info.version}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

function setupFor(units: PageWorkerUnits): PageWorkerSetup {
  const { cutoff } = currentConfig().config;
  return {
    units,
    limits: LIMITS,
    previous: previous && { name: previous.name, text: previous.text },
    ...(cutoff ? { cutoff } : {}),
  };
}

// ───────────────────────────── Tổng hợp ─────────────────────────────

/** Files last read, with what was read of them: a change of report settings rolls up again without re-reading. */
let lastRead:
  | {
      files: PageFile[];
      found: Found[];
      checked: CheckedFile[];
      units: UnitSource;
      period?: Period;
      form?: string;
      runId: string;
    }
  | undefined;

/** The form editions (catalogue/editions.csv) as options, the first one meaning "the edition of the period". */
function formOptions(select: HTMLSelectElement, auto: string): void {
  select.replaceChildren(
    h('option', { value: '' }, auto),
    ...formEditions().map((e) => h('option', { value: e.id }, `${e.id} – ${e.name}`)),
  );
}

function periodOptions(select: HTMLSelectElement, withAuto: boolean, chosen?: string): void {
  const year = new Date().getFullYear();
  const options: HTMLOptionElement[] = [];
  if (withAuto) options.push(h('option', { value: '' }, 'Theo kỳ của đa số tệp'));
  for (let y = year + 1; y >= 2020; y--)
    for (const p of periodsOfYear(y)) options.push(h('option', { value: p.id, selected: p.id === chosen }, p.label));
  select.replaceChildren(...options);
}

function setupConsolidate(): void {
  const files = byId<HTMLInputElement>('tep-tong-hop');
  const folder = byId<HTMLInputElement>('thu-muc-tong-hop');
  const period = byId<HTMLSelectElement>('ky-bao-cao');
  const again = byId<HTMLButtonElement>('nut-tong-hop');
  const prevInput = byId<HTMLInputElement>('ky-truoc');
  const prevClear = byId<HTMLButtonElement>('bo-ky-truoc');
  const form = byId<HTMLSelectElement>('bieu-mau-tong-hop');
  let chosen: PageFile[] | undefined;
  periodOptions(period, true);
  formOptions(form, 'Theo kỳ báo cáo');
  const run = () => {
    if (!chosen) return;
    again.disabled = false;
    void consolidateFiles(chosen, period.value || undefined, form.value || undefined);
  };
  files.addEventListener('change', () => {
    chosen = filesFromInput(files.files);
    clearInput(folder);
    run();
  });
  folder.addEventListener('change', () => {
    chosen = filesFromInput(folder.files);
    clearInput(files);
    run();
  });
  dropZone('tha-tong-hop', async (data) => {
    chosen = await filesFromDrop(data);
    run();
  });
  period.addEventListener('change', run);
  form.addEventListener('change', run);
  again.addEventListener('click', run);
  prevInput.addEventListener('change', async () => {
    const file = prevInput.files?.[0];
    if (!file) return;
    const text = await file.text();
    try {
      previous = { name: file.name, text, rollup: parseSavedRollup(text, file.name) };
      prevClear.hidden = false;
      for (const r of rerun) r();
    } catch (err) {
      previous = undefined;
      clearInput(prevInput);
      byId('ket-qua-tong-hop').replaceChildren(
        h('p', { class: 'alert bad' }, `Không dùng được tệp kỳ trước: ${(err as Error).message}`),
      );
    }
  });
  prevClear.addEventListener('click', () => {
    previous = undefined;
    clearInput(prevInput);
    prevClear.hidden = true;
    for (const r of rerun) r();
  });
  rerun.push(run);
  let timer: ReturnType<typeof setTimeout> | undefined;
  setupConfigForm(() => {
    clearTimeout(timer);
    // Settings only change the report and the list of late units: roll up again from what was read.
    timer = setTimeout(() => lastRead && void rollUpAndShow(lastRead), 400);
  });
}

let consolidateRun = 0;

async function consolidateFiles(
  files: PageFile[],
  periodId: string | undefined,
  form: string | undefined,
): Promise<void> {
  const run = ++consolidateRun;
  const out = byId('ket-qua-tong-hop');
  const progressBox = byId('tien-do-tong-hop');
  const bar = byId<HTMLProgressElement>('thanh-tien-do');
  const label = byId('chu-tien-do');
  const progress = (text: string, done: number, total: number) => {
    if (run !== consolidateRun) return;
    progressBox.hidden = false;
    label.textContent = `${text} ${formatNumber(done)}/${formatNumber(total)} tệp`;
    bar.max = Math.max(1, total);
    bar.value = done;
  };
  releaseDownloads('tong-hop');
  setContent(out);
  lastRead = undefined;
  try {
    const { found, byPath } = await foundFromFiles(files);
    const period = periodId ? (parsePeriodArg(periodId) ?? undefined) : undefined;
    // A list the user gave wins; otherwise each file is checked against the built-in edition of its period and the
    // core rolls up under the smallest unit containing every unit that sent a file (as the CLI does).
    const units: UnitSource = ownUnits
      ? { kind: 'list', hierarchy: ownUnits.hierarchy, file: ownUnits.name, programmeArea: ownUnits.programmeArea }
      : { kind: 'builtin' };
    const setup = setupFor(
      ownUnits ? { kind: 'file', name: ownUnits.name, bytes: ownUnits.bytes } : { kind: 'builtin-by-period' },
    );
    const runId = newRunId(new Date());
    let checked: CheckedFile[] = [];
    const read = await consolidateWith(
      found,
      units,
      period,
      form,
      runId,
      async (jobs, onDone) => {
        checked = await readInWorkers(
          jobs.map((j) => byPath.get(j.path as string)!), // the page's paths are the chosen files' names
          setup,
          onDone,
        );
        return checked;
      },
      (done, total) => progress('Đang đọc và kiểm tra tệp:', done, total),
    );
    if (run !== consolidateRun) return;
    lastRead = { files, found, checked, units, period, form, runId };
    await show(read, lastRead, run);
  } catch (err) {
    if (run === consolidateRun)
      setContent(out, h('p', { class: 'alert bad' }, `Không tổng hợp được: ${(err as Error).message}`));
  } finally {
    if (run === consolidateRun) progressBox.hidden = true;
  }
}

function consolidateWith(
  found: Found[],
  units: UnitSource,
  period: Period | undefined,
  form: string | undefined,
  runId: string,
  readFiles: Parameters<typeof consolidate>[0]['readFiles'],
  onProgress?: (done: number, total: number) => void,
): Promise<Consolidation> {
  return consolidate({ found, units, config: currentConfig().config, period, form, runId, readFiles, onProgress });
}

/** The edition rolled up in, and the files converted into it (their warnings say what was not converted). */
function editionNoteOf(rollup: Rollup): string {
  const converted = rollup.files.filter((f) => f.status === 'accepted' && f.convertedFrom);
  const from = [...new Set(converted.map((f) => f.convertedFrom!))].join(', ');
  return `Biểu mẫu ${rollup.edition ?? rollup.catalogueVersion}.${converted.length ? ` Đã chuyển ${formatNumber(converted.length)} tệp theo biểu mẫu ${from} sang biểu mẫu này (xem cảnh báo của từng tệp).` : ''}`;
}

/** What the page says of the list used and the unit rolled up. */
function unitsNoteOf(result: Consolidation): string {
  const scope = result.rollup.scope!;
  if (scope.rootChosenBy === 'list') return `Theo ${scope.unitList}.`;
  return `Theo ${scope.unitList}, phạm vi: ${result.hierarchy.root.name} (đơn vị nhỏ nhất chứa mọi đơn vị đã gửi tệp; nếu không đúng, hãy dùng danh mục riêng).${configUnitsName() ? ` (Tệp cấu hình chỉ định danh mục "${configUnitsName()}": muốn dùng danh mục đó, hãy chọn tệp ở ô "Dùng danh mục riêng".)` : ''}`;
}

async function rollUpAndShow(read: NonNullable<typeof lastRead>): Promise<void> {
  const run = ++consolidateRun;
  const result = await consolidateWith(
    read.found,
    read.units,
    read.period,
    read.form,
    read.runId,
    async (jobs, onDone) => {
      jobs.forEach(() => onDone());
      return read.checked;
    },
  );
  if (run === consolidateRun) await show(result, read, run);
}

async function show(result: Consolidation, read: NonNullable<typeof lastRead>, run: number): Promise<void> {
  const out = byId('ket-qua-tong-hop');
  releaseDownloads('tong-hop');
  const { rollup, catalogue } = result;
  const files = rollup.files;
  // As the CLI: no accepted file, no summary, report or JSON (they would be an empty roll-up), and why.
  if (!files.some((f) => f.status === 'accepted')) return void setContent(out, nothingAccepted(rollup, read.period));
  const { config } = currentConfig();
  const { outputs, links, copies } = await madeOutputs(result, read, config);
  const k = rollup.completeness;
  const counted = filesCounted(files);
  const rejected = files.filter((f) => f.status === 'rejected');
  const spread = spreadOverProvinces(rollup, 'Nếu có tệp gửi nhầm, bỏ tệp đó ra, hoặc dùng danh mục riêng của tỉnh.');
  setContent(
    out,
    h('h3', {}, `Tổng hợp ${rollup.root.name} – ${rollup.periodLabel}`),
    h('p', { class: 'muted' }, unitsNoteOf(result)),
    h('p', { class: 'muted', id: 'bieu-mau-da-dung' }, editionNoteOf(rollup)),
    spread && h('p', { class: 'alert warn' }, spread),
    h('p', { class: 'muted', id: 'ma-lan-tong-hop' }, `Mã lần tổng hợp: ${read.runId}`),
    h(
      'div',
      { class: 'downloads' },
      // Offered in the order people look for them: the summary, the report, the data.
      (['summary', 'report', 'json'] as const).map((kind) => links.get(kind)),
    ),
    h(
      'div',
      { class: 'stats' },
      stat('Tệp đã xét', counted.total, counted.parts, 'so-tep'),
      stat(
        'Đơn vị có số liệu',
        `${formatNumber(k.received)}/${formatNumber(k.expected)}`,
        k.expected ? formatPercent(k.received / k.expected) : '',
      ),
      stat('Chưa có số liệu', k.missing.length, k.missing.length ? 'xem danh sách dưới đây' : 'đủ cả'),
      stat('Tệp bị từ chối', rejected.length, rejected.length ? 'xem lý do dưới đây' : 'không có'),
    ),
    k.missing.length > 0 &&
      h('p', { class: 'alert warn' }, `Chưa có số liệu: ${k.missing.map((m) => `${m.code} ${m.name}`).join('; ')}`),
    (k.partial ?? []).map((p) => h('p', { class: 'alert warn' }, `Số liệu chưa đầy đủ: ${partialUnitText(p)}`)),
    emptyConfigNotice(config, (c) => emptyIssuerFields(c, rollup)) &&
      h(
        'p',
        { class: 'alert warn', id: 'cau-hinh-con-trong' },
        emptyConfigNotice(config, (c) => emptyIssuerFields(c, rollup))!,
      ),
    k.late.length > 0 &&
      h(
        'p',
        { class: 'alert warn' },
        `Nộp muộn (sau hạn ${dayMonthYear(config.deadline)}): ${k.late.map((m) => `${m.code} ${m.name} (lập ngày ${dayMonthYear(m.preparedOn)})`).join('; ')}`,
      ),
    supersededTable(files),
    warningsList(rollup),
    rejected.length > 0 && rejectedTable(rejected, copies),
    ignoredList(rollup),
    totalsTable(rollup, catalogue),
    ratiosTable(rollup, assessments(rollup, catalogue, config)),
  );
  await markCopies(outputs, copies, () => run === consolidateRun);
}

/**
 * The same outputs, under the same names, as `bdg consolidate`, made: the summary, report and JSON as download
 * links; the copies sent back as placeholders, marked on a worker afterwards.
 */
async function madeOutputs(result: Consolidation, read: NonNullable<typeof lastRead>, config: Config) {
  const byRel = new Map(read.files.map((f) => [f.rel, f.file]));
  const outputs = consolidationOutputs(result, {
    config,
    previous: previous?.rollup,
    runId: read.runId,
    madeBy: `bdg ${__BDG_VERSION__}`,
    makers: {
      copy: (job) =>
        copyOf(read, job.source, () => annotateInWorker(byRel.get(job.source)!, job.issues, LIMITS, () => {})),
    },
  }).filter((o) => o.kind !== 'copy' || byRel.has(o.source!));
  const main = outputs.filter((o) => o.kind !== 'copy');
  const made = await Promise.all(main.map((o) => o.make()));
  const links = new Map(
    main.map((o, i) => {
      const m = made[i]!;
      if (!m.ok) throw new Error(m.skipped.message);
      const { mime, label, id } = DOWNLOADS[o.kind as Exclude<OutputKind, 'copy'>];
      return [o.kind, downloadLink('tong-hop', o.name, m.bytes, mime, label, id)];
    }),
  );
  const copies = new Map(outputs.filter((o) => o.kind === 'copy').map((o) => [o.source!, copyPlaceholder(o)]));
  return { outputs, links, copies };
}

/** Copies already made for the files last read: a change of report settings does not mark them again. */
const copiesMade = new WeakMap<object, Map<string, Promise<Made>>>();

function copyOf(read: object, source: string, make: () => Promise<Made>): Promise<Made> {
  const made = copiesMade.get(read) ?? new Map<string, Promise<Made>>();
  copiesMade.set(read, made);
  if (!made.has(source)) made.set(source, make());
  return made.get(source)!;
}

/** What each output is offered as. */
const DOWNLOADS: Record<Exclude<OutputKind, 'copy'>, { mime: string; label: string; id: string }> = {
  summary: { mime: MIME.xlsx, label: 'Tải bảng tổng hợp (.xlsx)', id: 'tai-tong-hop-xlsx' },
  report: { mime: MIME.docx, label: 'Tải báo cáo (.docx)', id: 'tai-bao-cao-docx' },
  json: { mime: MIME.json, label: 'Tải dữ liệu tổng hợp (.json)', id: 'tai-tong-hop-json' },
};

/** Where a copy's link will be, in its row of the refused files, while it is being made. */
function copyPlaceholder(out: OutputFile): HTMLElement {
  return h('span', { class: 'muted ban-danh-dau', 'data-tep': out.source }, 'Đang tạo bản đánh dấu lỗi…');
}

/**
 * The copies sent back, one at a time on a worker (as the CLI's marking thread does): each becomes a link in its
 * row, saved under the file's own name, or the reason it could not be made. One link per file, not one archive:
 * each copy goes back to its own unit, as the CLI's tra-lai/ holds one file per refused file.
 */
async function markCopies(
  outputs: OutputFile[],
  shown: Map<string, HTMLElement>,
  current: () => boolean,
): Promise<void> {
  for (const out of outputs.filter((o) => o.kind === 'copy')) {
    if (!current()) return;
    const made = await out.make();
    if (!current()) return;
    const name = out.name.slice(out.name.lastIndexOf('/') + 1);
    shown
      .get(out.source!)
      ?.replaceWith(
        made.ok
          ? downloadLink('tong-hop', name, made.bytes, MIME.xlsx, 'Tải bản đánh dấu lỗi', undefined)
          : h('span', { class: 'alert warn bo-qua-danh-dau' }, made.skipped.message),
      );
  }
}

/** Why nothing can be downloaded, in the CLI's words (core/consolidate/run-summary.ts), and what each file was. */
function nothingAccepted(rollup: Rollup, period: Period | undefined): HTMLElement {
  const reason = nothingAcceptedReason(rollup, {
    source: 'trong các tệp đã chọn',
    recheck: 'Chọn lại các tệp báo cáo.',
    periodChosen: period ? ' (chọn ở ô "Kỳ báo cáo")' : '',
    periodFix: 'Chọn lại ở ô "Kỳ báo cáo".',
  });
  return h(
    'div',
    { id: 'khong-tiep-nhan' },
    reason.map((line) => h('p', { class: 'alert bad' }, line)),
    h(
      'ul',
      {},
      rollup.files.map((f) => h('li', {}, h('b', {}, f.path), `: ${whyNotUsed(f)}`)),
    ),
    h(
      'p',
      { class: 'muted' },
      'Không có kết quả nào để tải. Để có bản đánh dấu lỗi gửi lại đơn vị, chọn từng tệp ở mục "Kiểm tra tệp".',
    ),
  );
}

/** Earlier sends of a unit, or files counted through another: which file was used instead, and why. */
function supersededTable(files: Rollup['files']): HTMLElement | false {
  const superseded = files.filter((f) => f.status === 'superseded');
  return (
    superseded.length > 0 &&
    h(
      'div',
      {},
      h('h3', {}, `Thay bằng tệp khác (${formatNumber(superseded.length)})`),
      h(
        'table',
        { id: 'bang-thay-the' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Tệp', 'Đơn vị', 'Dùng tệp', 'Lý do'].map((title) => h('th', {}, title)),
          ),
        ),
        h(
          'tbody',
          {},
          superseded.map((f) =>
            h(
              'tr',
              {},
              h('td', {}, f.path),
              h('td', { class: 'code' }, f.unit ?? ''),
              h('td', {}, f.supersededBy ?? ''),
              h('td', {}, f.reason ?? ''),
            ),
          ),
        ),
      ),
    )
  );
}

/** Warnings shown before the first ones are folded away, as the CLI prints them. */
const WARNINGS_SHOWN = 3;

/** Accepted files with warnings: unit, file, how many, the first ones and the rest folded. */
function warningsList(rollup: Rollup): HTMLElement | false {
  const warned = rollup.files.filter((f) => f.status === 'accepted' && (f.warnings?.length ?? 0) > 0);
  const unitName = (code: string) => rollup.units.find((u) => u.code === code)?.name ?? '';
  return (
    warned.length > 0 &&
    h(
      'div',
      { id: 'canh-bao-tong-hop' },
      h('h3', {}, `Cảnh báo cần xem lại (${formatNumber(warned.length)} đơn vị)`),
      h(
        'ul',
        {},
        warned.map((f) => {
          const ws = f.warnings!;
          const unit = f.unit ? `${f.unit} ${unitName(f.unit)}`.trim() : f.path;
          return h(
            'li',
            {},
            h('b', {}, unit),
            ` (${f.path}): ${formatNumber(ws.length)} cảnh báo`,
            h(
              'ul',
              {},
              ws.slice(0, WARNINGS_SHOWN).map((w) => h('li', {}, w.message)),
            ),
            ws.length > WARNINGS_SHOWN &&
              h(
                'details',
                {},
                h('summary', {}, `và ${formatNumber(ws.length - WARNINGS_SHOWN)} cảnh báo khác`),
                h(
                  'ul',
                  {},
                  ws.slice(WARNINGS_SHOWN).map((w) => h('li', {}, w.message)),
                ),
              ),
          );
        }),
      ),
    )
  );
}

/** 2024-12-20 → 20/12/2024, as dates are written in Vietnam. */
function dayMonthYear(iso: string | undefined): string {
  if (!iso) return '';
  const date = parseISO(iso);
  return isValid(date) ? format(date, 'dd/MM/yyyy') : iso;
}

function stat(title: string, value: number | string, note: string, id?: string): HTMLElement {
  const shown = typeof value === 'number' ? formatNumber(value) : value;
  return h('div', { class: 'stat', id }, h('b', {}, shown), title, note && h('div', { class: 'muted' }, note));
}

function rejectedTable(rejected: Rollup['files'], copies: Map<string, HTMLElement>): HTMLElement {
  return h(
    'div',
    {},
    h('h3', {}, `Tệp bị từ chối (${formatNumber(rejected.length)})`),
    h(
      'p',
      { class: 'muted' },
      'Gửi lại cho đơn vị: mở tệp, sửa theo từng lỗi (xem chi tiết ở mục "Kiểm tra tệp"), lưu lại rồi gửi lại.',
    ),
    h(
      'table',
      { id: 'bang-tu-choi' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Tệp', 'Đơn vị', 'Lý do', 'Bản đánh dấu lỗi'].map((title) => h('th', {}, title)),
        ),
      ),
      h(
        'tbody',
        {},
        rejected.map((f) => {
          const errors = f.errors ?? [];
          return h(
            'tr',
            {},
            h('td', {}, f.path),
            h('td', { class: 'code' }, f.unit ?? ''),
            h(
              'td',
              {},
              errors[0]?.message ?? '',
              errors.length > 1 &&
                h(
                  'details',
                  {},
                  h('summary', {}, `và ${formatNumber(errors.length - 1)} lỗi khác`),
                  h(
                    'ul',
                    {},
                    errors.slice(1).map((e) => h('li', {}, e.message)),
                  ),
                ),
            ),
            h('td', {}, copies.get(f.path) ?? ''),
          );
        }),
      ),
    ),
  );
}

function ignoredList(rollup: Rollup): HTMLElement | false {
  const ignored = rollup.files.filter((f) => f.status === 'ignored');
  return (
    ignored.length > 0 &&
    h(
      'details',
      {},
      h('summary', {}, `Bỏ qua ${formatNumber(ignored.length)} tệp`),
      h(
        'ul',
        {},
        ignored.map((f) => h('li', {}, `${f.path}: ${f.reason ?? ''}`)),
      ),
    )
  );
}

function totalsTable(rollup: Rollup, catalogue: Catalogue): HTMLElement {
  const cell = (v: number | null | undefined, applies: boolean) =>
    h('td', { class: 'num' }, !applies ? '' : v === null || v === undefined ? '–' : formatNumber(v));
  return h(
    'details',
    { open: true },
    h('summary', {}, `Số liệu tổng hợp của ${rollup.root.name}`),
    h(
      'table',
      { id: 'bang-so-lieu' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'Mã'),
          h('th', {}, 'Chỉ tiêu'),
          h('th', {}, 'Đơn vị tính'),
          MEASURES.map((m) => h('th', { class: 'num' }, MEASURE_LABEL[m])),
          h('th', { class: 'num' }, 'Đơn vị báo cáo'),
        ),
      ),
      h(
        'tbody',
        {},
        catalogue.indicators.map((ind) => {
          const t = rollup.totals[ind.code];
          return h(
            'tr',
            {},
            h('td', { class: 'code' }, ind.code),
            h('td', {}, ind.name),
            h('td', {}, ind.unit),
            MEASURES.map((m) => cell(t?.[m], m === 'total' || ind.breakdowns.includes(m))),
            h('td', { class: 'num' }, t ? `${formatNumber(t.reported)}/${formatNumber(t.expected)}` : ''),
          );
        }),
      ),
    ),
  );
}

/** The ratios, assessed in the DOCX's own words (report/wording.ts `assessment`). */
function ratiosTable(rollup: Rollup, words: Map<string, string>): HTMLElement | false {
  return (
    rollup.ratios.length > 0 &&
    h(
      'details',
      { open: true },
      h('summary', {}, 'Các tỷ lệ'),
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'Tỷ lệ'),
            h('th', { class: 'num' }, 'Kết quả'),
            h('th', { class: 'num' }, 'Mục tiêu'),
            h('th', {}, 'Đánh giá'),
          ),
        ),
        h(
          'tbody',
          {},
          rollup.ratios.map((r) =>
            h(
              'tr',
              {},
              h('td', {}, r.name),
              h(
                'td',
                { class: 'num' },
                r.numerator === 0 && r.denominator === 0
                  ? 'Không phát sinh'
                  : r.value === null
                    ? 'Chưa có số liệu'
                    : formatPercent(r.value),
              ),
              h('td', { class: 'num' }, r.target === null ? '' : `${formatNumber(r.target, 1)}%`),
              h('td', {}, words.get(r.id) ?? ''),
            ),
          ),
        ),
      ),
    )
  );
}

// ───────────────────────────── Biểu mẫu ─────────────────────────────

const TEMPLATE_KEY = 'bdg.bieu-mau';

function refreshTemplateEditions(): void {
  const select = byId<HTMLSelectElement>('bm-danh-muc');
  const period = parsePeriodArg(byId<HTMLSelectElement>('bm-ky').value);
  const wanted = select.dataset.chosen ?? editionFor(period).id;
  const options = editions().map((e) => h('option', { value: e.id, selected: e.id === wanted }, editionLabel(e)));
  if (ownUnits)
    options.push(h('option', { value: 'rieng', selected: wanted === 'rieng' }, `Danh mục riêng "${ownUnits.name}"`));
  select.replaceChildren(...options);
  if (!select.value) select.value = editionFor(period).id;
  refreshProvinces();
}

function templateUnits(): Hierarchy {
  const id = byId<HTMLSelectElement>('bm-danh-muc').value;
  if (id === 'rieng' && ownUnits) return ownUnits.hierarchy;
  return nationalUnits(id);
}

function refreshProvinces(): void {
  const units = templateUnits();
  const select = byId<HTMLSelectElement>('bm-tinh');
  const saved = readSaved().province;
  const provinces = units.root.level === 'Quốc gia' ? units.children(units.root.code) : [units.root];
  select.replaceChildren(
    ...provinces.map((p) => h('option', { value: p.code, selected: p.code === saved }, `${p.code} – ${p.name}`)),
  );
  refreshUnits();
}

function refreshUnits(): void {
  const units = templateUnits();
  const province = byId<HTMLSelectElement>('bm-tinh').value;
  const select = byId<HTMLSelectElement>('bm-don-vi');
  const saved = readSaved().unit;
  const top = units.byCode.get(province);
  if (!top) return void select.replaceChildren();
  const depth = (code: string) => units.ancestors(code).length - units.ancestors(province).length;
  select.replaceChildren(
    ...[top, ...units.descendants(province)].map((u) =>
      h(
        'option',
        { value: u.code, selected: u.code === saved },
        `${'\u00a0\u00a0\u00a0\u00a0'.repeat(depth(u.code))}${u.code} – ${u.name}`,
      ),
    ),
  );
}

function readSaved(): { province?: string; unit?: string } {
  try {
    return JSON.parse(localStorage.getItem(TEMPLATE_KEY) ?? '{}') as { province?: string; unit?: string };
  } catch {
    return {};
  }
}

function remember(): void {
  try {
    localStorage.setItem(
      TEMPLATE_KEY,
      JSON.stringify({
        province: byId<HTMLSelectElement>('bm-tinh').value,
        unit: byId<HTMLSelectElement>('bm-don-vi').value,
      }),
    );
  } catch {
    // Not remembered when storage is off.
  }
}

function setupTemplates(): void {
  const period = byId<HTMLSelectElement>('bm-ky');
  const edition = byId<HTMLSelectElement>('bm-danh-muc');
  const form = byId<HTMLSelectElement>('bm-phien-ban');
  periodOptions(period, false, String(new Date().getFullYear()));
  formOptions(form, 'Theo kỳ báo cáo');
  period.addEventListener('change', () => {
    delete edition.dataset.chosen;
    refreshTemplateEditions();
  });
  edition.addEventListener('change', () => {
    edition.dataset.chosen = edition.value;
    refreshProvinces();
  });
  byId('bm-tinh').addEventListener('change', () => {
    refreshUnits();
    remember();
  });
  byId('bm-don-vi').addEventListener('change', remember);
  refreshTemplateEditions();
  const status = byId('trang-thai-bieu-mau');
  const provinceOwn = byId<HTMLInputElement>('bm-cap-tinh');
  const agency = byId<HTMLInputElement>('bm-co-quan');
  provinceOwn.addEventListener('change', () => (agency.disabled = !provinceOwn.checked));
  byId('tai-bieu-mau').addEventListener('click', async () => {
    const p = parsePeriodArg(period.value);
    const unit = templateUnits().byCode.get(byId<HTMLSelectElement>('bm-don-vi').value);
    if (!p || !unit) {
      status.textContent = 'Chọn kỳ báo cáo và đơn vị trước.';
      return;
    }
    const catalogue = loadCatalogue(chooseEdition(form.value || undefined, p).id);
    // The province's own form (form-2026.md §5), made by the same core function as the CLI's.
    const own = provinceOwn.checked ? { agency: agency.value } : undefined;
    const refused = own ? provinceOwnRefusal(unit, catalogue) : null;
    if (refused) {
      status.textContent = `Không tạo được biểu mẫu riêng của các cơ quan, đơn vị cấp tỉnh: ${refused}`;
      return;
    }
    const chosen = { catalogue, period: p, own };
    const name = templateFileName(unit, chosen);
    saveFile(name, (await templateWorkbook(unit, chosen).xlsx.writeBuffer()) as ArrayBuffer, MIME.xlsx);
    const whose = own ? `các cơ quan, đơn vị cấp tỉnh của ${unit.name}` : unit.name;
    status.textContent = `Đã tạo ${name} (${whose}, ${p.label}, biểu mẫu ${catalogue.version}).`;
  });
}

// ───────────────────────────── drag and drop ─────────────────────────────

function dropZone(id: string, onDrop: (data: DataTransfer) => Promise<void>): void {
  const zone = byId(id);
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (e.dataTransfer) void onDrop(e.dataTransfer);
  });
}
