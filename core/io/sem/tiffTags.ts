import type { ByteSource } from '../byteSource.js';
import { readIfdAt, readTiffHeader } from '../tiff/ifd.js';

/**
 * The raw bytes of the first IFD's tags. geotiff decodes pixels well, but it turns ASCII tags
 * into UTF-8 strings (Zeiss writes Latin-1, so its µ becomes U+FFFD) and gives no easy access
 * to undefined-type vendor blocks (Tescan 50431): vendor metadata is read from here instead.
 */
export interface RawTag {
  tag: number;
  type: number;
  count: number;
  bytes: Uint8Array;
}

export interface RawTiffHeader {
  littleEndian: boolean;
  tags: Map<number, RawTag>;
  /**
   * A tag whose value is larger than the whole file (a corrupt count): no reader can use it,
   * and geotiff allocates `count` values before finding that out, so the reader refuses it.
   */
  impossibleTag?: { tag: number; count: number; bytes: number };
}

const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };

/** Tags of the first image; null when the file is not a classic or big TIFF we can walk. */
export function readRawTags(bytes: Uint8Array): RawTiffHeader | null {
  if (bytes.length < 16) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const littleEndian = bytes[0] === 0x49 && bytes[1] === 0x49;
  if (!littleEndian && !(bytes[0] === 0x4d && bytes[1] === 0x4d)) return null;
  const magic = dv.getUint16(2, littleEndian);
  const big = magic === 43;
  if (magic !== 42 && !big) return null;
  const u64 = (at: number): number => Number(dv.getBigUint64(at, littleEndian));
  const ifd = big ? u64(8) : dv.getUint32(4, littleEndian);
  const countSize = big ? 8 : 2;
  const entrySize = big ? 20 : 12;
  const inlineSize = big ? 8 : 4;
  if (ifd + countSize > bytes.length) return null;
  const n = big ? u64(ifd) : dv.getUint16(ifd, littleEndian);
  const tags = new Map<number, RawTag>();
  let impossibleTag: RawTiffHeader['impossibleTag'];
  for (let i = 0; i < n; i++) {
    const e = ifd + countSize + entrySize * i;
    if (e + entrySize > bytes.length) break;
    const tag = dv.getUint16(e, littleEndian);
    const type = dv.getUint16(e + 2, littleEndian);
    const count = big ? u64(e + 4) : dv.getUint32(e + 4, littleEndian);
    const valueAt = e + (big ? 12 : 8);
    const length = (TYPE_SIZES[type] ?? 1) * count;
    if (length > bytes.length && !impossibleTag) impossibleTag = { tag, count, bytes: length };
    const offset = length <= inlineSize ? valueAt : big ? u64(valueAt) : dv.getUint32(valueAt, littleEndian);
    // A tag pointing past the end is skipped, not fatal: pixels may still be readable.
    if (offset + length > bytes.length) continue;
    tags.set(tag, { tag, type, count, bytes: bytes.subarray(offset, offset + length) });
  }
  return impossibleTag ? { littleEndian, tags, impossibleTag } : { littleEndian, tags };
}

/** Most bytes of one tag's values readRawTagsFrom reads: a vendor's metadata is kilobytes, a 16-bit colour map 384 kB. */
export const MAX_TAG_VALUE_BYTES = 16 << 20;

/**
 * The tags of the first image, read through a ByteSource: the header, the first IFD, and the
 * values of the tags in `valuesOf` (the others keep their type and count, with no bytes), never
 * the pixels (what `strata info` needs of an image of hundreds of MB). Every value read whole,
 * 4096 tags each claiming most of a 1 GiB file held 4096 × its size; a wanted tag past
 * MAX_TAG_VALUE_BYTES is not read either, and `oversized` names it (the caller reads the file
 * whole then, within its limits). The IFD walk refuses, as a FormatError, a tag whose values lie
 * past the end of the file, which readRawTags flags (`impossibleTag`) or skips.
 */
export async function readRawTagsFrom(source: ByteSource, valuesOf: ReadonlySet<number>): Promise<RawTiffHeader & { oversized?: number }> {
  const header = await readTiffHeader(source);
  const { ifd } = await readIfdAt(source, header, header.firstIfdOffset, 0);
  const tags = new Map<number, RawTag>();
  let oversized: number | undefined;
  for (const { tag, type, count, valueOffset, byteLength, inlineBytes } of ifd.entries.values()) {
    let bytes = inlineBytes ?? NO_BYTES;
    if (!inlineBytes && valuesOf.has(tag)) {
      if (byteLength <= MAX_TAG_VALUE_BYTES) bytes = await source.read(valueOffset, byteLength);
      else oversized ??= tag;
    }
    tags.set(tag, { tag, type, count, bytes });
  }
  return oversized === undefined ? { littleEndian: header.littleEndian, tags } : { littleEndian: header.littleEndian, tags, oversized };
}

const NO_BYTES = new Uint8Array(0);

/** An ASCII/undefined tag as Latin-1 text, cut at the first NUL (vendors pad with them). */
export function tagLatin1(tag: RawTag | undefined): string | null {
  if (!tag) return null;
  let end = tag.bytes.indexOf(0);
  if (end < 0) end = tag.bytes.length;
  return latin1(tag.bytes.subarray(0, end));
}

export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}
