import { joinChunks } from '../util/bytes.js';
/**
 * XML as Office parts need it: escaping, and a namespace-aware editor that streams a part's UTF-8 bytes once,
 * tells a visitor each element's namespace URI whatever prefix the producer chose, and lets it insert elements
 * or rewrite a start tag at the element it is visiting. What the visitor does not touch is copied byte for byte.
 * Elements added name their namespace through `Scope.name`, which reuses a prefix in scope or declares one on
 * the added element itself, so an edit never relies on a prefix the part does not declare.
 */

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** Text and attribute values escaped; characters XML 1.0 cannot carry at all are dropped. */
export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

export function unescapeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|quot|apos|amp);/g, (_, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' }[e]!;
  });
}

import { MAX_XML_DEPTH, XmlError } from './xml-errors.js';

export { MAX_XML_DEPTH, XmlError };

/** The namespace bindings in force at one element. */
export class Scope {
  constructor(
    private readonly parent: Scope | null,
    private readonly bindings: Map<string, string>,
  ) {}

  static readonly ROOT = new Scope(null, new Map([['xml', XML_NS]]));

  /** The URI bound to `prefix` ('' for the default namespace); '' when unbound. */
  uri(prefix: string): string {
    for (let s: Scope | null = this; s; s = s.parent) {
      const uri = s.bindings.get(prefix);
      if (uri !== undefined) return uri;
    }
    return '';
  }

  /** A non-empty prefix bound to `uri` here (and not re-bound below its declaration), or null. */
  prefixOf(uri: string): string | null {
    for (let s: Scope | null = this; s; s = s.parent)
      for (const [prefix, bound] of s.bindings) if (bound === uri && prefix && this.uri(prefix) === uri) return prefix;
    return null;
  }

  /**
   * The qualified name of an element `local` in namespace `uri` written at this point, and the declaration the
   * element must carry for it (' xmlns="…"' when the namespace is neither default nor bound to a prefix).
   */
  element(uri: string, local: string): { name: string; decl: string; scope: Scope } {
    if (this.uri('') === uri) return { name: local, decl: '', scope: this };
    const prefix = this.prefixOf(uri);
    if (prefix) return { name: `${prefix}:${local}`, decl: '', scope: this };
    return { name: local, decl: ` xmlns="${escapeXml(uri)}"`, scope: new Scope(this, new Map([['', uri]])) };
  }

  /**
   * The qualified name of an attribute `local` in namespace `uri` (attributes take no default namespace), and
   * the declaration the element must carry when no prefix is bound to it here: `want` if free, else `want1`…
   */
  attribute(uri: string, local: string, want: string): { name: string; decl: string } {
    const prefix = this.prefixOf(uri);
    if (prefix) return { name: `${prefix}:${local}`, decl: '' };
    let p = want;
    for (let i = 1; this.uri(p) !== ''; i++) p = `${want}${i}`;
    return { name: `${p}:${local}`, decl: ` xmlns:${p}="${escapeXml(uri)}"` };
  }

  /**
   * An element in namespace `uri` as text: `attrs` are [namespace or null, local name, value, preferred prefix];
   * `inner` builds its content given the element's own scope (so its children name themselves in it).
   */
  build(uri: string, local: string, attrs: Attr[] = [], inner?: (scope: Scope) => string): string {
    const el = this.element(uri, local);
    let decls = el.decl;
    let at = el.scope;
    let text = '';
    for (const [ns, name, value, want] of attrs) {
      if (!ns) {
        text += ` ${name}="${escapeXml(value)}"`;
        continue;
      }
      const a = at.attribute(ns, name, want ?? 'ns');
      if (a.decl) {
        decls += a.decl;
        const prefix = a.name.slice(0, a.name.indexOf(':'));
        at = new Scope(at, new Map([[prefix, ns]]));
      }
      text += ` ${a.name}="${escapeXml(value)}"`;
    }
    const body = inner?.(at) ?? '';
    return body ? `<${el.name}${decls}${text}>${body}</${el.name}>` : `<${el.name}${decls}${text}/>`;
  }
}

/** An attribute to write: namespace URI (null for none), local name, value, prefix to declare if none is bound. */
export type Attr = [ns: string | null, local: string, value: string, prefix?: string];

/** One attribute as written in the part. */
export interface RawAttribute {
  name: string;
  /** Its value, unescaped. */
  value: string;
  /** Its value as written (escaped). */
  raw: string;
}

