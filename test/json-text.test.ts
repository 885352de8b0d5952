import { describe, expect, it } from 'vitest';
import { jsonBytes, jsonText } from '../src/core/util/json-text.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('jsonBytes: the bytes of jsonText, made piece by piece', () => {
  it('is byte for byte the UTF-8 of jsonText for the shapes a roll-up has, and for any other value', () => {
    const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const values: unknown[] = [
      {
        runId: '20261206-224329-e3a4',
        root: { code: '01', name: 'Tỉnh Đắk Lắk' },
        skipped: undefined,
        fn: () => 1,
        files: [
          {
            path: 'xã\u202eevil.xlsx',
            status: 'accepted',
            warnings: [{ rule: 'x', message: 'dòng 1\ndòng 2 \u0085' }],
            none: undefined,
          },
          { path: 'b.xlsx', status: 'rejected', errors: [], nested: { a: [[], {}, [1, [2, { b: null }]]] } },
        ],
        sparse,
        withUndefined: [undefined, () => 2, 'x'],
        empty: [],
        emptyObject: {},
        units: [{ code: '1', values: { 'BDG.01': { total: 15369, female: null } } }],
        n: 59.3,
        t: true,
        s: 'trích dẫn "kép" \\ và \u2028',
      },
      { only: [] },
      {},
      { when: new Date(0), a: [1] },
      [1, { a: 2 }, []],
      'chuỗi',
      42,
      null,
    ];
    for (const value of values)
      expect(Buffer.from(jsonBytes(value)).equals(Buffer.from(utf8(jsonText(value))))).toBe(true);
  });

  it('escapes the characters a terminal would obey in every piece', () => {
    const text = new TextDecoder().decode(jsonBytes({ files: [{ path: 'a\u202eb\u0085' }], name: '\u2066' }));
    expect(text).toContain('a\\u202eb\\u0085');
    expect(text).toContain('"name": "\\u2066"');
    expect(JSON.parse(text)).toEqual({ files: [{ path: 'a\u202eb\u0085' }], name: '\u2066' });
  });
});
