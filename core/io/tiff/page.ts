import { FormatError } from '../../model/errors.js';
import type { ByteSource } from '../byteSource.js';
import { readTagNumber, readTagNumbers, TAG } from './ifd.js';
import type { TiffIfd, TiffStructure } from './ifd.js';

/** The facts of one page that decide how (and whether) it can be decoded. */
export interface TiffPageInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  /** 1 unsigned int, 2 signed int, 3 IEEE float (TIFF SampleFormat). */
  sampleFormat: number;
  samplesPerPixel: number;
  compression: number;
  /** NewSubfileType bit 0: a thumbnail or pyramid level, not a page of the stack. */
  reducedResolution: boolean;
}

/** Side of an image no instrument writes; refuses a header before anything is sized from it. */
export const MAX_IMAGE_SIDE_PX = 1 << 20;

export async function readPageInfo(source: ByteSource, tiff: TiffStructure, ifd: TiffIfd): Promise<TiffPageInfo> {
  const width = await readTagNumber(source, tiff, ifd, TAG.ImageWidth, 0);
  const height = await readTagNumber(source, tiff, ifd, TAG.ImageLength, 0);
  if (!(width >= 1 && height >= 1 && width <= MAX_IMAGE_SIDE_PX && height <= MAX_IMAGE_SIDE_PX)) {
    throw new FormatError(source.name, `page at ${ifd.offset} claims ${width} × ${height} pixels`, { offset: ifd.offset });
  }
  const bits = await readTagNumbers(source, tiff, ifd, TAG.BitsPerSample);
  return {
    width,
    height,
    bitsPerSample: bits[0] ?? 1,
    sampleFormat: await readTagNumber(source, tiff, ifd, TAG.SampleFormat, 1),
    samplesPerPixel: await readTagNumber(source, tiff, ifd, TAG.SamplesPerPixel, 1),
    compression: await readTagNumber(source, tiff, ifd, TAG.Compression, 1),
    reducedResolution: ((await readTagNumber(source, tiff, ifd, TAG.NewSubfileType, 0)) & 1) === 1,
  };
}