/** An element's start tag, as the visitor sees it. */
export interface StartTag {
  /** As written, with its prefix. */
  name: string;
  local: string;
  /** Its namespace URI ('' for none). */
  ns: string;
  /** Depth of the element: 1 for the root. */
  depth: number;
  selfClosing: boolean;
  scope: Scope;
  /** Offsets in the part's (UTF-8) bytes of its `<` and its `>`. */
  at: number;
  end: number;
  /** The value of an attribute, by local name and namespace (none: an unprefixed attribute), unescaped. */
  attr(local: string, ns?: string | readonly string[]): string | undefined;
  /** Every attribute as written. */
  attributes(): RawAttribute[];
}

export interface EndTag {
  name: string;
  local: string;
  ns: string;
  depth: number;
  scope: Scope;
  /** Offset of its `<` in the part's bytes (of the start tag's `<` for a self-closing element). */
  at: number;
}

/** What a visitor may do at the element it is visiting. */
export interface Edit {
  /** Text written before the current tag. */
  before(text: string): void;
  /** Text written after the current tag (for a start tag: its first content). */
  after(text: string): void;
  /**
   * The current start tag rewritten: attributes set (value, or null to remove), and `content` (if any) written as
   * its first content — a self-closing tag is opened and closed around it.
   */
  rewrite(set: Record<string, string | null>, content?: string): void;
  /**
   * The content of the current element is copied without being visited (its end tag still is): a fast scan that
   * only follows nesting, for the millions of cells of a row that holds nothing to edit.
   */
  skipContent(): void;
}

export interface Visitor {
  open?(tag: StartTag, edit: Edit): void;
  /** Also called for a self-closing element, right after `open`. */
  close?(tag: EndTag, edit: Edit): void;
  /** Character data between tags, unescaped (only asked for when given). */
  text?(text: string): void;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const QUOTE = 0x22;
const APOS = 0x27;
const BANG = 0x21;
const QUESTION = 0x3f;
const COLON = 0x3a;

const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Short ASCII names decoded without TextDecoder (a sheet has millions of `<c`). */
function nameOf(b: Uint8Array, from: number, to: number): string {
  if (to - from === 1) return b[from] === 0x63 ? 'c' : String.fromCharCode(b[from]!);
  if (to - from <= 24) {
    let s = '';
    for (let i = from; i < to; i++) {
      const ch = b[i]!;
      if (ch >= 0x80) return utf8.decode(b.subarray(from, to));
      s += String.fromCharCode(ch);
    }
    return s;
  }
  return utf8.decode(b.subarray(from, to));
}

/** Attributes of a start tag's text (the bytes between the name and `>`/`/>`). */
function parseAttributes(text: string): RawAttribute[] {
  const out: RawAttribute[] = [];
  const re = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const raw = m[2] ?? (m[3] ?? '').replace(/"/g, '&quot;');
    out.push({ name: m[1]!, value: unescapeXml(m[2] ?? m[3] ?? ''), raw });
  }
  return out;
}

/** What an edit needs of the start tag it rewrites. */
interface StartOf {
  selfClosing: boolean;
  name: string;
  rawAttrs: () => RawAttribute[];
}

interface Open {
  name: string;
  local: string;
  ns: string;
  scope: Scope;
}

/**
 * Streams one part through a visitor, writing the edited part to `write`. `feed` takes the part's UTF-8 bytes in
 * chunks as they are inflated; a tag cut between two chunks waits for the next. Throws XmlError for what is not
 * well-formed enough to follow, a DTD, or nesting deeper than MAX_XML_DEPTH.
 */
export class XmlEditor {
  private pending: Uint8Array = new Uint8Array(0);
  /** Offset in the part of the buffer being scanned. */
  private base = 0;
  private fed = 0;
  private stack: Open[] = [];
  private scope = Scope.ROOT;
  private ended = false;
  /** While the content of an element is skipped: how many elements inside it are open (-1: not skipping). */
  private skipInner = -1;
  /** Output of the current chunk before the current tag, not yet written. */
  private out: { from: number; buf: Uint8Array } = { from: 0, buf: new Uint8Array(0) };

  constructor(
    private readonly visitor: Visitor,
    private readonly write: (chunk: Uint8Array) => void,
  ) {}

