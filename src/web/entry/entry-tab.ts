import {
  chooseEdition,
  loadCatalogue,
  MEASURE_LABEL,
  measuresOf,
  type Catalogue,
  type Indicator,
  type Measure,
} from '../../core/catalogue/catalogue.js';
import {
  checkDraft,
  emptyDraft,
  entryLayout,
  ENTRY_INFO,
  figureCell,
  infoCell,
  draftOfSubmission,
  tidyTyped,
  type EntryDraft,
  type EntryInfoKey,
  type EntryLayout,
} from '../../core/form/entry.js';
import { HEADER_OF, INFO_FIELDS, NARRATIVE_LABELS, SHEET } from '../../core/form/layout.js';
import { formLines } from '../../core/form/lines.js';
import type { Issue, NarrativeKey } from '../../core/model.js';
import type { Hierarchy } from '../../core/units/hierarchy.js';
import { readSubmissionBytes } from '../../core/read/submission.js';
import { formatNumber } from '../../core/util/number.js';
import { halfYearPeriod, parsePeriodArg, yearPeriod } from '../../core/util/period.js';
import type { CheckedFile } from '../../core/validate/check-file.js';
import { draftWorkbook } from '../../core/write/entry-workbook.js';
import { MIME, byId, h, saveFile, setContent } from '../dom.js';
import { editionFor, nationalUnits } from '../units.js';
import { clearDraft, loadDraft, saveDraft, savedAtText } from './drafts.js';

/**
 * The "Nhập số liệu" tab: the form of the period's edition typed on the page. What is typed is kept as typed (a
 * draft), read by the core's reader from the template's cells and checked by the core's rules on every change
 * (src/core/form/entry.ts): the page has no check of its own, only where to show what the core says.
 */

interface Cell {
  input: HTMLInputElement | HTMLTextAreaElement;
  /** Where the cell's messages go. */
  note: HTMLElement;
}

interface State {
  catalogue: Catalogue;
  draft: EntryDraft;
  units: Hierarchy;
  /** Figure and info cells by "Sheet!A1", as messages name them. */
  cells: Map<string, Cell>;
  /** Figure inputs by measure, in row order (for Enter and pasting a column). */
  columns: Record<Measure, HTMLInputElement[]>;
  marked: Set<Cell>;
  last?: CheckedFile;
}

let state: State | undefined;
let ownList: () => Hierarchy | undefined = () => undefined;

const key = (sheet: string, cell: string) => `${sheet}!${cell}`;

/** Sets the tab up; the returned function is called when the user's own unit list changes. */
export function setupEntry(own: () => Hierarchy | undefined): () => void {
  ownList = own;
  const period = byId<HTMLSelectElement>('nh-ky');
  const year = new Date().getFullYear();
  const options: HTMLOptionElement[] = [];
  for (let y = year + 1; y >= 2020; y--)
    for (const p of [yearPeriod(y), halfYearPeriod(y)])
      options.push(h('option', { value: p.id, selected: p.id === String(year) }, p.label));
  period.replaceChildren(...options);
  period.addEventListener('change', () => refreshProvinces());
  byId('nh-tinh').addEventListener('change', () => refreshUnits());
  byId('nh-don-vi').addEventListener('change', () => openForm());
  byId('nh-tai').addEventListener('click', () => void download());
  const file = byId<HTMLInputElement>('nh-tep');
  byId('nh-mo').addEventListener('click', () => file.click());
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    file.value = '';
    if (f) void openFile(f);
  });
  byId('nh-xoa').addEventListener('click', () => {
    if (!state) return;
    clearDraft(state.draft);
    openForm();
    byId('nh-thong-bao').textContent = 'Đã xóa bản nháp của đơn vị và kỳ này.';
  });
  refreshProvinces();
  return () => refreshProvinces();
}

function unitList(): Hierarchy {
  return ownList() ?? nationalUnits(editionFor(parsePeriodArg(byId<HTMLSelectElement>('nh-ky').value)).id);
}

function refreshProvinces(wanted?: string, open = true): void {
  const units = unitList();
  const select = byId<HTMLSelectElement>('nh-tinh');
  const keep = wanted ?? select.value;
  const provinces = units.root.level === 'Quốc gia' ? units.children(units.root.code) : [units.root];
  select.replaceChildren(...provinces.map((p) => h('option', { value: p.code, selected: p.code === keep }, p.name)));
  refreshUnits(undefined, open);
}

