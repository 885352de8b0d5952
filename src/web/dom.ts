/** Small DOM helpers: elements built from parts (never HTML strings, since file names and messages come from users). */

type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') node.className = String(v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat())
    if (c !== null && c !== undefined && c !== false) node.append(typeof c === 'number' ? String(c) : c);
  return node;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`bdg: page has no #${id}`);
  return node as T;
}

/** Object URLs of the current downloads of one area, released when the area shows new results. */
const urlsByArea = new Map<string, string[]>();

export function releaseDownloads(area: string): void {
  for (const url of urlsByArea.get(area) ?? []) URL.revokeObjectURL(url);
  urlsByArea.set(area, []);
}

export const MIME = {
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
} as const;

/** A link that saves `content` as `name` (a real <a download>, so it works from the keyboard and in every browser). */
export function downloadLink(
  area: string,
  name: string,
  content: Uint8Array | ArrayBuffer | string,
  mime: string,
  label: string,
  id?: string,
): HTMLAnchorElement {
  const url = URL.createObjectURL(new Blob([content as BlobPart], { type: mime }));
  urlsByArea.get(area)?.push(url) ?? urlsByArea.set(area, [url]);
  return h('a', { class: 'button', href: url, download: name, id }, label);
}

/** Saves a file right away (a button that makes the file, then hands it over). */
export function saveFile(name: string, content: Uint8Array | ArrayBuffer | string, mime: string): void {
  const url = URL.createObjectURL(new Blob([content as BlobPart], { type: mime }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Replaces a node's content, skipping the parts a condition left out. */
export function setContent(node: HTMLElement, ...children: (Child | Child[])[]): void {
  node.replaceChildren(
    ...children
      .flat()
      .filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false)
      .map((c) => (typeof c === 'number' ? String(c) : c)),
  );
}
