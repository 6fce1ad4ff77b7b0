import { fromArrayBuffer, GeoTIFF } from 'geotiff';
import type { GeoTIFFImage } from 'geotiff';
import type { ByteSource } from '../byteSource.js';
import { toGeotiffSource } from '../tiff/geotiffSource.js';
import { compressionLabel, JPEG_COMPRESSION, LOSSLESS_COMPRESSIONS } from '../tiff/compression.js';
import { useBoundedDecoders } from '../tiff/boundedDecoders.js';
import { FormatError, assertSaneAllocation } from '../../model/errors.js';
import type { RawTiffHeader } from './tiffTags.js';
import { assertWalkableLayout } from '../tiff/walkableLayout.js';
import { stripSamples } from './stripSamples.js';

export interface GreyImage {
  width: number;
  height: number;
  pixels: Uint8Array | Uint16Array | Float32Array;
  bitsPerSample: 8 | 16 | 32;
}

/**
 * Most decoded bytes a compressed TIFF may claim per byte of file: above the best ratios of
 * the codecs SEM software writes (deflate at most 1032:1, LZW about 1300:1 on a blank image),
 * far below what a corrupt header's dimensions claim. Uncompressed pixels must fit in the file.
 */
export const MAX_DECODE_RATIO = 2048;

/** The most pixels an SEM image may have (16384²). */
export const MAX_SEM_PIXELS = 16384 * 16384;

/** SEM images may be lossless or JPEG (pictures, not counts); see ../tiff/compression.ts. */
const SEM_COMPRESSIONS: ReadonlySet<number> = new Set([...LOSSLESS_COMPRESSIONS, JPEG_COMPRESSION]);

const PHOTOMETRIC_WHITE_IS_ZERO = 0;
const PHOTOMETRIC_PALETTE = 3;

function u16Array(header: RawTiffHeader, tag: number): number[] | null {
  const t = header.tags.get(tag);
  if (!t || t.type !== 3) return null;
  const dv = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  return Array.from({ length: t.count }, (_, i) => dv.getUint16(2 * i, header.littleEndian));
}

function u16(header: RawTiffHeader, tag: number): number | null {
  return u16Array(header, tag)?.[0] ?? null;
}

/** What an SEM TIFF's tags say of its first image, vetted: what decoding it will give. */
export interface GreyLayout {
  width: number;
  height: number;
  /** Of the grey image made from it (palette → 8; 8/16-bit integers kept; anything else → 32). */
  bitsPerSample: 8 | 16 | 32;
}

/**
 * The first image's layout from its tags, refused where decoding it would be refused or could
 * not be done in bounded time and memory: everything decodeGreyTiff checks before it reads a
 * pixel. `fileSize`: bytes in the whole file (what its pixels must fit in).
 */
function vetLayout(image: GeoTIFFImage, header: RawTiffHeader, fileName: string, fileSize: number): GreyLayout {
  const width = image.getWidth();
  const height = image.getHeight();
  if (!(width > 0 && height > 0)) throw new FormatError(fileName, `TIFF has an empty image (${width} × ${height})`);
  // 16384 × 16384 at most (1 GiB as Float32): past it a 1 MB Deflate strip of 32000 × 32000
  // took 38 s and 3 GB for \`strata info\`; SEM frames are a few thousand pixels a side.
  assertSaneAllocation(fileName, 'SEM image', width * height, 4, MAX_SEM_PIXELS * 4);
  // The value geotiff picks its decoder by (tag 259 of any type), not only a SHORT one.
  const compression = Number(image.fileDirectory.getValue('Compression') || 1);
  if (!SEM_COMPRESSIONS.has(compression)) {
    throw new FormatError(fileName, `${compressionLabel(compression)} is not supported for SEM images`);
  }
  const spp = image.getSamplesPerPixel();
  // geotiff reads a strip for no sample at all when there are none, and leaves its promise
  // without a handler: a strip that then fails to decode was an unhandled rejection.
  if (!(spp >= 1)) throw new FormatError(fileName, `TIFF has SamplesPerPixel ${spp}: no pixel values to read`);
  assertWalkableLayout(image, header.tags.get(image.isTiled ? 324 : 273)?.count ?? 0, spp, fileName);
  const bits = image.getBitsPerSample(0);
  // geotiff allocates the claimed raster before reading a strip: refuse dimensions the file
  // cannot hold (uncompressed) or could not decompress to (compressed).
  const packedBytes = Math.ceil((width * Math.max(1, bits)) / 8) * height * (spp > 1 ? spp : 1);
  const limit = compression === 1 ? fileSize : MAX_DECODE_RATIO * fileSize;
  if (!(packedBytes <= limit)) {
    throw new FormatError(fileName, `TIFF claims ${width} × ${height} pixels (${packedBytes} bytes decoded), more than a ${fileSize}-byte file can hold${compression === 1 ? '' : ` at ${MAX_DECODE_RATIO}:1`}`);
  }
  if (u16(header, 262) === PHOTOMETRIC_PALETTE) {
    const map = u16Array(header, 320);
    if (!map || map.length < 3 * (1 << bits)) throw new FormatError(fileName, 'palette TIFF without a usable ColorMap (tag 320)');
    return { width, height, bitsPerSample: 8 };
  }
  const sampleFormat = image.getSampleFormat(0);
  const integer = sampleFormat === 1 || sampleFormat === undefined;
  return { width, height, bitsPerSample: integer && bits <= 8 ? 8 : integer && bits === 16 ? 16 : 32 };
}

