import ndarray from 'ndarray';
import { GeoTIFF, GeoTIFFImage } from 'geotiff';
import { assertSaneAllocation, FormatError } from '../../model/errors.js';
import { assertPlaneIndex } from '../../model/ionStack.js';
import type { IonPlane, IonStack } from '../../model/ionStack.js';
import type { IonChannel } from '../../model/ions.js';
import { readIntoOf } from '../byteSource.js';
import type { ByteSource } from '../byteSource.js';
import { fullResolutionPages, isOmeXml, parseImageJDescription } from '../tiff/classify.js';
import { toGeotiffSource } from '../tiff/geotiffSource.js';
import { planesFromBytes, readUncompressedPlane, toFloat32 } from '../tiff/rawPlane.js';
import { compressionLabel, LOSSLESS_COMPRESSIONS } from '../tiff/compression.js';
import { useBoundedDecoders } from '../tiff/boundedDecoders.js';
import { compressedPages, decodeCompressedPlaneInto, readCompressedPlane } from '../tiff/compressedPages.js';
import { uniformPages } from '../tiff/uniformPages.js';
import { assertWalkableLayout } from '../tiff/walkableLayout.js';
import type { PlaneRun, PlaneRunReader } from '../../model/ionStack.js';
import { readTagNumber, readTagNumbers, readTagText, readTiffStructure, TAG } from '../tiff/ifd.js';
import { ChainMismatch, readRegularChain } from '../tiff/regularChain.js';
import type { RegularChain } from '../tiff/regularChain.js';
import type { TiffIfd, TiffStructure } from '../tiff/ifd.js';
import { readPageInfo } from '../tiff/page.js';
import type { TiffPageInfo } from '../tiff/page.js';
import { asFormatError } from './formatErrors.js';
import { nominalMz, splitLabelMz } from './nominalIons.js';
import { parseOmeXml } from './omeXml.js';

/** One plane in memory as Float32: 1 GiB is far above any ToF-SIMS image (e.g. 4096² px). */
const MAX_PLANE_BYTES = 1024 ** 3;
/**
 * Compressed strips cannot expand beyond this ratio for the codecs TIFF stacks use (deflate
 * ≈ 1032:1, LZW ≈ 2730:1): a page whose strips could not hold its claimed size is refused.
 */
export const MAX_EXPANSION = 4096;
/** A compressed page may always claim a plane this large, whatever its strips hold (a small file's 2048² 32-bit plane). */
export const SMALL_PLANE_BYTES = 16 * 1024 * 1024;
/** Most bytes `readPlanes` reads at once; a longer run is read in pieces. */
const MAX_RUN_BYTES = 64 * 1024 * 1024;

/** How the stack's (ion, scan) planes map onto the file's IFDs, and what the file says about them. */
interface Layout {
  format: 'ome-tiff' | 'imagej-tiff' | 'tiff';
  ions: IonChannel[];
  scans: number;
  ifdIndex: (ion: number, scan: number) => number;
  pixelSizeNm: number | null;
  timeS?: Float64Array;
  shotsPerPixel?: number;
  metadata: Record<string, string>;
}

/**
 * OME-TIFF or plain multi-page TIFF → IonStack, read plane by plane.
 *
 * - OME-TIFF: SizeC channels are ions (Channel Name is the label; an m/z in the name, as
 *   `Li- (7.016)`, or the nominal mass of a known marker ion gives `mz`); SizeZ planes are scans,
 *   or SizeT when SizeZ is 1. PhysicalSizeX (with its unit) gives `pixelSizeNm`; Plane DeltaT of
 *   the first channel gives `timeS`; a MapAnnotation `shotsPerPixel` gives the dead-time N, and
 *   `timeS` / `scanTimesS` (comma-separated) per-scan times when there are no DeltaTs.
 * - ImageJ hyperstack (`ImageJ=…`, channels / slices / frames, channel fastest): channels are ions.
 * - Plain multi-page TIFF: one ion (named after the file), each full-resolution page one scan.
 * Pixel sizes of ImageJ/plain files come from XResolution with ImageJ's `unit=` or a centimetre
 * ResolutionUnit; an inch unit (a screen dpi) is ignored.
 */
