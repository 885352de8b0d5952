import { NS } from './namespaces.js';
import { resolveTarget } from './paths.js';
import { editXml, visitXml, XmlError, type Attr } from './xml.js';

/** One relationship of a part: its id, type, and the part it points at (resolved), or the external address. */
export interface Relationship {
  id: string;
  type: string;
  /** The part name it points at (resolved against its source), or the target as written when external. */
  target: string;
  external: boolean;
}

/** The relationships of `source` from its .rels part's bytes, in order. */
export function parseRelationships(bytes: Uint8Array, source: string): Relationship[] {
  const out: Relationship[] = [];
  visitXml(bytes, {
    open(tag) {
      if (tag.local !== 'Relationship' || tag.ns !== NS.packageRels) return;
      const rel = relationshipOf(source, (name) => tag.attr(name));
      if (rel) out.push(rel);
    },
  });
  return out;
}

/**
 * One <Relationship> from its attributes (`get` reads one by name): its target resolved against `source` unless it
 * is external; null when it has no id or no target. The reader (src/core/read/xlsx.ts) reads .rels parts with it.
 */
export function relationshipOf(source: string, get: (name: string) => string | undefined): Relationship | null {
  const id = get('Id');
  const target = get('Target');
  if (!id || !target) return null;
  const external = get('TargetMode') === 'External';
  return { id, type: get('Type') ?? '', target: external ? target : resolveTarget(source, target), external };
}

/** An empty .rels part, for a part that had none. */
export function emptyRelationships(): Uint8Array {
  const xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
  return new TextEncoder().encode(`${xml}<Relationships xmlns="${NS.packageRels}"></Relationships>`);
}

/**
 * Adds relationships to a .rels part: each gets a fresh id ("rIdBdg1"…, none of the part's ids), written as the
 * last children of <Relationships> in its namespace. Returns the new part and the ids, in the order given.
 */
export function addRelationships(
  bytes: Uint8Array,
  added: { type: string; target: string }[],
): { bytes: Uint8Array; ids: string[] } {
  const taken = new Set<string>();
  visitXml(bytes, {
    open(tag) {
      if (tag.local === 'Relationship') taken.add(tag.attr('Id') ?? '');
    },
  });
  const ids: string[] = [];
  let n = 1;
  for (let k = 0; k < added.length; k++) {
    while (taken.has(`rIdBdg${n}`)) n++;
    taken.add(`rIdBdg${n}`);
    ids.push(`rIdBdg${n}`);
  }
  const out = editXml(bytes, {
    open(tag) {
      if (tag.depth === 1 && (tag.local !== 'Relationships' || tag.ns !== NS.packageRels))
        throw new XmlError('not a relationships part');
    },
    close(tag, edit) {
      if (tag.depth !== 1) return;
      edit.before(
        added
          .map((r, k) => {
            const attrs: Attr[] = [
              [null, 'Id', ids[k]!],
              [null, 'Type', r.type],
              [null, 'Target', r.target],
            ];
            return tag.scope.build(NS.packageRels, 'Relationship', attrs);
          })
          .join(''),
      );
    },
  });
  return { bytes: out, ids };
}
