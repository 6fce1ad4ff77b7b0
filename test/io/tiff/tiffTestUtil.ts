import type { ByteSource, ReusableReads } from '../../../core/io/byteSource.js';
import { bytesSource } from '../../../core/io/byteSource.js';

/** A ByteSource that records every range read, to check that a reader reads only what it needs. */
export function recordingSource(name: string, bytes: Uint8Array): ByteSource & { reads: Array<[number, number]> } {
  const inner = bytesSource(name, bytes);
  const reads: Array<[number, number]> = [];
  return {
    name,
    size: inner.size,
    reads,
    async read(offset, length) {
      const out = await inner.read(offset, length);
      reads.push([offset, offset + out.byteLength]);
      return out;
    },
  };
}

/**
 * A ByteSource that also reads into the caller's buffer, as file sources do (readers then reuse
 * buffers and read small pieces past the block cache), recording the ranges read each way.
 */
export function readIntoSource(name: string, bytes: Uint8Array): ByteSource & ReusableReads & { reads: Array<[number, number]>; readIntos: Array<[number, number]> } {
  const source = recordingSource(name, bytes);
  const readIntos: Array<[number, number]> = [];
  return {
    ...source,
    readIntos,
    async readInto(offset, target) {
      const got = bytes.subarray(Math.min(offset, bytes.length), Math.min(bytes.length, offset + target.byteLength));
      target.set(got);
      readIntos.push([offset, offset + got.byteLength]);
      return got.byteLength;
    },
  };
}

/** Offset of the IFD entry for `tag` in page 0 of a little-endian classic TIFF (the test writer's layout). */
export function entryOffset(bytes: Uint8Array, tag: number, ifdOffset?: number): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = ifdOffset ?? dv.getUint32(4, true);
  const n = dv.getUint16(at, true);
  for (let i = 0; i < n; i++) {
    const e = at + 2 + i * 12;
    if (dv.getUint16(e, true) === tag) return e;
  }
  throw new Error(`tag ${tag} not in IFD at ${at}`);
}

/** Overwrites the inline SHORT/LONG value of a tag (count 1) in a copy of the file. */
export function patchTag(bytes: Uint8Array, tag: number, value: number, ifdOffset?: number): Uint8Array {
  const out = bytes.slice();
  const e = entryOffset(out, tag, ifdOffset);
  const dv = new DataView(out.buffer);
  const type = dv.getUint16(e + 2, true);
  if (type === 3) dv.setUint16(e + 8, value, true);
  else dv.setUint32(e + 8, value, true);
  return out;
}

/** IFD offsets of every page of a little-endian classic TIFF. */
export function ifdOffsets(bytes: Uint8Array): number[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  let at = dv.getUint32(4, true);
  while (at !== 0 && out.length < 10000) {
    out.push(at);
    at = dv.getUint32(at + 2 + dv.getUint16(at, true) * 12, true);
  }
  return out;
}

const CLEAR = 256;
const END = 257;

/**
 * A TIFF LZW encoder (the reference for the decoder): codes most significant bit first, one bit
 * wider as soon as the decoder's dictionary would need it, a Clear when it is full at 12 bits.
 */
export function lzwEncode(data: Uint8Array): Uint8Array {
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  let width = 9;
  const put = (code: number): void => {
    acc = (acc << width) | code;
    bits += width;
    while (bits >= 8) {
      bytes.push((acc >> (bits - 8)) & 255);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  };
  let dictionary = new Map<number, number>();
  let next = 258;
  /** Codes written since the last Clear: the decoder's dictionary has 258 + written − 1 entries. */
  let written = 0;
  const afterWrite = (): void => {
    written++;
    if (258 + written - 1 + 1 < 1 << width) return;
    if (width < 12) width++;
    else {
      put(CLEAR);
      dictionary = new Map();
      next = 258;
      written = 0;
      width = 9;
    }
  };
  put(CLEAR);
  let w = data[0];
  for (let i = 1; i < data.length; i++) {
    const key = w * 256 + data[i];
    const code = dictionary.get(key);
    if (code !== undefined) {
      w = code;
      continue;
    }
    put(w);
    dictionary.set(key, next++);
    afterWrite();
    w = data[i];
  }
  put(w);
  afterWrite();
  put(END);
  if (bits > 0) bytes.push((acc << (8 - bits)) & 255);
  return Uint8Array.from(bytes);
}

/** A PackBits encoder (the reference for the decoder): runs of 3 or more as repeats, the rest as literals. */
export function packBitsEncode(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < data.length) {
    let run = 1;
    while (i + run < data.length && run < 128 && data[i + run] === data[i]) run++;
    if (run >= 3) {
      out.push(257 - run, data[i]);
      i += run;
      continue;
    }
    const start = i;
    while (i < data.length && i - start < 128 && !(i + 2 < data.length && data[i] === data[i + 1] && data[i] === data[i + 2])) i++;
    out.push(i - start - 1, ...data.subarray(start, i));
  }
  return Uint8Array.from(out);
}

/**
 * A copy of a one-strip-a-page TIFF (the test writer's layout) whose page at `ifdOffset` has
 * `strip` for its strip, appended at the end, and `compression` when given.
 */
export function withStrip(bytes: Uint8Array, ifdOffset: number, strip: Uint8Array, compression?: number): Uint8Array {
  const out = new Uint8Array(bytes.length + strip.length);
  out.set(bytes);
  out.set(strip, bytes.length);
  const dv = new DataView(out.buffer);
  if (compression !== undefined) dv.setUint16(entryOffset(out, 259, ifdOffset) + 8, compression, true);
  dv.setUint32(entryOffset(out, 273, ifdOffset) + 8, bytes.length, true);
  dv.setUint32(entryOffset(out, 279, ifdOffset) + 8, strip.length, true);
  return out;
}

/**
 * An uncompressed stack (one strip a page) with every page's strip replaced by its bytes encoded
 * with `encode`, appended at the end, and the page's Compression set.
 */
export function recompressed(bytes: Uint8Array, encode: (raw: Uint8Array) => Uint8Array, compression: number): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return ifdOffsets(bytes).reduce((out, ifd) => {
    const at = dv.getUint32(entryOffset(bytes, 273, ifd) + 8, true);
    return withStrip(out, ifd, encode(bytes.subarray(at, at + dv.getUint32(entryOffset(bytes, 279, ifd) + 8, true))), compression);
  }, bytes);
}