export async function openTiffStack(source: ByteSource, options: { predictPages?: boolean } = {}): Promise<IonStack> {
  try {
    return await openStack(source, options.predictPages ?? true);
  } catch (err) {
    throw asFormatError(source.name, err, 'not a readable ion-stack TIFF');
  }
}

/**
 * An OME-TIFF written page after page is opened from its first and last pages, its other IFDs
 * checked as their planes are read (see regularChain.ts): opening a 2000-page stack took longer
 * than reading its pixels. Anything else, or a file that turns out not to be regular, is walked
 * page by page first.
 */
async function openStack(source: ByteSource, predict: boolean): Promise<IonStack> {
  if (predict) {
    const chain = await readRegularChain(source);
    if (chain) {
      const stack = await openRegularOme(source, chain);
      if (stack) return stack;
    }
  }
  return openWalked(source, await readTiffStructure(source));
}

/** The first page's facts (refused when it cannot be an ion image) and its description. */
async function firstPage(source: ByteSource, tiff: TiffStructure): Promise<{ info: TiffPageInfo; description: string }> {
  const first = tiff.ifds[0];
  const info = await readPageInfo(source, tiff, first);
  assertDecodable(source.name, info, first);
  assertSaneAllocation(source.name, `plane of ${info.width} × ${info.height} pixels`, info.width * info.height, 4, MAX_PLANE_BYTES);
  const description = (await readTagText(source, first, TAG.ImageDescription)) ?? '';
  return { info, description };
}

/** The stack object both ways of opening return, around their plane readers. */
function makeStack(source: ByteSource, layout: Layout, info: TiffPageInfo, readPlane: IonStack['readPlane'], readPlanes: PlaneRunReader['readPlanes']): IonStack & PlaneRunReader {
  return {
    kind: 'ionStack',
    source: { fileName: source.name, format: layout.format, sizeBytes: source.size },
    ions: layout.ions,
    scans: layout.scans,
    height: info.height,
    width: info.width,
    pixelSizeNm: layout.pixelSizeNm,
    timeS: layout.timeS ?? Float64Array.from({ length: layout.scans }, (_, i) => i),
    shotsPerPixel: layout.shotsPerPixel,
    metadata: { ...layout.metadata, bitsPerSample: String(info.bitsPerSample), sampleFormat: String(info.sampleFormat), compression: String(info.compression) },
    readPlane,
    readPlanes,
  };
}

function assertRunArgs(stack: IonStack, ionIndex: number, scanStart: number, count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`${stack.source.fileName}: run of ${count} planes`);
  assertPlaneIndex(stack, ionIndex, scanStart);
  assertPlaneIndex(stack, ionIndex, scanStart + count - 1);
}

/** Reads [offset, offset + length) into the caller's scratch buffer when the source can, else fresh. */
async function readSpan(source: ByteSource, offset: number, length: number, scratch?: { bytes?: Uint8Array }): Promise<Uint8Array> {
  const readInto = readIntoOf(source);
  if (readInto && scratch) {
    const target = scratchBytes(scratch, length);
    return target.subarray(0, await readInto(offset, target));
  }
  return source.read(offset, length);
}

/**
 * The first `length` bytes of the caller's scratch buffer, grown first where it is shorter: no
 * fresh multi-MB buffer (page faults, GC of external memory) per run of planes.
 */
function scratchBytes(scratch: { bytes?: Uint8Array }, length: number): Uint8Array {
  if (!scratch.bytes || scratch.bytes.byteLength < length) scratch.bytes = new Uint8Array(length);
  return scratch.bytes.subarray(0, length);
}

/** Bytes between a page's IFD and its pixels still read as one piece with them. */
const NEIGHBOUR_BYTES = 64 * 1024;

