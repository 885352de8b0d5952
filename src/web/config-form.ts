import { EMPTY_CONFIG, parseConfig, type Config } from '../core/config.js';
import { byId } from './dom.js';

/**
 * The report's settings as a form: the CLI's config JSON field by field (`data-key` names the field), remembered in
 * the browser and importable/exportable as the same JSON, so a province can hand one file to the page and the CLI.
 */
const STORAGE_KEY = 'bdg.cau-hinh';
const LIST_FIELDS = new Set(['recipients', 'distribution']);

function fields(): (HTMLInputElement | HTMLTextAreaElement)[] {
  return [...byId('cau-hinh-form').querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('[data-key]')];
}

/** The JSON document the form stands for, without empty fields; `units` kept as imported (a path the page cannot open). */
export function formJson(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const units = byId('cau-hinh-form').dataset.units;
  if (units) out.units = units;
  for (const field of fields()) {
    const key = field.dataset.key!;
    const raw = field.value.normalize('NFC').trim();
    if (!raw) continue;
    let value: unknown = raw;
    if (LIST_FIELDS.has(key))
      value = raw
        .split(/\r?\n/)
        .map((l) => l.trim().replace(/^[-–•]\s*/, '').replace(/[;.]$/, ''))
        .filter(Boolean);
    else if (key === 'documentNumber' && /^\d+$/.test(raw)) value = Number(raw);
    const [a, b] = key.split('.') as [string, string | undefined];
    if (b) out[a] = { ...((out[a] as object | undefined) ?? {}), [b]: value };
    else out[a] = value;
  }
  return out;
}

/** Fills the form from a config JSON document (already checked by parseConfig). */
function fill(json: Record<string, unknown>): void {
  const form = byId('cau-hinh-form');
  if (typeof json.units === 'string') form.dataset.units = json.units;
  else delete form.dataset.units;
  for (const field of fields()) {
    const [a, b] = field.dataset.key!.split('.') as [string, string | undefined];
    const v = b ? (json[a] as Record<string, unknown> | undefined)?.[b] : json[a];
    field.value = v === undefined || v === null ? '' : Array.isArray(v) ? v.join('\n') : String(v);
  }
}

/** The config for a run, or the problems with the form in Vietnamese. */
export function currentConfig(): { config: Config; error?: string } {
  try {
    return { config: parseConfig(JSON.stringify(formJson()), 'thông tin báo cáo') };
  } catch (err) {
    return { config: EMPTY_CONFIG, error: (err as Error).message };
  }
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
  if (form.dataset.units) byId('khung-cau-hinh').setAttribute('open', '');
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
  return byId('cau-hinh-form').dataset.units || undefined;
}
