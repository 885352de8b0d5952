import { EMPTY_CONFIG, parseConfig, type Config } from '../core/config.js';
import { dayMonthYear, isoFromDayMonthYear } from '../core/util/date.js';
import { byId } from './dom.js';

/**
 * The report's settings as a form: the CLI's config JSON field by field (`data-key` names the field), remembered in
 * the browser and importable/exportable as the same JSON, so a province can hand one file to the page and the CLI.
 */
const STORAGE_KEY = 'bdg.cau-hinh';
const LIST_FIELDS = new Set(['recipients', 'distribution', 'basis']);
/** Printed as one or more lines: one line is a string, more a list (as the config JSON writes them). */
const LINES_FIELDS = new Set(['agency.superior', 'agency.name']);

/**
 * What an imported config holds that the form does not show (`units`, `plan`, `agency.nameInText`…): kept as
 * imported and written back on export, so the page never drops part of a province's file.
 */
let kept: Record<string, unknown> = {};

function fields(): (HTMLInputElement | HTMLTextAreaElement)[] {
  return [...byId('cau-hinh-form').querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('[data-key]')];
}

/** The JSON document the form stands for, without empty fields; `units` kept as imported (a path the page cannot open). */
export function formJson(): Record<string, unknown> {
  const out = structuredClone(kept);
  for (const field of fields()) {
    const key = field.dataset.key!;
    const raw = field.value.normalize('NFC').trim();
    if (!raw) continue;
    let value: unknown = raw;
    if (LIST_FIELDS.has(key))
      value = raw
        .split(/\r?\n/)
        .map((l) =>
          l
            .trim()
            .replace(/^[-–•]\s*/, '')
            .replace(/[;.]$/, ''),
        )
        .filter(Boolean);
    else if (LINES_FIELDS.has(key)) {
      const lines = raw
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean);
      value = lines.length === 1 ? lines[0] : lines;
    } else if (key === 'documentNumber' && /^\d+$/.test(raw)) value = Number(raw);
    else if (field.dataset.date !== undefined) value = isoFromDayMonthYear(raw) ?? raw; // the config keeps ISO dates
    const [a, b] = key.split('.') as [string, string | undefined];
    if (b) out[a] = { ...((out[a] as object | undefined) ?? {}), [b]: value };
    else out[a] = value;
  }
  return out;
}

/** Fills the form from a config JSON document (already checked by parseConfig). */
function fill(json: Record<string, unknown>): void {
  kept = structuredClone(json);
  for (const field of fields()) {
    const [ka, kb] = field.dataset.key!.split('.') as [string, string | undefined];
    if (!kb) delete kept[ka];
    else if (kept[ka] && typeof kept[ka] === 'object') {
      const inner = kept[ka] as Record<string, unknown>;
      delete inner[kb];
      if (!Object.keys(inner).length) delete kept[ka];
    }
  }
  for (const field of fields()) {
    const [a, b] = field.dataset.key!.split('.') as [string, string | undefined];
    const v = b ? (json[a] as Record<string, unknown> | undefined)?.[b] : json[a];
    const text = v === undefined || v === null ? '' : Array.isArray(v) ? v.join('\n') : String(v);
    field.value = field.dataset.date !== undefined ? dayMonthYear(text) : text;
  }
}

/** The config for a run, or the problems with the form in Vietnamese. */
export function currentConfig(): { config: Config; error?: string } {
  const badDate = badDateField();
  if (badDate) return { config: EMPTY_CONFIG, error: badDate };
  try {
    return { config: parseConfig(JSON.stringify(formJson()), 'thông tin báo cáo') };
  } catch (err) {
    return { config: EMPTY_CONFIG, error: (err as Error).message };
  }
}

/**
 * A date field holding something that is not a day written dd/mm/yyyy, said in Vietnamese. Dates are text fields:
 * an <input type="date"> shows the browser's own format (mm/dd/yyyy in an English Chrome, whatever the page's lang).
 */
function badDateField(): string | undefined {
  for (const field of fields()) {
    const raw = field.value.trim();
    if (field.dataset.date === undefined || !raw || isoFromDayMonthYear(raw)) continue;
    const label = document.querySelector(`label[for="${field.id}"]`)?.textContent ?? field.dataset.key;
    field.setAttribute('aria-invalid', 'true');
    return `${label}: "${raw}" không phải một ngày viết dạng dd/mm/yyyy (ví dụ 15/12/2024).`;
  }
  for (const field of fields()) field.removeAttribute('aria-invalid');
  return undefined;
}

export function setupConfigForm(onChange: () => void): void {
  const form = byId<HTMLFormElement>('cau-hinh-form');
  const error = byId('loi-cau-hinh');
  const exportLink = byId<HTMLAnchorElement>('xuat-cau-hinh');
  let exportUrl: string | undefined;
  const refresh = () => {
    const { error: problem } = currentConfig();
    error.hidden = !problem;
    error.textContent = problem ? `Thông tin báo cáo chưa đúng: ${problem}` : '';
    const json = formJson();
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(json));
    } catch {
      // Storage may be off (private window): the form still works for this visit.
    }
    if (exportUrl) URL.revokeObjectURL(exportUrl);
    exportUrl = URL.createObjectURL(new Blob([`${JSON.stringify(json, null, 2)}\n`], { type: 'application/json' }));
    exportLink.href = exportUrl;
  };
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved) fill(JSON.parse(saved) as Record<string, unknown>);
  } catch {
    // A damaged saved value is forgotten.
  }
  refresh();
  if (configUnitsName()) byId('khung-cau-hinh').setAttribute('open', '');
  form.addEventListener('input', () => {
    refresh();
    onChange();
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  byId('xoa-cau-hinh').addEventListener('click', () => {
    fill({});
    refresh();
    onChange();
  });
  const input = byId<HTMLInputElement>('cau-hinh');
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    try {
      const text = await file.text();
      parseConfig(text, file.name);
      fill(JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>);
      byId('khung-cau-hinh').setAttribute('open', '');
      refresh();
      onChange();
    } catch (err) {
      error.hidden = false;
      error.textContent = `Không nhập được: ${(err as Error).message}`;
    }
  });
}

/** The unit list a config names, if any: the page cannot open paths, so the user is told to pick the file. */
export function configUnitsName(): string | undefined {
  return typeof kept.units === 'string' && kept.units ? kept.units : undefined;
}
