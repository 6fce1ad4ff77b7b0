/** A tag or attribute name without its namespace prefix (`ome:Pixels` → `Pixels`). */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/**
 * An element's attributes by local name, namespace declarations left out. Readers match
 * names, not namespaces: instrument files write OME and mzML with and without prefixes.
 */
export function localAttributes(attributes: Record<string, string>): Record<string, string> {
  // Most elements have neither prefixed names nor namespace declarations: kept as they are.
  let plain = true;
  for (const name in attributes) if (name.includes(':') || name === 'xmlns') plain = false;
  if (plain) return attributes;
  const out: Record<string, string> = {};
  for (const name in attributes) if (name !== 'xmlns' && !name.startsWith('xmlns:')) out[localName(name)] = attributes[name];
  return out;
}
