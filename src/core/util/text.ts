/**
 * Labels, sheet names and headers are compared after NFC, trimming, collapsing spaces and case folding. Vietnamese
 * has no casing rule of its own (toLocaleLowerCase('vi') gives the same result for every character), and the plain
 * form is twenty times faster: it runs on every label cell of every file.
 */
export function normalizeLabel(s: unknown): string {
  return String(s ?? '')
    .normalize('NFC')
    .replace(/[\s\u00A0]+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Text shown back to a user: NFC, trimmed. */
export function cleanText(s: unknown): string {
  return String(s ?? '')
    .normalize('NFC')
    .trim();
}

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;

/**
 * A name as compared with a unit list: case, spacing, apostrophe style (’ ‘ ʼ ') and tone-mark placement folded
 * ("Hoà" = "Hòa", "Thuỷ" = "Thủy"). Each syllable keeps its tone, moved to the end, so "Hòa" ≠ "Hóa".
 */
export function foldName(s: unknown): string {
  return String(s ?? '')
    .normalize('NFC')
    .toLowerCase() // as in normalizeLabel
    .replace(/[’‘ʼ`´]/g, "'")
    .split(/[\s\u00A0]+/)
    .filter(Boolean)
    .map((syllable) => {
      const d = syllable.normalize('NFD');
      const tones = d.match(TONE_MARKS)?.join('') ?? '';
      return (d.replace(TONE_MARKS, '') + tones).normalize('NFC');
    })
    .join(' ');
}
