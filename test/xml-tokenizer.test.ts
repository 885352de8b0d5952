import { describe, expect, it } from 'vitest';
import {
  MAX_ATTRIBUTES,
  rawTextOf,
  resolveReferences,
  textOf,
  XmlError,
  XmlTokenizer,
  XmlTooDeep,
  XmlTooMany,
} from '../src/core/ooxml/tokenizer.js';
import { MAX_XML_DEPTH } from '../src/core/ooxml/xml.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

/** The events a text gives, its UTF-8 bytes written in pieces cut at `cuts` (byte offsets). */
function events(xml: string, cuts: number[] = [], read: string[] = ['r', 's', 't', 'ref', 'r:id']): string[] {
  const out: string[] = [];
  const t = new XmlTokenizer({
    open: (name, attrs) => {
      const given = read.map((k) => [k, attrs.get(k)]).filter(([, v]) => v !== undefined);
      out.push(`<${name}${given.map(([k, v]) => ` ${k}=${JSON.stringify(v)}`).join('')}>`);
    },
    close: (name) => out.push(`</${name}>`),
    text: (b, from, to, flags) => {
      // Text may come in pieces: joined, as the reader joins it.
      const s = textOf(b, from, to, flags);
      const last = out.at(-1);
      if (last?.startsWith('"')) out[out.length - 1] = JSON.stringify(JSON.parse(last) + s);
      else out.push(JSON.stringify(s));
    },
    doctype: () => {
      throw new Error('doctype');
    },
  });
  const bytes = utf8(xml);
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    t.write(bytes.slice(from, at));
    from = at;
  }
  t.close();
  return out;
}

const SHEET =
  '<?xml version="1.0" encoding="UTF-8"?>\r\n<x:worksheet xmlns:x="urn:x" xmlns:r="urn:r"><!-- a comment -->' +
  '<x:sheetData><x:row r="1"><x:c r="A1" s="3" t="s"><x:v>12</x:v></x:c>' +
  '<x:c r=\'B1\'\tt="inlineStr" ><x:is><x:t>a &amp; b&#x1EA1;\r\nc</x:t>' +
  '</x:is></x:c><x:c r="C1" t="str"><x:v><![CDATA[<not a tag>]]></x:v></x:c></x:row></x:sheetData>' +
  '<x:mergeCells><x:mergeCell ref="A1:&#66;1"/></x:mergeCells><sheet r:id="rId1" spans="1:8"\n/></x:worksheet>';

