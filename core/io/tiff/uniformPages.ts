import type { ByteSource } from '../byteSource.js';
import { readTagNumbers, tagNumbersInHand, TAG } from './ifd.js';
import type { TiffStructure } from './ifd.js';
import type { TiffPageInfo } from './page.js';

/**
 * Where the pixels of each page of a stack lie, worked out once at open for stacks whose pages
 * all share one simple layout: uncompressed, one sample, the first page's size and sample
 * type, strips back to back. Then reading a plane is one `read` and one conversion, with no
 * per-page tag parsing (which cost ~0.1 ms a page, most of a stack's read time).
 *
 * Values that came with the IFD walk are used where they did, so vetting thousands of pages
 * costs no I/O; the few that did not (the first page's strip offsets sit behind its OME-XML)
 * are read. Any page that does not fit (compressed, tiled, strips apart, values not in hand, too
 * few bytes stored, pixels past the end of the file) makes this return null: the caller then
 * reads every page the careful way, which also reports what is wrong with a bad page.
 */
export interface UniformPages {
  /** Bytes of one plane's pixels. */
  planeBytes: number;
  /** File offset of each page's pixels by IFD index (NaN for IFDs that are not planes). */
  pixelOffsets: Float64Array;
}

export async function uniformPages(source: ByteSource, tiff: TiffStructure, info: TiffPageInfo, planeIfds: Iterable<number>): Promise<UniformPages | null> {
  if (info.compression !== 1 || info.samplesPerPixel !== 1 || info.bitsPerSample % 8 !== 0) return null;
  const planeBytes = info.width * info.height * (info.bitsPerSample / 8);
  const pixelOffsets = new Float64Array(tiff.ifds.length).fill(NaN);
  for (const index of planeIfds) {
    if (!Number.isNaN(pixelOffsets[index])) continue;
    const ifd = tiff.ifds[index];
    if (!sameSamplesAsFirst(tiff, index, info) || firstValueInHand(tiff, index, TAG.Compression, 1) !== 1) return null;
    const offsets = tagNumbersInHand(tiff, ifd, TAG.StripOffsets) ?? (await readTagNumbers(source, tiff, ifd, TAG.StripOffsets));
    const counts = tagNumbersInHand(tiff, ifd, TAG.StripByteCounts) ?? (await readTagNumbers(source, tiff, ifd, TAG.StripByteCounts));
    if (offsets.length === 0 || offsets.length !== counts.length) return null;
    let stored = counts[0];
    for (let i = 1; i < offsets.length; i++) {
      if (offsets[i] !== offsets[i - 1] + counts[i - 1]) return null;
      stored += counts[i];
    }
    if (stored < planeBytes || !(offsets[0] >= 0) || offsets[0] + planeBytes > tiff.size) return null;
    pixelOffsets[index] = offsets[0];
  }
  return { planeBytes, pixelOffsets };
}

/** The tag's first value when it came with the IFD read (the fallback when the tag is absent); null when it would need a read. */
export function firstValueInHand(tiff: TiffStructure, index: number, tag: number, fallback: number): number | null {
  const v = tagNumbersInHand(tiff, tiff.ifds[index], tag);
  return v === null ? null : (v[0] ?? fallback);
}

/**
 * Whether page `index` is a striped page of one sample of the first page's size and sample type,
 * from the tag values that came with the IFD walk (a value that did not counts as a difference).
 */
export function sameSamplesAsFirst(tiff: TiffStructure, index: number, info: TiffPageInfo): boolean {
  const ifd = tiff.ifds[index];
  if (ifd === undefined || ifd.entries.has(TAG.TileOffsets) || ifd.entries.has(TAG.TileByteCounts)) return false;
  return (
    firstValueInHand(tiff, index, TAG.ImageWidth, 0) === info.width &&
    firstValueInHand(tiff, index, TAG.ImageLength, 0) === info.height &&
    firstValueInHand(tiff, index, TAG.BitsPerSample, 1) === info.bitsPerSample &&
    firstValueInHand(tiff, index, TAG.SampleFormat, 1) === info.sampleFormat &&
    firstValueInHand(tiff, index, TAG.SamplesPerPixel, 1) === 1
  );
}
