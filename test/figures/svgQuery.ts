/** Parses figure SVG with fast-xml-parser and finds elements by attribute, for assertions. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface Node {
  tag: string;
  attrs: Record<string, string>;
  children: Node[];
  text: string;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true, trimValues: false, parseAttributeValue: false });

function toNode(raw: Record<string, unknown>): Node | null {
  const tag = Object.keys(raw).find((k) => k !== ':@');
  if (!tag || tag === '#text') return null;
  const attrs = (raw[':@'] as Record<string, string>) ?? {};
  const kids = (raw[tag] as Record<string, unknown>[]) ?? [];
  const text = kids.filter((k) => '#text' in k).map((k) => String(k['#text'])).join('');
  return { tag, attrs, children: kids.map(toNode).filter((n): n is Node => n !== null), text };
}

/** Parses (throws on malformed XML) and returns the root <svg>. */
export function parseSvg(svg: string): Node {
  const valid = XMLValidator.validate(svg);
  if (valid !== true) throw new Error(`invalid SVG: ${JSON.stringify(valid.err)}`);
  const root = (parser.parse(svg) as Record<string, unknown>[]).map(toNode).find((n) => n?.tag === 'svg');
  if (!root) throw new Error('no <svg> root');
  return root;
}

export function all(node: Node, pred: (n: Node) => boolean, out: Node[] = []): Node[] {
  if (pred(node)) out.push(node);
  for (const c of node.children) all(c, pred, out);
  return out;
}

export const withAttr = (root: Node, name: string, value?: string): Node[] => all(root, (n) => name in n.attrs && (value === undefined || n.attrs[name] === value));

/** All text content of <text> elements, in document order. */
export const texts = (root: Node): string[] => all(root, (n) => n.tag === 'text').map((n) => n.text);

/** Pixel width of an embedded PNG data URI (its IHDR). */
function dataUriPngWidth(uri: string): number {
  const bytes = Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64');
  return bytes.readUInt32BE(16);
}

/** Rendered pixels per pt of each of fig4's 3-D panel images. */
export const volumePxPerPt = (root: Node): number[] =>
  all(root, (n) => n.tag === 'image' && n.attrs['data-scale-id'] === 'li-volume').map((n) => dataUriPngWidth(n.attrs['xlink:href']) / Number(n.attrs.width));