  feed(chunk: Uint8Array, final: boolean): void {
    const buf = this.pending.length ? concat(this.pending, chunk) : chunk;
    this.base = this.fed - this.pending.length;
    this.fed += chunk.length;
    const end = this.scan(buf, final);
    if (end < buf.length && final) throw new XmlError('part ends inside a tag');
    this.pending = end < buf.length ? buf.slice(end) : new Uint8Array(0);
    if (final && this.stack.length) throw new XmlError('part ends before its root element closes');
  }

  /** Processes the markup of `b`; returns where the first incomplete construct starts (b.length if none). */
  private scan(b: Uint8Array, final: boolean): number {
    this.out = { from: 0, buf: b };
    let i = b.indexOf(LT);
    let textFrom = 0;
    const text = this.visitor.text;
    while (i >= 0) {
      if (text && i > textFrom && this.stack.length && this.skipInner < 0)
        text(unescapeXml(utf8.decode(b.subarray(textFrom, i))));
      const next = b[i + 1];
      let end: number;
      if (next === undefined) break;
      if (this.skipInner >= 0 && next !== BANG && next !== QUESTION) {
        if (next === SLASH) {
          end = b.indexOf(GT, i);
          if (end < 0) break;
          if (this.skipInner-- === 0) this.endTag(b, i, end);
        } else {
          end = tagEnd(b, i);
          if (end < 0) break;
          if (b[end - 1] !== SLASH && ++this.skipInner + this.stack.length > MAX_XML_DEPTH)
            throw new XmlError('nesting too deep');
        }
        textFrom = end + 1;
        i = b.indexOf(LT, end + 1);
        continue;
      }
      if (next === BANG || next === QUESTION) {
        end = this.special(b, i);
        if (end < 0) break;
      } else if (next === SLASH) {
        end = b.indexOf(GT, i);
        if (end < 0) break;
        this.endTag(b, i, end);
      } else {
        end = tagEnd(b, i);
        if (end < 0) break;
        this.startTag(b, i, end);
      }
      textFrom = end + 1;
      i = b.indexOf(LT, end + 1);
    }
    const stop = i < 0 ? b.length : i;
    if (i < 0 && text && stop > textFrom && this.stack.length && final)
      text(unescapeXml(utf8.decode(b.subarray(textFrom, stop))));
    // Text not yet reported stays pending with the incomplete tag only when there is one.
    if (this.out.from < stop) this.write(b.subarray(this.out.from, stop));
    return stop;
  }

  /** Comments, CDATA and processing instructions are copied; a DTD is refused. Returns the index of their last byte. */
  private special(b: Uint8Array, i: number): number {
    const starts = (s: string) => {
      for (let k = 0; k < s.length; k++) if (b[i + k] !== s.charCodeAt(k)) return false;
      return true;
    };
    const find = (s: string) => {
      const bytes = encoder.encode(s);
      for (let at = b.indexOf(bytes[0]!, i + 2); at >= 0; at = b.indexOf(bytes[0]!, at + 1)) {
        let k = 1;
        while (k < bytes.length && b[at + k] === bytes[k]) k++;
        if (k === bytes.length) return at + bytes.length - 1;
        if (at + k >= b.length) return -1;
      }
      return -1;
    };
    if (starts('<?')) return find('?>');
    if (starts('<!--')) return find('-->');
    if (starts('<![CDATA[')) {
      const end = find(']]>');
      if (end >= 0 && this.visitor.text && this.stack.length)
        this.visitor.text(utf8.decode(b.subarray(i + 9, end - 2)));
      return end;
    }
    if (b.length - i < 9) return -1;
    throw new XmlError('DTD or unknown markup');
  }

