/**
 * A small baseline TIFF writer: little-endian, one IFD per page, grayscale 8/16-bit unsigned
 * or 32-bit float, strips, no compression or deflate (compression 8), ImageDescription and
 * arbitrary extra ASCII/SHORT/LONG/DOUBLE tags.
 *
 * Why it exists: no maintained npm package writes multi-page 16-bit grayscale TIFF with custom
 * tags (geotiff.js writes single-image GeoTIFF only; others are 8-bit RGB or unmaintained). We
 * need exactly that for OME-TIFF ion stacks (OME-XML in the first page's description) and for
 * SEM images that carry vendor tags.
 *
 * Pure: bytes out, no fs. `createTiffStream` yields the file piece by piece, in file order, so
 * a multi-GB stack can be streamed to disk one page at a time; `writeTiff` is the same stream
 * collected into one array. Offsets are 32-bit (classic TIFF): files must stay under 4 GiB.
 */
import { zlibSync } from 'fflate';

export type TiffTagType = 'ascii' | 'short' | 'long' | 'double';

/** An extra tag. ASCII values are written as UTF-8 (what OME-XML and geotiff.js expect), NUL-terminated. */
export interface TiffTag {
  tag: number;
  type: TiffTagType;
  value: string | number | readonly number[];
}

export type TiffPixels = Uint8Array | Uint16Array | Float32Array;

export interface TiffPage {
  width: number;
  height: number;
  /** Row-major, x fastest; the array type decides BitsPerSample and SampleFormat. */
  data: TiffPixels;
  /** Tag 270. */
  description?: string;
  extraTags?: TiffTag[];
}

export interface TiffWriteOptions {
  compression?: 'none' | 'deflate';
  /** Target uncompressed bytes per strip (rounded to whole rows); default 64 KiB. */
  stripBytes?: number;
  /** Deflate level 0–9, default 6. */
  deflateLevel?: number;
}

const TYPE_CODE: Record<TiffTagType, number> = { ascii: 2, short: 3, long: 4, double: 12 };
const TYPE_SIZE: Record<TiffTagType, number> = { ascii: 1, short: 2, long: 4, double: 8 };
const MAX_OFFSET = 0xffffffff;

interface Entry {
  tag: number;
  type: TiffTagType;
  /** Encoded value bytes (little-endian). */
  bytes: Uint8Array;
  count: number;
}

const utf8 = new TextEncoder();

function encodeEntry(t: TiffTag): Entry {
  if (t.type === 'ascii') {
    if (typeof t.value !== 'string') throw new TypeError(`tag ${t.tag}: ASCII tag needs a string`);
    const text = utf8.encode(t.value);
    const bytes = new Uint8Array(text.length + 1);
    bytes.set(text);
    return { tag: t.tag, type: 'ascii', bytes, count: bytes.length };
  }
  if (typeof t.value === 'string') throw new TypeError(`tag ${t.tag}: numeric tag given a string`);
  const values = typeof t.value === 'number' ? [t.value] : t.value;
  const size = TYPE_SIZE[t.type];
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => {
    if (t.type === 'double') view.setFloat64(i * size, v, true);
    else {
      const max = t.type === 'short' ? 0xffff : MAX_OFFSET;
      if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`tag ${t.tag}: ${v} is not a ${t.type}`);
      if (t.type === 'short') view.setUint16(i * size, v, true);
      else view.setUint32(i * size, v, true);
    }
  });
  return { tag: t.tag, type: t.type, bytes, count: values.length };
}

function pixelLayout(data: TiffPixels): { bits: number; sampleFormat: number } {
  if (data instanceof Uint8Array) return { bits: 8, sampleFormat: 1 };
  if (data instanceof Uint16Array) return { bits: 16, sampleFormat: 1 };
  return { bits: 32, sampleFormat: 3 };
}

/** Little-endian bytes of the pixel array (a copy only on big-endian hosts, which we do not meet). */
function pixelBytes(data: TiffPixels): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

const pad2 = (n: number): number => n + (n & 1);

/** Header for a file whose first IFD starts right after it (offset 8). */
function header(): Uint8Array {
  const h = new Uint8Array(8);
  const v = new DataView(h.buffer);
  h[0] = 0x49;
  h[1] = 0x49;
  v.setUint16(2, 42, true);
  v.setUint32(4, 8, true);
  return h;
}

export interface TiffStream {
  /** The 8-byte file header; write it first. */
  header: Uint8Array;
  /** Encodes the next page; `last` ends the IFD chain. Returns the bytes to append. */
  page(page: TiffPage, last: boolean): Uint8Array;
  /** Bytes emitted so far (header included). */
  readonly position: number;
}

/**
 * A TIFF written page by page. Each page's chunk is laid out as [IFD][out-of-line tag values]
 * [strips], so the first IFD sits at offset 8 and readers find page 0 without reading the rest;
 * the IFD's next-offset points just past its own chunk.
 */
