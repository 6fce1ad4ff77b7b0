/**
 * Ion stacks as OME-TIFF (OME data model 2016-06): one IFD per plane, channels = ions,
 * Z = scans, DimensionOrder XYZCT (Z fastest, so IFD = z + SizeZ·c), OME-XML in the first
 * IFD's ImageDescription. Scan timing and the dead-time N go in a MapAnnotation linked to the
 * image, because OME has no field for "shots per pixel"; the sputter time of each scan is also
 * the DeltaT of channel 0's Plane elements, where OME readers look for it. Bio-Formats (Fiji) opens it as a
 * C × Z hyperstack.
 */
import type { TiffPage, TiffStream } from '../../core/io/tiff/writeTiff.js';

export interface OmeStackMeta {
  name: string;
  width: number;
  height: number;
  scans: number;
  channels: { label: string; mz: number | null }[];
  pixelSizeNm: number;
  pixelType: 'uint16' | 'float';
  scanPeriodS: number;
  shotsPerPixel: number;
  /** Further key/value pairs for the MapAnnotation. */
  extra?: Record<string, string>;
}

/** The namespace of our MapAnnotation: readers look it up by this. */
export const STRATA_SIMS_NAMESPACE = 'strata.io/tof-sims/1';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function omeXml(m: OmeStackMeta): string {
  const pxUm = m.pixelSizeNm / 1000;
  const pairs: [string, string][] = [
    ['Technique', 'ToF-SIMS depth profile, negative ions'],
    ['ZAxis', 'scan (sputter cycle); time of scan z = TimeOriginS + z * ScanPeriodS'],
    ['ScanPeriodS', String(m.scanPeriodS)],
    ['TimeOriginS', '0'],
    ['ShotsPerPixel', String(m.shotsPerPixel)],
    ['PixelValues', m.pixelType === 'uint16' ? 'raw counts (no Poisson dead-time correction)' : 'expected counts (noise-free)'],
    ['ChannelMz', m.channels.map((c) => `${c.label}=${c.mz === null ? 'N/A' : c.mz.toFixed(4)}`).join(';')],
    ...Object.entries(m.extra ?? {}),
  ];
  const channels = m.channels
    .map((c, i) => `<Channel ID="Channel:0:${i}" Name="${esc(c.label)}" SamplesPerPixel="1"/>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
    'xsi:schemaLocation="http://www.openmicroscopy.org/Schemas/OME/2016-06 http://www.openmicroscopy.org/Schemas/OME/2016-06/ome.xsd" ' +
    'Creator="Strata sample generator">' +
    `<Image ID="Image:0" Name="${esc(m.name)}">` +
    `<Pixels ID="Pixels:0" DimensionOrder="XYZCT" Type="${m.pixelType}" BigEndian="false" Interleaved="false" ` +
    `SizeX="${m.width}" SizeY="${m.height}" SizeZ="${m.scans}" SizeC="${m.channels.length}" SizeT="1" ` +
    `PhysicalSizeX="${pxUm}" PhysicalSizeXUnit="µm" PhysicalSizeY="${pxUm}" PhysicalSizeYUnit="µm">` +
    channels +
    `<TiffData IFD="0" PlaneCount="${m.scans * m.channels.length}"/>` +
    // Sputter time of each scan as the DeltaT of channel 0's planes (the same for every channel).
    Array.from({ length: m.scans }, (_, z) => `<Plane TheZ="${z}" TheC="0" TheT="0" DeltaT="${+(z * m.scanPeriodS).toFixed(6)}" DeltaTUnit="s"/>`).join('') +
    '</Pixels>' +
    '<AnnotationRef ID="Annotation:0"/>' +
    '</Image>' +
    '<StructuredAnnotations>' +
    `<MapAnnotation ID="Annotation:0" Namespace="${STRATA_SIMS_NAMESPACE}"><Value>` +
    pairs.map(([k, v]) => `<M K="${esc(k)}">${esc(v)}</M>`).join('') +
    '</Value></MapAnnotation>' +
    '</StructuredAnnotations>' +
    '</OME>'
  );
}

/** A y × x plane of counts (row-major) for channel c, scan z. */
export type PlaneSource = (channel: number, scan: number) => Float32Array;

/** Planes of scans × height × width volumes, one volume per channel. */
export function volumePlanes(m: Pick<OmeStackMeta, 'width' | 'height'>, volumes: Float32Array[]): PlaneSource {
  const size = m.width * m.height;
  return (c, z) => volumes[c].subarray(z * size, (z + 1) * size);
}

function planePage(m: OmeStackMeta, plane: Float32Array, description?: string): TiffPage {
  const size = m.width * m.height;
  let data: Uint16Array | Float32Array;
  if (m.pixelType === 'uint16') {
    data = new Uint16Array(size);
    for (let i = 0; i < size; i++) {
      const v = plane[i];
      if (!(v >= 0 && v <= 0xffff) || !Number.isInteger(v)) throw new RangeError(`count ${v} does not fit uint16`);
      data[i] = v;
    }
  } else {
    data = Float32Array.from(plane);
  }
  return { width: m.width, height: m.height, data, description };
}

/** All pages of the stack, in XYZCT order (planes asked for in that order), the OME-XML on page 0. */
export function* omePages(m: OmeStackMeta, planeAt: PlaneSource): Generator<TiffPage> {
  const xml = omeXml(m);
  for (let c = 0; c < m.channels.length; c++) {
    for (let z = 0; z < m.scans; z++) yield planePage(m, planeAt(c, z), c === 0 && z === 0 ? xml : undefined);
  }
}

/** Streams pages into a TiffStream, calling `sink` with each chunk (header first). */
export function streamPages(stream: TiffStream, pages: Iterable<TiffPage>, count: number, sink: (chunk: Uint8Array) => void): void {
  sink(stream.header);
  let i = 0;
  for (const page of pages) {
    i++;
    sink(stream.page(page, i === count));
  }
  if (i !== count) throw new Error(`expected ${count} pages, got ${i}`);
}