/** The units of the chosen province; the form of the chosen one opened unless `open` is false. */
function refreshUnits(wanted?: string, open = true): void {
  const units = unitList();
  const province = byId<HTMLSelectElement>('nh-tinh').value;
  const select = byId<HTMLSelectElement>('nh-don-vi');
  const keep = wanted ?? select.value;
  const top = units.byCode.get(province);
  const list = top ? [top, ...units.descendants(province)] : [];
  const depth = (code: string) => units.ancestors(code).length - units.ancestors(province).length;
  select.replaceChildren(
    h('option', { value: '' }, '— chọn đơn vị —'),
    ...list.map((u) =>
      h(
        'option',
        { value: u.code, selected: u.code === keep },
        `${'\u00a0\u00a0'.repeat(depth(u.code))}${u.name} (${u.code})`,
      ),
    ),
  );
  if (open) openForm();
}

/** Lays out the form of the chosen unit and period, with its draft if there is one. */
function openForm(replacement?: EntryDraft): void {
  const periodId = byId<HTMLSelectElement>('nh-ky').value;
  const units = unitList();
  const unit = units.byCode.get(byId<HTMLSelectElement>('nh-don-vi').value);
  const area = byId('nh-bieu');
  const period = parsePeriodArg(periodId);
  if (!unit || !period) {
    state = undefined;
    setContent(area, h('p', { class: 'muted' }, 'Chọn tỉnh, đơn vị và kỳ báo cáo để mở biểu mẫu.'));
    setContent(byId('nh-tong-ket'));
    byId('nh-luu').textContent = '';
    return;
  }
  const catalogue = loadCatalogue(chooseEdition(undefined, period).id);
  const saved = replacement ? undefined : loadDraft(unit.code, periodId, catalogue.version);
  const draft =
    replacement ?? saved?.draft ?? emptyDraft({ code: unit.code, name: unit.name }, periodId, catalogue.version);
  draft.unit = { code: unit.code, name: unit.name };
  state = { catalogue, draft, units, cells: new Map(), columns: { total: [], nu: [], dtts: [] }, marked: new Set() };
  shown = '\u0000'; // a new form: its cells have not been marked yet
  const title = h('p', { class: 'muted' }, `Biểu mẫu ${catalogue.version} · ${unit.name} · ${period.label}`);
  setContent(area, title, infoPart(state), figuresPart(state), narrativePart(state));
  byId('nh-luu').textContent = saved ? savedAtText(saved.savedAt) : 'Chưa có bản nháp.';
  if (replacement) persist();
  recheck();
}

// ───────── the parts of the form ─────────

function infoPart(s: State): HTMLElement {
  const labels = new Map(INFO_FIELDS.map((f) => [f.key, f.label]));
  const rows = ENTRY_INFO.map((k) => {
    const id = `nh-tt-${k}`;
    const input = h('input', {
      id,
      type: 'text',
      autocomplete: 'off',
      ...(k === 'preparedOn' ? { placeholder: 'dd/mm/yyyy', inputmode: 'numeric', maxlength: 10 } : {}),
      ...(k === 'phone' ? { inputmode: 'tel' } : {}),
    });
    input.value = s.draft.info[k] ?? '';
    const note = h('div', { class: 'cell-msg', id: `${id}-loi`, hidden: true });
    input.addEventListener('input', () => {
      s.draft.info[k as EntryInfoKey] = input.value;
      changed();
    });
    s.cells.set(key(SHEET.info, infoCell(entryLayout(s.catalogue), k)), { input, note });
    return [h('label', { for: id }, labels.get(k)!), h('div', {}, input, note)];
  });
  const grid = h('div', { class: 'grid narrow' }, ...rows.flat());
  return h('fieldset', { class: 'entry-info' }, h('legend', {}, SHEET.info), grid);
}

/** `Số liệu`: the form's rows in a table, a heading row for each group and section. */
function figuresPart(s: State): HTMLElement {
  const layout = entryLayout(s.catalogue);
  const head = h(
    'tr',
    {},
    ...(['stt', 'code', 'name', 'unit', 'total', 'nu', 'dtts', 'note'] as const).map((c) =>
      h('th', { scope: 'col', class: `c-${c}` }, HEADER_OF[c]),
    ),
  );
  const body = h('tbody', {});
  for (const line of formLines(s.catalogue)) {
    if (line.kind === 'indicator') body.append(...indicatorRows(s, layout, line.ind, line.stt));
    else body.append(h('tr', { class: `entry-${line.kind}` }, h('th', { colspan: 8, scope: 'rowgroup' }, line.text)));
  }
  return h(
    'fieldset',
    { class: 'entry-figures' },
    h('legend', {}, SHEET.data),
    h(
      'p',
      { class: 'muted' },
      'Ô xám: không áp dụng. Để trống nếu không có số liệu; ghi 0 nếu bằng không. ' +
        'Số viết kiểu Việt Nam: 1.234; 1.643,5. Enter: xuống dòng dưới; Tab: sang ô bên.',
    ),
    h('table', { class: 'entry-table' }, h('thead', {}, head), body),
  );
}