/**
 * An OME-TIFF whose pages follow one another regularly: planes are read with the IFDs around
 * them, and those IFDs checked against the prediction before the pixels are used. Null when
 * the file is not of this kind (not OME, or pages not of one simple layout).
 */
async function openRegularOme(source: ByteSource, chain: RegularChain): Promise<IonStack | null> {
  const name = source.name;
  const tiff = chain.structure;
  const { info, description } = await firstPage(source, tiff);
  if (!isOmeXml(description)) return null;
  const layout = omeLayout(name, description, tiff, info);
  const vetted = await uniformPages(source, tiff, info, chain.known);
  if (!vetted) return null;
  const last = chain.count - 1;
  const p1 = vetted.pixelOffsets[1];
  const pixelStep = vetted.pixelOffsets[2] - p1;
  // Pixel offsets are fields of the IFDs, so linear in the page; these hold unless written oddly.
  if (!(pixelStep > 0) || vetted.pixelOffsets[3] !== p1 + 2 * pixelStep || vetted.pixelOffsets[last] !== p1 + (last - 1) * pixelStep) return null;
  const pixelsOf = (k: number): number => (k === 0 ? vetted.pixelOffsets[0] : p1 + (k - 1) * pixelStep);
  const { planeBytes } = vetted;
  const n = info.width * info.height;
  const le = tiff.littleEndian;

  // Once a page is not what was predicted, every read goes to the careful reader.
  let careful: Promise<IonStack & PlaneRunReader> | null = null;
  const walked = (): Promise<IonStack & PlaneRunReader> => {
    careful ??= readTiffStructure(source)
      .then((t) => openWalked(source, t))
      .then((s) => {
        if (s.scans !== stack.scans || s.ions.length !== stack.ions.length || s.width !== stack.width || s.height !== stack.height) {
          throw new FormatError(name, `the pages past the first are not the stack its first pages describe (${s.ions.length} × ${s.scans} planes of ${s.width} × ${s.height}, not ${stack.ions.length} × ${stack.scans} of ${stack.width} × ${stack.height})`);
        }
        return s;
      });
    return careful;
  };

  /**
   * The bytes holding IFDs k0 … k1 and their pixels (one read: they are neighbours). Page 0's
   * IFD was read at open and is followed by the OME-XML (megabytes in a big stack): a span from
   * page 0 starts at its pixels.
   */
  const spanOf = (k0: number, k1: number): { lo: number; hi: number } => ({
    lo: k0 === 0 ? Math.min(pixelsOf(0), chain.offsetOf(1)) : Math.min(chain.offsetOf(k0), pixelsOf(k0)),
    hi: Math.max(chain.offsetOf(k1) + chain.extentBytes, pixelsOf(k1) + planeBytes),
  });

  const readOne = async (ionIndex: number, scanIndex: number): Promise<IonPlane> => {
    assertPlaneIndex(stack, ionIndex, scanIndex);
    if (careful) return (await careful).readPlane(ionIndex, scanIndex);
    const k = layout.ifdIndex(ionIndex, scanIndex);
    const p = pixelsOf(k);
    try {
      const { lo, hi } = spanOf(k, k);
      const [from, length] = hi - lo <= planeBytes + NEIGHBOUR_BYTES ? [lo, hi - lo] : [p, planeBytes];
      const bytes = await source.read(from, length);
      if (bytes.byteLength < length) throw new FormatError(name, 'page pixels: file truncated', { offset: from });
      await chain.verifyThrough(k, bytes, from);
      return ndarray(toFloat32(bytes.subarray(p - from), n, info, le), [info.height, info.width]);
    } catch (err) {
      if (err instanceof ChainMismatch) return (await walked()).readPlane(ionIndex, scanIndex);
      throw asFormatError(name, err, `page ${k} (ion ${ionIndex}, scan ${scanIndex}) does not decode`, { offset: chain.offsetOf(k) });
    }
  };

  const readRun = async (ionIndex: number, scanStart: number, count: number, scratch?: { bytes?: Uint8Array }): Promise<PlaneRun> => {
    assertRunArgs(stack, ionIndex, scanStart, count);
    if (careful) return (await careful).readPlanes(ionIndex, scanStart, count, scratch);
    const k0 = layout.ifdIndex(ionIndex, scanStart);
    let consecutive = true;
    for (let j = 1; j < count; j++) if (layout.ifdIndex(ionIndex, scanStart + j) !== k0 + j) consecutive = false;
    const k1 = k0 + count - 1;
    const { lo, hi } = spanOf(k0, k1);
    if (!consecutive || hi - lo > MAX_RUN_BYTES) return planeByPlane(stack, ionIndex, scanStart, count);
    try {
      const bytes = await readSpan(source, lo, hi - lo, scratch);
      if (bytes.byteLength < hi - lo) throw new FormatError(name, `planes of ion ${ionIndex} from scan ${scanStart}: file truncated`, { offset: lo });
      await chain.verifyThrough(k1, bytes, lo);
      return planesFromBytes(bytes, Array.from({ length: count }, (_, j) => pixelsOf(k0 + j) - lo), n, info, le);
    } catch (err) {
      if (err instanceof ChainMismatch) return (await walked()).readPlanes(ionIndex, scanStart, count, scratch);
      throw asFormatError(name, err, `pages ${k0}–${k1} (ion ${ionIndex}) do not decode`, { offset: lo });
    }
  };

  const stack = makeStack(source, layout, info, readOne, readRun);
  return stack;
}