/**
 * The layout of an SEM TIFF's first image without decoding it (for `strata info`): its tags
 * are read through `source` (the IFD and tag values, not the strips), and vetted as decoding
 * vets them. `header`: the same file's tags (readRawTagsFrom).
 */
export async function readGreyLayout(source: ByteSource, header: RawTiffHeader): Promise<GreyLayout> {
  let image;
  try {
    image = await (await GeoTIFF.fromSource(toGeotiffSource(source))).getImage(0);
  } catch (err) {
    throw new FormatError(source.name, `not a readable TIFF (${(err as Error).message})`);
  }
  return vetLayout(image, header, source.name, source.size);
}

/**
 * The first image of a TIFF as grey levels. geotiff does the decompression (none, LZW, JPEG,
 * Deflate, PackBits, with predictors); this maps what SEM software writes onto one grey
 * channel: palette indices through the colour map (Zeiss and JEOL save grey images as
 * palette TIFFs), RGB through Rec. 601 luma, WhiteIsZero inverted. 8 and 16-bit stay integer;
 * anything else becomes Float32.
 */
export async function decodeGreyTiff(bytes: Uint8Array, fileName: string, header: RawTiffHeader): Promise<GreyImage> {
  let tiff;
  let image;
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    useBoundedDecoders();
    tiff = await fromArrayBuffer(buffer);
    image = await tiff.getImage(0);
  } catch (err) {
    throw new FormatError(fileName, `not a readable TIFF (${(err as Error).message})`);
  }
  // The layout's bit depth is the grey image's: decided once, here and for `strata info` alike.
  const { width, height, bitsPerSample } = vetLayout(image, header, fileName, bytes.length);
  const spp = image.getSamplesPerPixel();
  const bits = image.getBitsPerSample(0);
  const photometric = u16(header, 262);
  let copied: Uint8Array | Uint16Array | null;
  let bands: ArrayLike<number>[];
  try {
    // One-sample strips, as SEM software saves: decoded straight into the image, not a value at a time.
    copied = stripSamples(bytes, header, width, height);
    bands = copied ? [copied] : ((await image.readRasters({ interleave: false })) as unknown as ArrayLike<number>[]);
  } catch (err) {
    throw new FormatError(fileName, `TIFF pixels could not be decoded (${(err as Error).message})`);
  }
  const n = width * height;
  // A corrupt SamplesPerPixel (count 0, or fewer bands than it says) leaves bands missing.
  const needBands = spp >= 3 && photometric === 2 ? 3 : 1;
  for (let k = 0; k < needBands; k++) {
    if (!(bands[k]?.length >= n)) throw new FormatError(fileName, `TIFF pixels could not be decoded (band ${k + 1} of ${spp} missing or short)`);
  }
  if (photometric === PHOTOMETRIC_PALETTE) {
    const map = u16Array(header, 320)!; // vetted in vetLayout
    const entries = 1 << bits;
    const lut = new Float64Array(entries);
    for (let i = 0; i < entries; i++) lut[i] = (0.299 * map[i] + 0.587 * map[entries + i] + 0.114 * map[2 * entries + i]) / 257;
    const out = new Uint8Array(n);
    const idx = bands[0];
    for (let i = 0; i < n; i++) out[i] = Math.round(lut[idx[i]] ?? 0);
    return { width, height, pixels: out, bitsPerSample: 8 };
  }
  const sampleFormat = image.getSampleFormat(0);
  const integer = sampleFormat === 1 || sampleFormat === undefined;
  // Copied samples that are already the grey image (not inverted, of its bit depth): no second copy.
  if (copied && photometric !== PHOTOMETRIC_WHITE_IS_ZERO && copied.BYTES_PER_ELEMENT * 8 === bitsPerSample) return { width, height, pixels: copied, bitsPerSample };
  const target: Uint8Array | Uint16Array | Float32Array = bitsPerSample === 8 ? new Uint8Array(n) : bitsPerSample === 16 ? new Uint16Array(n) : new Float32Array(n);
  const maxValue = integer ? 2 ** bits - 1 : 1;
  if (spp >= 3 && photometric === 2) {
    const [r, g, b] = bands;
    // Integer arrays truncate on assignment: round (the weights sum to 1, so no overflow).
    const round = target instanceof Float32Array ? (v: number) => v : (v: number) => Math.min(maxValue, Math.round(v));
    for (let i = 0; i < n; i++) target[i] = round(0.299 * r[i] + 0.587 * g[i] + 0.114 * b[i]);
  } else {
    const grey = bands[0];
    const invert = photometric === PHOTOMETRIC_WHITE_IS_ZERO && integer;
    for (let i = 0; i < n; i++) target[i] = invert ? maxValue - grey[i] : grey[i];
  }
  return { width, height, pixels: target, bitsPerSample };
}

/** The top `rows` rows (the image above a data bar). */
export function cropRows<T extends Uint8Array | Uint16Array | Float32Array>(pixels: T, width: number, rows: number): T {
  return pixels.slice(0, width * rows) as T;
}