describe('the XML tokenizer', () => {
  it('hands on local names, the attributes asked for, text with references resolved and line ends as XML says', () => {
    expect(events(SHEET)).toEqual([
      '<worksheet>',
      '<sheetData>',
      '<row r="1">',
      '<c r="A1" s="3" t="s">',
      '<v>',
      '"12"',
      '</v>',
      '</c>',
      '<c r="B1" t="inlineStr">',
      '<is>',
      '<t>',
      '"a & bạ\\nc"',
      '</t>',
      '</is>',
      '</c>',
      '<c r="C1" t="str">',
      '<v>',
      '"<not a tag>"',
      '</v>',
      '</c>',
      '</row>',
      '</sheetData>',
      '<mergeCells>',
      '<mergeCell ref="A1:B1">',
      '</mergeCell>',
      '</mergeCells>',
      '<sheet r:id="rId1">',
      '</sheet>',
      '</worksheet>',
    ]);
  });

  it('gives the same events however the bytes are cut into pieces', () => {
    const whole = events(SHEET);
    const length = utf8(SHEET).length;
    for (let at = 1; at < length; at++) expect(events(SHEET, [at]), `cut at ${at}`).toEqual(whole);
    for (let at = 1; at + 7 < length; at += 7)
      expect(events(SHEET, [at, at + 3, at + 7]), `cuts at ${at}`).toEqual(whole);
  });

  it('hands on whole characters and whole line ends, wherever the bytes are cut', () => {
    const xml = '<a>Số liệu\r\nạ 𝔸\r</a>';
    const whole = events(xml);
    expect(whole).toEqual(['<a>', JSON.stringify('Số liệu\nạ 𝔸\n'), '</a>']);
    for (let at = 1; at < utf8(xml).length; at++) expect(events(xml, [at]), `cut at ${at}`).toEqual(whole);
  });

  it('normalises white space in attribute values, not in references', () => {
    expect(events('<a r="x\ty\r\nz&#10;"/>')).toEqual(['<a r="x y z\\n">', '</a>']);
  });

  const refused: [string, string][] = [
    ['<a><b></a></b>', 'mismatched tags'],
    ['<a>', 'an unclosed element'],
    ['<a></a><b/>', 'a second root'],
    ['x<a/>', 'text before the root'],
    ['<a/>x', 'text after the root'],
    ['<a>&nbsp;</a>', 'an undefined entity'],
    ['<a>a & b</a>', 'a bare ampersand'],
    ['<a>&#0;</a>', 'a reference to a character XML cannot hold'],
    ['<a>\u0001</a>', 'a control character'],
    ['<a r="\u0001"/>', 'a control character in a value'],
    ['<a\u0001/>', 'a control character in a name'],
    ['<a><!-- \u0001 --></a>', 'a control character in a comment'],
    ['<a><![CDATA[\u0001]]></a>', 'a control character in CDATA'],
    ['<a>\uffff</a>', 'U+FFFF in text'],
    ['<a r="\ufffe"/>', 'U+FFFE in a value'],
    ['<a/>\u000b', 'a vertical tab after the root'],
    ['<a></b >', 'a close tag of another name'],
    ['<a></a x>', 'something after a closing name'],
    ['</a>', 'a close tag before any element'],
    ['<a r="1" r="2"/>', 'a repeated attribute'],
    ['<a r=1/>', 'an unquoted value'],
    ['<a r/>', 'an attribute without value'],
    ['<a r="<"/>', '"<" in a value'],
    ['<a r="1"s="2"/>', 'attributes without space between them'],
    ['<a><!-- a -- b --></a>', '"--" in a comment'],
    ['<a><!-- a ---></a>', 'a comment ending in "--->"'],
    ['\ufeff\ufeff<a/>', 'a second byte order mark'],
    ['<a/>\ufeff', 'a byte order mark after the root'],
    ['<a>]]></a>', '"]]>" in text'],
    ['<1a/>', 'a name that starts with a digit'],
    ['<a></ a>', 'a space before a closing name'],
    ['', 'no root'],
  ];
  it.each(refused)('refuses %j (%s)', (xml) => {
    expect(() => events(xml)).toThrow(XmlError);
  });

  it('refuses "]]>" in text wherever the bytes are cut', () => {
    const xml = '<a>x]]>y</a>';
    for (let at = 1; at < xml.length; at++) expect(() => events(xml, [at]), `cut at ${at}`).toThrow(XmlError);
    expect(events('<a>x]]</a>', [5])).toEqual(['<a>', '"x]]"', '</a>']);
  });

  it('skips a byte order mark before the document, wherever the bytes are cut', () => {
    for (const at of [0, 1, 2, 3, 4]) expect(events('\ufeff<a/>', at ? [at] : [])).toEqual(['<a>', '</a>']);
  });

  it('hands a DOCTYPE to the sink, which refuses it', () => {
    expect(() => events('<!DOCTYPE a [<!ENTITY x "y">]><a/>')).toThrow('doctype');
    expect(() => events('<!DOCTYPE a [<!ENTITY x "y">]><a/>', [3])).toThrow('doctype');
  });
});

describe('references', () => {
  it('resolves the five predefined entities and character references, in text and in values', () => {
    expect(events('<a r="&lt;&gt;&amp;&quot;&apos;&#65;&#x42;">&lt;&gt;&amp;&quot;&apos;&#x1EA1;&#104;</a>')).toEqual([
      '<a r="<>&\\"\'AB">',
      '"<>&\\"\'ạh"',
      '</a>',
    ]);
  });

  it.each(['&toString;', '&constructor;', '&;', '&#;', '&#x;', '&#xD800;', '&amp', '&a&b;'])('refuses %j', (ref) => {
    expect(() => events(`<a>x${ref}y</a>`)).toThrow(XmlError);
    expect(() => events(`<a r="${ref}"/>`)).toThrow(XmlError);
  });
});