/** A run of planes read one at a time into one Float32 array (when they are not neighbours). */
async function planeByPlane(stack: IonStack, ionIndex: number, scanStart: number, count: number): Promise<PlaneRun> {
  const n = stack.width * stack.height;
  const data = new Float32Array(count * n);
  for (let k = 0; k < count; k++) {
    const plane = await stack.readPlane(ionIndex, scanStart + k);
    data.set(plane.data.subarray(0, n), k * n);
  }
  return { data, starts: Float64Array.from({ length: count }, (_, k) => k * n) };
}

/** Any ion-stack TIFF, its IFD chain walked to the end first. */
async function openWalked(source: ByteSource, tiff: TiffStructure): Promise<IonStack & PlaneRunReader> {
  const name = source.name;
  const { info, description } = await firstPage(source, tiff);

  let layout: Layout;
  if (isOmeXml(description)) layout = omeLayout(name, description, tiff, info);
  else {
    const ij = parseImageJDescription(description);
    layout = ij ? await imageJLayout(source, tiff, ij) : await plainLayout(source, tiff);
  }

  let geotiff: Promise<GeoTIFF> | null = null;
  const gtSource = toGeotiffSource(source);
  const openGeotiff = (): Promise<GeoTIFF> => {
    useBoundedDecoders();
    geotiff ??= GeoTIFF.fromSource(gtSource);
    return geotiff;
  };

  // Pages that share one simple layout are vetted once here, from the tag values the IFD walk
  // already holds; then a plane is one read and one conversion (see uniformPages.ts).
  const planeIfds = function* (): Generator<number> {
    for (let c = 0; c < layout.ions.length; c++) for (let s = 0; s < layout.scans; s++) yield layout.ifdIndex(c, s);
  };
  const uniform = await uniformPages(source, tiff, info, planeIfds());
  // Compressed pages of one simple layout: decoded here, not through geotiff (see compressedPages.ts).
  const compressed = uniform ? null : await compressedPages(source, tiff, info, planeIfds());
  const n = info.width * info.height;

  const readOne = async (ionIndex: number, scanIndex: number): Promise<IonPlane> => {
    assertPlaneIndex(stack, ionIndex, scanIndex);
    const ifdIndex = layout.ifdIndex(ionIndex, scanIndex);
    const ifd = tiff.ifds[ifdIndex];
    try {
      if (uniform) {
        const at = uniform.pixelOffsets[ifdIndex];
        const bytes = await source.read(at, uniform.planeBytes);
        if (bytes.byteLength < uniform.planeBytes) throw new FormatError(name, 'page pixels: file truncated', { offset: at });
        return ndarray(toFloat32(bytes, n, info, tiff.littleEndian), [info.height, info.width]);
      }
      if (compressed) return ndarray(await readCompressedPlane(source, compressed, ifdIndex, info, tiff.littleEndian), [info.height, info.width]);
      return await decodePage(source, tiff, ifd, info, await openGeotiff());
    } catch (err) {
      throw asFormatError(name, err, `page ${ifdIndex} (ion ${ionIndex}, scan ${scanIndex}) does not decode`, { offset: ifd.offset });
    }
  };

  /**
   * A run of scans of one ion. When the run's pixels lie in file order close together (OME
   * stacks are channel-major, so a channel's scans are neighbours, IFDs between them), it is
   * one read; otherwise plane by plane.
   */
  const readRun = async (ionIndex: number, scanStart: number, count: number, scratch?: { bytes?: Uint8Array }): Promise<PlaneRun> => {
    assertRunArgs(stack, ionIndex, scanStart, count);
    if (uniform) {
      const at = Array.from({ length: count }, (_, k) => uniform.pixelOffsets[layout.ifdIndex(ionIndex, scanStart + k)]);
      let ordered = true;
      for (let k = 1; k < count; k++) if (!(at[k] >= at[k - 1] + uniform.planeBytes)) ordered = false;
      const span = at[count - 1] + uniform.planeBytes - at[0];
      // Gaps may hold IFDs and tag values, not much else: at most a plane's worth (or 16 KiB,
      // cheaper to read than a separate read) per plane; otherwise plane by plane.
      if (ordered && span <= Math.min(MAX_RUN_BYTES, count * (uniform.planeBytes + Math.max(uniform.planeBytes, 16 * 1024)))) {
        const bytes = await readSpan(source, at[0], span, scratch);
        if (bytes.byteLength < span) throw new FormatError(name, `planes of ion ${ionIndex} from scan ${scanStart}: file truncated`, { offset: at[0] });
        return planesFromBytes(bytes, at.map((a) => a - at[0]), n, info, tiff.littleEndian);
      }
    }
    if (compressed) {
      // Decoded into the caller's buffer in the file's sample type: the reductions then take
      // 16-bit counts (their SIMD kernels) with no fresh Float32 plane each (a 64 MB Deflate
      // stack's Li maps spent more on those than on inflating).
      const planeBytes = n * (info.bitsPerSample / 8);
      const length = count * planeBytes;
      const bytes = scratch ? scratchBytes(scratch, length) : new Uint8Array(length);
      for (let k = 0; k < count; k++) {
        const ifdIndex = layout.ifdIndex(ionIndex, scanStart + k);
        try {
          await decodeCompressedPlaneInto(source, compressed, ifdIndex, info, tiff.littleEndian, bytes.subarray(k * planeBytes, (k + 1) * planeBytes));
        } catch (err) {
          throw asFormatError(name, err, `page ${ifdIndex} (ion ${ionIndex}, scan ${scanStart + k}) does not decode`, { offset: tiff.ifds[ifdIndex].offset });
        }
      }
      return planesFromBytes(bytes, Array.from({ length: count }, (_, k) => k * planeBytes), n, info, tiff.littleEndian);
    }
    return planeByPlane(stack, ionIndex, scanStart, count);
  };

  const stack = makeStack(source, layout, info, readOne, readRun);
  return stack;
}

