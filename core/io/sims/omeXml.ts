import { SaxesParser } from 'saxes';
import { FormatError } from '../../model/errors.js';
import { BoundedLru } from '../../util/boundedLru.js';
import { localAttributes, localName } from '../xmlNames.js';

/**
 * The parts of OME-XML (the first ImageDescription of an OME-TIFF) that an ion stack needs:
 * the first Image's Pixels sizes and order, channel names, physical pixel size, the
 * plane → IFD mapping (TiffData), plane times (Plane DeltaT) and key/value annotations.
 */
export interface OmeImage {
  sizeX: number;
  sizeY: number;
  sizeZ: number;
  sizeC: number;
  sizeT: number;
  /** e.g. `XYZCT`: the first of Z, C, T varies fastest over the IFDs. */
  dimensionOrder: string;
  pixelType: string | null;
  channelNames: (string | null)[];
  physicalSizeXNm: number | null;
  physicalSizeYNm: number | null;
  /** IFD index of each plane, indexed by `planeIndex(z, c, t)` in XYZCT order. */
  ifdOfPlane: Int32Array;
  /** DeltaT of each plane (s) in the same indexing; NaN when absent. */
  deltaTS: Float64Array;
  /** Key/value pairs of MapAnnotations (and the Image's Description). */
  annotations: Record<string, string>;
}

/** An element's attributes, names without their namespace prefix. */
type Attributes = Record<string, string>;

/** The elements of OME-XML that `parseOmeXml` reads, as the file has them (text, not yet numbers). */
interface OmeElements {
  /** The first Image's Pixels. */
  pixels: Attributes | null;
  channels: Attributes[];
  /** TiffData, with the FileName of its UUID child (planes in another file of a multi-file set). */
  tiffData: { attributes: Attributes; uuidFileName: string | null }[];
  planes: Attributes[];
  /** The first Image's Description, trimmed. */
  description: string | null;
  /** Key/value pairs of StructuredAnnotations/MapAnnotation/Value/M, in file order. */
  mapPairs: [string, string][];
}

/** Planes one OME header may describe before anything is sized from it. */
const MAX_PLANES = 1_000_000;

const LENGTH_TO_NM: Record<string, number> = {
  m: 1e9, cm: 1e7, mm: 1e6, µm: 1e3, 'μm': 1e3, um: 1e3, micron: 1e3, nm: 1, 'Å': 0.1, A: 0.1, pm: 1e-3,
};
const TIME_TO_S: Record<string, number> = { s: 1, ms: 1e-3, 'µs': 1e-6, min: 60, h: 3600 };

/**
 * Headers parsed lately in this thread, by their text, file name and page count (all a parse
 * depends on). The workbench opens a stack afresh for each task (an analysis, the maps, the 3-D
 * view), and parsing a 64 MB stack's 18 kB header took 1.3–4 ms of an open of 2–5 ms in a
 * process's first opens, before V8 has optimised the parser. Bounded by count and by the
 * characters and arrays held.
 */
const parsedHeaders = new BoundedLru<string, OmeImage>(8, 64 << 20, (image, key) => 2 * key.length + image.ifdOfPlane.byteLength + image.deltaTS.byteLength);

const parseCounts = { parsed: 0, reused: 0 };

/** Headers parsed and reused in this thread so far (for tests). */
export function omeParseCounts(): { parsed: number; reused: number } {
  return { ...parseCounts };
}

/**
 * The OME-XML header's image, for a file of `planesInFile` pages (errors name `fileName`): a copy
 * of the one kept from an earlier parse of the same header when there is one.
 */
export function parseOmeXml(xml: string, fileName: string, planesInFile: number): OmeImage {
  const key = `${planesInFile}\n${fileName}\n${xml}`;
  const known = parsedHeaders.get(key);
  if (known) {
    parseCounts.reused++;
    return copyOfImage(known);
  }
  const image = parseOmeXmlAfresh(xml, fileName, planesInFile);
  parseCounts.parsed++;
  parsedHeaders.set(key, copyOfImage(image));
  return image;
}

/** A copy no caller can change the kept one through. */
function copyOfImage(image: OmeImage): OmeImage {
  return {
    ...image,
    channelNames: [...image.channelNames],
    ifdOfPlane: image.ifdOfPlane.slice(),
    deltaTS: image.deltaTS.slice(),
    annotations: { ...image.annotations },
  };
}

