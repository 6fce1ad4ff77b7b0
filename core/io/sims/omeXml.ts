import { parseXmlTree } from './xmlTree.js';
import { FormatError } from '../../model/errors.js';

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

type Node = Record<string, unknown>;
const ARRAY_TAGS = new Set(['Image', 'Channel', 'TiffData', 'Plane', 'MapAnnotation', 'M']);

/** Planes one OME header may describe before anything is sized from it. */
const MAX_PLANES = 1_000_000;

const LENGTH_TO_NM: Record<string, number> = {
  m: 1e9, cm: 1e7, mm: 1e6, µm: 1e3, 'μm': 1e3, um: 1e3, micron: 1e3, nm: 1, 'Å': 0.1, A: 0.1, pm: 1e-3,
};
const TIME_TO_S: Record<string, number> = { s: 1, ms: 1e-3, 'µs': 1e-6, min: 60, h: 3600 };

export function parseOmeXml(xml: string, fileName: string, planesInFile: number): OmeImage {
  let doc: Node;
  try {
    doc = parseXmlTree(xml, ARRAY_TAGS);
  } catch (err) {
    throw new FormatError(fileName, `OME-XML does not parse: ${(err as Error).message}`);
  }
  const ome = doc.OME as Node | undefined;
  const image = (ome?.Image as Node[] | undefined)?.[0];
  const pixels = image?.Pixels as Node | undefined;
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

  const channels = (pixels.Channel as Node[] | undefined) ?? [];
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
  const tiffData = (pixels.TiffData as Node[] | undefined) ?? [];
  if (tiffData.length === 0) {
    for (let k = 0; k < planes; k++) ifdOfPlane[planeIndex(...coordsOfSequence(k))] = k;
  } else {
    for (const td of tiffData) {
      if (td.UUID && typeof td.UUID === 'object' && (td.UUID as Node).FileName) {
        const other = String((td.UUID as Node).FileName);
        if (!fileName.endsWith(other)) throw new FormatError(fileName, `multi-file OME-TIFF (planes in ${other}) is not supported; open a single-file export`);
      }
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
  for (const p of (pixels.Plane as Node[] | undefined) ?? []) {
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
    pixelType: typeof pixels.Type === 'string' ? pixels.Type : null,
    channelNames,
    physicalSizeXNm: lengthNm(pixels.PhysicalSizeX, pixels.PhysicalSizeXUnit),
    physicalSizeYNm: lengthNm(pixels.PhysicalSizeY, pixels.PhysicalSizeYUnit),
    ifdOfPlane,
    deltaTS,
    annotations: mapAnnotations(ome, image),
  };
}

function lengthNm(value: unknown, unit: unknown): number | null {
  if (value === undefined) return null;
  const v = Number(value);
  // OME's default unit for PhysicalSize is µm.
  const factor = LENGTH_TO_NM[String(unit ?? 'µm')];
  return Number.isFinite(v) && v > 0 && factor !== undefined ? v * factor : null;
}

function mapAnnotations(ome: Node | undefined, image: Node | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof image?.Description === 'string' && image.Description.trim()) out.Description = image.Description.trim();
  const sa = ome?.StructuredAnnotations as Node | undefined;
  for (const ma of (sa?.MapAnnotation as Node[] | undefined) ?? []) {
    const value = ma.Value as Node | undefined;
    for (const m of (value?.M as Node[] | undefined) ?? []) {
      const key = m.K;
      const text = m['#text'];
      if (typeof key === 'string' && (typeof text === 'string' || typeof text === 'number')) out[key] = String(text);
    }
  }
  return out;
}