function assertDecodable(name: string, info: TiffPageInfo, ifd: TiffIfd): void {
  if (info.samplesPerPixel !== 1) throw new FormatError(name, `page at ${ifd.offset} has ${info.samplesPerPixel} samples per pixel; an ion image has one`, { offset: ifd.offset });
  // Counts must come back as written, and only these decoders are bounded (../tiff/compression.ts).
  if (!LOSSLESS_COMPRESSIONS.has(info.compression)) {
    throw new FormatError(name, `page at ${ifd.offset}: ${compressionLabel(info.compression)} is not supported for ion images (none, LZW, Deflate or PackBits: lossless, so the counts are the counts written)`, { offset: ifd.offset });
  }
  const intOk = (info.sampleFormat === 1 || info.sampleFormat === 2 || info.sampleFormat === 4) && [8, 16, 32].includes(info.bitsPerSample);
  const floatOk = info.sampleFormat === 3 && (info.bitsPerSample === 32 || info.bitsPerSample === 64);
  if (!intOk && !floatOk) {
    throw new FormatError(name, `page at ${ifd.offset}: ${info.bitsPerSample}-bit samples of format ${info.sampleFormat} are not supported`, { offset: ifd.offset });
  }
}

async function decodePage(source: ByteSource, tiff: TiffStructure, ifd: TiffIfd, expected: TiffPageInfo, gt: GeoTIFF): Promise<IonPlane> {
  const name = source.name;
  const info = await readPageInfo(source, tiff, ifd);
  if (info.width !== expected.width || info.height !== expected.height) {
    throw new FormatError(name, `page is ${info.width} × ${info.height}, the stack is ${expected.width} × ${expected.height}`, { offset: ifd.offset });
  }
  assertDecodable(name, info, ifd);
  // The page's strips (or tiles) must be able to hold what it claims, before geotiff allocates.
  const counts = ifd.entries.has(TAG.TileByteCounts)
    ? await readTagNumbers(source, tiff, ifd, TAG.TileByteCounts)
    : await readTagNumbers(source, tiff, ifd, TAG.StripByteCounts);
  // What the strips can hold is what lies in the file, whatever their counts say: counts past its
  // end let a 1 kB file claim a 128 MiB plane, allocated before the decoder found them wrong.
  const claimed = counts.reduce((a, b) => a + b, 0);
  const stored = Math.min(claimed, source.size);
  const planeBytes = info.width * info.height * (info.bitsPerSample / 8);
  const limit = info.compression === 1 ? stored : Math.max(stored * MAX_EXPANSION, SMALL_PLANE_BYTES);
  if (planeBytes > limit) {
    const storing = claimed > source.size ? `its strips claim ${claimed}, more than the whole ${source.size}-byte file` : `stores ${stored}`;
    throw new FormatError(name, `page claims ${planeBytes} bytes of pixels but ${storing}`, { offset: ifd.offset });
  }
  const raw = await readUncompressedPlane(source, tiff, ifd, info);
  if (raw) return ndarray(raw, [info.height, info.width]);
  const directory = await gt.parser.parseFileDirectoryAt(ifd.offset);
  const image = new GeoTIFFImage(directory, tiff.littleEndian, false, gt.source);
  const offsets = ifd.entries.get(ifd.entries.has(TAG.TileOffsets) ? TAG.TileOffsets : TAG.StripOffsets)?.count ?? 0;
  assertWalkableLayout(image, offsets, 1, name, { offset: ifd.offset });
  const raster = await image.readRasters({ samples: [0], interleave: true });
  const n = info.width * info.height;
  if (raster.length !== n) throw new FormatError(name, `page decoded to ${raster.length} values, expected ${n}`, { offset: ifd.offset });
  const plane = raster instanceof Float32Array ? raster : Float32Array.from(raster as ArrayLike<number>);
  return ndarray(plane, [info.height, info.width]);
}

