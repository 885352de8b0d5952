import type { EntryDraft } from '../../core/form/entry.js';

/** Drafts kept in the browser, one per unit, period and edition: what was typed survives a reload or a crash. */

const PREFIX = 'bdg.nhap';
const keyOf = (unit: string, period: string, edition: string) => `${PREFIX}.${edition}.${period}.${unit}`;

interface Stored {
  savedAt: string;
  draft: EntryDraft;
}

/** Saves the draft; the time it was saved, or null when the browser keeps nothing. */
export function saveDraft(draft: EntryDraft): Date | null {
  const savedAt = new Date();
  try {
    const stored: Stored = { savedAt: savedAt.toISOString(), draft };
    localStorage.setItem(keyOf(draft.unit.code, draft.period, draft.edition), JSON.stringify(stored));
    return savedAt;
  } catch {
    return null;
  }
}

export function loadDraft(
  unit: string,
  period: string,
  edition: string,
): { draft: EntryDraft; savedAt: Date } | undefined {
  try {
    const raw = localStorage.getItem(keyOf(unit, period, edition));
    if (!raw) return undefined;
    const stored = JSON.parse(raw) as Stored;
    const d = stored.draft;
    if (!d || typeof d !== 'object' || !d.figures || !d.info) return undefined;
    return { draft: { ...d, notes: d.notes ?? {}, narrative: d.narrative ?? {} }, savedAt: new Date(stored.savedAt) };
  } catch {
    return undefined;
  }
}

export function clearDraft(draft: EntryDraft): void {
  try {
    localStorage.removeItem(keyOf(draft.unit.code, draft.period, draft.edition));
  } catch {
    // Nothing kept, nothing to clear.
  }
}

/** "Lưu lúc 14:32" (with the day when it was not today). */
export function savedAtText(at: Date): string {
  const hm = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  const today = new Date();
  const sameDay = at.toDateString() === today.toDateString();
  return `Lưu lúc ${hm}${sameDay ? '' : ` ngày ${at.getDate()}/${at.getMonth() + 1}/${at.getFullYear()}`}`;
}
