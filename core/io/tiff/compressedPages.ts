import { FormatError } from '../../model/errors.js';
import type { ByteSource } from '../byteSource.js';
import { inflateInto, lzwInto, packBitsInto } from './boundedDecoders.js';
import { readTagNumbers, tagNumbersInHand, TAG } from './ifd.js';
import type { TiffStructure } from './ifd.js';
import type { TiffPageInfo } from './page.js';
import { HOST_LITTLE_ENDIAN, toFloat32 } from './rawPlane.js';
import { firstValueInHand, sameSamplesAsFirst } from './uniformPages.js';

/**
 * Compressed stacks (Deflate, as tifffile, bfconvert and our sample generator write them, LZW or
 * PackBits), vetted once at open like uniformPages.ts: every page one sample of the first page's
 * size and type, in strips of one height, of one compression, predictor none or horizontal. Then
 * a plane is its strips read and decoded straight into one buffer. Through geotiff a page of a
 * small stack cost ~0.2 ms of bookkeeping, ten times its inflating, and the sample study's three
 * stacks of 2 250 pages each were most of analysing it. A strip is decoded into its rows and no
 * further (boundedDecoders.ts).
 */
export interface CompressedPages {
  /** Decodes one strip into the buffer it is given (no further); says how much it filled. */
  decode: (stored: Uint8Array, out: Uint8Array) => number;
  rowsPerStrip: number;
  /** TIFF Predictor: 1 none, 2 horizontal differencing. */
  predictor: 1 | 2;
  /** The strips of each page by IFD index (file offsets and stored bytes); undefined for IFDs that are not planes. */
  strips: ({ offsets: number[]; counts: number[] } | undefined)[];
}

/** The decoder of each TIFF Compression this reader decodes itself. */
const DECODERS: Record<number, CompressedPages['decode']> = { 8: inflateInto, 32946: inflateInto, 5: lzwInto, 32773: packBitsInto };

export async function compressedPages(source: ByteSource, tiff: TiffStructure, info: TiffPageInfo, planeIfds: Iterable<number>): Promise<CompressedPages | null> {
  const decode = DECODERS[info.compression];
  if (!decode || info.samplesPerPixel !== 1 || ![8, 16, 32, 64].includes(info.bitsPerSample)) return null;
  // Single values come with the IFD walk (inline); a page whose do not is left to geotiff.
  const one = (index: number, tag: number, fallback: number): number | null => firstValueInHand(tiff, index, tag, fallback);
  const predictor = one(0, TAG.Predictor, 1);
  // Horizontal differencing is of integers; the floating-point predictor (3) is left to geotiff.
  if (predictor !== 1 && !(predictor === 2 && info.sampleFormat !== 3 && info.bitsPerSample <= 32)) return null;
  const rowsOf = (index: number): number | null => {
    const rows = one(index, TAG.RowsPerStrip, info.height);
    return rows === null ? null : Math.min(info.height, rows);
  };
  const rowsPerStrip = rowsOf(0);
  if (rowsPerStrip === null || !Number.isInteger(rowsPerStrip) || rowsPerStrip < 1) return null;
  const stripCount = Math.ceil(info.height / rowsPerStrip);
  const strips: CompressedPages['strips'] = new Array(tiff.ifds.length);
  for (const index of planeIfds) {
    if (strips[index]) continue;
    const compression = one(index, TAG.Compression, 1);
    if (!sameSamplesAsFirst(tiff, index, info) || compression !== info.compression) return null;
    if (one(index, TAG.Predictor, 1) !== predictor || rowsOf(index) !== rowsPerStrip) return null;
    // Several strips' offsets and counts may lie outside the IFD: read then.
    const ifd = tiff.ifds[index];
    const offsets = tagNumbersInHand(tiff, ifd, TAG.StripOffsets) ?? (await readTagNumbers(source, tiff, ifd, TAG.StripOffsets));
    const counts = tagNumbersInHand(tiff, ifd, TAG.StripByteCounts) ?? (await readTagNumbers(source, tiff, ifd, TAG.StripByteCounts));
    if (offsets.length !== stripCount || counts.length !== stripCount) return null;
    for (let s = 0; s < stripCount; s++) {
      if (!(counts[s] > 0) || !(offsets[s] >= 0) || offsets[s] + counts[s] > tiff.size) return null;
    }
    strips[index] = { offsets, counts };
  }
  return { decode, rowsPerStrip, predictor, strips };
}