function omeLayout(name: string, xml: string, tiff: TiffStructure, info: TiffPageInfo): Layout {
  const ome = parseOmeXml(xml, name, tiff.ifds.length);
  if (ome.sizeX !== info.width || ome.sizeY !== info.height) {
    throw new FormatError(name, `OME-XML says ${ome.sizeX} × ${ome.sizeY} pixels, the first page is ${info.width} × ${info.height}`);
  }
  if (ome.sizeZ > 1 && ome.sizeT > 1) throw new FormatError(name, `OME-XML has both SizeZ=${ome.sizeZ} and SizeT=${ome.sizeT}; which one is the scan axis is ambiguous`);
  const scanAxis = ome.sizeZ > 1 ? 'Z' : 'T';
  const scans = scanAxis === 'Z' ? ome.sizeZ : ome.sizeT;
  const plane = (c: number, s: number): number => (scanAxis === 'Z' ? s + ome.sizeZ * c : ome.sizeZ * (c + ome.sizeC * s));
  const annotatedMz = channelMzAnnotation(ome.annotations);
  const ions = ome.channelNames.map((n, c): IonChannel => {
    if (n === null) return { label: `channel ${c}`, mz: null };
    const ion = splitLabelMz(n);
    return annotatedMz.has(ion.label) ? { label: ion.label, mz: annotatedMz.get(ion.label)! } : ion;
  });
  const metadata: Record<string, string> = { layout: `OME-XML ${ome.dimensionOrder}, scans along ${scanAxis}` };
  for (const [k, v] of Object.entries(ome.annotations)) metadata[`ome:${k}`] = v;
  if (ome.physicalSizeYNm !== null && ome.physicalSizeXNm !== null && Math.abs(ome.physicalSizeYNm - ome.physicalSizeXNm) > 1e-9 * ome.physicalSizeXNm) {
    metadata.pixelSizeYNm = String(ome.physicalSizeYNm);
  }
  const times = Float64Array.from({ length: scans }, (_, s) => ome.deltaTS[plane(0, s)]);
  const layout: Layout = {
    format: 'ome-tiff',
    ions,
    scans,
    ifdIndex: (c, s) => ome.ifdOfPlane[plane(c, s)],
    pixelSizeNm: ome.physicalSizeXNm,
    metadata,
  };
  layout.timeS = increasing(times) ? times : annotatedTimes(ome.annotations, scans);
  const shots = annotationValue(ome.annotations, /^shots ?per ?pixel$/i);
  if (shots !== undefined && Number.isFinite(Number(shots)) && Number(shots) > 0) layout.shotsPerPixel = Number(shots);
  return layout;
}

