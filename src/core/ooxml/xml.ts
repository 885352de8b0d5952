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
import { type Attrs, isSpace, textOf, utf8Text, XmlTokenizer } from './tokenizer.js';

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

const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

const isNameEnd = (c: number | undefined) => isSpace(c) || c === 0x3e || c === 0x2f;

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
 * chunks as they are inflated. The part is read by the tokenizer (tokenizer.ts), as strictly as the reader reads:
 * what is not well-formed, a DTD, or nesting deeper than MAX_XML_DEPTH throws XmlError. What no edit touches is
 * copied byte for byte from the tokenizer's buffer.
 */
export class XmlEditor {
  private readonly tokenizer: XmlTokenizer;
  /** Offset in the part of the tokenizer's buffer. */
  private base = 0;
  private fed = 0;
  private readonly stack: Open[] = [];
  private scope = Scope.ROOT;
  /** While the content of an element is copied unvisited: its depth (-1: not skipping). */
  private skipping = -1;
  /** The end the tokenizer hands on for a self-closing element, already visited with its start. */
  private closedWithStart = false;
  /** The first byte of the tokenizer's buffer not yet written. */
  private from = 0;

  constructor(
    private readonly visitor: Visitor,
    private readonly write: (chunk: Uint8Array) => void,
  ) {
    const text = visitor.text;
    this.tokenizer = new XmlTokenizer({
      open: (local, attrs, depth, selfClosing) => this.startTag(local, attrs, depth, selfClosing),
      close: (_local, from, to) => this.endTag(from, to),
      text: text && ((b, from, to, flags) => this.skipping < 0 && text(textOf(b, from, to, flags))),
      // The tokenizer refuses it once told.
      doctype: () => {},
    });
  }

  feed(chunk: Uint8Array, final: boolean): void {
    this.base = this.fed - this.tokenizer.carried;
    this.fed += chunk.length;
    this.tokenizer.write(chunk);
    // What the tokenizer carries to the next write is written with it.
    const buf = this.tokenizer.buffer;
    const end = buf.length - this.tokenizer.carried;
    if (this.from < end) this.write(buf.subarray(this.from, end));
    this.from = 0;
    if (final) this.tokenizer.close();
  }

  private startTag(local: string, attrs: Attrs, depth: number, selfClosing: boolean): void {
    if (this.skipping >= 0) return;
    const b = attrs.bytes;
    const lt = attrs.tagFrom;
    const gt = attrs.tagTo - 1;
    let nameEnd = lt + 1;
    while (!isNameEnd(b[nameEnd])) nameEnd++;
    const name = utf8Text(b, lt + 1, nameEnd);
    const scope = this.scopeOf(attrs);
    const colon = name.lastIndexOf(':');
    const prefix = colon > 0 ? name.slice(0, colon) : '';
    const ns = scope.uri(prefix);
    if (prefix && !ns) throw new XmlError(`namespace prefix ${prefix} is not declared`);
    let raw: RawAttribute[] | null = null;
    const attributes = () => (raw ??= rawAttributes(attrs));
    const tag: StartTag = {
      name,
      local,
      ns,
      depth,
      selfClosing,
      scope,
      at: this.base + lt,
      end: this.base + gt,
      attr: (want, wantNs) => (wantNs === undefined ? attrs.get(want) : namespacedAttr(attrs, scope, want, wantNs)),
      attributes,
    };
    const edit = this.editAt(lt, gt, { selfClosing, name, rawAttrs: attributes });
    this.visitor.open?.(tag, edit.api);
    if (selfClosing) {
      this.visitor.close?.({ name, local, ns, depth, scope, at: this.base + lt }, edit.closeApi);
      this.closedWithStart = true;
    } else {
      this.stack.push({ name, local, ns, scope });
      this.scope = scope;
    }
    edit.flush();
    if (this.skipping === 0) this.skipping = depth;
  }

  /** The namespaces in force at a start tag: its parent's, and what its attributes declare. */
  private scopeOf(attrs: Attrs): Scope {
    let bindings: Map<string, string> | null = null;
    for (let k = 0; k < attrs.count; k++) {
      if (!attrs.isNamespaceDeclaration(k)) continue;
      const name = attrs.name(k);
      (bindings ??= new Map()).set(name === 'xmlns' ? '' : name.slice(6), attrs.value(k));
    }
    return bindings ? new Scope(this.scope, bindings) : this.scope;
  }

  private endTag(from: number, to: number): void {
    if (this.closedWithStart) {
      this.closedWithStart = false;
      return;
    }
    if (this.skipping >= 0) {
      // The tokenizer's depth is the parent's once an element ends: the skipped element's own end is visited.
      if (this.tokenizer.depth >= this.skipping) return;
      this.skipping = -1;
    }
    const open = this.stack.pop()!;
    const depth = this.stack.length + 1;
    const edit = this.editAt(from, to - 1, null);
    const end: EndTag = {
      name: open.name,
      local: open.local,
      ns: open.ns,
      depth,
      scope: open.scope,
      at: this.base + from,
    };
    this.visitor.close?.(end, edit.closeApi);
    edit.flush();
    this.scope = this.stack.length ? this.stack[this.stack.length - 1]!.scope : Scope.ROOT;
  }

  /**
   * The edits a visitor makes at the tag buffer[lt..gt] (`api` at a start tag, `closeApi` at an end tag or after the
   * start of a self-closing element), applied to the output once it returns. Content appended to a self-closing
   * element opens it: `<sheets/>` becomes `<sheets>…</sheets>`.
   */
  private editAt(lt: number, gt: number, start: StartOf | null) {
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
        if (start && !start.selfClosing) this.skipping = 0;
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
      const b = this.tokenizer.buffer;
      if (this.from < lt) this.write(b.subarray(this.from, lt));
      if (before) this.write(encoder.encode(before));
      if (!start) this.write(b.subarray(lt, gt + 1));
      else this.write(encoder.encode(startTagText(b, lt, gt, start, set, content, append)));
      if (after) this.write(encoder.encode(after));
      if (afterClose) this.write(encoder.encode(afterClose));
      this.from = gt + 1;
    };
    return { api, closeApi, flush };
  }
}

/** A start tag b[lt..gt] as written again: attributes `set`, `content` and `append` inside it. */
function startTagText(
  b: Uint8Array,
  lt: number,
  gt: number,
  start: StartOf,
  set: Record<string, string | null> | null,
  content: string,
  append: string,
): string {
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
    if (opened) while (isSpace(b[end - 1])) end--;
    text = utf8.decode(b.subarray(lt, end)) + (start.selfClosing && !opened ? '/>' : '>');
  }
  return opened ? `${text}${content}${append}</${start.name}>` : text + content;
}

/** Every attribute of the tag as written. */
function rawAttributes(attrs: Attrs): RawAttribute[] {
  const out: RawAttribute[] = [];
  for (let k = 0; k < attrs.count; k++) out.push({ name: attrs.name(k), value: attrs.value(k), raw: attrs.written(k) });
  return out;
}

/** The value of the attribute `local` in one of the namespaces `wantNs` (prefixed, as attributes in a namespace are). */
function namespacedAttr(
  attrs: Attrs,
  scope: Scope,
  local: string,
  wantNs: string | readonly string[],
): string | undefined {
  const nss = typeof wantNs === 'string' ? [wantNs] : wantNs;
  for (let k = 0; k < attrs.count; k++) {
    const name = attrs.name(k);
    const c = name.indexOf(':');
    if (c > 0 && name.slice(c + 1) === local && nss.includes(scope.uri(name.slice(0, c)))) return attrs.value(k);
  }
  return undefined;
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
