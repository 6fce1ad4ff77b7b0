import { SaxesParser } from 'saxes';
import { FormatError } from '../../model/errors.js';
import { localAttributes, localName } from '../xmlNames.js';

/** A cvParam's attributes (accession, value, name, unitAccession, unitName …), names without a namespace prefix. */
export type CvParam = Record<string, string>;
/** An element's cvParams by accession: those of the param groups it references, then its own (which win). */
export type Params = Map<string, CvParam>;

/** A <spectrum> of the run, as its cvParams say it. */
export interface SpectrumElement {
  own: Params;
  /** Its first <scan> (where the pixel position usually is). */
  scan: Params;
  /** Its <binaryDataArray>s, each with its attributes (encodedLength). */
  arrays: { params: Params; attributes: Record<string, string> }[];
}

/** What comes before the spectra. */
export interface MzmlHead {
  fileContent: Params;
  /** The first <scanSettings>, when there is one. */
  scanSettings: Params | null;
}

/** Elements whose cvParams are collected, by their path below <mzML>. */
const COLLECTED: Record<string, 'group' | 'fileContent' | 'scanSettings' | 'spectrum' | 'scan' | 'array'> = {
  'referenceableParamGroupList/referenceableParamGroup': 'group',
  'fileDescription/fileContent': 'fileContent',
  'scanSettingsList/scanSettings': 'scanSettings',
  'run/spectrumList/spectrum': 'spectrum',
  'run/spectrumList/spectrum/scanList/scan': 'scan',
  'run/spectrumList/spectrum/binaryDataArrayList/binaryDataArray': 'array',
};

/** The last names of those paths: most elements (cvParams above all) are none of them. */
const COLLECTED_NAMES = new Set(Object.keys(COLLECTED).map((path) => path.slice(path.lastIndexOf('/') + 1)));

interface Collector {
  kind: (typeof COLLECTED)[string];
  /** Depth of the element (its cvParams are at depth + 1). */
  depth: number;
  attributes: Record<string, string>;
  own: CvParam[];
  refs: string[];
}

/** Bytes of text held back to look for the root element before parsing starts. */
const ROOT_SNIFF_CHARS = 4096;

/**
 * One streaming pass over the XML of an imzML file (mzML), keeping only the cvParams that
 * locate spectra: those of the file content, the first scan settings, and of each spectrum,
 * its first scan and its binary arrays, with referenceable param groups resolved. Each
 * spectrum is handed to `onSpectrum` as it closes, so nothing of the document is held (opening
 * a 256 × 256-pixel file, 77 MB of XML, through a generic object tree took 7 s and 700 MB; this
 * way 2 s and 230 MB, most of it the parse).
 * Accepts the bytes whole or as chunks (a file read piece by piece). Groups must come before
 * the spectra that use them, as the mzML schema orders them.
 */
