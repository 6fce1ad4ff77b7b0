import { XMLParser } from 'fast-xml-parser';
import { FormatError } from '../../model/errors.js';

/** Attributes as `@_name`, namespaces dropped, every value kept as text (units decide, not the parser). */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

export type XmlNode = Record<string, unknown>;

export function parseXml(text: string, fileName: string): XmlNode {
  try {
    return parser.parse(text) as XmlNode;
  } catch (err) {
    throw new FormatError(fileName, `malformed XML (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** A child that may appear once or many times, always as an array. */
export function children(node: unknown, key: string): XmlNode[] {
  if (!node || typeof node !== 'object') return [];
  const v = (node as XmlNode)[key];
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'object' && x !== null ? (x as XmlNode) : { '#text': String(x) }));
}

export function child(node: unknown, key: string): XmlNode | undefined {
  return children(node, key)[0];
}

/** Text content of an element (string, or `#text` of an element with attributes). */
export function text(node: unknown): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (typeof node === 'object' && '#text' in (node as XmlNode)) return String((node as XmlNode)['#text']);
  if (typeof node === 'object' && Object.keys(node as XmlNode).every((k) => k.startsWith('@_'))) return '';
  return undefined;
}

export function childText(node: unknown, key: string): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  return text((node as XmlNode)[key] instanceof Array ? ((node as XmlNode)[key] as unknown[])[0] : (node as XmlNode)[key]);
}

export function attr(node: unknown, name: string): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const v = (node as XmlNode)[`@_${name}`];
  return v === undefined ? undefined : String(v);
}

/** Leaf elements of a subtree as `path.to.leaf` → text, for metadata. Arrays get `[i]`. */
export function flattenLeaves(node: unknown, prefix: string, out: Record<string, string>, depth = 0): void {
  if (depth > 12 || node === undefined || node === null) return;
  if (typeof node !== 'object') {
    out[prefix] = String(node);
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((n, i) => flattenLeaves(n, `${prefix}[${i}]`, out, depth + 1));
    return;
  }
  for (const [k, v] of Object.entries(node as XmlNode)) {
    const key = k === '#text' ? prefix : prefix ? `${prefix}.${k.replace(/^@_/, '@')}` : k.replace(/^@_/, '@');
    flattenLeaves(v, key, out, depth + 1);
  }
}

/** Depth-first search for elements named `name` anywhere below `node`. */
export function findAll(node: unknown, name: string, out: XmlNode[] = [], depth = 0): XmlNode[] {
  if (depth > 40 || !node || typeof node !== 'object') return out;
  if (Array.isArray(node)) {
    for (const n of node) findAll(n, name, out, depth + 1);
    return out;
  }
  for (const [k, v] of Object.entries(node as XmlNode)) {
    if (k === name) out.push(...children(node, k));
    findAll(v, name, out, depth + 1);
  }
  return out;
}
