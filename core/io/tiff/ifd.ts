import { FormatError } from '../../model/errors.js';
import type { ByteSource } from '../byteSource.js';

/**
 * A small, defensive walk over a TIFF's structure: header, IFD chain and tag entries, without
 * reading pixel data. geotiff decodes pixels, but it trusts the IFD chain (a cycle makes its
 * page count loop forever) and allocates tag arrays of whatever count a tag claims. Every page
 * is vetted here first, so what geotiff is later handed is known to fit inside the file.
 */

export interface TiffEntry {
  tag: number;
  type: number;
  count: number;
  /** Absolute offset of the value bytes (inside the entry when they fit there). */
  valueOffset: number;
  byteLength: number;
  /** The value bytes when they came with the IFD read (inside the entry, or small and right
   * after the IFD): read with the IFD, so no further I/O. */
  inlineBytes?: Uint8Array;
}

export interface TiffIfd {
  /** Offset of the IFD in the file: what geotiff's parser is given. */
  offset: number;
  entries: Map<number, TiffEntry>;
}

export interface TiffStructure {
  name: string;
  size: number;
  littleEndian: boolean;
  bigTiff: boolean;
  ifds: TiffIfd[];
}

export const TAG = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  ImageDescription: 270,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  XResolution: 282,
  YResolution: 283,
  PlanarConfiguration: 284,
  ResolutionUnit: 296,
  Predictor: 317,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  SampleFormat: 339,
  /** Vendor SEM metadata tags: their presence marks an SEM image. */
  FeiHelios: 34682,
  ZeissSem: 34118,
  TescanSem: 50431,
} as const;

/** Bytes per value of each TIFF field type (TIFF 6 + BigTIFF); unknown types are refused. */
const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };

/**
 * Tags that size or locate pixels: whole numbers by the TIFF spec (BYTE, SHORT, LONG or LONG8).
 * Of another type (a RATIONAL strip offset) their values are fractions, and the readers of one
 * page, by plane and by run of planes, rounded them differently and read different pixels.
 */
const WHOLE_NUMBER_TAGS: ReadonlySet<number> = new Set([
  TAG.ImageWidth,
  TAG.ImageLength,
  TAG.BitsPerSample,
  TAG.StripOffsets,
  TAG.SamplesPerPixel,
  TAG.RowsPerStrip,
  TAG.StripByteCounts,
  TAG.TileWidth,
  TAG.TileLength,
  TAG.TileOffsets,
  TAG.TileByteCounts,
]);
const WHOLE_NUMBER_TYPES: ReadonlySet<number> = new Set([1, 3, 4, 16]);

/** More entries than this in one IFD is not a real image (real files have tens). */
const MAX_ENTRIES = 4096;
/** Bytes read at each IFD: the entries of a typical page (~20) plus its nearby tag values. */
const IFD_PROBE_BYTES = 1024;
/** Out-of-line values up to this size that arrive with the IFD read are kept with the entry. */
const MAX_KEPT_VALUE_BYTES = 256;
/** Pages one file may hold; far above any ion stack (ions × scans) and bounded by file size anyway. */
export const MAX_PAGES = 1_000_000;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

async function readExact(source: ByteSource, offset: number, length: number, what: string): Promise<Uint8Array> {
  if (offset < 0 || offset + length > source.size) {
    throw new FormatError(source.name, `${what} lies outside the file (${length} bytes at ${offset}, file is ${source.size})`, { offset });
  }
  const bytes = await source.read(offset, length);
  if (bytes.byteLength < length) throw new FormatError(source.name, `${what}: file truncated`, { offset });
  return bytes;
}