/** An indicator's row (its figures and note), and under it the row of its messages, hidden until it has some. */
function indicatorRows(s: State, layout: EntryLayout, ind: Indicator, stt: number): HTMLElement[] {
  const applies = new Set(measuresOf(ind));
  const msgRow = h('tr', { class: 'entry-msgs', hidden: true });
  const note = h('td', { colspan: 8 });
  msgRow.append(note);
  const figure = (m: Measure) => figureInputCell(s, layout, ind, m, applies.has(m), note);
  const noteInput = indicatorNoteInput(s, ind);
  const row = h(
    'tr',
    { class: 'entry-row', id: `nh-dong-${ind.code}` },
    h('td', { class: 'num' }, stt),
    h('td', { class: 'code' }, ind.code),
    h('td', {}, ind.name),
    h('td', {}, ind.unit),
    figure('total'),
    figure('nu'),
    figure('dtts'),
    h('td', {}, noteInput),
  );
  return [row, msgRow];
}

/**
 * The cell of one figure, its messages shown in `note`: typed, tidied, moved through with Enter and pasted into as
 * a column; greyed out where the indicator has no such figure.
 */
function figureInputCell(
  s: State,
  layout: EntryLayout,
  ind: Indicator,
  m: Measure,
  applies: boolean,
  note: HTMLElement,
): HTMLElement {
  const name = `${ind.code} – ${MEASURE_LABEL[m]}`;
  const input = h('input', {
    type: 'text',
    'aria-label': name,
    inputmode: 'decimal',
    autocomplete: 'off',
    class: 'fig',
    'data-code': ind.code,
    'data-m': m,
  });
  input.value = s.draft.figures[ind.code]?.[m] ?? '';
  if (!applies) {
    input.disabled = true;
    input.title = `Không áp dụng: chỉ tiêu ${ind.code} không tách theo ${MEASURE_LABEL[m]}`;
  } else {
    input.addEventListener('input', () => typed(ind.code, m, input.value));
    input.addEventListener('change', () => {
      const tidy = tidyTyped(input.value);
      if (tidy !== input.value) typed(ind.code, m, (input.value = tidy));
    });
    input.addEventListener('keydown', (e) => move(e, m, input));
    input.addEventListener('paste', (e) => paste(e, m, input));
  }
  s.columns[m].push(input);
  s.cells.set(key(SHEET.data, figureCell(layout, ind.code, m)), { input, note });
  return h('td', { class: applies ? 'num' : 'num na' }, input);
}

/** The "Ghi chú" of an indicator, kept in the draft as typed. */
function indicatorNoteInput(s: State, ind: Indicator): HTMLInputElement {
  const input = h('input', { type: 'text', 'aria-label': `${ind.code} – Ghi chú`, autocomplete: 'off' });
  input.value = s.draft.notes[ind.code] ?? '';
  input.addEventListener('input', () => {
    s.draft.notes[ind.code] = input.value;
    changed();
  });
  return input;
}

function narrativePart(s: State): HTMLElement {
  const parts = (Object.entries(NARRATIVE_LABELS) as [NarrativeKey, string][]).map(([k, label]) => {
    const id = `nh-tm-${k}`;
    const area = h('textarea', { id, rows: 2 });
    area.value = s.draft.narrative[k] ?? '';
    area.addEventListener('input', () => {
      s.draft.narrative[k] = area.value;
      changed();
    });
    return [h('label', { for: id }, label), area];
  });
  const grid = h('div', { class: 'grid' }, ...parts.flat());
  return h('fieldset', { class: 'entry-narrative' }, h('legend', {}, SHEET.narrative), grid);
}

// ───────── typing ─────────

function typed(code: string, m: Measure, value: string): void {
  if (!state) return;
  const row = (state.draft.figures[code] ??= {});
  if (value.trim()) row[m] = value;
  else delete row[m];
  changed();
}

function changed(): void {
  persist();
  recheck();
}

function persist(): void {
  if (!state) return;
  const at = saveDraft(state.draft);
  byId('nh-luu').textContent = at ? savedAtText(at) : 'Không lưu được bản nháp trên máy này (trình duyệt chặn bộ nhớ).';
}