describe('nesting', () => {
  const nested = (n: number) => '<a>'.repeat(n) + '</a>'.repeat(n);
  it(`reads ${MAX_XML_DEPTH} levels and refuses one more as too deep, before handing it on`, () => {
    expect(events(nested(MAX_XML_DEPTH))).toHaveLength(2 * MAX_XML_DEPTH);
    expect(() => events(nested(MAX_XML_DEPTH + 1))).toThrow(XmlTooDeep);
    expect(() => events(nested(MAX_XML_DEPTH + 1), [7, 350])).toThrow(XmlTooDeep);
  });

  it('counts self-closing elements as a level too', () => {
    expect(() => events('<a>'.repeat(MAX_XML_DEPTH) + '<b/>' + '</a>'.repeat(MAX_XML_DEPTH))).toThrow(XmlTooDeep);
  });
});

describe('limits and numbers', () => {
  it('refuses more elements than it was told to take', () => {
    const sink = { open() {}, close() {}, doctype() {} };
    const t = new XmlTokenizer(sink, { maxElements: 3 });
    expect(() => t.write(utf8('<a><b/><c/><d/></a>'))).toThrow(XmlTooMany);
    const ok = new XmlTokenizer(sink, { maxElements: 3 });
    ok.write(utf8('<a><b/><c/></a>'));
    ok.close();
  });

  it('hands on the depth of each element, the root at 1', () => {
    const depths: string[] = [];
    const t = new XmlTokenizer({ open: (n, _a, d) => depths.push(`${n}${d}`), close() {}, doctype() {} });
    t.write(utf8('<a><b><c/></b><d/></a>'));
    expect(depths).toEqual(['a1', 'b2', 'c3', 'd2']);
  });

  it('reads digits in place only when String gives them back; anything else is to be read as text', () => {
    const got: number[] = [];
    const t = new XmlTokenizer({ open: (_n, a) => got.push(a.digits('s')), close() {}, doctype() {} });
    t.write(
      utf8(
        `<r><c s="12"/><c s="0"/><c/><c s="007"/><c s=" 3"/><c s="&#49;"/><c s=""/><c s="1234567890"/><c s='5'/></r>`,
      ),
    );
    expect(got).toEqual([-1, 12, 0, -1, -2, -2, -2, -2, -2, 5]);
  });
});

describe('raw text', () => {
  it('gives text as written for whoever resolves it later, references checked, CDATA escaped so that it resolves back', () => {
    const got: string[] = [];
    let inF = false;
    const t = new XmlTokenizer({
      open: (name) => (inF = name === 'f'),
      close: () => (inF = false),
      text: (b, from, to, flags) => got.push(inF ? rawTextOf(b, from, to, flags) : textOf(b, from, to, flags)),
      doctype() {},
    });
    t.write(utf8('<c><f>A&lt;1&amp;&#66;<![CDATA[&x<]]></f><v>&lt;2</v></c>'));
    t.close();
    expect(got).toEqual(['A&lt;1&amp;&#66;', '&amp;x&lt;', '<2']);
    expect(resolveReferences(got.slice(0, 2).join(''))).toBe('A<1&B&x<');
    const bad = new XmlTokenizer({ open() {}, close() {}, doctype() {} });
    expect(() => bad.write(utf8('<f>&nbsp;</f>'))).toThrow(XmlError);
  });
});

describe('many attributes', () => {
  it('reads every attribute of a tag with many, and refuses more than MAX_ATTRIBUTES', () => {
    const tag = (n: number) => `<a ${Array.from({ length: n }, (_, i) => `k${i}="${i}"`).join(' ')}/>`;
    const got: (string | undefined)[] = [];
    const t = new XmlTokenizer({
      open: (_n, a) => got.push(a.get('k0'), a.get('k39'), a.get(`k${a.count - 1}`)),
      close() {},
      doctype() {},
    });
    t.write(utf8(tag(40)));
    expect(got).toEqual(['0', '39', '39']);
    expect(() => events(tag(MAX_ATTRIBUTES))).not.toThrow();
    expect(() => events(tag(MAX_ATTRIBUTES + 1))).toThrow(XmlError);
  });
});