export function readUint(dv: DataView, at: number, bytes: 2 | 4 | 8, le: boolean): number {
  if (bytes === 2) return dv.getUint16(at, le);
  if (bytes === 4) return dv.getUint32(at, le);
  const v = dv.getBigUint64(at, le);
  // Offsets beyond 2^53 cannot be inside any file we can open; make them fail the range checks.
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

/** What the header says: byte order, classic or BigTIFF, and where the first IFD is. */
export interface TiffHeader {
  name: string;
  size: number;
  littleEndian: boolean;
  bigTiff: boolean;
  firstIfdOffset: number;
}

export async function readTiffHeader(source: ByteSource): Promise<TiffHeader> {
  const name = source.name;
  if (source.size < 8) throw new FormatError(name, source.size === 0 ? 'empty file' : 'too short for a TIFF header', { offset: 0 });
  const head = await readExact(source, 0, Math.min(16, source.size), 'TIFF header');
  const bom = String.fromCharCode(head[0], head[1]);
  if (bom !== 'II' && bom !== 'MM') throw new FormatError(name, 'not a TIFF (byte-order mark)', { offset: 0 });
  const le = bom === 'II';
  const hv = view(head);
  const magic = hv.getUint16(2, le);
  if (magic !== 42 && magic !== 43) throw new FormatError(name, `not a TIFF (magic ${magic})`, { offset: 2 });
  const bigTiff = magic === 43;
  if (bigTiff && (head.byteLength < 16 || hv.getUint16(4, le) !== 8)) throw new FormatError(name, 'BigTIFF header malformed', { offset: 4 });
  const firstIfdOffset = bigTiff ? readUint(hv, 8, 8, le) : readUint(hv, 4, 4, le);
  if (firstIfdOffset === 0) throw new FormatError(name, 'no image (first IFD offset is 0)', { offset: bigTiff ? 8 : 4 });
  return { name, size: source.size, littleEndian: le, bigTiff, firstIfdOffset };
}

/** One IFD as read from the file, with the offset of the next (0 at the end of the chain). */
export interface IfdRead {
  ifd: TiffIfd;
  next: number;
  /** The bytes read at the IFD (its entries, next offset and whatever followed within the probe). */
  block: Uint8Array;
}

/** Sizes of an IFD's parts in this flavour of TIFF. */
export function ifdLayout(bigTiff: boolean): { countBytes: number; entryBytes: number; offsetBytes: 4 | 8 } {
  return bigTiff ? { countBytes: 8, entryBytes: 20, offsetBytes: 8 } : { countBytes: 2, entryBytes: 12, offsetBytes: 4 };
}

/** Reads and parses the IFD at `at` (the `index`-th of the chain, for messages); refuses impossible entries. */
export async function readIfdAt(source: ByteSource, header: TiffHeader, at: number, index: number): Promise<IfdRead> {
  const { name } = header;
  const le = header.littleEndian;
  const bigTiff = header.bigTiff;
  const { countBytes, entryBytes, offsetBytes } = ifdLayout(bigTiff);
  if (at < 0 || at + countBytes > source.size) {
    throw new FormatError(name, `IFD ${index} lies outside the file (${countBytes} bytes at ${at}, file is ${source.size})`, { offset: at });
  }
  // One read for the count, the entries and (usually) the small out-of-line values that
  // writers put right after the IFD: a stack has thousands of IFDs, and each read is a trip
  // to the I/O thread pool.
  let block = await readExact(source, at, Math.min(IFD_PROBE_BYTES, source.size - at), `IFD ${index}`);
  const n = readUint(view(block), 0, bigTiff ? 8 : 2, le);
  if (n === 0 || n > MAX_ENTRIES) throw new FormatError(name, `IFD ${index} claims ${n} entries`, { offset: at });
  const ifdBytes = countBytes + n * entryBytes + offsetBytes;
  if (block.byteLength < ifdBytes) block = await readExact(source, at, ifdBytes, `IFD ${index} entries`);
  // Kept values are views into one copy of the bytes read (one allocation per IFD, not one
  // per tag; a copy, as a view into the reader's buffer could pin a whole cache block).
  block = block.slice();
  const dv = view(block);
  const entries = new Map<number, TiffEntry>();
  for (let i = 0; i < n; i++) {
    const e = countBytes + i * entryBytes;
    const tag = dv.getUint16(e, le);
    const type = dv.getUint16(e + 2, le);
    const count = readUint(dv, e + 4, bigTiff ? 8 : 4, le);
    const size = TYPE_SIZE[type];
    const entryAt = at + e;
    if (size === undefined) throw new FormatError(name, `tag ${tag} has unknown field type ${type}`, { offset: entryAt });
    if (WHOLE_NUMBER_TAGS.has(tag) && !WHOLE_NUMBER_TYPES.has(type)) {
      throw new FormatError(name, `tag ${tag} is of field type ${type}: a pixel size, offset or byte count is a whole number (BYTE, SHORT, LONG or LONG8)`, { offset: entryAt });
    }
    const byteLength = count * size;
    const inline = byteLength <= offsetBytes;
    const valueOffset = inline ? entryAt + (bigTiff ? 12 : 8) : readUint(dv, e + (bigTiff ? 12 : 8), offsetBytes, le);
    if (!inline && (valueOffset + byteLength > source.size || !Number.isSafeInteger(byteLength))) {
      throw new FormatError(name, `tag ${tag} claims ${count} values at ${valueOffset}, beyond the end of the file`, { offset: entryAt });
    }
    // Values already in hand are kept.
    const rel = valueOffset - at;
    const inHand = inline || (byteLength <= MAX_KEPT_VALUE_BYTES && rel >= 0 && rel + byteLength <= block.byteLength);
    const inlineBytes = inHand ? block.subarray(rel, rel + byteLength) : undefined;
    entries.set(tag, { tag, type, count, valueOffset, byteLength, inlineBytes });
  }
  return { ifd: { offset: at, entries }, next: readUint(dv, countBytes + n * entryBytes, offsetBytes, le), block };
}

/** Reads header and every IFD; refuses cycles, out-of-file offsets and impossible tag sizes. */
export async function readTiffStructure(source: ByteSource, maxPages = MAX_PAGES): Promise<TiffStructure> {
  const header = await readTiffHeader(source);
  const seen = new Set<number>();
  const ifds: TiffIfd[] = [];
  let next = header.firstIfdOffset;
  while (next !== 0) {
    if (seen.has(next)) throw new FormatError(source.name, `IFD chain loops back to offset ${next}`, { offset: next });
    if (ifds.length >= maxPages) throw new FormatError(source.name, `more than ${maxPages} pages`, { offset: next });
    seen.add(next);
    const read = await readIfdAt(source, header, next, ifds.length);
    ifds.push(read.ifd);
    next = read.next;
  }
  return { name: header.name, size: header.size, littleEndian: header.littleEndian, bigTiff: header.bigTiff, ifds };
}

/** Numeric values of a tag (integers and rationals as numbers); [] when absent. */
export async function readTagNumbers(source: ByteSource, tiff: TiffStructure, ifd: TiffIfd, tag: number): Promise<number[]> {
  const e = ifd.entries.get(tag);
  if (!e) return [];
  return decodeNumbers(e, e.inlineBytes ?? (await readExact(source, e.valueOffset, e.byteLength, `tag ${tag}`)), tiff.littleEndian);
}

/**
 * Numeric values of a tag when they came with the IFD read; [] when the tag is absent, null
 * when its values would need a read. Lets a caller vet thousands of pages without any I/O.
 */
export function tagNumbersInHand(tiff: TiffStructure, ifd: TiffIfd, tag: number): number[] | null {
  const e = ifd.entries.get(tag);
  if (!e) return [];
  return e.inlineBytes ? decodeNumbers(e, e.inlineBytes, tiff.littleEndian) : null;
}

function decodeNumbers(e: TiffEntry, bytes: Uint8Array, le: boolean): number[] {
  // SHORT and LONG (nearly every tag a page is vetted by) without a DataView: thousands of
  // pages × several tags made the views' allocation a visible share of opening a stack.
  if (e.type === 3 || e.type === 4) {
    const out = new Array<number>(e.count);
    for (let i = 0; i < e.count; i++) {
      if (e.type === 3) {
        const a = bytes[2 * i];
        const b = bytes[2 * i + 1];
        out[i] = le ? a | (b << 8) : (a << 8) | b;
      } else {
        const j = 4 * i;
        out[i] = (le ? bytes[j] | (bytes[j + 1] << 8) | (bytes[j + 2] << 16) | (bytes[j + 3] << 24) : (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3]) >>> 0;
      }
    }
    return out;
  }
  const dv = view(bytes);
  const out: number[] = [];
  for (let i = 0; i < e.count; i++) {
    switch (e.type) {
      case 1: case 2: case 7: out.push(dv.getUint8(i)); break;
      case 6: out.push(dv.getInt8(i)); break;
      case 3: out.push(dv.getUint16(i * 2, le)); break;
      case 8: out.push(dv.getInt16(i * 2, le)); break;
      case 4: case 13: out.push(dv.getUint32(i * 4, le)); break;
      case 9: out.push(dv.getInt32(i * 4, le)); break;
      case 5: out.push(dv.getUint32(i * 8, le) / dv.getUint32(i * 8 + 4, le)); break;
      case 10: out.push(dv.getInt32(i * 8, le) / dv.getInt32(i * 8 + 4, le)); break;
      case 11: out.push(dv.getFloat32(i * 4, le)); break;
      case 12: out.push(dv.getFloat64(i * 8, le)); break;
      case 16: case 18: out.push(readUint(dv, i * 8, 8, le)); break;
      case 17: out.push(Number(dv.getBigInt64(i * 8, le))); break;
    }
  }
  return out;
}

/** First value of a numeric tag, or `fallback`. */
export async function readTagNumber(source: ByteSource, tiff: TiffStructure, ifd: TiffIfd, tag: number, fallback: number): Promise<number> {
  const e = ifd.entries.get(tag);
  if (!e || e.count === 0) return fallback;
  // Only the first value is needed: read at most one value's worth.
  const one = { ...e, count: 1, byteLength: e.byteLength / e.count, inlineBytes: e.inlineBytes?.subarray(0, e.byteLength / e.count) };
  const values = await readTagNumbers(source, tiff, { offset: ifd.offset, entries: new Map([[tag, one]]) }, tag);
  return values[0] ?? fallback;
}

/**
 * An ASCII/UTF-8 tag as text, up to the first NUL; null when absent. `maxBytes` bounds what a
 * hostile tag can make us read (OME-XML of a big stack is a few MB).
 */
export async function readTagText(source: ByteSource, ifd: TiffIfd, tag: number, maxBytes = 64 * 1024 * 1024): Promise<string | null> {
  const e = ifd.entries.get(tag);
  if (!e) return null;
  if (e.byteLength > maxBytes) throw new FormatError(source.name, `tag ${tag} text of ${e.byteLength} bytes refused`, { offset: e.valueOffset });
  const bytes = await readExact(source, e.valueOffset, e.byteLength, `tag ${tag}`);
  const nul = bytes.indexOf(0);
  return new TextDecoder('utf-8').decode(nul >= 0 ? bytes.subarray(0, nul) : bytes);
}
