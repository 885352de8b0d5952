/** Labels, sheet names and headers are compared after NFC, trimming, collapsing spaces and case folding. */
export function normalizeLabel(s: unknown): string {
  return String(s ?? '')
    .normalize('NFC')
    .replace(/[\s\u00A0]+/g, ' ')
    .trim()
    .toLocaleLowerCase('vi');
}

/** Text shown back to a user: NFC, trimmed. */
export function cleanText(s: unknown): string {
  return String(s ?? '').normalize('NFC').trim();
}
