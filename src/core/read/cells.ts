import ExcelJS from 'exceljs';

/** What one cell holds once exceljs's many shapes (formula, rich text, hyperlink, error, merge) are unwrapped. */
export type Scalar =
  | { kind: 'empty' }
  | { kind: 'number'; value: number }
  | { kind: 'text'; text: string }
  | { kind: 'date'; value: Date }
  | { kind: 'bool'; value: boolean }
  | { kind: 'error'; error: string }
  | { kind: 'formula-no-result'; formula: string };

export function cellScalar(cell: ExcelJS.Cell): Scalar {
  const v = cell.value;
  if (cell.type === ExcelJS.ValueType.Formula || (v && typeof v === 'object' && ('formula' in v || 'sharedFormula' in v))) {
    // `cell.result`, not `cell.value.result`: exceljs drops falsy results (a cached 0) from the value copy.
    const result = cell.result as unknown;
    if (result === undefined || result === null || result === '') {
      const f = v as { formula?: string; sharedFormula?: string };
      // A formula whose cached result is an empty string is a blank, but exceljs cannot tell it from "never calculated".
      return { kind: 'formula-no-result', formula: f.formula ?? f.sharedFormula ?? '' };
    }
    return fromPlain(result);
  }
  return fromPlain(v);
}

function fromPlain(v: unknown): Scalar {
  if (v === null || v === undefined) return { kind: 'empty' };
  if (typeof v === 'number') return Number.isFinite(v) ? { kind: 'number', value: v } : { kind: 'error', error: String(v) };
  if (typeof v === 'string') return v.trim() === '' ? { kind: 'empty' } : { kind: 'text', text: v };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (v instanceof Date) return { kind: 'date', value: v };
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('error' in o) return { kind: 'error', error: String(o.error) };
    if (Array.isArray(o.richText)) {
      const text = (o.richText as { text?: string }[]).map((r) => r.text ?? '').join('');
      return text.trim() === '' ? { kind: 'empty' } : { kind: 'text', text };
    }
    if ('text' in o) return fromPlain(typeof o.text === 'object' ? o.text : String(o.text ?? ''));
    if ('result' in o) return fromPlain(o.result);
  }
  return { kind: 'text', text: String(v) };
}

/** The text a person sees in a label cell. */
export function cellText(cell: ExcelJS.Cell): string {
  const s = cellScalar(cell);
  switch (s.kind) {
    case 'text':
      return s.text;
    case 'number':
      return String(s.value);
    case 'bool':
      return String(s.value);
    case 'date':
      return s.value.toISOString().slice(0, 10);
    default:
      return '';
  }
}