  private startTag(b: Uint8Array, lt: number, gt: number): void {
    const selfClosing = b[gt - 1] === SLASH;
    let nameEnd = lt + 1;
    let colon = -1;
    let hasNs = false;
    while (nameEnd < gt && !isSpace(b[nameEnd]!) && b[nameEnd] !== SLASH) {
      if (b[nameEnd] === COLON) colon = nameEnd;
      nameEnd++;
    }
    // An `xmlns` declaration among the attributes: only then are they parsed to find namespaces.
    for (let k = nameEnd + 1; k < gt - 4; k++)
      if (
        b[k] === 0x78 &&
        isSpace(b[k - 1]!) &&
        b[k + 1] === 0x6d &&
        b[k + 2] === 0x6c &&
        b[k + 3] === 0x6e &&
        b[k + 4] === 0x73
      ) {
        hasNs = true;
        break;
      }
    const name = nameOf(b, lt + 1, nameEnd);
    if (!name) throw new XmlError('element without a name');
    let attrsText: string | null = null;
    const rawAttrs = () => (attrsText ??= utf8.decode(b.subarray(nameEnd, selfClosing ? gt - 1 : gt)));
    let parsed: RawAttribute[] | null = null;
    const attributes = () => (parsed ??= parseAttributes(rawAttrs()));
    let scope = this.scope;
    if (hasNs) {
      const bindings = new Map<string, string>();
      for (const a of attributes())
        if (a.name === 'xmlns') bindings.set('', a.value);
        else if (a.name.startsWith('xmlns:')) bindings.set(a.name.slice(6), a.value);
      if (bindings.size) scope = new Scope(scope, bindings);
    }
    const prefix = colon > 0 ? name.slice(0, colon - lt - 1) : '';
    const local = colon > 0 ? name.slice(colon - lt) : name;
    const ns = scope.uri(prefix);
    if (prefix && !ns) throw new XmlError(`namespace prefix ${prefix} is not declared`);
    const depth = this.stack.length + 1;
    if (depth > MAX_XML_DEPTH) throw new XmlError('nesting too deep');
    if (this.ended) throw new XmlError('content after the root element');
    const tag: StartTag = {
      name,
      local,
      ns,
      depth,
      selfClosing,
      scope,
      at: this.base + lt,
      end: this.base + gt,
      attr: (want, wantNs) => {
        if (wantNs === undefined && !parsed) return plainAttr(b, nameEnd, gt, want);
        const nss = wantNs === undefined ? null : typeof wantNs === 'string' ? [wantNs] : wantNs;
        for (const a of attributes()) {
          const c = a.name.indexOf(':');
          const aLocal = c < 0 ? a.name : a.name.slice(c + 1);
          if (aLocal !== want) continue;
          if (nss === null ? c < 0 : c > 0 && nss.includes(scope.uri(a.name.slice(0, c)))) return a.value;
        }
        return undefined;
      },
      attributes,
    };
    const edit = this.editAt(b, lt, gt, { selfClosing, name, rawAttrs: () => attributes() });
    this.visitor.open?.(tag, edit.api);
    if (selfClosing) {
      this.visitor.close?.({ name, local, ns, depth, scope, at: this.base + lt }, edit.closeApi);
      if (depth === 1) this.ended = true;
    } else {
      this.stack.push({ name, local, ns, scope });
      this.scope = scope;
    }
    edit.flush();
  }

  private endTag(b: Uint8Array, lt: number, gt: number): void {
    const open = this.stack.pop();
    let nameEnd = gt;
    while (nameEnd > lt + 2 && isSpace(b[nameEnd - 1]!)) nameEnd--;
    const name = nameOf(b, lt + 2, nameEnd);
    if (!open || open.name !== name) throw new XmlError(`unexpected </${name}>`);
    const depth = this.stack.length + 1;
    const edit = this.editAt(b, lt, gt, null);
    const end: EndTag = { name, local: open.local, ns: open.ns, depth, scope: open.scope, at: this.base + lt };
    this.visitor.close?.(end, edit.closeApi);
    edit.flush();
    this.scope = this.stack.length ? this.stack[this.stack.length - 1]!.scope : Scope.ROOT;
    if (depth === 1) this.ended = true;
  }

