import { XMLParser } from 'fast-xml-parser';

/** An element as fast-xml-parser gives it: attributes as plain keys, children by tag name. */
export type XmlTree = Record<string, unknown>;

/**
 * Parses instrument XML (imzML, OME-XML) into a plain tree: attributes as plain keys (no
 * prefix), namespaces dropped, values kept as text (units decide, not the parser), and the
 * tags in `arrayTags` always arrays so a single child reads like many. Throws the parser's
 * error; callers wrap it in a FormatError naming their file.
 */
export function parseXmlTree(text: string, arrayTags: ReadonlySet<string>): XmlTree {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    removeNSPrefix: true,
    parseAttributeValue: false,
    parseTagValue: false,
    isArray: (name) => arrayTags.has(name),
  });
  return parser.parse(text) as XmlTree;
}