/** The plane of the page at IFD `index` (vetted by compressedPages), as Float32. */
export async function readCompressedPlane(source: ByteSource, pages: CompressedPages, index: number, info: TiffPageInfo, littleEndian: boolean): Promise<Float32Array> {
  const plane = new Uint8Array(info.width * info.height * (info.bitsPerSample / 8));
  await decodeCompressedPlaneInto(source, pages, index, info, littleEndian, plane);
  return toFloat32(plane, info.width * info.height, info, littleEndian);
}

/**
 * The samples of the page at IFD `index` (vetted by compressedPages) decoded into `plane` (its
 * width × height samples' bytes), in the file's sample type and byte order: a run of planes
 * decoded into one buffer is summed as the file's 16-bit counts, as an uncompressed run is.
 */
export async function decodeCompressedPlaneInto(source: ByteSource, pages: CompressedPages, index: number, info: TiffPageInfo, littleEndian: boolean, plane: Uint8Array): Promise<void> {
  const page = pages.strips[index];
  if (!page) throw new RangeError(`${source.name}: IFD ${index} is not a plane of the stack`);
  const bytesPerSample = info.bitsPerSample / 8;
  const rowBytes = info.width * bytesPerSample;
  if (plane.byteLength !== rowBytes * info.height) throw new RangeError(`${source.name}: a plane of ${plane.byteLength} bytes, not ${rowBytes * info.height}`);
  const { offsets, counts } = page;
  // Strips back to back (as writers put them) are one read.
  let together = true;
  for (let s = 1; s < offsets.length; s++) if (offsets[s] !== offsets[s - 1] + counts[s - 1]) together = false;
  const stored = together ? await source.read(offsets[0], offsets[offsets.length - 1] + counts[counts.length - 1] - offsets[0]) : null;
  for (let s = 0; s < offsets.length; s++) {
    const at = s * pages.rowsPerStrip * rowBytes;
    const expected = Math.min(pages.rowsPerStrip, info.height - s * pages.rowsPerStrip) * rowBytes;
    const bytes = stored ? stored.subarray(offsets[s] - offsets[0], offsets[s] - offsets[0] + counts[s]) : await source.read(offsets[s], counts[s]);
    if (bytes.byteLength < counts[s]) throw new FormatError(source.name, `strip ${s}: file truncated`, { offset: offsets[s] });
    let decoded: number;
    try {
      decoded = pages.decode(bytes, plane.subarray(at, at + expected));
    } catch (err) {
      throw new FormatError(source.name, `strip ${s} ${(err as Error).message}`, { offset: offsets[s] });
    }
    if (decoded < expected) {
      throw new FormatError(source.name, `strip ${s} decodes to ${decoded} bytes, not the ${expected} its rows take`, { offset: offsets[s] });
    }
  }
  if (pages.predictor === 2) undoHorizontalDifferencing(plane, info.width, info.height, bytesPerSample, littleEndian);
}

/**
 * TIFF Predictor 2: each sample after a row's first was stored as its difference from the one
 * before, modulo 2^bits; summed back along each row (unsigned arithmetic gives the signed
 * samples' bits too). Integer samples of 1, 2 or 4 bytes (compressedPages leaves others to geotiff).
 */
export function undoHorizontalDifferencing(plane: Uint8Array, width: number, height: number, bytesPerSample: number, littleEndian: boolean): void {
  if (bytesPerSample === 1 || littleEndian === HOST_LITTLE_ENDIAN) {
    const samples =
      bytesPerSample === 1 ? plane
      : bytesPerSample === 2 ? new Uint16Array(plane.buffer, plane.byteOffset, width * height)
      : new Uint32Array(plane.buffer, plane.byteOffset, width * height);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let x = 1; x < width; x++) samples[row + x] += samples[row + x - 1];
    }
    return;
  }
  const dv = new DataView(plane.buffer, plane.byteOffset, plane.byteLength);
  for (let y = 0; y < height; y++) {
    for (let x = 1; x < width; x++) {
      const at = (y * width + x) * bytesPerSample;
      const before = at - bytesPerSample;
      // DataView's setters keep the sum's low bits: modulo 2^bits, as the predictor wants.
      if (bytesPerSample === 2) dv.setUint16(at, dv.getUint16(at, littleEndian) + dv.getUint16(before, littleEndian), littleEndian);
      else dv.setUint32(at, dv.getUint32(at, littleEndian) + dv.getUint32(before, littleEndian), littleEndian);
    }
  }
}