  /**
   * The edits a visitor makes at the tag b[lt..gt] (`api` at a start tag, `closeApi` at an end tag or after the
   * start of a self-closing element), applied to the output once it returns. Content appended to a self-closing
   * element opens it: `<sheets/>` becomes `<sheets>…</sheets>`.
   */
  private editAt(b: Uint8Array, lt: number, gt: number, start: StartOf | null) {
    let before = '';
    let after = '';
    let content = '';
    let append = '';
    let afterClose = '';
    let set: Record<string, string | null> | null = null;
    const api: Edit = {
      before: (t) => (before += t),
      after: (t) => (after += t),
      rewrite: (attrs, first) => {
        if (!start) throw new Error('rewrite is for start tags');
        set = { ...set, ...attrs };
        if (first) content += first;
      },
      skipContent: () => {
        if (start && !start.selfClosing) this.skipInner = 0;
      },
    };
    const closeApi: Edit = {
      before: (t) => (start ? (append += t) : (before += t)),
      after: (t) => (start ? (afterClose += t) : (after += t)),
      rewrite: () => {
        throw new Error('rewrite is for start tags');
      },
      skipContent: () => {},
    };
    const flush = () => {
      if (!before && !after && !content && !append && !afterClose && !set) return;
      const out = this.out;
      if (out.from < lt) this.write(out.buf.subarray(out.from, lt));
      if (before) this.write(encoder.encode(before));
      if (!start) this.write(out.buf.subarray(lt, gt + 1));
      else {
        const opened = start.selfClosing && (content || append);
        let text: string;
        if (set) {
          const changes = set;
          text = `<${start.name}`;
          for (const a of start.rawAttrs()) if (!(a.name in changes)) text += ` ${a.name}="${a.raw}"`;
          for (const [k, v] of Object.entries(changes)) if (v !== null) text += ` ${k}="${escapeXml(v)}"`;
          text += start.selfClosing && !opened ? '/>' : '>';
        } else {
          let end = start.selfClosing ? gt - 1 : gt;
          if (opened) while (isSpace(b[end - 1]!)) end--;
          text = utf8.decode(b.subarray(lt, end)) + (start.selfClosing && !opened ? '/>' : '>');
        }
        this.write(encoder.encode(opened ? `${text}${content}${append}</${start.name}>` : text + content));
      }
      if (after) this.write(encoder.encode(after));
      if (afterClose) this.write(encoder.encode(afterClose));
      out.from = gt + 1;
    };
    return { api, closeApi, flush };
  }
}

/** An unprefixed attribute's value read straight from the tag's bytes b[from, to) (the common case, kept fast). */
function plainAttr(b: Uint8Array, from: number, to: number, name: string): string | undefined {
  const first = name.charCodeAt(0);
  let quote = 0;
  for (let i = from; i < to; i++) {
    const ch = b[i]!;
    if (quote) {
      if (ch === quote) quote = 0;
      continue;
    }
    if (ch === QUOTE || ch === APOS) quote = ch;
    else if (ch === first && isSpace(b[i - 1]!)) {
      let k = 1;
      while (k < name.length && b[i + k] === name.charCodeAt(k)) k++;
      if (k < name.length) continue;
      let j = i + k;
      while (isSpace(b[j]!)) j++;
      if (b[j] !== 0x3d) continue;
      j++;
      while (isSpace(b[j]!)) j++;
      const q = b[j];
      if (q !== QUOTE && q !== APOS) return undefined;
      const close = b.indexOf(q, j + 1);
      if (close < 0 || close > to) return undefined;
      return unescapeXml(nameOf(b, j + 1, close));
    }
  }
  return undefined;
}

/** Index of the `>` ending the start tag at `lt`, skipping quoted values; -1 when it is not in `b` yet. */
function tagEnd(b: Uint8Array, lt: number): number {
  let quote = 0;
  for (let i = lt + 1; i < b.length; i++) {
    const ch = b[i]!;
    if (quote) {
      if (ch === quote) quote = 0;
    } else if (ch === QUOTE || ch === APOS) quote = ch;
    else if (ch === GT) return i;
    else if (ch === LT) throw new XmlError('"<" inside a tag');
  }
  return -1;
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** A part's bytes as UTF-8: a UTF-16 part (with its byte-order mark) is re-encoded, its declaration said so. */
export function asUtf8(bytes: Uint8Array): Uint8Array {
  const bom16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (!bom16) return bytes;
  const text = new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(bytes);
  const declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
  return encoder.encode(text.replace(/^\uFEFF?<\?xml[^?]*\?>/, declaration));
}

/** Whether a part's bytes start as UTF-16 (then it must be re-encoded whole before a streamed edit). */
export function isUtf16(head: Uint8Array): boolean {
  return (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
}

/** Edits a whole (small) part: its bytes through the visitor, the edited bytes back. */
export function editXml(bytes: Uint8Array, visitor: Visitor): Uint8Array {
  const chunks: Uint8Array[] = [];
  new XmlEditor(visitor, (c) => chunks.push(c.slice())).feed(asUtf8(bytes), true);
  return joinChunks(chunks);
}

/** Reads a whole (small) part through a visitor that only looks. */
export function visitXml(bytes: Uint8Array, visitor: Visitor): void {
  new XmlEditor(visitor, () => {}).feed(asUtf8(bytes), true);
}
