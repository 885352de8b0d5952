import { NS } from './namespaces.js';
import { editXml, visitXml, XmlError } from './xml.js';

/** `[Content_Types].xml`: the content type of every part, by its name (Override) or its extension (Default). */
export const CONTENT_TYPES_PART = '[Content_Types].xml';

export interface ContentTypes {
  overrides: Map<string, string>;
  defaults: Map<string, string>;
}

export function parseContentTypes(bytes: Uint8Array): ContentTypes {
  const out: ContentTypes = { overrides: new Map(), defaults: new Map() };
  visitXml(bytes, {
    open(tag) {
      if (tag.ns !== NS.contentTypes) return;
      const type = tag.attr('ContentType') ?? '';
      const part = (tag.attr('PartName') ?? '').replace(/^\//, '').toLowerCase();
      if (tag.local === 'Override') out.overrides.set(part, type);
      else if (tag.local === 'Default') out.defaults.set((tag.attr('Extension') ?? '').toLowerCase(), type);
    },
  });
  return out;
}

/**
 * Declares the content types of new parts: an Override per part name (none when the part already has one), a
 * Default per extension the package does not know yet.
 */
export function addContentTypes(
  bytes: Uint8Array,
  add: { overrides?: [part: string, type: string][]; defaults?: [extension: string, type: string][] },
): Uint8Array {
  const known = parseContentTypes(bytes);
  const overrides = (add.overrides ?? []).filter(([part]) => !known.overrides.has(part.toLowerCase()));
  const defaults = (add.defaults ?? []).filter(([ext]) => !known.defaults.has(ext.toLowerCase()));
  if (!overrides.length && !defaults.length) return bytes;
  return editXml(bytes, {
    open(tag) {
      if (tag.depth === 1 && (tag.local !== 'Types' || tag.ns !== NS.contentTypes))
        throw new XmlError('not a content types part');
    },
    close(tag, edit) {
      if (tag.depth !== 1) return;
      const s = tag.scope;
      const build = (local: string, key: string, value: string, type: string) =>
        s.build(NS.contentTypes, local, [
          [null, key, value],
          [null, 'ContentType', type],
        ]);
      edit.before(
        defaults.map(([ext, type]) => build('Default', 'Extension', ext, type)).join('') +
          overrides.map(([part, type]) => build('Override', 'PartName', `/${part}`, type)).join(''),
      );
    },
  });
}