export async function readMzmlSpectra(
  xml: Uint8Array | AsyncIterable<Uint8Array>,
  fileName: string,
  onSpectrum: (spectrum: SpectrumElement, index: number) => void,
): Promise<{ head: MzmlHead; spectra: number }> {
  const groups = new Map<string, CvParam[]>();
  let fileContent: Params = new Map();
  let scanSettings: Params | null = null;
  let spectra = 0;
  let current: SpectrumElement | null = null;
  /** Local names of the open elements; `mzmlDepth`: where <mzML> is among them (-1: not yet). */
  const path: string[] = [];
  let mzmlDepth = -1;
  let sawMzml = false;
  const collectors: Collector[] = [];

  const resolve = (c: Collector): Params => {
    const out: Params = new Map();
    for (const ref of c.refs) for (const p of groups.get(ref) ?? []) out.set(p.accession, p);
    for (const p of c.own) out.set(p.accession, p);
    return out;
  };

  const parser = new SaxesParser();
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    const depth = path.length;
    path.push(name);
    if (mzmlDepth < 0) {
      if (!sawMzml && name === 'mzML' && (depth === 0 || (depth === 1 && path[0] === 'indexedmzML'))) {
        mzmlDepth = depth;
        sawMzml = true;
      }
      return;
    }
    const top = collectors[collectors.length - 1];
    if (top && top.depth === depth - 1 && (name === 'cvParam' || name === 'referenceableParamGroupRef')) {
      // Taken as they are (a million of them in a big file): mzML writes these attributes
      // without a prefix, and one with a prefix is simply not looked at.
      const attributes = tag.attributes as Record<string, string>;
      if (name === 'cvParam' && attributes.accession !== undefined) top.own.push(attributes);
      else if (name === 'referenceableParamGroupRef' && attributes.ref !== undefined) top.refs.push(attributes.ref);
      return;
    }
    if (!COLLECTED_NAMES.has(name)) return;
    const kind = COLLECTED[path.slice(mzmlDepth + 1).join('/')];
    if (kind === undefined) return;
    // Only the first scan of a spectrum, and the first scan settings, are read.
    if (kind === 'scan' && current && current.scan.size > 0) return;
    if (kind === 'scanSettings' && scanSettings !== null) return;
    if (kind === 'spectrum') current = { own: new Map(), scan: new Map(), arrays: [] };
    collectors.push({ kind, depth, attributes: localAttributes(tag.attributes as Record<string, string>), own: [], refs: [] });
  });
  parser.on('closetag', () => {
    const depth = path.length - 1;
    path.pop();
    if (depth === mzmlDepth) mzmlDepth = -1; // after </mzML> (an indexedmzML's index follows): nothing more is read
    const top = collectors[collectors.length - 1];
    if (!top || top.depth !== depth) return;
    collectors.pop();
    if (top.kind === 'group') {
      if (top.attributes.id !== undefined) groups.set(top.attributes.id, top.own);
    } else if (top.kind === 'fileContent') fileContent = resolve(top);
    else if (top.kind === 'scanSettings') scanSettings = resolve(top);
    else if (current) {
      if (top.kind === 'scan') current.scan = resolve(top);
      else if (top.kind === 'array') current.arrays.push({ params: resolve(top), attributes: top.attributes });
      else {
        current.own = resolve(top);
        const spectrum = current;
        current = null;
        onSpectrum(spectrum, spectra++);
      }
    }
  });

  const feed = (text: string, end: boolean): void => {
    try {
      parser.write(text);
      if (end) parser.close();
    } catch (err) {
      if (err instanceof FormatError) throw err;
      throw new FormatError(fileName, `XML does not parse: ${(err as Error).message}`);
    }
  };
  // The first few KiB are held back until the root element has been looked for: a file that
  // is not mzML is refused before anything is parsed.
  let pending: string | null = '';
  const take = (text: string, end: boolean): void => {
    if (pending === null) return feed(text, end);
    pending += text;
    if (pending.length < ROOT_SNIFF_CHARS && !end) return;
    if (!/<([\w.-]+:)?mzML[\s>]/.test(pending.slice(0, ROOT_SNIFF_CHARS))) throw new FormatError(fileName, 'no <mzML> root element in the first 4 KiB: not imzML', { offset: 0 });
    const held = pending;
    pending = null;
    feed(held, end);
  };
  let decoder: TextDecoder | null = null;
  for await (const chunk of isAsyncIterable(xml) ? xml : [xml]) {
    if (chunk.byteLength === 0) continue;
    decoder ??= decoderFor(chunk);
    take(decoder.decode(chunk, { stream: true }), false);
  }
  if (!decoder) throw new FormatError(fileName, 'empty file');
  take(decoder.decode(), true);
  if (!sawMzml) throw new FormatError(fileName, 'no <mzML> root element: not imzML');
  return { head: { fileContent, scanSettings }, spectra };
}

function isAsyncIterable(x: Uint8Array | AsyncIterable<Uint8Array>): x is AsyncIterable<Uint8Array> {
  return typeof (x as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] === 'function';
}

/** UTF-8 unless the XML declaration names a Latin-1 encoding (read as its superset, windows-1252). */
function decoderFor(first: Uint8Array): TextDecoder {
  const head = new TextDecoder('latin1').decode(first.subarray(0, 200));
  const encoding = /encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1]?.toLowerCase() ?? 'utf-8';
  return new TextDecoder(/^(iso-8859-1|latin-?1|windows-1252)$/.test(encoding) ? 'windows-1252' : 'utf-8');
}