function parseOmeXmlAfresh(xml: string, fileName: string, planesInFile: number): OmeImage {
  let elements: OmeElements;
  try {
    elements = collectOmeElements(xml);
  } catch (err) {
    throw new FormatError(fileName, `OME-XML does not parse: ${(err as Error).message}`);
  }
  const { pixels } = elements;
  if (!pixels) throw new FormatError(fileName, 'OME-XML has no Image/Pixels');

  const size = (key: string, fallback?: number): number => {
    const raw = pixels[key];
    const v = raw === undefined && fallback !== undefined ? fallback : Number(raw);
    if (!Number.isInteger(v) || v < 1) throw new FormatError(fileName, `OME-XML Pixels ${key}="${String(raw)}" is not a positive integer`);
    return v;
  };
  const sizeX = size('SizeX');
  const sizeY = size('SizeY');
  const sizeZ = size('SizeZ', 1);
  const sizeC = size('SizeC', 1);
  const sizeT = size('SizeT', 1);
  const planes = sizeZ * sizeC * sizeT;
  if (planes > MAX_PLANES || planes > planesInFile) {
    throw new FormatError(fileName, `OME-XML claims ${sizeZ} × ${sizeC} × ${sizeT} planes; the file has ${planesInFile} pages`);
  }
  const dimensionOrder = String(pixels.DimensionOrder ?? 'XYZCT');
  if (!/^XY(ZCT|ZTC|CZT|CTZ|TZC|TCZ)$/.test(dimensionOrder)) throw new FormatError(fileName, `OME-XML DimensionOrder "${dimensionOrder}" is not valid`);

  const { channels } = elements;
  const channelNames = Array.from({ length: sizeC }, (_, c) => {
    const name = channels[c]?.Name;
    return typeof name === 'string' && name.trim() !== '' ? name.trim() : null;
  });

  const planeIndex = (z: number, c: number, t: number): number => z + sizeZ * (c + sizeC * t);
  // Strides of Z, C, T in IFD order, from the DimensionOrder (first letter after XY is fastest).
  const order = dimensionOrder.slice(2).split('');
  const dimSize: Record<string, number> = { Z: sizeZ, C: sizeC, T: sizeT };
  const ifdOfPlane = new Int32Array(planes).fill(-1);
  const coordsOfSequence = (k: number): [number, number, number] => {
    const coord: Record<string, number> = {};
    for (const d of order) {
      coord[d] = k % dimSize[d];
      k = Math.floor(k / dimSize[d]);
    }
    return [coord.Z, coord.C, coord.T];
  };
  const { tiffData } = elements;
  if (tiffData.length === 0) {
    for (let k = 0; k < planes; k++) ifdOfPlane[planeIndex(...coordsOfSequence(k))] = k;
  } else {
    for (const { attributes: td, uuidFileName: other } of tiffData) {
      if (other && !fileName.endsWith(other)) throw new FormatError(fileName, `multi-file OME-TIFF (planes in ${other}) is not supported; open a single-file export`);
      const num = (key: string, fallback: number): number => {
        const v = td[key] === undefined ? fallback : Number(td[key]);
        if (!Number.isInteger(v) || v < 0) throw new FormatError(fileName, `OME-XML TiffData ${key}="${String(td[key])}" is invalid`);
        return v;
      };
      const ifd = num('IFD', 0);
      const first = [num('FirstZ', 0), num('FirstC', 0), num('FirstT', 0)] as const;
      if (first[0] >= sizeZ || first[1] >= sizeC || first[2] >= sizeT) throw new FormatError(fileName, 'OME-XML TiffData starts outside the Pixels sizes');
      // Sequence number of the first plane in DimensionOrder, then PlaneCount consecutive planes.
      let start = 0;
      let stride = 1;
      for (const d of order) {
        start += ({ Z: first[0], C: first[1], T: first[2] } as Record<string, number>)[d] * stride;
        stride *= dimSize[d];
      }
      const count = td.PlaneCount === undefined ? (td.IFD === undefined && tiffData.length === 1 ? planes : 1) : num('PlaneCount', 1);
      if (start + count > planes || ifd + count > planesInFile) throw new FormatError(fileName, 'OME-XML TiffData maps planes outside the file');
      for (let k = 0; k < count; k++) ifdOfPlane[planeIndex(...coordsOfSequence(start + k))] = ifd + k;
    }
    if (ifdOfPlane.includes(-1)) throw new FormatError(fileName, 'OME-XML TiffData leaves planes without an IFD');
  }

  const deltaTS = new Float64Array(planes).fill(NaN);
  for (const p of elements.planes) {
    const z = Number(p.TheZ ?? 0);
    const c = Number(p.TheC ?? 0);
    const t = Number(p.TheT ?? 0);
    if (![z, c, t].every(Number.isInteger) || z < 0 || c < 0 || t < 0 || z >= sizeZ || c >= sizeC || t >= sizeT) continue;
    const dt = Number(p.DeltaT);
    const unit = String(p.DeltaTUnit ?? 's');
    if (p.DeltaT !== undefined && Number.isFinite(dt) && TIME_TO_S[unit] !== undefined) deltaTS[planeIndex(z, c, t)] = dt * TIME_TO_S[unit];
  }

  return {
    sizeX,
    sizeY,
    sizeZ,
    sizeC,
    sizeT,
    dimensionOrder,
    pixelType: pixels.Type ?? null,
    channelNames,
    physicalSizeXNm: lengthNm(pixels.PhysicalSizeX, pixels.PhysicalSizeXUnit),
    physicalSizeYNm: lengthNm(pixels.PhysicalSizeY, pixels.PhysicalSizeYUnit),
    ifdOfPlane,
    deltaTS,
    annotations: annotationsOf(elements),
  };
}