export function createTiffStream(options: TiffWriteOptions = {}): TiffStream {
  const compression = options.compression ?? 'none';
  const stripBytesTarget = options.stripBytes ?? 64 * 1024;
  const level = (options.deflateLevel ?? 6) as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  let position = 8;
  let ended = false;

  function page(p: TiffPage, last: boolean): Uint8Array {
    if (ended) throw new Error('TIFF stream already ended');
    const { width, height, data } = p;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`TIFF page size ${width}×${height} is not valid`);
    }
    if (data.length !== width * height) throw new RangeError(`TIFF page has ${data.length} pixels, expected ${width}×${height}`);
    const { bits, sampleFormat } = pixelLayout(data);
    const rowBytes = width * (bits / 8);
    const rowsPerStrip = Math.max(1, Math.min(height, Math.floor(stripBytesTarget / rowBytes)));
    const raw = pixelBytes(data);
    const strips: Uint8Array[] = [];
    for (let y = 0; y < height; y += rowsPerStrip) {
      const part = raw.subarray(y * rowBytes, Math.min(height, y + rowsPerStrip) * rowBytes);
      strips.push(compression === 'deflate' ? zlibSync(part, { level }) : part);
    }

    // Offsets of strips depend on the IFD size, which depends only on the tag list: build
    // the entries with placeholder offsets, size everything, then fill the offsets in.
    const base: TiffTag[] = [
      { tag: 254, type: 'long', value: 0 },
      { tag: 256, type: 'long', value: width },
      { tag: 257, type: 'long', value: height },
      { tag: 258, type: 'short', value: bits },
      { tag: 259, type: 'short', value: compression === 'deflate' ? 8 : 1 },
      { tag: 262, type: 'short', value: 1 },
      { tag: 273, type: 'long', value: strips.map(() => 0) },
      { tag: 277, type: 'short', value: 1 },
      { tag: 278, type: 'long', value: rowsPerStrip },
      { tag: 279, type: 'long', value: strips.map((s) => s.length) },
      { tag: 284, type: 'short', value: 1 },
      { tag: 339, type: 'short', value: sampleFormat },
    ];
    if (p.description !== undefined) base.push({ tag: 270, type: 'ascii', value: p.description });
    const seen = new Set(base.map((t) => t.tag));
    for (const t of p.extraTags ?? []) {
      if (seen.has(t.tag)) throw new Error(`TIFF tag ${t.tag} given twice (it is written by the writer itself or repeated)`);
      seen.add(t.tag);
    }
    const entries = [...base, ...(p.extraTags ?? [])].map(encodeEntry).sort((a, b) => a.tag - b.tag);

    const ifdStart = position;
    const ifdSize = 2 + entries.length * 12 + 4;
    let cursor = pad2(ifdStart + ifdSize);
    const outOfLine = new Map<Entry, number>();
    for (const e of entries) {
      if (e.bytes.length > 4) {
        outOfLine.set(e, cursor);
        cursor = pad2(cursor + e.bytes.length);
      }
    }
    const stripOffsets: number[] = [];
    for (const s of strips) {
      stripOffsets.push(cursor);
      cursor = pad2(cursor + s.length);
    }
    if (cursor > MAX_OFFSET) throw new RangeError('TIFF would pass 4 GiB: classic TIFF offsets are 32-bit');
    const offsetsEntry = entries.find((e) => e.tag === 273)!;
    const ov = new DataView(offsetsEntry.bytes.buffer);
    stripOffsets.forEach((o, i) => ov.setUint32(i * 4, o, true));

    const chunk = new Uint8Array(cursor - ifdStart);
    const view = new DataView(chunk.buffer);
    view.setUint16(0, entries.length, true);
    entries.forEach((e, i) => {
      const at = 2 + i * 12;
      view.setUint16(at, e.tag, true);
      view.setUint16(at + 2, TYPE_CODE[e.type], true);
      view.setUint32(at + 4, e.count, true);
      const where = outOfLine.get(e);
      if (where === undefined) chunk.set(e.bytes, at + 8);
      else {
        view.setUint32(at + 8, where, true);
        chunk.set(e.bytes, where - ifdStart);
      }
    });
    view.setUint32(2 + entries.length * 12, last ? 0 : cursor, true);
    strips.forEach((s, i) => chunk.set(s, stripOffsets[i] - ifdStart));
    position = cursor;
    if (last) ended = true;
    return chunk;
  }

  return {
    header: header(),
    page,
    get position() {
      return position;
    },
  };
}

/** All pages into one TIFF file. */
export function writeTiff(pages: readonly TiffPage[], options: TiffWriteOptions = {}): Uint8Array {
  if (pages.length === 0) throw new RangeError('a TIFF needs at least one page');
  const stream = createTiffStream(options);
  const parts = [stream.header, ...pages.map((p, i) => stream.page(p, i === pages.length - 1))];
  const out = new Uint8Array(stream.position);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