/** Enter moves down the column as in a spreadsheet (Shift+Enter up); Tab is the browser's own. */
function move(e: KeyboardEvent, m: Measure, input: HTMLInputElement): void {
  if (e.key !== 'Enter' || !state) return;
  e.preventDefault();
  const column = state.columns[m];
  const step = e.shiftKey ? -1 : 1;
  for (let i = column.indexOf(input) + step; i >= 0 && i < column.length; i += step)
    if (!column[i]!.disabled) {
      column[i]!.focus();
      column[i]!.select();
      return;
    }
}

/** A block copied from Excel (lines, cells split by tabs) fills this cell, the cells below and to the right. */
function paste(e: ClipboardEvent, m: Measure, input: HTMLInputElement): void {
  const text = e.clipboardData?.getData('text/plain') ?? '';
  if (!state || !/[\n\t]/.test(text.replace(/\r?\n$/, ''))) return;
  e.preventDefault();
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  const measures: Measure[] = ['total', 'nu', 'dtts'];
  const start = state.columns[m].indexOf(input);
  let skipped = 0;
  lines.forEach((line, i) => {
    line.split('\t').forEach((value, j) => {
      const col = measures[measures.indexOf(m) + j];
      const target = col && state!.columns[col][start + i];
      if (!target) return;
      if (target.disabled) {
        if (value.trim()) skipped++;
        return;
      }
      target.value = tidyTyped(value);
      const row = (state!.draft.figures[target.dataset.code!] ??= {});
      if (target.value) row[col] = target.value;
      else delete row[col];
    });
  });
  const dropped = skipped ? ` ${formatNumber(skipped)} giá trị rơi vào ô xám (không áp dụng) nên không được nhập.` : '';
  byId('nh-thong-bao').textContent = `Đã dán ${formatNumber(lines.length)} dòng.${dropped}`;
  changed();
}

// ───────── what the core says ─────────

function recheck(): void {
  if (!state) return;
  const units = state.units;
  const checked = checkDraft(state.draft, state.catalogue, fileName(state.draft), { units });
  state.last = checked;
  show(checked);
}

/** What was last shown: the same findings are not shown again (a list rebuilt under the pointer loses its click). */
let shown = '';

function show(c: CheckedFile): void {
  const s = state!;
  const all: Issue[] = [...c.errors, ...c.warnings];
  const signature = all.map((i) => `${i.sheet}!${i.cell} ${i.message}`).join('\n');
  if (signature === shown) return;
  shown = signature;
  for (const cell of s.marked) {
    cell.input.removeAttribute('aria-invalid');
    cell.input.classList.remove('bad', 'warn');
    cell.input.removeAttribute('aria-describedby');
    cell.note.replaceChildren();
    (cell.note.closest('tr.entry-msgs') ?? cell.note).toggleAttribute('hidden', true);
  }
  s.marked.clear();
  const items: HTMLElement[] = [];
  for (const issue of all) {
    const cell = issue.sheet && issue.cell ? s.cells.get(key(issue.sheet, issue.cell)) : undefined;
    const kind = issue.severity === 'error' ? 'bad' : 'warn';
    if (cell) {
      s.marked.add(cell);
      if (issue.severity === 'error') cell.input.setAttribute('aria-invalid', 'true');
      cell.input.classList.add(kind);
      const id = cell.note.id || (cell.note.id = `nh-loi-${Math.random().toString(36).slice(2)}`);
      cell.input.setAttribute('aria-describedby', id);
      cell.note.append(h('p', { class: `msg ${kind}`, 'data-rule': issue.rule }, issue.message));
      (cell.note.closest('tr.entry-msgs') ?? cell.note).toggleAttribute('hidden', false);
    }
    const where = issue.cell ? `${issue.sheet ?? ''} ${issue.cell}`.trim() : '';
    const jump = cell
      ? h('button', { type: 'button', class: 'link-button' }, where || 'Đến ô')
      : where
        ? h('span', { class: 'muted' }, where)
        : null;
    jump?.addEventListener('click', () => {
      cell!.input.scrollIntoView({ block: 'center' });
      cell!.input.focus();
    });
    const attrs = { class: kind, 'data-rule': issue.rule, 'data-cell': where };
    items.push(h('li', attrs, jump, jump ? ' ' : '', issue.message));
  }
  const verdict =
    c.errors.length === 0
      ? `Chưa thấy lỗi${c.warnings.length ? `; ${formatNumber(c.warnings.length)} cảnh báo nên xem lại` : ''}. ` +
        'Có thể tải tệp .xlsx để gửi.'
      : `${formatNumber(c.errors.length)} lỗi${c.warnings.length ? `, ${formatNumber(c.warnings.length)} cảnh báo` : ''}: ` +
        'sửa các ô được đánh dấu trước khi gửi.';
  setContent(
    byId('nh-tong-ket'),
    h('p', { class: `alert ${c.errors.length ? 'bad' : 'good'}`, id: 'nh-ket-luan' }, verdict),
    items.length > 0 && h('ul', { class: 'entry-issues', 'aria-label': 'Các lỗi và cảnh báo' }, ...items),
  );
}

