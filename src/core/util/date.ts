/** Dates as people in Vietnam write and read them: dd/mm/yyyy (the JSON and the config keep ISO yyyy-mm-dd). */

/** "2024-12-15" → "15/12/2024"; anything that is not an ISO date is returned as it is. */
export function dayMonthYear(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** "15/12/2024" (or 15.12.2024, 15-12-2024, one-digit day or month) → "2024-12-15"; null when it is no such day. */
export function isoFromDayMonthYear(text: string): string | null {
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text.trim());
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}