function annotationValue(annotations: Record<string, string>, key: RegExp): string | undefined {
  const k = Object.keys(annotations).find((a) => key.test(a.replace(/[_\s]/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2')));
  return k === undefined ? undefined : annotations[k];
}

/** `ChannelMz` annotation (`Li-=7.0160;total=N/A`): the m/z the writer knew for each channel label. */
function channelMzAnnotation(annotations: Record<string, string>): Map<string, number | null> {
  const out = new Map<string, number | null>();
  const text = annotationValue(annotations, /^channel ?mz$/i);
  for (const pair of text?.split(';') ?? []) {
    const eq = pair.lastIndexOf('=');
    if (eq <= 0) continue;
    const mz = Number(pair.slice(eq + 1));
    out.set(pair.slice(0, eq).trim(), Number.isFinite(mz) && mz > 0 ? mz : null);
  }
  return out;
}

/** Per-scan times from annotations: a `scanTimesS` list, or `ScanPeriodS` (+ `TimeOriginS`). */
function annotatedTimes(annotations: Record<string, string>, scans: number): Float64Array | undefined {
  const text = annotationValue(annotations, /^(scan )?times? ?s$/i);
  const period = Number(annotationValue(annotations, /^scan ?period ?s$/i));
  if (text === undefined && Number.isFinite(period) && period > 0) {
    const origin = Number(annotationValue(annotations, /^time ?origin ?s$/i) ?? 0);
    return Float64Array.from({ length: scans }, (_, z) => (Number.isFinite(origin) ? origin : 0) + z * period);
  }
  if (text === undefined) return undefined;
  const values = Float64Array.from(text.split(/[,;\s]+/).filter((v) => v !== ''), Number);
  return values.length === scans && increasing(values) ? values : undefined;
}

function increasing(values: Float64Array): boolean {
  if (values.length === 0 || !values.every(Number.isFinite)) return false;
  for (let i = 1; i < values.length; i++) if (!(values[i] > values[i - 1])) return false;
  return true;
}

async function imageJLayout(source: ByteSource, tiff: TiffStructure, ij: NonNullable<ReturnType<typeof parseImageJDescription>>): Promise<Layout> {
  const name = source.name;
  const { channels, slices, frames } = ij;
  if (![channels, slices, frames].every(Number.isInteger)) throw new FormatError(name, 'ImageJ description has invalid channels/slices/frames');
  if (slices > 1 && frames > 1) throw new FormatError(name, `ImageJ hyperstack has both slices=${slices} and frames=${frames}; which one is the scan axis is ambiguous`);
  const planes = channels * slices * frames;
  const pages = await fullResolutionPages(source, tiff);
  if (planes > pages.length) throw new FormatError(name, `ImageJ description claims ${planes} images; the file has ${pages.length} pages`);
  const scans = slices * frames;
  const pageIndex = new Map(tiff.ifds.map((ifd, i) => [ifd, i]));
  const labelFromFile = channels === 1 ? ionLabelFromFileName(name) : null;
  const ions = Array.from({ length: channels }, (_, c) => (labelFromFile ?? { label: `channel ${c + 1}`, mz: null }));
  const layout: Layout = {
    format: 'imagej-tiff',
    ions,
    scans,
    // ImageJ stores hyperstacks channel-fastest (CZT).
    ifdIndex: (c, s) => pageIndex.get(pages[c + channels * s])!,
    pixelSizeNm: await resolutionPixelSizeNm(source, tiff, ij.unit),
    metadata: { layout: `ImageJ hyperstack, channels=${channels} slices=${slices} frames=${frames}` },
  };
  if (frames > 1 && ij.frameIntervalS !== undefined) layout.timeS = Float64Array.from({ length: scans }, (_, s) => s * ij.frameIntervalS!);
  return layout;
}

async function plainLayout(source: ByteSource, tiff: TiffStructure): Promise<Layout> {
  const pages = await fullResolutionPages(source, tiff);
  const pageIndex = new Map(tiff.ifds.map((ifd, i) => [ifd, i]));
  return {
    format: 'tiff',
    ions: [ionLabelFromFileName(source.name)],
    scans: pages.length,
    ifdIndex: (_c, s) => pageIndex.get(pages[s])!,
    pixelSizeNm: await resolutionPixelSizeNm(source, tiff, undefined),
    metadata: { layout: `multi-page TIFF, one ion, ${pages.length} pages as scans` },
  };
}

const UNIT_NM: Record<string, number> = { nm: 1, nanometer: 1, um: 1e3, 'µm': 1e3, 'μm': 1e3, micron: 1e3, '\\u00B5m': 1e3, mm: 1e6, cm: 1e7, m: 1e9 };

async function resolutionPixelSizeNm(source: ByteSource, tiff: TiffStructure, imageJUnit: string | undefined): Promise<number | null> {
  const first = tiff.ifds[0];
  const xres = await readTagNumber(source, tiff, first, TAG.XResolution, NaN);
  if (!(Number.isFinite(xres) && xres > 0)) return null;
  if (imageJUnit !== undefined) {
    const nm = UNIT_NM[imageJUnit];
    return nm === undefined ? null : nm / xres;
  }
  const unit = await readTagNumber(source, tiff, first, TAG.ResolutionUnit, 2);
  return unit === 3 ? 1e7 / xres : null;
}

/**
 * Ion label of a one-ion file from its name: the last `_`/space-separated token of the stem
 * when it ends in a charge sign (`pristine_Li-.tif` → `Li-`), else the whole stem.
 */
export function ionLabelFromFileName(fileName: string): IonChannel {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = base.replace(/(\.ome)?\.tiff?$/i, '');
  const tokens = stem.split(/[_\s]+/).filter((t) => t !== '');
  const lastToken = tokens[tokens.length - 1] ?? stem;
  const label = /[+-]$/.test(lastToken) ? lastToken : stem;
  return { label, mz: nominalMz(label) };
}