// ───────── files ─────────

function fileName(draft: EntryDraft): string {
  return `bao-cao-${draft.unit.code}-${draft.period}.xlsx`;
}

async function download(): Promise<void> {
  const note = byId('nh-thong-bao');
  if (!state) {
    note.textContent = 'Chọn đơn vị và kỳ báo cáo trước.';
    return;
  }
  const wb = draftWorkbook(state.draft, state.catalogue);
  const name = fileName(state.draft);
  saveFile(name, (await wb.xlsx.writeBuffer()) as ArrayBuffer, MIME.xlsx);
  const errors = state.last?.errors.length ?? 0;
  const left = errors ? ` Tệp còn ${formatNumber(errors)} lỗi: sửa rồi tải lại trước khi gửi.` : '';
  note.textContent = `Đã tạo ${name}.${left}`;
}

/** Opens a filled workbook into the form: its unit and period are chosen, its figures typed in as they were. */
async function openFile(file: File): Promise<void> {
  const note = byId('nh-thong-bao');
  const read = await readSubmissionBytes(new Uint8Array(await file.arrayBuffer()), file.name);
  if (!read.submission || !read.catalogue) {
    const why = read.issues.map((i) => i.message).join(' ');
    setContent(note, h('span', { class: 'alert bad' }, `Không mở được "${file.name}": ${why}`));
    return;
  }
  const { info } = read.submission;
  const period = info.period;
  if (!period) {
    note.textContent = `Không mở được "${file.name}": tệp không ghi kỳ báo cáo đọc được.`;
    return;
  }
  byId<HTMLSelectElement>('nh-ky').value = period.id;
  const units = unitList();
  const unit = info.unitCode === null ? undefined : units.resolve(info.unitCode, info.unitName);
  const found = unit && units.byCode.get(unit.code);
  if (!found) {
    note.textContent = `Không mở được "${file.name}": mã đơn vị "${info.unitCode ?? ''}" không có trong danh mục đang dùng.`;
    return;
  }
  const province =
    units.root.level === 'Quốc gia'
      ? (units.ancestors(found.code).find((u) => u.level === 'Tỉnh') ?? found)
      : units.root;
  const edition = chooseEdition(undefined, period).id;
  const unitRef = { code: found.code, name: found.name };
  const opened = draftOfSubmission(read.submission, read.catalogue, edition, unitRef, period.id);
  if (!opened) {
    note.textContent = `Không mở được "${file.name}": chưa có bảng chuyển đổi từ biểu mẫu ${read.catalogue.version} sang ${edition}.`;
    return;
  }
  const before = loadDraft(found.code, period.id, edition);
  if (before) keepPrevious(before.draft);
  refreshProvinces(province.code, false);
  refreshUnits(found.code, false);
  byId<HTMLSelectElement>('nh-don-vi').value = found.code;
  openForm(opened.draft);
  const lines = [`Đã mở "${file.name}" (${found.name}, ${period.label}).`];
  if (opened.convertedFrom)
    lines.push(
      `Tệp theo biểu mẫu ${opened.convertedFrom}, đã chuyển sang ${edition}.` +
        (opened.notCarried.length
          ? ` Không chuyển được số liệu của: ${opened.notCarried.join(', ')} (chỉ tiêu đã tách hoặc bỏ): ` +
            'nhập lại theo biểu mẫu mới.'
          : ''),
    );
  if (before)
    lines.push('Bản nháp trước đó của đơn vị và kỳ này được giữ lại một bản sao ("Khôi phục bản nháp trước").');
  note.textContent = lines.join(' ');
  byId('nh-khoi-phuc').hidden = !before;
}

let previousDraft: EntryDraft | undefined;
function keepPrevious(draft: EntryDraft): void {
  previousDraft = draft;
  const button = byId('nh-khoi-phuc');
  button.onclick = () => {
    if (!previousDraft) return;
    openForm(previousDraft);
    previousDraft = undefined;
    button.hidden = true;
    byId('nh-thong-bao').textContent = 'Đã khôi phục bản nháp trước khi mở tệp.';
  };
}