function lengthNm(value: unknown, unit: unknown): number | null {
  if (value === undefined) return null;
  const v = Number(value);
  // OME's default unit for PhysicalSize is µm.
  const factor = LENGTH_TO_NM[String(unit ?? 'µm')];
  return Number.isFinite(v) && v > 0 && factor !== undefined ? v * factor : null;
}

/** MapAnnotation pairs (a later key wins) and the Image's Description. */
function annotationsOf(elements: OmeElements): Record<string, string> {
  const out: Record<string, string> = {};
  if (elements.description) out.Description = elements.description;
  for (const [key, value] of elements.mapPairs) out[key] = value;
  return out;
}


/**
 * One pass of a SAX parser over the header, keeping only the elements above. A generic
 * XML → object tree (fast-xml-parser) cost 2–8 ms for a 64 MB stack's 18 kB header, more
 * than half of opening the stack; this takes ~1 ms. Throws on XML that is not well formed.
 */
function collectOmeElements(xml: string): OmeElements {
  const found: OmeElements = { pixels: null, channels: [], tiffData: [], planes: [], description: null, mapPairs: [] };
  /** Local names of the open elements, root first. */
  const path: string[] = [];
  let images = 0;
  /** Text of the element being collected (the first Image's Description, or an M). */
  let text: string | null = null;
  let mKey: string | null = null;
  const parser = new SaxesParser({ position: false });
  const under = (...names: string[]): boolean => path.length === names.length && names.every((n, i) => path[i] === n);
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    const parentDepth = path.length;
    path.push(name);
    if (parentDepth === 1 && name === 'Image' && path[0] === 'OME') images++;
    if (parentDepth < 2 || path[0] !== 'OME') return;
    const attributes = tag.attributes as Record<string, string>;
    if (images === 1 && path[1] === 'Image') {
      if (parentDepth === 2 && name === 'Pixels' && !found.pixels) found.pixels = localAttributes(attributes);
      else if (parentDepth === 2 && name === 'Description') text = '';
      else if (parentDepth === 3 && path[2] === 'Pixels') {
        if (name === 'Channel') found.channels.push(localAttributes(attributes));
        else if (name === 'TiffData') found.tiffData.push({ attributes: localAttributes(attributes), uuidFileName: null });
        else if (name === 'Plane') found.planes.push(localAttributes(attributes));
      } else if (parentDepth === 4 && name === 'UUID' && path[3] === 'TiffData') {
        const fileName = localAttributes(attributes).FileName;
        if (fileName) found.tiffData[found.tiffData.length - 1].uuidFileName = fileName;
      }
    } else if (name === 'M' && under('OME', 'StructuredAnnotations', 'MapAnnotation', 'Value', 'M')) {
      mKey = localAttributes(attributes).K ?? null;
      text = '';
    }
  });
  const addText = (t: string): void => {
    if (text !== null) text += t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const name = path.pop();
    if (text === null) return;
    if (name === 'Description' && path.length === 2) {
      if (found.description === null && text.trim()) found.description = text.trim();
      text = null;
    } else if (name === 'M' && path.length === 4) {
      if (mKey !== null && text.trim()) found.mapPairs.push([mKey, text.trim()]);
      text = null;
      mKey = null;
    }
  });
  parser.write(xml).close();
  return found;
}
